"""Registry endpoints. Same selectors and services as the pages, so scope and rules are the same."""

from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Schema

from core import scope
from core.api_types import Id, Latitude, Longitude, Page, PageSize
from core.errors import DomainError, NotFound
from core.roles import Action
from regions.models import Grid, Region
from registry import selectors, services
from registry.models import Tag

router = Router(tags=["registry"])


class TagOut(Schema):
    code: str
    name: str


class PersonOut(Schema):
    id: int
    household_id: int
    name: str
    gender: str
    birth_date: date | None
    relation: str
    id_number_masked: str
    phone_masked: str
    is_deceased: bool
    tags: list[TagOut]


class HouseholdRow(Schema):
    id: int
    number: str
    head_name: str
    village_id: int
    village_name: str
    grid_id: int | None
    grid_name: str | None
    group_id: int | None
    address: str
    member_count: int


class HouseholdOut(Schema):
    id: int
    number: str
    head_name: str
    village_id: int
    village_name: str
    township_id: int
    grid_id: int | None
    grid_name: str | None
    group_id: int | None
    address: str
    latitude: float | None
    longitude: float | None
    note: str
    members: list[PersonOut]


class HouseholdPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[HouseholdRow]


class HouseholdIn(Schema):
    village_id: Id
    number: str
    grid_id: Id | None = None
    group_id: Id | None = None
    address: str = ""
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    note: str = ""


class HouseholdPatch(Schema):
    number: str | None = None
    grid_id: Id | None = None
    group_id: Id | None = None
    address: str | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    note: str | None = None


class PersonIn(Schema):
    name: str
    gender: str = ""
    birth_date: date | None = None
    relation: str = "other"
    id_number: str = ""
    phone: str = ""
    tags: list[str] = []


class PersonPatch(Schema):
    name: str | None = None
    gender: str | None = None
    birth_date: date | None = None
    relation: str | None = None
    id_number: str | None = None
    phone: str | None = None
    tags: list[str] | None = None
    is_deceased: bool | None = None


class RevealOut(Schema):
    field: str
    value: str


class OrganizationOut(Schema):
    id: int
    name: str
    kind: str
    credit_code: str
    legal_representative: str
    contact_phone: str
    address: str
    village_id: int
    grid_id: int | None


class HouseholdFilters(Schema):
    """The filters of the household list (its page's search form), the same for the list and its export."""

    q: str = ""
    village_id: Id | None = None
    grid_id: Id | None = None
    tag: str = ""
    address: str = ""


def _row(h) -> dict:
    return {
        "id": h.pk,
        "number": h.number,
        "head_name": h.head_name,
        "village_id": h.village_id,
        "village_name": h.village.name,
        "grid_id": h.grid_id,
        "grid_name": h.grid.name if h.grid_id else None,
        "group_id": h.group_id,
        "address": h.address,
        "member_count": getattr(h, "member_count", 0),
    }


def _person(actor, p) -> dict:
    return {
        "id": p.pk,
        "household_id": p.household_id,
        "name": p.name,
        "gender": p.gender,
        "birth_date": p.birth_date,
        "relation": p.relation,
        "id_number_masked": p.id_number_masked,
        "phone_masked": p.phone_masked,
        "is_deceased": p.is_deceased,
        "tags": [{"code": t.code, "name": t.name} for t in selectors.visible_tags(actor, p)],
    }


def _household(actor, h) -> dict:
    data = _row(h)
    data.update(
        {
            "township_id": h.township_id,
            "latitude": h.latitude,
            "longitude": h.longitude,
            "note": h.note,
            "members": [_person(actor, p) for p in selectors.household_members(actor, h)],
        }
    )
    return data


def _grid(grid_id):
    if grid_id is None:
        return None
    try:
        return Grid.objects.get(pk=grid_id)
    except Grid.DoesNotExist:
        raise DomainError({"grid_id": _("The grid does not exist.")}) from None


def _region(region_id, field):
    if region_id is None:
        return None
    try:
        return Region.objects.get(pk=region_id)
    except Region.DoesNotExist:
        raise DomainError({field: _("The region does not exist.")}) from None


def _tags(codes):
    if codes is None:
        return None
    tags = list(Tag.objects.filter(code__in=codes))
    missing = set(codes) - {t.code for t in tags}
    if missing:
        raise DomainError({"tags": _("Unknown tags: %(tags)s") % {"tags": "、".join(sorted(missing))}})
    return tags


@router.get(
    "/households",
    response=HouseholdPage,
    summary=(
        gettext_lazy(
            "Search households in scope by name, number, ID number or phone (whole, or the last 4 digits of a phone / "
            "4 or 6 of an ID number), part of the address, grid or village"
        )
    ),
)
def household_list(request, filters: Query[HouseholdFilters], page: Page = 1, page_size: PageSize = 20):
    actor = request.auth
    if not (scope.can(actor, Action.REGISTRY_VIEW) or scope.can(actor, Action.REGISTRY_VIEW_OWN)):
        raise NotFound()
    page, page_size = max(page, 1), min(max(page_size, 1), 100)
    qs = selectors.household_search(actor, **filters.model_dump())
    rows = selectors.with_member_counts(qs[(page - 1) * page_size : page * page_size])
    return {"count": qs.count(), "page": page, "page_size": page_size, "items": [_row(h) for h in rows]}


@router.get(
    "/households/{int:household_id}", response=HouseholdOut, summary=gettext_lazy("One household with its members")
)
def household_detail(request, household_id: Id):
    return _household(request.auth, selectors.access_household(request.auth, household_id))


@router.post("/households", response={201: HouseholdOut}, summary=gettext_lazy("Register a household"))
def household_create(request, payload: HouseholdIn):
    village = _region(payload.village_id, "village_id")
    household = services.household_create(
        actor=request.auth,
        village=village,
        number=payload.number,
        grid=_grid(payload.grid_id),
        group=_region(payload.group_id, "group_id"),
        address=payload.address,
        latitude=payload.latitude,
        longitude=payload.longitude,
        note=payload.note,
    )
    return 201, _household(request.auth, selectors.access_household(request.auth, household.pk))


@router.patch("/households/{int:household_id}", response=HouseholdOut, summary=gettext_lazy("Change a household"))
def household_update(request, household_id: Id, payload: HouseholdPatch):
    household = selectors.access_household_for_change(request.auth, household_id)
    changes = payload.dict(exclude_unset=True)
    if "grid_id" in changes:
        changes["grid"] = _grid(changes.pop("grid_id"))
    if "group_id" in changes:
        changes["group"] = _region(changes.pop("group_id"), "group_id")
    services.household_update(actor=request.auth, household=household, **changes)
    return _household(request.auth, selectors.access_household(request.auth, household_id))


@router.post("/households/{int:household_id}/members", response={201: PersonOut}, summary=gettext_lazy("Add a member"))
def person_create(request, household_id: Id, payload: PersonIn):
    household = selectors.access_household_for_change(request.auth, household_id)
    data = payload.dict()
    data["tags"] = _tags(data["tags"])
    person = services.person_create(actor=request.auth, household=household, **data)
    return 201, _person(request.auth, person)


@router.get("/people", response=list[PersonOut], summary=gettext_lazy("Search residents in scope (at most 100)"))
def person_list(request, q: str = "", village_id: Id | None = None, address: str = ""):
    qs = selectors.person_search(request.auth, q=q, village_id=village_id, address=address).prefetch_related("tags")[
        :100
    ]
    return [_person(request.auth, p) for p in qs]


@router.get("/people/{int:person_id}", response=PersonOut, summary=gettext_lazy("One resident (identifiers masked)"))
def person_detail(request, person_id: Id):
    return _person(request.auth, selectors.access_person(request.auth, person_id))


@router.patch("/people/{int:person_id}", response=PersonOut, summary=gettext_lazy("Change a resident"))
def person_update(request, person_id: Id, payload: PersonPatch):
    person = selectors.access_person(request.auth, person_id)
    if not scope.in_scope(request.auth, Action.REGISTRY_CHANGE, person):
        raise NotFound()
    changes = payload.dict(exclude_unset=True)
    data = {
        "name": changes.get("name", person.name),
        "gender": changes.get("gender", person.gender),
        "birth_date": changes.get("birth_date", person.birth_date),
        "relation": changes.get("relation", person.relation),
        "id_number": changes.get("id_number"),
        "phone": changes.get("phone"),
        "tags": _tags(changes.get("tags")),
        "is_deceased": changes.get("is_deceased", person.is_deceased),
    }
    services.person_update(actor=request.auth, person=person, **data)
    return _person(request.auth, selectors.access_person(request.auth, person_id))


@router.post(
    "/people/{int:person_id}/reveal/{field}",
    response=RevealOut,
    summary=gettext_lazy("The full ID number or phone of a resident; every call is recorded in the audit trail"),
)
def person_reveal(request, person_id: Id, field: str):
    person = selectors.access_person(request.auth, person_id)
    return {"field": field, "value": services.person_reveal(actor=request.auth, person=person, field=field)}


@router.get("/organizations", response=list[OrganizationOut], summary=gettext_lazy("Organizations in scope"))
def organization_list(request, q: str = "", kind: str = ""):
    return list(selectors.organization_list(request.auth, q=q, kind=kind)[:500])


class OrganizationIn(Schema):
    village_id: Id
    name: str
    kind: str
    credit_code: str = ""
    legal_representative: str = ""
    contact_phone: str = ""
    address: str = ""
    grid_id: Id | None = None


class OrganizationPatch(Schema):
    name: str | None = None
    kind: str | None = None
    credit_code: str | None = None
    legal_representative: str | None = None
    contact_phone: str | None = None
    address: str | None = None
    grid_id: Id | None = None


@router.post("/organizations", response={201: OrganizationOut}, summary=gettext_lazy("Register an organization"))
def organization_create(request, payload: OrganizationIn):
    data = payload.dict()
    village = _region(data.pop("village_id"), "village_id")
    data["grid"] = _grid(data.pop("grid_id"))
    return 201, services.organization_create(actor=request.auth, village=village, **data)


@router.patch("/organizations/{int:org_id}", response=OrganizationOut, summary=gettext_lazy("Change an organization"))
def organization_update(request, org_id: Id, payload: OrganizationPatch):
    org = selectors.access_organization(request.auth, org_id)
    changes = payload.dict(exclude_unset=True)
    if "grid_id" in changes:
        changes["grid"] = _grid(changes.pop("grid_id"))
    return services.organization_update(actor=request.auth, organization=org, **changes)


class PartyMemberOut(Schema):
    id: int
    person_id: int
    name: str
    joined_on: date | None
    linked_household_ids: list[int]


class PartyBranchOut(Schema):
    id: int
    name: str
    village_id: int
    secretary_id: int | None
    members: list[PartyMemberOut]


def _branch(branch) -> dict:
    return {
        "id": branch.pk,
        "name": branch.name,
        "village_id": branch.village_id,
        "secretary_id": branch.secretary_id,
        "members": [
            {
                "id": m.pk,
                "person_id": m.person_id,
                "name": m.person.name,
                "joined_on": m.joined_on,
                "linked_household_ids": [h.pk for h in m.linked_households.all()],
            }
            for m in branch.members.all()
        ],
    }


@router.get(
    "/party-branches", response=list[PartyBranchOut], summary=gettext_lazy("Party branches in scope with members")
)
def party_branch_list(request):
    branches = selectors.party_branches(request.auth).prefetch_related("members__person", "members__linked_households")
    return [_branch(branch) for branch in branches]


class PartyBranchIn(Schema):
    village_id: Id
    name: str


class PartyBranchPatch(Schema):
    name: str
    secretary_id: Id | None = None


class PartyMemberIn(Schema):
    person_id: Id
    joined_on: date | None = None
    linked_household_ids: list[Id] = []


class PartyMemberPatch(Schema):
    joined_on: date | None = None
    linked_household_ids: list[Id] = []


def _changeable_branch(actor, branch_id: int):
    branch = selectors.access_party_branch(actor, branch_id)
    if not scope.in_scope(actor, Action.REGISTRY_CHANGE, branch):
        raise NotFound()
    return branch


def _branch_out(actor, branch_id: int) -> dict:
    return _branch(
        selectors.party_branches(actor)
        .prefetch_related("members__person", "members__linked_households")
        .get(pk=branch_id)
    )


def _linked(actor, branch, ids: list[int]) -> list:
    households = list(selectors.household_search(actor, village_id=branch.village_id).filter(pk__in=ids))
    if len(households) != len(set(ids)):
        raise DomainError({"linked_household_ids": _("Linked households must be in the branch's village.")})
    return households


@router.post("/party-branches", response={201: PartyBranchOut}, summary=gettext_lazy("Set up a party branch"))
def party_branch_create(request, payload: PartyBranchIn):
    village = _region(payload.village_id, "village_id")
    branch = services.party_branch_create(actor=request.auth, village=village, name=payload.name)
    return 201, _branch_out(request.auth, branch.pk)


@router.patch(
    "/party-branches/{int:branch_id}",
    response=PartyBranchOut,
    summary=gettext_lazy("Rename a party branch or name its secretary"),
)
def party_branch_update(request, branch_id: Id, payload: PartyBranchPatch):
    branch = _changeable_branch(request.auth, branch_id)
    secretary = None
    if payload.secretary_id is not None:
        secretary = selectors.party_member_people(request.auth, branch).filter(pk=payload.secretary_id).first()
        if secretary is None:
            raise DomainError({"secretary_id": _("The secretary must be a member of this branch.")})
    services.party_branch_update(actor=request.auth, branch=branch, name=payload.name, secretary=secretary)
    return _branch_out(request.auth, branch.pk)


@router.post(
    "/party-branches/{int:branch_id}/members",
    response={201: PartyBranchOut},
    summary=gettext_lazy("Add a party member"),
)
def party_member_create(request, branch_id: Id, payload: PartyMemberIn):
    branch = _changeable_branch(request.auth, branch_id)
    person = selectors.person_search(request.auth, village_id=branch.village_id).filter(pk=payload.person_id).first()
    if person is None:
        raise NotFound()
    services.party_member_add(
        actor=request.auth,
        branch=branch,
        person=person,
        joined_on=payload.joined_on,
        linked_households=_linked(request.auth, branch, payload.linked_household_ids),
    )
    return 201, _branch_out(request.auth, branch.pk)


@router.patch(
    "/party-branches/{int:branch_id}/members/{int:member_id}",
    response=PartyBranchOut,
    summary=gettext_lazy("Change a party member's date of joining or linked households"),
)
def party_member_update(request, branch_id: Id, member_id: Id, payload: PartyMemberPatch):
    branch = _changeable_branch(request.auth, branch_id)
    member = branch.members.filter(pk=member_id).first()
    if member is None:
        raise NotFound()
    services.party_member_update(
        actor=request.auth,
        member=member,
        joined_on=payload.joined_on,
        linked_households=_linked(request.auth, branch, payload.linked_household_ids),
    )
    return _branch_out(request.auth, branch.pk)
