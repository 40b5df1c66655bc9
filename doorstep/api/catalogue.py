"""The county's service catalogue in the API (/api/doorstep): the items (with their versions), the "一件事一次办"
bundles and the list of certificates a village may issue. Reading is open to everyone working or living in the
county (villagers included) and its agents; the county administrator writes, through doorstep.catalogue (a change
of an item is a new version). Elsewhere or missing: 404; bad input: the service's Chinese message."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from django.utils import timezone
from django.utils.translation import gettext_lazy
from ninja import Field, Router, Schema

from core.api_types import MAX_INT, Id
from core.errors import NotFound, PermissionDenied
from doorstep import catalogue, catalogue_selectors
from doorstep.models import Bundle, CertificateKind, Item, ItemVersion

router = Router(tags=["doorstep"])

# the service refuses a time limit outside 1–365 working days with its own message; the schema's bounds only keep
# the number a number
Days = Annotated[int, Field(ge=-MAX_INT, le=MAX_INT)]


class CatalogueVersionOut(Schema):
    number: int
    name: str
    category: str
    category_label: str
    level: str
    level_label: str
    materials: list[str]
    time_limit_days: int
    place: str
    agent_may: bool
    online: bool
    fee: str
    free: bool
    legal_basis: str
    upstream_office: str
    notes: str
    created_at: str | None


class CatalogueItemOut(Schema):
    id: int
    county: int
    code: str
    admitted_on: date
    retired_on: date | None
    in_force: bool
    certificate: str | None
    current: CatalogueVersionOut


class CatalogueItemDetailOut(CatalogueItemOut):
    versions: list[CatalogueVersionOut]


class CatalogueItemIn(Schema):
    county: Id | None = None
    code: str = Field(max_length=100)
    name: str = Field(max_length=200)
    category: str = Field(max_length=40)
    level: str = Field(max_length=40)
    materials: list[Annotated[str, Field(max_length=200)]] = Field(default_factory=list, max_length=200)
    time_limit_days: Days
    place: str = Field("", max_length=300)
    agent_may: bool = True
    online: bool = True
    fee: str = Field("", max_length=200)
    legal_basis: str = Field("", max_length=600)
    upstream_office: str = Field("", max_length=200)
    notes: str = Field("", max_length=1000)
    admitted_on: date | None = None
    certificate: str | None = Field(None, max_length=40, description="the code of a certificate on the county's list")


class CatalogueChangeIn(Schema):
    """What changes (a field left out stays as it is)."""

    name: str | None = Field(None, max_length=200)
    category: str | None = Field(None, max_length=40)
    level: str | None = Field(None, max_length=40)
    materials: list[Annotated[str, Field(max_length=200)]] | None = Field(None, max_length=200)
    time_limit_days: Days | None = None
    place: str | None = Field(None, max_length=300)
    agent_may: bool | None = None
    online: bool | None = None
    fee: str | None = Field(None, max_length=200)
    legal_basis: str | None = Field(None, max_length=600)
    upstream_office: str | None = Field(None, max_length=200)
    notes: str | None = Field(None, max_length=1000)


class CatalogueRetireIn(Schema):
    retired_on: date | None = None


class CatalogueReadmitIn(Schema):
    admitted_on: date | None = None


class CatalogueBundleIn(Schema):
    county: Id | None = None
    code: str = Field(max_length=100)
    name: str = Field(max_length=200)
    description: str = Field("", max_length=600)
    items: list[Id] = Field(max_length=200)
    active: bool = True


class CatalogueBundleItem(Schema):
    id: int
    code: str
    name: str
    time_limit_days: int


class CatalogueBundleOut(Schema):
    id: int
    county: int
    code: str
    name: str
    description: str
    active: bool
    items: list[CatalogueBundleItem]
    materials: list[str]


class CatalogueCertificateKindIn(Schema):
    county: Id | None = None
    code: str = Field(max_length=100)
    name: str = Field(max_length=200)
    basis: str = Field("", max_length=600)
    admitted_on: date | None = None
    retired_on: date | None = None


class CatalogueCertificateKindOut(Schema):
    id: int
    county: int
    code: str
    name: str
    basis: str
    admitted_on: date
    retired_on: date | None
    in_force: bool


def _version(v: ItemVersion) -> dict:
    return {
        "number": v.number,
        "name": v.name,
        "category": v.category,
        "category_label": str(v.get_category_display()),
        "level": v.level,
        "level_label": str(v.get_level_display()),
        "materials": list(v.materials),
        "time_limit_days": v.time_limit_days,
        "place": v.place,
        "agent_may": v.agent_may,
        "online": v.online,
        "fee": v.fee,
        "free": v.free,
        "legal_basis": v.legal_basis,
        "upstream_office": v.upstream_office,
        "notes": v.notes,
        "created_at": v.created_at.isoformat() if v.created_at else None,
    }


def _item(item: Item, *, with_versions: bool = False) -> dict:
    out = {
        "id": item.pk,
        "county": item.county_id,
        "code": item.code,
        "admitted_on": item.admitted_on,
        "retired_on": item.retired_on,
        "in_force": item.in_force(timezone.localdate()),
        "certificate": item.certificate.code if item.certificate_id else None,
        "current": _version(item.current),
    }
    if with_versions:
        out["versions"] = [_version(v) for v in catalogue_selectors.versions(item)]
    return out


def _bundle(bundle: Bundle) -> dict:
    from doorstep.services import checklist

    listed = [i for i in bundle.items.select_related("current").order_by("order", "code") if i.current_id]
    return {
        "id": bundle.pk,
        "county": bundle.county_id,
        "code": bundle.code,
        "name": bundle.name,
        "description": bundle.description,
        "active": bundle.active,
        "items": [
            {"id": i.pk, "code": i.code, "name": i.current.name, "time_limit_days": i.current.time_limit_days}
            for i in listed
        ],
        "materials": checklist(listed),
    }


def _kind(kind: CertificateKind) -> dict:
    return {
        "id": kind.pk,
        "county": kind.county_id,
        "code": kind.code,
        "name": kind.name,
        "basis": kind.basis,
        "admitted_on": kind.admitted_on,
        "retired_on": kind.retired_on,
        "in_force": kind.in_force(timezone.localdate()),
    }


def _reading(request) -> None:
    if not catalogue_selectors.may_read(request.auth):
        raise PermissionDenied()


def _managed(request, county_id):
    """The county the caller keeps the catalogue of (``county`` when they keep several); 404 otherwise."""
    counties = list(catalogue_selectors.managed_counties(request.auth))
    county = next((c for c in counties if county_id in (None, c.pk)), None)
    if county is None:
        raise NotFound()
    return county


def _status(value: str) -> str:
    return value if value in catalogue_selectors.STATUSES else "current"


@router.get(
    "/catalogue",
    response=list[CatalogueItemOut],
    summary=gettext_lazy("The service catalogue of your county, by level, category and text"),
)
def catalogue_list(
    request,
    county: Id | None = None,
    level: str = "",
    category: str = "",
    q: str = "",
    status: str = "current",
    day: date | None = None,
):
    _reading(request)
    rows = catalogue_selectors.items(
        request.auth, county, level=level, category=category, text=q, status=_status(status), day=day
    )
    return [_item(i) for i in rows]


@router.get(
    "/catalogue/{int:item_id}",
    response=CatalogueItemDetailOut,
    summary=gettext_lazy("One item of the service catalogue with its versions"),
)
def catalogue_item(request, item_id: Id):
    _reading(request)
    return _item(catalogue_selectors.item_for(request.auth, item_id), with_versions=True)


@router.post(
    "/catalogue",
    response={201: CatalogueItemDetailOut},
    summary=gettext_lazy("Add an item to the county's service catalogue"),
)
def catalogue_create(request, payload: CatalogueItemIn):
    county = _managed(request, payload.county)
    item = catalogue.item_create(request.auth, county, **payload.dict(exclude={"county"}))
    return 201, _item(catalogue_selectors.item_for(request.auth, item.pk), with_versions=True)


class CatalogueInstallIn(Schema):
    county: Id | None = None
    admitted_on: date | None = None


class CatalogueInstallOut(Schema):
    certificate_kinds: int
    items: int
    bundles: int


@router.post(
    "/catalogue/install",
    response=CatalogueInstallOut,
    summary=gettext_lazy(
        "Install the default catalogue (what the county lacks, by code; what it has is left as it is)"
    ),
)
def catalogue_install(request, payload: CatalogueInstallIn):
    from doorstep import defaults

    county = _managed(request, payload.county)
    return defaults.install(county, actor=request.auth, today=payload.admitted_on)


@router.post(
    "/catalogue/{int:item_id}/versions",
    response={201: CatalogueItemDetailOut},
    summary=gettext_lazy("Change a service item: a new version (requests made keep theirs)"),
)
def catalogue_change(request, item_id: Id, payload: CatalogueChangeIn):
    item = catalogue_selectors.item_for(request.auth, item_id)  # the service refuses another's county (404)
    changes = {k: v for k, v in payload.dict().items() if v is not None}
    catalogue.item_change(request.auth, item, **changes)
    return 201, _item(catalogue_selectors.item_for(request.auth, item.pk), with_versions=True)


@router.post(
    "/catalogue/{int:item_id}/retire",
    response=CatalogueItemOut,
    summary=gettext_lazy("Retire a service item from a day (requests made keep it)"),
)
def catalogue_retire(request, item_id: Id, payload: CatalogueRetireIn):
    item = catalogue_selectors.item_for(request.auth, item_id)  # the service refuses another's county (404)
    return _item(catalogue.item_retire(request.auth, item, payload.retired_on))


@router.post(
    "/catalogue/{int:item_id}/readmit",
    response=CatalogueItemOut,
    summary=gettext_lazy("Admit a retired service item again"),
)
def catalogue_readmit(request, item_id: Id, payload: CatalogueReadmitIn):
    item = catalogue_selectors.item_for(request.auth, item_id)  # the service refuses another's county (404)
    return _item(catalogue.item_readmit(request.auth, item, payload.admitted_on))


@router.get(
    "/bundles",
    response=list[CatalogueBundleOut],
    summary=gettext_lazy("The one-visit bundles (一件事一次办) of your county"),
)
def bundle_list(request, county: Id | None = None, status: str = "current"):
    _reading(request)
    return [_bundle(b) for b in catalogue_selectors.bundles(request.auth, county, status=_status(status))]


@router.post(
    "/bundles",
    response={200: CatalogueBundleOut, 201: CatalogueBundleOut},
    summary=gettext_lazy("Add a one-visit bundle, or change the one with this code"),
)
def bundle_set(request, payload: CatalogueBundleIn):
    county = _managed(request, payload.county)
    existed = Bundle.objects.filter(county=county, code=payload.code.strip()).exists()
    bundle = catalogue.bundle_set(request.auth, county, **payload.dict(exclude={"county"}))
    return (200 if existed else 201), _bundle(bundle)


@router.get(
    "/certificate-kinds",
    response=list[CatalogueCertificateKindOut],
    summary=gettext_lazy("The certificates a village of your county may issue"),
)
def certificate_kind_list(request, county: Id | None = None, status: str = "current"):
    _reading(request)
    return [_kind(k) for k in catalogue_selectors.certificate_kinds(request.auth, county, status=_status(status))]


@router.post(
    "/certificate-kinds",
    response={200: CatalogueCertificateKindOut, 201: CatalogueCertificateKindOut},
    summary=gettext_lazy("Put a certificate on the county's list, or change it"),
)
def certificate_kind_set(request, payload: CatalogueCertificateKindIn):
    county = _managed(request, payload.county)
    existed = CertificateKind.objects.filter(county=county, code=payload.code.strip()).exists()
    kind = catalogue.certificate_kind_set(request.auth, county, **payload.dict(exclude={"county"}))
    return (200 if existed else 201), _kind(kind)
