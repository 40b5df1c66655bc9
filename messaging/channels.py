"""The SMS channel: which in-app messages also go by SMS, and their sending.

``dispatch`` is called by ``core.notifications.notify`` in the transaction that stores the in-app messages: for
each person told who has a phone number and chose SMS for the message's kind (or did not choose and the kind
goes by SMS by default) it queues one ``OutboundSms`` and, once the transaction commits, hands them to the job
runner (``messaging.tasks.send_sms``), off the request. ``send_batch`` (in the job) sends them: outside the
county's quiet hours (what falls in them is scheduled for their end), within its monthly budget (counted by one
guarded UPDATE, so concurrent senders never pass it; past it the SMS is recorded as not sent and the in-app
message stands), each at most once (a row is taken by a guarded UPDATE; only a failed row is taken again, later,
until ``SMS_MAX_ATTEMPTS``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation

from core import plugins
from messaging.gateways import GatewayError, Sms, gateway
from messaging.models import OutboundSms, SmsMonth, SmsPreference, SmsSettings, SmsStatus

BATCH = 500
SEND_BATCH = 100  # SMS per send job: short jobs, each followed by its pause (messaging.tasks.send_sms)
OPEN = (SmsStatus.QUEUED, SmsStatus.FAILED)


def wants_sms(user_ids: Iterable[int], kind: plugins.MessageKind) -> set[int]:
    """Of ``user_ids``, those whose choice (or the kind's default) is SMS for ``kind``."""
    ids = set(user_ids)
    if kind.urgent:
        return ids
    chosen = dict(SmsPreference.objects.filter(user_id__in=ids, kind=kind.key).values_list("user_id", "sms"))
    return {u for u in ids if chosen.get(u, kind.sms_default)}


def places_of(user_ids: list[int]) -> dict[int, tuple[int, str]]:
    """Each account's county and the name of its place (its village, else its region), from its first role."""
    from accounts.models import RoleAssignment

    places: dict[int, tuple[int, str]] = {}
    rows = (
        RoleAssignment.objects.filter(user_id__in=user_ids)
        .order_by("user_id", "pk")
        .values_list("user_id", "region_id", "region__county_id", "region__name", "region__village__name")
    )
    for user_id, region_id, county_id, name, village in rows:
        places.setdefault(user_id, (county_id or region_id, village or name))
    return places


def render(kind: plugins.MessageKind, params: dict) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return (str(kind.sms) % params)[:300]


def dispatch(user_ids: Iterable[int], *, kind: str, key: str = "", params: dict | None = None) -> int:
    """Queue the SMS of one message for those of ``user_ids`` who get it by SMS; return how many were queued."""
    declared = plugins.message_kind(kind)
    if declared is None:
        return 0
    from accounts.models import User

    ids = sorted(set(user_ids))
    queued: list[int] = []
    off = set(SmsSettings.objects.filter(enabled=False).values_list("county_id", flat=True))
    for start in range(0, len(ids), BATCH):
        chunk = wants_sms(ids[start : start + BATCH], declared)
        if not chunk:
            continue
        phones = dict(
            User.objects.filter(pk__in=chunk, is_active=True).exclude(phone_masked="").values_list("pk", "phone_masked")
        )
        places = places_of(list(phones))
        rows = []
        for user_id, masked in phones.items():
            if user_id not in places or places[user_id][0] in off:
                continue  # no place: no county to pay for it; a county with SMS turned off sends none
            county_id, place = places[user_id]
            values = {"place": place, **(params or {})}
            rows.append(
                OutboundSms(
                    user_id=user_id,
                    county_id=county_id,
                    kind=kind,
                    key=key[:120],
                    params={name: values.get(name, "") for name in declared.params},
                    text=render(declared, values),
                    phone_masked=masked,
                )
            )
        if key:  # the same message already queued for someone (a reminder run twice) is not queued again
            done = set(
                OutboundSms.objects.filter(user_id__in=[r.user_id for r in rows], kind=kind, key=key[:120]).values_list(
                    "user_id", flat=True
                )
            )
            rows = [r for r in rows if r.user_id not in done]
        created = OutboundSms.objects.bulk_create(rows, ignore_conflicts=bool(key))
        if created and created[0].pk is None:  # a backend that does not return ids for ignore_conflicts
            created = OutboundSms.objects.filter(user_id__in=[r.user_id for r in rows], kind=kind, key=key[:120])
        queued += [r.pk for r in created]
    if queued:
        transaction.on_commit(lambda: enqueue(queued))
    return len(queued)


def send_urgent(phone: str, *, kind: str, county_id: int | None, params: dict, user=None) -> OutboundSms:
    """Queue an urgent SMS (a sign-in code) to ``phone``, which may have no account yet: sent at once, whatever the
    hour and anyone's choices, within the county's budget. Its log text shows the secret masked."""
    from core import crypto
    from core.masking import mask_phone

    declared = plugins.message_kind(kind)
    sms = OutboundSms.objects.create(
        user=user,
        phone_cipher="" if user is not None else crypto.encrypt(phone),
        county_id=county_id,
        kind=kind,
        params=params,
        text=render(declared, {**params, "code": "••••••"}),
        phone_masked=mask_phone(phone),
    )
    transaction.on_commit(lambda: enqueue([sms.pk]))
    return sms


def enqueue(ids: list[int], *, eta: datetime | None = None, delay: int | None = None) -> None:
    from messaging.tasks import send_sms

    for start in range(0, len(ids), SEND_BATCH):
        batch = ids[start : start + SEND_BATCH]
        if eta is None and delay is None:
            send_sms(batch)
        else:
            send_sms.schedule((batch,), eta=eta, delay=delay)


def county_settings(county_id: int | None) -> SmsSettings:
    found = SmsSettings.objects.filter(county_id=county_id).first() if county_id else None
    return found or SmsSettings(county_id=county_id)


def quiet_until(rules: SmsSettings, now: datetime) -> datetime | None:
    """When the county's quiet hours end, if ``now`` falls in them (local time), else None."""
    local = timezone.localtime(now)
    start, end, t = rules.quiet_from, rules.quiet_until, local.time()
    if start == end:
        return None
    quiet = start <= t < end if start < end else (t >= start or t < end)
    if not quiet:
        return None
    until = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    return until if until > local else until + timedelta(days=1)


def charge(county_id: int, month, budget: int, wanted: int = 1) -> int:
    """Count up to ``wanted`` SMS against the county's month, as far as the budget allows; return how many were
    counted. The month's row is locked while it is raised, so concurrent senders never pass the budget."""
    if not SmsMonth.objects.filter(county_id=county_id, month=month).exists():
        try:
            with transaction.atomic():
                SmsMonth.objects.create(county_id=county_id, month=month)
        except IntegrityError:  # created meanwhile by another sender
            pass
    with transaction.atomic():
        row = SmsMonth.objects.select_for_update().get(county_id=county_id, month=month)
        taken = max(0, min(wanted, budget - row.used))
        if taken:
            SmsMonth.objects.filter(pk=row.pk).update(used=F("used") + taken)
    return taken


def _take(ids: list[int]) -> list[OutboundSms]:
    """Take the open rows of ``ids`` for sending, in one transaction: a second sender (a job run twice, the
    sweeper) finds them taken. Each try counts."""
    with transaction.atomic():
        rows = list(
            OutboundSms.objects.select_for_update(skip_locked=True).filter(pk__in=ids, status__in=OPEN).order_by("pk")
        )
        OutboundSms.objects.filter(pk__in=[r.pk for r in rows]).update(
            status=SmsStatus.SENDING, attempts=F("attempts") + 1
        )
    for row in rows:
        row.attempts += 1
    return rows


def send_batch(ids: list[int], *, now: datetime | None = None) -> dict[str, int]:
    """Send the queued SMS of ``ids`` (the job). Returns how many ended in each status (for the log and tests).

    The rows are taken, counted against the budget and written back a batch at a time (a few statements for the
    batch, not for each SMS); only the gateway is called once per SMS."""
    from accounts.models import User
    from core import crypto

    now = now or timezone.now()
    month = timezone.localdate(now).replace(day=1)
    counts: dict[str, int] = defaultdict(int)
    later: dict[datetime, list[int]] = defaultdict(list)
    rules: dict[int | None, SmsSettings] = {}
    sendable: list[int] = []
    for pk, county_id, kind_key in (
        OutboundSms.objects.filter(pk__in=ids, status__in=OPEN).order_by("pk").values_list("pk", "county_id", "kind")
    ):
        county = rules.setdefault(county_id, county_settings(county_id))
        kind = plugins.message_kind(kind_key)
        if not county.enabled:
            counts[SmsStatus.DISABLED] += OutboundSms.objects.filter(pk=pk, status__in=OPEN).update(
                status=SmsStatus.DISABLED
            )
            continue
        end = None if kind is not None and kind.urgent else quiet_until(county, now)
        if end is not None:
            later[end].append(pk)
            counts["deferred"] += 1
        else:
            sendable.append(pk)
    rows = _take(sendable)
    # the budget, per county, for the rows not yet counted (a retry was counted on its first try)
    over: set[int] = set()
    uncharged: dict[int, list[OutboundSms]] = defaultdict(list)
    for row in rows:
        if not row.charged and row.county_id:  # a code to an account with no place is on no county's budget
            uncharged[row.county_id].append(row)
    for county_id, waiting in uncharged.items():
        taken = charge(county_id, month, rules[county_id].monthly_budget, len(waiting))
        for row in waiting[taken:]:
            over.add(row.pk)
        OutboundSms.objects.filter(pk__in=[r.pk for r in waiting[:taken]]).update(charged=True)
    if over:
        OutboundSms.objects.filter(pk__in=over).update(status=SmsStatus.OVER_BUDGET)
        counts[SmsStatus.OVER_BUDGET] += len(over)
    phones = dict(User.objects.filter(pk__in={r.user_id for r in rows if r.user_id}).values_list("pk", "phone_cipher"))
    done: list[OutboundSms] = []
    retry: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        if row.pk in over:
            continue
        kind = plugins.message_kind(row.kind)
        urgent = kind is not None and kind.urgent
        cipher = row.phone_cipher or phones.get(row.user_id, "")
        phone = crypto.decrypt(cipher) if cipher else ""
        text = render(kind, row.params) if urgent else row.text
        try:
            if not phone:
                raise GatewayError("the account has no phone number any more")
            receipt = gateway().send(Sms(phone=phone, kind=row.kind, text=text, params=row.params))
        except GatewayError as exc:
            row.status = SmsStatus.FAILED if row.attempts < settings.SMS_MAX_ATTEMPTS else SmsStatus.GAVE_UP
            row.error = str(exc)[:300]
            if row.status == SmsStatus.FAILED:
                row.due_at = now + timedelta(seconds=settings.SMS_RETRY_SECONDS * 2 ** (row.attempts - 1))
                retry[settings.SMS_RETRY_SECONDS * 2 ** (row.attempts - 1)].append(row.pk)
        else:
            row.status, row.gateway_ref, row.sent_at, row.error = SmsStatus.SENT, str(receipt)[:100], timezone.now(), ""
            if urgent:
                row.params = {}  # a code is not kept once sent
        counts[row.status] += 1
        done.append(row)
    OutboundSms.objects.bulk_update(
        done, ["status", "error", "gateway_ref", "sent_at", "params", "due_at"], batch_size=BATCH
    )
    for end, pks in later.items():
        OutboundSms.objects.filter(pk__in=pks).update(due_at=end)
        enqueue(pks, eta=end)
    for delay, pks in retry.items():
        enqueue(pks, delay=delay)
    return dict(counts)


def resend_stale(*, now: datetime | None = None, older_than: timedelta = timedelta(minutes=15)) -> int:
    """Hand again to the sender what waits longer than it should (a job lost with a stopped runner): queued or
    failed SMS due more than ``older_than`` ago. Taking a row is guarded, so one handed twice is still sent once."""
    now = now or timezone.now()
    ids = list(
        OutboundSms.objects.filter(status__in=OPEN, due_at__lt=now - older_than)
        .order_by("pk")
        .values_list("pk", flat=True)[:20000]
    )
    if ids:
        enqueue(ids)
    return len(ids)
