"""The demo meetings (meetings/demo.py): written through the services, once; the demo villager can sign in and vote."""

from __future__ import annotations

import pytest

from core.roles import Role
from meetings import demo, selectors, services
from meetings.models import Body, Delegation, Meeting, MeetingKind, Outcome, RosterMember
from regions.models import Region, RegionLevel
from registry.generation import CountyGenerator
from registry.models import Household
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_the_demo_meetings(django_db_blocker):
    result = CountyGenerator(seed=7, county_name="演示县", county_code="510499").build(
        townships=1, villages_per_township=1, households=60
    )
    village = Region.objects.filter(level=RegionLevel.VILLAGE, county=result.county).first()
    cadre = make_user("cadre", Role.VILLAGE_CADRE, village)
    household = Household.objects.filter(village=village).order_by("number").first()
    villager = make_user("villager", Role.VILLAGER, village, household=household)
    line = demo.seed(result.county)
    assert "Meetings" in line
    assert demo.seed(result.county) == ""  # idempotent
    assert Meeting.objects.filter(village=village).count() == 4
    assert RosterMember.objects.filter(body=Body.PARTY_MASSES).count() == 24
    held = Meeting.objects.get(kind=MeetingKind.REPRESENTATIVES)
    assert held.state == "closed" and held.minutes
    assert set(held.motions.values_list("outcome", flat=True)) == {Outcome.ADOPTED}
    assert held.motions.get(reserved_matter="public_works").delegation == Delegation.objects.get()
    current = Meeting.objects.get(kind=MeetingKind.VILLAGERS_ASSEMBLY, state="open")
    assert [m.pk for m in selectors.my_meetings(villager)] == [current.pk]
    assert services.attendance_sign_in_own(actor=villager, meeting=current) >= 1
    motion = current.motions.get(reserved_matter="village_rules")
    entry = services.entries_for_voter(villager, current).first()
    services.vote_cast_own(actor=villager, motion=motion, entry=entry, choice="for")
    services.motion_close(actor=cadre, motion=motion)
    motion.refresh_from_db()
    assert motion.outcome == Outcome.REJECTED  # only the villager's household voted for: not a majority present
