"""Regression guards for the cost of the two busiest points requests (bench/points.py measures their latency):
recording an entry and the village standings. Statement counts, not timings; plus the behaviour the cheaper
paths must keep (idempotent client key, a refused duplicate writes nothing, the cached standings body equals the
computed one and follows the ledger and the list rules)."""

import pytest
from django.db import connection

from core.errors import DomainError
from core.models import AuditEvent
from points import services
from points.models import Claim, ListRule, RuleItem
from points.subjects import subject_of

# Statements of one recording through the API, as counted inside a test (the test's transaction turns the
# service's own into a savepoint pair): token, grants, item with its rule book and scheme, household, scheme FOR
# SHARE with the rule book in force, [cap: subject lock, cap count], INSERT claim, INSERT audit event, savepoints.
# The client key is looked up only when a recording is refused (a resent form), not before every recording.
RECORD_API_MAX = 11
RECORD_PAGE_MAX = 15


def _form(scheme, household, item, today, key):
    return {
        "scheme_id": scheme.pk,
        "subject_id": household.pk,
        "item_id": item.pk,
        "occurred_on": today.isoformat(),
        "client_key": key,
    }


def test_recording_through_the_api_stays_within_its_statements(
    world, scheme, item, client, api_token, today, photo, django_assert_max_num_queries
):
    grid = api_token(world.users["grid_a1"])
    uncapped = RuleItem.objects.get(rulebook__scheme=scheme, code="1.3")
    assert uncapped.cap_count is None and uncapped.evidence_required
    household = world.households["a1"]
    form = _form(scheme, household, uncapped, today, "warm") | {"evidence": photo()}
    assert client.post("/api/points/claims", form, **grid).status_code == 201
    with django_assert_max_num_queries(RECORD_API_MAX - 2):  # no cap: no subject lock, no cap count
        form = _form(scheme, household, uncapped, today, "k1") | {"evidence": photo()}
        response = client.post("/api/points/claims", form, **grid)
    assert response.status_code == 201, response.content
    assert item.cap_count  # 2.1: capped, one a month
    with django_assert_max_num_queries(RECORD_API_MAX):
        response = client.post("/api/points/claims", _form(scheme, world.households["a1"], item, today, "k2"), **grid)
    assert response.status_code == 201, response.content
    with django_assert_max_num_queries(RECORD_API_MAX):  # over the cap: refused, nothing written
        response = client.post("/api/points/claims", _form(scheme, world.households["a1"], item, today, "k3"), **grid)
    assert response.status_code == 422
    assert set(Claim.objects.values_list("client_key", flat=True)) == {"warm", "k1", "k2"}
    assert AuditEvent.objects.filter(action="points.claim.record").count() == 3


def test_recording_page_stays_within_its_statements(world, scheme, item, login, today, django_assert_max_num_queries):
    client = login(world.users["grid_a1"])
    form = {
        "scheme": scheme.pk,
        "household": world.households["a1"].pk,
        "item": item.pk,
        "occurred_on": today.isoformat(),
        "note": "",
        "client_key": "page-1",
    }
    with django_assert_max_num_queries(RECORD_PAGE_MAX):
        response = client.post("/points/record/", form)
    assert response.status_code == 302
    assert Claim.objects.filter(client_key="page-1").exists()


def test_a_client_key_stored_meanwhile_is_refused_and_nothing_is_written(world, scheme, item, today, monkeypatch):
    """The key check and the INSERT are not one statement: a second request with the same key that passes the
    check (the first not yet committed) hits the unique constraint and is refused as a whole, audit event too."""
    subject = subject_of(world.households["a1"])
    actor = world.users["grid_a1"]
    first = services.claim_record(
        actor=actor, scheme=scheme, subject=subject, item=item, occurred_on=today, client_key="race-1"
    )
    again = services.claim_record(
        actor=actor, scheme=scheme, subject=subject, item=item, occurred_on=today, client_key="race-1"
    )
    assert again.pk == first.pk  # the ordinary resend: the first entry back
    events = AuditEvent.objects.count()
    monkeypatch.setattr(services.claims, "_existing_by_key", lambda key: None)  # as if the first were not visible yet
    other = RuleItem.objects.get(rulebook__scheme=scheme, code="1.1")  # another item: the cap does not refuse it
    with pytest.raises(DomainError):
        services.claim_record(
            actor=actor, scheme=scheme, subject=subject, item=other, occurred_on=today, client_key="race-1"
        )
    assert Claim.objects.count() == 1 and AuditEvent.objects.count() == events
    # the connection is usable afterwards (PostgreSQL: the failed INSERT did not leave an aborted transaction)
    services.claim_record(actor=actor, scheme=scheme, subject=subject, item=other, occurred_on=today, client_key="r2")
    assert Claim.objects.count() == 2 and connection.is_usable()


def _approve_all(world, scheme):
    pending = list(Claim.objects.filter(scheme=scheme, status="pending").values_list("pk", flat=True))
    services.claims_review(actor=world.users["reviewer_a1"], claim_ids=pending, approve=True)


def test_cached_standings_body_equals_the_computed_rows_and_follows_ledger_and_lists(
    world, scheme, item, client, api_token, today, django_assert_max_num_queries
):
    quarter = (today.month - 1) // 3 + 1
    services.claim_record(
        actor=world.users["grid_a1"],
        scheme=scheme,
        subject=subject_of(world.households["a1"]),
        item=item,
        occurred_on=today,
    )
    _approve_all(world, scheme)
    cadre = api_token(world.users["cadre_a1"])
    url = f"/api/points/schemes/{scheme.pk}/standings?year={today.year}&quarter={quarter}"
    first = client.get(url, **cadre)
    assert first.status_code == 200 and first["Content-Type"].startswith("application/json")
    with django_assert_max_num_queries(6):  # token, grants, scheme, cache key, list rules (+ last_used_at)
        cached = client.get(url, **cadre)
    assert cached.content == first.content
    # the same rows as the uncached path (a grid filter is never served from the cached body)
    grid_id = world.households["a1"].grid_id
    filtered = client.get(f"{url}&grid_id={grid_id}", **cadre).json()
    assert filtered == [row for row in first.json() if row["grid_id"] == grid_id]
    row = next(r for r in first.json() if r["subject_key"] == f"h:{world.households['a1'].pk}")
    assert row["score"] == "11.00" and row["lists"] == [] and row["rank"] == 1

    # a new list rule changes the body
    ListRule.objects.create(scheme=scheme, kind="red", method="top_share", value=1)
    listed = client.get(url, **cadre).json()
    assert next(r for r in listed if r["subject_key"] == row["subject_key"])["lists"] == ["red"]

    # a new ledger entry changes it too
    subject = subject_of(world.households["a1b"])
    services.claim_record(
        actor=world.users["cadre_a1"],
        scheme=scheme,
        subject=subject,
        item=RuleItem.objects.get(rulebook__scheme=scheme, code="1.1"),
        occurred_on=today,
    )
    _approve_all(world, scheme)
    after = {r["subject_key"]: r["score"] for r in client.get(url, **cadre).json()}
    assert after[subject.key] != {r["subject_key"]: r["score"] for r in listed}[subject.key]


def test_a_resent_form_gets_its_first_entry_back_and_writes_nothing(world, scheme, client, api_token, today, photo):
    """The key is looked up only once the resend is refused (here by the unique key at the INSERT): the same
    person gets the first entry back, anyone else a message; no second entry, no second audit event."""
    from django.utils import translation

    uncapped = RuleItem.objects.get(rulebook__scheme=scheme, code="1.3")
    form = _form(scheme, world.households["a1"], uncapped, today, "resend-1")
    grid, cadre = api_token(world.users["grid_a1"]), api_token(world.users["cadre_a1"])
    first = client.post("/api/points/claims", form | {"evidence": photo()}, **grid)
    assert first.status_code == 201, first.content
    events = AuditEvent.objects.count()
    again = client.post("/api/points/claims", form | {"evidence": photo()}, **grid)
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    other = client.post("/api/points/claims", form | {"evidence": photo()}, **cadre)
    assert other.status_code == 422
    with translation.override("zh-hans"):
        assert other.json()["detail"] == translation.gettext(
            "This form was already used by someone else; reload the page."
        )
    assert Claim.objects.count() == 1 and AuditEvent.objects.count() == events


def test_a_resent_declaration_gets_its_first_entry_back(world, scheme, client, api_token, today, photo):
    declarable = RuleItem.objects.filter(rulebook__scheme=scheme, declarable=True).first()
    form = {"scheme_id": scheme.pk, "item_id": declarable.pk, "occurred_on": today.isoformat(), "client_key": "d-1"}
    villager = api_token(world.users["villager_a1"])
    first = client.post("/api/points/declarations", form | {"evidence": photo()}, **villager)
    again = client.post("/api/points/declarations", form | {"evidence": photo()}, **villager)
    assert first.status_code == again.status_code == 201, again.content
    assert again.json()["id"] == first.json()["id"] and Claim.objects.count() == 1


def test_recording_an_item_of_another_scheme_or_in_a_scheme_out_of_scope(world, scheme, client, api_token, today):
    """The item, its rule book and its scheme are read in one statement; a miss is told apart afterwards."""
    from points.models import Scheme

    grid = api_token(world.users["grid_a1"])
    item = RuleItem.objects.filter(rulebook__scheme=scheme).first()
    form = _form(scheme, world.households["a1"], item, today, "x-1")
    assert client.post("/api/points/claims", form | {"item_id": 0}, **grid).status_code == 422
    elsewhere = services.scheme_create(
        actor=world.users["cadre_b1"],
        village=world.village_b1,
        name="文明户积分",
        kind="civility",
        subject_kind="household",
        base_score=10,
    )
    assert client.post("/api/points/claims", form | {"scheme_id": elsewhere.pk}, **grid).status_code == 404
    assert client.post("/api/points/claims", form | {"scheme_id": 0}, **grid).status_code == 422  # ids start at 1
    Scheme.objects.filter(pk=scheme.pk).update(is_active=False)
    assert client.post("/api/points/claims", form, **grid).status_code == 404
    assert not Claim.objects.exists()
