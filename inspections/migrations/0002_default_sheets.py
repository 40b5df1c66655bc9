"""The counties that exist get the default scoring sheet of the seven goods (inspections.services.set_up_county,
what a new county gets through core.plugins.CountySetup). Idempotent: a county with a sheet keeps it. It runs the
application's models, so it stays the last migration changing the sheet tables until it has run everywhere."""

from django.db import migrations


def set_up_existing_counties(apps, schema_editor):
    from inspections.services import set_up_county
    from regions.models import Region, RegionLevel

    for county in Region.objects.filter(level=RegionLevel.COUNTY).order_by("pk"):
        set_up_county(county)


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial"), ("regions", "0001_initial")]

    operations = [migrations.RunPython(set_up_existing_counties, migrations.RunPython.noop, elidable=True)]
