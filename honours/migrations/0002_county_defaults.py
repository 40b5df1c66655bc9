"""The counties that exist get the default honour boards a new county gets (honours.services.county_set_up, the
app's core.plugins.CountySetup). Idempotent: a county with boards keeps them. It runs the application's models, so
it stays the last migration changing the tables the function writes (honour boards, core audit events) until it
has run everywhere. Backwards nothing is undone."""

from django.db import migrations


def set_up_existing_counties(apps, schema_editor):
    from honours.services import county_set_up
    from regions.models import Region, RegionLevel

    for county in Region.objects.filter(level=RegionLevel.COUNTY).order_by("pk"):
        county_set_up(county)


class Migration(migrations.Migration):
    dependencies = [
        ("honours", "0001_initial"),
        ("core", "0003_notification"),
        ("regions", "0001_initial"),
    ]

    operations = [migrations.RunPython(set_up_existing_counties, migrations.RunPython.noop, elidable=True)]
