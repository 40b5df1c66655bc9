"""Demo honours: the first village's honours panel (评选小组: ``gridworker`` and two elders, beside the cadres); the
previous quarter's boards evaluated, published and confirmed (one honour taken off after an upheld objection, one
objection dismissed), and this quarter some nominations waiting for the panel, one selected to publish."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from committees import services as committees
from committees.models import CommitteeKind, Post
from honours import quarters, services
from honours.models import Board, Nomination
from regions.models import Region, RegionLevel
from registry.models import Household, Person

DEEDS = {
    "pioneer": "党员，带头参与村道硬化和河道清淤，义务巡河两年，组织群众开展森林防火宣传。",
    "prosper": "返乡种植青花椒80亩，带动12户农户务工增收，免费传授嫁接和病虫害防治技术。",
    "kindness": "常年照顾同组孤寡老人，雨天背送留守儿童上学，拾到钱包主动归还失主。",
    "worthy": "退休教师，热心调解邻里纠纷，捐资修缮村小图书室，组织编写村史资料。",
    "newstyle": "带头简办儿子婚事，不收礼金、不大操大办，劝导亲友移风易俗。",
    "filial": "悉心照料瘫痪在床的婆婆十余年，端水喂饭、擦身按摩，从无怨言。",
    "scholar": "品学兼优，今年考入四川大学，假期义务辅导村里孩子功课。",
    "homemaker": "彝绣手艺精湛，带领10余名妇女发展刺绣增收，持家有方、勤劳能干。",
    "family": "家庭和睦、尊老爱幼，家风淳朴，积极参加村里公益活动。",
    "courtyard": "房前屋后干净整洁，种花种菜、绿化美化，垃圾分类做得好。",
}


def _at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _step(actor, case, name, at, **data):
    return services.nomination_step(actor=actor, case=Nomination.objects.get(pk=case.pk), step=name, data=data, now=at)


def seed(county: Region) -> str:
    users = {
        u.username: u for u in User.objects.filter(username__in=["county_admin", "cadre", "gridworker", "villager"])
    }
    if len(users) < 4 or Nomination.objects.filter(county=county).exists():
        return ""
    village = (
        Region.objects.filter(county=county, level=RegionLevel.VILLAGE, pk__in=_home_villages(users))
        .order_by("code")
        .first()
    )
    boards = {b.code: b for b in Board.objects.filter(county=county)}
    if village is None or not boards:
        return ""
    cadre, worker, villager = users["cadre"], users["gridworker"], users["villager"]
    people = list(Person.objects.filter(village=village, is_deceased=False).order_by("pk")[:80])
    households = list(Household.objects.filter(village=village).order_by("number")[:40])
    if len(people) < 50 or len(households) < 25:
        return ""
    today = timezone.localdate()
    this = quarters.of(today)
    last = quarters.previous(*this)
    start = quarters.first_day(*last)
    count = 0
    with transaction.atomic():
        panel = committees.committee_set(actor=users["county_admin"], village=village, kind=CommitteeKind.HONOURS_PANEL)
        committees.member_add(
            actor=users["county_admin"],
            committee=panel,
            name=worker.display_name or "网格员",
            post=Post.MEMBER,
            username="gridworker",
            started_on=start - timedelta(days=200),
        )
        for n, elder in enumerate(people[-2:]):
            committees.member_add(
                actor=users["county_admin"],
                committee=panel,
                name=elder.name,
                person=elder.pk,
                post=Post.CHAIR if n == 0 else Post.MEMBER,
                started_on=start - timedelta(days=200),
            )
        # the previous quarter: two or three honourees per board, published together, confirmed after the notice
        nominated_on = start + timedelta(days=20)
        made = []
        for b, code in enumerate(DEEDS):
            board = boards.get(code)
            if board is None:
                continue
            for k in range(2 if board.subject == "household" else 3):
                target = (
                    {"household": households[(b * 2 + k) % len(households)]}
                    if board.subject == "household"
                    else {"person": people[(b * 3 + k) % (len(people) - 2)]}
                )
                case = services.nomination_create(
                    actor=(worker, cadre, villager)[k % 3],
                    board=board,
                    deeds=DEEDS[code],
                    now=_at(nominated_on + timedelta(days=k)),
                    **target,
                )
                made.append(case)
                count += 1
        evaluated = start + timedelta(days=40)
        ranks: dict[int, int] = {}
        for case in made:
            if case.pk == made[5].pk:
                _step(cadre, case, "decline", _at(evaluated), reason="事迹材料不够具体，请补充后下季度再报。")
                continue
            ranks[case.board_id] = ranks.get(case.board_id, 0) + 1
            _step(worker, case, "accept", _at(evaluated), rank=ranks[case.board_id], score=90 - ranks[case.board_id])
        published = start + timedelta(days=75)
        services.quarter_publish(actor=cadre, village=village, year=last[0], quarter=last[1], now=_at(published))
        objected, struck = made[0], made[4]
        first = services.objection_file(
            actor=villager, nomination=objected, text="巡河是村里安排的公益岗，不算个人事迹。", now=_at(published, 15)
        )
        _step(
            cadre,
            objected,
            "dismiss",
            _at(published + timedelta(days=2)),
            objection=str(first.pk),
            answer="经评选小组核实：巡河为其自愿义务承担，不领报酬，事迹属实。",
        )
        second = services.objection_file(
            actor=villager, nomination=struck, text="带动务工的人数与实际不符。", now=_at(published, 16)
        )
        _step(
            cadre,
            struck,
            "uphold",
            _at(published + timedelta(days=2)),
            objection=str(second.pk),
            answer="经核实，带动务工为季节性短工，人数有夸大，撤销上榜。",
        )
        for case in Nomination.objects.filter(village=village, year=last[0], quarter=last[1], state="published"):
            _step(cadre, case, "confirm", case.deadline_at + timedelta(hours=1))
        # this quarter: nominations waiting for the panel, one selected to publish
        now = timezone.now()
        waiting = [
            (villager, "kindness", people[40]),
            (villager, "filial", people[41]),
            (worker, "scholar", people[42]),
            (cadre, "pioneer", people[43]),
        ]
        for actor, code, person in waiting:
            if code in boards:
                services.nomination_create(actor=actor, board=boards[code], person=person, deeds=DEEDS[code], now=now)
                count += 1
        if "family" in boards:
            chosen = services.nomination_create(
                actor=worker, board=boards["family"], household=households[20], deeds=DEEDS["family"], now=now
            )
            _step(cadre, chosen, "accept", now, rank=1, score=92)
            count += 1
    return f"honours: {count} nominations in {village.name} (previous quarter published and confirmed)"


def _home_villages(users) -> list[int]:
    from core import scope

    return [g.village_id for g in scope.grants(users["villager"]) if g.village_id]
