"""The platform's housekeeping jobs (run by huey: ``manage.py run_huey``). Times are UTC (Beijing is UTC+8)."""

import time

from django.conf import settings
from django.core.management import call_command
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

TELL_CHUNK = 100  # people written (in the app, and their SMS queued) at a time by tell_many


@db_periodic_task(crontab(hour="19", minute="30"))
def clear_sessions():
    """Every night at 03:30 Beijing time: expired sign-in sessions removed."""
    call_command("clearsessions")


@db_periodic_task(crontab(day="1", hour="18", minute="50"))
def load_calendar():
    """On the 1st of each month: this year's and next year's public holidays and make-up working days
    (the working-day calendar the deadlines count by), from the chinese-calendar package."""
    call_command("load_calendar", verbosity=0)


@db_task(retries=2, retry_delay=60)
def tell_many(ids: list[int], *, kind: str, text: str, url: str, key: str, params: dict | None = None) -> int:
    """A message to many people (core.notifications.notify beyond NOTIFY_INLINE_MAX): written a chunk at a time,
    each chunk's SMS queued as it is written, and after each chunk a pause of NOTIFY_PACE times what it took, so the
    pages served meanwhile keep most of the machine. The key keeps a retry from telling anyone twice."""
    from core.notifications import store

    stored = 0
    for start in range(0, len(ids), TELL_CHUNK):
        began = time.monotonic()
        stored += store(ids[start : start + TELL_CHUNK], kind=kind, text=text, url=url, key=key, params=params)
        if settings.NOTIFY_PACE and start + TELL_CHUNK < len(ids):
            time.sleep((time.monotonic() - began) * settings.NOTIFY_PACE)
    return stored
