"""Demo visits: the county's frequencies (留守老人 and 留守儿童 every month, 特困 every month, 残疾 every quarter,
社区矫正 every week, since 1 January of last year) and, in the first township, months of visits recorded through the
service by the grid worker and the cadre (each on its day), with some households left overdue."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from regions.models import Region, RegionLevel
from registry.models import Household
from visits import periods, services
from visits.models import Frequency

RULES = [
    ("left_behind_elder", "month", "每月至少入户一次，关注身体和生活起居"),
    ("left_behind_child", "month", "关注学习、安全和监护情况"),
    ("tekun", "month", ""),
    ("disabled", "quarter", "重度残疾人员每季度至少一次"),
    ("community_correction", "week", "配合司法所，每周走访或电话联系"),
]
FINDINGS = [
    "老人身体尚可，生活能自理，子女每周电话联系。",
    "家中整洁，药品充足，提醒注意用电安全。",
    "孩子学习正常，监护人为祖父母，无异常。",
    "反映屋顶漏雨，需协调维修。",
    "电话联系，本人在家，情绪稳定。",
]


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(15)))


def seed(county: Region) -> str:
    from registry.models import Tag

    users = {u.username: u for u in User.objects.filter(username__in=["county_admin", "cadre", "gridworker"])}
    if len(users) < 3 or Frequency.objects.filter(county=county).exists():
        return ""
    today = timezone.localdate()
    since = date(today.year - 1, 1, 1)
    tags = {t.code: t for t in Tag.objects.filter(code__in=[r[0] for r in RULES])}
    township = Region.objects.filter(county=county, level=RegionLevel.TOWNSHIP).order_by("code").first()
    count = 0
    with transaction.atomic():
        for code, period, note in RULES:
            if code in tags:
                services.frequency_set(
                    actor=users["county_admin"], county=county, tag=tags[code], period=period, since=since, note=note
                )
        if township is None:
            return f"visits: {len(tags)} frequencies"
        village = Region.objects.filter(township=township, level=RegionLevel.VILLAGE).order_by("code").first()
        households = list(
            Household.objects.filter(village=village, members__tags__code__in=list(tags), members__is_deceased=False)
            .distinct()
            .order_by("number")[:80]
        )
        worker_grids = set(users["gridworker"].assignments.values_list("grid_id", flat=True))
        for n, household in enumerate(households):
            if n % 4 == 3:
                continue  # left without visits: overdue
            actor = users["gridworker"] if household.grid_id in worker_grids else users["cadre"]
            # a visit in each of the last months, the current one for every other household
            for back in range(3, -1, -1):
                month_start = periods.start("month", today)
                for _ in range(back):
                    month_start = periods.previous_start("month", month_start)
                if back == 0 and n % 2:
                    continue
                day = min(month_start + timedelta(days=(n * 3) % 27), today)
                services.visit_record(
                    actor=actor,
                    household=household,
                    visited_on=day,
                    how="home" if (n + back) % 3 else "phone",
                    found=FINDINGS[(n + back) % len(FINDINGS)],
                    follow_up="incident" if (n + back) % 11 == 3 else "",
                    now=_at(day),
                )
                count += 1
    return f"visits: {len(tags)} frequencies, {count} visits in {village.name}"
