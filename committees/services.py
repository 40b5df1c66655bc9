"""Writes of the villages' committees: set one up, seat a member, end a seat (kept: who sat when is history)."""

from __future__ import annotations

import re
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.audit_labels import AuditAction
from committees.models import Committee, CommitteeKind, Member, Post, Sector
from core import audit, scope
from core.errors import DomainError, NotFound
from core.fields import Choice, Date, clean_text, clean_value
from core.roles import Action
from regions.models import Grid, Region, RegionLevel


def _keeps(actor, village: Region | None) -> None:
    if village is None or village.level != RegionLevel.VILLAGE:
        raise NotFound()
    if not scope.region_in_scope(actor, Action.COMMITTEES_MANAGE, village):
        raise NotFound()


@transaction.atomic
def committee_set(*, actor, village: Region, kind, name="", phone="") -> Committee:
    """Set up the village's committee of ``kind`` (or change its name and public phone)."""
    _keeps(actor, village)
    kind = clean_value(Choice("kind", "kind", options=list(CommitteeKind.choices)), kind)
    values = {
        "name": clean_text(name, "name", max_length=60, required=False),
        "phone": clean_text(phone, "phone", max_length=20, required=False),
    }
    committee = Committee.objects.select_for_update().filter(village=village, kind=kind).first()
    before = None
    if committee is None:
        committee = Committee(kind=kind, **values)
        committee.place_in(village)
    else:
        before = {key: getattr(committee, key) for key in values}
        for key, value in values.items():
            setattr(committee, key, value)
    committee.save()
    audit.record(
        actor, AuditAction.COMMITTEE_SET, committee, region=village, before=before, after={"kind": kind, **values}
    )
    return committee


def _day(value, field: str) -> date | None:
    """A seat's date: not in the future (a seat is recorded when it is taken or left)."""
    day = clean_value(Date(field, field, required=False, latest=0), value)
    return date.fromisoformat(day) if day else None


def _seat_values(committee: Committee, data: dict) -> dict:
    from accounts.models import User
    from registry.models import Person

    values = {
        "name": clean_text(data.get("name"), "name", max_length=50),
        "post": clean_value(Choice("post", "post", options=list(Post.choices)), data.get("post") or Post.MEMBER),
        "started_on": _day(data.get("started_on"), "started_on") or timezone.localdate(),
        "user": None,
        "person": None,
        "group": None,
    }
    username = str(data.get("username") or "").strip()
    if username:
        values["user"] = User.objects.filter(username=username, is_active=True).first()
        if values["user"] is None:
            raise DomainError({"username": _("No active account has this user name.")})
    person_id = data.get("person")
    if person_id not in (None, ""):
        values["person"] = Person.objects.filter(pk=person_id, village_id=committee.village_id).first()
        if values["person"] is None:
            raise DomainError({"person": _("Choose a resident of this village.")})
    group_id = data.get("group")
    if committee.kind == CommitteeKind.GROUP_LEADERS:
        values["group"] = Region.objects.filter(
            pk=group_id or 0, level=RegionLevel.GROUP, parent_id=committee.village_id
        ).first()
        if values["group"] is None:
            raise DomainError({"group": _("Choose the village group this leader leads.")})
    return values


@transaction.atomic
def member_add(*, actor, committee: Committee, **data) -> Member:
    """Seat a member: a chair (理事长, 会长, 组长) at most one at a time; an account once per committee (per group)."""
    committee = Committee.objects.select_for_update().select_related("village").get(pk=committee.pk)
    _keeps(actor, committee.village)
    values = _seat_values(committee, data)
    seats = Member.objects.current().filter(committee=committee)
    if (
        committee.kind != CommitteeKind.GROUP_LEADERS
        and values["post"] == Post.CHAIR
        and seats.filter(post=Post.CHAIR).exists()
    ):
        raise DomainError({"post": _("The committee has a chair: end that seat first.")})
    if committee.kind == CommitteeKind.GROUP_LEADERS and seats.filter(group=values["group"]).exists():
        raise DomainError({"group": _("This village group has a leader: end that seat first.")})
    if (
        values["user"] is not None
        and seats.filter(user=values["user"]).exists()
        and (committee.kind != CommitteeKind.GROUP_LEADERS)
    ):
        raise DomainError({"username": _("This account has a seat on the committee already.")})
    member = Member.objects.create(committee=committee, **values)
    audit.record(
        actor,
        AuditAction.MEMBER_ADD,
        member,
        region=committee.village,
        after={
            "name": member.name,
            "post": member.post,
            "username": getattr(member.user, "username", ""),
            "group": getattr(member.group, "name", ""),
            "started_on": member.started_on.isoformat(),
        },
    )
    return member


@transaction.atomic
def member_end(*, actor, member: Member, ended_on=None) -> Member:
    """End a seat (today unless dated): the row stays, so what the member did while seated keeps its name."""
    member = Member.objects.select_for_update().select_related("committee__village").get(pk=member.pk)
    _keeps(actor, member.committee.village)
    ended: date = _day(ended_on, "ended_on") or timezone.localdate()
    if member.ended_on is not None and member.ended_on <= timezone.localdate():
        raise DomainError({"ended_on": _("This seat has ended already.")})
    if ended < member.started_on:
        raise DomainError({"ended_on": _("A seat cannot end before it started.")})
    member.ended_on = ended
    member.save(update_fields=["ended_on"])
    audit.record(
        actor, AuditAction.MEMBER_END, member, region=member.committee.village, after={"ended_on": ended.isoformat()}
    )
    return member


# -- 红色片区 (sectors above the grids, each led by a party member) ------------------------------------------------

PUBLIC_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{5,18}[0-9]$")


def _public_phone(value) -> str:
    phone = clean_text(value, "phone", max_length=20)
    if not PUBLIC_PHONE.match(phone):
        raise DomainError({"phone": _("Give a phone number the villagers can call (digits, e.g. 0834-1234567).")})
    return phone


@transaction.atomic
def sector_set(
    *,
    actor,
    village: Region,
    name,
    leader,
    phone,
    duties="",
    grids=(),
    sector: Sector | None = None,
    active: bool = True,
) -> Sector:
    """Set up a sector of the village (or change one): its leader must be a party member living in the village,
    its grids the village's, none of them in another sector in use."""
    from registry.models import PartyMember

    _keeps(actor, village)
    Region.objects.select_for_update().filter(pk=village.pk).first()
    if sector is not None:
        sector = Sector.objects.select_for_update().get(pk=sector.pk)
        if sector.village_id != village.pk:
            raise NotFound()
    values = {
        "name": clean_text(name, "name", max_length=60),
        "phone": _public_phone(phone),
        "duties": clean_text(duties, "duties", max_length=300, required=False),
        "active": bool(active),
    }
    member = (
        PartyMember.objects.filter(person_id=getattr(leader, "pk", leader), person__village_id=village.pk)
        .select_related("person")
        .first()
        if str(getattr(leader, "pk", leader) or "").isdigit()
        else None
    )
    if member is None:
        raise DomainError({"leader": _("The sector leader is a party member living in this village.")})
    grid_ids = sorted({int(g) for g in grids if str(g).isdigit()})
    chosen = list(Grid.objects.filter(pk__in=grid_ids, village=village, is_active=True))
    if len(chosen) != len(grid_ids):
        raise DomainError({"grids": _("Choose grids of this village that are in use.")})
    taken = Grid.objects.filter(pk__in=grid_ids, sectors__active=True, sectors__village=village)
    if sector is not None:
        taken = taken.exclude(sectors=sector)
    if values["active"] and taken.exists():
        raise DomainError(
            {"grids": _("Already in another sector: %(grids)s.") % {"grids": "、".join(g.name for g in taken)}}
        )
    same_name = Sector.objects.filter(village=village, name=values["name"])
    if sector is not None:
        same_name = same_name.exclude(pk=sector.pk)
    if same_name.exists():
        raise DomainError({"name": _("The village has a sector of this name already.")})
    before = None
    if sector is None:
        sector = Sector(leader=member.person, **values)
        sector.place_in(village)
    else:
        before = {
            "name": sector.name,
            "leader": sector.leader.name,
            "phone": sector.phone,
            "duties": sector.duties,
            "active": sector.active,
            "grids": sorted(sector.grids.values_list("pk", flat=True)),
        }
        for key, value in values.items():
            setattr(sector, key, value)
        sector.leader = member.person
    sector.save()
    sector.grids.set(chosen)
    audit.record(
        actor,
        AuditAction.SECTOR_SET,
        sector,
        region=village,
        before=before,
        after={**values, "leader": member.person.name, "grids": grid_ids},
    )
    return sector
