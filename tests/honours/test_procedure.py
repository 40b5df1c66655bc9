"""The rules of a nomination at their edges, through the services and the engine: who may be nominated (the
nominator's village only), one nomination of a person per board and quarter, the panel's places and ranks, the
public notice (an objection blocks the confirmation until the panel answers it; the system confirms when the notice
ends), and every refusal writing nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from casework.models import CaseEvent
from core import workflow
from core.errors import DomainError
from core.models import AuditEvent
from honours import services
from honours.flows import HONOUR
from honours.models import Board, Nomination, Objection

pytestmark = pytest.mark.usefixtures("panel")


def _counts():
    return (
        Nomination.objects.count(),
        CaseEvent.objects.count(),
        AuditEvent.objects.count(),
        Objection.objects.count(),
    )


def _step(world, case, name, actor="panel_a1", now=None, **data):
    case = Nomination.objects.get(pk=case.pk)
    return services.nomination_step(actor=world.users[actor], case=case, step=name, data=data, now=now)


def _published(world, nominate):
    case = nominate()
    _step(world, case, "accept", rank=1, score=95)
    _step(world, case, "publish")
    return Nomination.objects.get(pk=case.pk)


def test_the_county_has_the_default_boards_once(world):
    names = list(Board.objects.filter(county=world.county).values_list("name", flat=True))
    assert names[:8] == ["先锋榜", "致富榜", "善行榜", "乡贤榜", "新风榜", "孝老榜", "学子榜", "巧妇榜"]
    assert {"最美家庭", "最美庭院"} <= set(names)
    assert Board.objects.get(county=world.county, code="family").subject == "household"
    assert services.county_set_up(world.county) == []
    assert Board.objects.filter(county=world.county).count() == 10


def test_a_villager_nominates_someone_of_the_village(world, nominate):
    case = nominate()
    assert case.state == "nominated" and case.source == "villager" and case.name == "刘桂兰"
    assert case.number.startswith(f"RB{world.county.code}-") and case.deadline_at is not None
    assert case.village_id == world.village_a1.pk and case.publicity_days == 5
    assert [e.transition for e in workflow.history(case)] == ["start"]
    assert AuditEvent.objects.filter(action="honours.nominate").count() == 1


def test_a_nominee_outside_the_village_is_refused_and_nothing_is_written(world, nominate):
    before = _counts()
    with pytest.raises(DomainError) as refused:
        nominate(person="b1_head")
    assert "person" in refused.value.message_dict
    with pytest.raises(DomainError):
        nominate(person="a2_head")  # the next village of the same township
    assert _counts() == before


def test_a_grid_worker_or_cadre_nominates_in_the_villages_they_serve(world, nominate):
    case = nominate(person="a1_head", actor="grid_a1")
    assert case.source == "cadre"
    before = _counts()
    with pytest.raises(DomainError):
        nominate(person="b1_head", actor="cadre_a1")
    assert _counts() == before


def test_the_same_person_once_per_board_and_quarter(world, nominate, board):
    nominate()
    before = _counts()
    with pytest.raises(DomainError) as refused:
        nominate(actor="grid_a1")
    assert "person" in refused.value.message_dict
    assert _counts() == before
    other = Board.objects.get(county=world.county, code="filial")
    assert nominate(board=other).board == other  # another board: allowed


def test_a_declined_nomination_frees_the_person_for_another(world, nominate):
    case = nominate()
    with pytest.raises(DomainError):
        _step(world, case, "decline")  # the reason is required
    _step(world, case, "decline", reason="事迹不够突出")
    again = nominate(actor="grid_a1")
    assert again.state == "nominated"


def test_deeds_showing_a_phone_number_are_refused(world, nominate):
    before = _counts()
    with pytest.raises(DomainError) as refused:
        nominate(deeds="好人好事，联系电话13812345678")
    assert "deeds" in refused.value.message_dict
    assert _counts() == before


def test_a_household_board_takes_a_household(world, board):
    family = Board.objects.get(county=world.county, code="family")
    case = services.nomination_create(
        actor=world.users["villager_a1"], board=family, household=world.households["a1b"], deeds="家庭和睦，孝老爱亲。"
    )
    assert case.person is None and case.household == world.households["a1b"] and "李秀英" in case.name
    with pytest.raises(DomainError):
        services.nomination_create(
            actor=world.users["villager_a1"], board=family, household=world.households["b1"], deeds="家庭和睦"
        )


def test_only_the_panel_or_cadres_evaluate(world, nominate):
    case = nominate()
    before = _counts()
    with pytest.raises(DomainError):
        _step(world, case, "accept", actor="villager_a1", rank=1)
    with pytest.raises(workflow.NotFound):
        _step(world, case, "accept", actor="cadre_b1", rank=1)
    assert _counts() == before
    _step(world, case, "accept", actor="cadre_a1", rank=2)
    assert Nomination.objects.get(pk=case.pk).rank == 2


def test_places_and_ranks_on_a_board(world, nominate, board):
    Board.objects.filter(pk=board.pk).update(places=2)
    first, second, third = nominate(), nominate(person="a1_head"), nominate(person="a1b_head")
    _step(world, first, "accept", rank=1)
    with pytest.raises(DomainError) as taken:
        _step(world, second, "accept", rank=1)
    assert "rank" in taken.value.message_dict
    with pytest.raises(DomainError):
        _step(world, second, "accept", rank=3)  # beyond the board's places
    _step(world, second, "accept", rank=2)
    before = _counts()
    with pytest.raises(DomainError):
        _step(world, third, "accept", rank=1)  # the board is full
    assert _counts() == before


def test_the_system_confirms_when_the_notice_ends(world, nominate):
    case = _published(world, nominate)
    assert case.state == "published" and case.deadline_at > timezone.now()
    early = workflow.run_deadlines(HONOUR, now=case.deadline_at - timedelta(hours=1))
    assert not early.escalated
    with pytest.raises(DomainError):
        _step(world, case, "confirm")  # the notice still runs
    report = workflow.run_deadlines(HONOUR, now=case.deadline_at + timedelta(minutes=5))
    assert report.escalated == [case.pk]
    case.refresh_from_db()
    assert case.state == "confirmed" and case.confirmed_on is not None
    assert workflow.history(case).last().actor_id is None


def test_an_objection_blocks_the_confirmation_until_the_panel_answers(world, nominate):
    case = _published(world, nominate)
    objection = services.objection_file(actor=world.users["grid_a1"], nomination=case, text="此人事迹与事实不符")
    assert objection.is_open
    report = workflow.run_deadlines(HONOUR, now=case.deadline_at + timedelta(minutes=5))
    assert case.pk in report.refused and not report.escalated
    case.refresh_from_db()
    assert case.state == "published"
    with pytest.raises(DomainError):
        _step(world, case, "confirm", now=case.deadline_at + timedelta(hours=1))
    _step(world, case, "dismiss", objection=str(objection.pk), answer="经核实，事迹属实。")
    objection.refresh_from_db()
    assert objection.upheld is False and objection.answered_by == world.users["panel_a1"]
    report = workflow.run_deadlines(HONOUR, now=case.deadline_at + timedelta(minutes=10))
    assert report.escalated == [case.pk]
    case.refresh_from_db()
    assert case.state == "confirmed"


def test_an_upheld_objection_takes_the_honour_off_the_board(world, nominate):
    case = _published(world, nominate)
    objection = services.objection_file(actor=world.users["villager_a1"], nomination=case, text="不属实")
    _step(world, case, "uphold", objection=str(objection.pk), answer="经核实，异议成立。")
    case.refresh_from_db()
    assert case.state == "struck"
    assert nominate(actor="grid_a1").state == "nominated"  # struck: may be nominated again


def test_objections_only_during_the_notice_and_only_from_the_village(world, nominate):
    case = nominate()
    with pytest.raises(workflow.NotFound):
        services.objection_file(actor=world.users["villager_a1"], nomination=case, text="不同意")  # not yet published
    case = _published_existing(world, case)
    before = _counts()
    with pytest.raises(workflow.NotFound):
        services.objection_file(actor=world.users["cadre_b1"], nomination=case, text="不同意")
    with pytest.raises(DomainError):
        services.objection_file(
            actor=world.users["villager_a1"], nomination=case, text="不同意", now=case.deadline_at + timedelta(hours=1)
        )
    assert _counts() == before


def _published_existing(world, case):
    _step(world, case, "accept", rank=1)
    _step(world, case, "publish")
    return Nomination.objects.get(pk=case.pk)


def test_the_quarter_is_published_at_once(world, nominate):
    first, second = nominate(), nominate(person="a1_head")
    _step(world, first, "accept", rank=1)
    _step(world, second, "accept", rank=2)
    year, quarter = first.year, first.quarter
    rows = services.quarter_publish(actor=world.users["panel_a1"], village=world.village_a1, year=year, quarter=quarter)
    assert len(rows) == 2
    assert set(Nomination.objects.values_list("state", flat=True)) == {"published"}
    with pytest.raises(DomainError):
        services.quarter_publish(actor=world.users["panel_a1"], village=world.village_a1, year=year, quarter=quarter)
    with pytest.raises(workflow.NotFound):
        services.quarter_publish(actor=world.users["cadre_b1"], village=world.village_a1, year=year, quarter=quarter)


def test_the_county_keeps_its_boards(world):
    admin = world.users["county_admin"]
    added = services.board_add(actor=admin, county=world.county, code="fire-safe", name="平安榜", places=5)
    assert added.order > 0 and added.publicity_days == 5
    with pytest.raises(DomainError):
        services.board_add(actor=admin, county=world.county, code="fire-safe", name="重复")
    changed = services.board_change(actor=admin, board=added, places=3, active=False)
    assert changed.places == 3 and not changed.active
    with pytest.raises(workflow.NotFound):
        services.board_change(actor=world.users["county_official"], board=added, places=9)
    assert Board.objects.get(pk=added.pk).places == 3


def test_a_group_leader_nominates_in_the_group_name(world, nominate):
    from committees import services as committees
    from committees.models import CommitteeKind
    from honours import selectors
    from regions.models import RegionLevel
    from tests.factories import make_region

    group = make_region("一组", "510422001001901", RegionLevel.GROUP, world.village_a1)
    before = _counts()
    with pytest.raises(DomainError) as refused:
        nominate(group=group)  # the villager does not lead the group
    assert "group" in refused.value.message_dict
    assert _counts() == before
    assert list(selectors.nominating_groups(world.users["villager_a1"], world.village_a1)) == []
    leaders = committees.committee_set(
        actor=world.users["cadre_a1"], village=world.village_a1, kind=CommitteeKind.GROUP_LEADERS
    )
    committees.member_add(
        actor=world.users["cadre_a1"], committee=leaders, name="王建国", username="villager_a1", group=group.pk
    )
    assert list(selectors.nominating_groups(world.users["villager_a1"], world.village_a1)) == [group]
    case = nominate(group=group)
    assert case.source == "group" and case.group == group
