"""The county-scale generator of the honour boards (honours.generation and generate_honours), on a small county: every
nomination follows from its timeline, ranks are unique on a board in a village's quarter and within its places, an
honour is confirmed by the deadline run only after its notice with no objection waiting, an upheld objection strikes
it, the deadline run finds nothing left, the same seed gives the same data, and a county is generated once."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from core import workflow
from honours.flows import HONOUR
from honours.generation import GenerationError, generate_honours
from honours.models import Board, Nomination, Objection, Subject
from tests.customs.test_generation import NOW, check_timelines, make_county


@pytest.fixture
def county(db):
    return make_county("519951")


def test_nominations_follow_their_timelines_and_the_boards_rules(county):
    county, admin = county
    summary = generate_honours(county, admin, seed=3, per_board=2, now=NOW)
    found = check_timelines(Nomination, HONOUR, county, NOW)
    rows = list(Nomination.objects.filter(county=county).select_related("board"))
    assert summary["nominations"] == len(rows) > 200
    states = Counter(n.state for n in rows)
    assert states["confirmed"] > 100 and states["declined"] and states["accepted"] and states["struck"] >= 0
    ranked, active = set(), set()
    for n in rows:
        assert n.number.startswith(f"RB{county.code}-2026-") and n.year == 2026
        assert (n.person_id is None) == (n.board.subject == Subject.HOUSEHOLD)
        if n.state in ("accepted", "published", "confirmed"):
            assert 1 <= n.rank <= n.board.places
            key = (n.board_id, n.village_id, n.quarter, n.rank)
            assert key not in ranked
            ranked.add(key)
        if n.state in ("nominated", "accepted", "published", "confirmed"):
            key = (n.board_id, n.quarter, n.person_id or f"h{n.household_id}")
            assert key not in active
            active.add(key)
        events = found[n.pk]
        if n.state == "confirmed":
            confirm = events[-1]
            publish = next(e for e in events if e.transition == "publish")
            assert confirm.transition == "confirm" and confirm.actor_id is None  # the deadline run took it
            assert confirm.at > publish.deadline_at and n.confirmed_on == confirm.at.astimezone(NOW.tzinfo).date()
            answers = [e for e in events if e.transition == "dismiss"]
            assert all(confirm.at > e.at for e in answers)
            assert n.published_on == publish.at.astimezone(NOW.tzinfo).date()
        if n.state == "struck":
            assert Objection.objects.filter(nomination=n, upheld=True).exists()
        if n.state == "declined":
            assert n.opinion and n.rank is None
    for o in Objection.objects.filter(nomination__county=county).select_related("nomination"):
        events = found[o.nomination_id]
        publish = next(e for e in events if e.transition == "publish")
        assert publish.at <= o.made_at <= publish.deadline_at
        if o.answered_at is None:
            assert o.nomination.state == "published"
        else:
            answer = next(e for e in events if e.transition in ("dismiss", "uphold"))
            assert answer.data["objection"] == str(o.pk) and answer.at == o.answered_at
            assert (answer.transition == "uphold") == o.upheld
    report = workflow.run_deadlines(HONOUR, now=NOW)
    assert report.flagged == [] and report.escalated == []


def test_generated_pages_work(county, login):
    county, admin = county
    generate_honours(county, admin, seed=6, per_board=1, now=NOW)
    case = Nomination.objects.filter(county=county, state="confirmed").order_by("pk").first()
    client = login(User.objects.get(username=f"vc{case.village.code}"))
    page = client.get(case.get_absolute_url())
    assert page.status_code == 200 and case.number in page.content.decode()
    public = client.get(f"/public/{case.village.code}/honours/?quarter=2026-{case.quarter}")
    assert public.status_code == 200 and case.name in public.content.decode()


def test_the_boards_are_the_countys_and_every_village_has_its_panel(county):
    from committees.models import Committee, CommitteeKind

    county, admin = county
    generate_honours(county, admin, seed=4, per_board=1, now=NOW)
    assert Board.objects.filter(county=county).count() == 10
    panels = Committee.objects.filter(county=county, kind=CommitteeKind.HONOURS_PANEL)
    assert panels.count() == 4 and all(p.members.current().exists() for p in panels)
    used = set(Nomination.objects.filter(county=county).values_list("board_id", flat=True))
    assert len(used) == 10


def _signature(county) -> list:
    code = county.code
    return [
        (n.number.replace(code, ""), n.board.code, n.name, n.quarter, n.state, n.version, n.opened_at, n.rank)
        for n in Nomination.objects.filter(county=county).select_related("board").order_by("number")
    ]


def test_the_same_seed_gives_the_same_boards(db):
    first, admin = make_county("519952")
    second, _admin = make_county("519953")
    third, _admin = make_county("519954")
    generate_honours(first, admin, seed=7, per_board=1, now=NOW)
    generate_honours(second, admin, seed=7, per_board=1, now=NOW)
    generate_honours(third, admin, seed=8, per_board=1, now=NOW)
    assert _signature(first) == _signature(second) != _signature(third)


def test_a_county_is_generated_once_and_the_command_refuses_clearly(county):
    county, admin = county
    out = StringIO()
    call_command("generate_honours", "--county", county.code, "--per-board", "0.5", stdout=out)
    assert "'nominations':" in out.getvalue() and Nomination.objects.filter(county=county).exists()
    with pytest.raises(GenerationError):
        generate_honours(county, admin, seed=1, now=NOW)
    with pytest.raises(CommandError, match="has nominations for the honour boards already"):
        call_command("generate_honours", "--county", county.code)
    with pytest.raises(CommandError, match="No county 519999"):
        call_command("generate_honours", "--county", "519999")
    User.objects.filter(username="bench_county").update(username="someone_else")
    with pytest.raises(CommandError, match="No bench_county account"):
        call_command("generate_honours", "--county", county.code)
