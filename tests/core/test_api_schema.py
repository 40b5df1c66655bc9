"""The OpenAPI schema as a client reads it: every number has a range, every schema name means one shape, every
summary is Chinese (through the translation catalogue); out-of-range numbers are refused, never a 500."""

import re

import pytest
from django.utils import translation
from django.utils.functional import Promise

from config.api import api
from core.api_types import MAX_ID

CJK = re.compile(r"[\u4e00-\u9fff]")


def _operations():
    """Every django-ninja operation of the API, those of nested routers (incidents' catalogue) included."""

    def walk(router):
        for path_view in router.path_operations.values():
            yield from path_view.operations
        for mounted in router._routers:
            yield from walk(mounted[1])

    for mounted in api._routers:
        yield from walk(mounted[1])


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def _numbers_without_range(node, where, components, seen=()):
    """Every integer/number reachable from a parameter or request body that lacks a minimum or a maximum."""
    if not isinstance(node, dict):
        return
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return
        yield from _numbers_without_range(components[name], where, components, (*seen, name))
        return
    if node.get("type") in ("integer", "number"):
        has_low = "minimum" in node or "exclusiveMinimum" in node
        has_high = "maximum" in node or "exclusiveMaximum" in node
        if not (has_low and has_high):
            yield where
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in node.get(key, []):
            yield from _numbers_without_range(sub, where, components, seen)
    for name, sub in node.get("properties", {}).items():
        yield from _numbers_without_range(sub, f"{where}.{name}", components, seen)
    if "items" in node:
        yield from _numbers_without_range(node["items"], f"{where}[]", components, seen)
    if isinstance(node.get("additionalProperties"), dict):
        yield from _numbers_without_range(node["additionalProperties"], f"{where}{{}}", components, seen)


def test_every_number_a_client_sends_has_a_range(schema):
    components = schema.get("components", {}).get("schemas", {})
    missing = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for param in operation.get("parameters", []):
                where = f"{method.upper()} {path} {param['in']}:{param['name']}"
                missing += _numbers_without_range(param.get("schema", {}), where, components)
            for content in operation.get("requestBody", {}).get("content", {}).values():
                missing += _numbers_without_range(
                    content.get("schema", {}), f"{method.upper()} {path} body", components
                )
    assert not missing, "numbers without a range (use core.api_types):\n" + "\n".join(missing)


def _models():
    """Every pydantic model an operation reads or answers, with the name the OpenAPI components give it."""
    import typing

    from pydantic import BaseModel

    def nested(annotation):
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield annotation
        for arg in typing.get_args(annotation) or ():
            yield from nested(arg)

    found, todo = set(), []
    for operation in _operations():
        todo += list(operation.models) + list((operation.response_models or {}).values())
    while todo:
        model = todo.pop()
        if not (isinstance(model, type) and issubclass(model, BaseModel)) or model in found:
            continue
        found.add(model)
        for field in model.model_fields.values():
            todo += list(nested(field.annotation))
    return found


def test_a_schema_name_means_one_shape():
    """django-ninja names a component after its class: two different classes of one name overwrite each other in
    the document (a finance entry was documented as the deliberation list's entry, without `name`)."""
    from ninja.schema import NinjaGenerateJsonSchema

    shapes: dict[str, dict[str, str]] = {}
    for model in _models():
        for mode in ("validation", "serialization"):
            shape = repr(model.model_json_schema(schema_generator=NinjaGenerateJsonSchema, mode=mode))
            shapes.setdefault(f"{model.__name__} ({mode})", {})[f"{model.__module__}.{model.__qualname__}"] = shape
    clashes = {name: sorted(by) for name, by in shapes.items() if len(set(by.values())) > 1}
    assert not clashes, f"rename one of each (the OpenAPI document keeps only one): {clashes}"


# A summary may name fields, paths and formats in ASCII (`client_key`, /api/…, JSON, PDF, 10 MB); three English
# words in a row mean an untranslated text.
_ENGLISH_RUN = re.compile(r"[A-Za-z]{2,}(?:\s+[A-Za-z]{2,}){2,}")
_CODE = re.compile(r"`[^`]*`|\{[^}]*\}|\S*[/_=]\S*")


def _english_left(text: str) -> str | None:
    if not CJK.search(text):
        return text
    match = _ENGLISH_RUN.search(_CODE.sub(" ", text))
    return match.group(0) if match else None


def test_every_operation_summary_is_chinese(schema):
    """/api/openapi.json in the platform's language (zh-hans, the default): every summary and description is
    Chinese."""
    english = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for key in ("summary", "description"):
                text = operation.get(key)
                if text and _english_left(text):
                    english.append(f"{method.upper()} {path} {key}: {text}")
    assert not english, "untranslated (wrap in gettext_lazy and translate in locale/):\n" + "\n".join(english)
    assert CJK.search(schema["info"]["description"])


def test_summaries_go_through_the_catalogue():
    """Each summary is an English msgid translated lazily (the catalogue, not Chinese written in the code): the
    document follows the active language."""
    not_lazy = []
    for operation in _operations():
        for key in ("summary", "description"):
            value = getattr(operation, key)
            if value and not isinstance(value, Promise):
                not_lazy.append(f"{operation.view_func.__module__}.{operation.view_func.__name__} {key}")
    assert not not_lazy, "write summary=gettext_lazy(...):\n" + "\n".join(not_lazy)
    with translation.override(None):  # no catalogue: the msgids themselves
        source = str(api.get_openapi_schema()["paths"]["/api/auth/token"]["post"]["summary"])
    assert not CJK.search(source)


@pytest.mark.parametrize(
    "url,field",
    [
        ("/api/points/county-ranking?year=10000", "year"),
        ("/api/points/county-ranking?year=-99999999999999999999", "year"),
        ("/api/points/county-ranking?page=99999999999999999999", "page"),
        ("/api/households?village_id=99999999999999999999", "village_id"),
        ("/api/incidents?village=99999999999999999999", "village"),
        ("/api/casework/calendar/10000", "year"),
        (f"/api/households/{MAX_ID + 1}", "household_id"),
        ("/api/finance/months/1/2026/13", "month"),
        ("/api/casework/calendar/deadline?working_days=1&start=0987-04-01T00:00:00", "start"),
        ("/api/casework/calendar/deadline?working_days=101", "working_days"),
    ],
)
def test_out_of_range_numbers_in_the_api_are_refused_in_chinese(world, client, api_token, url, field):
    response = client.get(url, **api_token(world.users["county_admin"]))
    assert response.status_code == 422, response.content
    body = response.json()
    assert field in body["errors"], body
    assert CJK.search(body["errors"][field][0]), body


@pytest.mark.parametrize(
    "url",
    [
        "/points/county/?year=10000",
        "/points/county/?year=-99999999999999999999",
        "/regions/grids/?village=99999999999999999999999",
        "/regions/grids/map/?village=99999999999999999999999",
        "/incidents/?village=99999999999999999999999",
        "/incidents/?matter=99999999999999999999",
        "/powers/cases/?power=9999999999999999999999",
        "/casework/calendar/?year=10000",
        "/transparency/calendar/?year=99999999999999999999",
        "/points/me/?year=10000",
    ],
)
def test_pages_reading_numbers_from_the_query_string_do_not_fail(world, login, url):
    response = login(world.users["county_admin"]).get(url)
    assert response.status_code < 500


def test_a_scheme_page_with_an_impossible_year_or_group(world, login):
    from points.services import scheme_create

    scheme = scheme_create(
        actor=world.users["cadre_a1"], village=world.village_a1, name="积分", kind="civility", subject_kind="household"
    )
    client = login(world.users["cadre_a1"])
    for query in ("year=10000", "year=-1", "group=999999999999999999999", "grid=999999999999999999999"):
        response = client.get(f"/points/schemes/{scheme.pk}/standings/?{query}")
        assert response.status_code == 200, (query, response.status_code)
    assert client.get(f"/points/schemes/{scheme.pk}/honours/?year=10000").status_code < 500
    reviewer = login(world.users["reviewer_a1"])
    for month in ("99999-13", "0000-01", "2026-13", "x"):
        assert reviewer.get(f"/points/schemes/{scheme.pk}/review/?month={month}").status_code == 200, month
