"""Reads of the villages' committees (scoped), and who sits on a committee now (for a procedure's parties)."""

from __future__ import annotations

from committees.models import Committee, Member
from core import scope
from core.roles import Action


def committees(actor, village_id=None):
    """The committees the actor may read: staff of the village and above (REGISTRY_VIEW or COMMITTEES_MANAGE)."""
    qs = Committee.objects.none()
    for action in (Action.COMMITTEES_MANAGE, Action.REGISTRY_VIEW):
        qs = qs | scope.scope_filter(actor, action, Committee.objects.all())
    if village_id:
        qs = qs.filter(village_id=village_id)
    return qs.select_related("village").order_by("village__code", "kind")


def managed(actor, pk) -> Committee:
    """The committee ``pk`` if the actor keeps it, or not found."""
    return scope.fetch(scope.scope_filter(actor, Action.COMMITTEES_MANAGE, Committee.objects.all()), pk)


def managed_member(actor, pk) -> Member:
    qs = scope.scope_filter(actor, Action.COMMITTEES_MANAGE, Member.objects.select_related("committee"))
    return scope.fetch(qs, pk)


def _seats(village_id, kind, *, posts=None, group_id=None):
    qs = Member.objects.current().filter(committee__village_id=village_id, committee__kind=kind)
    if posts:
        qs = qs.filter(post__in=posts)
    if group_id is not None:
        qs = qs.filter(group_id=group_id)
    return qs


def current_members(village_id, kind):
    return _seats(village_id, kind).select_related("user", "group").order_by("post", "name")


def is_member(actor, village_id, kind, *, posts=None, group_id=None) -> bool:
    if actor is None or getattr(actor, "pk", None) is None or village_id is None:
        return False
    return _seats(village_id, kind, posts=posts, group_id=group_id).filter(user_id=actor.pk).exists()


def member_user_ids(village_id, kind, *, posts=None, group_id=None) -> list[int]:
    qs = _seats(village_id, kind, posts=posts, group_id=group_id).exclude(user_id=None)
    return list(qs.values_list("user_id", flat=True).distinct())


def sectors(village_id):
    from committees.models import Sector

    return (
        Sector.objects.filter(village_id=village_id)
        .select_related("leader")
        .prefetch_related("grids")
        .order_by("-active", "name")
    )


def managed_sector(actor, pk):
    from committees.models import Sector

    return scope.fetch(scope.scope_filter(actor, Action.COMMITTEES_MANAGE, Sector.objects.all()), pk)


def grid_notice(village) -> dict:
    """网格公示 of a village (no login): its sectors in use with their leaders, and every grid in use with its area,
    its staff's names and public phones and its complaint phone (SPEC §12 Grids), under its sector."""
    from regions.models import Grid

    grids = list(
        Grid.objects.filter(village=village, is_active=True).prefetch_related("staff", "sectors").order_by("code")
    )
    in_use = [s for s in sectors(village.pk) if s.active]
    by_sector = {s.pk: [] for s in in_use}
    loose = []
    for grid in grids:
        home = next((s.pk for s in grid.sectors.all() if s.active and s.pk in by_sector), None)
        (by_sector[home] if home else loose).append(grid)
    return {"sectors": [(s, by_sector[s.pk]) for s in in_use], "loose": loose, "count": len(grids)}
