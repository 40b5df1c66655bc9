"""The platform's housekeeping jobs (run by huey: ``manage.py run_huey``). Times are UTC (Beijing is UTC+8)."""

from django.core.management import call_command
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="19", minute="30"))
def clear_sessions():
    """Every night at 03:30 Beijing time: expired sign-in sessions removed."""
    call_command("clearsessions")


@db_periodic_task(crontab(day="1", hour="18", minute="50"))
def load_calendar():
    """On the 1st of each month: this year's and next year's public holidays and make-up working days
    (the working-day calendar the deadlines count by), from the chinese-calendar package."""
    call_command("load_calendar", verbosity=0)
