"""API operations that make the same writes as the meetings pages (core.views.api_twin): the county's notice
periods."""

from __future__ import annotations

import pytest

from meetings.models import MeetingPolicy
from regions.models import RegionLevel
from tests.factories import make_region

pytestmark = pytest.mark.django_db
BASE = "/api/meetings"


def put(client, url, data, headers):
    return client.put(f"{BASE}{url}", data, content_type="application/json", **headers)


def test_the_county_sets_its_notice_periods_over_the_api(client, mw, api_token):
    county = mw.w.county
    admin = api_token(mw.users["county_admin"])
    response = put(client, f"/notice-periods/{county.pk}", {"notice_days": {"villagers_assembly": 12}}, admin)
    assert response.status_code == 200, response.content
    assert response.json()["notice_days"] == {"villagers_assembly": 12}
    assert MeetingPolicy.objects.get(county=county).notice_days == {"villagers_assembly": 12}
    rules = {r["kind"]: r for r in client.get(f"{BASE}/rules", **admin).json()}
    assert rules["villagers_assembly"]["notice_days"] == 12


def test_a_notice_period_under_the_statutory_minimum_is_refused(client, mw, api_token):
    county = mw.w.county
    admin = api_token(mw.users["county_admin"])
    response = put(client, f"/notice-periods/{county.pk}", {"notice_days": {"villagers_assembly": 5}}, admin)
    assert response.status_code == 422
    assert "10" in response.json()["errors"]["villagers_assembly"][0]
    assert not MeetingPolicy.objects.filter(county=county).exists()


def test_notice_periods_outside_the_callers_county_are_not_found(client, mw, api_token):
    other = make_region("他县", "510423", RegionLevel.COUNTY)
    admin = api_token(mw.users["county_admin"])
    response = put(client, f"/notice-periods/{other.pk}", {"notice_days": {"villagers_assembly": 12}}, admin)
    assert response.status_code == 404
    response = put(client, f"/notice-periods/{mw.w.county.pk}", {"notice_days": {}}, api_token(mw.cadre))
    assert response.status_code == 403
    assert not MeetingPolicy.objects.exists()
