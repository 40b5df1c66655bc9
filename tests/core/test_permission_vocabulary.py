"""One permission vocabulary (core.scope): the apps and the case engine ask the same questions of it, and no app
reads the role table or walks the grants for an action by itself."""

import ast
import importlib
from pathlib import Path

import pytest
from django.apps import apps

from core import scope, workflow
from core.errors import NotFound
from core.roles import Action, Role, roles_with
from regions import selectors as region_selectors
from registry.models import Household

BASE_DIR = Path(__file__).resolve().parents[2]
APPS = [p for p in BASE_DIR.iterdir() if (p / "apps.py").exists() and p.name != "core"]


def _names_used(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)} | {
        node.id for node in ast.walk(tree) if isinstance(node, ast.Name)
    }


def test_no_app_reads_the_role_table_itself():
    """Which role allows which action is asked of core.scope (grants_for, targets, place_q …) or core.roles
    (roles_with), never by reading ROLE_ACTIONS in an app."""
    found = [
        str(path.relative_to(BASE_DIR))
        for app in APPS
        for path in app.rglob("*.py")
        if "migrations" not in path.parts and "ROLE_ACTIONS" in _names_used(path)
    ]
    assert not found, "read the permissions through core.scope instead: " + ", ".join(found)


def test_rows_by_place_reach_the_village_of_a_household_or_grid(world):
    households = Household.objects.all()
    for key, expected in {
        "county_official": {"a1", "a1b", "a2", "b1"},
        "township_a": {"a1", "a1b", "a2"},
        "cadre_a1": {"a1", "a1b"},
        "grid_a1": {"a1", "a1b"},  # a grid worker's grant reaches the whole village for village-wide rows
        "villager_a1": {"a1", "a1b"},
        "mediator": set(),
    }.items():
        user = world.users[key]
        action = Action.TRANSPARENCY_VIEW if key != "county_official" else Action.TRANSPARENCY_SUPERVISE
        if key == "township_a":
            action = Action.TRANSPARENCY_SUPERVISE
        got = set(households.filter(scope.place_q(user, action)).values_list("pk", flat=True))
        assert got == {world.households[k].pk for k in expected}, key
    # region grants only: a villager's household grant does not count
    villager = world.users["villager_a1"]
    assert not households.filter(scope.place_q(villager, Action.TRANSPARENCY_VIEW, whole_village=False)).exists()
    assert not scope.has_place(villager, Action.TRANSPARENCY_VIEW)
    assert scope.has_place(world.users["cadre_a1"], Action.TRANSPARENCY_VIEW)


def test_the_villages_of_a_chooser_have_the_same_reach(world):
    codes = lambda user, action, **kw: [v.code for v in region_selectors.villages(user, action, **kw)]  # noqa: E731
    assert codes(world.users["township_a"], Action.TRANSPARENCY_SUPERVISE) == [
        world.village_a1.code,
        world.village_a2.code,
    ]
    assert codes(world.users["villager_a1"], Action.TRANSPARENCY_VIEW) == [world.village_a1.code]
    assert codes(world.users["villager_a1"], Action.TRANSPARENCY_VIEW, whole_village=False) == []
    assert codes(world.users["grid_a1"], Action.REGISTRY_VIEW) == [world.village_a1.code]
    assert codes(world.users["mediator"], Action.REGISTRY_VIEW) == []


def test_targets_and_counties(world):
    villager, grid, official = world.users["villager_a1"], world.users["grid_a1"], world.users["county_official"]
    assert scope.targets(villager, "household") == [world.households["a1"].pk]
    assert scope.targets(villager, "household", Action.SHOP_REDEEM) == [world.households["a1"].pk]
    assert scope.targets(villager, "household", Action.POINTS_REVIEW) == []
    assert scope.targets(villager, "household", role=Role.GRID_WORKER) == []
    assert scope.targets(grid, "grid", role=Role.GRID_WORKER) == [world.grid_a1.pk]
    assert scope.targets(official, "county", Action.POINTS_VIEW) == [world.county.pk]
    assert scope.county_ids(villager) == [world.county.pk]
    assert scope.county_ids(villager, Action.CREDIT_READ) == []


def test_fetch_answers_the_same_for_missing_malformed_and_out_of_scope(world):
    cadre = world.users["cadre_a1"]
    mine = scope.scope_filter(cadre, Action.REGISTRY_VIEW, Household.objects.all())
    assert scope.fetch(mine, world.households["a1"].pk) == world.households["a1"]
    for pk in (world.households["b1"].pk, 10**9, "x", None, ""):
        with pytest.raises(NotFound):
            scope.fetch(mine, pk)


def test_roles_with_follow_the_table():
    assert set(roles_with(Action.POINTS_REVIEW)) == {Role.VILLAGE_CADRE, Role.REVIEWER}
    assert roles_with(Action.CREDIT_READ) == (Role.CREDIT_PARTNER,)


def test_the_engine_sees_cases_by_the_flows_view_actions(world):
    """Every registered flow names the actions its cases are read by; a role holding one of them sees a case
    over its place, as the app's selectors do, and nobody outside it does."""
    declared = [
        value
        for app in APPS
        if (app / "flows.py").exists()
        for value in vars(importlib.import_module(f"{app.name}.flows")).values()
        if isinstance(value, workflow.Flow)
    ]
    assert len(declared) >= 10
    for flow in declared:
        if flow.confidential:  # a dispute is seen by its parties only (decision 0007): no action reads it
            assert not flow.view and flow.parties, flow.name
            continue
        assert flow.view and set(flow.view) <= set(Action.values), f"{flow.name} names no view action"
    case = apps.get_model("points", "Appeal")(
        county_id=world.county.pk, township_id=world.township_a.pk, village_id=world.village_a1.pk, flow="points_appeal"
    )
    appeal = workflow.get_flow("points_appeal")
    for key, sees in {
        "county_official": True,  # points.view over the county
        "township_a": True,
        "reviewer_a1": True,
        "cadre_b1": False,  # another village
        "mediator": False,  # no points role at all
    }.items():
        assert workflow.can_see(world.users[key], case, appeal) is sees, key
