"""The counties that exist get what a new county gets from village finance (finance.services.county_set_up: the
default categories and approval chain), now that pages and the API no longer install them when read.

It runs the same function as a new county (idempotent: a county that already has categories or a chain keeps
them as they are), on the application's models, so it must stay the last migration that changes the tables the
function writes (finance categories and bands, core audit events) until it has run everywhere. Backwards nothing
is undone: the categories may already have entries.
"""

from django.db import migrations


def set_up_existing_counties(apps, schema_editor):
    from finance.services import county_set_up
    from regions.models import Region, RegionLevel

    for county in Region.objects.filter(level=RegionLevel.COUNTY).order_by("pk"):
        county_set_up(county)


class Migration(migrations.Migration):
    dependencies = [
        ("finance", "0002_append_only"),
        ("core", "0003_notification"),
        ("regions", "0001_initial"),
    ]

    operations = [migrations.RunPython(set_up_existing_counties, migrations.RunPython.noop, elidable=True)]
