"""The village's deliberation list (议事协商清单) over the API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from core.api_types import Id
from core.errors import NotFound
from core.roles import Action
from deliberation import meetings_link, selectors, services
from deliberation.api._common import _ref, _require, _village, router
from deliberation.models import ListEntry, Procedure
from deliberation.schemas import EntryIn, EntryUpdateIn, ListOut, SettingsIn
from regions.models import Region

# -- the list -------------------------------------------------------------------------------------------------


def _list(village) -> dict:
    dlist = selectors.deliberation_list(village)
    if dlist is not None:
        rows = list(dlist.entries.all())
    else:
        rows = [
            ListEntry(name=n, procedure=p, reserved_matter=m, needs_party_masses=c, active=True)
            for n, p, m, c in services.DEFAULT_ENTRIES
        ]
    return {
        "village": _ref(village),
        "kept": dlist is not None,
        "co_sign_min": dlist.co_sign_min if dlist else 5,
        "entries": [
            {
                "id": e.pk,
                "name": e.name,
                "procedure": e.procedure,
                "procedure_label": str(Procedure(e.procedure).label),
                "reserved_matter": e.reserved_matter,
                "reserved_label": meetings_link.reserved_label(e.reserved_matter) if e.reserved_matter else "",
                "needs_party_masses": e.needs_party_masses,
                "active": e.active,
            }
            for e in rows
        ],
    }


def _viewable_village(actor, village_id: int) -> Region:
    village = selectors.villages(actor).filter(pk=village_id).first()
    if village is None:
        raise NotFound()
    return village


@router.get(
    "/list",
    response=ListOut,
    summary=gettext_lazy("A village's deliberation list (议事协商清单), the default until kept"),
)
def list_get(request, village_id: Id):
    _require(request.auth, Action.DELIBERATION_VIEW)
    return _list(_viewable_village(request.auth, village_id))


@router.post(
    "/list",
    response={201: ListOut},
    summary=gettext_lazy("Keep the village's own list (from the default the first time)"),
)
def list_keep(request, village_id: Id):
    village = _village(village_id)
    services.list_ensure(actor=request.auth, village=village)
    return 201, _list(village)


@router.post(
    "/list/entries", response={201: ListOut}, summary=gettext_lazy("Add a kind of matter to the list (village cadre)")
)
def list_entry_add(request, village_id: Id, payload: EntryIn):
    village = _village(village_id)
    services.entry_add(actor=request.auth, village=village, **payload.model_dump())
    return 201, _list(village)


@router.put("/list/settings", response=ListOut, summary=gettext_lazy("Co-signing households a joint proposal needs"))
def list_settings(request, village_id: Id, payload: SettingsIn):
    village = _village(village_id)
    services.list_settings(actor=request.auth, village=village, co_sign_min=payload.co_sign_min)
    return _list(village)


@router.patch(
    "/list/entries/{int:entry_id}",
    response=ListOut,
    summary=gettext_lazy("Change a kind of matter, or take it off (active: false)"),
)
def list_entry_update(request, entry_id: Id, payload: EntryUpdateIn):
    entry = ListEntry.objects.select_related("dlist__village").filter(pk=entry_id).first()
    if entry is None:
        raise NotFound()
    changes = {k: v for k, v in payload.model_dump().items() if v is not None}
    entry = services.entry_update(actor=request.auth, entry=entry, **changes)
    return _list(entry.dlist.village)
