"""Demo 三务公开 for the first demo village: monthly financial notices (checked by the reviewer), quarterly village
and party affairs, a major matter, and villagers' questions (answered, waiting, overdue) — all written through
the services at the dates they would have happened, so the calendar, the board and the supervision page show
what real use would. One month's financial disclosure is left out on purpose: the calendar shows it late."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from core import workflow
from core.errors import DomainError
from regions.models import Region, RegionLevel
from transparency import services
from transparency.disclosure import month_end
from transparency.flows import NOTICE_QUESTION
from transparency.models import Notice, Stream


def _at(day: date, hour: int = 10):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _months_back(today: date, n: int) -> tuple[date, date]:
    year, month = today.year, today.month - n
    while month < 1:
        year, month = year - 1, month + 12
    return date(year, month, 1), month_end(year, month)


def _quarter_back(today: date, n: int) -> tuple[date, date, int, int]:
    index = today.year * 4 + (today.month - 1) // 3 - n
    year, quarter = divmod(index, 4)
    return date(year, 3 * quarter + 1, 1), month_end(year, 3 * quarter + 3), year, quarter + 1


FINANCE_BODY = (
    "一、本月收入：{income:,.2f} 元\n"
    "  1. 集体资产发包收入 {lease:,.2f} 元\n"
    "  2. 上级转移支付 {grant:,.2f} 元\n"
    "二、本月支出：{spend:,.2f} 元\n"
    "  1. 村干部误工补贴 {allowance:,.2f} 元\n"
    "  2. 环境卫生保洁 {cleaning:,.2f} 元\n"
    "  3. 办公及水电 {office:,.2f} 元\n"
    "三、月末结余：{balance:,.2f} 元\n"
    "以上收支凭证已经村民主理财小组审核，原始凭证存村委会备查。"
)


def _publish(notice, *, by, on: date, days: int = 7, reviewer=None):
    if notice.stream == Stream.FINANCE:
        services.notice_step(actor=by, notice=notice, step="submit", now=_at(on, 9))
        services.notice_step(actor=reviewer, notice=notice, step="check", now=_at(on, 9) + timedelta(minutes=30))
    services.notice_step(
        actor=by,
        notice=notice,
        step="publish",
        data={"posted_from": on, "posted_until": on + timedelta(days=days)},
        now=_at(on, 10),
    )


@transaction.atomic
def seed_transparency(county: Region, *, cadre, reviewer, villager) -> int:
    """Create the demo notices once; returns the number of notices written (0 when they exist)."""
    village = Region.objects.filter(level=RegionLevel.VILLAGE, county=county).order_by("code").first()
    if village is None or Notice.objects.filter(village=village).exists():
        return 0
    today = timezone.localdate()
    written = []

    def draft(on: date | None = None, **fields):
        moment = _at(on, 8) if on is not None else None
        notice = services.notice_create(actor=cadre, village=village, now=moment, **fields)
        written.append(notice)
        return notice

    # finances, every month: four and two months ago typed as they were before the village kept its books here,
    # three months ago never published; last month's statement is generated from the ledger (finance.demo): a
    # month has one statement (收支明细), so it is not typed here too
    balance = 86_420.35
    for n, income in ((4, 31_800.00), (2, 12_650.00)):
        start, end = _months_back(today, n)
        lease, grant = round(income * 0.4, 2), round(income * 0.6, 2)
        allowance, cleaning, office = 9_600.00, 2_400.00, round(income * 0.05, 2)
        spend = allowance + cleaning + office
        balance += income - spend
        on = min(end + timedelta(days=5), today)
        notice = draft(
            on=on,
            stream=Stream.FINANCE,
            category="收支明细",
            title=f"{village.name}{start.year}年{start.month}月财务收支公开",
            body=FINANCE_BODY.format(
                income=income,
                lease=lease,
                grant=grant,
                spend=spend,
                allowance=allowance,
                cleaning=cleaning,
                office=office,
                balance=balance,
            ),
            period_start=start,
            period_end=end,
        )
        _publish(notice, by=cadre, on=on, reviewer=reviewer)

    # village and party affairs, last quarter
    start, end, year, quarter = _quarter_back(today, 1)
    on = min(end + timedelta(days=6), today)
    works = draft(
        on=on,
        stream=Stream.VILLAGE,
        category="工程项目",
        title=f"{year}年第{quarter}季度村务公开：村道硬化和路灯安装",
        body=(
            "一、村道硬化：完成 1.2 公里，宽 4.5 米，总投资 36 万元（县交通局补助 30 万元，村集体自筹 6 万元），"
            "经村民代表会议决议，公开招标确定施工单位，已通过镇农经站和县交通局验收。\n"
            "二、路灯安装：新装太阳能路灯 48 盏，投资 7.2 万元。\n"
            "三、本季度办理宅基地申请 3 户、低保新增评议 2 户（名单另行在村内公示）。\n"
            "如有疑问，请在公示期内向村委会或村务监督委员会反映。"
        ),
        period_start=start,
        period_end=end,
    )
    _publish(works, by=cadre, on=on, days=10)
    party = draft(
        on=on,
        stream=Stream.PARTY,
        category="党员发展",
        title=f"{year}年第{quarter}季度党务公开",
        body=(
            "一、组织生活：召开支部党员大会 3 次、支委会 6 次，开展主题党日活动 3 次。\n"
            "二、党员发展：确定入党积极分子 2 名，发展对象 1 名。\n"
            "三、党费收缴：本季度应缴党费 1,236.00 元，实缴 1,236.00 元，已全额上缴镇党委。"
        ),
        period_start=start,
        period_end=end,
    )
    _publish(party, by=cadre, on=on, days=10)

    # a major matter, disclosed at once and on the board now
    major = draft(
        stream=Stream.VILLAGE,
        category="土地征收补偿",
        title="村级公路拓宽项目土地征收补偿方案公开",
        body=(
            "根据县政府批复，村级公路拓宽项目征收本村集体土地 12.6 亩。补偿标准：耕地每亩 4.2 万元，"
            "地上附着物按县定标准另行评估。补偿款分配方案经村民会议讨论通过，分户明细在村委会公开栏张贴。\n"
            "公示期内对方案有异议的，可向村委会或镇政府提出。"
        ),
        period_start=today - timedelta(days=2),
        period_end=today,
        is_major=True,
    )
    _publish(major, by=cadre, on=today, days=10)

    # this month's financial notice: a draft waiting for the reviewer
    start, end = _months_back(today, 0)
    pending = draft(
        stream=Stream.FINANCE,
        category="惠民资金",
        title=f"{start.year}年{start.month}月惠民资金发放公开",
        body="本月发放耕地地力保护补贴 68,412.00 元，涉及 312 户，已通过“一卡通”直接发放到户。",
        period_start=start,
        period_end=today,
    )
    services.notice_step(actor=cadre, notice=pending, step="submit")

    # questions: one answered, one waiting, one not answered in time
    try:
        asked, _created = services.question_ask(
            actor=villager, notice=major, text="补偿款什么时候发放？是打到一卡通上吗？", client_key="demo-1"
        )
        services.question_answer(
            actor=cadre, question=asked, answer="方案公示期满无异议后 15 个工作日内发放，打入各户的惠农一卡通。"
        )
        services.question_ask(actor=villager, notice=major, text="地上的果树怎么补偿？", client_key="demo-2")
        services.question_ask(
            actor=villager,
            notice=works,
            text="路灯晚上几点关？",
            client_key="demo-3",
            now=_at(on, 15),
        )
    except DomainError:  # the demo villager is not in this village: no questions
        pass
    services.end_expired_notices()
    workflow.run_deadlines(NOTICE_QUESTION)  # the question nobody answered is flagged overdue
    return len(written)
