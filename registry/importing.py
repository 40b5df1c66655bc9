"""Excel (.xlsx) import and export of households with their members (户籍导入导出).

One row per person; rows with the same (村编码, 户号) form one household. An import is checked as a
whole first: every problem of every row is collected with its row number (as Excel shows it) and
column. Only a file without any problem is written, in one transaction with bulk inserts, followed by
one audit event per village. Households are only created by an import, never merged into.

The column headers and sheet names are data (the layout of the file), not interface text, so they
are Chinese literals; every message is translated through gettext.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from types import SimpleNamespace

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core import audit, crypto, scope
from core.errors import PermissionDenied
from core.masking import mask_id_number, mask_phone
from core.roles import ROLE_ACTIONS, Action
from core.validators import id_check_digit, normalize_phone, parse_id_number
from regions import selectors as region_selectors
from regions.models import Grid, Region, RegionLevel
from registry import selectors
from registry.generation import DEFAULT_TAGS
from registry.models import Gender, Household, Person, Relation, Tag

SHEET_NAME = "户籍导入"
HELP_SHEET_NAME = "填写说明"
EXPORT_SHEET_NAME = SHEET_NAME  # same layout and name, so an export can be edited and imported again

COL_NUMBER = "户号"
COL_VILLAGE = "村编码"
COL_GRID = "网格编码"
COL_GROUP = "村民小组"
COL_ADDRESS = "地址"
COL_NAME = "姓名"
COL_RELATION = "与户主关系"
COL_GENDER = "性别"
COL_BIRTH = "出生日期"
COL_ID = "身份证号"
COL_PHONE = "手机号"
COL_TAGS = "标签"

HEADERS = [
    COL_NUMBER,
    COL_VILLAGE,
    COL_GRID,
    COL_GROUP,
    COL_ADDRESS,
    COL_NAME,
    COL_RELATION,
    COL_GENDER,
    COL_BIRTH,
    COL_ID,
    COL_PHONE,
    COL_TAGS,
]
REQUIRED_CELLS = (COL_NUMBER, COL_VILLAGE, COL_NAME, COL_RELATION)
MAX_LENGTHS = {COL_NUMBER: 32, COL_NAME: 50, COL_ADDRESS: 200, COL_GROUP: 100, COL_GRID: 40, COL_VILLAGE: 32}
COLUMN_WIDTHS = {
    COL_NUMBER: 10,
    COL_VILLAGE: 15,
    COL_GRID: 12,
    COL_GROUP: 10,
    COL_ADDRESS: 30,
    COL_NAME: 10,
    COL_RELATION: 12,
    COL_GENDER: 6,
    COL_BIRTH: 12,
    COL_ID: 22,
    COL_PHONE: 14,
    COL_TAGS: 24,
}
TEXT_COLUMNS = (COL_NUMBER, COL_VILLAGE, COL_GRID, COL_ID, COL_PHONE)

# The Chinese labels of registry.models.Relation / Gender as written in the file.
RELATION_LABELS = {
    Relation.HEAD: "户主",
    Relation.SPOUSE: "配偶",
    Relation.CHILD: "子女",
    Relation.PARENT: "父母",
    Relation.GRANDCHILD: "孙子女",
    Relation.GRANDPARENT: "祖父母",
    Relation.SIBLING: "兄弟姐妹",
    Relation.CHILD_IN_LAW: "儿媳/女婿",
    Relation.OTHER: "其他",
}
RELATION_BY_TEXT = {label: value for value, label in RELATION_LABELS.items()}
RELATION_BY_TEXT.update({"儿媳": Relation.CHILD_IN_LAW, "女婿": Relation.CHILD_IN_LAW, "本人": Relation.HEAD})
RELATION_BY_TEXT.update({str(value): value for value in Relation.values})
GENDER_LABELS = {Gender.MALE: "男", Gender.FEMALE: "女"}
GENDER_BY_TEXT = {"男": Gender.MALE, "女": Gender.FEMALE, "M": Gender.MALE, "F": Gender.FEMALE}

MAX_ROWS = 50_000
TITLE_ROWS = 5  # rows without any header above the header row are titles (e.g. "某某村户籍表")
MAX_FILE_MB = 20
BATCH_SIZE = 2000
CHUNK = 1000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_TAG_SPLIT = re.compile(r"[、,，;；\s]+")
_DATE_TEXT = re.compile(r"^(\d{4})(?:[-/.年](\d{1,2})[-/.月](\d{1,2})日?|(\d{2})(\d{2}))$")
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
_FIELDS = {
    COL_NUMBER: "number",
    COL_VILLAGE: "village_code",
    COL_GRID: "grid_code",
    COL_GROUP: "group_name",
    COL_ADDRESS: "address",
    COL_NAME: "name",
    COL_RELATION: "relation",
    COL_GENDER: "gender",
    COL_BIRTH: "birth_date",
    COL_ID: "id_number",
    COL_PHONE: "phone",
    COL_TAGS: "tags",
}


class ImportFileError(Exception):
    """The file as a whole cannot be read (not an xlsx, damaged, too big, no header); message in Chinese."""

    def __init__(self, message: str, code: str = "bad_file"):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class ImportRow:
    """One person row as read from the sheet: stripped text, except a birth date cell kept as a date."""

    row: int
    number: str = ""
    village_code: str = ""
    grid_code: str = ""
    group_name: str = ""
    address: str = ""
    name: str = ""
    relation: str = ""
    gender: str = ""
    birth_date: date | str = ""
    id_number: str = ""
    phone: str = ""
    tags: str = ""
    numeric_id: bool = False  # the ID number cell held a number (Excel keeps only 15 digits of it)


@dataclass
class RowError:
    row: int  # as Excel shows it; 0 for a problem of the whole file
    column: str  # a header of the sheet, "" for the whole file or row
    message: str
    code: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message, "code": self.code}


@dataclass
class PlannedPerson:
    row: int
    name: str
    relation: str
    gender: str
    birth_date: date | None
    id_number: str
    phone: str
    tag_ids: list[int]


@dataclass
class PlannedHousehold:
    row: int
    village: Region
    number: str
    grid_id: int | None = None
    group_id: int | None = None
    address: str = ""
    head_name: str = ""
    people: list[PlannedPerson] = field(default_factory=list)


@dataclass
class ImportPlan:
    households: list[PlannedHousehold] = field(default_factory=list)

    @property
    def people(self) -> int:
        return sum(len(h.people) for h in self.households)


@dataclass
class ImportReport:
    households: int = 0
    people: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rows_with_errors(self) -> int:
        return len({e.row for e in self.errors if e.row})

    @property
    def file_error(self) -> str:
        """The message when the file as a whole was refused (not an xlsx, no header …), else ""."""
        if len(self.errors) == 1 and self.errors[0].row == 0:
            return self.errors[0].message
        return ""

    def summary(self) -> str:
        if self.file_error:
            return self.file_error
        return _(
            "Problems found: %(errors)s (rows affected: %(rows)s). Nothing was imported: correct the file and "
            "upload it again."
        ) % {"errors": len(self.errors), "rows": self.rows_with_errors}


# --- reading -----------------------------------------------------------------------------------


def _text(value) -> str:
    """A cell as stripped text; integral numbers without '.0', dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).replace("\u3000", " ").strip()


def read_rows(fileobj) -> list[ImportRow]:
    """Read the person rows of an import workbook. Raises ImportFileError for a file it cannot use."""
    size = getattr(fileobj, "size", None)
    if size is not None and size > MAX_FILE_MB * 1024 * 1024:
        raise ImportFileError(_("The file is larger than %(size)s MB.") % {"size": MAX_FILE_MB}, "file_too_large")
    not_xlsx = ImportFileError(
        _("The file is not an Excel workbook (.xlsx) or it is damaged. Save it as .xlsx and upload it again."),
        "bad_file",
    )
    try:
        if hasattr(fileobj, "seek"):
            fileobj.seek(0)
        workbook = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception:
        raise not_xlsx from None
    try:
        sheets = [ws for ws in workbook.worksheets if hasattr(ws, "iter_rows")]
        named = [ws for ws in sheets if ws.title == SHEET_NAME]
        if not sheets:
            raise ImportFileError(_("The file contains no rows to import."), "empty")
        sheet = named[0] if named else sheets[0]
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()  # some writers store a wrong size; read what is really there
        return _rows_of(sheet)
    except ImportFileError:
        raise
    except Exception:
        raise not_xlsx from None
    finally:
        workbook.close()


def _rows_of(sheet) -> list[ImportRow]:
    rows: list[ImportRow] = []
    columns: dict[str, int] | None = None
    for excel_row, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
        if not values or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        if columns is None:
            columns = _header_columns(values, title_allowed=excel_row <= TITLE_ROWS)
            continue  # the header row, or a title row above it
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(
                _("The file has more than %(max)s rows. Split it into several files.") % {"max": MAX_ROWS},
                "too_many_rows",
            )
        row = ImportRow(row=excel_row)
        for header, index in columns.items():
            value = values[index] if index < len(values) else None
            attr = _FIELDS[header]
            if header == COL_BIRTH and isinstance(value, (datetime, date)):
                setattr(row, attr, value.date() if isinstance(value, datetime) else value)
            else:
                setattr(row, attr, _text(value))
                if header == COL_ID and isinstance(value, (int, float)) and not isinstance(value, bool):
                    row.numeric_id = True
        rows.append(row)
    if columns is None or not rows:
        raise ImportFileError(_("The file contains no rows to import."), "empty")
    return rows


def _header_columns(values, *, title_allowed: bool) -> dict[str, int] | None:
    """Column positions by header; None for a title row (no header at all) near the top of the sheet."""
    found: dict[str, int] = {}
    for index, value in enumerate(values):
        header = _text(value).replace(" ", "").lstrip("*")
        if header in _FIELDS and header not in found:
            found[header] = index
    if not found and title_allowed:
        return None
    missing = [h for h in HEADERS if h not in found]
    if missing:
        raise ImportFileError(
            _("The header row is missing these columns: %(columns)s. Download the template and keep its header row.")
            % {"columns": "、".join(missing)},
            "missing_columns",
        )
    return found


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


# --- writing -----------------------------------------------------------------------------------


def _write(actor, plan: ImportPlan, filename: str) -> None:
    with transaction.atomic():
        households = []
        for planned in plan.households:
            v = planned.village
            households.append(
                Household(
                    number=planned.number,
                    grid_id=planned.grid_id,
                    group_id=planned.group_id,
                    address=planned.address,
                    head_name=planned.head_name,
                    county_id=v.county_id,
                    township_id=v.township_id,
                    village_id=v.pk,
                )
            )
        Household.objects.bulk_create(households, batch_size=BATCH_SIZE)
        if any(h.pk is None for h in households):  # a backend that cannot return ids from a bulk insert
            ids = {}
            for village_id in {h.village_id for h in households}:
                numbers = Household.objects.filter(village_id=village_id).values_list("number", "id")
                ids.update({(village_id, n): pk for n, pk in numbers})
            for h in households:
                h.pk = h.id = ids[(h.village_id, h.number)]

        people: list[Person] = []
        tag_ids: list[list[int]] = []
        for planned, household in zip(plan.households, households, strict=True):
            for p in planned.people:
                person = Person(
                    household_id=household.pk,
                    name=p.name,
                    gender=p.gender,
                    birth_date=p.birth_date,
                    relation=p.relation,
                    county_id=household.county_id,
                    township_id=household.township_id,
                    village_id=household.village_id,
                )
                person.set_id_number(p.id_number)
                person.set_phone(p.phone)
                people.append(person)
                tag_ids.append(p.tag_ids)
        Person.objects.bulk_create(people, batch_size=BATCH_SIZE)
        if any(p.pk is None for p in people):
            created = Person.objects.filter(household_id__in=[h.pk for h in households]).order_by("id")
            for person, pk in zip(people, created.values_list("id", flat=True), strict=True):
                person.pk = person.id = pk

        through = Person.tags.through
        links = [through(person_id=p.pk, tag_id=t) for p, tags in zip(people, tag_ids, strict=True) for t in tags]
        through.objects.bulk_create(links, batch_size=BATCH_SIZE)

        per_village: dict[int, list] = {}
        for planned in plan.households:
            entry = per_village.setdefault(planned.village.pk, [planned.village, 0, 0])
            entry[1] += 1
            entry[2] += len(planned.people)
        for village, n_households, n_people in per_village.values():
            audit.record(
                actor,
                "registry.household.import",
                region=village,
                after={"households": n_households, "people": n_people, "file": filename[:200]},
            )


def households_import(*, actor, fileobj, filename: str = "") -> ImportReport:
    """Import households and their members from an .xlsx file: all of it, or (on any problem) nothing."""
    if not scope.can(actor, Action.REGISTRY_IMPORT):
        raise PermissionDenied()
    try:
        rows = read_rows(fileobj)
    except ImportFileError as exc:
        return ImportReport(errors=[RowError(0, "", exc.message, exc.code)])
    plan, errors = validate(actor, rows)
    if errors:
        return ImportReport(errors=errors)
    try:
        _write(actor, plan, filename or getattr(fileobj, "name", "") or "")
    except IntegrityError:
        message = _(
            "The registry changed while the file was being imported (a household number or ID number was "
            "registered meanwhile). Nothing was imported; upload the file again."
        )
        return ImportReport(errors=[RowError(0, "", message, "conflict")])
    return ImportReport(households=len(plan.households), people=plan.people)


# --- workbooks ---------------------------------------------------------------------------------

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _data_sheet(workbook: Workbook, title: str = SHEET_NAME, rows: int = 0):
    """The data sheet of the template: bold header, readable widths, text format for code columns."""
    ws = workbook.active
    ws.title = title
    ws.append(HEADERS)
    for index, header in enumerate(HEADERS, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = COLUMN_WIDTHS[header]
        cell = ws.cell(row=1, column=index)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    ws.freeze_panes = "A2"
    return ws


def _tag_names() -> list[str]:
    names = list(Tag.objects.order_by("restricted", "code").values_list("name", flat=True))
    return names or [name for _code, name, _restricted, _sensitive in DEFAULT_TAGS]


def build_template() -> bytes:
    """The import template: a clean data sheet and a sheet explaining each column with an example."""
    workbook = Workbook()
    ws = _data_sheet(workbook)
    last = MAX_ROWS + 1
    for index, header in enumerate(HEADERS, start=1):
        if header in TEXT_COLUMNS:  # typed ID numbers and codes stay text (no 5.10422E+17, no lost zeros)
            ws.column_dimensions[get_column_letter(index)].number_format = "@"
    relation_col = get_column_letter(HEADERS.index(COL_RELATION) + 1)
    gender_col = get_column_letter(HEADERS.index(COL_GENDER) + 1)
    relations = DataValidation(type="list", formula1='"' + ",".join(RELATION_LABELS.values()) + '"', allow_blank=True)
    relations.add(f"{relation_col}2:{relation_col}{last}")
    genders = DataValidation(type="list", formula1='"男,女"', allow_blank=True)
    genders.add(f"{gender_col}2:{gender_col}{last}")
    ws.add_data_validation(relations)
    ws.add_data_validation(genders)

    help_ws = workbook.create_sheet(HELP_SHEET_NAME)
    wrap = Alignment(wrap_text=True, vertical="top")
    help_ws.column_dimensions["A"].width = 14
    help_ws.column_dimensions["B"].width = 16
    help_ws.column_dimensions["C"].width = 80
    help_ws.append([_("How to fill in the household import sheet")])
    help_ws["A1"].font = Font(bold=True, size=14)
    for line in (
        _(
            "Fill in the sheet “%(sheet)s”: one row per person. Rows with the same village code and household "
            "number form one household."
        )
        % {"sheet": SHEET_NAME},
        _(
            "The first row of a household whose relation is 户主 names the head of the household. "
            "A household may have only one head."
        ),
        _("Import only creates new households; a household number that already exists in the village is refused."),
        _("If any row has a problem, nothing is imported: correct the rows listed and upload the whole file again."),
    ):
        help_ws.append([line])
    help_ws.append([])
    help_ws.append([_("Column"), _("Required"), _("What to write")])
    for cell in help_ws[help_ws.max_row]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    yes, no = _("Yes"), _("No")
    explanations = {
        COL_NUMBER: (
            yes,
            _(
                "Household number, unique within the village, e.g. 0001. Format the column as text to keep "
                "leading zeros."
            ),
        ),
        COL_VILLAGE: (yes, _("The 12-digit code of the village; the village must be in your area.")),
        COL_GRID: (
            no,
            _("Code of the grid the household belongs to, e.g. A1-01; the grid must belong to the village."),
        ),
        COL_GROUP: (no, _("Name of the village group, e.g. 3组; it must exist in the village.")),
        COL_ADDRESS: (no, _("Address of the household.")),
        COL_NAME: (yes, _("Full name of the person.")),
        COL_RELATION: (yes, _("One of: %(values)s.") % {"values": "、".join(RELATION_LABELS.values())}),
        COL_GENDER: (
            _("Required unless an ID number is given"),
            _("男 or 女. May be left empty when an ID number is given; it is read from the ID number."),
        ),
        COL_BIRTH: (no, _("Date as YYYY-MM-DD, e.g. 1980-05-17. It must match the ID number.")),
        COL_ID: (
            no,
            _(
                "18-character resident ID number (the last character may be X). Each number may appear only "
                "once and must not be registered yet."
            ),
        ),
        COL_PHONE: (no, _("11-digit mobile number.")),
        COL_TAGS: (
            no,
            _("Tag names separated by 、 or a comma, from: %(values)s.") % {"values": "、".join(_tag_names())},
        ),
    }
    for header in HEADERS:
        required, text = explanations[header]
        help_ws.append([header, required, text])
        for cell in help_ws[help_ws.max_row]:
            cell.alignment = wrap
    help_ws.append([])
    help_ws.append([_("Example (do not fill in here)")])
    help_ws.cell(row=help_ws.max_row, column=1).font = Font(bold=True, color="B71C1C")
    help_ws.append(HEADERS)
    for cell in help_ws[help_ws.max_row]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    place = ["0001", "510422001001", "A1-01", "3组", "安家村3组12号"]
    head_id = "11010519800517001" + id_check_digit("11010519800517001")  # 17th digit odd: male
    spouse_id = "11010519820309002" + id_check_digit("11010519820309002")  # even: female
    for example in (
        place + ["王建国", "户主", "男", "1980-05-17", head_id, "13800001234", "党员"],
        place + ["刘桂兰", "配偶", "", "", spouse_id, "", "低保、留守妇女"],
        place + ["王小明", "子女", "男", "2012-09-01", "", "", "留守儿童"],
    ):
        help_ws.append(example + [""] * (len(HEADERS) - len(example)))
        for cell in help_ws[help_ws.max_row]:
            cell.number_format = "@"
    for index in range(4, len(HEADERS) + 1):
        help_ws.column_dimensions[get_column_letter(index)].width = COLUMN_WIDTHS[HEADERS[index - 1]]
    help_ws.column_dimensions["C"].width = 80  # the explanation column is wider than the example's 网格编码
    return _save(workbook)


def write_rows_workbook(rows: list[dict]) -> bytes:
    """An import workbook from dicts keyed by the Chinese headers (missing keys are empty cells)."""
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(SHEET_NAME)
    for index, header in enumerate(HEADERS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = COLUMN_WIDTHS[header]
    ws.append(_header_cells(ws))
    for row in rows:
        ws.append([row.get(h, "") for h in HEADERS])
    return _save(workbook)


def _header_cells(ws) -> list:
    cells = []
    for header in HEADERS:
        cell = WriteOnlyCell(ws, value=header)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cells.append(cell)
    return cells


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
    grants = [g for g in scope.grants(actor) if action in ROLE_ACTIONS.get(g.role, ())]
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
    return q


def households_export(
    *, actor, q: str = "", village_id: int | None = None, grid_id: int | None = None, tag: str = ""
) -> ExportResult:
    """Export the households the actor may export, filtered like the household list; audited."""
    if not scope.can(actor, Action.REGISTRY_EXPORT):
        raise PermissionDenied()
    qs = selectors.household_search(actor, q=q, village_id=village_id, grid_id=grid_id, tag=tag)
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
            "filter": {"q": _masked_query(q), "village_id": village_id, "grid_id": grid_id, "tag": tag},
            "households": result.households,
            "rows": result.rows,
        },
    )
    return result
