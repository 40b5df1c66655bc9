"""Demo small-power list: the county's default list (the 13 key powers of seed 004 五) and, in the first demo
village, matters of the three complete procedures in different states — 低保评议, 宅基地申请 and 集体资产处置 — plus
one matter of the general procedure. Everything is written through the services at the moments it would have
happened; the meeting that decides is held through the meetings app (a villagers' assembly, show of hands) when
that app offers adopted motions, or recorded by hand otherwise.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from accounts.models import User
from powers import publicity, rules, services
from powers.models import Power, PowerCase
from regions.models import Region, RegionLevel
from registry.models import Household

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _at(day: date, hour: int = 10):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def _photo(name: str) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (240, 160), (120, 150, 90)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def adopt_in_meeting(cadre, case: PowerCase, *, held_at, title: str):
    """Hold a villagers' assembly (register by household, everyone signed in, show of hands) that adopts a motion
    on the matter (subject ``powers.case:<pk>``), and close it, through the meetings app's services. Returns the
    motion."""
    from meetings import services as meetings
    from meetings.models import MeetingKind, VoteMethod

    meeting = meetings.meeting_create(
        actor=cadre,
        village=case.village,
        kind=MeetingKind.VILLAGERS_ASSEMBLY,
        title=title[:100],
        starts_at=held_at,
        place="村委会会议室",
        basis="household",
        now=held_at - timedelta(days=12),
    )
    meetings.meeting_notice(actor=cadre, meeting=meeting, now=held_at - timedelta(days=11))
    meetings.meeting_step(actor=cadre, meeting=meeting, step="open", now=held_at)
    motion = meetings.motion_add(actor=cadre, meeting=meeting, title=title[:150], subject=rules.subject_of(case))
    entries = list(meeting.register.all())
    meetings.attendance_sign_in_by_clerk(actor=cadre, meeting=meeting, entries=entries, now=held_at)
    meetings.motion_open(actor=cadre, motion=motion, method=VoteMethod.HANDS)
    motion = meetings.motion_record_totals(
        actor=cadre,
        motion=motion,
        votes_for=len(entries),
        votes_against=0,
        votes_abstain=0,
        now=held_at + timedelta(minutes=30),
    )
    # the meeting is over
    meetings.meeting_step(actor=cadre, meeting=meeting, step="close", now=held_at + timedelta(hours=1))
    meetings.meeting_step(
        actor=cadre,
        meeting=meeting,
        step="minutes",
        data={
            "minutes": f"会议审议{title[:60]}，到会户代表举手表决，全票通过。",
            "chair": "村委会主任",
            "recorder": "村文书",
        },
        now=held_at + timedelta(hours=2),
    )
    return motion


def decide(cadre, case: PowerCase, step: str, *, day: date, body: str, members: int, present: int, votes_for: int):
    """Take the meeting step of a matter: with the meetings app's adopted motion when it offers them, otherwise
    with the meeting recorded by hand."""
    data: dict = {}
    if rules.meetings_selector() is not None:
        title = f"{case.power.name}：{publicity.public_name(case)}"
        motion = adopt_in_meeting(cadre, case, held_at=_at(day, 9), title=title)
        data["motion"] = str(motion.pk)
    else:
        data.update(
            body=body,
            meeting_ref=f"{case.village.name}{rules.BODIES[body][0]} {day:%Y}-{day:%m}",
            meeting_date=day.isoformat(),
            members=members,
            present=present,
            votes_for=votes_for,
        )
    services.case_step(actor=cadre, case=case, step=step, data=data, now=_at(day, 15))
    case.refresh_from_db()


def seed(county: Region) -> str:
    township = Region.objects.filter(level=RegionLevel.TOWNSHIP, county=county).order_by("code").first()
    village = Region.objects.filter(level=RegionLevel.VILLAGE, township=township).order_by("code").first()
    users = {u.username: u for u in User.objects.filter(username__in=["county_admin", "cadre", "township", "villager"])}
    if village is None or len(users) < 4:
        return ""
    count = seed_village(
        village,
        county_admin=users["county_admin"],
        cadre=users["cadre"],
        official=users["township"],
        villager=users["villager"],
    )
    return f"powers: the default list and {count} matters in {village.name}" if count else ""


def seed_village(village, *, county_admin, cadre, official, villager) -> int:
    """The default list for the village's county and the demo matters of the village (once)."""
    if not Power.objects.filter(county=village.county).exists():
        services.power_install_defaults(actor=county_admin, county=village.county)
    if PowerCase.objects.filter(village=village).exists():
        return 0
    with transaction.atomic():
        return _seed(village, {"cadre": cadre, "township": official, "villager": villager})


def _step(actor, case, step, day, hour=10, attachments=(), **data):
    services.case_step(actor=actor, case=case, step=step, data=data, attachments=attachments, now=_at(day, hour))
    case.refresh_from_db()


def _seed(village, users) -> int:
    cadre, official, villager = users["cadre"], users["township"], users["villager"]
    county = village.county
    power = {p.code: p for p in Power.objects.filter(county=county)}
    households = list(Household.objects.filter(village=village).order_by("number")[:12])
    own = next((h for h in households if villager.assignments.filter(household=h).exists()), None)
    others = [h for h in households if h != own]
    today = timezone.localdate()
    written = []

    def dibao(household, by, day, reason):
        case = services.case_apply(
            actor=by,
            power=power["dibao"],
            household=household,
            reason=reason,
            household_size=3,
            monthly_income="860.00",
            attachments=[_pdf("家庭收入申报表.pdf"), _photo("户口簿.jpg")],
            now=_at(day, 9),
        )
        written.append(case)
        return case

    # 低保评议: one done and published, one with the township, one posted now with an objection, one surveyed,
    # one waiting for documents, and the villager's own application just received
    start = today - timedelta(days=40)
    done = dibao(others[0], cadre, start, "户主患尿毒症长期透析，配偶照料，无稳定收入。")
    _step(
        cadre,
        done,
        "survey",
        start + timedelta(days=1),
        visited_on=(start + timedelta(days=1)).isoformat(),
        findings="入户核实：3 口人，户主透析，配偶务农，年收入约 1 万元。",
    )
    decide(
        cadre, done, "deliberate", day=start + timedelta(days=3), body="council", members=24, present=21, votes_for=19
    )
    posted = start + timedelta(days=4)
    _step(cadre, done, "publicize", posted, publicity_until=(posted + timedelta(days=7)).isoformat())
    _step(cadre, done, "submit_review", posted + timedelta(days=8))
    _step(official, done, "township_approve", posted + timedelta(days=10), opinion="经审核，符合低保条件。")
    _step(
        official,
        done,
        "county_approve",
        posted + timedelta(days=20),
        decision_ref="民救字〔2026〕118号",
        outcome="纳入农村低保，按月发放",
    )
    _step(cadre, done, "publish_result", posted + timedelta(days=21))

    if len(others) > 1:
        review = dibao(others[1], cadre, today - timedelta(days=20), "独居老人，无子女赡养，无劳动能力。")
        day = today - timedelta(days=19)
        _step(cadre, review, "survey", day, visited_on=day.isoformat(), findings="入户核实：独居，无劳动能力。")
        decide(
            cadre,
            review,
            "deliberate",
            day=day + timedelta(days=1),
            body="council",
            members=24,
            present=20,
            votes_for=20,
        )
        _step(
            cadre, review, "publicize", day + timedelta(days=2), publicity_until=(day + timedelta(days=9)).isoformat()
        )
        _step(cadre, review, "submit_review", day + timedelta(days=10))
    if len(others) > 2:
        now_posted = dibao(others[2], cadre, today - timedelta(days=4), "因灾房屋受损，家庭收入骤减。")
        day = today - timedelta(days=3)
        _step(cadre, now_posted, "survey", day, visited_on=day.isoformat(), findings="入户核实：房屋受损，收入骤减。")
        decide(cadre, now_posted, "deliberate", day=day, body="council", members=24, present=18, votes_for=16)
        _step(
            cadre,
            now_posted,
            "publicize",
            today - timedelta(days=1),
            publicity_until=(today + timedelta(days=6)).isoformat(),
        )
        services.objection_raise(
            actor=cadre, case=now_posted, text="有村民反映该户有一辆货车在跑运输（村委会记录）。", now=_at(today, 9)
        )
    if len(others) > 3:
        surveyed = dibao(others[3], cadre, today - timedelta(days=6), "户主残疾，子女在读。")
        _step(
            cadre,
            surveyed,
            "survey",
            today - timedelta(days=5),
            visited_on=(today - timedelta(days=5)).isoformat(),
            findings="入户核实：户主二级残疾，两个子女在读。",
        )
    if len(others) > 4:
        waiting = dibao(others[4], cadre, today - timedelta(days=3), "配偶重病。")
        _step(
            cadre, waiting, "ask_documents", today - timedelta(days=2), documents="请补充医院诊断证明和住院费用清单。"
        )
    if own is not None:
        dibao(own, villager, today - timedelta(days=1), "家中老人长期卧床，医疗支出大，收入不足。")

    # 宅基地申请: one built and accepted, one approved waiting for the on-site check, one discussed by the group
    if len(others) > 6:

        def homestead(household, day, reason, area):
            case = services.case_apply(
                actor=cadre,
                power=power["homestead"],
                household=household,
                reason=reason,
                area=area,
                attachments=[_pdf("宅基地和建房申请表.pdf")],
                now=_at(day, 9),
            )
            written.append(case)
            return case

        built = homestead(others[5], today - timedelta(days=120), "分户后无宅基地，申请新建住房。", "120")
        day = today - timedelta(days=118)
        decide(cadre, built, "group_meeting", day=day, body="group", members=30, present=24, votes_for=22)
        _step(
            cadre,
            built,
            "village_review",
            day + timedelta(days=1),
            opinion="符合一户一宅，选址符合村庄规划。",
            publicity_until=(day + timedelta(days=8)).isoformat(),
        )
        _step(cadre, built, "submit_review", day + timedelta(days=10))
        _step(
            official,
            built,
            "township_opinions",
            day + timedelta(days=14),
            agriculture_opinion="符合一户一宅。",
            resources_opinion="符合国土空间规划，不占永久基本农田。",
        )
        _step(official, built, "approve", day + timedelta(days=16), decision_ref="镇宅批〔2026〕07号")
        _step(
            official,
            built,
            "start_check",
            day + timedelta(days=20),
            findings="现场放线，四至清楚。",
            attachments=[_photo("放线.jpg")],
        )
        _step(
            official,
            built,
            "completion_check",
            day + timedelta(days=100),
            findings="按批准面积建设，验收合格。",
            attachments=[_photo("竣工.jpg")],
        )

        approved = homestead(others[6], today - timedelta(days=30), "旧房为危房，拆旧建新。", "110")
        day = today - timedelta(days=29)
        decide(cadre, approved, "group_meeting", day=day, body="group", members=30, present=22, votes_for=21)
        _step(
            cadre,
            approved,
            "village_review",
            day + timedelta(days=1),
            opinion="拆旧建新，符合规划。",
            publicity_until=(day + timedelta(days=8)).isoformat(),
        )
        _step(cadre, approved, "submit_review", day + timedelta(days=10))
        _step(
            official,
            approved,
            "township_opinions",
            day + timedelta(days=12),
            agriculture_opinion="同意。",
            resources_opinion="同意。",
        )
        _step(official, approved, "approve", day + timedelta(days=14), decision_ref="镇宅批〔2026〕15号")

    # 集体资产处置: a pond leased out and published; a warehouse lease resolved and posted
    pond = services.case_apply(
        actor=cadre,
        power=power["asset-disposal"],
        village=village,
        title="村集体鱼塘（12 亩）对外出租",
        reason="鱼塘闲置两年，拟公开出租 5 年，增加集体收入。",
        asset_deal="lease",
        reserve_price="18000",
        meeting_ref="两委会议 2026 年第 8 次",
        meeting_date=today - timedelta(days=60),
        attachments=[_pdf("资产处置方案.pdf")],
        now=_at(today - timedelta(days=60), 9),
    )
    written.append(pond)
    day = today - timedelta(days=50)
    decide(cadre, pond, "resolve", day=day, body="representatives", members=27, present=22, votes_for=20)
    _step(cadre, pond, "publicize", day + timedelta(days=1), publicity_until=(day + timedelta(days=8)).isoformat())
    _step(
        cadre,
        pond,
        "trade",
        day + timedelta(days=12),
        appraisal="县产权交易中心评估年租金 18000 元。",
        bidders=3,
        winner="某水产养殖专业合作社",
        winning_price="21500",
    )
    _step(cadre, pond, "sign", day + timedelta(days=15), contract_ref="ZL-2026-003", attachments=[_pdf("租赁合同.pdf")])
    _step(cadre, pond, "publish_result", day + timedelta(days=16))

    store = services.case_apply(
        actor=cadre,
        power=power["asset-disposal"],
        village=village,
        title="原村小学闲置校舍出租",
        reason="校舍闲置，拟出租用于农产品仓储。",
        asset_deal="lease",
        reserve_price="9600",
        meeting_ref="两委会议 2026 年第 11 次",
        meeting_date=today - timedelta(days=10),
        attachments=[_pdf("资产处置方案.pdf")],
        now=_at(today - timedelta(days=10), 9),
    )
    written.append(store)
    decide(
        cadre,
        store,
        "resolve",
        day=today - timedelta(days=5),
        body="representatives",
        members=27,
        present=20,
        votes_for=18,
    )
    _step(cadre, store, "publicize", today - timedelta(days=2), publicity_until=(today + timedelta(days=5)).isoformat())

    # the general procedure: a certificate issued
    if own is not None:
        cert = services.case_apply(
            actor=villager,
            power=power["seal-certificate"],
            household=own,
            reason="子女上学需要出具家庭居住证明。",
            attachments=[_photo("身份证.jpg")],
            now=_at(today - timedelta(days=8), 9),
        )
        written.append(cert)
        _step(cadre, cert, "handle", today - timedelta(days=7), outcome="已出具居住证明")
        _step(cadre, cert, "publish_result", today - timedelta(days=7), hour=11)
    return len(written)
