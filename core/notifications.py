"""In-app notifications (站内提醒): written by services and scheduled jobs, read by their recipient only."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core import plugins
from core.models import Notification


def notify(users: Iterable, *, kind: str, text: str, url: str = "", key: str = "", params: dict | None = None) -> int:
    """Send ``text`` to each user once, in the app; with a ``kind`` declared as a message kind
    (core.plugins.MessageKind), those who get that kind by SMS are also sent an SMS (the messaging app queues it in
    this transaction and sends it off the request; ``params`` fill the SMS template's slots beside the person's
    place). With ``key``, a user who already has that notification gets no second one (a reminder run twice does
    not remind twice). Returns how many were stored, or are to be: beyond ``NOTIFY_INLINE_MAX`` people (a notice to
    a whole township) the writing is handed to the jobs process when the transaction commits (``core.tasks.
    tell_many``), so a publishing request does not wait for it."""
    ids = list(dict.fromkeys(getattr(u, "pk", u) for u in users))
    ids = [i for i in ids if i is not None]
    if len(ids) > settings.NOTIFY_INLINE_MAX:
        from core.tasks import tell_many

        # a key makes the job safe to run twice (a retry after a stopped runner stores nobody twice)
        key = key or f"many:{uuid.uuid4().hex}"
        text, params = str(text), {k: str(v) for k, v in (params or {}).items()} or None
        transaction.on_commit(lambda: tell_many(ids, kind=kind, text=text, url=url, key=key, params=params))
        return len(ids)
    return store(ids, kind=kind, text=text, url=url, key=key, params=params)


def store(ids: list[int], *, kind: str, text: str, url: str = "", key: str = "", params: dict | None = None) -> int:
    """Write the notifications of ``ids`` (account ids, each once) and hand them to the channels (``notify``)."""
    key = key[:120]
    stored: list[int] = []
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        if key:
            had = set(Notification.objects.filter(user_id__in=chunk, key=key).values_list("user_id", flat=True))
            chunk = [i for i in chunk if i not in had]
        rows = [Notification(user_id=i, kind=kind, text=str(text)[:300], url=url, key=key) for i in chunk]
        # the same reminder written at the same moment by another run is skipped by the unique (user, key)
        with transaction.atomic():
            Notification.objects.bulk_create(rows, ignore_conflicts=bool(key))
        stored += chunk
    if stored and plugins.message_kind(kind) is not None:
        for send in plugins.channels():  # beyond the app: the messaging app's SMS
            send(stored, kind=kind, key=key, params=params)
    return len(stored)


def inbox(user, *, unread_only: bool = False):
    """The actor's own notifications, newest first (nobody reads another person's)."""
    qs = Notification.objects.filter(user=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(user, ids: Iterable[int] | None = None) -> int:
    """Mark the actor's own notifications read (all of them without ``ids``)."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
