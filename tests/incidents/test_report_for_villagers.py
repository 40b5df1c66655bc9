"""A villager's report and a grid worker's 即报即办 (issue 17 #15).

- 其他/不清楚: every county has one matter for a reporter who does not know the kind; the case goes to its village,
  whose cadres (or a dispatcher) set the real kind with the declared ``classify`` step, and the rules route it again.
- The page a reporter lands on says who handles the case and by when, and where it is on a map: never the triage
  rule behind the routing nor raw coordinates (dispatchers still see the rule).
- 即报即办: a grid worker who settled the matter while reporting it closes the case at once (the declared
  ``settle`` step), and the KPIs count it as closed in the village.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override

from casework.models import CaseEvent
from core.errors import DomainError
from core.models import AuditEvent
from core.periods import Period
from incidents import services
from incidents.flows import INCIDENT
from incidents.kpi.figures import VILLAGE, kpi_table
from incidents.models import GridMatter, Incident, IncidentAssist, Level
from tests.incidents.support import INSIDE_A1, photo

pytestmark = pytest.mark.django_db


def t(msgid: str, **params) -> str:
    with override("zh-hans"):
        text = gettext(msgid)
    return text % params if params else text


def unsorted(iw) -> GridMatter:
    return GridMatter.objects.get(county=iw.w.county, unsorted=True)


def form(**changes):
    data = {
        "severity": "general",
        "description": "路边有一堆东西，不知道归谁管",
        "address": "村口大槐树旁",
        "lat": str(INSIDE_A1[0]),
        "lng": str(INSIDE_A1[1]),
        "grid": "",
        "client_key": "k-1",
    }
    data.update(changes)
    return data


# -- 其他/不清楚 -----------------------------------------------------------------------------------------------


def test_every_county_has_an_unsorted_matter_offered_first(iw, client):
    matter = unsorted(iw)
    assert matter.name == "其他/不清楚" and matter.retired_on is None
    client.force_login(iw.users["villager_a1"])
    html = client.get(reverse("incidents:report")).content.decode()
    first_option = html.index(f'<option value="{matter.pk}"')
    assert first_option < html.index("<optgroup")  # before the 43 kinds, not inside a group
    assert t("%(name)s (the village sorts it)", name="其他/不清楚") in html


def test_an_unsorted_report_goes_to_the_village_which_sets_the_kind(iw, client):
    client.force_login(iw.users["villager_a1"])
    response = client.post(reverse("incidents:report"), form(matter=unsorted(iw).pk))
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert incident.level == Level.VILLAGE and incident.state == "dispatched" and incident.rule is None
    # the village's cadre sees the declared step on the case page and sets the kind: the rules route it again
    cadre = iw.users["cadre_a1"]
    client.force_login(cadre)
    page = client.get(reverse("incidents:detail", args=[incident.pk])).content.decode()
    assert 'id="step-classify"' in page
    url = reverse("casework:step", args=[INCIDENT.name, incident.pk, "classify"])
    done = client.post(url, {"classify-matter": iw.pollution.pk, "classify-note": "是河道污染"})
    assert done.status_code == 302, done.content.decode()[:2000]
    incident.refresh_from_db()
    assert incident.matter == iw.pollution and incident.level == Level.COUNTY
    assert incident.handler_department == iw.environment and incident.state == "dispatched"
    assert IncidentAssist.objects.filter(incident=incident, department=iw.water).exists()
    event = CaseEvent.objects.filter(transition="classify").get()
    assert event.data["matter_name"] == "河道污染" and event.actor == cadre
    # the kind is set now: the step is no longer offered, and refused if taken
    assert not INCIDENT.transitions["classify"].offered(incident)
    client.force_login(iw.users["township_a"])
    assert 'id="step-classify"' not in client.get(reverse("incidents:detail", args=[incident.pk])).content.decode()
    with pytest.raises(DomainError):
        services.incident_step(
            actor=iw.users["township_a"], incident=incident, step="classify", data={"matter": iw.litter.pk}
        )


def test_a_known_kind_is_not_sorted_again_and_a_villager_cannot_sort(iw):
    incident, _ = services.incident_report(
        actor=iw.users["villager_a1"], matter=unsorted(iw), description="不清楚", lat=INSIDE_A1[0], lng=INSIDE_A1[1]
    )
    before = CaseEvent.objects.count(), AuditEvent.objects.count()
    with pytest.raises(DomainError):  # the reporter is not the village
        services.incident_step(
            actor=iw.users["villager_a1"], incident=incident, step="classify", data={"matter": iw.litter.pk}
        )
    with pytest.raises(DomainError):  # the unsorted matter itself is no kind to give
        services.incident_step(
            actor=iw.users["cadre_a1"], incident=incident, step="classify", data={"matter": unsorted(iw).pk}
        )
    assert (CaseEvent.objects.count(), AuditEvent.objects.count()) == before
    # the township's dispatcher may sort it too
    services.incident_step(
        actor=iw.users["township_a"], incident=incident, step="classify", data={"matter": iw.litter.pk}
    )
    incident.refresh_from_db()
    assert incident.matter == iw.litter and incident.level == Level.VILLAGE


# -- what the reporter sees ----------------------------------------------------------------------------------


def test_the_reporter_is_told_who_and_when_not_the_rule_nor_coordinates(iw, client):
    client.force_login(iw.users["villager_a1"])
    response = client.post(reverse("incidents:report"), form(matter=iw.litter.pk), follow=True)
    incident = Incident.objects.get()
    html = response.content.decode()
    rule = str(incident.rule)
    assert "→" in rule and rule not in html and t("Rule: %(rule)s.", rule=rule) not in html
    assert str(INSIDE_A1[0]) not in html and str(INSIDE_A1[1]) not in html  # no raw coordinates
    assert incident.village.name in html and incident.address in html
    assert (
        t(
            "Reported as case %(number)s. %(body)s will handle it within %(n)s working days after accepting it.",
            number=incident.number,
            body=incident.village.name,
            n=incident.handling_days,
        )
        in html
    )
    place = reverse("incidents:case_geojson", args=[incident.pk])
    assert f'data-geojson-url="{place}"' in html
    features = client.get(place).json()["features"]
    point = next(f for f in features if f["properties"]["kind"] == "case")
    assert point["geometry"]["coordinates"] == [INSIDE_A1[1], INSIDE_A1[0]]
    # the dispatcher still sees the rule behind the routing; someone who may not see the case gets nothing
    client.force_login(iw.users["township_a"])
    assert rule in client.get(reverse("incidents:detail", args=[incident.pk])).content.decode()
    client.force_login(iw.users["cadre_b1"])
    assert client.get(place).status_code == 404


# -- 即报即办 ------------------------------------------------------------------------------------------------------


def test_a_grid_worker_settles_on_the_spot_and_it_counts_as_closed_in_the_village(iw, client):
    client.force_login(iw.users["grid_a1"])
    html = client.get(reverse("incidents:report")).content.decode()
    assert 'name="on_the_spot"' in html
    # ticked without saying what was done: refused, nothing stored
    refused = client.post(reverse("incidents:report"), form(matter=iw.dispute.pk, on_the_spot="on"))
    assert refused.status_code == 200 and Incident.objects.count() == 0
    response = client.post(
        reverse("incidents:report"),
        form(matter=iw.dispute.pk, on_the_spot="on", settled="当场调解，双方和好", settled_photos=[photo("done.png")]),
    )
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert incident.state == "closed" and incident.closed_at is not None and incident.on_the_spot
    assert incident.level == Level.VILLAGE and incident.resolved_on_time and incident.responded_on_time
    settle = CaseEvent.objects.get(transition="settle")
    assert settle.note == "当场调解，双方和好" and settle.attachments.count() == 1
    assert not CaseEvent.objects.filter(transition="route").exists()
    today = timezone.localdate()
    table = kpi_table(iw.users["county_admin"], Period(today - timedelta(days=1), today), VILLAGE)
    assert table.total.counts["closed"] == 1 and table.total.counts["closed_in_village"] == 1
    assert (table.total.in_village.num, table.total.in_village.den) == (1, 1)
    page = client.get(reverse("incidents:detail", args=[incident.pk])).content.decode()
    assert t("Settled on the spot (即报即办)") in page


def test_only_a_grid_worker_settles_on_the_spot_and_only_at_the_report(iw, client, api_token):
    before = Incident.objects.count(), CaseEvent.objects.count()
    with pytest.raises(DomainError):
        services.incident_report(
            actor=iw.users["villager_a1"],
            matter=iw.litter,
            description="x",
            lat=INSIDE_A1[0],
            lng=INSIDE_A1[1],
            settled="我自己扫了",
        )
    assert (Incident.objects.count(), CaseEvent.objects.count()) == before
    client.force_login(iw.users["villager_a1"])
    assert 'name="on_the_spot"' not in client.get(reverse("incidents:report")).content.decode()
    # a routed case cannot be "settled on the spot" later
    incident, _ = services.incident_report(
        actor=iw.users["grid_a1"], matter=iw.litter, description="x", lat=INSIDE_A1[0], lng=INSIDE_A1[1]
    )
    assert not INCIDENT.transitions["settle"].offered(incident)
    # the API twin: the report with `settled`
    token = api_token(iw.users["grid_a1"])
    done = client.post(
        "/api/incidents",
        {
            "matter_id": iw.litter.pk,
            "description": "垃圾当场清理",
            "lat": INSIDE_A1[0],
            "lng": INSIDE_A1[1],
            "settled": "已组织清理",
        },
        **token,
    )
    assert done.status_code == 201, done.content
    assert done.json()["state"] == "closed" and done.json()["on_the_spot"] is True
