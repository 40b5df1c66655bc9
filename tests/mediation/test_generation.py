"""The county-scale generator of disputes (for bench/mediation.py), at a small scale: deterministic, every state,
the seeds' resolution rate, a second run refused."""

from datetime import date

import pytest

from mediation import selectors, statistics
from mediation.generation import GenerationError, generate
from mediation.models import Body, Dispute, Mediator

pytestmark = pytest.mark.django_db


def test_generated_disputes_look_like_a_county(world):
    admin = world.users["county_admin"]
    count = generate(world.county, actor=admin, per_year=400, year=date.today().year, seed=3)
    assert count == 400 == Dispute.objects.filter(county=world.county).count()
    assert Body.objects.filter(county=world.county).count() == 2 + 3 + 1  # townships, villages, the centre
    states = set(Dispute.objects.values_list("state", flat=True))
    assert "archived" in states and len(states) >= 5
    assert Mediator.objects.filter(county=world.county).count() > 10
    # every archived case has its mediators and two parties; the figures come out as the seeds report them
    archived = Dispute.objects.filter(state="archived")
    assert not archived.filter(mediators__isnull=True).exists()
    assert all(d.parties.count() == 2 for d in archived[:20])
    table = statistics.table(Dispute.objects.all(), start=date(date.today().year, 1, 1), end=date.today())
    assert table.total.counts["received"] == 400 and 90 <= table.total.rates["resolution"] <= 100
    with pytest.raises(GenerationError):
        generate(world.county, actor=admin, per_year=10, year=date.today().year)
    assert selectors.statistics_scope(world.users["county_official"]).count() == 400
