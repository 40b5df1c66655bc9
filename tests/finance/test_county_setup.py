"""A county's default categories and approval chain are installed when the county is created (finance.plug registers
a core.plugins.CountySetup; migration 0003 ran it for the counties that existed), never when a page or the API is
read: the configuration page, the expense form and GET /api/finance/categories write nothing."""

from __future__ import annotations

import importlib

import pytest

from core import plugins
from core.models import AuditEvent
from finance import rules, services
from finance.models import ApprovalBand, Category
from regions.models import Region, RegionLevel
from tests.factories import make_region

pytestmark = pytest.mark.django_db


def rows(county=None) -> tuple[int, int, int]:
    categories = Category.objects.all() if county is None else Category.objects.filter(county=county)
    bands = ApprovalBand.objects.all() if county is None else ApprovalBand.objects.filter(county=county)
    return categories.count(), bands.count(), AuditEvent.objects.count()


def without_defaults(county: Region) -> None:
    """A county as it was before its defaults were installed (as the counties before migration 0003)."""
    ApprovalBand.objects.filter(county=county).delete()
    Category.objects.filter(county=county, parent__isnull=False).delete()
    Category.objects.filter(county=county).delete()


def test_a_new_county_gets_its_defaults():
    county = make_region("新县", "510500", RegionLevel.COUNTY)
    assert Category.objects.filter(county=county).count() == len(rules.DEFAULT_CATEGORIES)
    assert ApprovalBand.objects.filter(region=county).count() == len(rules.DEFAULT_BANDS)
    assert set(AuditEvent.objects.filter(county_id=county.pk).values_list("action", flat=True)) >= {
        "finance.category.install",
        "finance.chain.install",
    }
    # a township or a village gets nothing of its own; setting the county up again changes nothing
    make_region("新镇", "510500001", RegionLevel.TOWNSHIP, county)
    before = rows()
    plugins.set_up_county(county)
    services.county_set_up(county)
    assert rows() == before


def test_reading_the_configuration_and_categories_writes_nothing(fw, login, client, api_token):
    county = fw.w.county
    without_defaults(county)
    token = api_token(fw.users["cadre_a1"])
    before = rows()
    login(fw.users["county_admin"])
    assert client.get("/finance/config/").status_code == 200
    login(fw.users["township_a"])
    assert client.get("/finance/config/", {"region": fw.w.township_a.pk}).status_code == 200
    login(fw.users["cadre_a1"])
    assert client.get("/finance/expenses/new/").status_code == 200
    listed = client.get("/api/finance/categories", {"village_id": fw.village.pk}, **token)
    assert listed.status_code == 200 and listed.json() == []
    assert rows() == before == (0, 0, before[2])


def test_the_migration_sets_up_the_counties_that_exist(fw):
    county = fw.w.county
    without_defaults(county)
    kept = Category.objects.create(county=county, direction="income", code="509", name="自定收入")
    migration = importlib.import_module("finance.migrations.0003_county_defaults")
    migration.set_up_existing_counties(None, None)
    # a county that already has categories keeps them as they are; its chain is installed
    assert list(Category.objects.filter(county=county)) == [kept]
    assert ApprovalBand.objects.filter(region=county).count() == len(rules.DEFAULT_BANDS)
    without_defaults(county)
    migration.set_up_existing_counties(None, None)
    assert Category.objects.filter(county=county).count() == len(rules.DEFAULT_CATEGORIES)
    before = rows()
    migration.set_up_existing_counties(None, None)
    assert rows() == before
