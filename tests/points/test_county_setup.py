"""The county's default consequences are installed when the county is created (core.plugins.CountySetup), and
the policy pages only read: opening them writes nothing."""

from core import plugins
from core.models import AuditEvent
from points.consequences import DEFAULTS
from points.models import ConsequenceType, ListRule
from regions.models import RegionLevel
from tests.factories import make_region


def _counts():
    return ConsequenceType.objects.count(), ListRule.objects.count(), AuditEvent.objects.count()


def test_a_new_county_gets_the_defaults_once(world):
    county = make_region("新县", "510488", RegionLevel.COUNTY)
    assert ConsequenceType.objects.filter(county=county).count() == len(DEFAULTS)
    assert AuditEvent.objects.filter(action="points.consequence.defaults", target_label="新县").count() == 1
    before = _counts()
    plugins.set_up_county(county)  # idempotent: a data migration may run it again
    assert _counts() == before
    township = make_region("新镇", "510488001", RegionLevel.TOWNSHIP, county)
    assert not ConsequenceType.objects.filter(county=township).exists()


def test_opening_the_policy_pages_writes_nothing(client, login, world, scheme):
    ConsequenceType.objects.filter(county=world.county).delete()  # a county without its defaults
    before = _counts()
    login(world.users["county_admin"])
    response = client.get(f"/points/policy/?county={world.county.pk}")
    assert response.status_code == 200
    assert _counts() == before == (0, 0, before[2])
    login(world.users["cadre_a1"])
    assert client.get(f"/points/schemes/{scheme.pk}/lists/").status_code == 200
    assert _counts() == before


def test_the_data_migration_installs_the_defaults_for_existing_counties(world):
    from importlib import import_module

    from django.apps import apps

    ConsequenceType.objects.filter(county=world.county).delete()
    migration = import_module("points.migrations.0010_default_consequences")
    migration.install(apps, None)
    assert ConsequenceType.objects.filter(county=world.county).count() == len(DEFAULTS)
    migration.install(apps, None)
    assert ConsequenceType.objects.filter(county=world.county).count() == len(DEFAULTS)
