"""Reads of meetings, scoped to the actor.

Everyone whose role allows ``deliberation.view`` sees the meetings of the villages their grants cover: a
township official the township's, a villager (household grant) and a grid worker (grid grant) their village's.
The results of a meeting are public to the village (Organic Law Art. 30: major matters disclosed at once).
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from core import scope
from core.errors import NotFound
from core.roles import Action
from meetings.flows import UPCOMING_STATES
from meetings.models import Attendance, Body, Delegation, Meeting, Motion, RegisterEntry, RosterMember, Vote

VIEW = Action.DELIBERATION_VIEW


def visible_q(user, action: str = VIEW, prefix: str = "") -> Q:
    """Rows (meetings, or rows reached through ``prefix``) in the villages, townships or county of the actor's
    grants for ``action``; a household or grid grant covers its village."""
    return scope.place_q(user, action, prefix)


def meeting_q(user) -> Q:
    """Meetings the actor may see: those of their villages; a draft only for those who prepare or review them."""
    staff = visible_q(user, Action.DELIBERATION_MANAGE) | visible_q(user, Action.DELIBERATION_REVIEW)
    return visible_q(user) & (~Q(state="draft") | staff)


def meetings(user, *, state: str = "", kind: str = "", village=None) -> QuerySet[Meeting]:
    qs = Meeting.objects.filter(meeting_q(user)).select_related("village", "group")
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    if village:
        qs = qs.filter(village_id=getattr(village, "pk", village))
    return qs.annotate(
        motion_count=Count("motions", distinct=True), present_count=Count("attendances", distinct=True)
    ).order_by("-starts_at", "-id")


def meeting(user, pk) -> Meeting:
    found = Meeting.objects.filter(meeting_q(user), pk=pk).select_related("village", "township", "group").first()
    if found is None:
        raise NotFound()
    return found


def can_manage(user, meeting: Meeting) -> bool:
    return scope.in_scope(user, Action.DELIBERATION_MANAGE, meeting)


def motions(meeting: Meeting) -> QuerySet[Motion]:
    return meeting.motions.select_related("delegation").order_by("position", "id")


def motion(user, pk) -> Motion:
    found = Motion.objects.filter(visible_q(user, prefix="meeting__"), pk=pk).select_related("meeting").first()
    if found is None:
        raise NotFound()
    return found


def motions_for_subject(actor, subject: str) -> QuerySet[Motion]:
    """Decided motions about ``subject`` (e.g. "deliberation.topic:12"), newest first. ``actor`` None: no scope
    (for services of other apps that already checked theirs)."""
    qs = Motion.objects.filter(subject=subject, decided_at__isnull=False).select_related("meeting")
    if actor is not None:
        qs = qs.filter(visible_q(actor, prefix="meeting__"))
    return qs.order_by("-decided_at", "-id")


def register(meeting: Meeting, *, search: str = "", only: str = "") -> QuerySet[RegisterEntry]:
    """The register with each entry's sign-in; ``search`` matches a name or a household number; ``only``
    "present" / "absent"."""
    qs = RegisterEntry.objects.filter(meeting=meeting).select_related("attendance")
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(household_number__icontains=search))
    if only == "present":
        qs = qs.filter(attendance__isnull=False)
    elif only == "absent":
        qs = qs.filter(attendance__isnull=True)
    return qs.order_by("household_number", "id")


def present_count(meeting: Meeting) -> int:
    return Attendance.objects.filter(meeting=meeting).count()


def votes_of(motion: Motion) -> dict[int, str]:
    """Each entry's vote that counts (a corrected vote gives way to its correction)."""
    return dict(Vote.objects.current().filter(motion=motion).values_list("entry_id", "choice"))


ROLL_CALL_SHOW = ("unrecorded", "recorded", "all")


def _group_id():
    return Coalesce("household__group_id", "person__household__group_id")


def roll_call(meeting: Meeting, motion: Motion, *, search: str = "", group=None, show: str = "unrecorded"):
    """The signed-in attendees of a roll-call vote, each with the vote that counts (``choice``, ``vote_method``,
    ``corrected``: how many corrections it went through) and their 村民小组 (``group_ref``). ``search`` matches a
    name or a household number, ``group`` one village group, ``show`` "unrecorded" (default), "recorded" or "all"."""
    current = Vote.objects.current().filter(motion=motion, entry=OuterRef("pk"))
    qs = RegisterEntry.objects.filter(meeting=meeting, attendance__isnull=False).annotate(
        choice=Subquery(current.values("choice")[:1]),
        vote_method=Subquery(current.values("method")[:1]),
        corrected=Subquery(
            Vote.objects.filter(motion=motion, entry=OuterRef("pk"), corrects__isnull=False)
            .values("entry_id")
            .annotate(n=Count("id"))
            .values("n")[:1]
        ),
        group_ref=_group_id(),
    )
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(household_number__icontains=search))
    if group:
        qs = qs.filter(group_ref=group)
    if show == "unrecorded":
        qs = qs.filter(choice__isnull=True)
    elif show == "recorded":
        qs = qs.filter(choice__isnull=False)
    return qs.order_by("household_number", "id")


def roll_call_counts(meeting: Meeting, motion: Motion) -> dict:
    """The figures of a roll-call vote while it is open: those signed in, the votes that count by choice, how
    many have none yet, and per 村民小组 (when the attendees have groups) signed in and not yet recorded."""
    from regions.models import Region

    present = Attendance.objects.filter(meeting=meeting).count()
    counts = {c: 0 for c in ("for", "against", "abstain")}
    for choice, n in (
        Vote.objects.current()
        .filter(motion=motion)
        .values_list("choice")
        .annotate(n=Count("id"))
        .values_list("choice", "n")
    ):
        counts[choice] = n
    recorded = sum(counts.values())
    rows = (
        RegisterEntry.objects.filter(meeting=meeting, attendance__isnull=False)
        .annotate(
            group_ref=_group_id(),
            voted=Exists(Vote.objects.filter(motion=motion, entry=OuterRef("pk"))),
        )
        .values("group_ref")
        .annotate(present=Count("id"), unrecorded=Count("id", filter=Q(voted=False)))
        .order_by()
    )
    by_group = {r["group_ref"]: r for r in rows}
    groups = [
        {"id": pk, "name": name, "present": by_group[pk]["present"], "unrecorded": by_group[pk]["unrecorded"]}
        for pk, name in Region.objects.filter(pk__in=[g for g in by_group if g])
        .order_by("code", "id")
        .values_list("pk", "name")
    ]
    return {
        "present": present,
        "recorded": recorded,
        "unrecorded": present - recorded,
        "counts": counts,
        "groups": groups,
        "ungrouped": by_group.get(None, {}).get("present", 0),
    }


def my_meetings(user) -> QuerySet[Meeting]:
    """Upcoming or in-session meetings on whose register the actor (or their household) stands."""
    from meetings.services import entries_for_voter

    qs = Meeting.objects.filter(visible_q(user, Action.DELIBERATION_VOTE), state__in=UPCOMING_STATES)
    ids = [m.pk for m in qs if entries_for_voter(user, m).exists()]
    return (
        Meeting.objects.filter(pk__in=ids)
        .select_related("village", "group")
        .annotate(motion_count=Count("motions", distinct=True), present_count=Count("attendances", distinct=True))
        .order_by("starts_at", "id")
    )


def upcoming(user) -> QuerySet[Meeting]:
    return meetings(user).filter(state__in=UPCOMING_STATES, starts_at__gte=timezone.now() - timezone.timedelta(days=1))


def rosters(user, village) -> dict[str, list[RosterMember]]:
    qs = (
        RosterMember.objects.filter(scope.scope_q(user, VIEW, RosterMember), village=village, until__isnull=True)
        .select_related("person")
        .order_by("body", "person__name")
    )
    out: dict[str, list[RosterMember]] = {b: [] for b in Body.values}
    for m in qs:
        out[m.body].append(m)
    return out


def delegations(user, village=None) -> QuerySet[Delegation]:
    qs = Delegation.objects.filter(visible_q(user)).select_related("granted_by", "granted_by__meeting")
    if village is not None:
        qs = qs.filter(village=village)
    return qs.order_by("-valid_from", "-id")


def review(user, today=None) -> list[dict]:
    """The township's view of its villages (deliberation.review): per village, this year's closed meetings by
    kind, the last 村民代表会议 and whether one is due this quarter (Art. 26), closed meetings without minutes,
    motions that failed for want of a quorum, and the 村规民约 adopted (filed with the township, Art. 27)."""
    from meetings import rules
    from meetings.models import MeetingKind, Outcome, ReservedMatter
    from regions.models import Region, RegionLevel

    today = today or timezone.localdate()
    villages = Region.objects.filter(
        visible_q(user, Action.DELIBERATION_REVIEW) & Q(level=RegionLevel.VILLAGE)
    ).order_by("code")
    year_start = today.replace(month=1, day=1)
    rows = []
    for village in villages:
        closed = Meeting.objects.filter(village=village, state="closed")
        this_year = closed.filter(starts_at__date__gte=year_start)
        last_reps = (
            closed.filter(kind=MeetingKind.REPRESENTATIVES).order_by("-starts_at").values_list("starts_at", flat=True)
        ).first()
        last_day = timezone.localtime(last_reps).date() if last_reps else None
        counts = dict(this_year.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
        rows.append(
            {
                "village": village,
                "counts": [(label, counts.get(kind, 0)) for kind, label in MeetingKind.choices if counts.get(kind)],
                "held": sum(counts.values()),
                "last_representatives": last_day,
                "representatives_due": rules.representatives_meeting_due(last_day, today),
                "no_minutes": list(closed.filter(minutes="").order_by("-starts_at")[:5]),
                "no_quorum": Motion.objects.filter(meeting__village=village, outcome=Outcome.NO_QUORUM).count(),
                "village_rules": list(
                    Motion.objects.filter(
                        meeting__village=village,
                        reserved_matter=ReservedMatter.VILLAGE_RULES,
                        outcome=Outcome.ADOPTED,
                    )
                    .select_related("meeting")
                    .order_by("-decided_at")[:5]
                ),
            }
        )
    return rows
