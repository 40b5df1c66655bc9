"""The county-scale generator of service requests (doorstep/generation.py and its command): deterministic, the
shares it promises roughly, rows as the procedure leaves them, and a generated row's page works without events."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from doorstep import figures as calc
from doorstep.flows import DOORSTEP
from doorstep.generation import GenerationError, generate
from doorstep.models import Agent, Level, ServiceRequest

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 2, 15, 12, tzinfo=TZ)  # well after the year generated: only the backlog stays open


def _items(ds):
    return [ds.pension, ds.disability, ds.homestead]


def _snapshot():
    return list(
        ServiceRequest.objects.order_by("number").values_list(
            "number", "state", "opened_at", "deadline_at", "completed_at", "rating", "redo_count", "agent_id", "level"
        )
    )


def test_generates_the_shares_it_promises(ds, world):
    result = generate(world.county, per_year=300, year=2025, seed=1, now=NOW, items=_items(ds))
    assert result.requests == 300
    rows = ServiceRequest.objects.filter(county=world.county)
    assert rows.count() == 300 and all(r.flow == DOORSTEP.name for r in rows)
    share = lambda q: rows.filter(q).count() / 300  # noqa: E731
    from django.db.models import Q

    assert 0.6 <= share(Q(level=Level.VILLAGE)) <= 0.8
    assert 0.15 <= share(Q(level=Level.TOWNSHIP)) <= 0.35
    assert share(Q(state__in=("submitted", "incomplete", "handling"))) <= 0.12
    completed = rows.filter(completed_at__isnull=False)
    assert 0.8 <= completed.filter(completed_on_time=True).count() / completed.count() <= 0.97
    assert 0.0 < share(Q(redo_count__gt=0)) <= 0.08
    done = rows.filter(state__in=("rated", "closed"))
    assert done.filter(rating__in=("satisfied", "basic")).count() / done.count() >= 0.85


def test_rows_are_as_the_procedure_leaves_them(ds, world):
    generate(world.county, per_year=200, year=2025, seed=3, now=NOW, items=_items(ds))
    for case in ServiceRequest.objects.filter(county=world.county):
        assert case.number.startswith("510422-2025-")
        assert case.opened_at.year == 2025 and case.version >= 1 and case.state_entered_at >= case.opened_at
        assert case.created_at == case.opened_at
        final = DOORSTEP.is_final(case.state)
        assert (case.closed_at is not None) == final
        assert (case.deadline_at is None) == final
        if case.state in ("completed", "rated", "closed"):
            assert case.completed_at is not None and case.completed_on_time is not None
        if case.state in ("rated", "closed") and case.state == "closed":
            assert case.rating in ("satisfied", "basic") and case.revisited_at is not None
        if case.agent_id:
            assert case.item_version.agent_may and case.village_id in set(
                case.agent.villages.values_list("pk", flat=True)
            )
        assert case.village.township_id == case.township_id


def test_deterministic_for_a_seed(ds, world, django_db_blocker):
    generate(world.county, per_year=120, year=2025, seed=7, now=NOW, items=_items(ds))
    first = _snapshot()
    ServiceRequest.objects.all().delete()
    generate(world.county, per_year=120, year=2025, seed=7, now=NOW, items=_items(ds))
    assert _snapshot() == first
    ServiceRequest.objects.all().delete()
    generate(world.county, per_year=120, year=2025, seed=8, now=NOW, items=_items(ds))
    assert _snapshot() != first


def test_a_year_is_generated_once(ds, world):
    generate(world.county, per_year=10, year=2025, seed=1, now=NOW, items=_items(ds))
    with pytest.raises(GenerationError):
        generate(world.county, per_year=10, year=2025, seed=1, now=NOW, items=_items(ds))


def test_creates_agents_when_the_county_has_none(world):
    """No catalogue and no agents: the default catalogue is installed and agents are made for the villages."""
    generate(world.county, per_year=50, year=2025, seed=1, now=NOW)
    agents = Agent.objects.filter(county=world.county)
    served = set(agents.values_list("villages", flat=True))
    assert {world.village_a1.pk, world.village_a2.pk, world.village_b1.pk} <= served
    assert ServiceRequest.objects.filter(county=world.county).count() == 50
    assert ServiceRequest.objects.filter(agent__isnull=False).exists()


def test_figures_of_generated_rows_and_their_page(ds, world, login):
    generate(world.county, per_year=150, year=2025, seed=2, now=NOW, items=_items(ds))
    start, end = calc.period({"start": "2025-01-01", "end": "2025-12-31"})
    result = calc.figures(ds.users["county_official"], world.county, start=start, end=end, now=NOW)
    assert result.total.counts["made"] == 150
    assert sum(a.counts["taken"] for a in result.agents) == ServiceRequest.objects.filter(agent__isnull=False).count()
    case = ServiceRequest.objects.filter(village=world.village_a1).order_by("pk").first()
    client = login(ds.users["cadre_a1"])
    assert client.get(f"/doorstep/{case.pk}/").status_code == 200  # no timeline: the page still works


def test_the_command(world, ds):
    call_command(
        "generate_service_requests",
        "--county",
        world.county.code,
        "--per-year",
        "40",
        "--year",
        "2025",
        "--now",
        "2026-02-15T12:00",
        "--no-accounts",
    )
    assert ServiceRequest.objects.filter(county=world.county).count() == 40
