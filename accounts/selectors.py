from django.db.models import Prefetch, Q

from accounts.models import RoleAssignment, User
from core import scope
from core.roles import Action
from regions.models import Grid, Region


def manageable_regions(actor):
    return scope.scope_filter(actor, Action.ACCOUNTS_MANAGE, Region.objects.all()).order_by("code")


def manageable_grids(actor):
    return scope.scope_filter(actor, Action.ACCOUNTS_MANAGE, Grid.objects.select_related("village"))


def users_in_scope(actor):
    """Accounts with at least one role inside the actor's manageable regions."""
    regions = manageable_regions(actor)
    return (
        User.objects.filter(Q(assignments__region__in=regions))
        .distinct()
        .prefetch_related(Prefetch("assignments", queryset=RoleAssignment.objects.select_related("region", "grid")))
        .order_by("username")
    )
