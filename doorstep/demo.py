"""Demo data of services on the doorstep: the default catalogue, the service points, the demo grid worker as the
first village's agent (代办员), and requests of that village in every state: waiting, being handled, handed
upstream, done and waiting for a rating, redone after 不满意, waiting for the monthly revisit, closed, a certificate
issued. Idempotent: nothing is added when the county has requests."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from doorstep import defaults, places, services
from doorstep.models import Agent, AgentKind, Category, Consent, Item, Level, Rating, ServiceRequest
from regions.models import Region, RegionLevel
from registry.models import Person


def _at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _item(county, *, category=None, level=Level.VILLAGE, agent_may=True, certificate=None):
    rows = Item.objects.filter(county=county, retired_on__isnull=True, current__level=level).select_related("current")
    if certificate:
        rows = rows.filter(certificate__code=certificate)
    else:
        rows = rows.filter(certificate__isnull=True, current__agent_may=agent_may, current__online=True)
    if category:
        rows = rows.filter(current__category=category)
    return rows.order_by("order", "code").first()


@transaction.atomic
def seed(county: Region) -> str:
    if ServiceRequest.objects.filter(county=county).exists():
        return ""
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["county_admin", "township", "cadre", "gridworker", "villager"])
    }
    admin = users.get("county_admin")
    # the catalogue in force since the start of last year, so the demo's past requests fall inside it
    defaults.install(county, actor=admin, today=timezone.localdate().replace(month=1, day=1) - timedelta(days=365))
    places.generate_points(county)
    township = Region.objects.filter(county=county, level=RegionLevel.TOWNSHIP).order_by("code").first()
    village = Region.objects.filter(township=township, level=RegionLevel.VILLAGE).order_by("code").first()
    grid = users["gridworker"]
    agent, _created = Agent.objects.get_or_create(
        county=county,
        user=grid,
        defaults={
            "township": township,
            "name": grid.display_name or "网格员",
            "kind": AgentKind.GRID_WORKER,
            "phone": "13800008001",
        },
    )
    agent.villages.add(village)
    cadre, villager = users["cadre"], users["villager"]
    household = villager.assignments.filter(household__isnull=False).first().household
    head = Person.objects.filter(household=household, is_deceased=False).order_by("id").first()
    neighbours = list(
        Person.objects.filter(village=village, is_deceased=False).exclude(household=household).order_by("id")[:6]
    )
    today = timezone.localdate()
    pension = _item(county, category=Category.SOCIAL_INSURANCE) or _item(county)
    medical = _item(county, category=Category.MEDICAL_INSURANCE) or pension
    township_item = _item(county, level=Level.TOWNSHIP) or pension
    residence = _item(county, certificate="residence")

    def make(by, item, person, days_ago, **kw):
        now = _at(today - timedelta(days=days_ago))
        return services.request_make(
            actor=by,
            item=item,
            household=person.household,
            person=person,
            now=now,
            materials={"provided": list(item.current.materials)},
            **kw,
        )

    def go(by, case, step, days_ago, hour=15, **data):
        case.refresh_from_db()
        services.request_step(
            actor=by, case=case, step=step, data=data, now=_at(today - timedelta(days=days_ago), hour)
        )
        return case

    made = []
    # the villager's own requests on the phone: waiting, being handled, done and to be rated
    made.append(make(villager, medical, head, 0))
    handling = make(villager, pension, head, 2)
    go(grid, handling, "take", 2)
    made.append(handling)
    to_rate = make(villager, pension, head, 6)
    go(grid, to_rate, "take", 6)
    go(grid, to_rate, "complete", 3, result="已在县人社局系统完成待遇资格认证，本年度养老金正常发放。")
    made.append(to_rate)
    # redone after 不满意, then satisfied; revisited and closed
    redone = make(villager, medical, head, 30)
    go(grid, redone, "take", 30)
    go(grid, redone, "complete", 28, result="已提交参保信息。")
    go(villager, redone, "rate", 27, rating=Rating.UNSATISFIED, reason="缴费凭证没有给我。")
    go(grid, redone, "complete", 26, result="已补打缴费凭证并送到家中。")
    go(villager, redone, "rate", 26, hour=18, rating=Rating.SATISFIED)
    go(cadre, redone, "revisit", 20, how="phone", satisfaction=Rating.SATISFIED)
    made.append(redone)
    if residence is not None:  # a certificate generated from the registry, waiting for the month's revisit
        cert = make(villager, residence, head, 9, purpose="子女入学")
        go(cadre, cert, "take", 9)
        go(cadre, cert, "complete", 9, hour=16, result="已出具居住证明，请到村便民服务室领取盖章原件。")
        go(villager, cert, "rate", 8, rating=Rating.SATISFIED)
        made.append(cert)
    # the agent files for elderly neighbours (their consent noted) and takes the requests at once
    for n, person in enumerate(neighbours[:4]):
        case = make(grid, pension if n % 2 else medical, person, 3 + n * 4, consent=Consent.IN_PERSON)
        if n % 2:
            go(grid, case, "complete", 1 + n * 4, result="已代为办理完成。")
        made.append(case)
    # at the counter: a township item handed to the office upstream
    if len(neighbours) > 4:
        up = make(cadre, township_item, neighbours[4], 5, consent=Consent.SIGNED)
        go(cadre, up, "take", 5)
        office = township_item.current.upstream_office or "乡镇便民服务中心"
        go(cadre, up, "hand_up", 4, office=office, handed_on=(today - timedelta(days=4)).isoformat())
        made.append(up)
    return f"services on the doorstep: {len(made)} requests"
