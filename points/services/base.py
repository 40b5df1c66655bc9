"""What every points write shares: decimals, the scope checks, the scheme under its lock, the villager's subject."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from core import audit, scope
from core.errors import DomainError, NotFound
from core.roles import Role
from points.models import (
    Scheme,
)
from points.subjects import Subject, subject_of
from regions.models import Region, RegionLevel

DEFAULT_RECORDERS = [Role.GRID_WORKER, Role.VILLAGE_CADRE, Role.REVIEWER]


def _decimal(value, field: str) -> Decimal:
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError({field: _("Enter a number.")}) from None
    if not result.is_finite() or abs(result) >= Decimal("10000000"):
        raise DomainError({field: _("Enter a number.")})
    return result.quantize(Decimal("0.01"))


def _require_in_village(actor, action: str, village: Region) -> None:
    if village is None or village.level != RegionLevel.VILLAGE:
        raise DomainError({"village": _("Choose a village.")})
    if not scope.region_in_scope(actor, action, village):
        raise NotFound()


def _create_placed(actor, row, village: Region, event: str):
    """Save a new row placed in the village (its county, township and village) with the audit event of its
    creation."""
    row.place_in(village)
    row.save()
    audit.record(actor, event, row, after=audit.snapshot(row))
    return row


def _scheme_locked(actor, action: str, scheme: Scheme) -> Scheme:
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    if not scope.in_scope(actor, action, scheme):
        raise NotFound()
    return scheme


def subject_for_actor(actor) -> Subject | None:
    """The household a villager account belongs to, as a points subject."""
    for household_id in scope.targets(actor, "household"):
        from registry.models import Household

        household = Household.objects.filter(pk=household_id).first()
        if household is not None:
            return subject_of(household)
    return None
