"""In-app notifications (站内提醒): written by services and scheduled jobs, read by their recipient only."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import Notification


def notify(users: Iterable, *, kind: str, text: str, url: str = "", key: str = "") -> int:
    """Send ``text`` to each user once. With ``key``, a user who already has that notification gets no second
    one (a reminder run twice does not remind twice). Returns how many were stored."""
    stored = 0
    seen = set()
    for user in users:
        user_id = getattr(user, "pk", user)
        if user_id is None or user_id in seen:
            continue
        seen.add(user_id)
        if key and Notification.objects.filter(user_id=user_id, key=key).exists():
            continue
        try:
            with transaction.atomic():
                Notification.objects.create(user_id=user_id, kind=kind, text=str(text)[:300], url=url, key=key[:120])
        except IntegrityError:  # the same reminder written at the same moment by another run
            continue
        stored += 1
    return stored


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
