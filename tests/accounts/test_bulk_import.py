"""Staff accounts in bulk from an .xlsx file (accounts.importing): preview with row errors, all or nothing,
the county administrator only, a one-time result file with the initial passwords."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from accounts import importing
from accounts.models import RoleAssignment, User
from core.models import AuditEvent
from core.roles import Role
from regions.models import RegionLevel
from tests.factories import make_grid, make_region, make_user

pytestmark = pytest.mark.django_db

HEADERS = importing.HEADERS
XLSX = importing.XLSX_CONTENT_TYPE


def _xlsx(rows, headers=HEADERS) -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = importing.SHEET_NAME
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(content: bytes, name: str = "staff.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX)


def _clean_rows(world):
    #       用户名        姓名      手机号          角色                区域编码              网格编码  户号
    return [
        ["cadre_new", "周文", "13911110001", Role.VILLAGE_CADRE, world.village_a1.code, "", ""],
        ["", "吴芳", "13911110002", Role.GRID_WORKER, world.village_a1.code, world.grid_a1b.code, ""],
        ["", "郑强", "139 1111 0003", Role.TOWNSHIP_OFFICIAL, world.township_b.code, "", ""],
        ["villager_new", "王小明", "13911110004", Role.VILLAGER, world.village_a1.code, "", "0001"],
    ]


def _result_rows(content: bytes) -> list[list]:
    ws = load_workbook(BytesIO(content)).active
    return [list(r) for r in ws.iter_rows(min_row=3, values_only=True)]


def _preview_page(client, rows):
    return client.post("/accounts/import/", {"file": _upload(_xlsx(rows))})


def test_clean_import_creates_exactly_the_rows_with_roles_regions_and_audit(world, login):
    client = login(world.users["county_admin"])
    before = User.objects.count()
    page = _preview_page(client, _clean_rows(world))
    assert page.status_code == 200
    report = page.context["report"]
    assert report.ok and len(report.accounts) == 4, report.errors
    assert User.objects.count() == before  # the preview writes nothing
    assert b'id="import-confirm"' in page.content
    generated = [a.username for a in report.accounts if a.generated]
    assert generated == [f"{world.village_a1.code}-01", f"{world.township_b.code}-01"]

    response = client.post("/accounts/import/confirm/", {"token": report.token})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    assert User.objects.count() == before + 4

    expected = {
        "cadre_new": (Role.VILLAGE_CADRE, world.village_a1, None, None),
        f"{world.village_a1.code}-01": (Role.GRID_WORKER, world.village_a1, world.grid_a1b, None),
        f"{world.township_b.code}-01": (Role.TOWNSHIP_OFFICIAL, world.township_b, None, None),
        "villager_new": (Role.VILLAGER, world.village_a1, None, world.households["a1"]),
    }
    for username, (role, region, grid, household) in expected.items():
        user = User.objects.get(username=username)
        assignments = list(RoleAssignment.objects.filter(user=user))
        assert len(assignments) == 1
        a = assignments[0]
        assert (a.role, a.region_id, a.grid_id, a.household_id) == (
            role,
            region.pk,
            getattr(grid, "pk", None),
            getattr(household, "pk", None),
        )
        assert AuditEvent.objects.filter(action="accounts.user.create", target_id=str(user.pk)).count() == 1
        assert AuditEvent.objects.filter(action="accounts.role.assign", target_id=str(user.pk)).count() == 1
    assert User.objects.get(username="cadre_new").phone == "13911110001"
    assert User.objects.get(username=f"{world.township_b.code}-01").phone == "13911110003"
    summary = AuditEvent.objects.get(action="accounts.user.import")
    assert summary.after["accounts"] == 4 and summary.county_id == world.county.pk
    assert summary.actor_id == world.users["county_admin"].pk


def test_result_file_holds_each_password_once_and_it_signs_in(world, login, client):
    admin_client = login(world.users["county_admin"])
    report = _preview_page(admin_client, _clean_rows(world)).context["report"]
    content = admin_client.post("/accounts/import/confirm/", {"token": report.token}).content
    rows = _result_rows(content)
    assert len(rows) == 4
    passwords = [r[-1] for r in rows]
    assert len(set(passwords)) == 4 and all(isinstance(p, str) and len(p) >= 8 for p in passwords)
    # each password appears exactly once in the file, and nowhere in the audit trail or the accounts
    cells = [str(c) for r in rows for c in r if c is not None]
    for password in passwords:
        assert cells.count(password) == 1
        assert not AuditEvent.objects.filter(after__icontains=password).exists()
        assert not User.objects.filter(password__contains=password).exists()
    username, password = rows[0][1], rows[0][-1]
    admin_client.logout()
    response = client.post("/login/", {"username": username, "password": password})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == User.objects.get(username=username).pk
    # the phone signs in too
    client.logout()
    response = client.post("/login/", {"username": "13911110001", "password": password})
    assert response.status_code == 302


def test_confirming_twice_imports_once(world, login):
    client = login(world.users["county_admin"])
    token = _preview_page(client, _clean_rows(world)).context["report"].token
    assert client.post("/accounts/import/confirm/", {"token": token})["Content-Type"] == XLSX
    count = User.objects.count()
    again = client.post("/accounts/import/confirm/", {"token": token})
    assert again.status_code == 200 and again["Content-Type"].startswith("text/html")
    assert again.context["report"].errors[0].code == "already_imported"
    assert User.objects.count() == count


def test_one_bad_row_imports_nothing_and_names_the_row(world, login):
    client = login(world.users["county_admin"])
    rows = _clean_rows(world)
    rows[2][4] = "999999999"  # row 4 of the sheet (header is row 1): unknown region code
    before = User.objects.count()
    page = _preview_page(client, rows)
    report = page.context["report"]
    assert not report.ok and not report.token
    assert [(e.row, e.column, e.code) for e in report.errors] == [(4, importing.COL_REGION, "unknown_region")]
    assert b'id="import-errors"' in page.content and b'id="import-confirm"' not in page.content
    assert User.objects.count() == before
    # a forged or empty token imports nothing either
    response = client.post("/accounts/import/confirm/", {"token": "forged"})
    assert response.status_code == 200 and response.context["report"].errors[0].code == "bad_token"
    assert User.objects.count() == before


def test_row_level_problems_are_each_named(world, login):
    client = login(world.users["county_admin"])
    rows = [
        ["", "", "13911110001", Role.VILLAGE_CADRE, world.village_a1.code, "", ""],  # 2: name empty
        ["", "甲", "1391111", Role.VILLAGE_CADRE, world.village_a1.code, "", ""],  # 3: malformed phone
        ["", "乙", "13911110003", Role.TOWNSHIP_OFFICIAL, world.village_a1.code, "", ""],  # 4: wrong level
        ["", "丙", "13911110004", Role.GRID_WORKER, world.village_a1.code, "", ""],  # 5: grid worker without grid
        ["", "丁", "13911110005", "no_such_role", world.village_a1.code, "", ""],  # 6: unknown role
        ["cadre_a1", "戊", "13911110006", Role.VILLAGE_CADRE, world.village_a1.code, "", ""],  # 7: username taken
        ["dup", "己", "13911110007", Role.VILLAGE_CADRE, world.village_a1.code, "", ""],  # 8
        ["dup", "庚", "13911110008", Role.VILLAGE_CADRE, world.village_a1.code, "", ""],  # 9: username twice
        ["", "辛", "13911110009", Role.GRID_WORKER, world.village_a2.code, world.grid_a1.code, ""],  # 10: other village
        ["", "壬", "13911110010", Role.VILLAGER, world.village_a1.code, "", "9999"],  # 11: unknown household
    ]
    report = _preview_page(client, rows).context["report"]
    found = {(e.row, e.column, e.code) for e in report.errors}
    assert found == {
        (2, importing.COL_NAME, "required"),
        (3, importing.COL_PHONE, "bad_phone"),
        (4, importing.COL_REGION, "bad_region"),
        (5, importing.COL_GRID, "bad_grid"),
        (6, importing.COL_ROLE, "unknown_role"),
        (7, importing.COL_USERNAME, "bad_username"),
        (9, importing.COL_USERNAME, "duplicate_in_file"),
        (10, importing.COL_GRID, "bad_grid"),
        (11, importing.COL_HOUSEHOLD, "unknown_household"),
    }
    assert all(e.message for e in report.errors)
    assert not User.objects.filter(username="dup").exists()


def test_a_region_outside_the_county_is_refused(world, login):
    other = make_region("邻县", "510423", RegionLevel.COUNTY)
    other_town = make_region("丙镇", "510423001", RegionLevel.TOWNSHIP, other)
    other_village = make_region("远村", "510423001001", RegionLevel.VILLAGE, other_town)
    make_grid(other_village, "Y1-01")
    client = login(world.users["county_admin"])
    rows = _clean_rows(world)
    rows.append(["", "外县人", "13911110099", Role.VILLAGE_CADRE, other_village.code, "", ""])
    rows.append(["", "外县网格员", "13911110098", Role.GRID_WORKER, other_village.code, "Y1-01", ""])
    before = User.objects.count()
    report = _preview_page(client, rows).context["report"]
    assert {(e.row, e.column, e.code) for e in report.errors} == {
        (6, importing.COL_REGION, "outside_county"),
        (7, importing.COL_REGION, "outside_county"),
    }
    assert User.objects.count() == before


def test_a_duplicate_phone_is_refused_in_the_file_and_against_accounts(world, login):
    client = login(world.users["county_admin"])
    existing = world.users["cadre_a1"]
    existing.set_phone("13911119999")
    existing.save()
    rows = _clean_rows(world)
    rows[1][2] = "13911110001"  # the same as row 2
    rows[3][2] = "13911119999"  # an existing account's
    report = _preview_page(client, rows).context["report"]
    assert {(e.row, e.column, e.code) for e in report.errors} == {
        (3, importing.COL_PHONE, "duplicate_in_file"),
        (5, importing.COL_PHONE, "bad_phone"),
    }
    duplicate = next(e for e in report.errors if e.code == "duplicate_in_file")
    assert "2" in duplicate.message and "3" in duplicate.message


@pytest.mark.parametrize(
    "content,name,code",
    [
        (b"name,phone\n", "staff.csv", "bad_file"),
        (b"%PDF-1.4 not a workbook", "staff.xlsx", "bad_file"),
        (_xlsx([], headers=[]), "empty.xlsx", "empty"),
        (_xlsx([]), "header-only.xlsx", "empty"),
        (_xlsx([["周文", Role.VILLAGE_CADRE]], headers=["姓名", "角色"]), "cols.xlsx", "missing_columns"),
    ],
)
def test_a_file_that_cannot_be_used_gets_a_message_not_a_500(world, login, content, name, code):
    client = login(world.users["county_admin"])
    response = client.post("/accounts/import/", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    report = response.context["report"]
    assert [e.code for e in report.errors] == [code]
    assert report.file_error and b'id="import-summary"' in response.content


def test_too_many_rows_is_refused_with_the_limit(world, login, settings):
    settings.ACCOUNTS_IMPORT_MAX_ROWS = 3
    client = login(world.users["county_admin"])
    rows = _clean_rows(world)  # four rows
    report = _preview_page(client, rows).context["report"]
    assert [e.code for e in report.errors] == ["too_many_rows"]
    assert "3" in report.errors[0].message


def test_the_template_downloads_with_the_county_codes(world, login):
    client = login(world.users["county_admin"])
    response = client.get("/accounts/import/template.xlsx")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    book = load_workbook(BytesIO(response.content))
    assert [c.value for c in book[importing.SHEET_NAME][1]] == HEADERS
    codes = [r[0] for r in book[importing.REGIONS_SHEET_NAME].iter_rows(min_row=2, values_only=True)]
    assert world.village_a1.code in codes and world.county.code in codes
    grids = [r[0] for r in book[importing.GRIDS_SHEET_NAME].iter_rows(min_row=2, values_only=True)]
    assert world.grid_a1.code in grids
    # the template itself, filled in, is read back
    ws = book[importing.SHEET_NAME]
    ws.append(["", "周文", "13911110001", Role.VILLAGE_CADRE, world.village_a1.code, "", ""])
    out = BytesIO()
    book.save(out)
    report = client.post("/accounts/import/", {"file": _upload(out.getvalue())}).context["report"]
    assert report.ok and len(report.accounts) == 1


def test_the_accounts_page_links_to_the_import(world, login):
    page = login(world.users["county_admin"]).get("/accounts/")
    assert b'id="import-accounts-link"' in page.content


@pytest.mark.parametrize("who", ["township_a", "villager_a1", "cadre_a1", "county_official"])
def test_anyone_but_the_county_administrator_is_refused_on_the_page(world, login, who):
    client = login(world.users[who])
    assert client.get("/accounts/import/").status_code == 403
    assert client.get("/accounts/import/template.xlsx").status_code == 403
    assert client.post("/accounts/import/", {"file": _upload(_xlsx(_clean_rows(world)))}).status_code == 403
    assert client.post("/accounts/import/confirm/", {"token": "x"}).status_code == 403


@pytest.mark.parametrize("who", ["township_a", "villager_a1"])
def test_anyone_but_the_county_administrator_is_refused_on_the_api(world, client, api_token, who):
    headers = api_token(world.users[who])
    before = User.objects.count()
    response = client.post(
        "/api/accounts/users/import/preview", {"file": _upload(_xlsx(_clean_rows(world)))}, **headers
    )
    assert response.status_code == 403
    response = client.post("/api/accounts/users/import", {"token": "x"}, content_type="application/json", **headers)
    assert response.status_code == 403
    assert client.get("/api/accounts/users/import/template.xlsx", **headers).status_code == 403
    assert User.objects.count() == before


def test_a_token_is_for_the_administrator_who_checked_the_file(world, login):
    other = make_region("邻县", "510423", RegionLevel.COUNTY)
    other_admin = make_user("other_admin", Role.COUNTY_ADMIN, other)
    token = _preview_page(login(world.users["county_admin"]), _clean_rows(world)).context["report"].token
    before = User.objects.count()
    response = login(other_admin).post("/accounts/import/confirm/", {"token": token})
    assert response.context["report"].errors[0].code == "bad_token"
    assert User.objects.count() == before


def test_the_api_previews_and_imports(world, client, api_token):
    headers = api_token(world.users["county_admin"])
    template = client.get("/api/accounts/users/import/template.xlsx", **headers)
    assert template.status_code == 200 and template["Content-Type"] == XLSX
    rows = _clean_rows(world)
    bad = [*rows, ["", "外", "1391", Role.VILLAGE_CADRE, world.village_a1.code, "", ""]]
    response = client.post("/api/accounts/users/import/preview", {"file": _upload(_xlsx(bad))}, **headers)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] and body["errors"] == [
        {"row": 6, "column": importing.COL_PHONE, "message": body["errors"][0]["message"], "code": "bad_phone"}
    ]
    response = client.post(
        "/api/accounts/users/import/preview", {"file": _upload(b"not a workbook", "x.txt")}, **headers
    )
    assert response.status_code == 422 and response.json()["errors"][0]["code"] == "bad_file"

    before = User.objects.count()
    response = client.post("/api/accounts/users/import/preview", {"file": _upload(_xlsx(rows))}, **headers)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["rows"] == 4 and len(body["accounts"]) == 4 and body["token"]
    assert body["accounts"][1]["grid_code"] == world.grid_a1b.code and body["accounts"][1]["generated"]
    assert User.objects.count() == before
    response = client.post(
        "/api/accounts/users/import", {"token": body["token"]}, content_type="application/json", **headers
    )
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert len(_result_rows(response.content)) == 4
    assert User.objects.count() == before + 4
    response = client.post(
        "/api/accounts/users/import", {"token": body["token"]}, content_type="application/json", **headers
    )
    assert response.status_code == 422 and response.json()["errors"][0]["code"] == "already_imported"


def test_confirming_checks_again_and_names_the_row_taken_meanwhile(world, login):
    client = login(world.users["county_admin"])
    token = _preview_page(client, _clean_rows(world)).context["report"].token
    make_user("villager_new", Role.VILLAGE_CADRE, world.village_a2)  # row 5's username, taken after the check
    before = User.objects.count()
    response = client.post("/accounts/import/confirm/", {"token": token})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    errors = response.context["report"].errors
    assert [(e.row, e.column, e.code) for e in errors] == [(5, importing.COL_USERNAME, "bad_username")]
    assert User.objects.count() == before
    assert not AuditEvent.objects.filter(action="accounts.user.import").exists()
