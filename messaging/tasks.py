"""The messaging app's jobs (run by huey: ``manage.py run_huey``)."""

import time

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from messaging import channels


@db_task()
def send_sms(ids: list[int]):
    """Send queued SMS (messaging.channels.send_batch). After a batch (not a single sign-in code) the worker pauses
    NOTIFY_PACE times what the batch took, as core.tasks.tell_many does, so the pages keep the machine."""
    began = time.monotonic()
    result = channels.send_batch(ids)
    if settings.NOTIFY_PACE and len(ids) > 1:
        time.sleep(min((time.monotonic() - began) * settings.NOTIFY_PACE, 30))
    return result


@db_periodic_task(crontab(minute="*/10"))
def resend_stale_sms():
    """Every 10 minutes: SMS that should have gone and did not (a stopped runner) are handed to the sender again."""
    return channels.resend_stale()
