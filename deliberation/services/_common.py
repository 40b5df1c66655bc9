"""What the writes of 议事协商 share: input checks, the village and the locks in scope, the actor's household."""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import scope
from core.errors import DomainError, NotFound
from core.roles import Action
from regions.models import Region, RegionLevel
from registry.models import Household

# -- checks ---------------------------------------------------------------------------------------------------


def _check(errors: dict, check, *args, **kwargs):
    """``check(*args, **kwargs)`` (a field's check: ``_text``, ``_date``); a refusal's per-field messages go into
    ``errors`` instead, so the write refuses every mistake at once, and the value is None."""
    try:
        return check(*args, **kwargs)
    except DomainError as exc:
        errors.update(exc.message_dict)
        return None


def _village(actor, village, action: str) -> Region:
    if village is None or getattr(village, "level", None) != RegionLevel.VILLAGE:
        raise NotFound()
    if not scope.region_in_scope(actor, action, village):
        raise NotFound()
    return village


def household_of(actor, village_id: int, action: str = Action.DELIBERATION_PROPOSE) -> Household | None:
    """The actor's own household in the village (a villager's household grant), or None."""
    ids = scope.targets(actor, "household", action)
    return Household.objects.filter(pk__in=ids, village_id=village_id).order_by("pk").first() if ids else None


def _manages(actor, row) -> bool:
    return scope.in_scope(actor, Action.DELIBERATION_MANAGE, row)


def _lock(model, actor, obj, action: str = Action.DELIBERATION_MANAGE):
    locked = model.objects.select_for_update().filter(pk=getattr(obj, "pk", obj)).first()
    if locked is None or not scope.in_scope(actor, action, locked):
        raise NotFound()
    return locked


def _lock_for_household(model, actor, case, action: str = Action.DELIBERATION_PROPOSE):
    """The case locked, and the actor's own household in its village (a household signs); NotFound without either."""
    locked = model.objects.select_for_update().filter(pk=case.pk).first()
    if locked is None:
        raise NotFound()
    household = household_of(actor, locked.village_id, action)
    if household is None:
        raise NotFound()
    return locked, household


def _create_once(model, duplicate: str, *, key: dict, **fields):
    """A row a household makes once (its co-signature, its consent): ``duplicate`` refuses a second one, checked first
    and again by the unique constraint when two requests race."""
    if model.objects.filter(**key).exists():
        raise DomainError(duplicate, code="duplicate")
    try:
        with transaction.atomic():
            return model.objects.create(**key, **fields)
    except IntegrityError:
        raise DomainError(duplicate, code="duplicate") from None


def _person_name(actor) -> str:
    from registry.models import Person

    person = Person.objects.filter(user=actor).only("name").first()
    return (person.name if person else (getattr(actor, "display_name", "") or actor.get_username()))[:50]


def _date(value, field: str) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except (TypeError, ValueError):
        raise DomainError({field: _("Give a date, e.g. 2026-06-01.")}) from None
