"""The layout of the household import file (户籍导入): sheet names, column headers, labels, limits, and what
reading and checking produce (rows, problems, the plan, the report)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from core.xlsx import ImportFileError, RowError  # noqa: F401 - the importing modules' file and row errors
from regions.models import Region
from registry.models import Gender, Relation

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
