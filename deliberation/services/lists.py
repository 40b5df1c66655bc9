"""The village's deliberation list (议事协商清单): the default kinds of matter, keeping it, settings, entries."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, scope
from core.errors import DomainError, NotFound
from core.fields import clean_text as _text
from core.roles import Action
from deliberation import meetings_link
from deliberation.models import DeliberationList, ListEntry, Procedure
from deliberation.services._common import _village
from regions.models import Region

# The default 议事协商清单 (米易's seven kinds of matter, 三堆镇's matters that must pass the 党群议事会, the reserved
# matters of Organic Law Art. 24 and the 村规民约 of Art. 27): (name, procedure, reserved matter, party-masses council)
DEFAULT_ENTRIES = [
    ("公共服务设施建设（小型）", Procedure.SIX_STEPS, "", False),
    ("人居环境整治、移风易俗", Procedure.SIX_STEPS, "", False),
    ("涉及村民切身利益的其他公共事务", Procedure.SIX_STEPS, "", False),
    ("最低生活保障评议", Procedure.SIX_STEPS, "", True),
    ("医疗救助、救灾补助评议", Procedure.SIX_STEPS, "", True),
    ("村办公用房选址", Procedure.FOUR_TWO, "", False),
    ("村建设发展规划编制", Procedure.FOUR_TWO, "", False),
    ("村民自治章程", Procedure.FOUR_TWO, "", False),
    ("误工补贴人员及标准", Procedure.FOUR_TWO, "allowances", False),
    ("集体收益使用", Procedure.FOUR_TWO, "collective_income", False),
    ("公益事业筹资筹劳及承包方案", Procedure.FOUR_TWO, "public_works", False),
    ("土地承包经营方案", Procedure.FOUR_TWO, "land_contracting", False),
    ("集体经济项目立项及承包方案", Procedure.FOUR_TWO, "collective_projects", False),
    ("宅基地使用方案", Procedure.FOUR_TWO, "homesteads", True),
    ("征地补偿费使用分配方案", Procedure.FOUR_TWO, "land_compensation", False),
    ("集体财产借贷、租赁及其他处分", Procedure.FOUR_TWO, "collective_property", False),
    ("村规民约（在“村规民约”页面起草）", Procedure.FOUR_TWO, "village_rules", False),
]

# -- the deliberation list -------------------------------------------------------------------------------------


def _ensure_list(village: Region, actor=None) -> DeliberationList:
    found = DeliberationList.objects.filter(village=village).first()
    if found is not None:
        return found
    dlist = DeliberationList(updated_by=actor if getattr(actor, "pk", None) else None)
    dlist.place_in(village)
    dlist.save()
    for n, (name, procedure, matter, council) in enumerate(DEFAULT_ENTRIES, start=1):
        ListEntry.objects.create(
            dlist=dlist,
            name=name,
            procedure=procedure,
            reserved_matter=matter,
            needs_party_masses=council,
            position=n * 10,
        )
    audit.record(
        actor,
        "deliberation.list.create",
        dlist,
        after={"entries": len(DEFAULT_ENTRIES), "co_sign_min": dlist.co_sign_min},
        note=_("Default deliberation list"),
    )
    return dlist


@transaction.atomic
def list_ensure(*, actor, village: Region) -> DeliberationList:
    """The village's list, created from the default template the first time (a cadre of the village)."""
    village = _village(actor, village, Action.DELIBERATION_MANAGE)
    return _ensure_list(village, actor)


@transaction.atomic
def list_settings(*, actor, village: Region, co_sign_min) -> DeliberationList:
    village = _village(actor, village, Action.DELIBERATION_MANAGE)
    dlist = _ensure_list(village, actor)
    dlist = DeliberationList.objects.select_for_update().get(pk=dlist.pk)
    try:
        value = int(str(co_sign_min).strip())
    except (TypeError, ValueError):
        raise DomainError({"co_sign_min": _("Give a whole number from 2 to 200.")}) from None
    if not 2 <= value <= 200:
        raise DomainError({"co_sign_min": _("Give a whole number from 2 to 200.")})
    before = dlist.co_sign_min
    dlist.co_sign_min, dlist.updated_by, dlist.updated_at = value, actor, timezone.now()
    dlist.save(update_fields=["co_sign_min", "updated_by", "updated_at"])
    audit.record(
        actor, "deliberation.list.settings", dlist, before={"co_sign_min": before}, after={"co_sign_min": value}
    )
    return dlist


def _clean_entry(data: dict) -> dict:
    out = {
        "name": _text(data.get("name"), "name", max_length=100),
        "procedure": data.get("procedure"),
        "reserved_matter": (data.get("reserved_matter") or "").strip(),
        "needs_party_masses": bool(data.get("needs_party_masses")),
    }
    if out["procedure"] not in Procedure.values:
        raise DomainError({"procedure": _("Choose the procedure.")})
    if out["reserved_matter"]:
        if out["reserved_matter"] not in dict(meetings_link.reserved_choices()):
            raise DomainError({"reserved_matter": _("Choose one of the reserved matters.")})
        if out["procedure"] != Procedure.FOUR_TWO:
            raise DomainError(
                {
                    "procedure": _(
                        "A matter reserved to the villagers' assembly (Organic Law Art. 24, 27) goes through "
                        "四议两公开."
                    )
                }
            )
    return out


@transaction.atomic
def entry_add(*, actor, village: Region, **data) -> ListEntry:
    village = _village(actor, village, Action.DELIBERATION_MANAGE)
    dlist = _ensure_list(village, actor)
    fields = _clean_entry(data)
    last = dlist.entries.order_by("-position").values_list("position", flat=True).first() or 0
    entry = ListEntry.objects.create(dlist=dlist, position=last + 10, **fields)
    audit.record(actor, "deliberation.list.entry_add", dlist, after={"entry": entry.pk, **fields})
    return entry


@transaction.atomic
def entry_update(*, actor, entry: ListEntry, **data) -> ListEntry:
    locked = ListEntry.objects.select_for_update().select_related("dlist").filter(pk=entry.pk).first()
    if locked is None or not scope.in_scope(actor, Action.DELIBERATION_MANAGE, locked.dlist):
        raise NotFound()
    fields = _clean_entry({**{k: getattr(locked, k) for k in ("name", "procedure", "reserved_matter")}, **data})
    fields["needs_party_masses"] = bool(data.get("needs_party_masses", locked.needs_party_masses))
    before = audit.snapshot(locked, [*fields, "active"])
    for key, value in fields.items():
        setattr(locked, key, value)
    if "active" in data:
        locked.active = bool(data["active"])
    locked.save()
    old, new = audit.diff(before, audit.snapshot(locked, [*fields, "active"]))
    if new:
        audit.record(
            actor, "deliberation.list.entry_update", locked.dlist, before=old, after={"entry": locked.pk, **new}
        )
    return locked
