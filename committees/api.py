"""The villages' committees through the API (/api/committees): the same reads and writes as the page. A committee
or seat the caller may not keep is 404, as a missing one."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy
from ninja import Field, Router, Schema

from committees import selectors, services
from core.api_types import Id
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
