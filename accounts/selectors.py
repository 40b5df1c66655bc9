from django.db.models import Prefetch, Q

from accounts.models import RoleAssignment, User
from core import scope
from core.roles import Action, Role
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


def household_side(first_id: int | None, household_id: int | None) -> list[int]:
    """Ids of the accounts on a household's side of a matter: ``first_id`` (whoever applied or filed for it), then
    the household's own accounts (its villagers), once each."""
    users = [first_id]
    if household_id:
        users += list(
            RoleAssignment.objects.filter(role=Role.VILLAGER, household_id=household_id)
            .values_list("user_id", flat=True)
            .distinct()
        )
    return [u for u in users if u]


def villagers_of(village_id: int | None) -> list[int]:
    """Ids of the villagers' accounts of a village (told of what is published for the whole village)."""
    if not village_id:
        return []
    return list(
        RoleAssignment.objects.filter(role=Role.VILLAGER, user__is_active=True)
        .filter(Q(region_id=village_id) | Q(region__village_id=village_id))
        .values_list("user_id", flat=True)
        .distinct()
    )
