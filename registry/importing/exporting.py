"""Export of households with their members (户籍导出), masked identifiers only, in the import layout."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from types import SimpleNamespace

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from core import audit, scope
from core.errors import PermissionDenied
from core.masking import mask_id_number, mask_phone
from core.roles import Action
from regions import selectors as region_selectors
from registry import selectors
from registry.importing.checking import _chunks
from registry.importing.layout import COLUMN_WIDTHS, EXPORT_SHEET_NAME, GENDER_LABELS, HEADERS, RELATION_LABELS
from registry.importing.workbooks import _header_cells, _save
from registry.models import Household, Person


@dataclass
class ExportResult:
    content: bytes
    households: int
    rows: int


_EXPORT_PERSON_FIELDS = [
    "id",
    "household_id",
    "county_id",
    "township_id",
    "village_id",
    "name",
    "gender",
    "birth_date",
    "relation",
    "id_number_masked",
    "phone_masked",
]


def _export(actor, households_qs) -> ExportResult:
    ids = list(households_qs.values_list("id", flat=True))
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(EXPORT_SHEET_NAME)
    for index, header in enumerate(HEADERS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = COLUMN_WIDTHS[header]
    ws.freeze_panes = "A2"
    ws.append(_header_cells(ws))
    n_rows = 0
    for chunk in _chunks(ids):
        position = {pk: i for i, pk in enumerate(chunk)}
        households = sorted(
            Household.objects.filter(id__in=chunk).select_related("village", "grid", "group"),
            key=lambda h: position[h.pk],
        )
        by_id = {h.pk: h for h in households}
        members: dict[int, list[Person]] = defaultdict(list)
        people = (
            Person.objects.filter(household_id__in=chunk)
            .only(*_EXPORT_PERSON_FIELDS)
            .prefetch_related("tags")
            .order_by("household_id", "id")
        )
        for person in people:
            person.household = by_id[person.household_id]  # scope checks by grid read it without a query
            members[person.household_id].append(person)
        for h in households:
            base = [h.number, h.village.code, h.grid.code if h.grid_id else "", h.group.name if h.group_id else ""]
            base.append(h.address)
            for p in members.get(h.pk) or [None]:
                if p is None:  # a household without members still shows, so it is not lost on the way
                    ws.append(base + [""] * (len(HEADERS) - len(base)))
                    n_rows += 1
                    continue
                birth = WriteOnlyCell(ws, value=p.birth_date)
                if p.birth_date:
                    birth.number_format = "yyyy-mm-dd"
                tags = "、".join(t.name for t in selectors.visible_tags(actor, p))
                ws.append(
                    base
                    + [
                        p.name,
                        RELATION_LABELS.get(p.relation, p.relation),
                        GENDER_LABELS.get(p.gender, p.gender),
                        birth,
                        p.id_number_masked,  # never decrypted in an export
                        p.phone_masked,
                        tags,
                    ]
                )
                n_rows += 1
    return ExportResult(_save(workbook), len(ids), n_rows)


def export_workbook(actor, households_qs) -> bytes:
    """An import-layout workbook of the given households, identifiers masked, tags as the actor sees them."""
    return _export(actor, households_qs).content


def _common_region(actor, action: str):
    """The narrowest county/township/village holding all of the actor's grants for an action (audit scope)."""
    grants = scope.grants_for(actor, action)
    ids = {"county_id": None, "township_id": None, "village_id": None}
    for key in ids:
        values = {getattr(g, key) for g in grants}
        if len(values) != 1 or None in values:
            break
        ids[key] = values.pop()
    return SimpleNamespace(**ids)


def _masked_query(q: str) -> str:
    """The search text for the audit trail, without a full ID number or phone in it."""
    q = (q or "").strip()
    if selectors._ID_LIKE.match(q):
        return mask_id_number(q)
    if selectors._PHONE_LIKE.match(q):
        return mask_phone(q)
    if selectors._TAIL6.match(q):  # the tail of an ID number: as much as its masked form shows
        return "****" + q[-2:]
    return q


def households_export(
    *,
    actor,
    q: str = "",
    village_id: int | None = None,
    grid_id: int | None = None,
    tag: str = "",
    address: str = "",
) -> ExportResult:
    """Export the households the actor may export, filtered like the household list; audited."""
    if not scope.can(actor, Action.REGISTRY_EXPORT):
        raise PermissionDenied()
    qs = selectors.household_search(actor, q=q, village_id=village_id, grid_id=grid_id, tag=tag, address=address)
    qs = qs.filter(scope.scope_q(actor, Action.REGISTRY_EXPORT, Household))
    result = _export(actor, qs)
    region = None
    if village_id:  # scope the event to the village only when the actor may export there
        region = region_selectors.villages(actor, Action.REGISTRY_EXPORT).filter(pk=village_id).first()
    audit.record(
        actor,
        "registry.household.export",
        region=region or _common_region(actor, Action.REGISTRY_EXPORT),
        after={
            "filter": {
                "q": _masked_query(q),
                "address": address,
                "village_id": village_id,
                "grid_id": grid_id,
                "tag": tag,
            },
            "households": result.households,
            "rows": result.rows,
        },
    )
    return result
