"""Every figure of the KPI and assessment pages is in the API (issue 17 #20): the test reads the figures the page
draws (its table rows and total, its assessment lines and totals) and requires the same numbers from
GET /api/incidents/kpi and GET /api/incidents/assessment, for every breakdown the caller may ask for."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents import services
from tests.incidents.support import INSIDE_A1

pytestmark = pytest.mark.django_db

RATES = {  # the page's column → the API's key
    "response": "response",
    "completion": "completion",
    "overdue": "overdue",
    "satisfaction": "satisfaction",
    "in_village": "closed_in_village",
    "in_township": "closed_in_township",
}


def _cases(iw):
    w = iw.w
    for matter, who in ((iw.litter, "grid_a1"), (iw.pollution, "grid_a1"), (iw.dispute, "villager_a1")):
        services.incident_report(
            actor=w.users[who], matter=matter, description="情况", lat=INSIDE_A1[0], lng=INSIDE_A1[1]
        )
    services.incident_report(
        actor=w.users["grid_a1"],
        matter=iw.dispute,
        description="当场调解",
        lat=INSIDE_A1[0],
        lng=INSIDE_A1[1],
        settled="已调解",
    )


def _same_row(page_row, api_row):
    assert api_row["label"] == page_row.label and api_row["key"] == page_row.key
    assert api_row["cases"] == page_row.cases and api_row["reopened"] == page_row.reopened
    for attr, key in RATES.items():
        rate = getattr(page_row, attr)
        assert api_row[key] == {"num": rate.num, "den": rate.den, "value": rate.value, "percent": rate.percent}
    assert api_row["counts"] == page_row.counts


def test_every_kpi_figure_of_the_page_is_in_the_api(iw, client, api_token):
    _cases(iw)
    admin = iw.users["county_admin"]
    client.force_login(admin)
    token = api_token(admin)
    month = f"{timezone.localdate():%Y-%m}"
    for group in ("township", "village", "department", "grid_worker"):
        page = client.get(reverse("incidents:kpi"), {"period": "month", "month": month, "group": group})
        table = page.context["table"]
        body = client.get("/api/incidents/kpi", {"period": "month", "month": month, "group": group}, **token).json()
        assert body["grouping"] == group and body["period"]["label"] == table.period.label
        assert body["groupings"] == ["township", "village", "department", "grid_worker"]
        assert len(body["rows"]) == len(table.rows)
        for page_row, api_row in zip(table.rows, body["rows"], strict=True):
            _same_row(page_row, api_row)
        _same_row(table.total, body["total"])
    # the settled-on-the-spot case is among those closed in the village
    village = client.get("/api/incidents/kpi", {"group": "village"}, **token).json()["total"]
    assert village["closed_in_village"]["num"] >= 1 and village["cases"] == 4


def test_kpi_api_refuses_what_the_page_refuses(iw, client, api_token):
    cadre = api_token(iw.users["cadre_a1"])
    # a village cadre has villages and grid workers, not the county's departments
    refused = client.get("/api/incidents/kpi", {"group": "department"}, **cadre)
    assert refused.status_code == 422 and "group" in refused.json()["errors"]
    future = client.get("/api/incidents/kpi", {"period": "month", "month": "2999-01"}, **cadre)
    assert future.status_code == 422
    assert client.get("/api/incidents/kpi", **api_token(iw.users["villager_a1"])).status_code == 403


def test_every_assessment_figure_of_the_page_is_in_the_api(iw, client, api_token):
    _cases(iw)
    month = f"{timezone.localdate():%Y-%m}"
    for who in ("county_admin", "grid_a1"):
        user = iw.users[who]
        client.force_login(user)
        page = client.get(reverse("incidents:assessment"), {"month": month}).context
        body = client.get("/api/incidents/assessment", {"month": month}, **api_token(user)).json()
        lines = page["result"].lines if page["result"] is not None else [page["own"]]
        assert body["own"] is (who == "grid_a1") and body["count"] == len(lines) >= 1
        for line, out in zip(lines, body["lines"], strict=True):
            assert (out["user_id"], out["name"], out["grids"]) == (line.user_id, line.name, list(line.grids))
            for attr in ("reports", "valid", "follow_ups", "follow_up_due", "grid_cases", "grid_overdue"):
                assert out[attr] == getattr(line, attr), attr
            for attr in ("satisfaction", "overdue", "valid_rate", "follow_up_rate"):
                rate = getattr(line, attr)
                assert (out[attr]["num"], out[attr]["den"], out[attr]["percent"]) == (rate.num, rate.den, rate.percent)
            for attr in (
                "reports_points",
                "valid_points",
                "follow_up_points",
                "satisfaction_points",
                "score",
                "base_subsidy",
                "performance_subsidy",
                "total_subsidy",
            ):
                assert Decimal(str(out[attr])) == getattr(line, attr), attr
        if page["result"] is not None:
            assert Decimal(str(body["total"])) == page["result"].total
            assert Decimal(str(body["total_performance"])) == page["result"].total_performance
        assert body["policy"]["base_subsidy"] is not None and body["policy"]["monthly_target"] == 4
    assert client.get("/api/incidents/assessment", **api_token(iw.users["villager_a1"])).status_code == 403
