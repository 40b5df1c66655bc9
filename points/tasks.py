"""The points app's scheduled job (run by huey; ``manage.py publish_points`` does the same once, for cron)."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from points import services


@db_periodic_task(crontab(minute="7"))
@lock_task("publish-points")
def publish_points():
    """Every hour (so the first run after midnight, local time, publishes the day's): each signed-off quarter
    whose publication day has come is published, once (points.services.publish_due)."""
    return len(services.publish_due(timezone.localdate()))
