"""Writes to the registry. Each function checks the actor's scope, runs in one transaction and
records an audit event; invalid input raises DomainError with messages in Chinese per field.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core import audit, crypto, scope
from core.errors import DomainError, NotFound, PermissionDenied
from core.maps import in_china
from core.roles import Action
from core.validators import normalize_phone, parse_id_number
from regions.models import Grid, Region, RegionLevel
from registry.models import (
    Gender,
    Household,
    Organization,
    OrganizationKind,
    PartyBranch,
    PartyMember,
    Person,
    Relation,
    Tag,
)

HOUSEHOLD_FIELDS = ["number", "grid", "group", "address", "latitude", "longitude", "note"]
PERSON_FIELDS = ["name", "gender", "birth_date", "relation", "is_deceased"]


def _require_village(actor, village: Region, grid: Grid | None = None, action: str = Action.REGISTRY_CHANGE) -> None:
    """The actor may write in the village, or (grid workers) in the given grid of it."""
    if village is None or village.level != RegionLevel.VILLAGE:
        raise DomainError({"village": _("Choose a village.")})
    by_grid = grid is not None and grid.village_id == village.pk and scope.in_scope(actor, action, grid)
    if not by_grid and not scope.region_in_scope(actor, action, village):
        if scope.can(actor, action):
            raise NotFound()
        raise PermissionDenied()


def _create_in(actor, row, village: Region, action: str):
    """A new row placed in the village, saved, its creation recorded (``action``, e.g. registry.household.create)."""
    row.place_in(village)
    row.save()
    audit.record(actor, action, row, after=audit.snapshot(row))
    return row


def _locked(actor, rows, pk):
    """The row of ``rows`` (a manager or queryset), locked for the change, if the actor may change it (else 404)."""
    row = rows.select_for_update().get(pk=pk)
    if not scope.in_scope(actor, Action.REGISTRY_CHANGE, row):
        raise NotFound()
    return row


def _save_change(actor, row, before: dict, action: str):
    """Save the changed row and record what changed since ``before`` (its snapshot) under ``action``."""
    row.save()
    before, after = audit.diff(before, audit.snapshot(row))
    audit.record(actor, action, row, before=before, after=after)
    return row


def _check_household(household: Household, village: Region) -> dict:
    """What is wrong with the household's number (required, once in the village) and place."""
    errors = {}
    grid, group, latitude, longitude = household.grid, household.group, household.latitude, household.longitude
    if grid is not None and grid.village_id != village.pk:
        errors["grid"] = _("The grid does not belong to this village.")
    if group is not None and (group.level != RegionLevel.GROUP or group.parent_id != village.pk):
        errors["group"] = _("The village group does not belong to this village.")
    errors.update(in_china(latitude, longitude))
    number = household.number
    if not number:
        errors["number"] = _("The household number is required.")
    elif Household.objects.filter(village_id=village.pk, number=number).exclude(pk=household.pk).exists():
        errors["number"] = _("Household number %(number)s already exists in this village.") % {"number": number}
    return errors


@transaction.atomic
def household_create(
    *,
    actor,
    village: Region,
    number: str,
    grid: Grid | None = None,
    group: Region | None = None,
    address: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    note: str = "",
) -> Household:
    _require_village(actor, village, grid)
    household = Household(
        number=(number or "").strip(),
        grid=grid,
        group=group,
        address=address.strip(),
        latitude=latitude,
        longitude=longitude,
        note=note.strip(),
    )
    errors = _check_household(household, village)
    if errors:
        raise DomainError(errors)
    return _create_in(actor, household, village, "registry.household.create")


@transaction.atomic
def household_update(*, actor, household: Household, **changes) -> Household:
    household = _locked(actor, Household.objects, household.pk)
    unknown = set(changes) - set(HOUSEHOLD_FIELDS)
    if unknown:
        raise DomainError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    before = audit.snapshot(household)
    for key, value in changes.items():
        setattr(household, key, value.strip() if isinstance(value, str) else value)
    errors = _check_household(household, household.village)
    if (
        "grid" in changes
        and household.grid is not None
        and not scope.in_scope(actor, Action.REGISTRY_CHANGE, household)
    ):
        errors["grid"] = _("You cannot move a household into a grid outside your scope.")
    if errors:
        raise DomainError(errors)
    return _save_change(actor, household, before, "registry.household.update")


def _clean_person(
    *,
    household: Household,
    name: str,
    gender: str,
    birth_date: date | None,
    relation: str,
    id_number: str,
    phone: str,
    exclude_pk: int | None = None,
) -> tuple[dict, dict]:
    """Validate a resident's fields; returns (cleaned, errors)."""
    errors: dict[str, str] = {}
    cleaned: dict = {"name": (name or "").strip(), "relation": relation or Relation.OTHER}
    if not cleaned["name"]:
        errors["name"] = _("The name is required.")
    elif len(cleaned["name"]) > 50:
        errors["name"] = _("The name is too long.")
    if cleaned["relation"] not in Relation.values:
        errors["relation"] = _("Choose a relation to the head of household.")
    id_number = (id_number or "").strip().upper()
    cleaned["id_number"] = id_number
    cleaned["gender"] = gender
    cleaned["birth_date"] = birth_date
    if id_number:
        try:
            info = parse_id_number(id_number)
        except ValueError as exc:
            errors["id_number"] = str(exc)
        else:
            if gender and gender != info.gender:
                errors["gender"] = _("The gender does not match the ID number.")
            if birth_date and birth_date != info.birth_date:
                errors["birth_date"] = _("The birth date does not match the ID number.")
            cleaned["gender"] = gender or info.gender
            cleaned["birth_date"] = birth_date or info.birth_date
            duplicate = Person.objects.filter(id_number_digest=crypto.digest(id_number))
            if exclude_pk:
                duplicate = duplicate.exclude(pk=exclude_pk)
            if duplicate.exists():
                errors["id_number"] = _("A resident with this ID number is already registered.")
    if cleaned["gender"] not in Gender.values and "id_number" not in errors:
        errors.setdefault("gender", _("Choose a gender."))
    if cleaned["birth_date"] and cleaned["birth_date"] > date.today():
        errors.setdefault("birth_date", _("The birth date is in the future."))
    cleaned["phone"] = ""
    if phone:
        try:
            cleaned["phone"] = normalize_phone(phone)
        except ValueError as exc:
            errors["phone"] = str(exc)
    if cleaned["relation"] == Relation.HEAD:
        heads = household.members.filter(relation=Relation.HEAD)
        if exclude_pk:
            heads = heads.exclude(pk=exclude_pk)
        if heads.exists():
            errors["relation"] = _("This household already has a head.")
    return cleaned, errors


def _allowed_tags(actor, household: Household, tags: list[Tag] | None) -> list[Tag]:
    tags = list(tags or [])
    if any(t.restricted for t in tags) and not scope.in_scope(actor, Action.VIEW_RESTRICTED_TAGS, household):
        raise DomainError({"tags": _("You may not assign restricted tags.")})
    return tags


def _refresh_head_name(household: Household) -> None:
    head = household.members.filter(relation=Relation.HEAD).order_by("id").first()
    name = head.name if head else ""
    if household.head_name != name:
        household.head_name = name
        household.save(update_fields=["head_name", "updated_at"])


def _person_snapshot(person: Person) -> dict:
    data = audit.snapshot(person)
    data["tags"] = sorted(t.code for t in person.tags.all())
    return data


@transaction.atomic
def person_create(
    *,
    actor,
    household: Household,
    name: str,
    gender: str = "",
    birth_date: date | None = None,
    relation: str = Relation.OTHER,
    id_number: str = "",
    phone: str = "",
    tags: list[Tag] | None = None,
) -> Person:
    household = _locked(actor, Household.objects, household.pk)
    cleaned, errors = _clean_person(
        household=household,
        name=name,
        gender=gender,
        birth_date=birth_date,
        relation=relation,
        id_number=id_number,
        phone=phone,
    )
    if errors:
        raise DomainError(errors)
    tags = _allowed_tags(actor, household, tags)
    person = Person(
        household=household,
        name=cleaned["name"],
        gender=cleaned["gender"],
        birth_date=cleaned["birth_date"],
        relation=cleaned["relation"],
    )
    person.county_id, person.township_id, person.village_id = (
        household.county_id,
        household.township_id,
        household.village_id,
    )
    person.set_id_number(cleaned["id_number"])
    person.set_phone(cleaned["phone"])
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        raise DomainError({"id_number": _("A resident with this ID number is already registered.")}) from None
    person.tags.set(tags)
    _refresh_head_name(household)
    audit.record(actor, "registry.person.create", person, after=_person_snapshot(person))
    return person


@transaction.atomic
def person_update(
    *,
    actor,
    person: Person,
    name: str,
    gender: str = "",
    birth_date: date | None = None,
    relation: str = Relation.OTHER,
    id_number: str | None = None,
    phone: str | None = None,
    tags: list[Tag] | None = None,
    is_deceased: bool = False,
) -> Person:
    """Update a resident. ``id_number``/``phone`` of None keep the stored value."""
    person = _locked(actor, Person.objects.select_related("household"), person.pk)
    before = _person_snapshot(person)
    current_id = person.id_number if id_number is None else id_number
    current_phone = person.phone if phone is None else phone
    cleaned, errors = _clean_person(
        household=person.household,
        name=name,
        gender=gender,
        birth_date=birth_date,
        relation=relation,
        id_number=current_id,
        phone=current_phone,
        exclude_pk=person.pk,
    )
    if errors:
        raise DomainError(errors)
    if tags is not None:
        tags = _allowed_tags(actor, person.household, tags)
        if not scope.in_scope(actor, Action.VIEW_RESTRICTED_TAGS, person):
            # Keep restricted tags the actor cannot see; they are not theirs to remove.
            tags += [t for t in person.tags.all() if t.restricted]
    person.name, person.gender, person.birth_date = cleaned["name"], cleaned["gender"], cleaned["birth_date"]
    person.relation, person.is_deceased = cleaned["relation"], bool(is_deceased)
    if id_number is not None:
        person.set_id_number(cleaned["id_number"])
    if phone is not None:
        person.set_phone(cleaned["phone"])
    person.save()
    if tags is not None:
        person.tags.set(tags)
    _refresh_head_name(person.household)
    before, after = audit.diff(before, _person_snapshot(person))
    audit.record(actor, "registry.person.update", person, before=before, after=after)
    return person


REVEALABLE = {"id_number": Action.REVEAL_ID_NUMBER, "phone": Action.REVEAL_PHONE}


@transaction.atomic
def person_reveal(*, actor, person: Person, field: str) -> str:
    """Return the full ID number or phone of a resident and record that it was seen."""
    if field not in REVEALABLE:
        raise DomainError(_("This field cannot be revealed."))
    if not scope.in_scope(actor, REVEALABLE[field], person):
        raise PermissionDenied()
    value = getattr(person, field)
    audit.record(actor, f"registry.person.reveal_{field}", person, note=_("Full value viewed"))
    return value


def _clean_organization(
    village: Region, name: str, kind: str, credit_code: str, contact_phone: str, grid: Grid | None
) -> dict:
    errors = {}
    if not (name or "").strip():
        errors["name"] = _("The name is required.")
    if kind not in OrganizationKind.values:
        errors["kind"] = _("Choose a kind of organization.")
    if credit_code and len(credit_code.strip()) != 18:
        errors["credit_code"] = _("A unified social credit code has 18 characters.")
    if contact_phone:
        try:
            normalize_phone(contact_phone)
        except ValueError as exc:
            errors["contact_phone"] = str(exc)
    if grid is not None and grid.village_id != village.pk:
        errors["grid"] = _("The grid does not belong to this village.")
    return errors


@transaction.atomic
def organization_create(
    *,
    actor,
    village: Region,
    name: str,
    kind: str,
    credit_code: str = "",
    legal_representative: str = "",
    contact_phone: str = "",
    address: str = "",
    grid: Grid | None = None,
) -> Organization:
    _require_village(actor, village, grid)
    errors = _clean_organization(village, name, kind, credit_code, contact_phone, grid)
    if errors:
        raise DomainError(errors)
    org = Organization(
        name=name.strip(),
        kind=kind,
        credit_code=credit_code.strip().upper(),
        legal_representative=legal_representative.strip(),
        contact_phone=contact_phone.strip(),
        address=address.strip(),
        grid=grid,
    )
    return _create_in(actor, org, village, "registry.organization.create")


@transaction.atomic
def organization_update(*, actor, organization: Organization, **changes) -> Organization:
    org = _locked(actor, Organization.objects, organization.pk)
    before = audit.snapshot(org)
    for key in ("name", "kind", "credit_code", "legal_representative", "contact_phone", "address", "grid"):
        if key in changes:
            value = changes[key]
            setattr(org, key, value.strip() if isinstance(value, str) else value)
    errors = _clean_organization(org.village, org.name, org.kind, org.credit_code, org.contact_phone, org.grid)
    if errors:
        raise DomainError(errors)
    return _save_change(actor, org, before, "registry.organization.update")


@transaction.atomic
def party_branch_create(*, actor, village: Region, name: str, secretary: Person | None = None) -> PartyBranch:
    _require_village(actor, village)
    errors = {}
    if not (name or "").strip():
        errors["name"] = _("The name is required.")
    if secretary is not None and secretary.village_id != village.pk:
        errors["secretary"] = _("The secretary must be a resident of this village.")
    if errors:
        raise DomainError(errors)
    return _create_in(
        actor, PartyBranch(name=name.strip(), secretary=secretary), village, "registry.party_branch.create"
    )


@transaction.atomic
def party_branch_update(*, actor, branch: PartyBranch, name: str, secretary: Person | None = None) -> PartyBranch:
    branch = _locked(actor, PartyBranch.objects, branch.pk)
    errors = {}
    if not (name or "").strip():
        errors["name"] = _("The name is required.")
    if secretary is not None and not PartyMember.objects.filter(branch=branch, person=secretary).exists():
        errors["secretary"] = _("The secretary must be a member of this branch.")
    if errors:
        raise DomainError(errors)
    before = audit.snapshot(branch)
    branch.name, branch.secretary = name.strip(), secretary
    return _save_change(actor, branch, before, "registry.party_branch.update")


def _check_linked(branch: PartyBranch, households: list[Household]) -> dict:
    if any(h.village_id != branch.village_id for h in households):
        return {"linked_households": _("Linked households must be in the branch's village.")}
    return {}


@transaction.atomic
def party_member_add(
    *,
    actor,
    branch: PartyBranch,
    person: Person,
    joined_on: date | None = None,
    linked_households: list[Household] | None = None,
) -> PartyMember:
    if not scope.in_scope(actor, Action.REGISTRY_CHANGE, branch):
        raise NotFound()
    linked = list(linked_households or [])
    errors = _check_linked(branch, linked)
    if person.village_id != branch.village_id:
        errors["person"] = _("The member must be a resident of this village.")
    elif PartyMember.objects.filter(person=person).exists():
        errors["person"] = _("This resident is already a party member.")
    if joined_on and joined_on > date.today():
        errors["joined_on"] = _("The date of joining is in the future.")
    if errors:
        raise DomainError(errors)
    member = PartyMember(person=person, branch=branch, joined_on=joined_on)
    member.place_in(branch.village)
    member.save()
    member.linked_households.set(linked)
    tag = Tag.objects.filter(code="party_member").first()
    if tag is not None:
        person.tags.add(tag)
    audit.record(
        actor,
        "registry.party_member.add",
        member,
        region=branch.village,
        after={"person": person.pk, "branch": branch.pk, "linked": sorted(h.pk for h in linked)},
    )
    return member


@transaction.atomic
def party_member_update(
    *, actor, member: PartyMember, joined_on: date | None, linked_households: list[Household]
) -> PartyMember:
    member = _locked(actor, PartyMember.objects.select_related("branch"), member.pk)
    errors = _check_linked(member.branch, linked_households)
    if joined_on and joined_on > date.today():
        errors["joined_on"] = _("The date of joining is in the future.")
    if errors:
        raise DomainError(errors)
    before = {
        "joined_on": _iso(member.joined_on),
        "linked": sorted(member.linked_households.values_list("pk", flat=True)),
    }
    member.joined_on = joined_on
    member.save(update_fields=["joined_on"])
    member.linked_households.set(linked_households)
    after = {"joined_on": _iso(joined_on), "linked": sorted(h.pk for h in linked_households)}
    audit.record(
        actor, "registry.party_member.update", member, region=member.branch.village, before=before, after=after
    )
    return member


def _iso(value):
    return value.isoformat() if value else None
