"""其他/不清楚 and 即报即办 (issue 17 #15).

``GridMatter.unsorted``: the county's one matter a reporter chooses when they do not know the kind; the case goes
to its village, which sets the real kind (the ``classify`` step of incidents.flows). Every county gets it when it
is created (incidents.plug, core.plugins.CountySetup); this migration installs it for the counties that exist,
through the same service (idempotent, audited), so it must stay the last migration that changes the tables that
service writes (incidents matters, core audit events) until it has run everywhere. Backwards nothing is undone.

``Incident.on_the_spot``: a case the reporting grid worker settled on the spot (the ``settle`` step), closed at
once in the village.
"""

from django.conf import settings
from django.db import migrations, models


def install_unsorted_matters(apps, schema_editor):
    from incidents.services import matter_install_unsorted
    from regions.models import Region, RegionLevel

    for county in Region.objects.filter(level=RegionLevel.COUNTY).order_by("pk"):
        matter_install_unsorted(county=county)


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0001_initial"),
        ("regions", "0001_initial"),
        ("core", "0003_notification"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="gridmatter",
            name="unsorted",
            field=models.BooleanField(default=False, editable=False, verbose_name="sorted by the village (其他/不清楚)"),
        ),
        migrations.AddField(
            model_name="incident",
            name="on_the_spot",
            field=models.BooleanField(default=False, verbose_name="settled on the spot"),
        ),
        migrations.AddConstraint(
            model_name="gridmatter",
            constraint=models.UniqueConstraint(
                condition=models.Q(("unsorted", True)), fields=("county",), name="one_unsorted_matter"
            ),
        ),
        migrations.RunPython(install_unsorted_matters, migrations.RunPython.noop, elidable=True),
    ]
