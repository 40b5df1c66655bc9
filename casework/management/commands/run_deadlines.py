"""Apply the deadlines of every declared procedure (run every few minutes, e.g. from cron or a systemd timer).

For each flow that names its model, cases past their deadline are flagged overdue once or escalated by the
system, as the state declares (core.workflow.run_deadlines). Safe to run again.
"""

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from core import workflow


class Command(BaseCommand):
    help = "Flag or escalate cases whose deadline has passed (every declared procedure)."

    def add_arguments(self, parser):
        parser.add_argument("--now", metavar="YYYY-MM-DDTHH:MM", help="Run as if it were this moment.")

    def handle(self, *args, now=None, **options):
        moment = None
        if now:
            try:
                moment = datetime.fromisoformat(now)
            except ValueError:
                raise CommandError(_("Give the moment as YYYY-MM-DDTHH:MM.")) from None
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
        for name, run in workflow.run_all_deadlines(now=moment).items():
            self.stdout.write(
                _("%(flow)s: %(flagged)s flagged overdue, %(escalated)s escalated, %(refused)s refused.")
                % {
                    "flow": name,
                    "flagged": len(run.flagged),
                    "escalated": len(run.escalated),
                    "refused": len(run.refused),
                }
            )
            for pk, reason in run.refused.items():
                self.stderr.write(f"  #{pk}: {reason}")
