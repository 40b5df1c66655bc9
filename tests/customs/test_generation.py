"""The county-scale generator of weddings and funerals (customs.generation and generate_customs), on a small county:
every event follows from its timeline by the procedure's rules, keeps the limits it was declared under and is
assessed against them, the deadline run finds nothing left to do, a real step works on a generated case, the same
seed gives the same data, and a county is generated once.

``check_timelines`` is the engine's rules over any generated case (used by the other registers' generation tests)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command

from accounts import services as account_services
from accounts.models import User
from casework.models import CaseEvent
from core import workflow
from core.roles import Role
from customs import limits, services
from customs.flows import CUSTOMS
from customs.generation import GenerationError, generate_events
from customs.models import Event, LimitSet
from registry.generation import CountyGenerator

NOW = datetime(2026, 11, 20, 15, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def make_county(code: str, *, admin: str = "bench_county", households: int = 200):
    """A small county as generate_county makes it (2 townships × 2 villages) and its county administrator."""
    result = CountyGenerator(seed=5, county_name=f"测试{code}", county_code=code, households_per_grid=25).build(
        townships=2, villages_per_township=2, households=households
    )
    user = User.objects.filter(username=admin).first()
    if user is None:
        user = account_services.user_create(actor=None, username=admin, password="x", is_system=True)
    account_services.role_assign(actor=None, user=user, role=Role.COUNTY_ADMIN, region=result.county, is_system=True)
    return result.county, user


def timelines(model, county) -> dict[int, list[CaseEvent]]:
    found = defaultdict(list)
    content_type = ContentType.objects.get_for_model(model)
    for e in CaseEvent.objects.filter(content_type=content_type, county=county).order_by("at", "id"):
        found[e.object_id].append(e)
    return found


def check_timelines(model, flow, county, now) -> dict[int, list[CaseEvent]]:
    """Each case of ``county`` is what core.workflow would have left after its events: legal steps in order, the
    state, version, deadline, overdue flag and closing time of the last of them."""
    found = timelines(model, county)
    cases = list(model.objects.filter(county=county))
    assert cases and set(found) == {c.pk for c in cases}
    for case in cases:
        events = found[case.pk]
        assert events[0].transition == workflow.START and events[0].to_state == flow.initial
        assert case.opened_at == events[0].at and case.flow == flow.name
        state, overdue = flow.initial, False
        for before, e in zip(events, events[1:], strict=False):
            assert e.at >= before.at and e.at <= now
            assert e.from_state == state, (case.pk, e.transition)
            if e.transition == workflow.OVERDUE:
                assert e.to_state == state and e.actor_id is None and e.at > before.deadline_at
                overdue = True
            else:
                tr = flow.transitions[e.transition]
                assert state in tr.source
                assert e.to_state == (state if tr.target == workflow.STAY else tr.target)
                if e.to_state != state:  # a new state, a new deadline (a step that stays keeps both)
                    overdue = False
                else:
                    assert e.deadline_at == before.deadline_at
            state = e.to_state
            assert (e.village_id, e.county_id) == (case.village_id, case.county_id)
        last = events[-1]
        assert case.state == state and case.version == len(events)
        assert case.deadline_at == last.deadline_at
        assert case.overdue == overdue
        assert (case.closed_at is not None) == flow.is_final(case.state)
        moves = [e for e in events if e.to_state != e.from_state or e.transition == workflow.START]
        assert case.state_entered_at == moves[-1].at
        if case.closed_at is not None:
            assert case.closed_at == moves[-1].at and case.deadline_at is None
    return found


@pytest.fixture
def county(db):
    return make_county("519931")


def test_events_follow_their_timelines_and_the_deadline_run_has_nothing_left(county):
    county, admin = county
    summary = generate_events(county, admin, seed=3, per_year=300, now=NOW)
    assert summary["events"] == Event.objects.filter(county=county).count() > 250
    assert summary["case_events"] == CaseEvent.objects.filter(county=county, flow=CUSTOMS.name).count()
    check_timelines(Event, CUSTOMS, county, NOW)
    states = Counter(Event.objects.filter(county=county).values_list("state", flat=True))
    assert states["assessed"] > 200 and states["withdrawn"] >= 1 and states["registered"] >= 1
    assert workflow.run_deadlines(CUSTOMS, now=NOW).flagged == []


def test_each_event_keeps_its_limits_and_is_assessed_against_them(county):
    county, admin = county
    generate_events(county, admin, seed=4, per_year=400, now=NOW)
    sets = defaultdict(list)
    for s in LimitSet.objects.filter(county=county):
        sets[s.village_id].append(s)
    assert {len(v) for v in sets.values()} <= {1, 2} and len(sets) == 4
    events = list(Event.objects.filter(county=county).select_related("limits"))
    for e in events:
        known = [s for s in sets[e.village_id] if s.made_at <= e.opened_at and s.effective_from <= e.event_date]
        assert e.limits == max(known, key=lambda s: s.version)
        notice = e.limits.notice_days[e.kind]
        assert e.declared_late == ((e.event_date - e.opened_at.astimezone(NOW.tzinfo).date()).days < notice)
        assert set(e.plan) <= {m.key for m in limits.measures_for(e.kind)} and e.on_behalf
        assert e.number.startswith(f"HB{county.code}-{e.event_date.year}-")
        if e.state == "assessed":
            found = limits.breaches(e.limits.values, e.kind, e.actual)
            assert e.breaches == [b.__dict__ for b in found]
            assert e.result == ("breach" if found else "within") and e.assessed_on >= e.event_date
            assert e.actual_cost is not None and e.budget is not None
        else:
            assert e.result == "" and e.breaches == []
    kinds = Counter(e.kind for e in events)
    assert kinds["funeral"] > kinds["feast"] > 0 and kinds["wedding"] > 0
    assessed = [e for e in events if e.state == "assessed"]
    assert 0.02 <= sum(e.result == "breach" for e in assessed) / len(assessed) <= 0.2
    assert 0 < sum(e.declared_late for e in events) / len(events) <= 0.12
    assert sorted(e.number for e in events) == sorted({e.number for e in events})


def test_a_real_step_works_on_a_generated_event(county):
    county, admin = county
    generate_events(county, admin, seed=5, per_year=400, now=NOW)
    case = Event.objects.filter(county=county, state="registered", event_date__lte=NOW.date()).first()
    case = case or Event.objects.filter(county=county, state="supervised").first()
    assert case is not None
    cadre = User.objects.get(username=f"vc{case.village.code}")
    version, before = case.version, CaseEvent.objects.filter(object_id=case.pk, flow=CUSTOMS.name).count()
    services.event_step(actor=cadre, case=case, step="assess", data={"actual_tables": 99}, now=NOW)
    case.refresh_from_db()
    assert case.state == "assessed" and case.result == "breach" and case.version == version + 1
    assert CaseEvent.objects.filter(object_id=case.pk, flow=CUSTOMS.name).count() == before + 1


def test_generated_pages_work(county, login):
    county, admin = county
    generate_events(county, admin, seed=6, per_year=100, now=NOW)
    case = Event.objects.filter(county=county, state="assessed").order_by("pk").first()
    client = login(User.objects.get(username=f"vc{case.village.code}"))
    page = client.get(case.get_absolute_url())
    assert page.status_code == 200 and case.number in page.content.decode()
    assert client.get("/customs/figures/?year=2026").status_code == 200


def _signature(county) -> list:
    code = county.code
    rows = Event.objects.filter(county=county).order_by("number")
    return [
        (
            e.number.replace(code, ""),
            e.household.number.replace(code, ""),
            e.kind,
            e.event_date,
            e.opened_at,
            e.state,
            e.version,
            e.plan,
            e.actual,
            e.result,
            e.declared_late,
            e.limits.version,
        )
        for e in rows.select_related("household", "limits")
    ]


def test_the_same_seed_gives_the_same_events(db):
    first, admin = make_county("519932")
    second, _admin = make_county("519933")
    third, _admin = make_county("519934")
    generate_events(first, admin, seed=7, per_year=150, now=NOW)
    generate_events(second, admin, seed=7, per_year=150, now=NOW)
    generate_events(third, admin, seed=8, per_year=150, now=NOW)
    assert _signature(first) == _signature(second) != _signature(third)


def test_a_county_is_generated_once_and_the_command_refuses_clearly(county):
    county, admin = county
    out = StringIO()
    call_command("generate_customs", "--county", county.code, "--per-year", "40", "--seed", "2", stdout=out)
    assert "'events':" in out.getvalue() and Event.objects.filter(county=county).exists()
    with pytest.raises(GenerationError):
        generate_events(county, admin, seed=1, per_year=10, now=NOW)
    with pytest.raises(CommandError, match="has weddings and funerals already"):
        call_command("generate_customs", "--county", county.code)
    with pytest.raises(CommandError, match="No county 519999"):
        call_command("generate_customs", "--county", "519999")
    User.objects.filter(username="bench_county").update(username="someone_else")
    with pytest.raises(CommandError, match="No bench_county account"):
        call_command("generate_customs", "--county", county.code)
