"""The figures of services on the doorstep (doorstep/figures.py): every figure on a hand-made set of requests made
and stepped through the services, period filtering, scope (a village cadre sees their village only, a villager
none), the page, the .xlsx and the API by role, and bad input never answering 500."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from doorstep import figures as calc
from doorstep import services
from doorstep.models import Consent, Rating

TZ = ZoneInfo("Asia/Shanghai")
MARCH = {"start": "2025-03-01", "end": "2025-03-31"}


def at(month, day, hour=10):
    return datetime(2025, month, day, hour, tzinfo=TZ)


def _make(ds, world, actor, person, household, when, item=None, **kw):
    return services.request_make(
        actor=ds.users[actor],
        item=item or ds.pension,
        household=world.households[household],
        person=world.people[person],
        now=when,
        **kw,
    )


def _step(ds, case, who, step, when, data=None):
    case.refresh_from_db()
    services.request_step(actor=ds.users[who], case=case, step=step, data=data or {}, now=when)
    case.refresh_from_db()
    return case


@pytest.fixture
def made(ds, world):
    """Five requests made in March 2025 (four in township A, one in B) and one in May."""
    r1 = _make(ds, world, "villager_a1", "a1_head", "a1", at(3, 3))  # done in the village, on time, satisfied
    _step(ds, r1, "volunteer", "take", at(3, 3, 11))
    _step(ds, r1, "volunteer", "complete", at(3, 4), {"result": "认证完成"})
    _step(ds, r1, "villager_a1", "rate", at(3, 5), {"rating": Rating.SATISFIED})
    r2 = _make(  # township level, handed upstream, completed late, not rated yet
        ds, world, "cadre_a1", "a1_wife", "a1", at(3, 4), item=ds.disability, consent=Consent.SIGNED
    )
    _step(ds, r2, "cadre_a1", "take", at(3, 4, 11))
    _step(ds, r2, "cadre_a1", "hand_up", at(3, 5), {"office": "县残联", "handed_on": "2025-03-05"})
    _step(ds, r2, "cadre_a1", "complete", at(4, 20), {"result": "补贴已批准"})
    r3 = _make(ds, world, "villager_a1", "a1_head", "a1", at(3, 10))  # redone: back in handling, not satisfied
    _step(ds, r3, "grid_a1", "take", at(3, 10, 11))
    _step(ds, r3, "grid_a1", "complete", at(3, 11), {"result": "已办"})
    _step(ds, r3, "villager_a1", "rate", at(3, 12), {"rating": Rating.UNSATISFIED, "reason": "结果没告诉我"})
    r4 = _make(ds, world, "cadre_b1", "b1_head", "b1", at(3, 17), consent=Consent.IN_PERSON)  # waiting, in B
    r5 = _make(ds, world, "township_a", "a2_head", "a2", at(3, 20), consent=Consent.PHONE)  # not accepted
    _step(ds, r5, "township_a", "decline", at(3, 21), {"reason": "不属于本事项"})
    r6 = _make(ds, world, "villager_a1", "a1_head", "a1", at(5, 6))  # another period
    return {"r1": r1, "r2": r2, "r3": r3, "r4": r4, "r5": r5, "r6": r6}


def _county_figures(world, actor, **period):
    start, end = calc.period(period or MARCH)
    return calc.figures(actor, world.county, start=start, end=end, now=at(4, 30))


def test_every_figure_of_the_county_by_township(ds, world, made):
    result = _county_figures(world, ds.users["county_official"])
    assert result.by == "township"
    t = result.total.counts
    assert t["made"] == 5
    assert (t["village_level"], t["township_level"], t["county_level"]) == (4, 1, 0)
    assert t["completed"] == 2 and t["on_time"] == 1
    assert t["in_village"] == 1  # r2 is a township item handed upstream
    assert t["rated"] == 2 and t["satisfied"] == 1  # r1 satisfied, r3 not satisfied while it is redone
    assert t["redone"] == 1 and t["redos"] == 1
    assert t["open"] == 2 and t["overdue"] == 2  # r3 handling, r4 waiting: both past their deadline on 30 April
    assert t["declined"] == 1 and t["withdrawn"] == 0
    rates = result.total.rates
    assert rates == {"on_time_rate": 50.0, "in_village_share": 50.0, "satisfaction": 50.0, "redone_share": 20.0}
    by_township = {row.key: row.counts["made"] for row in result.rows}
    assert by_township == {world.township_a.pk: 4, world.township_b.pk: 1}
    levels = {row.key: row.counts["made"] for row in result.levels}
    assert levels == {"village": 4, "township": 1, "county": 0}
    items = {row.key: (row.counts["made"], row.counts["completed"]) for row in result.items}
    assert items == {ds.pension.pk: (4, 1), ds.disability.pk: (1, 1)}


def test_overdue_counts_what_is_late_at_the_moment_asked(ds, world, made):
    start, end = calc.period(MARCH)
    early = calc.figures(ds.users["county_official"], world.county, start=start, end=end, now=at(3, 17, 11))
    assert early.total.counts["open"] == 2 and early.total.counts["overdue"] == 0  # r3's redo is due 3 days on


def test_agents_are_listed_by_name_with_their_workload(ds, world, made):
    result = _county_figures(world, ds.users["county_official"])
    names = [a.name for a in result.agents]
    assert names == sorted(names)
    work = {a.key: a.counts for a in result.agents}
    assert work[ds.volunteer.pk] == {"taken": 1, "completed": 1, "on_time": 1, "open": 0, "overdue": 0, "redone": 0}
    assert work[ds.grid_agent.pk] == {"taken": 1, "completed": 0, "on_time": 0, "open": 1, "overdue": 1, "redone": 1}


def test_period_filters_by_the_day_made(ds, world, made):
    may = _county_figures(world, ds.users["county_official"], start="2025-05-01", end="2025-05-31")
    assert may.total.counts["made"] == 1
    both = _county_figures(world, ds.users["county_official"], start="2025-05-31", end="2025-03-01")  # turned round
    assert both.total.counts["made"] == 6
    edge = _county_figures(world, ds.users["county_official"], start="2025-03-03", end="2025-03-03")
    assert edge.total.counts["made"] == 1  # r1, made that day at 10:00 Beijing time


def test_township_by_village_and_village_alone(ds, world, made):
    start, end = calc.period(MARCH)
    township = calc.figures(ds.users["township_a"], world.township_a, start=start, end=end)
    assert township.by == "village"
    assert {r.key: r.counts["made"] for r in township.rows} == {world.village_a1.pk: 3, world.village_a2.pk: 1}
    cadre = ds.users["cadre_a1"]
    place = calc.region(cadre)
    assert place == world.village_a1
    village = calc.figures(cadre, place, start=start, end=end)
    assert village.by == "" and [r.key for r in village.rows] == [world.village_a1.pk]
    assert village.total.counts["made"] == 3


def test_a_cadre_cannot_ask_for_another_place(ds, world):
    from core.errors import NotFound

    for other in (world.township_a, world.village_b1, world.county):
        with pytest.raises(NotFound):
            calc.region(ds.users["cadre_a1"], other.pk)
    assert calc.region(ds.users["county_official"], world.village_b1.pk) == world.village_b1


# -- pages and the API ----------------------------------------------------------------------------------------


def test_page_for_the_county_official(ds, world, made, login):
    client = login(ds.users["county_official"])
    response = client.get("/doorstep/figures/", MARCH)
    assert response.status_code == 200
    html = response.content.decode()
    for element in ("figures-places", "figures-levels", "figures-items", "figures-agents", "figures-definitions"):
        assert f'id="{element}"' in html
    assert world.township_a.name in html and "志愿者乙" in html and "城乡居民养老保险待遇资格认证" in html
    assert response.context["result"].total.counts["made"] == 5


def test_page_drills_down_to_a_village(ds, world, made, login):
    client = login(ds.users["county_official"])
    response = client.get("/doorstep/figures/", {**MARCH, "region": world.village_a1.pk})
    assert response.status_code == 200
    assert response.context["result"].total.counts["made"] == 3
    assert response.context["up"] == world.township_a


def test_village_cadre_sees_their_village_only(ds, world, made, login):
    client = login(ds.users["cadre_a1"])
    response = client.get("/doorstep/figures/", MARCH)
    assert response.status_code == 200
    assert response.context["result"].total.counts["made"] == 3
    assert client.get("/doorstep/figures/", {**MARCH, "region": world.township_a.pk}).status_code == 404
    assert client.get("/doorstep/figures/", {**MARCH, "region": world.village_b1.pk}).status_code == 404


@pytest.mark.parametrize("who", ["villager_a1", "grid_a1", "volunteer", "department", "mediator"])
def test_denied_without_the_action(ds, world, made, login, who):
    client = login(ds.users[who])
    assert client.get("/doorstep/figures/").status_code == 403
    assert client.get("/doorstep/figures/", {"format": "xlsx"}).status_code == 403
    assert client.get("/api/doorstep/figures").status_code == 403


def test_anonymous_is_sent_to_log_in(client, world):
    assert client.get("/doorstep/figures/").status_code == 302
    assert client.get("/api/doorstep/figures").status_code == 401


@pytest.mark.parametrize(
    "params",
    [
        {"start": "garbage", "end": "2025-13-45"},
        {"start": "99999-01-01"},
        {"start": "1900-01-01", "end": "2200-01-01"},
        {"region": "abc"},
        {"region": "-3"},
        {"region": "99999999999999999999999"},
    ],
)
def test_bad_period_or_place_never_500(ds, world, made, login, params):
    client = login(ds.users["county_official"])
    response = client.get("/doorstep/figures/", params)
    assert response.status_code == 200
    assert client.get("/doorstep/figures/", {**params, "format": "xlsx"}).status_code == 200


def test_a_nul_character_is_refused_not_500(ds, world, login):
    client = login(ds.users["county_official"])
    assert client.get("/doorstep/figures/", {"start": "2025-03-01\x00"}).status_code == 400


def test_unknown_place_is_not_found(ds, world, login):
    client = login(ds.users["county_official"])
    assert client.get("/doorstep/figures/", {"region": 987654321}).status_code == 404
    assert client.get("/doorstep/figures/", {"region": world.grid_a1.pk + 10**9}).status_code == 404


def test_xlsx_opens_with_the_numbers(ds, world, made, login):
    client = login(ds.users["county_official"])
    response = client.get("/doorstep/figures/", {**MARCH, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    assert len(book.sheetnames) == 5
    places = book.worksheets[0]
    rows = list(places.iter_rows(min_row=3, values_only=True))
    assert [r[0] for r in rows[:2]] == [world.township_a.name, world.township_b.name]
    made_column = 1 + len(calc.RATES)  # the label, the rates, then the counts (made first)
    assert [r[made_column] for r in rows] == [4, 1, 5]
    agents = [r[0] for r in book.worksheets[3].iter_rows(min_row=3, values_only=True)]
    assert agents == sorted(agents) and "志愿者乙" in agents


def test_api_figures(ds, world, made, api_token):
    headers = api_token(ds.users["county_official"])
    from django.test import Client

    client = Client()
    response = client.get("/api/doorstep/figures", {**MARCH, "region": world.township_a.pk}, **headers)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["by"] == "village" and body["total"]["counts"]["made"] == 4
    assert body["start"] == "2025-03-01" and body["end"] == "2025-03-31"
    assert body["total"]["rates"]["on_time_rate"] == 50.0
    assert {a["name"] for a in body["agents"]} == {"网格员甲", "志愿者乙"}
    assert "Requests counted" in body["definitions"] or len(body["definitions"]) == len(calc.DEFINITIONS)
    xlsx = client.get("/api/doorstep/figures", {**MARCH, "format": "xlsx"}, **headers)
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_api_scope_and_bad_input(ds, world, made, api_token):
    from django.test import Client

    client = Client()
    cadre = api_token(ds.users["cadre_a1"])
    body = client.get("/api/doorstep/figures", MARCH, **cadre).json()
    assert body["region"]["id"] == world.village_a1.pk and body["total"]["counts"]["made"] == 3
    assert client.get("/api/doorstep/figures", {"region": world.county.pk}, **cadre).status_code == 404
    assert client.get("/api/doorstep/figures", {"start": "not-a-date"}, **cadre).status_code == 422
    assert client.get("/api/doorstep/figures", {"region": "x"}, **cadre).status_code == 422
    villager = api_token(ds.users["villager_a1"])
    assert client.get("/api/doorstep/figures", **villager).status_code == 403


def test_default_period_is_this_year(ds, world):
    start, end = calc.period({})
    assert start == date(end.year, 1, 1)
