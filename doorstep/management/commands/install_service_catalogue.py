"""Install the default service catalogue in a county: ``install_service_catalogue --county 510422 [--from
2026-01-01]`` (doorstep.defaults): the 4 village certificates, about 40 items of the village service rooms, the
township centres and the county, and the "一件事一次办" bundles. What the county has already (by code) is left as it
is, so it may run again; the audit trail records the installation by the system."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from doorstep import defaults
from regions.models import Region, RegionLevel


class Command(BaseCommand):
    help = "Install the default service catalogue (items, bundles, village certificates) in a county."

    def add_arguments(self, parser):
        parser.add_argument("--county", required=True, help="The county's code, e.g. 510422.")
        parser.add_argument(
            "--from", dest="start", default="", help="The day the items are admitted (YYYY-MM-DD); default today."
        )

    def handle(self, *args, county, start, **options):
        region = Region.objects.filter(code=county, level=RegionLevel.COUNTY).first()
        if region is None:
            raise CommandError(f"No county with the code {county}.")
        try:
            day = date.fromisoformat(start) if start else None
        except ValueError:
            raise CommandError("--from is a date as YYYY-MM-DD.") from None
        added = defaults.install(region, today=day)
        self.stdout.write(
            f"{region.name}: {added['items']} items, {added['bundles']} bundles, "
            f"{added['certificate_kinds']} certificate kinds added."
        )
