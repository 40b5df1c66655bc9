"""The dashboards: indicators counted from the records (compared with numbers known from a story told through the
services, never the same query twice), the places a person may open, the .xlsx, the definitions and bad input."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.html import escape
from openpyxl import load_workbook

from core import indicators as ind
from core.periods import Period, month_period, quarter_period, year_period
from dashboards import selectors
from points import services
from points.models import RuleItem
from points.subjects import subject_of
from tests.incidents.test_kpi import MARCH, TOWNSHIP_A, TOWNSHIP_B, story  # noqa: F401 (a fixture)
from tests.points.conftest import item, scheme  # noqa: F401 (fixtures)
from tests.points.test_corrections import _award

pytestmark = pytest.mark.django_db


def _pair(value: ind.Value) -> tuple[int, int | None]:
    return (value.num, value.den)


def test_the_incident_indicators_count_what_the_story_did(story):  # noqa: F811
    iw, _c = story
    w = iw.w
    county, a, b = w.county.pk, w.township_a.pk, w.township_b.pk
    cases, response, completion = (ind.get(f"incidents.{k}") for k in ("cases", "response", "completion"))
    satisfaction, in_village = ind.get("incidents.satisfaction"), ind.get("incidents.in_village")
    assert cases.value("county", county, MARCH).num == 6
    assert _pair(response.value("county", county, MARCH)) == (4, 6)
    assert _pair(completion.value("county", county, MARCH)) == (3, 4)
    assert _pair(satisfaction.value("county", county, MARCH)) == (3, 3)
    assert _pair(in_village.value("county", county, MARCH)) == (2, 3)
    # the townships side by side
    by = completion.by_unit("county", county, MARCH)
    assert _pair(by[a]) == TOWNSHIP_A["completion"] and b not in by  # 乙镇 resolved nothing: no figure
    assert _pair(response.by_unit("county", county, MARCH)[b]) == TOWNSHIP_B["response"]
    # a township's villages, a village's grids (every story case of 安家村 is in grid A1-01)
    assert {k: _pair(v) for k, v in satisfaction.by_unit("township", a, MARCH).items()} == {w.village_a1.pk: (3, 3)}
    assert cases.by_unit("village", w.village_a1.pk, MARCH)[w.grid_a1.pk].num == 5
    assert w.grid_a1b.pk not in cases.by_unit("village", w.village_a1.pk, MARCH)
    # the period is the day of the report; a share of nothing has no value, and is too thin to compare
    february = month_period(2026, 2)
    assert cases.value("county", county, february).num == 0
    empty = completion.value("county", county, february)
    assert empty.value is None and empty.display == "—" and empty.thin
    assert completion.value("county", county, MARCH).display == "75.0%"


def test_a_trend_is_month_by_month(story):  # noqa: F811
    iw, _c = story
    months = ind.trend_months(year_period(2026))
    assert [m.label for m in months] == [f"2026-{n:02d}" for n in range(1, 13)]
    trend = ind.get("incidents.cases").trend("county", iw.w.county.pk, months)
    assert [v.num for v in trend] == [0, 0, 6] + [0] * 9
    shares = ind.get("incidents.completion").trend("township", iw.w.township_a.pk, months)
    assert shares[2].value == 75.0 and shares[1].value is None


def test_trend_months_end_with_the_period():
    assert [m.label for m in ind.trend_months(month_period(2026, 3))][0] == "2025-04"
    assert [m.label for m in ind.trend_months(month_period(2026, 3))][-1] == "2026-03"
    assert len(ind.trend_months(quarter_period(2026, 2))) == 12
    long = ind.trend_months(Period(date(2024, 1, 5), date(2026, 2, 1)))
    assert (long[0].label, long[-1].label, len(long)) == ("2024-01", "2026-02", 26)


def test_households_earning_points_are_counted_once_over_the_households_registered(world, scheme, item):  # noqa: F811
    day = timezone.localdate().replace(day=1)
    other = RuleItem.objects.filter(rulebook=item.rulebook, points__gt=0, evidence_required=False).exclude(pk=item.pk)
    _award(world, scheme, item, day, "a1")
    _award(world, scheme, other.first(), day, "a1")  # two entries, one household
    _award(world, scheme, item, day, "a1b")
    minus = RuleItem.objects.filter(rulebook=item.rulebook, points__lt=0).first()
    claim = services.claim_record(
        actor=world.users["cadre_a1"],
        scheme=scheme,
        subject=subject_of(world.households["a1"]),
        item=minus,
        occurred_on=day,
        evidence=SimpleUploadedFile("proof.jpg", b"\xff\xd8\xff\xe0fakejpeg", content_type="image/jpeg"),
    )
    services.claims_review(actor=world.users["reviewer_a1"], claim_ids=[claim.pk], approve=True)
    period = month_period(day.year, day.month)
    earning, deducted = ind.get("points.participation"), ind.get("points.deducted")
    # the world registers four households: a1, a1b (安家村), a2 (和平村), b1 (新桥村)
    assert _pair(earning.value("county", world.county.pk, period)) == (2, 4)
    assert _pair(deducted.value("county", world.county.pk, period)) == (1, 4)
    by_village = earning.by_unit("township", world.township_a.pk, period)
    assert _pair(by_village[world.village_a1.pk]) == (2, 2) and _pair(by_village[world.village_a2.pk]) == (0, 1)
    by_grid = earning.by_unit("village", world.village_a1.pk, period)
    assert _pair(by_grid[world.grid_a1.pk]) == (1, 1) and _pair(by_grid[world.grid_a1b.pk]) == (1, 1)
    previous = month_period(*((day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)))
    assert _pair(earning.value("county", world.county.pk, previous)) == (0, 4)


def _page(client, user, path, **query):
    client.force_login(user)
    with translation.override("zh-hans"):
        return client.get(path, query, HTTP_ACCEPT_LANGUAGE="zh-hans")


def test_each_person_opens_their_own_places_and_no_other(client, world):
    county, ta, tb, a1 = world.county, world.township_a, world.township_b, world.village_a1
    u = world.users
    assert _page(client, u["county_official"], "/dashboards/").url == f"/dashboards/{county.pk}/"
    for pk in (county.pk, ta.pk, tb.pk, a1.pk):
        assert _page(client, u["county_official"], f"/dashboards/{pk}/").status_code == 200
    assert _page(client, u["township_a"], "/dashboards/").url == f"/dashboards/{ta.pk}/"
    assert _page(client, u["township_a"], f"/dashboards/{a1.pk}/").status_code == 200
    for pk in (county.pk, tb.pk, world.village_b1.pk):
        refused = _page(client, u["township_a"], f"/dashboards/{pk}/")
        assert refused.status_code == 403 and "不在您可查看数据的范围内" in refused.content.decode()
    assert _page(client, u["cadre_a1"], f"/dashboards/{ta.pk}/").status_code == 403
    assert _page(client, u["villager_a1"], "/dashboards/").status_code == 403
    assert _page(client, u["grid_a1"], f"/dashboards/{a1.pk}/").status_code == 403
    assert _page(client, u["county_official"], f"/dashboards/{world.grid_a1.pk + 10**6}/").status_code == 404


def test_the_county_page_shows_every_indicator_and_its_townships(story, client):  # noqa: F811
    iw, _c = story
    w = iw.w
    response = _page(client, w.users["county_official"], f"/dashboards/{w.county.pk}/", period="month", month="2026-03")
    page = response.content.decode()
    assert response.status_code == 200
    for indicator in selectors.indicators_for("county"):
        assert str(indicator.name) in page
    assert "75.0%" in page and "甲镇" in page and "乙镇" in page
    assert f'href="/dashboards/{w.township_a.pk}/?' in page  # drill down
    assert 'id="dashboard-data"' in page and "vendor/echarts/echarts.common.min.js" in page


def test_the_xlsx_holds_the_figures_the_trend_and_the_comparison(story, client):  # noqa: F811
    iw, _c = story
    w = iw.w
    response = _page(
        client, w.users["county_official"], f"/dashboards/{w.county.pk}.xlsx", period="month", month="2026-03"
    )
    assert response.status_code == 200
    book = load_workbook(BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    assert book.sheetnames == ["指标", "逐月趋势", "下级对比", "指标定义"]
    figures = {row[:2]: row for row in book["指标"].iter_rows(min_row=3, values_only=True)}
    assert figures[("网格事件", "按期办结率")][2:6] == (75.0, "%", 3, 4)
    compare = book["下级对比"]
    heads = [c.value for c in compare[2]]
    rows = {row[0]: row for row in compare.iter_rows(min_row=3, values_only=True)}
    assert rows["甲镇"][heads.index("按期办结率")] == 75.0 and rows["乙镇"][heads.index("事件数")] == 1
    trend = list(book["逐月趋势"].iter_rows(min_row=3, values_only=True))
    assert [r[0] for r in trend][-1] == "2026-03" and len(trend) == 12


def test_the_definitions_page_lists_every_indicator(client, world):
    page = _page(client, world.users["cadre_a1"], "/dashboards/indicators/").content.decode()
    assert ind.all_indicators()
    for indicator in ind.all_indicators():
        assert escape(str(indicator.name)) in page and escape(str(indicator.definition)) in page


def test_bad_input_gets_a_clear_message(client, world):
    official, county = world.users["county_official"], world.county.pk
    backwards = _page(client, official, f"/dashboards/{county}/", period="custom", start="2026-03-10", end="2026-03-01")
    assert backwards.status_code == 400 and "结束日期不能早于开始日期" in backwards.content.decode()
    unknown = _page(client, official, f"/dashboards/{county}/", indicator="nope.nothing")
    assert unknown.status_code == 400 and "没有指标“nope.nothing”" in unknown.content.decode()
    month = _page(client, official, f"/dashboards/{county}/", period="month", month="2026-13")
    assert month.status_code == 400
    assert _page(client, official, f"/dashboards/{county}.xlsx", period="year", year="1999").status_code == 400
    cache.clear()


def test_the_api_gives_the_page_s_numbers_and_its_refusals(story, client, api_token):  # noqa: F811
    iw, _c = story
    w = iw.w
    auth = api_token(w.users["county_official"])
    with translation.override("zh-hans"):
        listed = client.get("/api/dashboards/indicators", **auth).json()
        assert {i["key"] for i in listed} == {i.key for i in ind.all_indicators()}
        body = client.get(f"/api/dashboards/places/{w.county.pk}?period=month&month=2026-03", **auth).json()
    lines = {line["indicator"]: line for line in body["lines"]}
    completion = lines["incidents.completion"]
    assert (completion["figure"]["num"], completion["figure"]["den"], completion["figure"]["value"]) == (3, 4, 75.0)
    assert {p["place"]: p["value"] for p in completion["places"]} == {"甲镇": 75.0}
    assert body["places_level"] == "township" and body["months"][-1] == "2026-03"
    assert [t["num"] for t in lines["incidents.cases"]["trend"]][-1] == 6
    township = api_token(w.users["township_a"])
    refused = client.get(f"/api/dashboards/places/{w.township_b.pk}", **township)
    assert refused.status_code == 403
    bad = client.get(f"/api/dashboards/places/{w.county.pk}?period=custom&start=2026-03-10&end=2026-03-01", **auth)
    assert bad.status_code == 422 and "结束日期" in str(bad.json())
    unknown = client.get(f"/api/dashboards/places/{w.county.pk}?indicator=nope", **auth)
    assert unknown.status_code == 422 and "没有指标" in str(unknown.json())


def test_the_village_shows_its_villagers_its_public_figures_but_not_shares_over_too_few_cases(story, client):  # noqa: F811
    iw, _c = story
    w = iw.w
    with translation.override("zh-hans"):
        response = client.get(f"/public/{w.village_a1.code}/figures/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = response.content.decode()
    assert response.status_code == 200 and response["X-Robots-Tag"] == "noindex, nofollow"
    public = [i for i in ind.all_indicators() if i.public and i.applies_to("village")]
    assert public and all(escape(str(i.name)) in page for i in public)
    assert all(escape(str(i.definition)) not in page for i in ind.all_indicators() if not i.public)
    assert "样本过少" in page  # 安家村's shares are over fewer than ten cases
    assert "75.0%" not in page
    assert client.get("/public/999999999999/figures/").status_code == 404
