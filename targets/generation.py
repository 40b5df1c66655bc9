"""清单制 at county scale for benchmarks (deterministic for a seed and a moment ``now``): the year's target list of
every unit of the county — each county department, township and village — issued in mid-January, each task a case
due on its date with the unit's quarterly progress on its timeline: most tasks due by now reported done (a few late,
a few reopened by the county and done again), some overdue, a few dropped, the rest still under way.

What goes through the services: the county's departments when it has none (``incidents.services.department_save``, as
the county administrator: the 15 of ``incidents.catalogue_template``). Written in bulk: the accounts that report
(``registry.generation.bulk_accounts``: ``vc<village code>``, ``to<township code>``, ``dp<county code><department
code>1`` — the incident generator's accounts), the lists (issued by the county administrator) and the tasks with the
timelines ``core.workflow`` would have written (customs.generation's ``Timeline``: the open state's deadline is the
end of the last working day on or before the due date, ``days_allowed`` counted from the issue as the service counts
it; a completion carries its evidence, one shared photo)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from casework.models import CaseEvent
from core import db
from customs.generation import (
    Calendar,
    GenerationError,
    Timeline,
    at,
    cadres,
    insert,
    insert_timelines,
    keeping,
    later,
    villages_of,
)
from regions.models import Region, RegionLevel

DEPARTMENT_TASKS = [
    ("完成年度重点项目建设任务", "分管股室", "项目竣工验收"),
    ("开展行业领域安全生产专项检查", "安全股", "检查台账和整改清单"),
    ("推进“放管服”改革，事项全部进驻便民服务中心", "审批股", "事项清单公布"),
    ("落实惠民惠农财政补贴资金“一卡通”发放", "财务股", "发放台账和公示"),
    ("指导各乡镇开展积分制管理", "基层股", "全覆盖并有评价结果"),
    ("完成年度信访积案化解", "办公室", "化解率不低于90%"),
    ("开展政策宣传进村入户活动", "宣传股", "每季度不少于一次"),
    ("完成年度干部教育培训计划", "人事股", "培训记录和考核"),
    ("建立健全网格事项处置联动机制", "综合股", "制度印发并运行"),
    ("完成年度统计数据报送", "统计股", "按时报送无差错"),
    ("推进数字乡村平台数据归集", "信息股", "数据归集率达到95%"),
    ("开展年度绩效自评", "办公室", "自评报告"),
]
TOWNSHIP_TASKS = [
    ("推进村级组织规范化建设", "党建办", "全部村达标并备案"),
    ("建成乡镇矛盾纠纷调处化解中心", "综治中心", "中心挂牌运行，化解率不低于96%"),
    ("全面推行积分制管理，覆盖全部行政村", "农业服务中心", "各村积分细则经村民会议通过"),
    ("开展移风易俗专项整治，村村建立红白理事会", "民政办", "一约四会全覆盖"),
    ("完成人居环境整治“七个好”季度评比并通报", "妇联", "四个季度评比和通报均完成"),
    ("完成防汛减灾隐患排查整治", "应急办", "隐患整改销号"),
    ("推进高标准农田建设", "农业服务中心", "通过县级验收"),
    ("完成三务公开规范化检查", "纪委", "每季度检查通报"),
    ("落实社会救助动态管理", "社会事务办", "核查台账和公示"),
    ("开展网格员业务培训", "综治中心", "每季度一次"),
]
VILLAGE_TASKS = [
    ("修订村规民约并经村民会议表决通过", "村支书", "村民会议决议和备案回执"),
    ("完成村级活动场所改造", "村主任", "通过乡镇验收"),
    ("建立邻里互助会并募集互助资金", "村妇联主席", "互助专款账户和资金公示"),
    ("每季度开展“七个好”入户评比", "网格员", "四次评比结果公示"),
    ("完成村内道路硬化和路灯安装", "村主任", "工程验收和资金公示"),
    ("发展壮大村集体经济", "村支书", "集体经济收入较上年增长"),
    ("开展乡村八榜评选并公示", "村文书", "每季度公示"),
    ("完成农村户厕改造", "村主任", "改厕台账和验收"),
]
PROGRESS = ["按计划推进，已完成阶段性工作。", "已召开专题会议部署，正在组织实施。", "完成过半，下季度继续推进。"]
DONE = ["已按要求完成，佐证材料已上传。", "任务全部完成，通过验收。"]
REOPEN = "佐证材料不完整，请补充后重新报送。"
DROPPED = "上级政策调整，该任务不再执行。"


@dataclass
class Generated:
    lists: int = 0
    targets: int = 0
    timeline: int = 0
    attachments: int = 0
    departments: int = 0
    states: dict = field(default_factory=dict)
    on_time: int = 0
    late: int = 0

    def summary(self) -> dict:
        return {
            "lists": self.lists,
            "targets": self.targets,
            "case_events": self.timeline,
            "evidence_files": self.attachments,
            "departments_added": self.departments,
            "states": dict(sorted(self.states.items())),
            "done_on_time": self.on_time,
            "done_late": self.late,
        }


def generate_targets(
    county: Region, actor, *, seed: int = 1, year: int | None = None, now: datetime | None = None
) -> dict:
    """The year's lists of the county's units (default: this year) with their progress up to ``now``."""
    from targets.models import Target, TargetList

    if TargetList.objects.filter(county=county).exists():
        raise GenerationError(f"County {county.code} has target lists already.")
    now = now or timezone.now()
    year = year or timezone.localtime(now).year
    if date(year, 1, 20) >= timezone.localtime(now).date():
        raise GenerationError(f"The {year} lists are issued in mid-January: {year} has not got that far.")
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        result = _generate(county, actor, seed=seed, year=year, now=now)
    db.refresh_statistics([TargetList, Target, CaseEvent])
    return result.summary()


def _departments(county, actor, result) -> list:
    from incidents import services
    from incidents.catalogue_template import DEPARTMENTS
    from incidents.models import Department

    if not Department.objects.filter(county=county).exists():
        for code, name, phone in DEPARTMENTS:
            services.department_save(actor=actor, county=county, name=name, code=code, phone=phone)
            result.departments += 1
    return list(Department.objects.filter(county=county, is_active=True).order_by("code"))


def _unit_accounts(county, townships, departments, *, seed) -> tuple[dict, dict]:
    """The township official of each township and a member of each department (created once, found again)."""
    from core.roles import Role
    from incidents.models import Department
    from registry.generation import CountyGenerator, bulk_accounts

    names = CountyGenerator(seed=seed + 1, county_name="", county_code=county.code)

    def person() -> str:
        return names.family_name() + names.given_name(names.rng.choice("MF"))

    wanted = [(f"to{t.code}", person(), Role.TOWNSHIP_OFFICIAL, t.pk, None, None) for t in townships]
    members = {}
    for d in departments:
        found = d.members.order_by("pk").first()
        if found is not None:
            members[d.pk] = found
        else:
            wanted.append((f"dp{county.code}{d.code.lower()}1", person(), Role.DEPARTMENT_STAFF, county.pk, None, None))
    users, _fresh = bulk_accounts(wanted)
    through = Department.members.through
    new = []
    for d in departments:
        if d.pk not in members:
            members[d.pk] = users[f"dp{county.code}{d.code.lower()}1"]
            new.append(through(department_id=d.pk, user_id=members[d.pk].pk))
    through.objects.bulk_create(new, ignore_conflicts=True)
    return {t.pk: users[f"to{t.code}"] for t in townships}, members


def _due(rng: random.Random, year: int) -> date:
    month = rng.choice([3, 5, 6, 6, 8, 9, 9, 10, 11, 12, 12, 12])
    return date(year, month, rng.choice([15, 25, 28]))


def _generate(county, actor, *, seed, year, now) -> Generated:
    from targets.flows import TARGET
    from targets.models import Target, TargetList, UnitKind

    rng = random.Random(seed)
    result = Generated()
    calendar = Calendar(county)
    villages = villages_of(county)
    townships = list(Region.objects.filter(county=county, level=RegionLevel.TOWNSHIP).order_by("code"))
    if not villages:
        raise GenerationError(f"County {county.code} has no villages.")
    departments = _departments(county, actor, result)
    officials, members = _unit_accounts(county, townships, departments, seed=seed)
    cadre = cadres(county, villages, seed=seed)

    units = [(UnitKind.DEPARTMENT, d, members[d.pk], DEPARTMENT_TASKS, (8, 12)) for d in departments]
    units += [(UnitKind.TOWNSHIP, t, officials[t.pk], TOWNSHIP_TASKS, (6, 10)) for t in townships]
    units += [(UnitKind.VILLAGE, v, cadre[v.pk], VILLAGE_TASKS, (4, 7)) for v in villages]
    lists, planned = [], []
    for kind, unit, reporter, tasks, (low, high) in units:
        issued = at(date(year, 1, rng.randint(10, 18)), rng.randint(9, 16), rng.randrange(60))
        if not calendar.is_working_day(timezone.localtime(issued).date()):
            issued = at(calendar.next_working_day(timezone.localtime(issued).date()), 10)
        target_list = TargetList(county=county, year=year, unit_kind=kind, issued_by=actor, issued_at=issued)
        if kind == UnitKind.DEPARTMENT:
            target_list.department = unit
        elif kind == UnitKind.TOWNSHIP:
            target_list.township = unit
        else:
            target_list.township_id, target_list.village = unit.township_id, unit
        target_list.title = _("%(year)s target list of %(unit)s") % {"year": year, "unit": unit.name}
        lists.append(target_list)
        chosen = rng.sample(tasks, min(len(tasks), rng.randint(low, high)))
        planned.append((target_list, reporter, issued, chosen, rng.getrandbits(32)))
    with keeping(TargetList, "issued_at"):
        insert(TargetList, lists)

    timelines, index = [], 0
    for target_list, reporter, issued, chosen, salt in planned:
        r = random.Random(salt)
        for order, (text, owner, measure) in enumerate(chosen, start=1):
            due = _due(r, year)
            item = Target(
                target_list=target_list,
                order=order,
                text=text,
                measure=measure,
                owner=owner,
                due_date=due,
                days_allowed=max(0, calendar.working_days_between(issued, due)),
                county_id=target_list.county_id,
                township_id=target_list.township_id,
                village_id=target_list.village_id,
            )
            t = Timeline(TARGET, item, calendar, salt=index)
            index += 1
            t.start(issued, actor, data={"due_date": due.isoformat()})
            _play(t, r, item, reporter, actor, now, year)
            t.flag_until(now)
            timelines.append(t)
            result.states[item.state] = result.states.get(item.state, 0) + 1
            if item.state == "done":
                result.on_time += bool(item.on_time)
                result.late += not item.on_time
    targets = [t.case for t in timelines]
    insert(Target, targets)
    result.lists, result.targets = len(lists), len(targets)
    result.timeline, result.attachments = insert_timelines(Target, timelines)
    return result


def _play(t: Timeline, r: random.Random, item, reporter, county_admin, now, year) -> None:
    """The unit's quarterly progress and its completion (on time mostly), the county's reopening or dropping."""
    calendar = t.calendar
    due_end = item.deadline_at  # 18:00 of the last working day on or before the due date
    fate = r.random()
    if fate < 0.8:  # done on time (the deadline's day or before)
        finish = due_end - timedelta(days=r.randint(0, 40), hours=r.randint(1, 6))
    elif fate < 0.9:  # done late: the deadline run flagged it first
        finish = due_end + timedelta(days=r.randint(3, 30))
    elif fate < 0.97:  # not done by now
        finish = None
    else:
        finish = "drop"
    finish_at = finish if isinstance(finish, datetime) else None
    percent = 0
    for quarter in range(1, 5):
        moment = at(date(year, quarter * 3, r.randint(18, 28)), r.randint(9, 17), r.randrange(60))
        if moment >= now or moment <= t.last_at or r.random() < 0.1:
            continue
        if finish_at is not None and moment >= finish_at:
            break
        if finish == "drop" and quarter >= 3:
            break
        percent = min(95, percent + r.randint(15, 35))
        item.percent, item.last_quarter = percent, quarter
        item.last_report, item.last_reported_at = r.choice(PROGRESS), moment
        t.step(
            "report", moment, reporter, data={"quarter": str(quarter), "percent": percent, "progress": item.last_report}
        )
    if finish == "drop":
        moment = at(date(year, 7, r.randint(1, 28)), 10)
        if t.last_at < moment < now:
            t.step("drop", moment, county_admin, data={"reason": DROPPED})
        return
    if finish_at is None:
        return
    finish_at = max(finish_at, t.last_at + timedelta(hours=1))
    if finish_at >= now:
        return
    _complete(t, r, item, reporter, finish_at)
    if r.random() < 0.04:  # the county reopens it; the unit completes it again
        moment = later(r, finish_at, r.randint(1, 5), calendar)
        if moment >= now:
            return
        item.done_on, item.on_time = None, None
        item.days_allowed = max(0, calendar.working_days_between(moment, item.due_date))
        t.step("reopen", moment, county_admin, data={"reason": REOPEN})
        again = later(r, moment, r.randint(2, 10), calendar)
        if again < now:
            _complete(t, r, item, reporter, again)


def _complete(t: Timeline, r: random.Random, item, reporter, moment) -> None:
    item.percent = 100
    item.last_report, item.last_reported_at = r.choice(DONE), moment
    item.done_on = timezone.localtime(moment).date()
    item.on_time = item.done_on <= item.due_date
    t.step("complete", moment, reporter, data={"result": item.last_report}, evidence=True)
