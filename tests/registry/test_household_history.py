"""The household page a grid worker opens at the door shows the household's points of this year (the base score,
every line, the total) and the incidents reported by or for the household (issue 17 #20), each only to those who
may read them; the apps plug their sections in (core.plugins.HouseholdPanel)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core import plugins
from core.errors import DomainError
from incidents import services as incident_services
from incidents.models import Incident
from points import services as points_services
from points.models import LedgerEntry, RuleItem
from points.subjects import subject_of
from tests.incidents.support import INSIDE_A1, build_incident_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def iw(db):
    return build_incident_world()


def _scheme(world):
    cadre = world.users["cadre_a1"]
    scheme = points_services.scheme_create(
        actor=cadre,
        village=world.village_a1,
        name="文明户积分",
        kind="civility",
        subject_kind="household",
        base_score=10,
        redeemable=True,
        star_rules=[{"stars": 10, "min_score": 20}, {"stars": 5, "min_score": 12}],
    )
    book = points_services.rulebook_create(
        actor=cadre,
        scheme=scheme,
        title="安家村细则",
        template="anjia",
        effective_from=timezone.localdate() - timedelta(days=400),
    )
    points_services.rulebook_adopt(actor=cadre, rulebook=book, decision_ref="村民代表会议 决议第3号")
    return scheme


def _award(world, scheme, household):
    item = RuleItem.objects.get(rulebook__scheme=scheme, code="2.1")
    claim = points_services.claim_record(
        actor=world.users["cadre_a1"],
        scheme=scheme,
        subject=subject_of(household),
        item=item,
        occurred_on=timezone.localdate(),
    )
    points_services.claims_review(actor=world.users["reviewer_a1"], claim_ids=[claim.pk], approve=True)
    return LedgerEntry.objects.get(claim=claim)


def test_the_grid_worker_sees_the_households_points_and_incidents(iw, client):
    w = iw.w
    home, other = w.households["a1"], w.households["a1b"]
    scheme = _scheme(w)
    entry = _award(w, scheme, home)
    _award(w, scheme, other)  # another household's line is not shown
    # one case the household's villager reported, one a grid worker reported for it, one for the neighbour
    own, _ = incident_services.incident_report(
        actor=w.users["villager_a1"], matter=iw.litter, description="门前垃圾", lat=INSIDE_A1[0], lng=INSIDE_A1[1]
    )
    for_it, _ = incident_services.incident_report(
        actor=w.users["grid_a1"],
        matter=iw.dispute,
        description="与邻居争执",
        lat=INSIDE_A1[0],
        lng=INSIDE_A1[1],
        household=home.pk,
    )
    neighbour, _ = incident_services.incident_report(
        actor=w.users["cadre_a1"],
        matter=iw.litter,
        description="别户的事",
        lat=INSIDE_A1[0],
        lng=INSIDE_A1[1],
        household=other.pk,
    )
    assert own.household == home and for_it.household == home

    client.force_login(w.users["grid_a1"])
    response = client.get(reverse("registry:household_detail", args=[home.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    cards = {c.template: c for c in response.context["panels"]}
    points = cards["points/_household_panel.html"]
    history = points.context["schemes"][0]["history"]
    assert history["base_score"] == scheme.base_score and [e.pk for e in history["lines"]] == [entry.pk]
    assert history["score"] == scheme.base_score + entry.score_delta
    assert 'class="base-line"' in html and f"{history['score']:.2f}".rstrip("0").rstrip(".") in html
    incidents = cards["incidents/_household_panel.html"]
    assert {i.pk for i in incidents.context["rows"]} == {own.pk, for_it.pk}
    assert own.number in html and for_it.number in html and neighbour.number not in html
    assert f"{reverse('incidents:report')}?household={home.pk}" in html

    # reporting from that link concerns the household
    form = client.get(reverse("incidents:report"), {"household": home.pk})
    assert form.context["form"]["household"].value() == home.pk
    # a household the reporter may not see (another grid's) is refused, nothing stored
    before = Incident.objects.count()
    with pytest.raises(DomainError):
        incident_services.incident_report(
            actor=w.users["grid_a1"],
            matter=iw.litter,
            description="x",
            lat=INSIDE_A1[0],
            lng=INSIDE_A1[1],
            household=other.pk,
        )
    assert Incident.objects.count() == before


def test_sections_follow_what_the_reader_may_see(iw, client):
    w = iw.w
    home = w.households["a1"]
    _scheme(w)
    incident_services.incident_report(
        actor=w.users["villager_a1"], matter=iw.litter, description="门前垃圾", lat=INSIDE_A1[0], lng=INSIDE_A1[1]
    )
    # the township official may read both; the county's department staff opens no household page at all
    keys = lambda user: {c.template for c in plugins.household_panels(user, home)}  # noqa: E731
    assert keys(w.users["township_a"]) == {"points/_household_panel.html", "incidents/_household_panel.html"}
    # the household's own villager sees its own points and its own reports
    mine = plugins.household_panels(w.users["villager_a1"], home)
    assert {c.template for c in mine} == {"points/_household_panel.html", "incidents/_household_panel.html"}
    # a cadre of another village cannot open the page
    client.force_login(w.users["cadre_b1"])
    assert client.get(reverse("registry:household_detail", args=[home.pk])).status_code == 404
    # a villager of another household: the points of this household are not theirs
    others = plugins.household_panels(w.users["villager_a1"], w.households["a1b"])
    assert "points/_household_panel.html" not in {c.template for c in others}
