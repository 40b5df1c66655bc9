"""Excel import and export of households: every row checked, all or nothing, scoped, masked, audited."""

import io
import itertools
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from core.errors import PermissionDenied
from core.models import AuditEvent
from core.validators import id_check_digit
from regions.models import RegionLevel
from registry import importing
from registry.importing import (
    COL_ADDRESS,
    COL_BIRTH,
    COL_GENDER,
    COL_GRID,
    COL_GROUP,
    COL_ID,
    COL_NAME,
    COL_NUMBER,
    COL_PHONE,
    COL_RELATION,
    COL_TAGS,
    COL_VILLAGE,
    HEADERS,
)
from registry.models import Household, Person
from tests.factories import make_region, valid_id_number

A1 = "510422001001"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


_serial = itertools.count()


def new_id(gender: str = "M") -> str:
    """A valid ID number no other row of the suite has: every call a new birth date in the 1960s."""
    birth = date(1960, 1, 1) + timedelta(days=next(_serial))
    first17 = f"510422{birth:%Y%m%d}0{'1' if gender == 'M' else '2'}{'1' if gender == 'M' else '2'}"
    return first17 + id_check_digit(first17)


def person_row(number="1001", name="测试", relation="户主", **cells) -> dict:
    row = {COL_NUMBER: number, COL_VILLAGE: A1, COL_NAME: name, COL_RELATION: relation}
    if COL_ID not in cells and COL_GENDER not in cells:
        cells[COL_ID] = new_id()
    row.update(cells)
    return row


def good_rows() -> list[dict]:
    return [
        person_row(
            "1001",
            "王大山",
            "户主",
            **{
                COL_GRID: "A1-01",
                COL_GROUP: "3组",
                COL_ADDRESS: "安家村3组1号",
                COL_ID: valid_id_number(date(1970, 2, 3), "M"),
                COL_PHONE: "138 0000 5678",
                COL_TAGS: "党员、退役军人",
                COL_BIRTH: date(1970, 2, 3),
            },
        ),
        person_row("1001", "李小花", "配偶", **{COL_GENDER: "女", COL_BIRTH: "1972-04-05", COL_TAGS: "低保,留守妇女"}),
        person_row("1001", "王小宝", "子女", **{COL_ID: valid_id_number(date(2015, 6, 1), "F"), COL_GENDER: "女"}),
        person_row("1002", "赵老汉", "户主", **{COL_GRID: "A1-02", COL_ID: valid_id_number(date(1950, 1, 1), "M")}),
    ]


def run_import(actor, rows, filename="户籍.xlsx"):
    content = importing.write_rows_workbook(rows)
    return importing.households_import(actor=actor, fileobj=io.BytesIO(content), filename=filename)


def counts():
    return (
        Household.objects.count(),
        Person.objects.count(),
        Person.tags.through.objects.count(),
        AuditEvent.objects.count(),
    )


def codes(report) -> set[tuple[int, str, str]]:
    return {(e.row, e.column, e.code) for e in report.errors}


@pytest.fixture
def group_3(world):
    return make_region("3组", "510422001001003", RegionLevel.GROUP, world.village_a1)


def id_with_x() -> str:
    for serial in range(100, 1000):
        first17 = f"51042219800101{serial:03d}"
        if id_check_digit(first17) == "X":
            return first17 + "X"
    raise AssertionError("no X check digit found")


def test_good_file_imports_households_people_tags_and_one_audit_event(world, group_3):
    before = counts()
    report = run_import(world.users["cadre_a1"], good_rows(), filename="安家村.xlsx")
    assert report.errors == []
    assert (report.households, report.people) == (2, 4)
    assert counts()[:3] == (before[0] + 2, before[1] + 4, before[2] + 4)

    h = Household.objects.get(village=world.village_a1, number="1001")
    assert (h.head_name, h.grid, h.group, h.address) == ("王大山", world.grid_a1, group_3, "安家村3组1号")
    assert (h.county_id, h.township_id) == (world.county.pk, world.township_a.pk)
    head = h.members.get(name="王大山")
    assert head.relation == "head" and head.gender == "M" and head.birth_date == date(1970, 2, 3)
    assert head.phone == "13800005678" and head.phone_masked == "138****5678"
    assert head.id_number_masked.startswith("51") and head.id_number_cipher and head.village_id == world.village_a1.pk
    assert sorted(t.code for t in head.tags.all()) == ["party_member", "veteran"]
    wife = h.members.get(name="李小花")
    assert wife.gender == "F" and wife.birth_date == date(1972, 4, 5) and wife.id_number == ""
    assert sorted(t.code for t in wife.tags.all()) == ["dibao", "left_behind_woman"]
    child = h.members.get(name="王小宝")
    assert child.relation == "child" and child.birth_date == date(2015, 6, 1)
    assert Household.objects.get(village=world.village_a1, number="1002").grid == world.grid_a1b

    event = AuditEvent.objects.get(action="registry.household.import")
    assert event.actor == world.users["cadre_a1"] and event.village_id == world.village_a1.pk
    assert event.after == {"households": 2, "people": 4, "file": "安家村.xlsx"}


def test_id_number_with_x_check_digit_is_accepted(world):
    number = id_with_x()
    report = run_import(world.users["cadre_a1"], [person_row(**{COL_ID: number.lower()})])
    assert report.errors == []
    assert Person.objects.get(name="测试").id_number == number


def test_one_audit_event_per_village(world):
    rows = [person_row("2001"), person_row("2001", relation="子女", **{COL_VILLAGE: "510422001002"})]
    report = run_import(world.users["county_admin"], rows)
    assert report.errors == [] and report.households == 2
    events = AuditEvent.objects.filter(action="registry.household.import")
    assert {e.village_id for e in events} == {world.village_a1.pk, world.village_a2.pk}


BAD_CELLS = [
    ({COL_NUMBER: ""}, COL_NUMBER, "required"),
    ({COL_VILLAGE: ""}, COL_VILLAGE, "required"),
    ({COL_NAME: ""}, COL_NAME, "required"),
    ({COL_RELATION: ""}, COL_RELATION, "required"),
    ({COL_NUMBER: "9" * 33}, COL_NUMBER, "too_long"),
    ({COL_VILLAGE: "510422009999"}, COL_VILLAGE, "unknown_village"),
    ({COL_VILLAGE: "510422002001"}, COL_VILLAGE, "unknown_village"),  # exists, outside cadre_a1's scope
    ({COL_VILLAGE: "510422001"}, COL_VILLAGE, "unknown_village"),  # a township, not a village
    ({COL_GRID: "ZZ-99"}, COL_GRID, "unknown_grid"),
    ({COL_GRID: "B1-01"}, COL_GRID, "grid_not_in_village"),
    ({COL_GROUP: "9组"}, COL_GROUP, "unknown_group"),
    ({COL_RELATION: "朋友"}, COL_RELATION, "unknown_relation"),
    ({COL_GENDER: "未知"}, COL_GENDER, "unknown_gender"),
    ({COL_ID: "", COL_GENDER: ""}, COL_GENDER, "required"),
    ({COL_BIRTH: "1990-13-01"}, COL_BIRTH, "bad_date"),
    ({COL_BIRTH: "下周"}, COL_BIRTH, "bad_date"),
    ({COL_BIRTH: "2999-01-01", COL_ID: "", COL_GENDER: "男"}, COL_BIRTH, "future_date"),
    ({COL_ID: "51042219800101123"}, COL_ID, "id_format"),
    ({COL_ID: "5104221980010112AB"}, COL_ID, "id_format"),
    ({COL_ID: "51**************23"}, COL_ID, "id_masked"),
    ({COL_ID: "51042219800230001" + id_check_digit("51042219800230001")}, COL_ID, "id_date"),
    ({COL_ID: "51042229990101001" + id_check_digit("51042229990101001")}, COL_ID, "id_date"),
    ({COL_ID: "checksum"}, COL_ID, "id_checksum"),
    ({COL_ID: valid_id_number(date(1980, 1, 1), "M"), COL_GENDER: "女"}, COL_GENDER, "gender_mismatch"),
    ({COL_ID: valid_id_number(date(1980, 1, 1), "M"), COL_BIRTH: "1980-01-02"}, COL_BIRTH, "birth_mismatch"),
    ({COL_PHONE: "12345"}, COL_PHONE, "phone_invalid"),
    ({COL_PHONE: "138****5678"}, COL_PHONE, "phone_masked"),
    ({COL_TAGS: "党员、不存在的标签"}, COL_TAGS, "unknown_tag"),
]


def _wrong_checksum() -> str:
    number = valid_id_number(date(1985, 7, 7), "F")
    wrong = next(d for d in "0123456789X" if d != number[-1])
    return number[:-1] + wrong


@pytest.mark.parametrize(("cells", "column", "code"), BAD_CELLS)
def test_every_kind_of_bad_cell_is_reported_at_its_row_and_column_and_nothing_is_written(world, cells, column, code):
    if cells.get(COL_ID) == "checksum":
        cells = {**cells, COL_ID: _wrong_checksum()}
    rows = [person_row("1001"), person_row("1002"), person_row("1003", "坏行", "户主", **cells), person_row("1004")]
    before = counts()
    report = run_import(world.users["cadre_a1"], rows)
    # the header is row 1, so the third data row is Excel row 4
    assert (4, column, code) in codes(report), report.errors
    assert all(e.row == 4 for e in report.errors), report.errors
    assert all(e.message for e in report.errors)
    assert report.households == 0 and counts() == before


def test_household_number_that_exists_in_the_village_is_refused(world):
    before = counts()
    report = run_import(world.users["cadre_a1"], [person_row("0001")])
    assert codes(report) == {(2, COL_NUMBER, "household_exists")}
    assert counts() == before


def test_more_than_one_head_in_a_household(world):
    rows = [person_row("1001"), person_row("1001", "二号", "子女"), person_row("1001", "三号", "户主")]
    report = run_import(world.users["cadre_a1"], rows)
    assert codes(report) == {(4, COL_RELATION, "multiple_heads")}
    assert "2" in report.errors[0].message


def test_rows_of_one_household_must_agree_on_its_place(world):
    rows = [person_row("1001", **{COL_GRID: "A1-01"}), person_row("1001", "二号", "子女", **{COL_GRID: "A1-02"})]
    report = run_import(world.users["cadre_a1"], rows)
    assert codes(report) == {(3, COL_GRID, "household_conflict")}


def test_duplicate_id_numbers_inside_the_file_name_both_rows(world):
    number = valid_id_number(date(1990, 1, 1), "M")
    rows = [person_row("1001", **{COL_ID: number}), person_row("1002"), person_row("1003", **{COL_ID: number})]
    before = counts()
    report = run_import(world.users["cadre_a1"], rows)
    assert codes(report) == {(4, COL_ID, "duplicate_in_file")}
    assert "2" in report.errors[0].message and "4" in report.errors[0].message
    assert counts() == before


def test_duplicate_id_number_against_the_database(world):
    registered = world.people["b1_head"].id_number  # in another township: refused all the same
    report = run_import(world.users["cadre_a1"], [person_row(**{COL_ID: registered})])
    assert codes(report) == {(2, COL_ID, "duplicate_in_db")}
    assert not Household.objects.filter(number="1001").exists()


def test_one_bad_row_among_a_hundred_good_ones_writes_nothing(world):
    rows = [person_row(f"{2000 + i}", f"村民{i}") for i in range(100)]
    rows.insert(57, person_row("3000", "坏", **{COL_PHONE: "0000"}))
    before = counts()
    report = run_import(world.users["cadre_a1"], rows)
    assert codes(report) == {(59, COL_PHONE, "phone_invalid")}
    assert counts() == before


def test_every_error_of_the_file_is_collected(world):
    rows = [
        person_row("1001", **{COL_PHONE: "1"}),
        person_row("1002", **{COL_VILLAGE: "000"}),
        person_row("1003", **{COL_TAGS: "??"}),
    ]
    report = run_import(world.users["cadre_a1"], rows)
    assert codes(report) == {
        (2, COL_PHONE, "phone_invalid"),
        (3, COL_VILLAGE, "unknown_village"),
        (4, COL_TAGS, "unknown_tag"),
    }
    assert report.rows_with_errors == 3


def test_village_outside_the_actors_scope_is_refused(world):
    before = counts()
    report = run_import(world.users["cadre_b1"], good_rows())
    assert {e.code for e in report.errors} == {"unknown_village"}
    assert {e.row for e in report.errors} == {2, 3, 4, 5}
    assert counts() == before


def test_a_role_without_import_right_is_refused(world):
    with pytest.raises(PermissionDenied):
        run_import(world.users["grid_a1"], good_rows())


def test_not_an_xlsx_file_gives_one_clear_error(world):
    before = counts()
    for content in (b"\x00\x01 not a workbook", "户号,村编码\n1,2".encode(), b""):
        report = importing.households_import(actor=world.users["cadre_a1"], fileobj=io.BytesIO(content))
        assert [(e.row, e.code) for e in report.errors] == [(0, "bad_file")]
        assert report.errors[0].message
    assert counts() == before


def test_missing_columns_give_one_error(world):
    content = importing.write_rows_workbook([person_row()])
    wb = load_workbook(io.BytesIO(content))
    wb.active.delete_cols(HEADERS.index(COL_PHONE) + 1)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    report = importing.households_import(actor=world.users["cadre_a1"], fileobj=buffer)
    assert [(e.code, e.row) for e in report.errors] == [("missing_columns", 0)]
    assert COL_PHONE in report.errors[0].message


def test_empty_file_and_too_many_rows(world, monkeypatch):
    report = run_import(world.users["cadre_a1"], [])
    assert [e.code for e in report.errors] == ["empty"]
    monkeypatch.setattr(importing.reading, "MAX_ROWS", 5)  # the limit the reader applies
    report = run_import(world.users["cadre_a1"], [person_row(f"{i}") for i in range(6)])
    assert [e.code for e in report.errors] == ["too_many_rows"]
    assert Household.objects.count() == 4


def test_template_downloads_and_round_trips(world, login, group_3):
    client = login(world.users["cadre_a1"])
    response = client.get("/registry/import/template.xlsx")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["户籍导入", "填写说明"]
    sheet = wb["户籍导入"]
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet.max_row == 1 and sheet["A1"].font.b
    assert sheet.column_dimensions["J"].width >= 18
    explained = [row[0] for row in wb["填写说明"].iter_rows(values_only=True)]
    assert all(h in explained for h in HEADERS)
    for row in good_rows():
        sheet.append([row.get(h, "") for h in HEADERS])
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    assert [r.name for r in importing.read_rows(buffer)] == ["王大山", "李小花", "王小宝", "赵老汉"]
    buffer.seek(0)
    report = importing.households_import(actor=world.users["cadre_a1"], fileobj=buffer)
    assert report.errors == [] and (report.households, report.people) == (2, 4)


def test_template_is_for_importers_only(world, login):
    assert login(world.users["grid_a1"]).get("/registry/import/template.xlsx").status_code == 403


def _sheet_rows(content: bytes) -> list[dict]:
    ws = load_workbook(io.BytesIO(content))["户籍导入"]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    return [dict(zip(HEADERS, r, strict=True)) for r in rows[1:]]


def test_export_contains_only_scope_masked_identifiers_and_is_audited(world, login):
    response = login(world.users["cadre_a1"]).get("/registry/export.xlsx")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    disposition = response["Content-Disposition"]
    assert "filename*=UTF-8''" in disposition and "%E6%88%B7%E7%B1%8D%E5%AF%BC%E5%87%BA-" in disposition
    rows = _sheet_rows(response.content)
    assert {(r[COL_VILLAGE], r[COL_NUMBER]) for r in rows} == {(A1, "0001"), (A1, "0002")}
    assert len(rows) == 3
    full_ids = {p.id_number for p in world.people.values()} | {p.phone for p in world.people.values()}
    cells = {str(v) for r in rows for v in r.values() if v is not None}
    assert not (cells & full_ids)
    wife = next(r for r in rows if r[COL_NAME] == "刘桂兰")
    assert wife[COL_ID] == world.people["a1_wife"].id_number_masked and wife[COL_PHONE] == "138****0002"
    assert wife[COL_RELATION] == "配偶" and wife[COL_GENDER] == "女" and wife[COL_BIRTH].date() == date(1982, 3, 9)
    assert set(wife[COL_TAGS].split("、")) == {"低保", "社区矫正"}  # the cadre may see restricted tags
    event = AuditEvent.objects.get(action="registry.household.export")
    assert event.after["rows"] == 3 and event.village_id == world.village_a1.pk


def test_export_for_grid_worker_has_own_grid_and_no_restricted_tags(world, login):
    response = login(world.users["grid_a1"]).get("/registry/export.xlsx")
    assert response.status_code == 200
    rows = _sheet_rows(response.content)
    assert {r[COL_NUMBER] for r in rows} == {"0001"}
    wife = next(r for r in rows if r[COL_NAME] == "刘桂兰")
    assert wife[COL_TAGS] == "低保"


def test_export_uses_the_household_list_filters(world, login):
    client = login(world.users["county_admin"])
    rows = _sheet_rows(client.get("/registry/export.xlsx").content)
    assert len({(r[COL_VILLAGE], r[COL_NUMBER]) for r in rows}) == 4
    rows = _sheet_rows(client.get(f"/registry/export.xlsx?village={world.village_a2.pk}").content)
    assert [r[COL_NAME] for r in rows] == ["赵卫东"]
    rows = _sheet_rows(client.get("/registry/export.xlsx?tag=dibao").content)
    assert {r[COL_NUMBER] for r in rows} == {"0001"} and {r[COL_VILLAGE] for r in rows} == {A1}
    number = world.people["b1_head"].id_number
    rows = _sheet_rows(client.get(f"/registry/export.xlsx?q={number}").content)
    assert [r[COL_NAME] for r in rows] == ["陈志强"]
    event = AuditEvent.objects.filter(action="registry.household.export").latest("id")
    assert event.after["filter"]["q"] != number  # the search text is masked in the audit trail


def test_export_is_refused_for_a_villager(world, login):
    assert login(world.users["villager_a1"]).get("/registry/export.xlsx").status_code == 403
    assert not AuditEvent.objects.filter(action="registry.household.export").exists()


def test_export_can_be_edited_and_imported_into_an_empty_village(world, login):
    empty = make_region("新村", "510422001009", RegionLevel.VILLAGE, world.township_a)
    content = login(world.users["cadre_a1"]).get("/registry/export.xlsx").content
    rows = _sheet_rows(content)
    for row in rows:
        row[COL_VILLAGE], row[COL_GRID] = empty.code, ""
    report = run_import(world.users["county_admin"], rows)
    assert {e.code for e in report.errors} == {"id_masked", "phone_masked"}  # masked values are not imported
    for row in rows:
        row[COL_ID], row[COL_PHONE] = "", ""
    report = run_import(world.users["county_admin"], rows)
    assert report.errors == [] and (report.households, report.people) == (2, 3)
    assert Household.objects.get(village=empty, number="0001").head_name == "王建国"


def test_import_page_shows_every_error_and_keeps_the_form(world, login):
    client = login(world.users["cadre_a1"])
    page = client.get("/registry/import/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'accept=".xlsx"' in html and "/registry/import/template.xlsx" in html
    rows = good_rows()[3:] + [person_row("1003", **{COL_PHONE: "1"}), person_row("1004", **{COL_VILLAGE: "x"})]
    upload = io.BytesIO(importing.write_rows_workbook(rows))
    upload.name = "bad.xlsx"
    before = counts()
    response = client.post("/registry/import/", {"file": upload})
    assert response.status_code == 200 and counts() == before
    html = response.content.decode()
    assert 'id="import-errors"' in html and 'type="file"' in html
    report = response.context["report"]
    assert codes(report) == {(3, COL_PHONE, "phone_invalid"), (4, COL_VILLAGE, "unknown_village")}
    assert "<td data-label=" in html and COL_VILLAGE in html


def test_import_page_imports_and_redirects_with_counts(world, login, group_3):
    client = login(world.users["cadre_a1"])
    upload = io.BytesIO(importing.write_rows_workbook(good_rows()))
    upload.name = "good.xlsx"
    response = client.post("/registry/import/", {"file": upload}, follow=True)
    assert response.redirect_chain[-1][0].endswith("/registry/households/")
    message = [str(m) for m in response.context["messages"]][0]
    assert "2" in message and "4" in message
    assert Household.objects.filter(village=world.village_a1).count() == 4


def test_import_page_refuses_roles_without_the_right(world, login):
    assert login(world.users["grid_a1"]).get("/registry/import/").status_code == 403


def test_api_import_and_export(world, client, api_token, group_3):
    headers = api_token(world.users["cadre_a1"])
    bad = io.BytesIO(importing.write_rows_workbook([person_row(**{COL_ID: "123"})]))
    bad.name = "bad.xlsx"
    response = client.post("/api/households/import", {"file": bad}, **headers)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] and [(e["row"], e["column"], e["code"]) for e in body["errors"]] == [(2, COL_ID, "id_format")]
    assert not Household.objects.filter(number="1001").exists()

    good = io.BytesIO(importing.write_rows_workbook(good_rows()))
    good.name = "good.xlsx"
    response = client.post("/api/households/import", {"file": good}, **headers)
    assert response.status_code == 200 and response.json() == {"households": 2, "people": 4}

    response = client.get("/api/households/export.xlsx", **headers)
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert {r[COL_NUMBER] for r in _sheet_rows(response.content)} == {"0001", "0002", "1001", "1002"}
    response = client.get(f"/api/households/export.xlsx?grid_id={world.grid_a1b.pk}", **headers)
    assert {r[COL_NUMBER] for r in _sheet_rows(response.content)} == {"0002", "1002"}


def test_api_refuses_roles_without_the_right(world, client, api_token):
    upload = io.BytesIO(importing.write_rows_workbook(good_rows()))
    upload.name = "x.xlsx"
    response = client.post("/api/households/import", {"file": upload}, **api_token(world.users["grid_a1"]))
    assert response.status_code == 403
    response = client.get("/api/households/export.xlsx", **api_token(world.users["villager_a1"]))
    assert response.status_code == 403
    assert client.get("/api/households/export.xlsx").status_code == 401


def test_a_title_row_above_the_header_is_skipped(world):
    content = importing.write_rows_workbook([person_row("1001")])
    wb = load_workbook(io.BytesIO(content))
    wb.active.insert_rows(1)
    wb.active["A1"] = "安家村户籍表"
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    report = importing.households_import(actor=world.users["cadre_a1"], fileobj=buffer)
    assert report.errors == [] and report.households == 1


def test_import_page_and_api_explain_a_file_that_is_not_xlsx(world, login, client, api_token):
    upload = io.BytesIO(b"PK\x03\x04 broken")
    upload.name = "broken.xlsx"
    response = login(world.users["cadre_a1"]).post("/registry/import/", {"file": upload})
    assert response.status_code == 200
    report = response.context["report"]
    assert report.file_error and report.file_error in response.content.decode()
    assert "<table" not in response.content.decode()
    upload.seek(0)
    response = client.post("/api/households/import", {"file": upload}, **api_token(world.users["cadre_a1"]))
    assert response.status_code == 422
    assert response.json()["detail"] == report.file_error
    assert [e["code"] for e in response.json()["errors"]] == ["bad_file"]
