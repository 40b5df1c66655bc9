"""The SMS channel: who gets an SMS, quiet hours, the county's budget, retries, never twice, no private detail."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from core import notifications
from core.models import Notification
from messaging import channels
from messaging.models import OutboundSms, SmsMonth, SmsPreference, SmsSettings, SmsStatus

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOON = datetime(2036, 12, 7, 12, 0, tzinfo=SHANGHAI)  # ahead of the real clock: huey keeps a job due later


@pytest.fixture
def phones(world):
    numbers = {"villager_a1": "13800000011", "cadre_a1": "13800000012", "grid_a1": "13800000013"}
    for name, phone in numbers.items():
        user = world.users[name]
        user.set_phone(phone)
        user.save()
    return numbers


def tell(users, kind="points.appeal_decided", key="k1", text="您家的积分复议已有结论：王建国 +5 分"):
    return notifications.notify(users, kind=kind, text=text, url="/points/me/", key=key)


@pytest.fixture
def noon(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOON)
    HUEY.storage.flush_all()
    return NOON


def test_a_message_of_an_sms_kind_is_sent_once_by_sms_with_no_private_detail(
    world, phones, gateway, noon, django_capture_on_commit_callbacks
):
    villager = world.users["villager_a1"]
    with django_capture_on_commit_callbacks(execute=True):
        tell([villager])
    assert Notification.objects.filter(user=villager).count() == 1
    sms = OutboundSms.objects.get(user=villager)
    assert sms.status == SmsStatus.SENT and sms.attempts == 1 and sms.gateway_ref == "r1"
    assert sms.phone_masked == "138****0011" and sms.county_id == world.county.pk
    [got] = gateway.received
    assert got["phone"] == "13800000011" and got["kind"] == "points.appeal_decided"
    assert got["params"] == {"place": "安家村"}
    # the in-app text names a person and a figure; the SMS names neither
    assert "王建国" not in got["text"] and "5" not in got["text"] and "安家村" in got["text"]
    # the same reminder told again (a job run twice) is neither stored nor sent again
    with django_capture_on_commit_callbacks(execute=True):
        assert tell([villager]) == 0
    assert len(gateway.received) == 1 and OutboundSms.objects.count() == 1


def test_a_kind_turned_off_or_no_phone_or_an_in_app_kind_sends_no_sms(
    world, phones, gateway, noon, django_capture_on_commit_callbacks
):
    villager, cadre = world.users["villager_a1"], world.users["cadre_a1"]
    SmsPreference.objects.create(user=villager, kind="points.appeal_decided", sms=False)
    no_phone = world.users["reviewer_a1"]
    with django_capture_on_commit_callbacks(execute=True):
        tell([villager, no_phone])
        tell([cadre], kind="overdue", key="k2")  # not a message kind: in the app only
        # off by default (a notice on the board) unless the person chose it
        tell([villager], kind="transparency.notice_published", key="k3")
    assert Notification.objects.count() == 4
    assert not OutboundSms.objects.exists() and gateway.received == []
    SmsPreference.objects.create(user=villager, kind="transparency.notice_published", sms=True)
    with django_capture_on_commit_callbacks(execute=True):
        tell([villager], kind="transparency.notice_published", key="k4")
    assert [r["kind"] for r in gateway.received] == ["transparency.notice_published"]


def test_quiet_hours_hold_the_sms_until_they_end(
    world, phones, gateway, monkeypatch, django_capture_on_commit_callbacks
):
    night = datetime(2036, 12, 7, 23, 30, tzinfo=SHANGHAI)
    monkeypatch.setattr(timezone, "now", lambda: night)
    HUEY.storage.flush_all()
    with django_capture_on_commit_callbacks(execute=True):
        tell([world.users["villager_a1"]])
    sms = OutboundSms.objects.get()
    assert sms.status == SmsStatus.QUEUED and gateway.received == []
    assert timezone.localtime(sms.due_at, SHANGHAI) == datetime(2036, 12, 8, 8, 0, tzinfo=SHANGHAI)
    [waiting] = HUEY.scheduled()
    assert waiting.name.endswith("send_sms") and waiting.args == ([sms.pk],)
    # at 08:00 the scheduled job runs and sends it
    morning = datetime(2036, 12, 8, 8, 0, tzinfo=SHANGHAI)
    assert channels.send_batch([sms.pk], now=morning) == {SmsStatus.SENT: 1}
    assert len(gateway.received) == 1


def test_quiet_hours_of_the_county_and_a_county_that_turned_sms_off(world):
    rules = SmsSettings(county=world.county, quiet_from=time(22), quiet_until=time(7))
    assert channels.quiet_until(rules, datetime(2026, 1, 1, 21, 59, tzinfo=SHANGHAI)) is None
    assert channels.quiet_until(rules, datetime(2026, 1, 1, 22, 0, tzinfo=SHANGHAI)) == datetime(
        2026, 1, 2, 7, 0, tzinfo=SHANGHAI
    )
    assert channels.quiet_until(rules, datetime(2026, 1, 2, 6, 59, tzinfo=SHANGHAI)) == datetime(
        2026, 1, 2, 7, 0, tzinfo=SHANGHAI
    )
    assert channels.quiet_until(rules, datetime(2026, 1, 2, 7, 0, tzinfo=SHANGHAI)) is None
    day = SmsSettings(county=world.county, quiet_from=time(12), quiet_until=time(14))
    assert channels.quiet_until(day, datetime(2026, 1, 2, 13, 0, tzinfo=SHANGHAI)) is not None
    assert channels.quiet_until(day, datetime(2026, 1, 2, 14, 0, tzinfo=SHANGHAI)) is None


def test_a_county_with_sms_off_queues_none(world, phones, gateway, noon, django_capture_on_commit_callbacks):
    SmsSettings.objects.create(county=world.county, enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        tell([world.users["villager_a1"]])
    assert Notification.objects.count() == 1 and not OutboundSms.objects.exists()


def test_the_monthly_budget_is_never_exceeded_and_the_app_still_tells(
    world, phones, gateway, noon, django_capture_on_commit_callbacks
):
    SmsSettings.objects.create(county=world.county, monthly_budget=2)
    users = [world.users[n] for n in ("villager_a1", "cadre_a1", "grid_a1")]
    with django_capture_on_commit_callbacks(execute=True):
        tell(users, kind="meetings.notice")
    assert Notification.objects.count() == 3
    statuses = sorted(OutboundSms.objects.values_list("status", flat=True))
    assert statuses == [SmsStatus.OVER_BUDGET, SmsStatus.SENT, SmsStatus.SENT]
    assert len(gateway.received) == 2
    assert SmsMonth.objects.get(county=world.county).used == 2
    # next month the count starts again
    assert channels.charge(world.county.pk, NOON.date().replace(month=1, day=1), 2)


def test_a_failed_gateway_call_is_retried_later_and_never_sent_twice(
    world, phones, gateway, noon, django_capture_on_commit_callbacks, settings
):
    settings.SMS_MAX_ATTEMPTS = 3
    gateway.fail_next = 1
    with django_capture_on_commit_callbacks(execute=True):
        tell([world.users["villager_a1"]])
    sms = OutboundSms.objects.get()
    assert sms.status == SmsStatus.FAILED and sms.attempts == 1 and "503" in sms.error
    assert gateway.received == []
    [retry] = HUEY.scheduled()
    assert retry.args == ([sms.pk],)
    # the retry sends it; a second copy of the job (or the sweeper) finds nothing left to send
    assert channels.send_batch([sms.pk]) == {SmsStatus.SENT: 1}
    assert channels.send_batch([sms.pk]) == {}
    channels.resend_stale(now=NOON.replace(hour=23))
    assert len(gateway.received) == 1
    sms.refresh_from_db()
    assert sms.status == SmsStatus.SENT and sms.attempts == 2 and sms.charged
    assert SmsMonth.objects.get().used == 1  # charged once, though tried twice


def test_a_gateway_that_keeps_failing_is_given_up_after_the_attempts(
    world, phones, gateway, noon, django_capture_on_commit_callbacks, settings
):
    settings.SMS_MAX_ATTEMPTS = 2
    gateway.fail_next = 5
    with django_capture_on_commit_callbacks(execute=True):
        tell([world.users["villager_a1"]])
    sms = OutboundSms.objects.get()
    channels.send_batch([sms.pk])
    sms.refresh_from_db()
    assert sms.status == SmsStatus.GAVE_UP and sms.attempts == 2 and gateway.received == []
    assert channels.resend_stale(now=NOON.replace(hour=23)) == 0


def test_the_sweeper_hands_again_what_a_stopped_runner_left(world, phones, gateway, noon):
    villager = world.users["villager_a1"]
    sms = OutboundSms.objects.create(
        user=villager,
        county=world.county,
        kind="meetings.notice",
        text="x",
        phone_masked="138****0011",
        created_at=NOON,
        due_at=NOON,
    )  # queued, and its job lost
    assert channels.resend_stale(now=NOON) == 0  # not late yet
    assert channels.resend_stale(now=NOON.replace(hour=13)) == 1
    sms.refresh_from_db()
    assert sms.status == SmsStatus.SENT and len(gateway.received) == 1


def test_a_message_to_many_is_written_by_the_jobs_process_a_chunk_at_a_time_and_once(
    world, phones, gateway, noon, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from core import tasks

    settings.NOTIFY_INLINE_MAX, settings.NOTIFY_PACE = 2, 0.5
    monkeypatch.setattr(tasks, "TELL_CHUNK", 2)
    pauses = []
    monkeypatch.setattr(tasks.time, "sleep", pauses.append)
    users = [world.users[name] for name in ("villager_a1", "cadre_a1", "grid_a1", "reviewer_a1", "county_admin")]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert tell(users) == 5  # to be told: nothing is written in the sender's transaction
    assert not Notification.objects.exists() and not OutboundSms.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()  # the commit: the job (run at once by the tests' queue) writes them, 2 at a time
    assert sorted(Notification.objects.values_list("user__username", flat=True)) == sorted(u.username for u in users)
    assert sorted(r["phone"] for r in gateway.received) == sorted(phones.values())  # each SMS as the chunk is written
    # pauses: after the 1st and 2nd chunks written (not the last), and after the batch of 2 SMS of the 1st chunk
    # (a batch of one, as the 2nd chunk's or a sign-in code, is not followed by a pause)
    assert len(pauses) == 3 and all(p >= 0 for p in pauses)
    # the job run again (a retry after a stopped runner) tells nobody twice
    key = Notification.objects.values_list("key", flat=True).first()
    ids = [u.pk for u in users]
    assert tasks.tell_many.call_local(ids, kind="points.appeal_decided", text="x", url="", key=key) == 0
    assert Notification.objects.count() == 5 and len(gateway.received) == 3


def test_a_message_to_a_few_is_written_in_the_senders_transaction(world, settings):
    settings.NOTIFY_INLINE_MAX = 2
    assert tell([world.users["villager_a1"], world.users["cadre_a1"]]) == 2
    assert Notification.objects.count() == 2
