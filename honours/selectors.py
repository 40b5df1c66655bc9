"""Reads of the honours, each scoped to the actor: staff with the points view over their place (core.scope), the
village's honours panel and cadres (who evaluate), whoever nominated; and the public board of a village's quarter
(no login: names, boards and deeds only). The same answer as core.workflow.can_see."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from committees import selectors as committees
from committees.models import CommitteeKind, Member
from core import scope
from core.errors import NotFound
from core.roles import Action, Role
from honours.models import Board, Nomination, Objection, Subject
from regions.models import Region, RegionLevel
from regions.selectors import villages

NOMINATING = (Action.POINTS_DECLARE, Action.POINTS_RECORD)

PUBLIC_STATES = ("published", "confirmed")


def panel_villages(actor) -> list[int]:
    """The villages whose honours panel the actor sits on now."""
    if not getattr(actor, "pk", None):
        return []
    cached = getattr(actor, "_honours_panels", None)
    if cached is None:
        cached = list(
            Member.objects.current()
            .filter(user_id=actor.pk, committee__kind=CommitteeKind.HONOURS_PANEL)
            .values_list("committee__village_id", flat=True)
        )
        actor._honours_panels = cached
    return cached


def _cadre_q(actor, prefix: str = "") -> Q:
    """The places where the actor is a village cadre (the role that evaluates beside the panel)."""
    q = Q(**{f"{prefix}pk__in": []})
    for g in scope.grants(actor):
        if g.role == Role.VILLAGE_CADRE and g.level in ("county", "township", "village"):
            q |= Q(**{f"{prefix}{g.level}_id": g.target_id})
    return q


def evaluating_villages(actor):
    """The villages whose nominations the actor evaluates: the panel's member, or a village cadre."""
    if not getattr(actor, "pk", None):
        return Region.objects.none()
    return (
        Region.objects.filter(level=RegionLevel.VILLAGE)
        .filter(Q(pk__in=panel_villages(actor)) | _cadre_q(actor))
        .order_by("code")
    )


def evaluates(actor) -> bool:
    return bool(panel_villages(actor)) or any(g.role == Role.VILLAGE_CADRE for g in scope.grants(actor))


def panel_user_ids(village_id) -> list[int]:
    return committees.member_user_ids(village_id, CommitteeKind.HONOURS_PANEL)


def _evaluating_q(actor) -> Q:
    return Q(village_id__in=panel_villages(actor)) | _cadre_q(actor)


def visible(actor) -> QuerySet:
    if actor is None or not actor.is_authenticated:
        return Nomination.objects.none()
    q = Q(nominated_by_id=actor.pk) | _evaluating_q(actor)
    if scope.can(actor, Action.POINTS_VIEW):
        q |= scope.scope_q(actor, Action.POINTS_VIEW, Nomination)
    return Nomination.objects.filter(q).select_related("village", "board")


def nomination_for(actor, pk) -> Nomination:
    found = visible(actor).select_related("household", "person", "nominated_by", "group").filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def mine(actor) -> QuerySet:
    if not getattr(actor, "pk", None):
        return Nomination.objects.none()
    return Nomination.objects.filter(nominated_by_id=actor.pk).select_related("village", "board").order_by("-pk")


def to_evaluate(actor) -> QuerySet:
    """Nominations waiting for the panel's evaluation, oldest first."""
    return (
        Nomination.objects.filter(_evaluating_q(actor), state="nominated")
        .select_related("village", "board")
        .order_by("opened_at", "pk")
    )


def to_publish(actor) -> QuerySet:
    return (
        Nomination.objects.filter(_evaluating_q(actor), state="accepted")
        .select_related("village", "board")
        .order_by("village__code", "year", "quarter", "board__order", "rank")
    )


def on_notice(actor) -> QuerySet:
    return (
        Nomination.objects.filter(_evaluating_q(actor), state="published")
        .select_related("village", "board")
        .order_by("deadline_at", "pk")
    )


def objections_to_answer(actor) -> QuerySet:
    return (
        Objection.objects.filter(answered_at__isnull=True, nomination__state="published")
        .filter(Q(nomination__village_id__in=panel_villages(actor)) | _cadre_q(actor, "nomination__"))
        .select_related("nomination__board", "nomination__village")
        .order_by("made_at")
    )


def objections_of(actor, nomination) -> list[Objection]:
    """The objections to an honour: the panel, cadres and staff read them all with their texts; anyone else only
    their own."""
    qs = nomination.objections.select_related("answered_by").order_by("made_at", "pk")
    sees_all = (
        nomination.village_id in panel_villages(actor)
        or evaluating_villages(actor).filter(pk=nomination.village_id).exists()
    )
    if not sees_all and scope.can(actor, Action.POINTS_VIEW):
        sees_all = scope.in_scope(actor, Action.POINTS_VIEW, nomination)
    return list(qs if sees_all else qs.filter(made_by_id=getattr(actor, "pk", None)))


def household_honours(household_id) -> QuerySet:
    """The honours of a household and its members, on notice or confirmed (public on the village's board anyway):
    what the section of the household's page shows to whoever may open that page."""
    return (
        Nomination.objects.filter(household_id=household_id, state__in=PUBLIC_STATES)
        .select_related("board", "person")
        .order_by("-year", "-quarter", "board__order")
    )


# -- nominating ------------------------------------------------------------------------------------------------


def nominating_villages(actor):
    """The villages where the actor may nominate: their own (a villager) or those they serve (cadres, grid
    workers)."""
    qs = villages(actor, NOMINATING[0])
    for action in NOMINATING[1:]:
        qs = qs | villages(actor, action)
    return qs.distinct()


def may_nominate(actor) -> bool:
    return any(scope.can(actor, a) for a in NOMINATING)


def nominating_groups(actor, village) -> QuerySet:
    """The village groups in whose name the actor may nominate: those they lead (村民小组长), or all of the village
    for its cadres."""
    groups = Region.objects.filter(level=RegionLevel.GROUP, parent_id=village.pk).order_by("code")
    if scope.region_in_scope(actor, Action.POINTS_RECORD, village):
        return groups
    led = Member.objects.current().filter(
        user_id=getattr(actor, "pk", None),
        committee__kind=CommitteeKind.GROUP_LEADERS,
        committee__village_id=village.pk,
    )
    return groups.filter(pk__in=led.values_list("group_id", flat=True))


def boards_for_nominating(actor) -> QuerySet:
    """The active boards of the counties where the actor may nominate."""
    counties = set()
    for action in NOMINATING:
        counties.update(scope.county_ids(actor, action))
    return Board.objects.filter(county_id__in=counties, active=True).order_by("county_id", "order", "pk")


def candidates(actor, board, q: str) -> list:
    """Whom the actor may nominate for ``board`` whose name (a household: its head's) contains ``q``: people or
    households of the villages where the actor nominates."""
    from registry.models import Household, Person

    q = (q or "").strip()[:20]
    if not q:
        return []
    reach = nominating_villages(actor).values_list("pk", flat=True)
    if board.subject == Subject.PERSON:
        qs = Person.objects.filter(village_id__in=reach, is_deceased=False, name__contains=q)
        return list(qs.select_related("household__group", "village").order_by("name", "pk")[:30])
    qs = Household.objects.filter(village_id__in=reach, head_name__contains=q)
    return list(qs.select_related("group", "village").order_by("head_name", "pk")[:30])


# -- boards -----------------------------------------------------------------------------------------------------


def boards(county_id, *, active_only: bool = False) -> QuerySet:
    qs = Board.objects.filter(county_id=county_id)
    if active_only:
        qs = qs.filter(active=True)
    return qs.order_by("order", "pk")


def board_counties(actor, action: str = Action.POINTS_VIEW) -> list[int]:
    return scope.county_ids(actor, action)


def keeps_boards(actor, county_id) -> bool:
    return any(g.level == "county" and g.target_id == county_id for g in scope.grants_for(actor, Action.POINTS_POLICY))


def board_for(actor, pk, action: str = Action.POINTS_POLICY) -> Board:
    found = Board.objects.filter(pk=pk, county_id__in=scope.county_ids(actor, action)).first()
    if found is None:
        raise NotFound()
    return found


# -- the quarter's boards (public) ------------------------------------------------------------------------------


def quarter_boards(village, year: int, quarter: int) -> list[dict]:
    """Each of the county's boards with the village's honourees of the quarter (on notice or honoured), by rank:
    name, board, deeds; nothing else of the person."""
    rows = list(
        Nomination.objects.filter(village=village, year=year, quarter=quarter, state__in=PUBLIC_STATES)
        .select_related("board", "group")
        .order_by("board__order", "rank", "pk")
    )
    out = []
    for board in boards(village.county_id):
        honourees = [n for n in rows if n.board_id == board.pk]
        if honourees or board.active:
            out.append({"board": board, "honourees": honourees})
    return out


def published_quarters(village) -> list[tuple[int, int]]:
    return list(
        Nomination.objects.filter(village=village, state__in=PUBLIC_STATES)
        .values_list("year", "quarter")
        .distinct()
        .order_by("-year", "-quarter")
    )
