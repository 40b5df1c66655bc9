"""The county's catalogue, departments and triage rules as services, and triage decisions computed without a case."""

import pytest

from core.audit import AuditEvent
from core.errors import DomainError, NotFound
from core.roles import Role
from incidents import selectors, services, triage
from incidents.models import Department, GridMatter, Level, Severity, TriageRule
from regions.models import RegionLevel
from tests.factories import make_region, make_user
from tests.incidents.support import INSIDE_A1

pytestmark = pytest.mark.django_db


def _other_county():
    county = make_region("外县", "510423", RegionLevel.COUNTY)
    admin = make_user("other_admin", Role.COUNTY_ADMIN, county)
    department = Department.objects.create(county=county, name="外县水务局", code="SW")
    return county, admin, department


# -- departments --------------------------------------------------------------------------------------------


def test_department_code_is_unique_in_the_county(iw):
    admin = iw.users["county_admin"]
    before = Department.objects.count()
    with pytest.raises(DomainError) as exc:
        services.department_save(actor=admin, county=iw.w.county, name="另一个局", code="HB")
    assert "code" in exc.value.message_dict
    assert Department.objects.count() == before
    # the same department keeps its own code when it is changed
    saved = services.department_save(
        actor=admin, county=iw.w.county, department=iw.environment, name="县生态环境局（改）", code="HB", phone="0812-1"
    )
    assert saved.name == "县生态环境局（改）" and saved.phone == "0812-1"
    assert list(saved.members.all()) == [iw.users["department"]]  # members given again are kept


def test_department_members_must_be_department_staff_of_the_county(iw):
    admin = iw.users["county_admin"]
    with pytest.raises(DomainError) as exc:
        services.department_save(
            actor=admin, county=iw.w.county, name="县应急管理局", code="YJ", members=[iw.users["cadre_a1"]]
        )
    assert "members" in exc.value.message_dict
    assert not Department.objects.filter(code="YJ").exists()
    _county, _admin, _ = _other_county()
    outsider = make_user("other_staff", Role.DEPARTMENT_STAFF, _county)
    with pytest.raises(DomainError):
        services.department_save(
            actor=admin, county=iw.w.county, department=iw.roads, name="县交通运输局", code="JT", members=[outsider]
        )
    assert not iw.roads.members.exists()
    services.department_save(
        actor=admin,
        county=iw.w.county,
        department=iw.roads,
        name="县交通运输局",
        code="JT",
        members=[iw.users["department"]],
    )
    assert list(iw.roads.members.all()) == [iw.users["department"]]
    assert list(selectors.department_staff(iw.w.county)) == [iw.users["department"]]


def test_only_the_county_administrator_keeps_departments(iw):
    for name in ("county_official", "township_a", "cadre_a1", "department"):
        with pytest.raises(NotFound):
            services.department_save(actor=iw.users[name], county=iw.w.county, name="某局", code="X1")
    county, other_admin, _ = _other_county()
    with pytest.raises(NotFound):
        services.department_save(actor=other_admin, county=iw.w.county, name="某局", code="X1")
    with pytest.raises(NotFound):  # another county's department
        services.department_save(
            actor=iw.users["county_admin"],
            county=iw.w.county,
            department=Department.objects.get(county=county),
            name="某局",
            code="X1",
        )
    assert not Department.objects.filter(code="X1").exists()


# -- matters ------------------------------------------------------------------------------------------------


def test_admit_refuses_a_duplicate_code_and_overlapping_bodies(iw):
    admin = iw.users["county_admin"]
    _county, _admin, foreign = _other_county()
    events = AuditEvent.objects.count()
    with pytest.raises(DomainError) as exc:
        services.matter_admit(actor=admin, county=iw.w.county, code="HJ01", name="重复", group="环境卫生")
    assert "code" in exc.value.message_dict
    with pytest.raises(DomainError) as exc:
        services.matter_admit(
            actor=admin,
            county=iw.w.county,
            code="HJ09",
            name="水体污染",
            group="环境卫生",
            responsible=iw.water,
            assisting=[iw.water],
        )
    assert "assisting" in exc.value.message_dict
    with pytest.raises(DomainError) as exc:
        services.matter_admit(
            actor=admin, county=iw.w.county, code="HJ09", name="水体污染", group="环境卫生", responsible=foreign
        )
    assert "responsible" in exc.value.message_dict
    assert not GridMatter.objects.filter(code="HJ09").exists()
    assert AuditEvent.objects.count() == events


def test_retire_needs_a_reason_and_readmit_brings_it_back(iw):
    admin = iw.users["county_admin"]
    with pytest.raises(DomainError) as exc:
        services.matter_retire(actor=admin, matter=iw.litter, reason="  ")
    assert "reason" in exc.value.message_dict
    iw.litter.refresh_from_db()
    assert iw.litter.is_current
    services.matter_retire(actor=admin, matter=iw.litter, reason="划归城管")
    iw.litter.refresh_from_db()
    assert iw.litter.retired_on is not None and iw.litter.retire_reason == "划归城管" and iw.litter.retired_by == admin
    with pytest.raises(DomainError):
        services.matter_retire(actor=admin, matter=iw.litter, reason="again")
    assert iw.litter not in selectors.matters(iw.users["grid_a1"], current_only=True)
    services.matter_readmit(actor=admin, matter=iw.litter)
    iw.litter.refresh_from_db()
    assert iw.litter.is_current and iw.litter.retire_reason == ""
    with pytest.raises(DomainError):
        services.matter_readmit(actor=admin, matter=iw.litter)
    with pytest.raises(NotFound):
        services.matter_retire(actor=iw.users["township_a"], matter=iw.litter, reason="x")


# -- rules --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"matter": "litter", "level": Level.VILLAGE, "department": "roads", "days": 3}, "department"),
        ({"matter": "litter", "level": Level.TOWNSHIP, "department": "roads", "days": 3}, "department"),
        ({"matter": "litter", "level": Level.VILLAGE, "days": 0}, "days"),
        ({"matter": "litter", "level": Level.VILLAGE, "days": 61}, "days"),
        ({"matter": "litter", "level": Level.VILLAGE, "days": "three"}, "days"),
        ({"matter": "litter", "level": "city", "days": 3}, "level"),
        ({"matter": "litter", "severity": "huge", "level": Level.VILLAGE, "days": 3}, "severity"),
        ({"matter": "litter", "level": Level.COUNTY, "department": "foreign", "days": 3}, "department"),
    ],
)
def test_bad_rules_are_refused_and_nothing_is_written(iw, kwargs, field):
    kwargs = dict(kwargs)
    kwargs["matter"] = getattr(iw, kwargs["matter"])
    if kwargs.get("department") == "foreign":
        kwargs["department"] = _other_county()[2]
    elif kwargs.get("department"):
        kwargs["department"] = getattr(iw, kwargs["department"])
    with pytest.raises(DomainError) as exc:
        services.rule_save(actor=iw.users["county_admin"], county=iw.w.county, **kwargs)
    assert field in exc.value.message_dict
    assert TriageRule.objects.count() == 3


def test_a_second_rule_for_the_same_matter_and_severity_is_refused(iw):
    admin = iw.users["county_admin"]
    with pytest.raises(DomainError):
        services.rule_save(actor=admin, county=iw.w.county, level=Level.TOWNSHIP, days=3)  # the county default again
    with pytest.raises(DomainError):
        services.rule_save(
            actor=admin, county=iw.w.county, matter=iw.dispute, severity=Severity.URGENT, level=Level.VILLAGE, days=3
        )
    assert TriageRule.objects.count() == 3
    # changing a rule in place is no clash with itself
    rule = TriageRule.objects.get(matter=iw.dispute)
    services.rule_save(
        actor=admin,
        county=iw.w.county,
        rule=rule,
        matter=iw.dispute,
        severity=Severity.URGENT,
        level=Level.TOWNSHIP,
        days=3,
    )
    rule.refresh_from_db()
    assert rule.days == 3


def test_an_inactive_department_is_not_named_in_a_new_rule(iw):
    admin = iw.users["county_admin"]
    services.department_save(
        actor=admin, county=iw.w.county, department=iw.roads, name="县交通运输局", code="JT", is_active=False
    )
    with pytest.raises(DomainError) as exc:
        services.rule_save(
            actor=admin, county=iw.w.county, matter=iw.litter, level=Level.COUNTY, department=iw.roads, days=3
        )
    assert "department" in exc.value.message_dict


def test_rule_delete_is_for_the_administrator(iw):
    rule = TriageRule.objects.get(matter=iw.dispute)
    with pytest.raises(NotFound):
        services.rule_delete(actor=iw.users["county_official"], rule=rule)
    services.rule_delete(actor=iw.users["county_admin"], rule=rule)
    assert not TriageRule.objects.filter(pk=rule.pk).exists()
    assert AuditEvent.objects.filter(action="incidents.rule.delete").count() == 1


# -- decisions without a case -------------------------------------------------------------------------------


def test_decide_follows_precedence(iw):
    county = iw.w.county.pk
    assert triage.decide(county, iw.dispute, Severity.URGENT).level == Level.TOWNSHIP  # matter × severity
    assert triage.decide(county, iw.dispute, Severity.GENERAL).level == Level.VILLAGE  # the county default
    pollution = triage.decide(county, iw.pollution, Severity.GENERAL)  # matter, any severity
    assert pollution.level == Level.COUNTY and pollution.department == iw.environment and pollution.days == 5
    admin = iw.users["county_admin"]
    services.rule_save(actor=admin, county=iw.w.county, severity=Severity.URGENT, level=Level.TOWNSHIP, days=1)
    assert triage.decide(county, iw.litter, Severity.URGENT).days == 1  # severity beats the default
    assert triage.decide(county, iw.pollution, Severity.URGENT).level == Level.COUNTY  # matter beats severity
    TriageRule.objects.all().delete()
    nothing = triage.decide(county, iw.litter, Severity.URGENT)
    assert (nothing.level, nothing.days, nothing.rule) == (Level.VILLAGE, triage.DEFAULT_DAYS, None)


def test_a_county_rule_whose_department_is_inactive_goes_to_the_township_with_no_department(iw):
    admin = iw.users["county_admin"]
    services.department_save(
        actor=admin,
        county=iw.w.county,
        department=iw.environment,
        name="县生态环境局",
        code="HB",
        is_active=False,
        members=[iw.users["department"]],
    )
    pollution = GridMatter.objects.select_related("responsible").get(pk=iw.pollution.pk)
    decision = triage.decide(iw.w.county.pk, pollution, Severity.GENERAL)
    assert decision.level == Level.TOWNSHIP and decision.department is None
    # and so does a real report: it waits for the township with no department handling it
    incident, _ = services.incident_report(
        actor=iw.users["grid_a1"], matter=iw.pollution, description="河里有油污", lat=INSIDE_A1[0], lng=INSIDE_A1[1]
    )
    assert incident.level == Level.TOWNSHIP and incident.handler_department_id is None


def test_route_of_a_case_is_the_decision_for_its_matter_and_severity(iw):
    incident, _ = services.incident_report(
        actor=iw.users["grid_a1"], matter=iw.pollution, description="河里有油污", lat=INSIDE_A1[0], lng=INSIDE_A1[1]
    )
    expected = triage.decide(iw.w.county.pk, iw.pollution, Severity.GENERAL)
    assert triage.route(incident).as_data() == expected.as_data()
    assert incident.level == Level.COUNTY and incident.handler_department == iw.environment


def test_triage_decision_selector_reads_the_actor_county_only(iw):
    decision = selectors.triage_decision(iw.users["cadre_b1"], matter=iw.dispute, severity=Severity.URGENT)
    assert decision.level == Level.TOWNSHIP
    _county, other_admin, _ = _other_county()
    with pytest.raises(NotFound):
        selectors.triage_decision(other_admin, matter=iw.dispute, severity=Severity.URGENT)
    rules_before = TriageRule.objects.count()
    table = selectors.triage_table(iw.users["county_admin"], iw.w.county)
    assert TriageRule.objects.count() == rules_before
    by_code = {row["matter"].code: [d.level for d in row["decisions"]] for row in table}
    assert "OLD1" not in by_code  # retired matters take no new case
    assert by_code["MD01"] == [Level.VILLAGE, Level.VILLAGE, Level.TOWNSHIP]
