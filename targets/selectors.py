"""Reads of the target lists, scoped: the county (issue, view) over its county, a township official over the
township's list and its villages', a village cadre over the village's, a department's members over its list. The same
answer as core.workflow.can_see for the tasks."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from core import scope
from core.errors import NotFound
from core.roles import Action
from targets.models import Target, TargetList


def _q(actor, model, prefix: str) -> Q:
    """Those who read over a place (the county; a township's officials, its villages' lists too) and the units'
    own people (``unit_q``): a department's staff see their department's list only, a village's cadres their own."""
    q = unit_q(actor, prefix)
    for action in (Action.TARGETS_ISSUE, Action.TARGETS_VIEW):
        if scope.can(actor, action):
            q |= scope.scope_q(actor, action, model)
    return q


def lists(actor, year: int | None = None) -> QuerySet:
    if actor is None or not actor.is_authenticated:
        return TargetList.objects.none()
    qs = TargetList.objects.filter(_q(actor, TargetList, "")).distinct()
    if year:
        qs = qs.filter(year=year)
    return qs.select_related("department", "township", "village")


def list_for(actor, pk) -> TargetList:
    found = lists(actor).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def visible(actor) -> QuerySet:
    if actor is None or not actor.is_authenticated:
        return Target.objects.none()
    return (
        Target.objects.filter(_q(actor, Target, "target_list__"))
        .distinct()
        .select_related("target_list", "target_list__department", "target_list__township", "target_list__village")
    )


def target_for(actor, pk) -> Target:
    found = visible(actor).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def with_counts(qs: QuerySet) -> QuerySet:
    """Each list with its figures: tasks (dropped left out), done, done on time, open and overdue."""
    today = timezone.localdate()
    live = ~Q(items__state="dropped")
    return qs.annotate(
        total=Count("items", filter=live),
        done=Count("items", filter=Q(items__state="done")),
        on_time=Count("items", filter=Q(items__state="done", items__on_time=True)),
        overdue=Count("items", filter=Q(items__state="open", items__due_date__lt=today)),
        unreported=Count("items", filter=Q(items__state="open", items__last_reported_at__isnull=True)),
    )


def unit_q(actor, prefix: str = "target_list__") -> Q:
    """The lists (``prefix`` ""), or the tasks, of the actor's own units: the departments the actor is a member of,
    the township where the actor is an official, the village where the actor is a cadre."""
    from core.roles import Role

    if not getattr(actor, "pk", None):
        return Q(pk__in=[])
    q = Q(**{f"{prefix}department__members": actor.pk})
    grants = scope.grants_for(actor, Action.TARGETS_REPORT)
    villages = [g.target_id for g in grants if g.role == Role.VILLAGE_CADRE and g.level == "village"]
    townships = [g.target_id for g in grants if g.role == Role.TOWNSHIP_OFFICIAL and g.level == "township"]
    if villages:
        q |= Q(**{f"{prefix}unit_kind": "village", f"{prefix}village_id__in": villages})
    if townships:
        q |= Q(**{f"{prefix}unit_kind": "township", f"{prefix}township_id__in": townships})
    return q


def is_unit(actor, target) -> bool:
    return Target.objects.filter(unit_q(actor), pk=target.pk).exists()


def unit_ids(target) -> list[int]:
    from accounts.models import RoleAssignment
    from core.roles import Role

    target_list = target.target_list
    if target_list.department_id:
        return list(target_list.department.members.values_list("pk", flat=True))
    role = Role.TOWNSHIP_OFFICIAL if target_list.unit_kind == "township" else Role.VILLAGE_CADRE
    place = target_list.village_id or target_list.township_id
    return list(RoleAssignment.objects.filter(role=role, region_id=place).values_list("user_id", flat=True))


def to_report(actor) -> QuerySet:
    """The open tasks of the actor's own units with no progress reported this quarter (what the unit owes now)."""
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    return (
        Target.objects.filter(unit_q(actor), state="open", target_list__year=today.year)
        .exclude(last_quarter=quarter, last_reported_at__year=today.year)
        .distinct()
        .select_related("target_list")
    )


def lists_version(actor) -> str:
    """What the actor's page of lists depends on beside the year, the page and the day: who they are (their grants
    and departments) and the newest case event of the target lists in their counties (issuing a list or adding a
    task starts a case; every report, completion, reopening or drop is a step). "" when they reach no county."""
    from casework.models import CaseEvent
    from targets.flows import TARGET

    counties = scope.county_ids(actor)
    if not counties:
        return ""
    newest = (
        CaseEvent.objects.filter(county_id__in=counties, flow=TARGET.name)
        .order_by("-at", "-pk")
        .values_list("pk", "at")
        .first()
    )
    who = ",".join(f"{g.role}@{g.level}:{g.target_id}" for g in scope.grants(actor))
    departments = ",".join(str(pk) for pk in actor.departments.order_by("pk").values_list("pk", flat=True))
    return f"{actor.pk}|{who}|{departments}|{newest}"
