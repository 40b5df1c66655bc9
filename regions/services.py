"""Writes to grids and their staff (the region tree itself is configured by the county administrator)."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext as _

from core import audit, scope
from core.errors import DomainError, NotFound
from core.roles import Action
from core.validators import normalize_phone
from regions import geometry
from regions.models import Grid, GridKind, GridStaff, GridStaffRole, Region, RegionLevel


def _check_grid(*, village: Region, code: str, name: str, kind: str, polygon, exclude_pk=None) -> tuple[dict, dict]:
    errors, cleaned = {}, {}
    cleaned["code"] = (code or "").strip()
    cleaned["name"] = (name or "").strip()
    if not cleaned["code"]:
        errors["code"] = _("The grid code is required.")
    elif Grid.objects.filter(code=cleaned["code"]).exclude(pk=exclude_pk).exists():
        errors["code"] = _("Grid code %(code)s is already used.") % {"code": cleaned["code"]}
    if not cleaned["name"]:
        errors["name"] = _("The name is required.")
    if kind not in GridKind.values:
        errors["kind"] = _("Choose a kind of grid.")
    try:
        cleaned["polygon"] = geometry.parse_polygon(polygon)
    except ValueError as exc:
        errors["polygon"] = str(exc)
    else:
        if cleaned["polygon"] and kind == GridKind.BASE:
            others = Grid.objects.filter(
                village__township_id=village.township_id, kind=GridKind.BASE, polygon__isnull=False, is_active=True
            ).exclude(pk=exclude_pk)
            clash = geometry.overlaps(cleaned["polygon"], [(g.name, g.polygon) for g in others])
            if clash:
                errors["polygon"] = _("The boundary overlaps: %(grids)s. Base grids may not overlap.") % {
                    "grids": "、".join(clash)
                }
    return cleaned, errors


@transaction.atomic
def grid_create(
    *,
    actor,
    village: Region,
    code: str,
    name: str,
    kind: str = GridKind.BASE,
    polygon=None,
    description: str = "",
    complaint_phone: str = "",
) -> Grid:
    if village is None or village.level != RegionLevel.VILLAGE:
        raise DomainError({"village": _("Choose a village.")})
    if not scope.region_in_scope(actor, Action.REGIONS_MANAGE, village):
        raise NotFound()
    cleaned, errors = _check_grid(village=village, code=code, name=name, kind=kind, polygon=polygon)
    if errors:
        raise DomainError(errors)
    grid = Grid(
        village=village,
        township_id=village.township_id,
        county_id=village.county_id,
        kind=kind,
        description=description.strip(),
        complaint_phone=complaint_phone.strip(),
        **cleaned,
    )
    if grid.polygon:
        grid.center_lat, grid.center_lng = geometry.centroid(grid.polygon)
    grid.save()
    audit.record(actor, "regions.grid.create", grid, after=audit.snapshot(grid, ["code", "name", "kind"]))
    return grid


@transaction.atomic
def grid_update(
    *,
    actor,
    grid: Grid,
    code: str,
    name: str,
    kind: str,
    polygon=None,
    description: str = "",
    complaint_phone: str = "",
    is_active: bool = True,
) -> Grid:
    grid = Grid.objects.select_for_update().select_related("village").get(pk=grid.pk)
    if not scope.in_scope(actor, Action.REGIONS_MANAGE, grid):
        raise NotFound()
    before = audit.snapshot(grid)
    cleaned, errors = _check_grid(
        village=grid.village, code=code, name=name, kind=kind, polygon=polygon, exclude_pk=grid.pk
    )
    if not is_active and grid.households.exists():
        errors["is_active"] = _("Move the households of this grid elsewhere before retiring it.")
    if errors:
        raise DomainError(errors)
    for key, value in cleaned.items():
        setattr(grid, key, value)
    grid.kind, grid.description, grid.complaint_phone = kind, description.strip(), complaint_phone.strip()
    grid.is_active = is_active
    grid.center_lat, grid.center_lng = geometry.centroid(grid.polygon) if grid.polygon else (None, None)
    grid.save()
    before, after = audit.diff(before, audit.snapshot(grid))
    audit.record(actor, "regions.grid.update", grid, before=before, after=after)
    return grid


@transaction.atomic
def grid_staff_add(*, actor, grid: Grid, name: str, role: str, phone: str = "", user=None) -> GridStaff:
    if not scope.in_scope(actor, Action.REGIONS_MANAGE, grid):
        raise NotFound()
    errors = {}
    if not (name or "").strip():
        errors["name"] = _("The name is required.")
    if role not in GridStaffRole.values:
        errors["role"] = _("Choose a grid role.")
    if phone:
        try:
            phone = normalize_phone(phone)
        except ValueError as exc:
            errors["phone"] = str(exc)
    if errors:
        raise DomainError(errors)
    staff = GridStaff.objects.create(grid=grid, name=name.strip(), role=role, phone=phone, user=user)
    audit.record(actor, "regions.grid_staff.add", grid, after={"name": staff.name, "role": role, "phone": phone})
    return staff


@transaction.atomic
def grid_staff_remove(*, actor, staff: GridStaff) -> None:
    grid = staff.grid
    if not scope.in_scope(actor, Action.REGIONS_MANAGE, grid):
        raise NotFound()
    before = {"name": staff.name, "role": staff.role, "phone": staff.phone}
    staff.delete()
    audit.record(actor, "regions.grid_staff.remove", grid, before=before)


CHILD_LEVEL = {
    RegionLevel.COUNTY: RegionLevel.TOWNSHIP,
    RegionLevel.TOWNSHIP: RegionLevel.VILLAGE,
    RegionLevel.VILLAGE: RegionLevel.GROUP,
}


COUNTY_CODE = re.compile(r"^\d{6}$")


@transaction.atomic
def county_create(*, name: str, code: str, note: str = "") -> Region:
    """Add a county, the root of a region tree: by the system only (``manage.py create_county`` at installation),
    since no account can be in scope of a county that does not exist yet. Every app's defaults are installed for it
    in the same transaction (regions.apps, core.plugins.CountySetup); the audit event names no actor."""
    errors = {}
    name, code = (name or "").strip(), (code or "").strip()
    if not name:
        errors["name"] = _("The name is required.")
    elif len(name) > Region._meta.get_field("name").max_length:
        errors["name"] = _("The name is too long.")
    if not COUNTY_CODE.match(code):
        errors["code"] = _("A county's code is its 6-digit administrative division code, e.g. 510422.")
    elif Region.objects.filter(code=code).exists():
        errors["code"] = _("Code %(code)s is already used.") % {"code": code}
    if errors:
        raise DomainError(errors)
    county = Region.objects.create(name=name, code=code, level=RegionLevel.COUNTY, parent=None, kind_label="县")
    county.county_id = county.pk  # a region carries itself at its own level (see Region.ancestor_ids)
    county.save(update_fields=["county"])
    audit.record(
        None, "regions.region.create", county, after={"name": name, "code": code, "level": county.level}, note=note
    )
    return county


@transaction.atomic
def region_create(*, actor, parent: Region, name: str, code: str, kind_label: str = "") -> Region:
    """Add a township under a county, a village under a township or a village group under a village."""
    if parent.level not in CHILD_LEVEL:
        raise DomainError(_("A village group has no subdivisions."))
    if not scope.region_in_scope(actor, Action.REGIONS_MANAGE, parent):
        raise NotFound()
    level = CHILD_LEVEL[parent.level]
    if level != RegionLevel.GROUP and not scope.region_in_scope(actor, Action.ACCOUNTS_MANAGE, parent):
        # Townships and villages are set up by the county administrator; villages add their own groups.
        raise NotFound()
    errors = {}
    name, code = (name or "").strip(), (code or "").strip()
    if not name:
        errors["name"] = _("The name is required.")
    elif Region.objects.filter(parent=parent, name=name).exists():
        errors["name"] = _("%(name)s already exists here.") % {"name": name}
    if not code:
        errors["code"] = _("The code is required.")
    elif Region.objects.filter(code=code).exists():
        errors["code"] = _("Code %(code)s is already used.") % {"code": code}
    if errors:
        raise DomainError(errors)
    region = Region(
        name=name,
        code=code,
        level=level,
        parent=parent,
        kind_label=kind_label.strip(),
        county_id=parent.county_id,
        township_id=parent.township_id,
        village_id=parent.village_id,
    )
    region.save()
    # A region carries itself at its own level (see Region.ancestor_ids).
    if level in (RegionLevel.TOWNSHIP, RegionLevel.VILLAGE):
        setattr(region, f"{level}_id", region.pk)
        region.save(update_fields=[f"{level}_id"])
    audit.record(actor, "regions.region.create", region, after={"name": name, "code": code, "level": level})
    return region


@transaction.atomic
def region_rename(*, actor, region: Region, name: str) -> Region:
    region = Region.objects.select_for_update().get(pk=region.pk)
    target = region.parent if region.level == RegionLevel.GROUP else region
    if target is None or not scope.region_in_scope(actor, Action.REGIONS_MANAGE, target):
        raise NotFound()
    if region.level != RegionLevel.GROUP and not scope.region_in_scope(actor, Action.ACCOUNTS_MANAGE, region):
        raise NotFound()
    name = (name or "").strip()
    if not name:
        raise DomainError({"name": _("The name is required.")})
    if Region.objects.filter(parent=region.parent, name=name).exclude(pk=region.pk).exists():
        raise DomainError({"name": _("%(name)s already exists here.") % {"name": name}})
    before = {"name": region.name}
    region.name = name
    region.save(update_fields=["name"])
    audit.record(actor, "regions.region.rename", region, before=before, after={"name": name})
    return region
