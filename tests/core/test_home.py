"""The home page's 待我办理 card counts what the procedures wait for from this person, from the records."""

from __future__ import annotations

import pytest

from core.selectors import home_summary
from tests.finance.support import build_finance_world

pytestmark = pytest.mark.django_db


def _waiting(user) -> dict[str, int]:
    return {str(w["url"]): w["count"] for w in home_summary(user)["waiting"]}


def test_an_expense_waits_for_the_holder_of_the_next_post_only(client):
    fw = build_finance_world()
    clerk, secretary, villager = fw.users["clerk_a1"], fw.users["cadre_a1"], fw.users["villager_a1"]
    assert _waiting(clerk)["/finance/queue/"] == 0
    expense = fw.submit("800.00")
    first = fw.signers(expense)[0]
    assert _waiting(first)["/finance/queue/"] == 1
    later = [u for u in fw.signers(expense)[1:] if u != first]
    assert all(_waiting(u).get("/finance/queue/", 0) == 0 for u in later)
    assert "/finance/queue/" not in _waiting(villager)  # villagers sign nothing
    client.force_login(first)
    page = client.get("/")
    assert page.status_code == 200 and 'href="/finance/queue/"' in page.content.decode()
    assert {"/powers/queue/", "/meetings/", "/deliberation/tasks/"} <= set(_waiting(secretary))
    assert set(_waiting(clerk)) >= {"/finance/queue/"}


def test_the_cadres_home_shows_the_queues_of_the_month_with_their_lists(client):
    """Points waiting for review, appeals to decide, questions to answer and expenses to sign: each a count from the
    records with the page that lists them; the raw audit feed is not on the home page."""
    from datetime import timedelta

    from django.utils import timezone

    from points import services as points
    from tests.transparency.support import notice_data
    from transparency import services as transparency

    fw = build_finance_world()
    w, cadre, villager = fw.w, fw.users["cadre_a1"], fw.users["villager_a1"]
    scheme = points.scheme_create(
        actor=cadre, village=w.village_a1, name="文明户积分", kind="civility", subject_kind="household", base_score=10
    )
    book = points.rulebook_create(
        actor=cadre, scheme=scheme, title="细则", template="anjia", effective_from=timezone.localdate() - timedelta(400)
    )
    points.rulebook_adopt(actor=cadre, rulebook=book, decision_ref="决议第1号")
    from points.models import RuleItem
    from points.subjects import subject_of

    items = RuleItem.objects.filter(rulebook=book, code__in=["2.1", "2.3", "3.1"]).order_by("code")
    claims = [
        points.claim_record(
            actor=cadre, scheme=scheme, subject=subject_of(w.households["a1"]), item=i, occurred_on=timezone.localdate()
        )
        for i in items
    ]
    points.claims_review(actor=fw.users["reviewer_a1"], claim_ids=[claims[0].pk], approve=True)
    from points.models import LedgerEntry

    points.appeal_file(actor=villager, entry=LedgerEntry.objects.get(claim=claims[0]), reason="院子是邻居打扫的。")
    notice = transparency.notice_create(actor=cadre, village=w.village_a1, **notice_data())
    today = timezone.localdate()
    transparency.notice_step(
        actor=cadre, notice=notice, step="publish", data={"posted_from": today, "posted_until": today + timedelta(7)}
    )
    transparency.question_ask(actor=villager, notice=notice, text="工程什么时候完工？")
    expense = fw.submit("800.00")

    waiting = _waiting(cadre)
    assert waiting["/points/"] == 2  # two claims still waiting (one was approved)
    assert waiting["/points/appeals/"] == 1
    assert waiting["/transparency/questions/"] == 1
    assert waiting["/finance/queue/"] == (1 if fw.signers(expense)[0] == cadre else 0)
    assert "/points/" not in _waiting(villager) and "/transparency/questions/" not in _waiting(villager)
    assert _waiting(fw.users["reviewer_a1"])["/points/"] == 2  # the review group sees what it reviews
    client.force_login(cadre)
    page = client.get("/").content.decode()
    for url in ("/points/", "/points/appeals/", "/transparency/questions/", "/finance/queue/"):
        assert f'href="{url}"' in page, url
    assert "recent_events" not in home_summary(cadre) and 'href="/audit/"' not in page.split("</nav>")[1]
