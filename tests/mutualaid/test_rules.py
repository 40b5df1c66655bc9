"""The rules of mutual aid at their edges: bands, the fund's balance, the five steps, who may take each."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from casework.models import CaseEvent
from core.audit import AuditEvent
from core.errors import DomainError, NotFound
from core.models import AppendOnlyError
from mutualaid import fund, services
from mutualaid.models import Application, FundEntry, Source
from tests.mutualaid.conftest import apply, step, to_approved

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(Application.objects.values_list("pk", "state", "version", "approved_amount")),
        FundEntry.objects.count(),
        CaseEvent.objects.count(),
        AuditEvent.objects.count(),
    )


# -- bands --------------------------------------------------------------------------------------------------------


def test_amount_equal_to_the_highest_band_is_accepted(aid):
    case = apply(aid, amount="5000")
    assert case.state == "applied"
    assert case.number.startswith("HZ510422-")


def test_amount_above_the_highest_band_is_refused_and_changes_nothing(aid):
    before = snapshot()
    with pytest.raises(DomainError) as exc:
        apply(aid, amount="5000.01")
    assert "5000.00" in str(exc.value.message_dict["amount_asked"])
    assert snapshot() == before


@pytest.mark.parametrize("amount", ["0", "-1", "0.00", "abc", "1.234"])
def test_zero_negative_or_bad_amounts_are_refused(aid, amount):
    before = snapshot()
    with pytest.raises(DomainError) as exc:
        apply(aid, amount=amount)
    assert "amount_asked" in exc.value.message_dict
    assert snapshot() == before


def test_no_band_no_application(aid):
    with pytest.raises(DomainError) as exc:
        apply(aid, actor=aid.world.users["cadre_b1"], person=aid.world.people["b1_head"])
    assert "amount_asked" in exc.value.message_dict


def test_approved_amount_above_the_band_is_refused(aid):
    case = apply(aid, amount="800")
    step(aid.leader, case, "group_verify", finding="属实")
    step(aid.grid, case, "association_verify", finding="属实")
    before = snapshot()
    with pytest.raises(DomainError) as exc:
        step(aid.cadre, case, "approve", approved_amount="5000.01")
    assert "approved_amount" in exc.value.message_dict
    assert snapshot() == before
    step(aid.cadre, case, "approve", approved_amount="5000")
    case.refresh_from_db()
    assert case.approved_amount == Decimal("5000.00") and case.band_name == "大额"


def test_band_edges_pick_the_right_band(aid):
    from mutualaid import bands

    village = aid.world.village_a1.pk
    assert bands.band_for(village, Decimal("500")).name == "小额"
    assert bands.band_for(village, Decimal("500.01")).name == "中额"
    assert bands.band_for(village, Decimal("5000.01")) is None


def test_duplicate_band_refused(aid):
    with pytest.raises(DomainError):
        services.band_add(actor=aid.cadre, village=aid.world.village_a1, name="重复", up_to="500")


# -- who applies for whom -----------------------------------------------------------------------------------------


def test_applicant_outside_the_village_is_refused(aid):
    before = snapshot()
    with pytest.raises(DomainError) as exc:
        apply(aid, actor=aid.cadre, person=aid.world.people["b1_head"])
    assert "person" in exc.value.message_dict
    with pytest.raises(DomainError):
        apply(aid, actor=aid.villager, person=aid.world.people["a1b_head"])  # a neighbour's household
    assert snapshot() == before


def test_cadre_and_grid_worker_apply_on_behalf(aid):
    by_cadre = apply(aid, actor=aid.cadre, person=aid.world.people["a1b_head"])
    assert by_cadre.on_behalf and by_cadre.applicant_id is None
    by_grid = apply(aid, actor=aid.grid)
    assert by_grid.on_behalf


# -- the five steps -----------------------------------------------------------------------------------------------


def test_full_path_pays_exactly_once_and_publishes(aid):
    case = to_approved(aid, approved="1200")
    step(aid.cadre, case, "pay", paid_on=date.today().isoformat(), how="转账")
    case.refresh_from_db()
    assert case.state == "paid"
    payouts = FundEntry.objects.filter(application=case, kind="payout")
    assert [p.amount for p in payouts] == [Decimal("-1200.00")]
    assert fund.balance(case.village_id) == Decimal("1800.00")
    assert case.notice is not None and case.notice.state == "published"
    body = case.notice.body
    assert "王*" in body and "王建国" not in body and "住院" not in body and "1200.00" in body
    with pytest.raises(DomainError):
        step(aid.cadre, case, "pay", paid_on=date.today().isoformat())
    assert payouts.count() == 1


def test_association_member_without_publishing_right_pays_then_cadre_publishes(aid):
    case = to_approved(aid)
    step(aid.grid, case, "pay", paid_on=date.today().isoformat())
    case.refresh_from_db()
    assert case.state == "paid" and case.notice_id is None
    with pytest.raises(DomainError):
        services.payouts_publish(actor=aid.grid, village=aid.world.village_a1)
    notice = services.payouts_publish(actor=aid.cadre, village=aid.world.village_a1)
    case.refresh_from_db()
    assert case.notice_id == notice.pk
    with pytest.raises(DomainError):
        services.payouts_publish(actor=aid.cadre, village=aid.world.village_a1)


def test_pay_refused_when_the_fund_is_short(aid):
    case = to_approved(aid, amount="3000.01", approved="3000.01")
    before = snapshot()
    with pytest.raises(DomainError) as exc:
        step(aid.grid, case, "pay", paid_on=date.today().isoformat())
    assert "paid_on" in exc.value.message_dict
    assert snapshot() == before


def test_pay_to_exactly_zero(aid):
    case = to_approved(aid, amount="3000", approved="3000")
    step(aid.grid, case, "pay", paid_on=date.today().isoformat())
    assert fund.balance(aid.world.village_a1.pk) == Decimal("0.00")


def test_second_payout_refused_when_the_first_took_the_money(aid):
    first = to_approved(aid, amount="2000", approved="2000")
    second = to_approved(aid, amount="1500", approved="1500")
    step(aid.grid, first, "pay", paid_on=date.today().isoformat())
    with pytest.raises(DomainError):
        step(aid.grid, second, "pay", paid_on=date.today().isoformat())
    assert fund.balance(aid.world.village_a1.pk) == Decimal("1000.00")
    assert Application.objects.get(pk=second.pk).state == "approved"


def test_a_villager_cannot_verify_approve_or_pay(aid):
    case = apply(aid)
    before = snapshot()
    for name in ("group_verify", "approve", "pay"):
        with pytest.raises(DomainError):
            step(aid.villager, case, name, finding="x", approved_amount="1", paid_on=date.today().isoformat())
    assert snapshot() == before


def test_only_the_groups_leader_verifies_first(aid):
    case = apply(aid)
    with pytest.raises(DomainError) as exc:
        step(aid.cadre, case, "group_verify", finding="属实")  # the group has a leader: the cadre does not stand in
    assert exc.value.code == "role"
    step(aid.leader, case, "group_verify", finding="属实")


def test_cadre_stands_in_for_a_group_without_a_leader(aid):
    case = apply(aid, actor=aid.cadre, person=aid.world.people["a1b_head"])  # household a1b: no group
    step(aid.cadre, case, "group_verify", finding="属实")
    assert Application.objects.get(pk=case.pk).state == "group_verified"


def test_association_steps_need_a_member(aid):
    case = apply(aid)
    step(aid.leader, case, "group_verify", finding="属实")
    with pytest.raises(DomainError):
        step(aid.leader, case, "association_verify", finding="属实")
    step(aid.grid, case, "association_verify", finding="属实")
    with pytest.raises(DomainError):
        step(aid.grid, case, "approve", approved_amount="800")  # the association does not approve


def test_decline_and_send_back(aid):
    case = apply(aid)
    step(aid.leader, case, "return_to_applicant", missing="医院发票")
    step(aid.villager, case, "resubmit", supplement="已补发票")
    step(aid.leader, case, "group_verify", finding="属实")
    step(aid.grid, case, "send_back_to_group", reason="再核收入")
    assert Application.objects.get(pk=case.pk).state == "applied"
    step(aid.leader, case, "decline_at_group", reason="家庭收入较高", confirm=True)
    case.refresh_from_db()
    assert case.state == "declined" and case.decline_reason == "家庭收入较高"
    assert not FundEntry.objects.filter(application=case).exists()


def test_outsider_cannot_see_an_application(aid):
    case = apply(aid)
    from mutualaid import selectors

    with pytest.raises(NotFound):
        selectors.application_for(aid.world.users["cadre_b1"], case.pk)
    assert selectors.application_for(aid.leader, case.pk) == case
    assert selectors.application_for(aid.grid, case.pk) == case


# -- the ledger ---------------------------------------------------------------------------------------------------


def test_contribution_must_be_positive(aid):
    before = snapshot()
    for amount in ("0", "-5"):
        with pytest.raises(DomainError):
            services.contribution_record(
                actor=aid.cadre, village=aid.world.village_a1, source=Source.SOCIETY, amount=amount, on=date.today()
            )
    with pytest.raises(DomainError):
        services.contribution_record(
            actor=aid.cadre, village=aid.world.village_a1, source="bank", amount="5", on=date.today()
        )
    assert snapshot() == before


def test_outsider_cannot_keep_the_fund(aid):
    for actor in (aid.villager, aid.world.users["cadre_b1"], aid.world.users["township_a"]):
        with pytest.raises(NotFound):
            services.contribution_record(
                actor=actor, village=aid.world.village_a1, source=Source.SOCIETY, amount="5", on=date.today()
            )


def test_reversal(aid):
    entry = services.contribution_record(
        actor=aid.cadre, village=aid.world.village_a1, source=Source.SOCIETY, amount="300", on=date.today()
    )
    reversal = services.entry_reverse(actor=aid.cadre, entry=entry, reason="重复录入")
    assert reversal.amount == Decimal("-300.00") and reversal.reverses_id == entry.pk
    assert fund.balance(aid.world.village_a1.pk) == Decimal("3000.00")
    with pytest.raises(DomainError):
        services.entry_reverse(actor=aid.cadre, entry=entry, reason="again")
    with pytest.raises(DomainError):
        services.entry_reverse(actor=aid.cadre, entry=reversal, reason="again")


def test_reversal_that_would_overdraw_is_refused(aid):
    case = to_approved(aid, amount="2500", approved="2500")
    step(aid.grid, case, "pay", paid_on=date.today().isoformat())
    government = FundEntry.objects.get(source=Source.GOVERNMENT)
    before = snapshot()
    with pytest.raises(DomainError):
        services.entry_reverse(actor=aid.cadre, entry=government, reason="错")
    assert snapshot() == before


def test_ledger_rows_cannot_change(aid):
    entry = FundEntry.objects.first()
    entry.note = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        FundEntry.objects.filter(pk=entry.pk).update(note="x")


def test_database_refuses_a_second_payout_row(aid):
    case = to_approved(aid)
    step(aid.grid, case, "pay", paid_on=date.today().isoformat())
    row = FundEntry(kind="payout", amount=Decimal("-1"), on=date.today(), application=case, recorded_by=aid.cadre)
    row.place_in(aid.world.village_a1)
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()


def test_a_check_not_done_in_three_working_days_is_flagged_overdue(aid):
    from datetime import timedelta

    from django.utils import timezone

    from core import workflow
    from mutualaid.flows import MUTUAL_AID

    case = apply(aid)
    assert case.deadline_at is not None
    workflow.run_deadlines(MUTUAL_AID, now=case.deadline_at - timedelta(minutes=1))
    assert not Application.objects.get(pk=case.pk).overdue
    workflow.run_deadlines(MUTUAL_AID, now=case.deadline_at + timedelta(minutes=1))
    assert Application.objects.get(pk=case.pk).overdue
    assert case.deadline_at > timezone.now() + timedelta(days=2)
