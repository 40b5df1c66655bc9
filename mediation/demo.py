"""Demo data of mediation: the county's bodies (a committee in every village, a centre in every township, the
third-party centre with its full-time mediators and expert bank, a medical committee), and disputes of the first
township in every state of the eight steps. Idempotent: nothing is added when the county has disputes."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from mediation import services
from mediation.models import Body, BodyKind, DisputeKind, Title
from regions.models import Region, RegionLevel


def _at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _bodies(county, admin) -> dict:
    made = {}
    for township in Region.objects.filter(county=county, level=RegionLevel.TOWNSHIP).order_by("code"):
        made[township.pk] = services.body_create(
            actor=admin,
            region=township,
            kind=BodyKind.TOWNSHIP,
            name=f"{township.name}矛盾纠纷多元化解中心",
            address=f"{township.name}综治中心",
            phone="0812-8100000",
        )
        for village in Region.objects.filter(township=township, level=RegionLevel.VILLAGE).order_by("code"):
            made[village.pk] = services.body_create(
                actor=admin, region=village, kind=BodyKind.VILLAGE, name=f"{village.name}人民调解委员会"
            )
    made["third"] = services.body_create(
        actor=admin,
        region=county,
        kind=BodyKind.THIRD_PARTY,
        name=f"{county.name}矛盾纠纷第三方调解中心",
        address="县法院诉讼服务中心一楼",
        phone="0812-8199000",
    )
    made["medical"] = services.body_create(
        actor=admin,
        region=county,
        kind=BodyKind.COUNTY,
        name=f"{county.name}医疗纠纷人民调解委员会",
        field=DisputeKind.MEDICAL,
    )
    return made


def _pool(admin, bodies, township, village) -> dict:
    add = services.mediator_add
    m = {
        "lead": add(
            actor=admin,
            body=bodies[township.pk],
            name="调解员",
            title=Title.DIRECTOR,
            username="mediator",
            expertise="土地、宅基地、婚姻家庭",
            profile="原镇司法所所长，从事调解工作15年",
        ),
        "cadre": add(actor=admin, body=bodies[village.pk], name="村支书", title=Title.DIRECTOR, username="cadre"),
        "full_time": add(
            actor=admin,
            body=bodies[township.pk],
            name="罗凤",
            title=Title.FULL_TIME,
            expertise="邻里、劳动争议",
            profile="专职人民调解员",
        ),
        "member": add(
            actor=admin,
            body=bodies[village.pk],
            name="周德明",
            title=Title.MEMBER,
            expertise="邻里",
            profile="老党员、村民小组长",
        ),
    }
    for name, expertise, profile in (
        ("何建华", "劳动争议、欠薪", "退休法官"),
        ("杨丽", "婚姻家庭", "律师"),
        ("陈立", "交通事故、损害赔偿", "退休交警"),
    ):
        add(actor=admin, body=bodies["third"], name=name, title=Title.FULL_TIME, expertise=expertise, profile=profile)
    for name, expertise, profile in (
        ("刘医生", "医疗", "县人民医院副主任医师"),
        ("孙工", "土地、宅基地", "自然资源局退休工程师"),
        ("赵会计", "损害赔偿", "注册会计师"),
    ):
        add(actor=admin, body=bodies["third"], name=name, title=Title.EXPERT, expertise=expertise, profile=profile)
    return m


def _rates(county, admin) -> None:
    """A subsidy table as counties publish them (以案定补): by difficulty, with medical disputes paid apart."""
    for kind, difficulty, amount in (
        ("", "simple", "100"),
        ("", "ordinary", "200"),
        ("", "complex", "500"),
        ("", "major", "1000"),
        (DisputeKind.MEDICAL, "ordinary", "600"),
        (DisputeKind.MEDICAL, "complex", "1200"),
    ):
        services.subsidy_rate_set(actor=admin, county=county, kind=kind, difficulty=difficulty, amount=amount)


def seed(county: Region) -> str:
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["county_admin", "mediator", "cadre", "gridworker", "villager"])
    }
    if len(users) < 5 or Body.objects.filter(county=county).exists():
        return ""
    township = Region.objects.filter(county=county, level=RegionLevel.TOWNSHIP).order_by("code").first()
    village = Region.objects.filter(township=township, level=RegionLevel.VILLAGE).order_by("code").first()
    with transaction.atomic():
        bodies = _bodies(county, users["county_admin"])
        pool = _pool(users["county_admin"], bodies, township, village)
        _rates(county, users["county_admin"])
        count = _disputes(village, bodies, pool, users)
    return f"mediation: {Body.objects.filter(county=county).count()} bodies and {count} disputes in {village.name}"


def _disputes(village, bodies, pool, users) -> int:
    today = timezone.localdate()
    centre, committee = bodies[village.township_id], bodies[village.pk]
    lead, cadre = users["mediator"], users["cadre"]

    def new(title, kind, facts, days_ago, *, by=None, body=centre, parties=None, **extra):
        return services.dispute_record(
            actor=by or users["gridworker"],
            village=village,
            title=title,
            kind=kind,
            facts=facts,
            received_on=today - timedelta(days=days_ago),
            body=body,
            now=_at(today - timedelta(days=days_ago), 9),
            parties=parties
            or [
                {"role": "applicant", "name": "王建国", "phone": "13800000001"},
                {"role": "respondent", "name": "李秀英"},
            ],
            **extra,
        )

    def go(actor, case, name, days_ago, hour=10, **data):
        services.dispute_step(
            actor=actor, case=case, step=name, data=data, now=_at(today - timedelta(days=days_ago), hour)
        )
        case.refresh_from_db()

    def to_mediating(case, days_ago, who=lead):
        go(who, case, "accept", days_ago)
        go(who, case, "assign", days_ago, 11, lead=str(pool["full_time"].pk if who == lead else pool["member"].pk))
        go(who, case, "investigate", days_ago - 1, findings="走访双方及周边群众，查看现场，核实基本事实。")
        go(
            who,
            case,
            "inform",
            days_ago - 2,
            hearing="public",
            informed="当面告知双方调解自愿、不收费，享有的权利和应尽的义务，双方选择公开调解。",
        )

    def agree(case, days_ago, who=lead, terms="", perform_by=None):
        day = (today - timedelta(days=days_ago)).isoformat()
        go(
            who,
            case,
            "session",
            days_ago,
            held_on=day,
            place="镇调解室",
            attendees="双方当事人、调解员",
            minutes="双方陈述意见，调解员释法明理，双方达成一致。",
        )
        go(
            who,
            case,
            "draft",
            days_ago,
            15,
            form="written",
            agreed_facts=case.facts,
            terms=terms or "被申请人于协议生效后10日内一次性赔偿申请人损失3000元，申请人放弃其他请求。",
            perform_by=(perform_by or today + timedelta(days=10)).isoformat(),
        )
        for p in case.parties.all():
            go(who, case, "sign", days_ago, 16, party=str(p.pk), signed_on=day)
        go(who, case, "seal", days_ago, 17, sealed_on=day)

    made = [new("张家与刘家宅基地界址纠纷", DisputeKind.HOMESTEAD, "两家因新建围墙越界约0.5米发生争执，多次口角。", 1)]
    waiting = new(
        "欠薪纠纷：某建筑队拖欠6名村民工资",
        DisputeKind.LABOUR,
        "6名村民在某建筑队务工，工资共计4.8万元拖欠半年未付。",
        3,
        amount="48000",
        source="walk_in",
    )
    go(lead, waiting, "accept", 2)
    made.append(waiting)
    investigating = new("邻里排水纠纷", DisputeKind.NEIGHBOURS, "上下两户因屋后排水沟改道发生争执。", 6)
    go(lead, investigating, "accept", 5)
    go(lead, investigating, "assign", 5, lead=str(pool["full_time"].pk))
    made.append(investigating)
    mediating = new(
        "承包地流转费用纠纷",
        DisputeKind.LAND,
        "流转合同到期后租金标准未能谈拢，一方拒绝交还土地。",
        12,
        amount="12000",
        claims="按原标准续租三年。",
    )
    to_mediating(mediating, 11)
    go(
        lead,
        mediating,
        "session",
        6,
        held_on=(today - timedelta(days=6)).isoformat(),
        place="村委会会议室",
        attendees="双方当事人、村民小组长",
        minutes="双方分歧在于租金标准，约定下周再议。",
    )
    go(lead, mediating, "raise_risk", 5, risk="high", risk_reason="一方扬言阻工，涉及十余户村民。")
    made.append(mediating)
    signing = new(
        "交通事故赔偿纠纷",
        DisputeKind.TRAFFIC,
        "两车在村道相撞，一人轻伤，责任已由交警认定。",
        9,
        source="entrusted",
        referral_body="县公安局交警大队",
        referral_number="米公交调〔2026〕57号",
        amount="8600",
    )
    to_mediating(signing, 8)
    day = (today - timedelta(days=2)).isoformat()
    go(
        lead,
        signing,
        "session",
        2,
        held_on=day,
        place="交警大队调解室",
        attendees="双方及保险公司",
        minutes="达成赔偿意向。",
    )
    go(
        lead,
        signing,
        "draft",
        1,
        form="written",
        agreed_facts="交警认定甲方负主要责任。",
        terms="甲方于2个月内赔偿乙方医疗费、误工费共计8600元。",
        perform_by=(today + timedelta(days=60)).isoformat(),
    )
    made.append(signing)
    effective = new(
        "婚姻家庭纠纷：赡养费",
        DisputeKind.FAMILY,
        "三子女对母亲赡养费分担意见不一。",
        25,
        parties=[
            {"role": "applicant", "name": "周桂芳"},
            {"role": "respondent", "name": "周大明"},
            {"role": "respondent", "name": "周二明"},
        ],
    )
    to_mediating(effective, 24)
    agree(
        effective,
        20,
        terms="周大明、周二明每人每月各给付母亲周桂芳赡养费500元，于每月5日前支付。",
        perform_by=today + timedelta(days=3),
    )
    made.append(effective)
    archived = new("相邻通行纠纷", DisputeKind.NEIGHBOURS, "一户在通行道路上堆放柴草，影响邻居通行。", 40)
    to_mediating(archived, 39)
    agree(archived, 36, terms="被申请人于3日内清除堆放的柴草，保持道路通畅。", perform_by=today - timedelta(days=33))
    go(lead, archived, "confirmation", 30, confirmation="not_applied", on=(today - timedelta(days=30)).isoformat())
    go(lead, archived, "follow_up", 30, performance="full", visited_on=(today - timedelta(days=30)).isoformat())
    go(lead, archived, "archive", 29, difficulty="ordinary", file_number=f"{today.year}-调-001")
    made.append(archived)
    failed = new("山林界址纠纷", DisputeKind.LAND, "两组村民对山林界址认识不一，各执一词。", 30)
    to_mediating(failed, 29)
    go(lead, failed, "fail", 20, reason="双方对林权证记载各执一词，无法达成一致。", advice="administrative")
    made.append(failed)
    # the villager's own application, at the village's committee
    own = new(
        "我家果园被邻居鸡鸭啄食",
        DisputeKind.NEIGHBOURS,
        "邻居散养的鸡鸭多次进入我家果园，损失约500元。",
        2,
        by=users["villager"],
        body=committee,
        amount="500",
        parties=[
            {"role": "applicant", "name": users["villager"].display_name or "村民"},
            {"role": "respondent", "name": "赵卫东"},
        ],
    )
    go(cadre, own, "accept", 1)
    made.append(own)
    return len(made)
