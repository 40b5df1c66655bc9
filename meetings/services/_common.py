"""What the writes of meetings share: input checks, the scope-checked locks, constants."""

from __future__ import annotations

import re
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from core import scope
from core.errors import DomainError, NotFound
from core.roles import Action
from meetings.models import Meeting
from regions.models import Region, RegionLevel

MANAGE = Action.DELIBERATION_MANAGE
VOTE = Action.DELIBERATION_VOTE
MEETING_FIELDS = ["kind", "title", "starts_at", "place", "agenda", "group", "basis", "convened_by", "proposers"]
MOTION_FIELDS = ["title", "text", "reserved_matter", "subject", "position"]
SUBJECT_RE = re.compile(r"^[a-z_]+\.[a-z_]+:\d+$")
MAX_DELEGATION_DAYS = 5 * 366  # the committee's term (Art. 11: five years)


# -- checks ---------------------------------------------------------------------------------------------------


def _moment(value, field: str) -> datetime:
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value or "").strip().replace("Z", "+00:00"))
        except ValueError:
            raise DomainError({field: _("Give a date and time, e.g. 2026-12-05 09:00.")}) from None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _day(value, field: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise DomainError({field: _("Give a date, e.g. 2026-06-01.")}) from None


def _village(actor, village, action: str = MANAGE) -> Region:
    if village is None or getattr(village, "level", None) != RegionLevel.VILLAGE:
        raise NotFound()
    if not scope.region_in_scope(actor, action, village):
        raise NotFound()
    return village


def _lock(actor, row, action: str = MANAGE, model=Meeting):
    """The row of ``model`` (a meeting unless said), locked, if the actor may ``action`` it; NotFound otherwise."""
    locked = model.objects.select_for_update().filter(pk=getattr(row, "pk", row)).first()
    if locked is None or not scope.in_scope(actor, action, locked):
        raise NotFound()
    return locked


def _lock_for_voter(actor, meeting) -> Meeting:
    """A voter acts on meetings of the villages their grants cover (a villager's household grant included)."""
    from meetings.selectors import visible_q

    pk = getattr(meeting, "pk", meeting)
    if not Meeting.objects.filter(visible_q(actor, VOTE), pk=pk).exists():
        raise NotFound()
    return Meeting.objects.select_for_update().get(pk=pk)


def _meeting_day(meeting: Meeting) -> date:
    return timezone.localtime(meeting.starts_at).date()
