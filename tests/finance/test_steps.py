"""The expense's steps as declared on finance.flows.EXPENSE: the forms on the expense page and the API's description
come from the declaration, the irreversible steps (pay, reject, withdraw) ask for confirmation before anything is
written, a field's range or type is refused with a Chinese message, and who is told comes from ``notify``."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from casework.models import CaseEvent
from core.models import AuditEvent, Notification
from finance import rules, services
from finance.models import Expense, LedgerEntry, Post
from tests.finance.support import shown, zh

pytestmark = pytest.mark.django_db
CASES = "/api/casework/cases/expense"


def step_url(expense, step: str) -> str:
    return f"/casework/cases/expense/{expense.pk}/steps/{step}/"


def state_of(expense):
    """Everything a refused step must leave as it was."""
    expense = Expense.objects.get(pk=expense.pk)
    return (
        expense.state,
        expense.version,
        expense.step_index,
        LedgerEntry.objects.count(),
        CaseEvent.objects.count(),
        AuditEvent.objects.count(),
        Notification.objects.count(),
    )


def told(user) -> list[str]:
    return list(Notification.objects.filter(user=user).order_by("pk").values_list("text", flat=True))


# -- what the page and the API derive from the declaration ----------------------------------------------------------


def test_the_page_offers_the_declared_steps(fw, login, client):
    expense = fw.submit()
    login(fw.users["clerk_a1"])
    response = client.get(f"/finance/expenses/{expense.pk}/")
    assert [s["name"] for s in response.context["steps"]] == ["sign", "return", "reject"]
    page = response.content.decode()
    assert shown("Remark (optional)") in page and 'name="sign-note"' in page and 'name="return-reason"' in page
    assert 'name="return-note"' not in page  # the reason is the step's note: no second box
    assert 'id="step-reject"' in page and 'name="reject-confirm"' in page
    # the last post is offered "Sign as the final approval", not "Sign"
    services.expense_sign(actor=fw.users["clerk_a1"], expense=expense)
    services.expense_sign(actor=fw.users["cadre_a1"], expense=expense)
    login(fw.users["supervisor_a1"])
    response = client.get(f"/finance/expenses/{expense.pk}/")
    assert [s["name"] for s in response.context["steps"]][0] == "sign_last"
    assert shown("Sign as the final approval") in response.content.decode()
    # the payment form: the bank reference (required, with the bank-transfer rule as help), the date paid (today
    # by default), the bank slip
    services.expense_sign(actor=fw.users["supervisor_a1"], expense=expense)
    login(fw.users["cadre_a1"])
    response = client.get(f"/finance/expenses/{expense.pk}/")
    pay = next(s for s in response.context["steps"] if s["name"] == "pay")
    assert pay["confirm"] and pay["multipart"]
    form = pay["form"]
    assert list(form.fields) == ["version", "reference", "date", "attachments", "confirm"]
    assert form.fields["reference"].required and form.fields["reference"].max_length == 60
    assert form["date"].value() == timezone.localdate()
    page = response.content.decode()
    assert shown("Bank transfer reference (银行流水号)") in page and shown("Bank slip (PDF or image)") in page
    assert (
        shown("Expenses are paid by bank transfer only; recording the payment posts one entry to the ledger.") in page
    )


def test_a_returned_expense_is_corrected_not_resubmitted_from_a_panel(fw, login, client, api_token):
    expense = fw.submit()
    services.expense_decide(actor=fw.users["clerk_a1"], expense=expense, step="return", reason="补发票")
    login(fw.users["cadre_a1"])
    response = client.get(f"/finance/expenses/{expense.pk}/")
    assert [s["name"] for s in response.context["steps"]] == ["withdraw"]
    assert shown("Correct and submit again") in response.content.decode()
    steps = client.get(f"{CASES}/{expense.pk}/steps", **api_token(fw.users["cadre_a1"])).json()
    assert [s["name"] for s in steps] == ["withdraw"]


def test_the_api_describes_the_fields(fw, client, api_token):
    expense = fw.approve(fw.submit())
    steps = client.get(f"{CASES}/{expense.pk}/steps", **api_token(fw.users["cadre_a1"])).json()
    pay = next(s for s in steps if s["name"] == "pay")
    fields = {f["name"]: f for f in pay["fields"]}
    assert list(fields) == ["reference", "date", "attachments"] and pay["confirm"]
    assert fields["reference"]["required"] and fields["reference"]["max_length"] == 60
    assert fields["date"]["type"] == "date" and not fields["date"]["required"]
    assert fields["attachments"]["type"] == "files" and fields["attachments"]["max_count"] == 10
    detail = client.get(f"{CASES}/{expense.pk}", **api_token(fw.users["cadre_a1"])).json()
    assert detail["number"] == expense.number and detail["amount"] == "1500.00" and detail["entry"] is None
    assert [c["post"] for c in detail["chain"]] == expense.chain


def test_signing_as_the_final_approval_before_the_last_step_is_refused(fw, client, api_token):
    expense = fw.submit()
    clerk = api_token(fw.users["clerk_a1"])
    before = state_of(expense)
    refused = client.post(f"{CASES}/{expense.pk}/steps/sign_last", {}, content_type="application/json", **clerk)
    assert refused.status_code == 422
    assert refused.json()["detail"] == zh("Steps of the chain are still waiting; the expense is not approved yet.")
    assert state_of(expense) == before


# -- an irreversible step asks first --------------------------------------------------------------------------------


def test_paying_asks_for_confirmation_on_the_page_and_in_the_api(fw, login, client, api_token):
    expense = fw.approve(fw.submit())
    token = api_token(fw.users["cadre_a1"])
    before = state_of(expense)
    login(fw.users["cadre_a1"])
    data = {"pay-version": expense.version, "pay-reference": "YH2026", "pay-date": "2026-11-20"}
    response = client.post(step_url(expense, "pay"), data)
    assert response.status_code == 400
    assert "confirm" in next(s for s in response.context["steps"] if s["name"] == "pay")["form"].errors
    assert state_of(expense) == before and not LedgerEntry.objects.exists()
    body = {"reference": "YH2026", "version": expense.version}
    refused = client.post(f"{CASES}/{expense.pk}/steps/pay", body, content_type="application/json", **token)
    assert refused.status_code == 422 and "confirm" in refused.json()["errors"]
    assert state_of(expense) == before
    response = client.post(step_url(expense, "pay"), {**data, "pay-confirm": "on"})
    assert response.status_code == 302 and response.url == f"/finance/expenses/{expense.pk}/"
    entry = LedgerEntry.objects.get(expense=expense)
    assert entry.reference == "YH2026" and str(entry.date) == "2026-11-20"
    # the timeline shows the date paid from the declared field
    page = client.get(f"/finance/expenses/{expense.pk}/").content.decode()
    assert shown("Date paid") in page and "2026-11-20" in page


def test_rejecting_and_withdrawing_ask_for_confirmation(fw, login, client):
    expense = fw.submit()
    before = state_of(expense)
    login(fw.users["clerk_a1"])
    response = client.post(step_url(expense, "reject"), {"reject-version": expense.version, "reject-reason": "不合规"})
    assert response.status_code == 400 and state_of(expense) == before
    login(fw.users["cadre_a1"])
    response = client.post(
        step_url(expense, "withdraw"), {"withdraw-version": expense.version, "withdraw-reason": "重复"}
    )
    assert response.status_code == 400 and state_of(expense) == before
    login(fw.users["clerk_a1"])
    response = client.post(
        step_url(expense, "reject"),
        {"reject-version": expense.version, "reject-reason": "不合规", "reject-confirm": "on"},
    )
    assert response.status_code == 302
    expense.refresh_from_db()
    assert expense.state == "rejected" and expense.reason == "不合规"


# -- a field's range or type ----------------------------------------------------------------------------------------


def test_a_date_paid_in_the_future_is_refused_in_chinese(fw, login, client):
    expense = fw.approve(fw.submit())
    before = state_of(expense)
    login(fw.users["cadre_a1"])
    later = (timezone.localdate() + timedelta(days=2)).isoformat()
    data = {"pay-version": expense.version, "pay-reference": "YH2026", "pay-date": later, "pay-confirm": "on"}
    response = client.post(step_url(expense, "pay"), data)
    assert response.status_code == 400
    assert shown("An entry cannot be dated in the future.") in response.content.decode()
    assert 'value="YH2026"' in response.content.decode()  # what was typed is kept
    assert state_of(expense) == before


def test_the_api_refuses_a_bad_date_and_a_long_remark_in_chinese(fw, client, api_token):
    expense = fw.submit()
    clerk = api_token(fw.users["clerk_a1"])
    before = state_of(expense)
    long = client.post(
        f"{CASES}/{expense.pk}/steps/sign", {"note": "好" * 301}, content_type="application/json", **clerk
    )
    assert long.status_code == 422 and long.json()["errors"]["note"] == [zh("At most %(n)s characters.", n=300)]
    assert state_of(expense) == before
    fw.approve(expense)
    cadre = api_token(fw.users["cadre_a1"])
    body = {"reference": "YH1", "date": "2026-13-01", "confirm": True}
    bad = client.post(f"{CASES}/{expense.pk}/steps/pay", body, content_type="application/json", **cadre)
    assert bad.status_code == 422 and bad.json()["errors"]["date"] == [zh("Give a date, e.g. 2026-06-01.")]
    assert not LedgerEntry.objects.exists()


# -- who is told (notify on the flow) -------------------------------------------------------------------------------


def test_the_declared_notifications(fw, django_capture_on_commit_callbacks):
    clerk, cadre, supervisor = fw.users["clerk_a1"], fw.users["cadre_a1"], fw.users["supervisor_a1"]
    with django_capture_on_commit_callbacks(execute=True):
        expense = fw.submit()
    to_sign = zh("Expense to sign: %(title)s (%(amount)s yuan)", title=expense.title, amount=rules.yuan(expense.amount))
    note = Notification.objects.get(user=clerk)
    assert note.text == to_sign and note.kind == "finance" and note.url == f"/finance/expenses/{expense.pk}/"
    assert told(cadre) == []  # only the post whose turn it is
    with django_capture_on_commit_callbacks(execute=True):
        services.expense_decide(actor=clerk, expense=expense, step="return", reason="补发票")
    assert told(cadre) == [zh("Expense returned for correction: %(title)s", title=expense.title)]
    with django_capture_on_commit_callbacks(execute=True):
        services.expense_resubmit(actor=cadre, expense=expense)
    assert told(clerk) == [to_sign, to_sign]  # the chain starts again at the clerk
    with django_capture_on_commit_callbacks(execute=True):
        services.expense_decide(actor=clerk, expense=expense, step="reject", reason="不合规")
    assert told(cadre)[-1] == zh("Expense rejected: %(title)s", title=expense.title)
    # a withdrawal tells nobody; the final approval tells the requester to pay
    other = fw.submit()
    with django_capture_on_commit_callbacks(execute=True):
        services.expense_withdraw(actor=cadre, expense=other, reason="重复")
    assert not Notification.objects.filter(url=f"/finance/expenses/{other.pk}/").exists()
    third = fw.submit()
    with django_capture_on_commit_callbacks(execute=True):
        fw.approve(third)
    assert told(cadre)[-1] == zh("Expense approved, record the payment: %(title)s", title=third.title)
    assert Notification.objects.filter(user=supervisor, url=f"/finance/expenses/{third.pk}/").count() == 1


def test_who_already_signed_is_not_told_again(fw, django_capture_on_commit_callbacks):
    """A person holding two posts of a chain signs only one step, so a later step does not wait for them."""
    cadre, township = fw.users["cadre_a1"], fw.users["township_a"]
    services.post_assign(actor=township, village=fw.village, post=Post.CLERK, user=cadre)
    services.post_assign(actor=township, village=fw.village, post=Post.SUPERVISORY, user=cadre)
    services.post_assign(actor=township, village=fw.village, post=Post.SECRETARY, user=fw.users["first_a1"])
    expense = fw.submit()
    services.expense_sign(actor=cadre, expense=expense)  # as 村文书
    with django_capture_on_commit_callbacks(execute=True):
        services.expense_sign(actor=fw.users["first_a1"], expense=expense)  # as 村支书; 监委会 comes next
    waiting = Notification.objects.filter(url=f"/finance/expenses/{expense.pk}/")
    assert list(waiting.values_list("user__username", flat=True)) == ["supervisor_a1"]
