from ninja import Router, Schema

from regions import selectors

router = Router(tags=["regions"])


class RegionOut(Schema):
    id: int
    name: str
    code: str
    level: str
    parent_id: int | None


class GridStaffOut(Schema):
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


@router.get("/regions", response=list[RegionOut], summary="Regions in the caller's scope")
def region_list(request):
    return list(selectors.region_tree(request.auth))


@router.get("/grids", response=list[GridOut], summary="Grids in the caller's scope, with boundary and staff")
def grid_list(request, village_id: int | None = None):
    return list(selectors.grid_list(request.auth, village_id=village_id))


@router.get("/grids/{int:grid_id}", response=GridOut, summary="One grid")
def grid_detail(request, grid_id: int):
    return selectors.access_grid(request.auth, grid_id)
