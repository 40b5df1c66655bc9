"""Demo weddings and funerals: the first township's villages adopt their limits (the seeds' numbers: ≤ 30 tables,
≤ 200 yuan gifts, ≤ 8 wedding cars, ≤ 10 bearers at ≤ 100 yuan, no troupes), and the first village has a year of
events declared, seen and assessed (a few above the limits), with some waiting for the council now."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from customs import services
from customs.models import Event, LimitSet
from regions.models import Region, RegionLevel
from registry.models import Household

LIMITS = {
    "wedding": {
        "tables": 30,
        "table_cost": 800,
        "gift": 200,
        "cars": 8,
        "performers": 0,
        "days": 1,
        "bride_price": 50000,
    },
    "funeral": {
        "tables": 30,
        "table_cost": 600,
        "gift": 100,
        "bearers": 10,
        "bearer_pay": 100,
        "days": 3,
        "performers": 0,
    },
    "feast": {"tables": 10, "gift": 100, "days": 1},
}
NOTICE = {"wedding": 7, "funeral": 0, "feast": 3}


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _step(actor, event, name, at, **data):
    return services.event_step(actor=actor, case=Event.objects.get(pk=event.pk), step=name, data=data, now=at)


def seed(county: Region) -> str:
    users = {u.username: u for u in User.objects.filter(username__in=["cadre", "gridworker", "villager"])}
    if len(users) < 3 or LimitSet.objects.filter(county=county).exists():
        return ""
    township = Region.objects.filter(county=county, level=RegionLevel.TOWNSHIP).order_by("code").first()
    villages = list(Region.objects.filter(township=township, level=RegionLevel.VILLAGE).order_by("code"))
    if not villages:
        return ""
    rng = random.Random(7)
    today = timezone.localdate()
    cadre, worker = users["cadre"], users["gridworker"]
    with transaction.atomic():
        start = date(today.year - 1, 1, 1)
        for village in villages[:1]:
            services.limits_set(
                actor=cadre,
                village=village,
                values=LIMITS,
                notice_days=NOTICE,
                effective_from=start,
                basis="村规民约第十二条（婚丧嫁娶简办），村民会议通过",
            )
        village = villages[0]
        households = list(Household.objects.filter(village=village, grid__isnull=False).order_by("number")[:60])
        count = 0
        for n, household in enumerate(households[:24]):
            kind = ("wedding", "funeral", "feast")[n % 3]
            held = today - timedelta(days=20 + n * 13)
            plan = {"tables": rng.randint(12, 28) if kind != "feast" else rng.randint(5, 10), "gift": 100, "days": 1}
            if kind == "wedding":
                plan.update(cars=rng.randint(3, 8), bride_price=rng.choice([20000, 30000, 50000]))
            if kind == "funeral":
                plan.update(bearers=rng.randint(8, 10), bearer_pay=100, days=3)
            declared_at = _at(held - timedelta(days=10 if kind != "funeral" else 1))
            event = services.event_declare(
                actor=worker,
                household=household,
                kind=kind,
                host=household.head_name or "户主",
                event_date=held,
                plan=plan,
                budget=rng.randint(30, 90) * 1000,
                place="村九大碗院坝",
                now=declared_at,
            )
            if n % 4 == 1:
                _step(
                    worker,
                    event,
                    "advise",
                    declared_at + timedelta(hours=6),
                    advice="建议宴席控制在20桌以内，不请乐队，礼金不超过100元。",
                )
            else:
                _step(worker, event, "acknowledge", declared_at + timedelta(hours=6))
            over = n % 6 == 5
            tables = plan["tables"] + (8 if over else -rng.randint(0, 4))
            _step(worker, event, "supervise", _at(held, 12), seen_tables=tables, seen="现场按申报方案办理，秩序良好。")
            cost = int(event.budget) - rng.randint(2, 15) * 1000
            _step(
                worker,
                event,
                "assess",
                _at(held + timedelta(days=2)),
                actual_tables=tables,
                actual_gift=100,
                actual_cost=cost,
            )
            count += 1
        # waiting now: a wedding declared by the demo villager's household, a feast to see next week
        mine = Household.objects.filter(assignments__user=users["villager"]).first()
        if mine is not None:
            services.event_declare(
                actor=users["villager"],
                household=mine,
                kind="wedding",
                host=mine.head_name,
                event_date=today + timedelta(days=15),
                plan={"tables": 26, "cars": 6, "gift": 200},
                budget=80000,
                place="自家院坝",
            )
            count += 1
        if not households:
            return f"customs: limits in {village.name}, {count} events"
        neighbour = households[min(30, len(households) - 1)]
        coming = services.event_declare(
            actor=worker,
            household=neighbour,
            kind="feast",
            host=neighbour.head_name or "户主",
            event_date=today + timedelta(days=6),
            plan={"tables": 8},
            budget=12000,
        )
        services.event_step(actor=cadre, case=coming, step="acknowledge")
        count += 1
    return f"customs: limits in {village.name}, {count} events"
