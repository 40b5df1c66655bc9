"""Demo village ledger for the first demo village: the county's default categories and chain, a township chain for
the first township, post holders, four months of income and paid expenses, expenses in every state, and last
month's disclosure generated from the ledger, checked by the reviewer (民主理财小组) and published.

Everything is written through the services at the moments it would have happened. Two accounts are added for the
chain: ``clerk`` (村文书) and ``township_head`` (镇主要领导); the cadre holds both 村支书 and 村文书 (one person may
hold two posts, never sign two steps of one expense).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts import services as account_services
from accounts.models import User
from core.roles import Role
from finance import services
from finance.models import Category, LedgerEntry, Post
from regions.models import Region, RegionLevel
from transparency import services as transparency_services

PASSWORD = "Demo@2026"


def _at(day: date, hour: int = 10):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _account(username: str, name: str, role: str, region: Region) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = account_services.user_create(
            actor=None, username=username, password=PASSWORD, display_name=name, is_system=True
        )
    if not user.assignments.filter(role=role, region=region).exists():
        account_services.role_assign(actor=None, user=user, role=role, region=region, is_system=True)
    return User.objects.get(pk=user.pk)


def _month(today: date, back: int) -> tuple[int, int]:
    index = today.year * 12 + today.month - 1 - back
    return index // 12, index % 12 + 1


def seed(county: Region) -> str:
    township = Region.objects.filter(level=RegionLevel.TOWNSHIP, county=county).order_by("code").first()
    village = Region.objects.filter(level=RegionLevel.VILLAGE, township=township).order_by("code").first()
    if village is None or LedgerEntry.objects.filter(village=village).exists():
        return ""
    users = {u.username: u for u in User.objects.filter(username__in=["cadre", "supervisor", "township", "reviewer"])}
    if len(users) < 4:
        return ""
    with transaction.atomic():
        return _seed(county, township, village, users)


def _seed(county, township, village, users) -> str:
    cadre, supervisor, official, reviewer = (users[k] for k in ("cadre", "supervisor", "township", "reviewer"))
    clerk = _account("clerk", "村文书", Role.VILLAGE_CADRE, village)
    head = _account("township_head", "镇长", Role.TOWNSHIP_OFFICIAL, township)
    services.county_set_up(county)
    services.chain_save(
        actor=official,
        region=township,
        bands=[
            {"max_amount": "2000.00", "posts": [Post.CLERK, Post.SECRETARY, Post.SUPERVISORY]},
            {"max_amount": "20000.00", "posts": [Post.CLERK, Post.SECRETARY, Post.SUPERVISORY, Post.LIAISON]},
            {
                "max_amount": None,
                "posts": [Post.CLERK, Post.SECRETARY, Post.SUPERVISORY, Post.LIAISON, Post.TOWNSHIP_HEAD],
                "needs_deliberation": True,
            },
        ],
    )
    for post, user in (
        (Post.CLERK, clerk),
        (Post.CLERK, cadre),
        (Post.SECRETARY, cadre),
        (Post.SUPERVISORY, supervisor),
        (Post.LIAISON, official),
        (Post.AGRI_STATION, official),
        (Post.TOWNSHIP_HEAD, head),
    ):
        services.post_assign(actor=official, village=village, post=post, user=user)
    signer = {Post.CLERK: clerk, Post.SECRETARY: cadre, Post.SUPERVISORY: supervisor, Post.LIAISON: official}
    signer[Post.TOWNSHIP_HEAD] = head

    def cat(code):
        return Category.objects.get(county=county, code=code)

    today = timezone.localdate()
    first_month = _month(today, 3)

    def day(back: int, d: int) -> date:
        year, month = _month(today, back)
        return min(date(year, month, d), today)

    def income(back, d, code, amount, who, summary, method="bank_transfer", reference="", person=False):
        services.entry_record_income(
            actor=cadre,
            village=village,
            category=cat(code),
            amount=amount,
            counterparty=who,
            counterparty_is_person=person,
            summary=summary,
            method=method,
            reference=reference,
            date=day(back, d),
        )

    def expense(back, d, code, title, payee, lines, *, person=False, ref="", sign=99, pay=True):
        submitted = _at(day(back, d), 9)
        amount = sum((Decimal(a) for _t, a in lines), Decimal("0.00"))
        e = services.expense_submit(
            actor=cadre,
            village=village,
            title=title,
            category=cat(code),
            payee=payee,
            payee_is_person=person,
            amount=str(amount),
            deliberation_ref=ref,
            lines=[{"description": t, "amount": a} for t, a in lines],
            now=submitted,
        )
        for n, post in enumerate(e.chain[:sign]):
            services.expense_sign(actor=signer[post], expense=e, now=submitted + timedelta(hours=n + 1))
        if pay and e.state == "approved":
            services.expense_pay(
                actor=cadre,
                expense=e,
                reference=f"YH{day(back, d):%Y%m%d}{e.pk:04d}",
                date=day(back, min(d + 2, 28)),
                now=submitted + timedelta(days=2),
            )
        return e

    # the money the village holds when the platform's books start (the first month's grant for public works)
    income(3, 1, "50401", "30000.00", "米易县财政局", "村级公益事业建设补助资金", reference="CZ30101")
    # three full months and this one
    for back in (3, 2, 1, 0):
        income(back, 3, "50401", "18000.00", "米易县财政局", "村级组织运转经费（转移支付）", reference=f"CZ{back}0301")
        income(back, 5, "50201", "6400.00", "安宁河种养专业合作社", "集体土地发包费", reference=f"FB{back}0502")
        expense(
            back,
            6,
            "60201",
            "村干部基本报酬",
            "村两委成员（5人）",
            [("支书报酬", "3200.00"), ("其他成员报酬", "9600.00")],
        )
        expense(back, 8, "60202", "办公用品及打印", "米易县文印店", [("打印纸", "260.00"), ("墨盒", "380.50")])
    income(2, 12, "50202", "2400.00", "村集体门面承租户", "门面租金（第三季度）", method="cash", person=False)
    income(1, 10, "50402", "12600.00", "米易县农业农村局", "耕地地力保护补贴（到户资金）", reference="NY20261010")
    expense(
        1,
        12,
        "60302",
        "耕地地力保护补贴兑付到户",
        f"{village.name}农户（42户）",
        [("一组 15户", "4500.00"), ("二组 14户", "4200.00"), ("三组 13户", "3900.00")],
    )
    big = expense(
        2,
        15,
        "60301",
        "村道边沟清淤及护栏维修",
        "米易县顺达建筑劳务有限公司",
        [("边沟清淤 1.2公里", "16800.00"), ("波形护栏 60米", "9600.00")],
        ref="2026年第3次村民代表会议决议",
    )
    # a mistake corrected by a reversing entry (the rent recorded twice)
    twice = services.entry_record_income(
        actor=cadre,
        village=village,
        category=cat("50202"),
        amount="2400.00",
        counterparty="村集体门面承租户",
        summary="门面租金（第三季度）",
        method="cash",
        date=day(2, 13),
    )
    services.entry_reverse(actor=cadre, entry=twice, reason="重复记账，冲销", date=day(2, 20))
    # expenses in the other states, this month
    expense(0, 9, "60203", "村委会电费", "国网米易县供电公司", [("10月电费", "412.60")], sign=1, pay=False)
    expense(0, 10, "60301", "文化广场路灯更换", "米易县光明电器经营部", [("LED路灯 8盏", "5200.00")], sign=3, pay=False)
    approved = expense(0, 11, "60202", "档案柜购置", "米易县办公家具店", [("档案柜 2组", "1860.00")], pay=False)
    returned = expense(0, 12, "604", "慰问品采购", "米易县惠民超市", [("慰问品", "980.00")], sign=0, pay=False)
    services.expense_decide(
        actor=clerk, expense=returned, step="return", reason="缺少慰问对象名单,请补充后再报", now=_at(day(0, 12), 15)
    )
    rejected = expense(0, 13, "602", "外出考察费用", "米易县旅行社", [("考察交通及食宿", "3600.00")], sign=1, pay=False)
    services.expense_decide(
        actor=cadre,
        expense=rejected,
        step="reject",
        reason="未经两委商议,不符合村级非生产性开支规定",
        now=_at(day(0, 13), 16),
    )
    withdrawn = expense(0, 14, "60202", "报刊征订", "米易县邮政分公司", [("2027年报刊", "720.00")], sign=0, pay=False)
    services.expense_withdraw(actor=cadre, expense=withdrawn, reason="已由镇统一征订", now=_at(day(0, 14), 11))
    # last month's disclosure, generated, checked by the 民主理财小组 and published
    year, month = _month(today, 1)
    row = services.disclosure_generate(actor=cadre, village=village, year=year, month=month)
    notice = row.notice
    transparency_services.notice_step(actor=cadre, notice=notice, step="submit")
    transparency_services.notice_step(actor=reviewer, notice=notice, step="check")
    transparency_services.notice_step(
        actor=cadre,
        notice=notice,
        step="publish",
        data={"posted_from": today, "posted_until": today + timedelta(days=10)},
    )
    entries = LedgerEntry.objects.filter(village=village).count()
    del approved, big, first_month
    return (
        f"Finance: {entries} ledger entries in {village.name} (村级财务), expenses in every state, the chain's posts "
        f"held (new accounts clerk 村文书 and township_head 镇主要领导), {year}-{month:02d} disclosure published."
    )
