"""The rules of 入户走访 at their edges: calendar periods across a month end, a visit dated in the future or too
long ago (refused, nothing written), who may record, who sets the frequencies, and the SQL list agreeing with the
rule in visits/periods.py."""

from datetime import date, timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from committees import services as committees
from committees.models import CommitteeKind
from core.errors import DomainError, NotFound
from core.models import AuditEvent
from visits import periods, selectors, services
from visits.models import Frequency, Visit

# -- calendar periods ----------------------------------------------------------------------------------------------


def test_monthly_visit_on_january_31_is_next_due_by_the_end_of_february():
    since = date(2020, 1, 1)
    assert periods.status("month", since, date(2026, 1, 31), date(2026, 2, 1)) == periods.Status(
        "due", "month", date(2026, 2, 28)
    )
    assert periods.status("month", since, date(2026, 1, 31), date(2026, 2, 28)).state == "due"
    missed = periods.status("month", since, date(2026, 1, 31), date(2026, 3, 1))
    assert missed == periods.Status("overdue", "month", date(2026, 2, 28))
    # a leap year's February ends on the 29th
    assert periods.status("month", since, date(2028, 1, 31), date(2028, 2, 10)).by == date(2028, 2, 29)
    # a visit on 1 February counts for February, whatever January had
    assert periods.status("month", since, date(2026, 2, 1), date(2026, 2, 28)).state == "done"


def test_a_monthly_rule_set_on_january_31_asks_first_for_february():
    since = date(2026, 1, 31)
    assert periods.first_owed("month", since) == date(2026, 2, 1)
    assert periods.status("month", since, None, date(2026, 1, 31)).state == "none"
    assert periods.status("month", since, None, date(2026, 2, 10)) == periods.Status("due", "month", date(2026, 2, 28))
    assert periods.status("month", since, None, date(2026, 3, 1)).state == "overdue"
    # set on the first day of a month, that month is owed
    assert periods.status("month", date(2026, 2, 1), None, date(2026, 2, 1)).state == "due"


def test_weeks_quarters_and_years():
    assert periods.start("week", date(2026, 12, 6)) == date(2026, 11, 30)  # a Sunday → its Monday
    assert periods.end("quarter", date(2026, 11, 15)) == date(2026, 12, 31)
    assert periods.next_start("quarter", date(2026, 12, 31)) == date(2027, 1, 1)
    assert periods.previous_start("month", date(2026, 1, 15)) == date(2025, 12, 1)
    assert periods.end("year", date(2026, 6, 1)) == date(2026, 12, 31)
    since = date(2020, 1, 1)
    assert periods.status("quarter", since, date(2026, 3, 31), date(2026, 6, 30)).state == "due"
    assert periods.status("quarter", since, date(2026, 3, 31), date(2026, 7, 1)).state == "overdue"


# -- recording a visit -----------------------------------------------------------------------------------------------


def _record(world, who="grid_a1", household="a1", **kwargs):
    data = {"visited_on": timezone.localdate(), "found": "老人身体尚可，屋顶漏雨"}
    data.update(kwargs)
    return services.visit_record(actor=world.users[who], household=world.households[household], **data)


def test_a_visit_dated_in_the_future_is_refused_and_nothing_is_written(world):
    events = AuditEvent.objects.count()
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(DomainError) as refused:
        _record(world, visited_on=tomorrow)
    assert "visited_on" in refused.value.message_dict
    assert timezone.localdate().isoformat() in refused.value.message_dict["visited_on"][0]
    assert not Visit.objects.exists() and AuditEvent.objects.count() == events


def test_the_refusal_of_a_future_date_is_in_chinese(world):
    from django.utils import translation

    msgid = "A visit cannot be dated after today (%(today)s): record it once it has happened."
    with translation.override("zh-hans"):
        if translation.gettext(msgid) == msgid:
            pytest.skip("the app's msgids (/tmp/helpers/visits.tsv) are not in locale/ yet")
        with pytest.raises(DomainError) as refused:
            _record(world, visited_on=timezone.localdate() + timedelta(days=1))
    today = timezone.localdate().isoformat()
    assert refused.value.message_dict["visited_on"] == [f"走访日期不能晚于今天（{today}）：请在走访完成后再记录。"]
    assert not Visit.objects.exists()


def test_a_visit_long_ago_a_blank_finding_or_a_stranger_is_refused(world):
    with pytest.raises(DomainError):
        _record(world, visited_on=timezone.localdate() - timedelta(days=61))
    with pytest.raises(DomainError):
        _record(world, found="   ")
    with pytest.raises(DomainError):
        _record(world, person=world.people["b1_head"].pk)  # not of this household
    with pytest.raises(DomainError):
        _record(world, how="by pigeon")
    assert not Visit.objects.exists()


def test_a_visit_is_recorded_once_a_day_by_the_same_worker(world):
    visit = _record(world, visited_on=timezone.localdate() - timedelta(days=60), person=world.people["a1_wife"].pk)
    assert visit.person == world.people["a1_wife"] and visit.village_id == world.village_a1.pk
    assert AuditEvent.objects.filter(action="visits.visit.record", target_id=str(visit.pk)).exists()
    with pytest.raises(DomainError):
        _record(world, visited_on=visit.visited_on)
    assert Visit.objects.count() == 1


def test_who_may_record_a_visit(world):
    _record(world, who="grid_a1", household="a1")
    _record(world, who="cadre_a1", household="a1b")  # the village's cadre, another grid
    for who, household in (
        ("grid_a1", "a1b"),
        ("grid_a1", "b1"),
        ("cadre_b1", "a1"),
        ("township_a", "a1"),
        ("villager_a1", "a1"),
        ("county_official", "a1"),
    ):
        with pytest.raises(NotFound):
            _record(world, who=who, household=household)
    assert Visit.objects.count() == 2


def test_a_village_group_leader_records_visits_in_the_village(world):
    from regions.models import RegionLevel
    from tests.factories import make_region

    cadre = world.users["cadre_a1"]
    group = make_region("一组", "510422001001001", RegionLevel.GROUP, world.village_a1)
    world.households["a1b"].group = group
    world.households["a1b"].save()
    committee = committees.committee_set(actor=cadre, village=world.village_a1, kind=CommitteeKind.GROUP_LEADERS)
    committees.member_add(
        actor=cadre,
        committee=committee,
        name="片长",
        username="villager_a1",
        group=group.pk,
        started_on=date(2020, 1, 1),
    )
    visit = _record(world, who="villager_a1", household="a1b")
    assert visit.by == world.users["villager_a1"]
    for other in ("a1", "b1"):  # outside the group led
        with pytest.raises(NotFound):
            _record(world, who="villager_a1", household=other)


def test_a_follow_up_is_linked_back_to_the_visit(world):
    visit = _record(world, follow_up="incident")
    assert visit.problem
    linked = services.visit_link(actor=world.users["grid_a1"], visit=visit, reference="510422-2026-00012")
    assert linked.reference == "510422-2026-00012"
    quiet = _record(world, household="a1", who="cadre_a1")
    with pytest.raises(DomainError):
        services.visit_link(actor=world.users["cadre_a1"], visit=quiet, reference="X-1")
    with pytest.raises(NotFound):
        services.visit_link(actor=world.users["cadre_b1"], visit=visit, reference="X-2")
    visit.refresh_from_db()
    assert visit.reference == "510422-2026-00012"


# -- the county's frequencies ----------------------------------------------------------------------------------------


def test_the_county_sets_frequencies_and_no_one_else(world, rules):
    row = services.frequency_set(
        actor=world.users["county_admin"], county=world.county, tag=world.tags["left_behind_elder"].pk, period="quarter"
    )
    assert row.pk == rules[0].pk and row.period == "quarter" and Frequency.objects.count() == 2
    for who in ("cadre_a1", "county_official", "township_a", "grid_a1"):
        with pytest.raises(NotFound):
            services.frequency_set(actor=world.users[who], county=world.county, tag=world.tags["dibao"], period="month")
    with pytest.raises(NotFound):
        services.frequency_set(
            actor=world.users["county_admin"], county=world.village_a1, tag=world.tags["dibao"], period="month"
        )
    with pytest.raises(DomainError):
        services.frequency_set(
            actor=world.users["county_admin"], county=world.county, tag=world.tags["dibao"], period="daily"
        )
    assert Frequency.objects.count() == 2


# -- the lists ---------------------------------------------------------------------------------------------------------


def test_lists_and_board_on_a_day(world, rules, visited):
    today = date(2026, 3, 4)  # a Wednesday
    visited(world.households["a1b"], date(2026, 1, 31), by="cadre_a1")  # February missed → overdue
    visited(world.households["a1"], date(2026, 3, 2))  # this week's visit done
    visited(world.households["b1"], date(2026, 2, 10), by="cadre_b1")  # March owed, not yet late
    grid = {h.pk for h in selectors.my_due(world.users["grid_a1"], today)}
    assert grid == set()  # a1 visited this week; a1b is in the other grid
    cadre = selectors.describe(world.users["cadre_a1"], selectors.my_due(world.users["cadre_a1"], today), today)
    assert [(o.household.number, o.state, o.by) for o in cadre] == [("0002", "overdue", date(2026, 2, 28))]
    assert cadre[0].reasons == ["留守老人"]
    # the board: households, by village and grid, for the township's own villages only
    rows = selectors.board(world.users["township_a"], today)
    assert {(r["grid__name"], r["ruled"], r["due"], r["overdue"]) for r in rows} == {
        ("安家村A1-01网格", 1, 0, 0),
        ("安家村A1-02网格", 1, 1, 1),
    }
    county = {
        r["village__name"]: (r["due"], r["overdue"]) for r in selectors.board(world.users["county_official"], today)
    }
    assert county["新桥村"] == (1, 0)
    # next week, the weekly visit is owed again and the week after it is overdue
    assert [
        o.state
        for o in selectors.describe(
            world.users["grid_a1"], selectors.my_due(world.users["grid_a1"], date(2026, 3, 9)), date(2026, 3, 9)
        )
    ] == ["due"]
    assert selectors.my_due(world.users["grid_a1"], date(2026, 3, 16), which="overdue").count() == 1


def test_restricted_tags_are_named_only_to_those_who_may_see_them(world, rules):
    today = date(2026, 3, 4)
    grid = selectors.describe(world.users["grid_a1"], selectors.my_due(world.users["grid_a1"], today), today)
    assert grid[0].household == world.households["a1"] and grid[0].reasons == []
    cadre = selectors.describe(world.users["cadre_a1"], selectors.my_due(world.users["cadre_a1"], today), today)
    assert "社区矫正" in {r for o in cadre for r in o.reasons}


def test_an_inactive_rule_or_a_deceased_person_owes_nothing(world, rules):
    today = date(2026, 3, 4)
    services.frequency_set(
        actor=world.users["county_admin"],
        county=world.county,
        tag=world.tags["community_correction"],
        period="week",
        active=False,
    )
    assert selectors.my_due(world.users["grid_a1"], today).count() == 0
    person = world.people["a1b_head"]
    person.is_deceased = True
    person.save()
    assert selectors.my_due(world.users["cadre_a1"], today).count() == 0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    last=st.one_of(st.none(), st.dates(date(2025, 6, 1), date(2026, 6, 30))),
    today=st.dates(date(2026, 1, 1), date(2026, 6, 30)),
    since=st.dates(date(2025, 6, 1), date(2026, 6, 30)),
    period=st.sampled_from(["week", "month", "quarter", "year"]),
)
def test_the_sql_list_agrees_with_the_rule(world, period, since, last, today):
    with transaction.atomic():
        services.frequency_set(
            actor=world.users["county_admin"], county=world.county, tag=world.tags["dibao"], period=period, since=since
        )
        if last is not None and last <= today:
            v = Visit(household=world.households["a1"], visited_on=last, found="x", by=world.users["grid_a1"])
            v.place_in(world.village_a1)
            v.save()
        else:
            last = None
        expected = periods.status(period, since, last, today).state
        owing = {h.pk for h in selectors.my_due(world.users["cadre_a1"], today)}
        overdue = {h.pk for h in selectors.my_due(world.users["cadre_a1"], today, which="overdue")}
        transaction.set_rollback(True)
    a1 = world.households["a1"].pk
    assert (a1 in owing) == (expected in ("due", "overdue"))
    assert (a1 in overdue) == (expected == "overdue")
