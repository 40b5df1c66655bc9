"""County-scale 三务公开 for benchmarks: for every village of a county made by ``generate_county``, the notices a
village publishes over ``months`` months — the monthly financial disclosure (submitted, checked by the village's
民主理财小组 reviewer, published), the quarterly village and party affairs, now and then a major matter — and
villagers' questions on some of them, answered a few days later. Deterministic for a seed and a moment ``now``.

Everything is written **through the services** (``transparency.services``: drafts, the engine's steps with
their events and audit rows, questions and answers) at the moment it would have happened, one transaction per
village, then ``end_expired_notices`` ends what is past its window. Only the accounts are made in bulk
(``registry.generation.bulk_accounts``): a cadre ``vc<village code>`` (the same account the incident generator
uses), a reviewer ``rv<village code>`` and a villager ``vl<village code>`` of the village's first household.
A village that already has notices is skipped, so a run can be resumed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from core.roles import Role
from regions.models import Region, RegionLevel
from registry.generation import CountyGenerator, bulk_accounts
from registry.models import Household
from transparency import services
from transparency.demo import FINANCE_BODY, _months_back
from transparency.disclosure import month_end
from transparency.models import Notice, Stream

VILLAGE_WORKS = [
    ("工程项目", "村道硬化 {km} 公里，总投资 {amount} 万元，经村民代表会议决议，公开招标确定施工单位，已验收。"),
    ("惠民政策", "本季度办理宅基地申请 {n} 户，新增低保评议 {m} 户（名单另行在村内公示），发放临时救助 {k} 户。"),
    ("集体资产", "集体鱼塘、林地发包 {n} 宗，年租金合计 {amount} 万元，合同已在村委会存档备查。"),
    ("公益事业", "新装路灯 {n} 盏、维修灌溉渠 {km} 公里，投资 {amount} 万元，实行“一事一议”筹资筹劳。"),
]
PARTY_WORKS = [
    "召开支部党员大会 {n} 次、支委会 {m} 次，开展主题党日活动 {k} 次。",
    "确定入党积极分子 {n} 名，发展对象 {m} 名；本季度党费应缴 {amount} 元，已全额上缴镇党委。",
]
MAJORS = [
    ("土地征收补偿", "征收本村集体土地 {n} 亩，补偿标准每亩 {amount} 万元，分配方案经村民会议讨论通过。"),
    ("集体经济项目", "村集体入股光伏发电项目 {amount} 万元，经村民代表会议决议，年收益用于公益事业。"),
]
QUESTIONS = [
    ("这笔钱什么时候发到户？", "公示期满无异议后 15 个工作日内打入各户一卡通。"),
    ("施工单位是怎么定的？", "经村民代表会议决议后公开招标确定，招标文件在村委会可查阅。"),
    ("保洁费为什么比上月多？", "本月增加了两次集中清运，单据已经民主理财小组审核。"),
]


def _at(day: date, hour: int, minute: int = 0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@dataclass
class Generated:
    villages: int = 0
    skipped: int = 0
    notices: int = 0
    questions: int = 0
    ended: int = 0


def ensure_accounts(county: Region, villages: list[Region], *, seed: int) -> dict[int, dict]:
    """The cadre, reviewer and villager of each village (no usable password: they cannot sign in)."""
    names = CountyGenerator(seed=seed, county_name="", county_code=county.code)
    first_household = {}
    for household in (
        Household.objects.filter(village__in=villages)
        .order_by("village_id", "number")
        .only("id", "village_id", "head_name")
    ):
        first_household.setdefault(household.village_id, household)
    wanted = []
    for village in villages:
        person = names.family_name() + names.given_name(names.rng.choice("MF"))
        wanted.append((f"vc{village.code}", person, Role.VILLAGE_CADRE, village.pk, None, None))
        wanted.append((f"rv{village.code}", names.family_name() + "理财", Role.REVIEWER, village.pk, None, None))
        household = first_household.get(village.pk)
        if household is not None:
            wanted.append((f"vl{village.code}", household.head_name, Role.VILLAGER, village.pk, None, household.pk))
    users, _fresh = bulk_accounts(wanted)
    return {
        v.pk: {
            "cadre": users[f"vc{v.code}"],
            "reviewer": users[f"rv{v.code}"],
            "villager": users.get(f"vl{v.code}"),
        }
        for v in villages
    }


class NoticeGenerator:
    def __init__(self, county: Region, *, months: int = 24, seed: int = 1, now: datetime | None = None):
        self.county, self.months, self.seed = county, months, seed
        self.now = now or timezone.now()
        self.today = timezone.localtime(self.now).date()

    def run(self, progress=None) -> Generated:
        villages = list(Region.objects.filter(county=self.county, level=RegionLevel.VILLAGE).order_by("code"))
        staff = ensure_accounts(self.county, villages, seed=self.seed)
        done = set(Notice.objects.filter(county=self.county).values_list("village_id", flat=True).distinct())
        result = Generated()
        for i, village in enumerate(villages, 1):
            if village.pk in done:
                result.skipped += 1
                continue
            rng = random.Random(f"{self.seed}:{village.code}")
            with transaction.atomic():
                self._village(village, staff[village.pk], rng, result)
            result.villages += 1
            if progress is not None and i % 10 == 0:
                progress(i, len(villages), result)
        result.ended = len(services.end_expired_notices(now=self.now))
        return result

    # -- one village ------------------------------------------------------------------------------------------

    def _publish(self, notice, people, on: date, days: int, rng):
        """Publish as the village would: financial notices are checked by the reviewer first."""
        if notice.stream == Stream.FINANCE:
            services.notice_step(actor=people["cadre"], notice=notice, step="submit", now=_at(on, 9))
            services.notice_step(actor=people["reviewer"], notice=notice, step="check", now=_at(on, 9, 40))
        services.notice_step(
            actor=people["cadre"],
            notice=notice,
            step="publish",
            data={"posted_from": on, "posted_until": on + timedelta(days=days)},
            now=_at(on, 10),
        )

    def _ask(self, notice, people, on: date, rng, result):
        villager = people["villager"]
        if villager is None:
            return
        text, answer = rng.choice(QUESTIONS)
        asked_on = on + timedelta(days=rng.randint(0, 3))
        if asked_on > self.today:
            return
        question, _created = services.question_ask(
            actor=villager, notice=notice, text=text, client_key=f"gen-{notice.pk}", now=_at(asked_on, 15)
        )
        result.questions += 1
        answered_on = asked_on + timedelta(days=rng.randint(1, 4))
        if answered_on <= self.today:
            services.question_answer(actor=people["cadre"], question=question, answer=answer, now=_at(answered_on, 11))

    def _notice(self, village, people, rng, result, *, on: date, days: int, ask: bool, **fields):
        notice = services.notice_create(actor=people["cadre"], village=village, now=_at(on, 8), **fields)
        self._publish(notice, people, on, days, rng)
        result.notices += 1
        if ask:
            self._ask(notice, people, on, rng, result)

    def _village(self, village: Region, people: dict, rng: random.Random, result: Generated) -> None:
        balance = round(rng.uniform(20_000, 300_000), 2)
        for n in range(self.months, 0, -1):
            start, end = _months_back(self.today, n)
            on = end + timedelta(days=rng.randint(2, 8))
            if on > self.today:
                continue
            income = round(rng.uniform(5_000, 60_000), 2)
            lease, grant = round(income * 0.4, 2), round(income - round(income * 0.4, 2), 2)
            allowance, cleaning, office = 9_600.00, round(rng.uniform(1_000, 4_000), 2), round(income * 0.05, 2)
            spend = round(allowance + cleaning + office, 2)
            balance = round(balance + income - spend, 2)
            body = FINANCE_BODY.format(
                income=income,
                lease=lease,
                grant=grant,
                spend=spend,
                allowance=allowance,
                cleaning=cleaning,
                office=office,
                balance=balance,
            )
            title = f"{village.name}{start.year}年{start.month}月财务收支公开"
            self._notice(
                village,
                people,
                rng,
                result,
                on=on,
                days=rng.choice((7, 10, 15)),
                ask=rng.random() < 0.12,
                stream=Stream.FINANCE,
                category="收支明细",
                title=title,
                body=body,
                period_start=start,
                period_end=end,
            )
            if start.month % 3 == 0:  # the quarter ends with this month
                q_start = date(start.year, start.month - 2, 1)
                quarter = (start.month - 1) // 3 + 1
                category, text = rng.choice(VILLAGE_WORKS)
                figures = {
                    "km": round(rng.uniform(0.5, 3), 1),
                    "amount": rng.randint(3, 80),
                    "n": rng.randint(1, 12),
                    "m": rng.randint(1, 5),
                    "k": rng.randint(1, 9),
                }
                self._notice(
                    village,
                    people,
                    rng,
                    result,
                    on=on,
                    days=10,
                    ask=rng.random() < 0.2,
                    stream=Stream.VILLAGE,
                    category=category,
                    title=f"{start.year}年第{quarter}季度村务公开：{category}",
                    body=text.format(**figures) + "\n如有疑问，请在公示期内向村委会或村务监督委员会反映。",
                    period_start=q_start,
                    period_end=month_end(start.year, start.month),
                )
                self._notice(
                    village,
                    people,
                    rng,
                    result,
                    on=on,
                    days=10,
                    ask=False,
                    stream=Stream.PARTY,
                    category="组织生活",
                    title=f"{start.year}年第{quarter}季度党务公开",
                    body=rng.choice(PARTY_WORKS).format(**figures),
                    period_start=q_start,
                    period_end=month_end(start.year, start.month),
                )
            if rng.random() < 1 / 6:  # a major matter about twice a year, disclosed at once
                category, text = rng.choice(MAJORS)
                day = start + timedelta(days=rng.randint(0, 20))
                if day <= self.today:
                    self._notice(
                        village,
                        people,
                        rng,
                        result,
                        on=day,
                        days=10,
                        ask=rng.random() < 0.3,
                        stream=Stream.VILLAGE,
                        category=category,
                        title=f"{village.name}{category}公开",
                        body=text.format(n=round(rng.uniform(2, 30), 1), amount=rng.randint(3, 60)),
                        period_start=day,
                        period_end=day,
                        is_major=True,
                    )
