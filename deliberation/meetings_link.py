"""The one place this app talks to the meetings app (meetings.services / meetings.selectors): putting a topic or a
version of the village rules on a meeting's agenda, and finding the meeting's decision on it.

Meetings, sign-in, quorum, votes, delegations and the Art. 24 guard are the meetings app's; a step here that needs
a meeting's decision only reads the outcome of the motion whose ``subject`` names this topic."""

from __future__ import annotations


def latest_decided(subject: str, kinds):
    """The newest decided motion on ``subject`` in a meeting of one of ``kinds`` (None when there is none)."""
    from meetings.selectors import motions_for_subject

    for motion in motions_for_subject(None, subject):
        if motion.meeting.kind in kinds:
            return motion
    return None


def decided_motions(subject: str) -> list:
    from meetings.selectors import motions_for_subject

    return list(motions_for_subject(None, subject))


def motion(pk):
    from meetings.models import Motion

    return Motion.objects.select_related("meeting").filter(pk=pk).first()


def add_to_agenda(actor, meeting, case, *, title: str, reserved_matter: str, already: str):
    """A motion of ``meeting`` whose subject names ``case`` (a topic, a version of the village rules), with its text.
    NotFound for a meeting of another village; ``already`` refuses a second one on the same meeting's agenda."""
    from core.errors import DomainError, NotFound
    from meetings.services import motion_add

    if meeting is None or meeting.village_id != case.village_id:
        raise NotFound()
    if any(m.meeting_id == meeting.pk for m in pending_motions(case.subject)):
        raise DomainError({"meeting": already})
    return motion_add(
        actor=actor,
        meeting=meeting,
        title=title,
        text=case.text,
        reserved_matter=reserved_matter,
        subject=case.subject,
    )


def village_meeting(pk, village_id):
    """The meeting ``pk`` of the village (an agenda names it over the API); NotFound for another village's."""
    from core.errors import NotFound
    from meetings.models import Meeting

    found = Meeting.objects.filter(pk=pk, village_id=village_id).first()
    if found is None:
        raise NotFound()
    return found


def open_meetings(actor, village, kinds=None):
    """Meetings of the village that can still take a motion (being prepared or noticed), soonest first."""
    from meetings.models import Meeting

    qs = Meeting.objects.filter(village=village, state__in=("draft", "noticed")).order_by("starts_at")
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return list(qs[:30])


def pending_motions(subject: str) -> list:
    from meetings.models import Motion

    return list(Motion.objects.select_related("meeting").filter(subject=subject, decided_at__isnull=True))


def kind_label(kind: str) -> str:
    from meetings.models import MeetingKind

    try:
        return str(MeetingKind(kind).label)
    except ValueError:
        return kind


def reserved_choices() -> list[tuple[str, str]]:
    from meetings.models import ReservedMatter

    return [(v, str(label)) for v, label in ReservedMatter.choices]


def reserved_label(value: str) -> str:
    return dict(reserved_choices()).get(value, value)
