"""The villages' committees through the API (/api/committees): the same reads and writes as the page. A committee
or seat the caller may not keep is 404, as a missing one."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy
from ninja import Field, Router, Schema

from committees import selectors, services
from core.api_types import Id, RegionCode
from core.errors import NotFound
from core.roles import Action
from regions.selectors import villages

router = Router(tags=["committees"])


class SeatOut(Schema):
    id: int
    name: str
    post: str
    post_label: str
    username: str | None
    group_id: int | None
    group: str | None
    started_on: date
    ended_on: date | None


class CommitteeOut(Schema):
    id: int
    village_id: int
    village: str
    kind: str
    kind_label: str
    name: str
    phone: str
    members: list[SeatOut]


class CommitteeIn(Schema):
    village: Id
    kind: str = Field(max_length=16)
    name: str = Field("", max_length=120)
    phone: str = Field("", max_length=40)


class SeatIn(Schema):
    name: str = Field(max_length=100)
    post: str = Field("member", max_length=8)
    username: str = Field("", max_length=150, description="The member's account, when the member acts on the platform.")
    person: Id | None = Field(None, description="The member in the village's registry.")
    group: Id | None = Field(None, description="For a village group leader: the group led.")
    started_on: date | None = None


class SeatEndIn(Schema):
    ended_on: date | None = None


def _seat(m) -> dict:
    return {
        "id": m.pk,
        "name": m.name,
        "post": m.post,
        "post_label": str(m.get_post_display()),
        "username": m.user.username if m.user_id else None,
        "group_id": m.group_id,
        "group": m.group.name if m.group_id else None,
        "started_on": m.started_on,
        "ended_on": m.ended_on,
    }


def _out(c, *, history: bool = False) -> dict:
    seats = c.members.select_related("user", "group")
    if not history:
        seats = seats.current()
    return {
        "id": c.pk,
        "village_id": c.village_id,
        "village": c.village.name,
        "kind": c.kind,
        "kind_label": str(c.get_kind_display()),
        "name": c.name,
        "phone": c.phone,
        "members": [_seat(m) for m in seats.order_by("post", "name")],
    }


@router.get("", response=list[CommitteeOut], summary=gettext_lazy("A village's committees and their members"))
def committee_list(request, village: Id, history: bool = False):
    return [_out(c, history=history) for c in selectors.committees(request.auth, village)]


@router.post("", response=CommitteeOut, summary=gettext_lazy("Set up a village committee or change it"))
def committee_set(request, payload: CommitteeIn):
    found = villages(request.auth, Action.COMMITTEES_MANAGE).filter(pk=payload.village).first()
    if found is None:
        raise NotFound()
    c = services.committee_set(actor=request.auth, village=found, **payload.dict(exclude={"village"}))
    return _out(c)


@router.post("/{int:committee_id}/members", response=SeatOut, summary=gettext_lazy("Seat a committee member"))
def member_add(request, committee_id: Id, payload: SeatIn):
    c = selectors.managed(request.auth, committee_id)
    return _seat(services.member_add(actor=request.auth, committee=c, **payload.dict()))


@router.post("/members/{int:member_id}/end", response=SeatOut, summary=gettext_lazy("End a committee member's seat"))
def member_end(request, member_id: Id, payload: SeatEndIn):
    m = selectors.managed_member(request.auth, member_id)
    return _seat(services.member_end(actor=request.auth, member=m, ended_on=payload.ended_on))


class SectorIn(Schema):
    village: Id
    name: str = Field(max_length=120)
    leader: Id = Field(description="The sector leader: a party member (registry person) living in the village.")
    phone: str = Field(max_length=40)
    duties: str = Field("", max_length=600)
    grids: list[Id] = Field(default_factory=list, max_length=500)
    active: bool = True


class SectorOut(Schema):
    id: int
    village_id: int
    name: str
    leader_id: int
    leader: str
    phone: str
    duties: str
    grids: list[int]
    active: bool


class NoticeGrid(Schema):
    id: int
    code: str
    name: str
    description: str
    complaint_phone: str
    staff: list[dict]


class NoticeSector(Schema):
    name: str
    leader: str
    phone: str
    duties: str
    grids: list[NoticeGrid]


class GridNoticeOut(Schema):
    village: str
    sectors: list[NoticeSector]
    other_grids: list[NoticeGrid]


def _sector(s) -> dict:
    return {
        "id": s.pk,
        "village_id": s.village_id,
        "name": s.name,
        "leader_id": s.leader_id,
        "leader": s.leader.name,
        "phone": s.phone,
        "duties": s.duties,
        "grids": sorted(g.pk for g in s.grids.all()),
        "active": s.active,
    }


def _notice_grid(g) -> dict:
    return {
        "id": g.pk,
        "code": g.code,
        "name": g.name,
        "description": g.description,
        "complaint_phone": g.complaint_phone,
        "staff": [{"role": str(s.get_role_display()), "name": s.name, "phone": s.phone} for s in g.staff.all()],
    }


@router.get("/sectors", response=list[SectorOut], summary=gettext_lazy("A village's sectors (红色片区)"))
def sector_list(request, village: Id):
    if (
        not selectors.committees(request.auth, village).exists()
        and not villages(request.auth, Action.COMMITTEES_MANAGE).filter(pk=village).exists()
    ):
        if not villages(request.auth).filter(pk=village).exists():
            raise NotFound()
    return [_sector(s) for s in selectors.sectors(village)]


@router.post("/sectors", response=SectorOut, summary=gettext_lazy("Set up a sector (红色片区)"))
def sector_create(request, payload: SectorIn):
    found = villages(request.auth, Action.COMMITTEES_MANAGE).filter(pk=payload.village).first()
    if found is None:
        raise NotFound()
    return _sector(services.sector_set(actor=request.auth, village=found, **payload.dict(exclude={"village"})))


@router.post("/sectors/{int:sector_id}", response=SectorOut, summary=gettext_lazy("Change a sector (红色片区)"))
def sector_update(request, sector_id: Id, payload: SectorIn):
    found = selectors.managed_sector(request.auth, sector_id)
    if found.village_id != payload.village:
        raise NotFound()
    data = payload.dict(exclude={"village"})
    return _sector(services.sector_set(actor=request.auth, village=found.village, sector=found, **data))


@router.get(
    "/public/{village_code}/grids",
    response=GridNoticeOut,
    auth=None,
    summary=gettext_lazy("The village's grid notice (no sign-in)"),
)
def grid_notice(request, village_code: RegionCode):
    from regions.selectors import public_village

    village = public_village(village_code)
    notice = selectors.grid_notice(village)
    return {
        "village": village.name,
        "sectors": [
            {
                "name": s.name,
                "leader": s.leader.name,
                "phone": s.phone,
                "duties": s.duties,
                "grids": [_notice_grid(g) for g in grids],
            }
            for s, grids in notice["sectors"]
        ],
        "other_grids": [_notice_grid(g) for g in notice["loose"]],
    }
