"""Apps plug into core (core.plugins); core imports no domain app; every audit event type has a Chinese label."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from django.utils.translation import gettext_lazy

from core import audit, plugins
from core.audit_labels import action_label

BASE_DIR = Path(settings.BASE_DIR)
PLATFORM_APPS = {"core", "accounts", "casework"}  # core may use these; every other app of the project is a domain
CJK = re.compile(r"[\u4e00-\u9fff]")


def _project_apps() -> list[str]:
    return [c.name for c in apps.get_app_configs() if Path(c.path).resolve().parent == BASE_DIR.resolve()]


def _domain_apps() -> set[str]:
    return set(_project_apps()) - PLATFORM_APPS


def _python_files(app: str):
    yield from sorted((BASE_DIR / app).rglob("*.py"))


# -- core imports no domain app ----------------------------------------------------------------------------------


def _domain_imports(source: str, where: str, domains: set[str]) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source, filename=where)):
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in {"import_module", "__import__", "import_string"} and isinstance(node.args[0].value, str):
                modules = [node.args[0].value]
        for module in modules:
            if module.split(".")[0] in domains:
                found.append(f"{where}:{node.lineno} imports {module}")
    return found


def test_the_domain_apps_are_known():
    assert {"points", "incidents", "finance", "meetings", "deliberation", "powers", "transparency"} <= _domain_apps()
    assert {"registry", "regions"} <= _domain_apps()


def test_core_imports_no_domain_app():
    """Apps plug into core (core.plugins); core never imports them, not even inside a function."""
    domains = _domain_apps()
    found = [
        hit
        for path in _python_files("core")
        for hit in _domain_imports(path.read_text(encoding="utf-8"), str(path.relative_to(BASE_DIR)), domains)
    ]
    assert not found, "core imports a domain app; register the part with core.plugins instead:\n" + "\n".join(found)


def test_the_import_walk_sees_a_domain_import():
    """The walk above catches every way of importing (guards the guard)."""
    sample = (
        "import os\nfrom core import scope\n"
        "def f():\n    from incidents import selectors\n    import registry.models\n"
        "    return import_module('finance.ledger')\n"
    )
    hits = _domain_imports(sample, "sample.py", _domain_apps())
    assert [h.split(" imports ")[1] for h in hits] == ["incidents", "registry.models", "finance.ledger"]


# -- the registry --------------------------------------------------------------------------------------------------


def test_the_home_page_cards_keep_their_order():
    assert [c.key for c in plugins.home_cards()] == [
        "waiting",
        "my_points",
        "registry",
        "incidents",
        "doorstep",
        "customs",
        "mutualaid",
        "visits",
        "inspections",
        "honours",
        "village_notices",
        "own_households",
    ]


def test_waiting_items_keep_their_order_and_are_registered_by_their_apps():
    items = plugins.waiting_items()
    assert [w.url_name for w in items] == [
        "points:home",
        "points:appeal_list",
        "finance:queue",
        "deliberation:rules",
        "transparency:questions",
        "powers:queue",
        "powers:review",
        "powers:home",
        "meetings:home",
        "deliberation:tasks",
        "mediation:home",
        "mediation:home",
        "mediation:home",
        "mutualaid:home",
        "customs:home",
        "honours:panel",
        "targets:home",
        "visits:due",
    ]
    assert all(w.key.split(".")[0] in _domain_apps() for w in items)


def test_a_card_shows_its_tiles_figures_by_key():
    card = plugins.Card(tiles=[plugins.Tile("A", 3, "/a/", "a"), plugins.Tile("B", 0, "/b/")])
    assert card.data == {"a": 3}
    assert plugins.Card(data=[1]).data == [1]


def test_a_code_cannot_be_labelled_twice_differently():
    plugins.register_audit_labels({"casework.start": gettext_lazy("Case opened")})  # the same label: fine
    with pytest.raises(ImproperlyConfigured):
        plugins.register_audit_labels({"casework.start": gettext_lazy("Case step taken")})
    assert action_label("casework.start") == str(gettext_lazy("Case opened"))


def test_every_app_that_records_registers_its_labels():
    """Each app's labels come from its own audit_labels.py, registered from its ready()."""
    registered = plugins.audit_labels()
    for app in _project_apps():
        module = BASE_DIR / app / "audit_labels.py"
        if app in {"core", "casework"}:
            continue  # the platform's case events and system.* are core's (core/audit_labels.py)
        if module.exists():
            labels = __import__(f"{app}.audit_labels", fromlist=["AuditAction"]).AuditAction
            assert set(labels.values) <= set(registered), app
            assert all(code.startswith(f"{app}.") for code in labels.values), app
    from core.audit_labels import AuditAction

    assert {code.split(".")[0] for code in AuditAction.values} == {"casework", "system"}
    prefixes = {code.split(".")[0] for code in registered}
    assert prefixes <= set(_project_apps()) | {"system"}


# -- every audit event type has a Chinese label ---------------------------------------------------------------------


def test_every_registered_label_is_translated_into_chinese():
    missing = []
    for code, label in sorted(plugins.audit_labels().items()):
        with translation.override("en"):
            english = str(label)
        with translation.override("zh-hans"):
            chinese = str(label)
        if chinese == english or not CJK.search(chinese):
            missing.append(f"{code}: {english!r}")
    assert not missing, "Audit labels without a zh_Hans translation:\n" + "\n".join(missing)


def _recorded_codes() -> dict[str, str]:
    """Every audit action code written as a literal in a call of record(actor, "<code>", …), with its place."""
    codes: dict[str, str] = {}
    for app in _project_apps():
        for path in _python_files(app):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (isinstance(node, ast.Call) and len(node.args) >= 2):
                    continue
                func = node.func
                if isinstance(func, ast.Attribute):
                    if func.attr != "record" or getattr(func.value, "id", None) != "audit":
                        continue
                elif getattr(func, "id", None) != "record":
                    continue
                values = [node.args[1]]
                if isinstance(node.args[1], ast.IfExp):
                    values = [node.args[1].body, node.args[1].orelse]
                for value in values:
                    if isinstance(value, ast.Constant) and isinstance(value.value, str):
                        codes.setdefault(value.value, f"{path.relative_to(BASE_DIR)}:{node.lineno}")
    return codes


def test_every_audit_code_written_in_the_source_has_a_label():
    """Codes a test may not reach: those written as literals must be labelled too (the suite checks the rest)."""
    codes = _recorded_codes()
    assert len(codes) > 100
    missing = [f"{code} ({where})" for code, where in sorted(codes.items()) if not plugins.has_audit_label(code)]
    assert not missing, "Audit actions without a label (add them to <app>/audit_labels.py):\n" + "\n".join(missing)


@pytest.mark.django_db
def test_record_refuses_an_unlabelled_code_in_the_test_suite(world):
    assert settings.AUDIT_REQUIRE_LABELS is True  # set by tests/conftest.py, so every test proves its codes
    with pytest.raises(audit.UnlabelledAuditAction):
        audit.record(world.users["cadre_a1"], "registry.household.nothing", world.village_a1)
    event = audit.record(world.users["cadre_a1"], "registry.household.update", world.village_a1)
    assert event.action == "registry.household.update"


@pytest.mark.django_db
def test_record_never_refuses_in_production(world, settings):
    settings.AUDIT_REQUIRE_LABELS = False
    event = audit.record(None, "registry.household.nothing", world.village_a1)
    assert event.action == "registry.household.nothing"
    assert action_label(event.action) == "registry.household.nothing"  # shown as it is
