"""What mutual aid shows on the home page and in 待我办理, and its demo data."""

from datetime import date

import pytest

from core import plugins
from mutualaid.plug import mutualaid_card
from tests.mutualaid.conftest import apply, step

pytestmark = pytest.mark.django_db


def test_home_card_counts_what_waits(aid):
    case = apply(aid)
    leader = mutualaid_card(aid.leader)
    assert leader.data["waiting"] == 1 and leader.data["mine"] == 0
    villager = mutualaid_card(aid.villager)
    assert villager.data["mine"] == 1 and villager.data.get("waiting", 0) == 0
    step(aid.leader, case, "group_verify", finding="属实")
    assert mutualaid_card(aid.grid).data["waiting"] == 1
    assert mutualaid_card(aid.leader).data["waiting"] == 0
    assert mutualaid_card(aid.world.users["department"]) is None


def test_waiting_item_is_registered(aid):
    keys = [w.key for w in plugins.waiting_items()]
    assert "mutualaid.waiting" in keys
    assert "mutualaid" in [c.key for c in plugins.home_cards()]


def test_home_page_shows_the_card(aid, login):
    apply(aid)
    page = login(aid.leader).get("/").content.decode()
    assert "/mutualaid/" in page


def test_payout_notice_is_on_the_public_board(aid, client):
    from tests.mutualaid.conftest import to_approved

    case = to_approved(aid)
    step(aid.cadre, case, "pay", paid_on=date.today().isoformat())
    board = client.get(f"/public/{aid.world.village_a1.code}/notices/")
    assert board.status_code == 200
    text = board.content.decode()
    assert "邻里互助" in text or "Mutual-aid payouts" in text
    assert "王建国" not in text and "住院" not in text


def test_every_key_mutual_aid_records_has_a_label(aid):
    from core.audit_display import unlabelled_keys
    from core.models import AuditEvent
    from mutualaid import services
    from mutualaid.models import Band, FundEntry
    from tests.mutualaid.conftest import to_approved

    case = to_approved(aid)
    step(aid.grid, case, "pay", paid_on=date.today().isoformat())
    services.payouts_publish(actor=aid.cadre, village=aid.world.village_a1)
    services.entry_reverse(actor=aid.cadre, entry=FundEntry.objects.filter(kind="contribution").first(), reason="错")
    services.band_remove(actor=aid.cadre, band=Band.objects.first())
    events = AuditEvent.objects.filter(action__startswith="mutualaid.")
    assert {e.action.split(".")[1] for e in events} >= {"contribution", "entry", "band", "application", "payouts"}
    missing = {(key, e.action) for e in events for key in unlabelled_keys(e)}
    assert not missing
