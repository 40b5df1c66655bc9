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
