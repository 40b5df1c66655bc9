"""The county-scale incident generator (incidents.generation) and the demo cases (incidents.demo): the generated
timelines obey the engine's rules, the outcome columns follow from the events, it is deterministic, and a year
is generated once."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts import services as account_services
from casework.models import CaseAttachment, CaseEvent
from core import workflow
from core.roles import Role
from incidents import catalogue_template, services
from incidents.flows import INCIDENT
from incidents.generation import GenerationError, IncidentGenerator, incident_counts
from incidents.models import GridMatter, Incident, IncidentAssist, Level, TriageRule
from incidents.supervision import ACTIVE_STATES
from incidents.triage import route
from regions import geometry
from registry.generation import CountyGenerator
from tests.incidents.support import photo

NOW = datetime(2026, 11, 20, 15, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
STAY = {"progress", "summon", "extend", "supervise", "overdue"}


def _county(code: str, admin: str):
    result = CountyGenerator(seed=5, county_name=f"测试{code}", county_code=code, households_per_grid=25).build(
        townships=2, villages_per_township=2, households=200
    )
    user = account_services.user_create(actor=None, username=admin, password="x", is_system=True)
    account_services.role_assign(actor=None, user=user, role=Role.COUNTY_ADMIN, region=result.county, is_system=True)
    return result.county, user


def _generate(county, actor, *, seed=3, per_year=300, years=(2026,)):
    return IncidentGenerator(county, actor=actor, seed=seed, per_year=per_year, years=years, now=NOW).run()


def _timelines(county) -> dict[int, list[CaseEvent]]:
    found = defaultdict(list)
    for event in CaseEvent.objects.filter(county=county, flow=INCIDENT.name).order_by("at", "id"):
        found[event.object_id].append(event)
    return found


def _signature(county) -> list:
    """What the data says, without ids and county codes: comparable between two counties."""
    code = county.code
    timelines = _timelines(county)
    rows = []
    for i in Incident.objects.filter(county=county).select_related("matter", "grid", "handler_department", "reporter"):
        rows.append(
            (
                i.created_at,
                i.grid.code.replace(code, ""),
                i.matter.code,
                i.severity,
                i.state,
                i.level,
                i.handler_department.code if i.handler_department else "",
                i.reporter.username.replace(code, ""),
                i.lat,
                i.rating,
                tuple((e.transition, e.from_state, e.to_state, e.at, e.deadline_at, e.note) for e in timelines[i.pk]),
            )
        )
    return sorted(rows)


@pytest.fixture
def generated(db):
    county, admin = _county("519901", "gen_admin")
    result = _generate(county, admin)
    return county, admin, result


def test_the_catalogue_template_is_consistent():
    catalogue_template.check()
    assert len(catalogue_template.MATTERS) == 43  # 003 #8: 网格事项由8项调整至43项
    assert {m.group for m in catalogue_template.MATTERS} >= {"矛盾纠纷", "安全隐患", "环境卫生", "治安防控", "民生服务"}


def test_generates_the_count_with_a_realistic_spread(generated):
    county, _admin, result = generated
    assert result.incidents == Incident.objects.filter(county=county).count() == 300
    assert GridMatter.objects.filter(county=county, unsorted=False).count() == 43
    assert GridMatter.objects.filter(county=county, unsorted=True).count() == 1  # 其他/不清楚 (incidents.plug)
    assert TriageRule.objects.filter(county=county).count() > 43
    states = Counter(Incident.objects.filter(county=county).values_list("state", flat=True))
    assert states["closed"] > 250  # most are closed
    assert sum(states[s] for s in ACTIVE_STATES) >= 1  # the last days are still open
    assert result.events == CaseEvent.objects.filter(county=county).count() > 300 * 6
    assert result.attachments == CaseAttachment.objects.filter(event__county=county).count()
    levels = Counter(Incident.objects.filter(county=county).values_list("level", flat=True))
    assert levels[Level.VILLAGE] and levels[Level.TOWNSHIP] and levels[Level.COUNTY]
    created = list(Incident.objects.filter(county=county).values_list("created_at", flat=True))
    assert min(created).year == 2026 and max(created) <= NOW
    counts = incident_counts(county, now=NOW)
    assert counts["incidents"] == 300 and counts["events"] == result.events


def test_every_case_follows_from_its_timeline(generated):
    county, _admin, _result = generated
    timelines = _timelines(county)
    for i in Incident.objects.filter(county=county):
        events = timelines[i.pk]
        assert events[0].transition == workflow.START and events[0].actor_id == i.reporter_id
        assert events[1].transition == "route" and events[1].actor_id is None
        assert [e.at for e in events] == sorted(e.at for e in events)
        # the state is the to_state of the last step that is not the deadline run's flag
        moving = [e for e in events if e.transition != workflow.OVERDUE]
        assert i.state == moving[-1].to_state
        for before, after in zip(events, events[1:], strict=False):
            assert after.from_state == before.to_state, (i.pk, before, after)
            if after.transition != workflow.START and after.transition != workflow.OVERDUE:
                assert after.from_state in INCIDENT.transitions[after.transition].source
        # the engine's columns
        assert i.flow == INCIDENT.name and i.version == len(events)
        assert i.deadline_at == events[-1].deadline_at
        assert i.overdue == (events[-1].transition == workflow.OVERDUE)
        assert i.state_entered_at == [e for e in moving if e.to_state != e.from_state][-1].at
        assert (i.closed_at is not None) == (i.state == "closed")
        assert i.opened_at == i.created_at == events[0].at
        # the outcome columns
        answers = [e for e in events if e.transition in ("accept", "hand_back")]
        assert i.responded_at == (answers[0].at if answers else None)
        resolutions = [e for e in events if e.transition == "resolve"]
        assert i.resolved_at == (resolutions[0].at if resolutions else None)
        if resolutions:
            assert i.resolved_on_time == (resolutions[0].at <= _deadline_before(events, resolutions[0]))
            assert all(e.attachments.count() == 1 for e in resolutions)
        ratings = [e for e in events if e.transition in ("close", "reopen")]
        assert i.rating == (ratings[-1].data["rating"] if ratings else "")
        assert i.rated_at == (ratings[-1].at if ratings else None)
        assert i.reopen_count == sum(e.transition == "reopen" for e in events)
        assert i.supervise_count == sum(e.transition == "supervise" for e in events)
        assert i.ever_overdue == any(e.transition == workflow.OVERDUE for e in events)
        # a flag is raised only when the deadline had passed and before anyone acted
        for before, after in zip(events, events[1:], strict=False):
            if after.transition == workflow.OVERDUE:
                assert after.at > before.deadline_at and after.deadline_at == before.deadline_at
        # the place
        assert (i.county_id, i.township_id, i.village_id) == (i.grid.county_id, i.grid.township_id, i.grid.village_id)
        assert all(
            (e.county_id, e.township_id, e.village_id) == (i.county_id, i.township_id, i.village_id) for e in events
        )
        if i.lat is not None:
            assert geometry.contains(i.grid.polygon, i.lat, i.lng)


def _deadline_before(events, event):
    return events[events.index(event) - 1].deadline_at


def test_overdue_kpi_counts_agree(generated):
    county, _admin, _result = generated
    flagged = set(
        CaseEvent.objects.filter(county=county, transition=workflow.OVERDUE).values_list("object_id", flat=True)
    )
    assert Incident.objects.filter(county=county, ever_overdue=True).count() == len(flagged) > 0
    assert Incident.objects.filter(county=county, supervise_count__gt=0).exists()
    assert Incident.objects.filter(county=county, reopen_count__gt=0).exists()
    assert IncidentAssist.objects.filter(incident__county=county).exists()


def test_routed_by_the_triage_rules(generated):
    county, _admin, _result = generated
    for i in Incident.objects.filter(county=county).select_related("matter__responsible")[:150]:
        decision = route(i)
        data = CaseEvent.objects.get(object_id=i.pk, transition="route", county=county).data
        assert data["level"] == decision.level and data["days"] == decision.days
        assert data["department"] == (decision.department.pk if decision.department else None)


def test_the_deadline_run_finds_nothing_left_to_flag(generated):
    county, _admin, _result = generated
    before = CaseEvent.objects.filter(county=county).count()
    report = workflow.run_deadlines(INCIDENT, now=NOW)
    assert report.flagged == [] and report.escalated == []
    assert CaseEvent.objects.filter(county=county).count() == before


def test_a_generated_case_takes_real_steps(generated):
    county, _admin, _result = generated
    case = Incident.objects.filter(county=county, state="accepted", level=Level.VILLAGE).first()
    if case is None:
        pytest.skip("no open village case in this sample")
    from accounts.models import User

    cadre = User.objects.get(username=f"vc{case.village.code}")
    steps = {t.name for t in workflow.available(cadre, case, INCIDENT)}
    assert {"progress", "resolve"} <= steps
    services.incident_step(actor=cadre, incident=case, step="progress", note="继续处理", version=case.version)
    services.incident_step(actor=cadre, incident=case, step="resolve", note="已处理", photos=[photo()])
    case.refresh_from_db()
    assert (
        case.state == "resolved" and case.version == CaseEvent.objects.filter(object_id=case.pk, county=county).count()
    )


def test_the_same_seed_gives_the_same_data(db):
    a, admin_a = _county("519902", "gen_a")
    b, admin_b = _county("519903", "gen_b")
    _generate(a, admin_a, per_year=120)
    _generate(b, admin_b, per_year=120)
    assert _signature(a) == _signature(b)
    c, admin_c = _county("519904", "gen_c")
    _generate(c, admin_c, per_year=120, seed=4)
    assert _signature(c) != _signature(a)


def test_a_year_is_generated_once(generated):
    county, admin, _result = generated
    before = (Incident.objects.count(), CaseEvent.objects.count())
    with pytest.raises(GenerationError, match="already has incidents reported in 2026"):
        _generate(county, admin)
    with pytest.raises(GenerationError, match="future"):
        _generate(county, admin, years=(2027,))
    assert (Incident.objects.count(), CaseEvent.objects.count()) == before
    out = StringIO()
    with pytest.raises(CommandError, match="already has incidents"):
        call_command(
            "generate_incidents", "--county", county.code, "--years", "2026", "--actor", admin.username, stdout=out
        )
    assert (Incident.objects.count(), CaseEvent.objects.count()) == before


def test_the_command_adds_a_year_and_the_bench_accounts(db):
    county, admin = _county("519905", "gen_cmd")
    out = StringIO()
    call_command(
        "generate_incidents",
        "--county",
        county.code,
        "--per-year",
        "80",
        "--years",
        "2025",
        "--seed",
        "2",
        "--now",
        NOW.isoformat(),
        "--actor",
        admin.username,
        stdout=out,
    )
    assert Incident.objects.filter(county=county, created_at__year=2025).count() == 80
    assert all(name in out.getvalue() for name in ("bench_department", "bench_township", "bench_county_official"))
    from accounts.models import User

    member = User.objects.get(username="bench_department")
    assert member.departments.filter(county=county).count() == 1
    assert User.objects.get(username="bench_township").assignments.filter(role=Role.TOWNSHIP_OFFICIAL).exists()
    with pytest.raises(CommandError, match="No county"):
        call_command("generate_incidents", "--county", "000000", stdout=StringIO())
    with pytest.raises(CommandError, match="Years"):
        call_command(
            "generate_incidents",
            "--county",
            county.code,
            "--years",
            "abc",
            "--actor",
            admin.username,
            stdout=StringIO(),
        )


def test_the_demo_has_cases_in_every_state_and_seeding_twice_adds_nothing(db):
    from accounts.models import User
    from incidents import selectors
    from incidents.demo import CRON
    from incidents.models import Department

    seeded_at = timezone.now()
    call_command("seed_demo", "--households", "120", stdout=StringIO())
    county = Incident.objects.values_list("county", flat=True).first()
    assert county is not None
    counts = (Incident.objects.count(), CaseEvent.objects.count(), CaseAttachment.objects.count())
    states = Counter(Incident.objects.values_list("state", flat=True))
    assert set(states) == {"reported", "dispatched", "accepted", "resolved", "closed"}, states
    call_command("seed_demo", "--households", "120", stdout=StringIO())
    assert (Incident.objects.count(), CaseEvent.objects.count(), CaseAttachment.objects.count()) == counts
    # the timelines are real: made by the services, with dates over the last weeks
    flags = CaseEvent.objects.filter(flow=INCIDENT.name, transition=workflow.OVERDUE)
    assert Incident.objects.filter(ever_overdue=True).count() == len(set(flags.values_list("object_id", flat=True))) > 0
    assert Incident.objects.filter(supervise_count__gt=0, state="accepted").exists()
    assert Incident.objects.filter(reopen_count__gt=0, state="closed").exists()
    first = Incident.objects.order_by("created_at").first()
    assert (timezone.now() - first.created_at).days >= 30
    # the demo accounts see their work
    department = User.objects.get(username="department")
    assert Department.objects.get(code="MZ", county_id=county).members.filter(pk=department.pk).exists()
    assert selectors.queue(department).exists()
    township = User.objects.get(username="township")
    board = selectors.board(township)
    assert board["overdue"].exists() and board["supervised"].exists() and board["unrated"].exists()
    assert selectors.queue(User.objects.get(username="cadre")).exists()
    # the demo's scheduled runs stop one cron interval before it was seeded: a deadline inside that interval (say
    # 18:00 when it is seeded at 18:03) is the next run's to flag, nothing older
    flagged = workflow.run_deadlines(INCIDENT).flagged
    assert not Incident.objects.filter(pk__in=flagged, deadline_at__lt=seeded_at - CRON).exists()


def test_generate_county_can_add_incidents(db):
    out = StringIO()
    call_command(
        "generate_county",
        "--households",
        "90",
        "--townships",
        "1",
        "--villages-per-township",
        "2",
        "--county-code",
        "519906",
        "--incidents-per-year",
        "40",
        "--incident-years",
        "2026",
        stdout=out,
    )
    assert Incident.objects.filter(county__code="519906", created_at__year=2026).count() == 40
    assert "40 incidents in 2026" in out.getvalue()
