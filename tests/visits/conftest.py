"""入户走访's test world: the county visits 留守老人 every month and people under 社区矫正 every week (rules in force
since 2020); 李秀英 (household a1b, grid A1-02) and 陈志强 (b1, township B) are 留守老人, 刘桂兰 (a1, grid A1-01)
is under 社区矫正."""

from datetime import date

import pytest

from visits import services
from visits.models import Visit


@pytest.fixture
def rules(world):
    admin = world.users["county_admin"]
    world.people["a1b_head"].tags.add(world.tags["left_behind_elder"])
    world.people["b1_head"].tags.add(world.tags["left_behind_elder"])
    return [
        services.frequency_set(
            actor=admin, county=world.county, tag=world.tags["left_behind_elder"], period="month", since="2020-01-01"
        ),
        services.frequency_set(
            actor=admin, county=world.county, tag=world.tags["community_correction"], period="week", since="2020-01-01"
        ),
    ]


@pytest.fixture
def visited(world):
    """A visit row as it was on a past day (the service refuses dates more than 60 days back: this sets up a
    history for the selectors)."""

    def _visited(household, day: date, by="grid_a1"):
        v = Visit(household=household, visited_on=day, found="一切正常", by=world.users[by])
        v.place_in(household.village)
        v.save()
        return v

    return _visited
