"""Demo 议事协商 for the first demo village, written through the services (and the meetings services for the
meetings that decide) at the moments they would have happened:

- the village keeps the default deliberation list (议事协商清单);
- 四议两公开: a 文化广场 decided two months ago, carried out and its result published; a 集体果园 contracting plan (a
  reserved matter, decided by the 村民会议) published with one task done, one in progress and one overdue; an office
  repair discussed by the two committees;
- 六步议事: a villagers' joint proposal collecting co-signatures (the demo villager can co-sign), a 红白事简办 standard
  published with a task and an online poll, a 低保 review waiting for the 党群议事会 (on the agenda of next week's
  council), a confirmed topic and a stopped one;
- 村规民约: version 1 adopted by the 村民会议 three months ago, filed and promulgated, signed by most households (on
  the phone and on paper); version 2 with the township for review.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from core import workflow
from deliberation import selectors, services
from deliberation.flows import TASK
from deliberation.models import Decision, RulesVersion, Topic
from meetings import rules as meeting_rules
from meetings import services as meetings
from meetings.models import Meeting, MeetingKind, VoteMethod
from regions.models import Region, RegionLevel
from registry.models import Household

RULES_V1 = """一、爱党爱国，遵纪守法，维护社会稳定。
二、孝老爱亲，赡养老人，不虐待、不遗弃家庭成员。
三、红白喜事从简，宴席不超过三十桌，不大操大办。
四、垃圾分类投放，落实门前三包，不乱堆乱放。
五、邻里互助，矛盾纠纷先找调解委员会，不聚众闹事。
六、爱护公共设施，损坏的照价赔偿或恢复原状。
七、遵守本村规民约的，在积分制中加分；违反的，由村民议事会批评教育、上黑榜。"""

RULES_V2 = RULES_V1 + "\n八、文明养犬，出门牵绳，及时清理。\n九、禁止焚烧秸秆和生活垃圾。"


def _at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _decide(cadre, village, kind, title, *, at, add, basis=""):
    """A meeting of ``kind`` held at ``at`` (noticed in time) whose motion (added by ``add(meeting)``) is adopted by a
    show of hands of everyone present."""
    days = meeting_rules.notice_days(kind) + 2
    meeting = meetings.meeting_create(
        actor=cadre,
        village=village,
        kind=kind,
        title=title,
        starts_at=at,
        place="村委会会议室",
        basis=basis,
        now=at - timedelta(days=days + 1),
    )
    meeting = meetings.meeting_notice(actor=cadre, meeting=meeting, now=at - timedelta(days=days))
    motion = add(meeting)
    meetings.meeting_step(actor=cadre, meeting=meeting, step="open", now=at)
    entries = list(meeting.register.all())
    present = entries[: max(meeting_rules.need_two_thirds(len(entries)) + 1, len(entries) * 4 // 5)]
    present = present[: len(entries)]
    meetings.attendance_sign_in_by_clerk(actor=cadre, meeting=meeting, entries=present, now=at + timedelta(minutes=10))
    meetings.motion_open(actor=cadre, motion=motion, method=VoteMethod.HANDS)
    n = len(present)
    against = 1 if n > 4 else 0
    meetings.motion_record_totals(
        actor=cadre,
        motion=motion,
        votes_for=n - against,
        votes_against=against,
        votes_abstain=0,
        now=at + timedelta(minutes=40),
    )
    meetings.meeting_step(actor=cadre, meeting=meeting, step="close", now=at + timedelta(hours=1))
    return motion


@transaction.atomic
def seed(county) -> str:
    users = get_user_model()
    cadre = users.objects.filter(username="cadre").first()
    township_user = users.objects.filter(username="township").first()
    villager = users.objects.filter(username="villager").first()
    township = Region.objects.filter(level=RegionLevel.TOWNSHIP, county=county).order_by("code").first()
    village = Region.objects.filter(level=RegionLevel.VILLAGE, township=township).order_by("code").first()
    if cadre is None or township_user is None or village is None or Topic.objects.filter(village=village).exists():
        return ""
    from meetings.models import Body, RosterMember

    if not RosterMember.objects.filter(village=village, body=Body.REPRESENTATIVES).exists():
        return ""  # the meetings demo keeps the rosters; a village too small for it gets no deliberation demo either
    now = timezone.now()
    today = timezone.localdate()
    services.list_ensure(actor=cadre, village=village)
    services.list_settings(actor=cadre, village=village, co_sign_min=5)

    def entry(name):
        return selectors.deliberation_list(village).entries.get(name=name)

    def propose(name, title, text, *, on, origin="branch", actor=None):
        return services.topic_propose(
            actor=actor or cadre, village=village, entry=entry(name), title=title, text=text, origin=origin, now=on
        )

    def step(topic, name, *, on, note="", **data):
        return services.topic_step(actor=cadre, topic=topic, step=name, data=data, note=note, now=on)

    def agenda_and_adopt(topic, kind, title, at, basis=""):
        return _decide(
            cadre,
            village,
            kind,
            title,
            at=at,
            basis=basis,
            add=lambda meeting: services.topic_to_agenda(actor=cadre, topic=topic, meeting=meeting),
        )

    # -- 四议两公开: the 文化广场, from the branch's proposal to the published result ------------------------------
    start = now - timedelta(days=70)
    square = propose(
        "村建设发展规划编制",
        "新建村民文化活动广场",
        "在村委会东侧闲置地新建 800 平方米文化活动广场，配套健身器材和宣传栏，预算 24 万元（上级补助 18 万元，"
        "村集体自筹 6 万元）。",
        on=start,
    )
    step(square, "committees", on=start + timedelta(days=3), note="两委联席会议一致同意提交党员大会审议。")
    agenda_and_adopt(square, MeetingKind.PARTY_MEMBERS, "党员大会：审议文化广场建设方案", start + timedelta(days=10))
    step(square, "members", on=start + timedelta(days=10, hours=2))
    agenda_and_adopt(square, MeetingKind.REPRESENTATIVES, "村民代表会议：文化广场建设方案", start + timedelta(days=20))
    step(square, "resolve", on=start + timedelta(days=20, hours=2))
    step(square, "publish_decision", on=start + timedelta(days=21))
    decision = Decision.objects.get(topic=square)
    t1 = services.task_create(
        actor=cadre,
        decision=decision,
        title="场地平整和硬化",
        owner_name="村委会副主任",
        due_date=(start + timedelta(days=45)).date(),
        now=start + timedelta(days=22),
    )
    services.task_step(
        actor=cadre, task=t1, step="progress", note="场地已平整，开始硬化。", now=start + timedelta(days=30)
    )
    services.task_step(
        actor=cadre,
        task=t1,
        step="complete",
        data={"result": "硬化 800 平方米，已验收。"},
        now=start + timedelta(days=40),
    )
    t2 = services.task_create(
        actor=cadre,
        decision=decision,
        title="安装健身器材和宣传栏",
        owner_name="村务专干",
        due_date=(start + timedelta(days=55)).date(),
        now=start + timedelta(days=22),
    )
    services.task_step(
        actor=cadre,
        task=t2,
        step="complete",
        data={"result": "安装健身器材 12 件、宣传栏 2 块。"},
        now=start + timedelta(days=50),
    )
    step(
        square,
        "publish_result",
        on=start + timedelta(days=52),
        result="文化活动广场已建成并投入使用，总支出 23.6 万元，明细见财务公开。",
    )

    # -- 四议两公开 of a reserved matter: the 集体果园 contracting plan, decided by the 村民会议 -----------------------
    start = now - timedelta(days=45)
    orchard = propose(
        "集体经济项目立项及承包方案",
        "集体果园对外承包方案",
        "村集体果园 120 亩公开招标承包，期限 10 年，底价每亩每年 600 元，收益纳入村集体经济收入。",
        on=start,
    )
    step(orchard, "committees", on=start + timedelta(days=2), note="两委会议商议，同意公开招标。")
    agenda_and_adopt(orchard, MeetingKind.PARTY_MEMBERS, "党员大会：审议集体果园承包方案", start + timedelta(days=8))
    step(orchard, "members", on=start + timedelta(days=8, hours=2))
    agenda_and_adopt(
        orchard,
        MeetingKind.VILLAGERS_ASSEMBLY,
        "村民会议：集体果园承包方案",
        start + timedelta(days=20),
        basis="household",
    )
    step(orchard, "resolve", on=start + timedelta(days=20, hours=2))
    step(orchard, "publish_decision", on=start + timedelta(days=21))
    decision = Decision.objects.get(topic=orchard)
    done = services.task_create(
        actor=cadre,
        decision=decision,
        title="发布招标公告",
        owner_name="村务专干",
        due_date=(start + timedelta(days=30)).date(),
        now=start + timedelta(days=22),
    )
    services.task_step(
        actor=cadre,
        task=done,
        step="complete",
        data={"result": "招标公告已在县公共资源交易平台发布。"},
        now=start + timedelta(days=25),
    )
    late = services.task_create(
        actor=cadre,
        decision=decision,
        title="组织开标并签订承包合同",
        owner_name="村委会主任",
        due_date=(start + timedelta(days=38)).date(),
        now=start + timedelta(days=22),
    )
    services.task_step(
        actor=cadre, task=late, step="progress", note="已有 3 家报名，开标推迟到下周。", now=start + timedelta(days=35)
    )
    services.task_create(
        actor=cadre,
        decision=decision,
        title="承包收益入账并公开",
        owner_name="报账员",
        due_date=today + timedelta(days=30),
        now=now - timedelta(days=2),
    )

    # -- 四议两公开 discussed by the two committees ---------------------------------------------------------------
    office = propose(
        "村办公用房选址",
        "村办公用房维修",
        "村委会办公楼屋面漏水，拟原址维修，预算 5 万元。",
        on=now - timedelta(days=6),
    )
    step(office, "committees", on=now - timedelta(days=4), note="两委会议同意，提交党员大会审议。")

    # -- 六步议事 ------------------------------------------------------------------------------------------------
    own = {a.household_id for a in villager.assignments.all() if a.household_id} if villager else set()
    if villager is not None and own:
        # a villagers' joint proposal by the demo villager, waiting for other households' co-signatures
        services.topic_propose(
            actor=villager,
            village=village,
            entry=entry("人居环境整治、移风易俗"),
            title="三组路口建垃圾分类亭",
            text="三组路口垃圾常被乱倒，建议建一座带顶棚的垃圾分类亭，由保洁员每天清运。",
            now=now - timedelta(days=3),
        )

    customs = propose(
        "人居环境整治、移风易俗",
        "红白事简办标准",
        "红事宴席不超过 20 桌、白事不超过 15 桌，礼金不超过 200 元，由红白理事会监督。",
        on=now - timedelta(days=30),
    )
    step(customs, "confirm", on=now - timedelta(days=29))
    step(customs, "vet", on=now - timedelta(days=27), note="经司法所审定，不含罚款等强制条款。")
    poll = services.poll_open(
        actor=cadre,
        topic=customs,
        question="宴席桌数上限定为 20 桌是否合适？",
        options=["合适", "偏多", "偏少"],
        closes_at=now - timedelta(days=15),
        now=now - timedelta(days=25),
    )
    services.comment_add(
        actor=cadre, topic=customs, text="欢迎大家在线提意见，意见征询结果供议事会参考。", now=now - timedelta(days=25)
    )
    if villager is not None:
        services.comment_add(
            actor=villager, topic=customs, text="支持简办，建议把礼金也写进村规民约。", now=now - timedelta(days=24)
        )
        services.poll_answer(actor=villager, poll=poll, option=0, now=now - timedelta(days=24))
    step(
        customs,
        "deliberate",
        on=now - timedelta(days=14),
        outcome="宴席红事不超过 20 桌、白事不超过 15 桌，礼金不超过 200 元。",
    )
    step(customs, "publish", on=now - timedelta(days=13))
    services.task_create(
        actor=cadre,
        decision=Decision.objects.get(topic=customs),
        title="红白理事会逐户宣传",
        owner_name="红白理事会会长",
        due_date=today + timedelta(days=14),
        now=now - timedelta(days=12),
    )

    dibao = propose(
        "最低生活保障评议", "2026年第四季度低保评议", "对新申请的 6 户进行民主评议。", on=now - timedelta(days=5)
    )
    step(dibao, "confirm", on=now - timedelta(days=5, hours=-1))
    step(dibao, "vet", on=now - timedelta(days=4), note="镇民政办已入户核查收入和财产。")
    council = Meeting.objects.filter(
        village=village, kind=MeetingKind.PARTY_MASSES, state__in=("draft", "noticed")
    ).first()
    if council is not None:
        services.topic_to_agenda(actor=cadre, topic=dibao, meeting=council)

    confirmed = propose(
        "公共服务设施建设（小型）",
        "村卫生室添置设备",
        "添置心电图机 1 台，经费由县卫健局补助。",
        on=now - timedelta(days=2),
    )
    step(confirmed, "confirm", on=now - timedelta(days=1))
    dropped = propose(
        "涉及村民切身利益的其他公共事务",
        "村道旁种植行道树",
        "在主干道两侧种植桂花树 200 株。",
        on=now - timedelta(days=20),
    )
    step(dropped, "drop", on=now - timedelta(days=18), reason="并入“村道亮化工程”一并实施。")

    workflow.run_deadlines(TASK)  # the contract task past its deadline is flagged overdue

    # -- 村规民约 ---------------------------------------------------------------------------------------------------
    start = now - timedelta(days=120)
    v1 = services.rules_create(actor=cadre, village=village, title="村规民约", text=RULES_V1, now=start)
    if villager is not None:
        services.comment_add(actor=villager, rules=v1, text="建议写上文明养犬。", now=start + timedelta(days=2))
    services.rules_step(
        actor=cadre, rules=v1, step="draft", note="召开院坝会 5 场，收集意见 37 条。", now=start + timedelta(days=10)
    )
    services.rules_step(actor=cadre, rules=v1, step="submit", now=start + timedelta(days=11))
    services.rules_step(
        actor=township_user,
        rules=v1,
        step="approve",
        data={"comments": "合法合规，同意提交村民会议表决。"},
        now=start + timedelta(days=15),
    )
    _decide(
        cadre,
        village,
        MeetingKind.VILLAGERS_ASSEMBLY,
        "村民会议：表决村规民约",
        at=start + timedelta(days=30),
        basis="household",
        add=lambda meeting: services.rules_to_agenda(actor=cadre, rules=v1, meeting=meeting),
    )
    services.rules_step(actor=cadre, rules=v1, step="adopt", now=start + timedelta(days=30, hours=2))
    services.rules_step(actor=township_user, rules=v1, step="file", now=start + timedelta(days=35))
    services.rules_step(actor=cadre, rules=v1, step="promulgate", now=start + timedelta(days=36))
    all_households = list(Household.objects.filter(village=village).exclude(pk__in=own).order_by("number"))
    for n, h in enumerate(all_households[: min(300, len(all_households) * 7 // 10)]):
        services.rules_record_paper(
            actor=cadre,
            rules=v1,
            household=h,
            signer_name=h.head_name or h.number,
            signed_on=(start + timedelta(days=37 + n % 20)).date(),
        )

    v2 = services.rules_create(
        actor=cadre, village=village, title="村规民约（修订）", text=RULES_V2, now=now - timedelta(days=20)
    )
    services.rules_step(
        actor=cadre, rules=v2, step="draft", note="新增文明养犬、禁烧两条。", now=now - timedelta(days=10)
    )
    services.rules_step(actor=cadre, rules=v2, step="submit", now=now - timedelta(days=2))
    count = Topic.objects.filter(village=village).count()
    versions = RulesVersion.objects.filter(village=village).count()
    signed = v1.signatures.count()
    return (
        f"Deliberation: {count} topics, {versions} versions of the village rules ({signed} households signed) "
        f"in {village.name}"
    )
