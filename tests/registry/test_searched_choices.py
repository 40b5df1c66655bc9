"""Choices among thousands are searched as one types (issue 18): the household list's village and grid filters
render the first options and the chosen one, and the options endpoint answers the matches, in the actor's scope."""

import re

from regions.models import Grid
from tests.factories import make_grid


def _many_grids(world, n=30):
    return [make_grid(world.village_a1, f"A1-{i:03d}") for i in range(n)]


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"', select)


def test_the_household_list_renders_a_few_grids_and_a_search_box(world, login):
    grids = _many_grids(world)
    page = login(world.users["county_admin"]).get("/registry/households/")
    html = page.content.decode()
    assert page.status_code == 200
    shown = _options(html, "grid")
    assert len(shown) == 21 and shown[0] == ""  # “All” and the first twenty of 33
    assert 'name="grid_q"' in html and "/regions/options/grid/" in html
    chosen = grids[-1]
    page = login(world.users["county_admin"]).get(f"/registry/households/?grid={chosen.pk}")
    assert str(chosen.pk) in _options(page.content.decode(), "grid")  # the chosen one is always there
    assert f'<option value="{chosen.pk}" selected>' in page.content.decode()


def test_a_short_list_needs_no_search_box(world, login):
    html = login(world.users["cadre_a1"]).get("/registry/households/").content.decode()
    assert len(_options(html, "grid")) == 3 and 'name="grid_q"' not in html


def test_the_options_are_the_actors_and_match_what_was_typed(world, login):
    _many_grids(world)
    admin = login(world.users["county_admin"])
    found = admin.get("/regions/options/grid/", {"grid_q": "A1-02"}).content.decode()
    values = re.findall(r'<option value="(\d+)"', found)
    assert len(values) == 11  # the world's A1-02 and A1-020 … A1-029
    assert all(Grid.objects.get(pk=v).code.startswith("A1-02") for v in values)
    limited = admin.get("/regions/options/grid/", {"grid_q": "A1"}).content.decode()
    assert len(re.findall(r'<option value="(\d+)"', limited)) == 20 and "disabled" in limited
    in_village = admin.get("/regions/options/grid/", {"village": world.village_b1.pk}).content.decode()
    assert re.findall(r'<option value="(\d+)"', in_village) == [str(world.grid_b1.pk)]
    villages = admin.get("/regions/options/village/", {"village_q": "安家"}).content.decode()
    assert re.findall(r'<option value="(\d+)"', villages) == [str(world.village_a1.pk)]
    other = login(world.users["cadre_b1"]).get("/regions/options/grid/", {"grid_q": "A1"}).content.decode()
    assert re.findall(r'<option value="(\d+)"', other) == []
    assert admin.get("/regions/options/household/").status_code == 404
