"""Two signers acting on the same step at the same moment, each on its own PostgreSQL connection: exactly one
signature is recorded, the other is refused and nothing else is written; two payments of one expense at once post
one ledger entry."""

import pytest
from django.db import connection

from casework.models import CaseEvent
from core.roles import Role
from finance import services
from finance.models import Expense, LedgerEntry, Post
from tests.concurrency import race
from tests.factories import make_user

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


@pytest.mark.parametrize("n", [2, 6])
def test_two_signers_of_one_step_cannot_both_succeed(fw, n):
    clerks = [fw.users["clerk_a1"]]
    for i in range(n - 1):
        user = make_user(f"clerk_extra{i}", Role.VILLAGE_CADRE, fw.village)
        services.post_assign(actor=fw.users["township_a"], village=fw.village, post=Post.CLERK, user=user)
        clerks.append(user)
    expense = fw.submit()

    def job(user):
        return lambda: services.expense_sign(actor=user, expense=Expense.objects.get(pk=expense.pk), step=0)

    ok, refused, crashed = race([job(u) for u in clerks])
    assert not crashed, crashed
    assert len(ok) == 1 and len(refused) == n - 1
    expense.refresh_from_db()
    assert expense.step_index == 1 and expense.state == "pending"
    signs = CaseEvent.objects.filter(object_id=expense.pk, flow="expense", transition="sign")
    assert signs.count() == 1


def test_two_payments_at_once_post_one_entry(fw):
    other = make_user("cadre_a1_two", Role.VILLAGE_CADRE, fw.village)
    expense = fw.approve(fw.submit())

    def job(user, ref):
        return lambda: services.expense_pay(actor=user, expense=Expense.objects.get(pk=expense.pk), reference=ref)

    ok, refused, crashed = race([job(fw.users["cadre_a1"], "YH1"), job(other, "YH2")])
    assert not crashed, crashed
    assert len(ok) == 1 and len(refused) == 1
    assert LedgerEntry.objects.filter(expense=expense).count() == 1


def test_two_reversals_at_once_reverse_once(fw):
    entry = fw.income()
    other = make_user("cadre_a1_three", Role.VILLAGE_CADRE, fw.village)

    def job(user):
        return lambda: services.entry_reverse(actor=user, entry=LedgerEntry.objects.get(pk=entry.pk), reason="冲销")

    ok, refused, crashed = race([job(fw.users["cadre_a1"]), job(other)])
    assert not crashed, crashed
    assert len(ok) == 1 and len(refused) == 1
    assert LedgerEntry.objects.filter(reverses=entry).count() == 1


def test_a_month_generated_twice_at_once_has_one_disclosure(fw):
    """One disclosure per village and month, also when two cadres generate it at the same moment; and an entry
    dated in the month at that moment either lands before the disclosure (and is in it) or is refused."""
    from datetime import date

    from finance.models import MonthlyDisclosure
    from transparency.models import Notice

    fw.income("100.00", day=date(2026, 10, 2))
    other = make_user("cadre_a1_four", Role.VILLAGE_CADRE, fw.village)

    def generate(user):
        return lambda: services.disclosure_generate(actor=user, village=fw.village, year=2026, month=10)

    ok, refused, crashed = race(
        [generate(fw.users["cadre_a1"]), generate(other), lambda: fw.income("5.00", day=date(2026, 10, 30))]
    )
    assert not crashed, crashed
    rows = list(MonthlyDisclosure.objects.all())
    assert len(rows) == 1 and Notice.objects.filter(category="收支明细").count() == 1
    in_ledger = LedgerEntry.objects.filter(date__month=10).count()
    assert rows[0].statement["entries"] == in_ledger  # the entry is in the disclosure or was refused
