"""Reads of the region tree and grids, scoped to the actor."""

from django.db.models import Count, Q

from core import scope
from core.errors import NotFound
from core.roles import Action
from regions.models import Grid, Region, RegionLevel


def villages(actor, action: str = Action.REGISTRY_VIEW):
    """Villages the actor may act in: whole villages by region grant, or the villages of their grids."""
    by_region = scope.scope_q(actor, action, Region)
    grid_villages = scope.scope_filter(actor, action, Grid.objects.all()).values("village_id")
    return Region.objects.filter(level=RegionLevel.VILLAGE).filter(by_region | Q(pk__in=grid_villages)).order_by("code")


def village_groups(actor, action: str = Action.REGISTRY_VIEW):
    return Region.objects.filter(level=RegionLevel.GROUP, parent__in=villages(actor, action)).select_related("parent")


def grids(actor, action: str = Action.REGISTRY_VIEW):
    return scope.scope_filter(actor, action, Grid.objects.select_related("village", "township"))


def grid_list(actor, *, village_id=None, kind=""):
    qs = grids(actor).annotate(household_count=Count("households")).prefetch_related("staff")
    if village_id:
        qs = qs.filter(village_id=village_id)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("code")


def access_grid(actor, grid_id) -> Grid:
    try:
        return grids(actor).get(pk=grid_id)
    except (Grid.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def region_tree(actor):
    """The regions the actor sees, ordered so the tree prints top-down."""
    return scope.scope_filter(actor, Action.REGISTRY_VIEW, Region.objects.all()).order_by("code")
