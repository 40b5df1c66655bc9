"""The messaging app's jobs (run by huey: ``manage.py run_huey``)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from messaging import channels


@db_task()
def send_sms(ids: list[int]):
    """Send queued SMS (messaging.channels.send_batch)."""
    return channels.send_batch(ids)


@db_periodic_task(crontab(minute="*/10"))
def resend_stale_sms():
    """Every 10 minutes: SMS that should have gone and did not (a stopped runner) are handed to the sender again."""
    return channels.resend_stale()
