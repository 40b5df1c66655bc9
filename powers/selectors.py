"""Reads of the small-power list, each scoped to the actor (core.scope): the county's list, the matters a person
may see (their own household's, their grid's, their village's, their township's, their county's), the queues,
the overview, and the public postings (no login; de-identified, see powers/publicity.py)."""

from __future__ import annotations

from collections import Counter

from django.db.models import Q, QuerySet
from django.utils import timezone

from core import scope
from core.errors import NotFound
from core.roles import Action, Role
from powers.flows import FINAL_STATES, FLOWS, PUBLICITY_STATE, TOWNSHIP_QUEUE
from powers.models import Objection, Power, PowerCase
from regions.models import Region, RegionLevel
from registry.models import Household

READ_ACTIONS = (Action.POWER_VIEW, Action.POWER_APPLY)


def powers(actor, *, active_only: bool = False) -> QuerySet:
    """The list of the actor's county (everyone working or living there may read it)."""
    qs = Power.objects.filter(county_id__in=scope.county_ids(actor))
    if active_only:
        qs = qs.filter(active=True)
    return qs.order_by("county_id", "order", "pk")


def power(actor, pk) -> Power:
    return scope.fetch(powers(actor), pk)


def configurable_counties(actor) -> list[Region]:
    ids = scope.targets(actor, "county", Action.POWER_CONFIGURE)
    return list(Region.objects.filter(pk__in=ids, level=RegionLevel.COUNTY))


def _cases_q(actor) -> Q:
    return scope.scope_q(actor, Action.POWER_VIEW, PowerCase) | scope.scope_q(actor, Action.POWER_APPLY, PowerCase)


def visible(actor) -> QuerySet:
    return PowerCase.objects.filter(_cases_q(actor)).select_related("power", "village", "household")


def get(actor, pk) -> PowerCase:
    found = visible(actor).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def search(actor, *, power=None, state: str = "", village=None, overdue: bool = False, open_only: bool = False):
    qs = visible(actor)
    if power:
        qs = qs.filter(power_id=power)
    if state:
        qs = qs.filter(state=state)
    if village:
        qs = qs.filter(village_id=village)
    if open_only:
        qs = qs.exclude(state__in=FINAL_STATES)
    if overdue:
        qs = qs.exclude(state__in=FINAL_STATES).filter(Q(overdue=True) | Q(deadline_at__lt=timezone.now()))
    return qs.order_by("-created_at", "-pk")


def my_cases(actor) -> QuerySet:
    """The matters of the actor's own household(s) and those they applied for."""
    households = scope.targets(actor, "household", role=Role.VILLAGER)
    return (
        PowerCase.objects.filter(Q(household_id__in=households) | Q(applicant=actor))
        .select_related("power", "village", "household")
        .order_by("-created_at", "-pk")
    )


def _has_step(actor, case, queue=None) -> bool:
    """Whether the actor may take a step of the case now (of the steps declared in ``queue``, when given)."""
    from core import workflow

    return any(queue is None or tr.queue == queue for tr in workflow.available(actor, case, FLOWS[case.flow]))


def village_queue(actor) -> list[PowerCase]:
    """The village's open matters waiting for a step the actor (a cadre) may take, oldest deadline first."""
    qs = scope.scope_filter(actor, Action.POWER_HANDLE, PowerCase.objects.all()).exclude(state__in=FINAL_STATES)
    qs = qs.select_related("power", "village", "household").order_by("deadline_at", "pk")
    return [c for c in qs[:500] if _has_step(actor, c, None)]


def township_queue(actor) -> list[PowerCase]:
    qs = scope.scope_filter(actor, Action.POWER_REVIEW, PowerCase.objects.all()).exclude(state__in=FINAL_STATES)
    qs = qs.select_related("power", "village", "household").order_by("deadline_at", "pk")
    return [c for c in qs[:500] if _has_step(actor, c, TOWNSHIP_QUEUE)]


def households(actor) -> QuerySet:
    """The households the actor may apply for (their own; their grid's; their village's)."""
    return scope.scope_filter(actor, Action.POWER_APPLY, Household.objects.all()).order_by("village_id", "number")


def apply_villages(actor) -> QuerySet:
    ids = scope.targets(actor, "village", role=Role.VILLAGE_CADRE)
    return Region.objects.filter(pk__in=ids, level=RegionLevel.VILLAGE).order_by("code")


def overview(actor, *, now=None) -> dict:
    """By power and state: how many matters, how many open, how many overdue (past their deadline or flagged)."""
    now = now or timezone.now()
    rows = PowerCase.objects.filter(scope.scope_q(actor, Action.POWER_VIEW, PowerCase)).values_list(
        "power_id", "state", "overdue", "deadline_at"
    )
    counts: dict[int, Counter] = {}
    overdue: Counter = Counter()
    for power_id, state, flagged, deadline in rows:
        counts.setdefault(power_id, Counter())[state] += 1
        if state not in FINAL_STATES and (flagged or (deadline is not None and deadline < now)):
            overdue[power_id] += 1
    listed = Power.objects.filter(pk__in=counts.keys()).order_by("order", "pk")
    table = []
    for p in listed:
        flow = FLOWS[p.template]
        c = counts[p.pk]
        table.append(
            {
                "power": p,
                "states": [{"state": s, "label": flow.state_label(s), "count": c[s]} for s in flow.states if c.get(s)],
                "total": sum(c.values()),
                "open": sum(n for s, n in c.items() if s not in FINAL_STATES),
                "overdue": overdue[p.pk],
            }
        )
    return {"rows": table, "overdue": sum(overdue.values()), "total": sum(r["total"] for r in table)}


def overdue(actor, *, now=None) -> QuerySet:
    now = now or timezone.now()
    return (
        PowerCase.objects.filter(scope.scope_q(actor, Action.POWER_VIEW, PowerCase))
        .exclude(state__in=FINAL_STATES)
        .filter(Q(overdue=True) | Q(deadline_at__lt=now))
        .select_related("power", "village", "household")
        .order_by("deadline_at", "pk")
    )


def objections(case: PowerCase) -> QuerySet:
    return Objection.objects.filter(case=case).order_by("raised_at", "pk")


# -- public (no login) ----------------------------------------------------------------------------------------


def public_postings(village: Region, today=None) -> list[PowerCase]:
    """Matters posted now (公示) and results published in the village."""
    today = today or timezone.localdate()
    qs = PowerCase.objects.filter(village=village).select_related("power", "village", "household")
    posted = qs.filter(state=PUBLICITY_STATE, publicity_from__lte=today, publicity_until__gte=today)
    results = qs.filter(result_notice__isnull=False).order_by("-closed_at", "-pk")[:50]
    return list(posted.order_by("-publicity_from", "-pk")) + list(results)


def public_case(village: Region, pk, today=None) -> PowerCase:
    for case in public_postings(village, today):
        if str(case.pk) == str(pk):
            return case
    raise NotFound()


def objectable_case(actor, pk) -> PowerCase:
    """A matter the actor may object to: one they may read, or one posted in a village they live or work in (a
    villager may object to another household's posting); ``NotFound`` otherwise."""
    try:
        return get(actor, pk)
    except NotFound:
        pass
    village_ids = {g.village_id for g in scope.grants(actor) if g.village_id}
    for village in Region.objects.filter(pk__in=village_ids).order_by("pk"):
        try:
            return public_case(village, pk)
        except NotFound:
            continue
    raise NotFound()
