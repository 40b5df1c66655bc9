"""Staff accounts in bulk from an .xlsx file (账号批量导入), for the county administrator.

One row per person: username (optional: generated from the region's code when empty), name, phone, role, the
region's code (regions.Region.code), the grid's code for a grid worker and the household number for a villager.

``preview`` reads the file and checks every row by the same rules as the one-at-a-time form (the checks of
accounts.services: ``check_new_user`` and ``check_role_grant``), plus what only a file can get wrong (a duplicate
username or phone inside the file, an empty required cell). A clean file gives a signed token holding the rows as
uploaded (nothing is kept on the server); ``confirm`` checks the rows again, then creates every account through
``services.user_create`` and ``services.role_assign`` in one transaction (all or nothing), records one
``accounts.user.import`` event per county besides the services' own events per account, and returns the
result workbook: each account with its random initial password, shown this once and never stored in clear.

The column headers and sheet names are data (the layout of the file), not interface text, so they are Chinese
literals (as in registry.importing); every message goes through gettext.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core import signing
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import selectors, services
from accounts.models import User
from core import audit, crypto, scope
from core.errors import DomainError, NotFound, PermissionDenied
from core.masking import mask_phone
from core.roles import Action, Role
from core.xlsx import ImportFileError, RowError, Sheet, cell_text, read_sheet, workbook
from regions.models import Grid, Region, RegionLevel

SHEET_NAME = "账号导入"
HELP_SHEET_NAME = "填写说明"
REGIONS_SHEET_NAME = "区域编码"
GRIDS_SHEET_NAME = "网格编码"

COL_USERNAME = "用户名"
COL_NAME = "姓名"
COL_PHONE = "手机号"
COL_ROLE = "角色"
COL_REGION = "区域编码"
COL_GRID = "网格编码"
COL_HOUSEHOLD = "户号"

HEADERS = [COL_USERNAME, COL_NAME, COL_PHONE, COL_ROLE, COL_REGION, COL_GRID, COL_HOUSEHOLD]
# a file must have these headers; the others may be left out (their cells are then empty)
REQUIRED_HEADERS = (COL_NAME, COL_PHONE, COL_ROLE, COL_REGION)
REQUIRED_CELLS = (COL_NAME, COL_PHONE, COL_ROLE, COL_REGION)
MAX_LENGTHS = {COL_USERNAME: 150, COL_NAME: 50, COL_PHONE: 20, COL_REGION: 32, COL_GRID: 40, COL_HOUSEHOLD: 32}
COLUMN_WIDTHS = {
    COL_USERNAME: 18,
    COL_NAME: 12,
    COL_PHONE: 15,
    COL_ROLE: 16,
    COL_REGION: 16,
    COL_GRID: 14,
    COL_HOUSEHOLD: 10,
}
_FIELDS = {
    COL_USERNAME: "username",
    COL_NAME: "display_name",
    COL_PHONE: "phone",
    COL_ROLE: "role",
    COL_REGION: "region_code",
    COL_GRID: "grid_code",
    COL_HOUSEHOLD: "household_number",
}
# a service's field name → the column it reads
_SERVICE_COLUMNS = {
    "username": COL_USERNAME,
    "phone": COL_PHONE,
    "role": COL_ROLE,
    "region": COL_REGION,
    "grid": COL_GRID,
    "household": COL_HOUSEHOLD,
    "display_name": COL_NAME,
}

TITLE_ROWS = 5  # rows without any header above the header row are titles
MAX_FILE_MB = 5
TOKEN_MAX_AGE = 2 * 3600  # seconds a preview may wait for its confirmation
_TOKEN_SALT = "accounts.importing"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT_ACTION = "accounts.user.import"

_PASSWORD_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")
PASSWORD_LENGTH = 12


def max_rows() -> int:
    """The most rows one file may have (settings.ACCOUNTS_IMPORT_MAX_ROWS): each account's password is hashed with
    Argon2 (0.16 to 0.37 s each on the 2-core development machine, idle or busy), so a file must be written well
    within the server's request timeout (gunicorn's 120 s)."""
    return int(getattr(settings, "ACCOUNTS_IMPORT_MAX_ROWS", 200))


# --- values -----------------------------------------------------------------------------------------------------


@dataclass
class AccountRow:
    """One row as read from the sheet: stripped text."""

    row: int
    username: str = ""
    display_name: str = ""
    phone: str = ""
    role: str = ""
    region_code: str = ""
    grid_code: str = ""
    household_number: str = ""

    def cells(self) -> list:
        return [self.row, *(getattr(self, _FIELDS[h]) for h in HEADERS)]

    @classmethod
    def from_cells(cls, cells: list) -> AccountRow:
        row = cls(row=int(cells[0]))
        for header, value in zip(HEADERS, cells[1:], strict=True):
            setattr(row, _FIELDS[header], str(value))
        return row


@dataclass
class PlannedAccount:
    """A checked row: what will be created."""

    row: int
    username: str
    generated: bool  # the username was left empty and made from the region's code
    display_name: str
    phone: str
    role: str
    region: Region
    grid: Grid | None = None
    household: object | None = None

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)


@dataclass
class Preview:
    rows: int = 0
    accounts: list[PlannedAccount] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    token: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def file_error(self) -> str:
        """The message when the file as a whole was refused, else ""."""
        if len(self.errors) == 1 and self.errors[0].row == 0:
            return self.errors[0].message
        return ""

    @property
    def rows_with_errors(self) -> int:
        return len({e.row for e in self.errors if e.row})

    def summary(self) -> str:
        if self.file_error:
            return self.file_error
        return _(
            "Problems found: %(errors)s (rows affected: %(rows)s). Nothing was imported: correct the file and "
            "upload it again."
        ) % {"errors": len(self.errors), "rows": self.rows_with_errors}


@dataclass
class ImportResult:
    accounts: list[PlannedAccount] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    content: bytes = b""  # the result workbook with the initial passwords (made once, never stored)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return Preview(errors=self.errors).summary()


# --- reading ----------------------------------------------------------------------------------------------------


def read_rows(fileobj) -> list[AccountRow]:
    """The account rows of an uploaded workbook; ImportFileError (in Chinese) for a file that cannot be used."""
    rows = []
    for excel_row, cells in read_sheet(
        fileobj,
        sheet_name=SHEET_NAME,
        headers=_FIELDS,
        required=REQUIRED_HEADERS,
        max_rows=max_rows(),
        max_mb=MAX_FILE_MB,
        title_rows=TITLE_ROWS,
    ):
        row = AccountRow(row=excel_row)
        for header, value in cells.items():
            setattr(row, _FIELDS[header], cell_text(value))
        rows.append(row)
    return rows


# --- checking ---------------------------------------------------------------------------------------------------


def _role_by_text() -> dict[str, str]:
    """A role as written in the file: its name in the interface language (网格员) or its code (grid_worker)."""
    found = {str(label): value for value, label in Role.choices}
    found.update({value: value for value in Role.values})
    return found


def _level_names(role: str) -> str:
    return "、".join(str(RegionLevel(level).label) for level in sorted(services.ROLE_LEVELS[role]))


class _Checker:
    def __init__(self, actor, rows: list[AccountRow]):
        self.actor = actor
        self.rows = rows
        self.errors: list[RowError] = []
        self.roles = _role_by_text()
        self._regions: dict[str, Region | None] = {}
        self._grids: dict[str, Grid | None] = {}
        self.accounts: list[PlannedAccount] = []

    def error(self, row: AccountRow, column: str, code: str, message: str) -> None:
        self.errors.append(RowError(row.row, column, message, code))

    def region(self, code: str) -> Region | None:
        if code not in self._regions:
            self._regions[code] = Region.objects.filter(code=code).first()
        return self._regions[code]

    def grid(self, code: str) -> Grid | None:
        if code not in self._grids:
            self._grids[code] = Grid.objects.filter(code=code).first()
        return self._grids[code]

    def household(self, region: Region, number: str):
        """The household of that number in the village, read within the actor's reach of the registry."""
        from registry.models import Household

        qs = Household.objects.filter(village_id=region.pk, number=number)
        return scope.scope_filter(self.actor, Action.REGISTRY_VIEW, qs).first()

    def run(self) -> tuple[list[PlannedAccount], list[RowError]]:
        usernames: dict[str, AccountRow] = {}
        phones: dict[str, AccountRow] = {}
        for r in self.rows:
            self.check_row(r, usernames, phones)
        if not self.errors:
            self.name_the_unnamed(set(usernames))
        return self.accounts, self.errors

    def check_row(self, r: AccountRow, usernames: dict, phones: dict) -> None:
        before = len(self.errors)
        ok = True
        for column in REQUIRED_CELLS:
            if not getattr(r, _FIELDS[column]):
                self.error(r, column, "required", _("This cell is required."))
                ok = False
        for column, limit in MAX_LENGTHS.items():
            if len(getattr(r, _FIELDS[column])) > limit:
                self.error(r, column, "too_long", _("Too long: at most %(max)s characters.") % {"max": limit})
                ok = False
        if not ok:
            return

        # the account: username and phone by the rules of services.user_create, then against the other rows
        username, phone, problems = services.check_new_user(username=r.username, phone=r.phone)
        if not r.username:
            problems.pop("username", None)  # left empty: made from the region's code once every row is clean
        elif "username" not in problems:
            try:
                UnicodeUsernameValidator()(username)
            except ValidationError as exc:
                problems["username"] = " ".join(exc.messages)
        for key, message in problems.items():
            self.error(r, _SERVICE_COLUMNS.get(key, ""), f"bad_{key}", message)
        if username and "username" not in problems:
            first = usernames.setdefault(username, r)
            if first is not r:
                self.error(
                    r,
                    COL_USERNAME,
                    "duplicate_in_file",
                    _("Rows %(first)s and %(row)s have the same username.") % {"first": first.row, "row": r.row},
                )
        if "phone" not in problems:
            first = phones.setdefault(phone, r)
            if first is not r:
                self.error(
                    r,
                    COL_PHONE,
                    "duplicate_in_file",
                    _("Rows %(first)s and %(row)s have the same phone number.") % {"first": first.row, "row": r.row},
                )

        # the role: by the rules of services.role_assign
        role = self.roles.get(r.role)
        if role is None:
            allowed = "、".join(str(label) for _value, label in Role.choices)
            self.error(
                r,
                COL_ROLE,
                "unknown_role",
                _("Unknown role %(value)s. Allowed: %(allowed)s.") % {"value": r.role, "allowed": allowed},
            )
        region = self.region(r.region_code)
        if region is None:
            self.error(r, COL_REGION, "unknown_region", _("Unknown region code."))
        grid = None
        if r.grid_code:
            grid = self.grid(r.grid_code)
            if grid is None:
                self.error(r, COL_GRID, "unknown_grid", _("Unknown grid code."))
        household = None
        if r.household_number and region is not None:
            household = self.household(region, r.household_number)
            if household is None:
                self.error(r, COL_HOUSEHOLD, "unknown_household", _("No household with this number in the village."))
        if role is None or region is None or (r.grid_code and grid is None):
            return
        if r.household_number and household is None:
            return
        try:
            services.check_role_grant(actor=self.actor, role=role, region=region, grid=grid, household=household)
        except NotFound:
            self.error(r, COL_REGION, "outside_county", _("This region is outside your county."))
            return
        except DomainError as exc:
            for key, messages in exc.message_dict.items():
                column = _SERVICE_COLUMNS.get(key, "")
                message = " ".join(messages)
                if key == "region":
                    message += " " + _("%(role)s is granted on: %(levels)s.") % {
                        "role": Role(role).label,
                        "levels": _level_names(role),
                    }
                self.error(r, column, f"bad_{key}", message)
            return
        if len(self.errors) > before:
            return
        self.accounts.append(
            PlannedAccount(
                row=r.row,
                username=username,
                generated=not r.username,
                display_name=r.display_name,
                phone=phone,
                role=role,
                region=region,
                grid=grid,
                household=household,
            )
        )

    def name_the_unnamed(self, taken_in_file: set[str]) -> None:
        """A username for each account whose cell was empty: the region's code and a number, ``510422001001-03``,
        the first not taken by an account or another row."""
        taken: dict[str, set[str]] = {}
        for account in self.accounts:
            if not account.generated:
                continue
            prefix = f"{account.region.code}-"
            if prefix not in taken:
                taken[prefix] = set(
                    User.objects.filter(username__startswith=prefix).values_list("username", flat=True)
                ) | {u for u in taken_in_file if u.startswith(prefix)}
            n = 1
            while f"{prefix}{n:02d}" in taken[prefix]:
                n += 1
            account.username = f"{prefix}{n:02d}"
            taken[prefix].add(account.username)


def _require_manager(actor) -> None:
    if not scope.can(actor, Action.ACCOUNTS_MANAGE):
        raise PermissionDenied()


def check_rows(actor, rows: list[AccountRow]) -> tuple[list[PlannedAccount], list[RowError]]:
    """Every row against the accounts and regions: the accounts to create, or every problem (row, column)."""
    _require_manager(actor)
    return _Checker(actor, rows).run()


def _file_error(exc: ImportFileError) -> list[RowError]:
    return [RowError(0, "", exc.message, exc.code)]


def preview(*, actor, fileobj, filename: str = "") -> Preview:
    """Read and check an uploaded file; writes nothing. A clean file's rows come back with a signed token that
    ``confirm`` takes (valid for TOKEN_MAX_AGE seconds, for this actor only)."""
    _require_manager(actor)
    try:
        rows = read_rows(fileobj)
    except ImportFileError as exc:
        return Preview(errors=_file_error(exc))
    accounts, errors = check_rows(actor, rows)
    if errors:
        return Preview(rows=len(rows), errors=errors)
    payload = {
        "actor": actor.pk,
        "file": (filename or getattr(fileobj, "name", "") or "")[:200],
        "batch": secrets.token_hex(8),
        "rows": [r.cells() for r in rows],
    }
    # signed (it cannot be altered) and encrypted (the phones in it are not readable in the page or the answer)
    token = crypto.encrypt(signing.dumps(payload, salt=_TOKEN_SALT, compress=True))
    return Preview(rows=len(rows), accounts=accounts, token=token)


def _token_error(message: str, code: str) -> ImportResult:
    return ImportResult(errors=[RowError(0, "", message, code)])


def new_password() -> str:
    """A random initial password of letters and digits (no 0/O/1/l/I), with at least one of each kind."""
    while True:
        value = "".join(secrets.choice(_PASSWORD_ALPHABET) for _i in range(PASSWORD_LENGTH))
        if any(c.islower() for c in value) and any(c.isupper() for c in value) and any(c.isdigit() for c in value):
            return value


def _decrypt(token: str) -> str:
    """The signed payload inside a token; "" (a bad signature) for anything that is not one of ours."""
    try:
        return crypto.decrypt((token or "").strip()[:10_000_000])
    except (ImproperlyConfigured, ValueError, TypeError):
        return ""


class _Abort(Exception):
    def __init__(self, error: RowError):
        self.error = error


def confirm(*, actor, token: str) -> ImportResult:
    """Import the rows of a previewed file: checked again, then every account created through the services in one
    transaction, or (on any problem) none. The result holds the workbook with the initial passwords."""
    _require_manager(actor)
    try:
        payload = signing.loads(_decrypt(token), salt=_TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        return _token_error(_("The check of this file has expired. Upload the file again."), "expired")
    except signing.BadSignature:
        return _token_error(_("This import cannot be confirmed. Upload the file again."), "bad_token")
    if payload.get("actor") != actor.pk:
        return _token_error(_("This import cannot be confirmed. Upload the file again."), "bad_token")
    batch = payload.get("batch", "")
    if audit_import_exists(batch):
        return _token_error(_("This file has already been imported. See the list of accounts."), "already_imported")
    try:
        rows = [AccountRow.from_cells(cells) for cells in payload["rows"]]
    except (KeyError, TypeError, ValueError):
        return _token_error(_("This import cannot be confirmed. Upload the file again."), "bad_token")
    accounts, errors = check_rows(actor, rows)
    if errors:
        return ImportResult(errors=errors)
    # hashing (Argon2, the slow part) before the transaction, so the database is not held meanwhile
    passwords = {account.row: new_password() for account in accounts}
    hashes = {}
    for account in accounts:
        validate_password(passwords[account.row], User(username=account.username, display_name=account.display_name))
        hashes[account.row] = make_password(passwords[account.row])
    try:
        with transaction.atomic():
            per_county: dict[int, list] = {}
            for account in accounts:
                try:
                    user = services.user_create(
                        actor=actor,
                        username=account.username,
                        password=hashes[account.row],
                        hashed=True,
                        display_name=account.display_name,
                        phone=account.phone,
                    )
                    services.role_assign(
                        actor=actor,
                        user=user,
                        role=account.role,
                        region=account.region,
                        grid=account.grid,
                        household=account.household,
                    )
                except DomainError as exc:
                    key, messages = next(iter(exc.message_dict.items()))
                    error = RowError(account.row, _SERVICE_COLUMNS.get(key, ""), " ".join(messages), "conflict")
                    raise _Abort(error) from None
                except NotFound:
                    raise _Abort(
                        RowError(account.row, COL_REGION, _("This region is outside your county."), "outside_county")
                    ) from None
                county_id = account.region.county_id
                per_county.setdefault(county_id, [account.region, 0])[1] += 1
            for region, count in per_county.values():
                audit.record(
                    actor,
                    IMPORT_ACTION,
                    region=Region.objects.get(pk=region.county_id),
                    after={"accounts": count, "file": payload.get("file", ""), "batch": batch},
                )
    except _Abort as exc:
        return ImportResult(errors=[exc.error])
    except IntegrityError:
        message = _(
            "The accounts changed while the file was being imported (a username or phone was taken meanwhile). "
            "Nothing was imported; upload the file again."
        )
        return _token_error(message, "conflict")
    content = result_workbook(accounts, passwords)
    passwords.clear()
    return ImportResult(accounts=accounts, content=content)


def audit_import_exists(batch: str) -> bool:
    from core.models import AuditEvent

    return bool(batch) and AuditEvent.objects.filter(action=IMPORT_ACTION, after__batch=batch).exists()


# --- workbooks --------------------------------------------------------------------------------------------------


def result_workbook(accounts: list[PlannedAccount], passwords: dict[int, str]) -> bytes:
    """The accounts created with their initial passwords: the only place a password is ever written out."""
    now = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    caption = _(
        "Accounts imported on %(time)s: %(count)s. The initial passwords are shown only in this file: hand each "
        "person their own, keep the file safe and delete it afterwards."
    ) % {"time": now, "count": len(accounts)}
    heads = [_("Row"), _("Username"), _("Name"), _("Phone"), _("Role"), _("Region"), _("Grid"), _("Initial password")]
    rows = [
        [
            a.row,
            a.username,
            a.display_name,
            a.phone_masked,
            a.role_label,
            a.region.name,
            str(a.grid) if a.grid else "",
            passwords[a.row],
        ]
        for a in accounts
    ]
    return workbook(Sheet(_("Initial passwords"), caption, heads, rows))


def build_template(actor) -> bytes:
    """The import template: the data sheet, a sheet explaining each column, and the codes of the actor's regions
    and grids to copy from."""
    from io import BytesIO

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="F2F2F2")
    book = Workbook()
    ws = book.active
    ws.title = SHEET_NAME
    ws.append(HEADERS)
    for index, header in enumerate(HEADERS, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = COLUMN_WIDTHS[header]
        ws.column_dimensions[letter].number_format = "@"  # codes and phones stay text (no lost zeros)
        cell = ws.cell(row=1, column=index)
        cell.font = bold
        cell.fill = fill
    ws.freeze_panes = "A2"
    role_col = get_column_letter(HEADERS.index(COL_ROLE) + 1)
    names = [str(label) for _value, label in Role.choices]
    labels = ",".join(names)
    if len(labels) < 250 and not any("," in n or '"' in n for n in names):  # a list written in the rule itself
        roles = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True)
        roles.add(f"{role_col}2:{role_col}{max_rows() + 1}")
        ws.add_data_validation(roles)

    help_ws = book.create_sheet(HELP_SHEET_NAME)
    wrap = Alignment(wrap_text=True, vertical="top")
    help_ws.column_dimensions["A"].width = 12
    help_ws.column_dimensions["B"].width = 14
    help_ws.column_dimensions["C"].width = 90
    help_ws.append([_("How to fill in the account import sheet")])
    help_ws["A1"].font = Font(bold=True, size=14)
    for line in (
        _("Fill in the sheet “%(sheet)s”: one row per person, at most %(max)s rows.")
        % {"sheet": SHEET_NAME, "max": max_rows()},
        _("If any row has a problem, nothing is imported: correct the rows listed and upload the whole file again."),
        _(
            "After the import you download a result file with each account's initial password. It is shown only "
            "once and is not stored: hand each person their own password."
        ),
    ):
        help_ws.append([line])
    help_ws.append([])
    help_ws.append([_("Column"), _("Required"), _("What to write")])
    for cell in help_ws[help_ws.max_row]:
        cell.font = bold
        cell.fill = fill
    yes, no = _("Yes"), _("No")
    role_lines = "；".join(f"{label}（{_level_names(value)}）" for value, label in Role.choices)
    explanations = {
        COL_USERNAME: (
            no,
            _(
                "The name to sign in with (letters, digits and @.+-_). Left empty, it is made from the region code "
                "and a number, e.g. 510422001001-01."
            ),
        ),
        COL_NAME: (yes, _("Full name of the person.")),
        COL_PHONE: (yes, _("11-digit mobile number; each account needs its own. It can also be used to sign in.")),
        COL_ROLE: (
            yes,
            _("One of these roles, with the level of region it is granted on: %(roles)s.") % {"roles": role_lines},
        ),
        COL_REGION: (
            yes,
            _("The code of the county, township or village, from the sheet “%(sheet)s”; it must be in your county.")
            % {"sheet": REGIONS_SHEET_NAME},
        ),
        COL_GRID: (
            _("Required for grid workers"),
            _("The code of the grid, from the sheet “%(sheet)s”; the grid must belong to the village.")
            % {"sheet": GRIDS_SHEET_NAME},
        ),
        COL_HOUSEHOLD: (_("Required for villagers"), _("The household number in the village, e.g. 0001.")),
    }
    for header in HEADERS:
        required, text = explanations[header]
        help_ws.append([header, required, text])
        for cell in help_ws[help_ws.max_row]:
            cell.alignment = wrap

    regions_ws = book.create_sheet(REGIONS_SHEET_NAME)
    name = str(Region._meta.get_field("name").verbose_name)  # 名称 (a person's 姓名 is "Name")
    regions_ws.append([COL_REGION, name, _("Level"), _("Township")])
    for cell in regions_ws[1]:
        cell.font = bold
        cell.fill = fill
    for width, letter in zip((16, 24, 10, 20), "ABCD", strict=True):
        regions_ws.column_dimensions[letter].width = width
    regions = (
        selectors.manageable_regions(actor).exclude(level=RegionLevel.GROUP).select_related("township").order_by("code")
    )
    for region in regions:
        township = region.township.name if region.township and region.township_id != region.pk else ""
        regions_ws.append([region.code, region.name, str(RegionLevel(region.level).label), township])

    grids_ws = book.create_sheet(GRIDS_SHEET_NAME)
    grids_ws.append([COL_GRID, name, COL_REGION, _("Village")])
    for cell in grids_ws[1]:
        cell.font = bold
        cell.fill = fill
    for width, letter in zip((14, 24, 16, 20), "ABCD", strict=True):
        grids_ws.column_dimensions[letter].width = width
    for grid in selectors.manageable_grids(actor).filter(is_active=True).order_by("code"):
        grids_ws.append([grid.code, grid.name, grid.village.code, grid.village.name])

    out = BytesIO()
    book.save(out)
    return out.getvalue()
