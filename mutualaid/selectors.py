"""Reads of mutual aid, each scoped to the actor. Applications: the village cadres (``mutualaid.handle`` over the
village), the current members of the village's association, the leader of the applicant's group, the villager's own
household, and whoever filed it for them; the same answer as the procedure's parties (core.workflow.can_see).
The fund and the bands: those who keep them (mutualaid.services.may_keep) and the holders of
``mutualaid.figures`` over the village (township and county)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from committees.models import CommitteeKind, Member
from core import scope, workflow
from core.errors import NotFound
from core.roles import Action
from mutualaid.flows import MUTUAL_AID, OPEN
from mutualaid.models import Application, Band, FundEntry
from regions.models import Region
from regions.selectors import villages


def _seats(actor, kind):
    return Member.objects.current().filter(user_id=actor.pk, committee__kind=kind)


def association_villages(actor) -> list[int]:
    """The villages whose mutual-aid association the actor sits on now."""
    if actor is None or not actor.is_authenticated:
        return []
    return list(_seats(actor, CommitteeKind.MUTUAL_AID).values_list("committee__village_id", flat=True).distinct())


def led_groups(actor) -> list[int]:
    if actor is None or not actor.is_authenticated:
        return []
    return list(_seats(actor, CommitteeKind.GROUP_LEADERS).exclude(group=None).values_list("group_id", flat=True))


def visible(actor) -> QuerySet:
    """Every application the actor may see."""
    if actor is None or not actor.is_authenticated:
        return Application.objects.none()
    q = Q(applicant_id=actor.pk) | Q(on_behalf=True, recorded_by_id=actor.pk)
    q |= Q(household_id__in=scope.targets(actor, "household", Action.AID_APPLY))
    q |= Q(village_id__in=association_villages(actor)) | Q(group_id__in=led_groups(actor))
    if scope.can(actor, Action.AID_HANDLE):
        q |= scope.scope_q(actor, Action.AID_HANDLE, Application)
    return Application.objects.filter(q, flow=MUTUAL_AID.name).select_related("village", "person", "group")


def application_for(actor, pk) -> Application:
    """One application for the actor, NotFound when missing or not theirs."""
    case = visible(actor).select_related("household", "applicant", "recorded_by", "notice").filter(pk=pk).first()
    if case is None or not workflow.can_see(actor, case, MUTUAL_AID):
        raise NotFound()
    return case


def waiting_for(actor, limit: int = 200) -> list[Application]:
    """The open applications with a step this actor may take now, the earliest deadline first."""
    rows = visible(actor).filter(state__in=OPEN).order_by("deadline_at", "pk")[:limit]
    return [c for c in rows if any(tr.name != "withdraw" for tr in workflow.available(actor, c, MUTUAL_AID))]


def fund_villages(actor) -> QuerySet:
    """The villages whose fund the actor may read: where they keep it, and where they read the figures."""
    if actor is None or not actor.is_authenticated:
        return Region.objects.none()
    q = Q(pk__in=villages(actor, Action.AID_HANDLE).values("pk")) | Q(pk__in=association_villages(actor))
    q |= Q(pk__in=villages(actor, Action.AID_FIGURES, whole_village=False).values("pk"))
    return Region.objects.filter(q, level="village").order_by("code")


def fund_village(actor, pk) -> Region:
    """The village whose fund is read (``pk``, or the actor's first), NotFound outside the actor's reach."""
    found = fund_villages(actor)
    if pk in (None, ""):
        first = found.first()
        if first is None:
            raise NotFound()
        return first
    return scope.fetch(found, pk)


def ledger(village_id) -> QuerySet:
    return (
        FundEntry.objects.filter(village_id=village_id)
        .select_related("application", "recorded_by", "reverses")
        .prefetch_related("reversed_by")
        .order_by("-on", "-id")
    )


def entry_for(actor, pk) -> FundEntry:
    entry = FundEntry.objects.filter(pk=pk).first()
    if entry is None or not fund_villages(actor).filter(pk=entry.village_id).exists():
        raise NotFound()
    return entry


def bands(village_id) -> QuerySet:
    return Band.objects.filter(village_id=village_id).order_by("up_to")


def band_for(actor, pk) -> Band:
    band = Band.objects.filter(pk=pk).first()
    if band is None or not fund_villages(actor).filter(pk=band.village_id).exists():
        raise NotFound()
    return band


def apply_villages(actor) -> QuerySet:
    """The villages where the actor may file an application (for their household, or on a resident's behalf)."""
    return villages(actor, Action.AID_APPLY)


def people_to_help(actor, text: str = "", *, limit: int = 30):
    """Residents the actor may apply for: a villager's own household; staff: the living residents of their villages
    whose name or household number starts with ``text``."""
    from mutualaid.services import staff_village_ids
    from registry.models import Person

    base = Person.objects.filter(is_deceased=False).select_related("household", "village")
    own = scope.targets(actor, "household", Action.AID_APPLY)
    found = base.filter(household_id__in=own)
    text = (text or "").strip()
    if text:
        staff = staff_village_ids(actor)
        found = found | base.filter(village_id__in=staff).filter(Q(name__startswith=text) | Q(household__number=text))
    return found.order_by("name", "id")[:limit]


def person_to_help(actor, pk):
    """The living resident ``pk`` when the actor may apply for them (else None)."""
    from mutualaid.services import acting_as
    from registry.models import Person

    person = Person.objects.filter(pk=pk, is_deceased=False).select_related("household", "village").first()
    return person if person is not None and acting_as(actor, person) else None


def mine(actor) -> QuerySet:
    """The applications for the actor's own household, or that they filed on someone's behalf."""
    if actor is None or not actor.is_authenticated:
        return Application.objects.none()
    q = Q(applicant_id=actor.pk) | Q(on_behalf=True, recorded_by_id=actor.pk)
    q |= Q(household_id__in=scope.targets(actor, "household", Action.AID_APPLY))
    return Application.objects.filter(q, flow=MUTUAL_AID.name).select_related("village", "person", "group")
