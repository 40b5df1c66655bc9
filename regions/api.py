from django.utils.translation import gettext_lazy
from ninja import Router, Schema

from core.api_types import Id
from core.errors import NotFound
from regions import selectors, services
from regions.models import GridKind, GridStaff, Region

router = Router(tags=["regions"])


class RegionOut(Schema):
    id: int
    name: str
    code: str
    level: str
    parent_id: int | None


class GridStaffOut(Schema):
    id: int
    name: str
    phone: str
    role: str


class GridOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    village_id: int
    polygon: dict | None
    center_lat: float | None
    center_lng: float | None
    complaint_phone: str
    staff: list[GridStaffOut]


@router.get("/regions", response=list[RegionOut], summary=gettext_lazy("Regions in the caller's scope"))
def region_list(request):
    return list(selectors.region_tree(request.auth))


@router.get(
    "/grids", response=list[GridOut], summary=gettext_lazy("Grids in the caller's scope, with boundary and staff")
)
def grid_list(request, village_id: Id | None = None):
    return list(selectors.grid_list(request.auth, village_id=village_id))


@router.get("/grids/{int:grid_id}", response=GridOut, summary=gettext_lazy("One grid"))
def grid_detail(request, grid_id: Id):
    return selectors.access_grid(request.auth, grid_id)


# -- writes (the same services as the region tree and grid pages) ------------------------------------------------


class RegionIn(Schema):
    name: str
    code: str
    kind_label: str = ""


class GridIn(Schema):
    village_id: Id
    code: str
    name: str
    kind: str = GridKind.BASE
    polygon: dict | None = None
    description: str = ""
    complaint_phone: str = ""


class GridChange(Schema):
    code: str
    name: str
    kind: str
    polygon: dict | None = None
    description: str = ""
    complaint_phone: str = ""
    is_active: bool = True


class GridStaffIn(Schema):
    name: str
    role: str
    phone: str = ""


@router.post(
    "/regions/{int:region_id}/children",
    response={201: RegionOut},
    summary=gettext_lazy("Add a township, village or village group under a region"),
)
def region_create(request, region_id: Id, payload: RegionIn):
    parent = selectors.region_tree(request.auth).filter(pk=region_id).first()
    if parent is None:
        raise NotFound()
    return 201, services.region_create(actor=request.auth, parent=parent, **payload.dict())


def _grid_out(actor, grid_id: int):
    return selectors.grid_list(actor).get(pk=grid_id)


@router.post("/grids", response={201: GridOut}, summary=gettext_lazy("Draw a grid in a village"))
def grid_create(request, payload: GridIn):
    data = payload.dict()
    village = Region.objects.filter(pk=data.pop("village_id")).first()
    if village is None:
        raise NotFound()
    grid = services.grid_create(actor=request.auth, village=village, **data)
    return 201, _grid_out(request.auth, grid.pk)


@router.put(
    "/grids/{int:grid_id}", response=GridOut, summary=gettext_lazy("Change a grid (its boundary, staff phone, in use)")
)
def grid_update(request, grid_id: Id, payload: GridChange):
    grid = selectors.access_grid(request.auth, grid_id)
    services.grid_update(actor=request.auth, grid=grid, **payload.dict())
    return _grid_out(request.auth, grid.pk)


@router.post(
    "/grids/{int:grid_id}/staff", response={201: GridStaffOut}, summary=gettext_lazy("Add a person to a grid's staff")
)
def grid_staff_add(request, grid_id: Id, payload: GridStaffIn):
    grid = selectors.access_grid(request.auth, grid_id)
    return 201, services.grid_staff_add(actor=request.auth, grid=grid, **payload.dict())


@router.delete(
    "/grids/{int:grid_id}/staff/{int:staff_id}", response={204: None}, summary=gettext_lazy("Remove a grid staff entry")
)
def grid_staff_remove(request, grid_id: Id, staff_id: Id):
    grid = selectors.access_grid(request.auth, grid_id)
    staff = GridStaff.objects.filter(pk=staff_id, grid=grid).first()
    if staff is None:
        raise NotFound()
    services.grid_staff_remove(actor=request.auth, staff=staff)
    return 204, None
