"""What a person signing in is told about the lockout (django-axes: ``AXES_FAILURE_LIMIT`` wrong passwords for a
username lock it for ``AXES_COOLOFF_TIME`` hours): after a wrong password, how many tries are left; once locked,
until when (their local time) — never only "try later"."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def _attempt(username: str):
    from axes.models import AccessAttempt

    if not username:
        return None
    return AccessAttempt.objects.filter(username=username).order_by("-attempt_time").first()


def cool_off() -> timedelta:
    return timedelta(hours=float(settings.AXES_COOLOFF_TIME))


def tries_left(username: str) -> int | None:
    """Wrong passwords the username may still give before it is locked (None when none was given)."""
    attempt = _attempt(username)
    if attempt is None:
        return None
    return max(0, int(settings.AXES_FAILURE_LIMIT) - attempt.failures_since_start)


def wrong_password_message(username: str) -> str:
    left = tries_left(username)
    base = _("Wrong username/phone or password.")
    if left is None or left >= int(settings.AXES_FAILURE_LIMIT) - 1:
        return base
    minutes = int(cool_off().total_seconds() // 60)
    return (
        base
        + " "
        + ngettext(
            "%(n)s more wrong try locks this account for %(minutes)s minutes.",
            "%(n)s more wrong tries lock this account for %(minutes)s minutes.",
            left,
        )
        % {"n": left, "minutes": minutes}
    )


def locked_message(username: str) -> str:
    """Locked: why, and the time it opens again."""
    attempt = _attempt(username)
    minutes = int(cool_off().total_seconds() // 60)
    if attempt is None:
        return _("Too many failed attempts. This account is locked for %(minutes)s minutes.") % {"minutes": minutes}
    until = timezone.localtime(attempt.attempt_time + cool_off())
    return _(
        "%(n)s wrong passwords in a row: this account is locked until %(time)s (%(minutes)s minutes after the last "
        "try). Try again then, or ask your village or township to check your account."
    ) % {"n": attempt.failures_since_start, "time": f"{until:%H:%M}", "minutes": minutes}
