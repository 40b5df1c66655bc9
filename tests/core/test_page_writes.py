"""Every write a page can make, the API can make: the test walks the URL patterns, finds the views that accept a
POST, and requires each to name its API operations (core.views.api_twin) that exist in the OpenAPI schema."""

from __future__ import annotations

import inspect

from django.urls import URLPattern, URLResolver, get_resolver

from config.api import api

# Posts that are not a write of the platform's records: signing in and out, the language, the text size (a cookie
# of the device, like the language).
NOT_WRITES = {"accounts:login", "accounts:logout", "set_language", "core:large_text"}


def _patterns(patterns, namespace=None, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p.url_patterns, p.namespace or namespace, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield prefix + str(p.pattern), name, p.callback


def _source(view) -> str:
    try:
        return inspect.getsource(view) + inspect.getsource(inspect.unwrap(view))
    except (OSError, TypeError):
        return ""


def page_writes():
    """(name, path, view) of every page (not the API, not the admin) whose view takes a POST."""
    for path, name, view in _patterns(get_resolver().url_patterns):
        if path.startswith(("api/", "admin/")) or getattr(view, "view_class", None) is not None:
            continue
        if "POST" in _source(view) and name not in NOT_WRITES:
            yield name, path, view


def operations() -> set[str]:
    schema = api.get_openapi_schema()
    return {f"{method.upper()} {path}" for path, item in schema["paths"].items() for method in item}


def test_every_page_write_has_an_api_operation():
    known = operations()
    missing, unknown = [], []
    for name, path, view in page_writes():
        twins = getattr(view, "api_operations", None) or getattr(inspect.unwrap(view), "api_operations", None)
        if not twins:
            missing.append(f"{name} ({path})")
        unknown += [f"{name}: {op}" for op in twins or () if op not in known]
    assert not missing, "Page writes without an API operation:\n" + "\n".join(missing)
    assert not unknown, "API operations named by pages that the schema does not have:\n" + "\n".join(unknown)


def test_the_walk_finds_page_writes():
    names = {name for name, _path, _view in page_writes()}
    assert {"casework:step", "incidents:report", "powers:apply"} <= names
