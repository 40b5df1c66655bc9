"""A quarter at county scale, in bulk (inspections.generation): every household inspected, deterministic for a
seed, refused a second time; the rounds publish through the service like any other."""

import pytest

from inspections import services
from inspections.generation import GenerationError, generate
from inspections.models import Deduction, Inspection, Round
from registry.models import Household


def test_a_generated_quarter_is_published_by_the_service(world):
    admin = world.users["county_admin"]
    counts = generate(world.county, year=2025, quarter=2, inspector=admin, seed=3)
    assert counts["rounds"] == 3 and counts["inspections"] == Household.objects.count()
    for i in Inspection.objects.prefetch_related("deductions"):
        assert i.score == 100 - sum(d.points for d in i.deductions.all())
    assert Deduction.objects.count() == counts["deductions"]
    with pytest.raises(GenerationError):
        generate(world.county, year=2025, quarter=2, inspector=admin, seed=3)
    rnd = Round.objects.get(village=world.village_a1)
    services.round_publish(actor=world.users["cadre_a1"], round=rnd)
    assert Inspection.objects.filter(round=rnd, board="praise").exists()
