"""The default consequences for the counties that exist: new counties get them when they are created
(points.plug registers the CountySetup), and the policy pages no longer install them when opened."""

from django.db import migrations


def install(apps, schema_editor):
    from points.consequences import install_defaults

    Region = apps.get_model("regions", "Region")
    ConsequenceType = apps.get_model("points", "ConsequenceType")
    for county_id in Region.objects.filter(level="county").values_list("pk", flat=True):
        install_defaults(ConsequenceType, county_id)


class Migration(migrations.Migration):
    dependencies = [
        ("points", "0009_open_existing_appeals"),
        ("regions", "0001_initial"),
    ]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
