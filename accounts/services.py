"""Writes to accounts: creating users, granting and revoking roles, issuing API tokens."""

from __future__ import annotations

from django.contrib.auth.hashers import identify_hasher
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import ApiToken, RoleAssignment, User
from core import audit, crypto, scope
from core.errors import DomainError, NotFound
from core.roles import Action, Role
from core.validators import normalize_phone
from regions.models import RegionLevel

# The level of region each role is granted on (a grid worker on grids, a villager on a household).
ROLE_LEVELS = {
    Role.VILLAGER: {RegionLevel.VILLAGE},
    Role.GRID_WORKER: {RegionLevel.VILLAGE},
    Role.VILLAGE_CADRE: {RegionLevel.VILLAGE},
    Role.REVIEWER: {RegionLevel.VILLAGE},
    Role.MEDIATOR: {RegionLevel.TOWNSHIP, RegionLevel.COUNTY},
    Role.TOWNSHIP_OFFICIAL: {RegionLevel.TOWNSHIP},
    Role.DEPARTMENT_STAFF: {RegionLevel.COUNTY, RegionLevel.TOWNSHIP},
    Role.COUNTY_OFFICIAL: {RegionLevel.COUNTY},
    Role.COUNTY_ADMIN: {RegionLevel.COUNTY},
    Role.SHOPKEEPER: {RegionLevel.VILLAGE, RegionLevel.TOWNSHIP},
    Role.CREDIT_PARTNER: {RegionLevel.COUNTY, RegionLevel.TOWNSHIP},
    Role.VILLAGE_SUPERVISOR: {RegionLevel.VILLAGE},
}


def check_new_user(*, username: str, phone: str = "") -> tuple[str, str, dict[str, str]]:
    """The username and phone as a new account would keep them, and what is wrong with them (field → message): an
    empty or taken username, a malformed phone or one another account uses. user_create refuses by it; the bulk
    import (accounts.importing) checks each row by it before writing anything."""
    username = (username or "").strip()
    errors = {}
    if not username:
        errors["username"] = _("The username is required.")
    elif User.objects.filter(username=username).exists():
        errors["username"] = _("This username is taken.")
    if phone:
        try:
            phone = normalize_phone(phone)
        except ValueError as exc:
            errors["phone"] = str(exc)
        else:
            if User.objects.filter(phone_digest=crypto.digest(phone)).exists():
                errors["phone"] = _("Another account already uses this phone number.")
    return username, phone, errors


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    password: str,
    display_name: str = "",
    phone: str = "",
    is_system: bool = False,
    hashed: bool = False,
) -> User:
    """Create an account. ``is_system`` is for management commands (seed data), which have no actor. With ``hashed``
    the password is already the output of make_password for a password the caller checked with validate_password
    (the bulk import hashes its passwords before its transaction, so the write lock is not held while hashing)."""
    if not is_system:
        scope.require(actor, Action.ACCOUNTS_MANAGE)
    username, phone, errors = check_new_user(username=username, phone=phone)
    user = User(username=username, display_name=(display_name or "").strip())
    if not is_system and not hashed:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            errors["password"] = " ".join(exc.messages)
    if errors:
        raise DomainError(errors)
    if hashed:
        identify_hasher(password)  # ValueError for anything but a hash of a configured hasher: a caller's mistake
        user.password = password
    else:
        user.set_password(password)
    user.set_phone(phone)
    user.save()
    audit.record(
        actor, "accounts.user.create", user, after=audit.snapshot(user, ["username", "display_name", "phone_masked"])
    )
    return user


def check_role_grant(*, actor, role: str, region, grid=None, household=None, is_system: bool = False) -> None:
    """What role_assign refuses, without writing anything: DomainError (field → message) when the role, the level of
    the region, the grid or the household does not fit; NotFound when the region is outside the actor's scope. The
    bulk import (accounts.importing) checks each row by it."""
    if role not in Role.values:
        raise DomainError({"role": _("Unknown role.")})
    if region.level not in ROLE_LEVELS[role]:
        raise DomainError({"region": _("This role is granted on a region of another level.")})
    if not is_system and not scope.region_in_scope(actor, Action.ACCOUNTS_MANAGE, region):
        raise NotFound()
    if grid is not None and grid.village_id != region.pk:
        raise DomainError({"grid": _("The grid does not belong to this village.")})
    if household is not None and household.village_id != region.pk:
        raise DomainError({"household": _("The household does not belong to this village.")})
    if role == Role.VILLAGER and household is None:
        raise DomainError({"household": _("A villager account must be linked to a household.")})
    if role == Role.GRID_WORKER and grid is None:
        raise DomainError({"grid": _("A grid worker account must be linked to a grid.")})


@transaction.atomic
def role_assign(
    *, actor, user: User, role: str, region, grid=None, household=None, is_system: bool = False
) -> RoleAssignment:
    check_role_grant(actor=actor, role=role, region=region, grid=grid, household=household, is_system=is_system)
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=role, region=region, grid=grid, household=household
    )
    if created:
        audit.record(
            actor,
            "accounts.role.assign",
            user,
            region=region,
            after={
                "role": role,
                "region": region.pk,
                "grid": getattr(grid, "pk", None),
                "household": getattr(household, "pk", None),
            },
        )
    scope.forget_grants(user)
    return assignment


@transaction.atomic
def role_revoke(*, actor, assignment: RoleAssignment) -> None:
    if not scope.region_in_scope(actor, Action.ACCOUNTS_MANAGE, assignment.region):
        raise NotFound()
    before = {
        "role": assignment.role,
        "region": assignment.region_id,
        "grid": assignment.grid_id,
        "household": assignment.household_id,
    }
    user = assignment.user
    assignment.delete()
    audit.record(actor, "accounts.role.revoke", user, region=assignment.region, before=before)


@transaction.atomic
def api_token_issue(*, actor: User) -> str:
    """Issue a bearer token for the actor itself; the raw value is returned once and never stored."""
    token, raw = ApiToken.issue(actor)
    audit.record(
        actor, "accounts.token.issue", actor, after={"token_id": token.pk, "expires_at": token.expires_at.isoformat()}
    )
    return raw


def _manages_all_roles_of(actor, user: User) -> bool:
    assignments = list(user.assignments.select_related("region"))
    return bool(assignments) and all(
        scope.region_in_scope(actor, Action.ACCOUNTS_MANAGE, a.region) for a in assignments
    )


@transaction.atomic
def user_set_active(*, actor, user: User, active: bool) -> User:
    """Disable or re-enable an account; only an administrator of every region the account works in may."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not _manages_all_roles_of(actor, user):
        raise NotFound()
    if user.pk == actor.pk and not active:
        raise DomainError(_("You cannot disable your own account."))
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        if not active:
            user.api_tokens.all().delete()
        region = user.assignments.first().region
        audit.record(
            actor,
            "accounts.user.activate" if active else "accounts.user.deactivate",
            user,
            region=region,
            before={"is_active": not active},
            after={"is_active": active},
        )
    return user
