"""The scheduled jobs run on their own schedule (read from the job runner with a controlled clock), and each does
its work when it runs."""

from datetime import datetime

from django.utils.module_loading import autodiscover_modules
from huey.contrib.djhuey import HUEY

autodiscover_modules("tasks")  # as the runner (manage.py run_huey) does when it starts


def due_at(moment: datetime) -> set[str]:
    """The names of the periodic jobs the runner starts at ``moment`` (UTC, as the runner keeps time)."""
    return {task.name.split(".")[-1] for task in HUEY.read_periodic(moment)}


def test_each_job_runs_on_its_schedule():
    # every 5 minutes: the deadlines; every 10: the SMS sweeper
    assert due_at(datetime(2026, 12, 7, 3, 5)) == {"run_deadlines"}
    assert due_at(datetime(2026, 12, 7, 3, 10)) == {"run_deadlines", "resend_stale_sms"}
    assert due_at(datetime(2026, 12, 7, 3, 11)) == set()
    # hourly at :07 the points publication (the first run after local midnight publishes the day's)
    assert due_at(datetime(2026, 12, 7, 16, 7)) == {"publish_points"}
    # 19:30 UTC (03:30 Beijing): expired sessions
    assert due_at(datetime(2026, 12, 7, 19, 30)) == {"run_deadlines", "resend_stale_sms", "clear_sessions"}
    # on the 1st at 18:50 UTC: the holiday calendar
    assert "load_calendar" in due_at(datetime(2026, 12, 1, 18, 50))
    assert "load_calendar" not in due_at(datetime(2026, 12, 2, 18, 50))


def test_the_deadline_job_flags_what_the_command_flags(world, monkeypatch):
    from casework import tasks
    from core import workflow

    calls = []
    monkeypatch.setattr(workflow, "run_all_deadlines", lambda **kw: calls.append(kw) or {})
    assert tasks.run_deadlines.call_local() == {}
    assert calls == [{}]


def test_the_publication_job_publishes_the_due_quarters(world, monkeypatch):
    from points import services, tasks

    days = []
    monkeypatch.setattr(services, "publish_due", lambda today: days.append(today) or ["q"])
    assert tasks.publish_points.call_local() == 1 and len(days) == 1
