"""Checking every row of a file against the registry (few queries for the whole file): the plan or every problem."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.utils.translation import gettext as _

from core import crypto, scope
from core.roles import Action
from core.validators import id_check_digit, normalize_phone, parse_id_number
from regions.models import Grid, Region, RegionLevel
from registry.importing.layout import (
    _DATE_TEXT,
    _FIELDS,
    _ID_SHAPE,
    _TAG_SPLIT,
    CHUNK,
    COL_ADDRESS,
    COL_BIRTH,
    COL_GENDER,
    COL_GRID,
    COL_GROUP,
    COL_ID,
    COL_NUMBER,
    COL_PHONE,
    COL_RELATION,
    COL_TAGS,
    COL_VILLAGE,
    GENDER_BY_TEXT,
    HEADERS,
    MAX_LENGTHS,
    RELATION_BY_TEXT,
    RELATION_LABELS,
    REQUIRED_CELLS,
    ImportPlan,
    ImportRow,
    PlannedHousehold,
    PlannedPerson,
    RowError,
)
from registry.models import Household, Person, Relation, Tag

# --- checking ----------------------------------------------------------------------------------


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Lookups:
    """Everything the rows refer to, fetched with a few queries for the whole file."""

    def __init__(self, actor, rows: list[ImportRow]):
        codes = sorted({r.village_code for r in rows if r.village_code})
        villages: dict[str, Region] = {}
        for chunk in _chunks(codes):
            for v in Region.objects.filter(level=RegionLevel.VILLAGE, code__in=chunk):
                villages[v.code] = v
        # An out-of-scope village is answered like an unknown one: the file must not probe the tree.
        self.villages = {
            code: v for code, v in villages.items() if scope.region_in_scope(actor, Action.REGISTRY_IMPORT, v)
        }
        self.restricted_ok = {
            v.pk: scope.region_in_scope(actor, Action.VIEW_RESTRICTED_TAGS, v) for v in self.villages.values()
        }
        village_ids = [v.pk for v in self.villages.values()]
        grid_codes = sorted({r.grid_code for r in rows if r.grid_code})
        self.grids: dict[str, Grid] = {}
        for chunk in _chunks(grid_codes):
            for g in Grid.objects.filter(code__in=chunk).only("id", "code", "village_id"):
                self.grids[g.code] = g
        self.groups: dict[tuple[int, str], int] = {}
        for chunk in _chunks(village_ids):
            groups = Region.objects.filter(level=RegionLevel.GROUP, parent_id__in=chunk).order_by("id")
            for pk, parent_id, name in groups.values_list("id", "parent_id", "name"):
                self.groups.setdefault((parent_id, name.strip()), pk)
        tags = list(Tag.objects.all())
        self.tags: dict[str, Tag] = {t.code: t for t in tags}
        self.tags.update({t.name: t for t in tags})  # names win over codes
        self.existing_numbers: set[tuple[int, str]] = set()
        numbers_by_village: dict[int, set[str]] = defaultdict(set)
        for r in rows:
            village = self.villages.get(r.village_code)
            if village is not None and r.number:
                numbers_by_village[village.pk].add(r.number)
        for village_id, numbers in numbers_by_village.items():
            for chunk in _chunks(sorted(numbers)):
                found = Household.objects.filter(village_id=village_id, number__in=chunk).values_list(
                    "number", flat=True
                )
                self.existing_numbers.update((village_id, n) for n in found)

    def registered_digests(self, digests: list[str]) -> set[str]:
        found: set[str] = set()
        for chunk in _chunks(sorted(set(digests))):
            found.update(Person.objects.filter(id_number_digest__in=chunk).values_list("id_number_digest", flat=True))
        return found


def _parse_date(value) -> date | None:
    """A birth date cell: a date, or text YYYY-MM-DD (also with / . 年月日, or YYYYMMDD). Raises ValueError."""
    if isinstance(value, date):
        return value
    if not value:
        return None
    match = _DATE_TEXT.match(value.replace(" ", ""))
    if not match:
        raise ValueError
    month, day = (match[2], match[3]) if match[2] else (match[4], match[5])
    return date(int(match[1]), int(month), int(day))


def _id_problem(row: ImportRow) -> tuple[str, str] | None:
    """(code, message) when the ID number is not a valid GB 11643 number, else None."""
    number = row.id_number
    if "*" in number:
        return "id_masked", _("The ID number is masked. Enter the full number or leave the cell empty.")
    try:
        parse_id_number(number)
    except ValueError as exc:
        if row.numeric_id:
            message = _(
                "The ID number was stored as a number and has lost digits. Format the column as text and type it again."
            )
            return "id_number_cell", message
        if not _ID_SHAPE.match(number):
            return "id_format", str(exc)
        if id_check_digit(number[:17]) != number[17]:
            try:
                born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
            except ValueError:
                born = None
            if born is not None and 1890 <= born.year and born <= date.today():
                return "id_checksum", str(exc)
        return "id_date", str(exc)
    return None


def validate(actor, rows: list[ImportRow]) -> tuple[ImportPlan, list[RowError]]:
    """Check every row against the file itself and the database; nothing is written."""
    errors: list[RowError] = []

    def error(row: ImportRow | int, column: str, code: str, message: str) -> None:
        errors.append(RowError(row if isinstance(row, int) else row.row, column, message, code))

    lookups = _Lookups(actor, rows)
    today = date.today()
    id_rows: dict[str, ImportRow] = {}
    digest_rows: list[tuple[str, ImportRow]] = []
    people: dict[int, PlannedPerson] = {}
    groups: dict[tuple[str, str], list[ImportRow]] = defaultdict(list)

    for r in rows:
        r.id_number = r.id_number.replace(" ", "").upper()
        for column in REQUIRED_CELLS:
            if not getattr(r, _FIELDS[column]):
                error(r, column, "required", _("This cell is required."))
        for column, limit in MAX_LENGTHS.items():
            if len(getattr(r, _FIELDS[column])) > limit:
                error(r, column, "too_long", _("Too long: at most %(max)s characters.") % {"max": limit})
        if r.number and r.village_code:
            groups[(r.village_code, r.number)].append(r)

        village = lookups.villages.get(r.village_code)
        if r.village_code and village is None:
            error(r, COL_VILLAGE, "unknown_village", _("Unknown village code."))
        if r.grid_code and village is not None:
            grid = lookups.grids.get(r.grid_code)
            if grid is None:
                error(r, COL_GRID, "unknown_grid", _("Unknown grid code."))
            elif grid.village_id != village.pk:
                error(
                    r,
                    COL_GRID,
                    "grid_not_in_village",
                    _("The grid %(code)s does not belong to this village.") % {"code": r.grid_code},
                )
        if r.group_name and village is not None and (village.pk, r.group_name) not in lookups.groups:
            error(
                r,
                COL_GROUP,
                "unknown_group",
                _("Unknown village group %(name)s in this village.") % {"name": r.group_name},
            )

        relation = RELATION_BY_TEXT.get(r.relation.replace(" ", ""))
        if r.relation and relation is None:
            allowed = "、".join(RELATION_LABELS.values())
            error(
                r,
                COL_RELATION,
                "unknown_relation",
                _("Unknown relation %(value)s. Allowed: %(allowed)s.") % {"value": r.relation, "allowed": allowed},
            )
        gender = GENDER_BY_TEXT.get(r.gender.upper()) if r.gender else ""
        if r.gender and gender is None:
            error(r, COL_GENDER, "unknown_gender", _("Unknown gender %(value)s. Write 男 or 女.") % {"value": r.gender})
        try:
            birth = _parse_date(r.birth_date)
        except ValueError:
            birth = None
            error(r, COL_BIRTH, "bad_date", _("Not a date: write it as YYYY-MM-DD."))
        else:
            if birth is not None and birth > today:
                error(r, COL_BIRTH, "future_date", _("The birth date is in the future."))
                birth = None

        if r.id_number:
            problem = _id_problem(r)
            if problem is not None:
                error(r, COL_ID, *problem)
            else:
                info = parse_id_number(r.id_number)
                if gender and gender != info.gender:
                    error(r, COL_GENDER, "gender_mismatch", _("The gender does not match the ID number."))
                if birth is not None and birth != info.birth_date:
                    error(r, COL_BIRTH, "birth_mismatch", _("The birth date does not match the ID number."))
                gender = gender or info.gender
                birth = birth or info.birth_date
                first = id_rows.setdefault(r.id_number, r)
                if first is not r:
                    error(
                        r,
                        COL_ID,
                        "duplicate_in_file",
                        _("Rows %(first)s and %(row)s have the same ID number.") % {"first": first.row, "row": r.row},
                    )
                else:
                    digest_rows.append((crypto.digest(r.id_number), r))
        elif not r.gender:
            error(r, COL_GENDER, "required", _("The gender is required when no ID number is given."))

        phone = ""
        if r.phone:
            if "*" in r.phone:
                error(
                    r,
                    COL_PHONE,
                    "phone_masked",
                    _("The phone number is masked. Enter the full number or leave the cell empty."),
                )
            else:
                try:
                    phone = normalize_phone(r.phone)
                except ValueError as exc:
                    error(r, COL_PHONE, "phone_invalid", str(exc))

        tag_ids: list[int] = []
        names = [n for n in _TAG_SPLIT.split(r.tags) if n] if r.tags else []
        unknown = [n for n in names if n not in lookups.tags]
        if unknown:
            error(r, COL_TAGS, "unknown_tag", _("Unknown tags: %(names)s.") % {"names": "、".join(unknown)})
        for name in names:
            tag = lookups.tags.get(name)
            if tag is None:
                continue
            if tag.restricted and village is not None and not lookups.restricted_ok.get(village.pk):
                error(
                    r,
                    COL_TAGS,
                    "restricted_tag",
                    _("You may not assign the restricted tag %(name)s.") % {"name": tag.name},
                )
            elif tag.pk not in tag_ids:
                tag_ids.append(tag.pk)

        people[r.row] = PlannedPerson(
            row=r.row,
            name=r.name,
            relation=relation or Relation.OTHER,
            gender=gender or "",
            birth_date=birth,
            id_number=r.id_number,
            phone=phone,
            tag_ids=tag_ids,
        )

    registered = lookups.registered_digests([d for d, _row in digest_rows])
    for digest, r in digest_rows:
        if digest in registered:
            error(r, COL_ID, "duplicate_in_db", _("A resident with this ID number is already registered."))

    plan = ImportPlan()
    for (village_code, number), members in groups.items():
        village = lookups.villages.get(village_code)
        first = members[0]
        if village is not None and (village.pk, number) in lookups.existing_numbers:
            error(
                first,
                COL_NUMBER,
                "household_exists",
                _(
                    "Household %(number)s already exists in this village. Import only creates new households; "
                    "add members to an existing household on its page."
                )
                % {"number": number},
            )
        household = PlannedHousehold(row=first.row, village=village, number=number)
        seen: dict[str, ImportRow] = {}
        for column, attr in ((COL_GRID, "grid_code"), (COL_GROUP, "group_name"), (COL_ADDRESS, "address")):
            for r in members:
                value = getattr(r, attr)
                if not value:
                    continue
                if column not in seen:
                    seen[column] = r
                elif getattr(seen[column], attr) != value:
                    error(
                        r,
                        column,
                        "household_conflict",
                        _("Row %(row)s of the same household gives a different value.") % {"row": seen[column].row},
                    )
        if village is not None:
            if COL_GRID in seen:
                grid = lookups.grids.get(seen[COL_GRID].grid_code)
                household.grid_id = grid.pk if grid is not None else None
            if COL_GROUP in seen:
                household.group_id = lookups.groups.get((village.pk, seen[COL_GROUP].group_name))
            if COL_ADDRESS in seen:
                household.address = seen[COL_ADDRESS].address
        head: ImportRow | None = None
        for r in members:
            person = people[r.row]
            household.people.append(person)
            if person.relation == Relation.HEAD:
                if head is None:
                    head = r
                    household.head_name = person.name
                else:
                    error(
                        r,
                        COL_RELATION,
                        "multiple_heads",
                        _("This household already has a head in row %(row)s.") % {"row": head.row},
                    )
        plan.households.append(household)

    order = {h: i for i, h in enumerate(HEADERS)}
    errors.sort(key=lambda e: (e.row, order.get(e.column, -1)))
    return plan, errors
