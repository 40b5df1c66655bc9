"""The services' rules at their edges: the default sheet, a sheet that does not add up, a retired sheet, deductions
above a detail's points or without a photo, a household outside the village, a re-save, publication (ties, frozen),
the reinspection path."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from core.errors import DomainError, NotFound
from core.models import AuditEvent
from inspections import selectors, services
from inspections.defaults import default_headings
from inspections.models import Deduction, Detail, Heading, Inspection, Kind, Round, Sheet
from regions.models import RegionLevel
from tests.factories import make_region
from tests.inspections.conftest import build_seven, photo


def _counts():
    return (
        Sheet.objects.count(),
        Heading.objects.count(),
        Inspection.objects.count(),
        Deduction.objects.count(),
        Round.objects.count(),
        AuditEvent.objects.count(),
    )


# -- the sheet ---------------------------------------------------------------------------------------------------


def test_a_new_county_gets_the_default_sheet_once(world):
    sheets = Sheet.objects.filter(county=world.county)
    assert sheets.count() == 1
    sheet = sheets.get()
    assert sheet.number == 1 and sheet.total == 100
    assert Heading.objects.filter(sheet=sheet).count() == 7
    assert Detail.objects.filter(heading__sheet=sheet).count() == 35
    assert sum(Detail.objects.filter(heading__sheet=sheet).values_list("points", flat=True)) == 100
    services.set_up_county(world.county)  # idempotent
    assert sheets.count() == 1
    other = make_region("另一县", "510423", RegionLevel.COUNTY)
    assert Sheet.objects.filter(county=other).count() == 1


def test_a_new_version_is_written_beside_the_old_one(world):
    admin = world.users["county_admin"]
    headings = default_headings()
    headings[0]["details"][0]["text"] = "客厅桌椅摆放整齐"
    sheet = services.sheet_create(actor=admin, county=world.county, title="七个好 2027", total=100, headings=headings)
    assert sheet.number == 2
    assert Detail.objects.filter(heading__sheet__number=1, text__startswith="客厅桌椅、沙发").exists()
    assert selectors.sheet_in_force(world.county.pk) == sheet


def test_a_sheet_whose_details_do_not_add_up_is_refused(world):
    admin = world.users["county_admin"]
    headings = default_headings()
    headings[2]["details"][4]["points"] = 5  # 农具放好: 3+3+3+3+5 = 17, not 15
    before = _counts()
    with pytest.raises(DomainError) as exc:
        services.sheet_create(actor=admin, county=world.county, title="七个好", total=100, headings=headings)
    text = " ".join(exc.value.messages)
    assert "农具放好" in text and "17" in text
    assert _counts() == before


def test_headings_that_do_not_add_up_to_the_total_are_refused(world):
    with pytest.raises(DomainError) as exc:
        services.sheet_create(
            actor=world.users["county_admin"],
            county=world.county,
            title="七个好",
            total=120,
            headings=default_headings(),
        )
    assert "120" in " ".join(exc.value.messages)
    with pytest.raises(DomainError):
        services.sheet_create(
            actor=world.users["county_admin"],
            county=world.county,
            title="七个好",
            total=100,
            headings=default_headings()[:6],
        )
    assert Sheet.objects.filter(county=world.county).count() == 1


def test_only_the_county_administrator_writes_the_sheet(world):
    for name in ("county_official", "township_a", "cadre_a1"):
        with pytest.raises(NotFound):
            services.sheet_create(
                actor=world.users[name], county=world.county, title="x", total=100, headings=default_headings()
            )


def test_a_retired_sheet_scores_nobody_and_opens_no_round(world, seven):
    sheet = seven.round.sheet
    services.sheet_retire(actor=world.users["county_admin"], sheet=sheet)
    before = _counts()
    with pytest.raises(DomainError) as exc:
        services.inspection_save(actor=world.users["cadre_a1"], round=seven.round, household=seven.households[0])
    assert "停用" in str(exc.value.messages) or "retired" in str(exc.value.messages)
    with pytest.raises(DomainError):
        services.round_open(actor=world.users["cadre_a1"], village=world.village_a1, year=2024, quarter=1)
    with pytest.raises(DomainError):
        services.sheet_retire(actor=world.users["county_admin"], sheet=sheet)  # already retired
    assert _counts() == before


def test_a_sheet_retired_tomorrow_is_still_in_force_today(world, seven):
    services.sheet_retire(
        actor=world.users["county_admin"], sheet=seven.round.sheet, retired_on=timezone.localdate() + timedelta(days=1)
    )
    services.inspection_save(actor=world.users["cadre_a1"], round=seven.round, household=seven.households[0])


# -- inspecting --------------------------------------------------------------------------------------------------


def test_full_marks_unless_deducted(world, seven):
    i = services.inspection_save(actor=world.users["cadre_a1"], round=seven.round, household=seven.households[0])
    assert i.score == 100 and i.deductions.count() == 0 and i.group_id == seven.groups[0].pk


def test_deductions_take_points_off_and_need_a_photo(world, seven):
    d0, d1 = seven.detail(0), seven.detail(6)
    i = services.inspection_save(
        actor=world.users["cadre_a1"],
        round=seven.round,
        household=seven.households[0],
        deductions={d0.pk: 2, d1.pk: "1"},
        photos={d0.pk: photo(), d1.pk: photo("b.jpg")},
    )
    assert i.score == 97
    assert {d.detail_id: d.points for d in i.deductions.all()} == {d0.pk: 2, d1.pk: 1}
    assert all(d.thumbnail for d in i.deductions.all())


def test_a_deduction_above_the_details_points_is_refused(world, seven):
    d = seven.detail(0)
    before = _counts()
    with pytest.raises(DomainError) as exc:
        services.inspection_save(
            actor=world.users["cadre_a1"],
            round=seven.round,
            household=seven.households[0],
            deductions={d.pk: d.points + 1},
            photos={d.pk: photo()},
        )
    assert f"d_{d.pk}" in exc.value.message_dict
    assert _counts() == before


def test_a_deduction_without_a_photo_is_refused(world, seven):
    d = seven.detail(3)
    before = _counts()
    with pytest.raises(DomainError) as exc:
        services.inspection_save(
            actor=world.users["cadre_a1"], round=seven.round, household=seven.households[0], deductions={d.pk: 1}
        )
    assert f"p_{d.pk}" in exc.value.message_dict
    assert _counts() == before


def test_a_file_that_is_not_a_photo_is_refused(world, seven):
    from django.core.files.uploadedfile import SimpleUploadedFile

    d = seven.detail(3)
    with pytest.raises(DomainError):
        services.inspection_save(
            actor=world.users["cadre_a1"],
            round=seven.round,
            household=seven.households[0],
            deductions={d.pk: 1},
            photos={d.pk: SimpleUploadedFile("x.jpg", b"not an image")},
        )
    assert Inspection.objects.count() == 0


def test_a_detail_of_another_sheet_is_refused(world, seven):
    services.sheet_create(
        actor=world.users["county_admin"], county=world.county, title="v2", total=100, headings=default_headings()
    )
    other = Detail.objects.filter(heading__sheet__number=2).first()
    with pytest.raises(DomainError):
        services.inspection_save(
            actor=world.users["cadre_a1"],
            round=seven.round,
            household=seven.households[0],
            deductions={other.pk: 1},
            photos={other.pk: photo()},
        )
    assert Inspection.objects.count() == 0


def test_a_household_outside_the_village_is_refused(world, seven):
    before = _counts()
    with pytest.raises(DomainError) as exc:
        services.inspection_save(actor=world.users["cadre_a1"], round=seven.round, household=world.households["a2"])
    assert "household" in exc.value.message_dict and "安家村" in exc.value.message_dict["household"][0]
    assert _counts() == before


def test_a_grid_worker_inspects_the_households_of_the_grid_only(world, seven):
    grid = world.users["grid_a1"]
    services.inspection_save(actor=grid, round=seven.round, household=seven.households[0])  # group 1 = grid A1-01
    with pytest.raises(NotFound):
        services.inspection_save(actor=grid, round=seven.round, household=seven.households[-1])
    with pytest.raises(NotFound):  # a round elsewhere
        services.round_open(actor=grid, village=world.village_a1, year=2020, quarter=1)


def test_a_cadre_of_another_village_cannot_touch_the_round(world, seven):
    with pytest.raises(NotFound):
        services.inspection_save(actor=world.users["cadre_b1"], round=seven.round, household=seven.households[0])
    with pytest.raises(NotFound):
        services.round_publish(actor=world.users["cadre_b1"], round=seven.round)


def test_saving_again_replaces_the_deductions_and_keeps_the_photo(world, seven):
    cadre, d0, d1 = world.users["cadre_a1"], seven.detail(0), seven.detail(1)
    h = seven.households[0]
    first = services.inspection_save(
        actor=cadre,
        round=seven.round,
        household=h,
        deductions={d0.pk: 3, d1.pk: 1},
        photos={d0.pk: photo(), d1.pk: photo()},
    )
    kept = first.deductions.get(detail=d0).photo.name
    again = services.inspection_save(actor=cadre, round=seven.round, household=h, deductions={d0.pk: 1})
    assert again.pk == first.pk and again.score == 99
    assert [(d.detail_id, d.points, d.photo.name) for d in again.deductions.all()] == [(d0.pk, 1, kept)]
    event = AuditEvent.objects.filter(action="inspections.inspection.save").order_by("pk").last()
    assert event.before["score"] == 96 and event.after["score"] == 99
    assert event.before["deductions"] == {str(d0.pk): 3, str(d1.pk): 1}
    assert Inspection.objects.filter(round=seven.round, household=h).count() == 1


def test_one_round_per_village_and_quarter_and_none_ahead(world, seven):
    cadre = world.users["cadre_a1"]
    with pytest.raises(DomainError):
        services.round_open(actor=cadre, village=world.village_a1, year=seven.round.year, quarter=seven.round.quarter)
    with pytest.raises(DomainError):
        services.round_open(actor=cadre, village=world.village_a1, year=timezone.localdate().year + 1, quarter=1)
    assert Round.objects.count() == 1


# -- publication -------------------------------------------------------------------------------------------------


def _score_all(seven, scores: dict[int, int]):
    """Inspect households by index with a deduction spread over details to reach the given score."""
    cadre = seven.world.users["cadre_a1"]
    for index, score in scores.items():
        off, deductions, photos = 100 - score, {}, {}
        for d in seven.details:
            if off <= 0:
                break
            n = min(off, d.points)
            deductions[d.pk], photos[d.pk] = n, photo()
            off -= n
        services.inspection_save(
            actor=cadre, round=seven.round, household=seven.households[index], deductions=deductions, photos=photos
        )


def test_publication_ranks_with_ties_and_freezes(world, seven):
    # 20 households: praise 2 % → 1, exposure 5 % → 1; a tie at the top and at the bottom
    scores = {i: 80 for i in range(20)}
    scores.update({0: 98, 1: 98, 2: 90, 18: 60, 19: 60})
    _score_all(seven, scores)
    services.round_publish(actor=world.users["cadre_a1"], round=seven.round)
    rows = {i.household_id: i for i in Inspection.objects.filter(round=seven.round)}
    praised = {h for h, i in rows.items() if i.board == "praise"}
    exposed = {h for h, i in rows.items() if i.board == "exposure"}
    assert praised == {seven.households[0].pk, seven.households[1].pk}
    assert exposed == {seven.households[18].pk, seven.households[19].pk}
    assert rows[seven.households[2].pk].rank == 3
    seven.round.refresh_from_db()
    assert seven.round.published and seven.round.praise_percent == 2
    with pytest.raises(DomainError):
        services.inspection_save(actor=world.users["cadre_a1"], round=seven.round, household=seven.households[3])
    with pytest.raises(DomainError):
        services.round_publish(actor=world.users["cadre_a1"], round=seven.round)
    # the published board stays as published when the shares change afterwards
    services.policy_set(
        actor=world.users["county_admin"], county=world.county, praise_percent=50, exposure_percent=50, group_percent=20
    )
    board = selectors.board(seven.round)
    assert {r.inspection.household_id for r in board.praise} == praised
    assert len(board.not_inspected) == 2  # the world's own two households of 安家村


def test_the_village_groups_are_ranked_by_their_mean(world, seven):
    # group 1: households 0-7, group 2: 8-14, group 3: 15-19
    scores = {i: 90 for i in range(8)}
    scores.update({i: 95 for i in range(8, 15)})
    scores.update({i: 70 for i in range(15, 20)})
    _score_all(seven, scores)
    board = selectors.board(seven.round)
    by_name = {g.name: g for g in board.groups}
    assert board.group_size == 1  # 20 % of 3 groups = 0.6 → 1
    assert by_name["2组"].board == "top" and by_name["3组"].board == "bottom" and by_name["1组"].board == ""
    assert by_name["1组"].mean == 90


def test_the_group_ranking_ties(world):
    s = build_seven(world, per_group=(2, 2, 2, 2, 2))
    _score_all(s, {0: 90, 1: 90, 2: 90, 3: 90, 4: 80, 5: 80, 6: 70, 7: 70, 8: 60, 9: 60})
    board = selectors.board(s.round)
    tops = sorted(g.name for g in board.groups if g.board == "top")
    assert board.group_size == 1 and tops == ["1组", "2组"]  # a tie for the first place: both on top
    assert [g.name for g in board.groups if g.board == "bottom"] == ["5组"]


def test_nothing_to_publish(world, seven):
    with pytest.raises(DomainError):
        services.round_publish(actor=world.users["cadre_a1"], round=seven.round)
    with pytest.raises(NotFound):
        services.round_publish(actor=world.users["grid_a1"], round=seven.round)  # a grid worker does not publish


# -- reinspection ------------------------------------------------------------------------------------------------


def test_a_household_on_the_exposure_board_is_reinspected_beside_its_published_score(world, seven):
    scores = {i: 90 for i in range(20)}
    scores[19] = 50
    _score_all(seven, scores)
    services.round_publish(actor=world.users["cadre_a1"], round=seven.round)
    exposed = Inspection.objects.get(round=seven.round, board="exposure")
    praised = Inspection.objects.filter(round=seven.round, board="praise").first()
    with pytest.raises(DomainError):
        services.recheck_save(actor=world.users["cadre_a1"], inspection=praised)
    row = services.recheck_save(actor=world.users["cadre_a1"], inspection=exposed)
    assert row.kind == Kind.RECHECK and row.score == 100 and row.rectified is True
    exposed.refresh_from_db()
    assert exposed.score == 50 and exposed.board == "exposure"  # the published one stays
    board = selectors.board(seven.round)
    assert board.exposure[0].recheck.pk == row.pk
    d = seven.detail(0)
    again = services.recheck_save(
        actor=world.users["cadre_a1"],
        inspection=exposed,
        deductions={d.pk: 1},
        photos={d.pk: photo()},
        rectified=False,
    )
    assert again.pk == row.pk and again.score == 99 and again.rectified is False


def test_the_reinspection_closes_when_the_next_quarter_starts(world):
    """A round of a past quarter published late is open for reinspection until the quarter after the publication;
    once that has begun, it is closed."""
    past = services.round_open(actor=world.users["cadre_a1"], village=world.village_a1, year=2024, quarter=4)
    services.inspection_save(actor=world.users["cadre_a1"], round=past, household=world.households["a1"])
    services.round_publish(actor=world.users["cadre_a1"], round=past)
    only = Inspection.objects.get(round=past)
    assert only.board == "praise"  # one household: praised, never exposed
    Inspection.objects.filter(pk=only.pk).update(board="exposure")
    only = Inspection.objects.select_related("round").get(pk=only.pk)
    assert services.recheck_open(only)  # published today: open until the next quarter starts
    published = timezone.make_aware(datetime(2025, 1, 6, 10, 0))
    Round.objects.filter(pk=past.pk).update(published_at=published)
    only = Inspection.objects.select_related("round").get(pk=only.pk)
    assert selectors.recheck_deadline(only.round) == date(2025, 4, 1)
    assert services.recheck_open(only, date(2025, 3, 31)) and not services.recheck_open(only, date(2025, 4, 1))
    with pytest.raises(DomainError) as exc:
        services.recheck_save(actor=world.users["cadre_a1"], inspection=only)
    assert "2025-04-01" in exc.value.messages[0]
    assert not Inspection.objects.filter(kind=Kind.RECHECK).exists()


def test_board_shares_are_checked(world):
    admin = world.users["county_admin"]
    with pytest.raises(DomainError) as exc:
        services.policy_set(
            actor=admin, county=world.county, praise_percent="0", exposure_percent="abc", group_percent=80
        )
    assert set(exc.value.message_dict) == {"praise_percent", "exposure_percent", "group_percent"}
    with pytest.raises(NotFound):
        services.policy_set(
            actor=world.users["cadre_a1"], county=world.county, praise_percent=2, exposure_percent=5, group_percent=20
        )
    p = services.policy_set(
        actor=admin, county=world.county, praise_percent="3", exposure_percent="10%", group_percent="25"
    )
    assert str(p.exposure_percent) == "10.00"


def test_the_boards_can_be_posted_on_the_village_notice_board(world, seven):
    from transparency.models import Notice

    scores = {i: 90 for i in range(20)}
    scores.update({0: 100, 19: 40})
    _score_all(seven, scores)
    services.round_publish(actor=world.users["cadre_a1"], round=seven.round, notice=True)
    notice = Notice.objects.get(village=world.village_a1)
    assert notice.state == "published" and notice.stream == "village"
    assert seven.households[0].head_name in notice.body and seven.households[19].head_name in notice.body
    event = AuditEvent.objects.filter(action="inspections.round.publish").get()
    assert event.after["notice"] == notice.pk


def test_a_member_of_the_inspection_team_inspects_the_whole_village(world, seven):
    from committees import services as committees
    from committees.models import CommitteeKind, Post

    grid, cadre = world.users["grid_a1"], world.users["cadre_a1"]
    outside_grid = seven.households[-1]
    with pytest.raises(NotFound):
        services.inspection_save(actor=grid, round=seven.round, household=outside_grid)
    team = committees.committee_set(actor=cadre, village=world.village_a1, kind=CommitteeKind.INSPECTION_TEAM)
    committees.member_add(actor=cadre, committee=team, name="网格员", post=Post.MEMBER, username=grid.username)
    services.inspection_save(actor=grid, round=seven.round, household=outside_grid)
    assert selectors.inspectable_households(grid, seven.round).count() == 22
    with pytest.raises(DomainError):  # the team is the village's: a household of another village is refused
        services.inspection_save(actor=grid, round=seven.round, household=world.households["b1"])
