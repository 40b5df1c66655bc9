"""The county's ledger categories: the default set, adding and changing one."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, scope
from core.errors import DomainError, NotFound
from core.fields import clean_text as _text
from core.roles import Action
from finance import rules
from finance.models import (
    Category,
    Direction,
)
from finance.services.common import (
    county_scope,
)
from regions.models import Region, RegionLevel

# -- categories -----------------------------------------------------------------------------------------------


def category_install_defaults(*, actor=None, county: Region) -> int:
    """Install the default categories of a county once (idempotent); returns how many were created. Run when the
    county is created (finance.plug) and by the data migration for the counties that exist; never on a read."""
    if county is None or county.level != RegionLevel.COUNTY:
        raise NotFound()
    created = 0
    with transaction.atomic():
        Region.objects.select_for_update().filter(pk=county.pk).first()
        if Category.objects.filter(county=county).exists():
            return 0
        by_code: dict[str, Category] = {}
        for code, name, parent, welfare in rules.DEFAULT_CATEGORIES:
            by_code[code] = Category.objects.create(
                county=county,
                direction=rules.direction_of(code),
                code=code,
                name=name,
                parent=by_code.get(parent) if parent else None,
                is_welfare=welfare,
                updated_by=actor if getattr(actor, "pk", None) else None,
            )
            created += 1
        audit.record(
            actor,
            "finance.category.install",
            None,
            after={"categories": created},
            region=county_scope(county),
            target_label="",
        )
    return created


def category_save(
    *, actor, county: Region, code, name, parent=None, direction=None, is_welfare=False, is_active=True, category=None
) -> Category:
    """Add a category (a top level one with its direction, or a sub-category of one) or change one.
    The code of an existing category and its place do not change (entries point at it)."""
    if county is None or county.level != RegionLevel.COUNTY:
        raise NotFound()
    if not scope.region_in_scope(actor, Action.FINANCE_CONFIGURE, county) and not _configures_in(actor, county):
        raise NotFound()
    name = _text(name, "name", max_length=40)
    with transaction.atomic():
        if category is not None:
            locked = Category.objects.select_for_update().filter(pk=getattr(category, "pk", category)).first()
            if locked is None or locked.county_id != county.pk:
                raise NotFound()
            before = audit.snapshot(locked, Category.FIELDS)
            if not is_active and locked.parent_id is None and locked.children.filter(is_active=True).exists():
                raise DomainError({"is_active": _("Stop using its sub-categories first.")})
            locked.name, locked.is_welfare, locked.is_active = name, bool(is_welfare), bool(is_active)
            locked.updated_by, locked.updated_at = actor, timezone.now()
            locked.save()
            old, new = audit.diff(before, audit.snapshot(locked, Category.FIELDS))
            if new:
                audit.record(actor, "finance.category.change", locked, before=old, after=new, region=county)
            return locked
        code = _text(code, "code", max_length=12)
        if not code.isdigit():
            raise DomainError({"code": _("A category code is made of digits, e.g. 60204.")})
        parent_row = None
        if parent not in (None, ""):
            parent_row = Category.objects.filter(pk=getattr(parent, "pk", parent), county=county).first()
            if parent_row is None:
                raise DomainError({"parent": _("Choose a category.")})
            if parent_row.parent_id is not None:
                raise DomainError({"parent": _("A sub-category belongs to a top-level category.")})
            if not code.startswith(parent_row.code):
                raise DomainError(
                    {
                        "code": _("A sub-category's code starts with its parent's (%(code)s).")
                        % {"code": parent_row.code}
                    }
                )
            direction = parent_row.direction
        elif direction not in Direction.values:
            raise DomainError({"direction": _("Choose income or expense.")})
        if Category.objects.filter(county=county, code=code).exists():
            raise DomainError({"code": _("The code %(code)s is already used.") % {"code": code}})
        row = Category.objects.create(
            county=county,
            direction=direction,
            code=code,
            name=name,
            parent=parent_row,
            is_welfare=bool(is_welfare),
            is_active=True,
            updated_by=actor,
        )
        audit.record(actor, "finance.category.add", row, after=audit.snapshot(row, Category.FIELDS), region=county)
        return row


def _configures_in(actor, county: Region) -> bool:
    """A township's 农经站 (FINANCE_CONFIGURE on a township) keeps its county's categories too."""
    return county.pk in scope.county_ids(actor, Action.FINANCE_CONFIGURE)
