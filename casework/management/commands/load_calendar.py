"""Load the national holiday schedule (法定节假日 and 调休) from chinese-calendar into the working-day calendar.

    python manage.py load_calendar            # this year and next year
    python manage.py load_calendar 2026 2027  # the years named

Safe to run again (and after upgrading chinese-calendar): rows are added, corrected or removed to match the
package; what county administrators entered is left alone. A year the package does not know yet is reported
on stderr: the county administrator enters it on the calendar page (/casework/calendar/) once the State
Council publishes it. The command fails only when none of the years named on the command line could be loaded
(without years it only warns, so set-up scripts keep working in a year the package does not know yet).
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.calendar import CalendarDataMissing, load_year


class Command(BaseCommand):
    help = "Load the national holidays and make-up working days of the given years (default: this and next year)."

    def add_arguments(self, parser):
        parser.add_argument("years", nargs="*", type=int, metavar="YEAR")

    def handle(self, *args, years=None, **options):
        explicit = bool(years)
        if not explicit:
            this_year = timezone.localdate().year
            years = [this_year, this_year + 1]
        loaded, missing = 0, []
        for year in years:
            if not 1900 <= year <= 2100:
                raise CommandError(_("Give years as four digits, e.g. 2026."))
            try:
                result = load_year(year)
            except CalendarDataMissing as exc:
                missing.append(year)
                self.stderr.write(self.style.WARNING(str(exc)))
                continue
            loaded += 1
            self.stdout.write(
                _(
                    "%(year)s: %(holidays)s weekday holidays and %(makeup)s make-up working days "
                    "(%(created)s added, %(updated)s corrected, %(removed)s removed, %(unchanged)s unchanged)."
                )
                % {
                    "year": year,
                    "holidays": result.holidays,
                    "makeup": result.makeup_days,
                    "created": result.created,
                    "updated": result.updated,
                    "removed": result.removed,
                    "unchanged": result.unchanged,
                }
            )
        if not loaded and explicit:
            raise CommandError(
                _("No calendar loaded: no official schedule for %(years)s.")
                % {"years": ", ".join(str(y) for y in missing)}
            )
