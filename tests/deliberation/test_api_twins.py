"""API operations that make the same writes as the deliberation list page (core.views.api_twin): keeping the
village's own list, and changing or taking off a kind of matter."""

from __future__ import annotations

import pytest

from deliberation.models import DeliberationList, ListEntry

pytestmark = pytest.mark.django_db
BASE = "/api/deliberation"


def test_a_cadre_keeps_the_list_and_takes_a_kind_of_matter_off(client, dw, api_token):
    cadre = api_token(dw.cadre)
    response = client.post(f"{BASE}/list?village_id={dw.village.pk}", **cadre)
    assert response.status_code == 201, response.content
    assert response.json()["kept"] is True
    entry = DeliberationList.objects.get(village=dw.village).entries.first()
    url = f"{BASE}/list/entries/{entry.pk}"
    response = client.patch(url, {"active": False}, content_type="application/json", **cadre)
    assert response.status_code == 200, response.content
    row = next(e for e in response.json()["entries"] if e["id"] == entry.pk)
    assert row["active"] is False
    entry.refresh_from_db()
    assert entry.active is False


def test_a_kind_of_matter_with_an_unknown_procedure_is_refused(client, dw, api_token):
    cadre = api_token(dw.cadre)
    entry = dw.entry("村办公用房选址")
    response = client.patch(
        f"{BASE}/list/entries/{entry.pk}", {"procedure": "nonsense"}, content_type="application/json", **cadre
    )
    assert response.status_code == 422 and response.json()["detail"]
    entry.refresh_from_db()
    assert entry.procedure != "nonsense"


def test_another_villages_list_is_not_found(client, dw, api_token):
    other = api_token(dw.users["cadre_b1"])
    entry = dw.entry("村办公用房选址")
    assert client.post(f"{BASE}/list?village_id={dw.village.pk}", **other).status_code == 404
    response = client.patch(
        f"{BASE}/list/entries/{entry.pk}", {"active": False}, content_type="application/json", **other
    )
    assert response.status_code == 404
    assert ListEntry.objects.get(pk=entry.pk).active is True
    assert client.patch(f"{BASE}/list/entries/999999", {}, content_type="application/json", **other).status_code == 404
