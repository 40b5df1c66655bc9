"""The scheduled publication (积分公示): run once a day, e.g. from cron or a systemd timer.

Publishes every quarter the party branch has signed off whose publication day has come
(points.services.publish_due) and prints what it published. Safe to run again: a quarter is
published once.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from points import services


class Command(BaseCommand):
    help = "Publish the signed-off quarters whose publication day has come (run daily)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            dest="day",
            metavar="YYYY-MM-DD",
            help="Publish as if today were this date (default: today in the site's time zone).",
        )

    def handle(self, *args, day=None, **options):
        if day:
            try:
                today = date.fromisoformat(day)
            except ValueError:
                raise CommandError(_("Give the date as YYYY-MM-DD.")) from None
        else:
            today = timezone.localdate()
        try:
            published = services.publish_due(today)
        except DomainError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        for publication in published:
            scheme = publication.scheme
            self.stdout.write(
                _("Published %(village)s %(scheme)s Q%(quarter)s %(year)s: %(rows)s ranked (publication %(id)s).")
                % {
                    "village": scheme.village.name,
                    "scheme": scheme.name,
                    "year": publication.year,
                    "quarter": publication.quarter,
                    "rows": len(publication.snapshot.get("rows", [])),
                    "id": publication.pk,
                }
            )
        if not published:
            self.stdout.write(_("Nothing to publish on %(date)s.") % {"date": today.isoformat()})
