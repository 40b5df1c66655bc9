"""The phone screen's kept sheet (issue 14): the sheet's fixed part is rendered once per version and kept, the
household's parts fill it per request; a new version shows its own details; the screen reads nothing twice."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inspections import selectors, services, views
from inspections.defaults import default_headings
from inspections.models import Deduction, Detail
from tests.inspections.conftest import photo

V2_TEXT = "客厅桌椅摆放整齐（第二版）"


def _screen(client, rnd, query=""):
    response = client.get(f"/inspections/rounds/{rnd.pk}/inspect/{query}")
    assert response.status_code == 200
    return response.content.decode()


def _sheet_queries(captured) -> list[str]:
    return [q["sql"] for q in captured if "inspections_heading" in q["sql"] or "inspections_detail" in q["sql"]]


def test_the_kept_sheet_is_per_version(world, seven, client):
    v1_text = seven.detail(0).text
    client.force_login(world.users["cadre_a1"])
    assert v1_text in _screen(client, seven.round)
    # a new version of the county's sheet (in force today): a round opened now is on it
    headings = default_headings()
    headings[0]["details"][0]["text"] = V2_TEXT
    v2 = services.sheet_create(
        actor=world.users["county_admin"], county=world.county, title="七个好 v2", total=100, headings=headings
    )
    year, quarter = selectors.quarter_of(timezone.localdate())
    other = services.round_open(actor=world.users["cadre_b1"], village=world.village_b1, year=year, quarter=quarter)
    assert other.sheet_id == v2.pk
    client.force_login(world.users["cadre_b1"])
    page = _screen(client, other)
    assert V2_TEXT in page and v1_text not in page
    v2_detail = Detail.objects.get(heading__sheet=v2, text=V2_TEXT)
    assert f'name="d_{v2_detail.pk}"' in page and f'name="d_{seven.detail(0).pk}"' not in page
    # the first round keeps its version, both kept side by side
    client.force_login(world.users["cadre_a1"])
    page = _screen(client, seven.round)
    assert v1_text in page and V2_TEXT not in page
    assert views.sheet_html(seven.round.sheet) != views.sheet_html(v2)


def test_the_kept_sheet_is_built_once(world, seven, client):
    client.force_login(world.users["cadre_a1"])
    with CaptureQueriesContext(connection) as first:
        _screen(client, seven.round)
    assert _sheet_queries(first.captured_queries)  # built on the first screen
    with CaptureQueriesContext(connection) as again:
        page = _screen(client, seven.round, f"?household={seven.households[3].pk}")
    assert _sheet_queries(again.captured_queries) == []
    assert page.count('class="deduct"') == 35 and page.count('type="file"') == 35


def test_the_screen_reads_nothing_twice(world, seven, client):
    cadre = world.users["cadre_a1"]
    h = seven.households[0]
    d = seven.detail(2)
    services.inspection_save(actor=cadre, round=seven.round, household=h, deductions={d.pk: 1}, photos={d.pk: photo()})
    client.force_login(cadre)
    _screen(client, seven.round)  # the sheet kept
    for query in ("", f"?group={seven.groups[1].pk}", f"?household={h.pk}&saved={h.pk}", f"?household={h.pk}&saved="):
        with CaptureQueriesContext(connection) as captured:
            _screen(client, seven.round, query)
        statements = [q["sql"] for q in captured.captured_queries]
        repeated = {s for s in statements if statements.count(s) > 1}
        assert not repeated, (query, repeated)


def test_the_household_fills_the_kept_sheet(world, seven, client):
    cadre = world.users["cadre_a1"]
    h = seven.households[1]
    d = seven.detail(6)
    services.inspection_save(actor=cadre, round=seven.round, household=h, deductions={d.pk: 2}, photos={d.pk: photo()})
    deduction = Deduction.objects.get(inspection__household=h)
    client.force_login(cadre)
    page = _screen(client, seven.round, f"?household={h.pk}")
    block = re.search(rf'<div class="detail[^"]*" data-detail="{d.pk}">.*?</div>\s*</div>', page, re.S).group(0)
    assert block.startswith('<div class="detail deducted"')
    assert '<option value="2" selected>' in block and block.count(" selected") == 1
    assert '<span class="photo">' in block  # not hidden: a deduction has its photo
    assert f"/inspections/deductions/{deduction.pk}/thumb/" in block
    assert page.count('<span class="photo" hidden>') == 34
    assert page.count('<option value="0" selected>') == 34
    assert " disabled" not in page.split('id="screen"', 1)[1].split("</form>", 1)[0]
    assert 'id="score">98<' in page
    # a refused save shows its message beside the detail, the other details untouched
    other = seven.detail(9)
    refused = client.post(f"/inspections/rounds/{seven.round.pk}/inspect/", {"household": h.pk, f"d_{other.pk}": "1"})
    assert refused.status_code == 422
    html = refused.content.decode()
    block = re.search(
        rf'<div class="detail[^"]*" data-detail="{other.pk}">.*?</div>\s*<p class="errorlist">', html, re.S
    )
    assert block and block.group(0).startswith('<div class="detail deducted has-error"')
    assert html.count("has-error") == 1


def test_a_published_round_disables_the_kept_sheet(world, seven, client):
    cadre = world.users["cadre_a1"]
    h = seven.households[0]
    services.inspection_save(actor=cadre, round=seven.round, household=h)
    client.force_login(cadre)
    _screen(client, seven.round, f"?household={h.pk}")  # kept while open
    services.round_publish(actor=cadre, round=seven.round)
    page = _screen(client, seven.round, f"?household={h.pk}")
    assert page.count('class="deduct" disabled>') == 35
    assert (
        page.count('capture="environment" aria-label="扣分照片" disabled>')
        + page.count('capture="environment" aria-label="Photo of the deduction" disabled>')
        == 35
    )


def test_the_counts_of_a_grid_worker_and_of_the_team(world, seven, client):
    """The grid worker counts the grid's households (9: the first group's 8 and the world's 王建国); on the village's
    inspection team, the whole village's (22)."""
    from committees import services as committees
    from committees.models import CommitteeKind, Post

    grid, cadre = world.users["grid_a1"], world.users["cadre_a1"]
    services.inspection_save(actor=cadre, round=seven.round, household=seven.households[0])
    client.force_login(grid)
    page = _screen(client, seven.round)
    assert "已查 1/9" in page or "Inspected 1/9" in page
    team = committees.committee_set(actor=cadre, village=world.village_a1, kind=CommitteeKind.INSPECTION_TEAM)
    committees.member_add(actor=cadre, committee=team, name="网格员", post=Post.MEMBER, username=grid.username)
    page = _screen(client, seven.round)
    assert "已查 1/22" in page or "Inspected 1/22" in page
    page = _screen(client, seven.round, f"?group={seven.groups[0].pk}")
    assert "已查 1/8" in page or "Inspected 1/8" in page
    client.force_login(cadre)
    page = _screen(client, seven.round, f"?group={seven.groups[2].pk}")
    assert "已查 0/5" in page or "Inspected 0/5" in page


def test_a_group_counts_the_households_now_in_it(world, seven, client):
    """A household inspected in one group and moved to another counts in the group it is in now (as the round's
    households do)."""
    cadre = world.users["cadre_a1"]
    h = seven.households[0]
    services.inspection_save(actor=cadre, round=seven.round, household=h)
    h.group = seven.groups[1]
    h.save(update_fields=["group"])
    client.force_login(cadre)
    page = _screen(client, seven.round, f"?group={seven.groups[1].pk}")
    assert "已查 1/8" in page or "Inspected 1/8" in page
    page = _screen(client, seven.round, f"?group={seven.groups[0].pk}")
    assert "已查 0/7" in page or "Inspected 0/7" in page
    page = _screen(client, seven.round)
    assert "已查 1/22" in page or "Inspected 1/22" in page
