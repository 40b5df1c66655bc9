"""The procedures' scheduled job (run by huey: ``manage.py run_huey``; ``manage.py run_deadlines`` does the same
once, for cron)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from core import workflow


@db_periodic_task(crontab(minute="*/5"))
@lock_task("run-deadlines")  # a run still going when the next is due: the next one is skipped, not doubled
def run_deadlines():
    """Every 5 minutes: cases past their deadline flagged or escalated, reminders of what is due within a day,
    notices whose posting window ended closed (core.workflow.run_all_deadlines)."""
    return {name: len(run.flagged) + len(run.escalated) for name, run in workflow.run_all_deadlines().items()}
