"""The facts meetings record (core.facts): a person or household signed in at a meeting (实到)."""

from django.utils.translation import gettext_lazy as _

from core import facts
from core.facts import Condition, Fact
from meetings.models import MeetingKind

ATTENDED = "meetings.attended"

FACTS = [
    Fact(
        ATTENDED,
        _("Attended a meeting"),
        subject="person",
        conditions=(Condition("kind", _("Kind of meeting"), choices=tuple(MeetingKind.choices)),),
        order=10,
    ),
]


def signed_in(actor, attendance) -> None:
    """A register entry signed in (``meetings.services.attendance._sign_in``): the person (or the household, on a
    register by household) attended; the fact's source is the meeting, its day the day of the sign-in."""
    from django.utils import timezone

    meeting, entry = attendance.meeting, attendance.entry
    person = entry.person if entry.household_id is None else None
    household = entry.household if entry.household_id else getattr(entry.person, "household", None)
    facts.happened(
        ATTENDED,
        source=meeting,
        actor=actor,
        village=meeting.village_id,
        occurred_on=timezone.localdate(attendance.at),
        household=household,
        person=person,
        attrs={"kind": meeting.kind},
    )
