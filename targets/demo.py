"""Demo target lists for the year: issued in mid-January to the first township, its first village and the demo
department, with quarterly progress reported, some tasks done (one late), some overdue, some still ahead."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from regions.models import Region, RegionLevel
from targets import services
from targets.models import Target, TargetList

TOWNSHIP_TASKS = [
    ("推进村级组织规范化建设，完成村务监督委员会换届", 3, "党建办", "全部村完成换届并备案"),
    ("建成乡镇矛盾纠纷调处化解中心", 6, "综治中心", "中心挂牌运行，纠纷化解率不低于96%"),
    ("全面推行积分制管理，覆盖全部行政村", 9, "农业服务中心", "各村积分细则经村民会议通过"),
    ("开展移风易俗专项整治，村村建立红白理事会", 10, "民政办", "一约四会全覆盖"),
    ("完成人居环境整治“七个好”季度评比并通报", 12, "妇联", "四个季度评比和通报均完成"),
]
VILLAGE_TASKS = [
    ("修订村规民约并经村民会议表决通过", 4, "村支书", "村民会议决议和备案回执"),
    ("完成村级活动场所改造", 8, "村主任", "通过乡镇验收"),
    ("建立邻里互助会并募集互助资金", 9, "村妇联主席", "互助专款账户和资金公示"),
    ("每季度开展“七个好”入户评比", 12, "网格员", "四次评比结果公示"),
]
DEPARTMENT_TASKS = [
    ("完成特困人员、低保对象年度核查", 6, "社会救助股", "核查台账和公示"),
    ("指导各村规范红白理事会运行", 11, "基层政权股", "各村红白事办理标准纳入村规民约"),
]


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _report(actor, item, quarter: int, percent: int, text: str, day: date):
    services.target_step(
        actor=actor,
        case=Target.objects.get(pk=item.pk),
        step="report",
        data={"quarter": quarter, "percent": percent, "progress": text},
        now=_at(day, 16),
    )


def _photo():
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (480, 320), (245, 245, 240))
    ImageDraw.Draw(picture).rectangle((20, 20, 460, 300), outline=(180, 30, 30), width=6)
    out = BytesIO()
    picture.save(out, "JPEG", quality=80)
    return SimpleUploadedFile("佐证照片.jpg", out.getvalue(), content_type="image/jpeg")


def _done(actor, item, text: str, day: date):
    services.target_step(
        actor=actor,
        case=Target.objects.get(pk=item.pk),
        step="complete",
        data={"result": text},
        attachments=[_photo()],
        now=_at(day, 17),
    )


def seed(county: Region) -> str:
    from incidents.models import Department

    users = {
        u.username: u for u in User.objects.filter(username__in=["county_admin", "township", "cadre", "department"])
    }
    if "county_admin" not in users or TargetList.objects.filter(county=county).exists():
        return ""
    today = timezone.localdate()
    year = today.year
    issued = _at(date(year, 1, 15), 9)
    township = Region.objects.filter(county=county, level=RegionLevel.TOWNSHIP).order_by("code").first()
    village = Region.objects.filter(township=township, level=RegionLevel.VILLAGE).order_by("code").first()
    department = Department.objects.filter(county=county, members__username="department").first()
    lists = []
    with transaction.atomic():
        for kind, unit, tasks, reporter in (
            ("township", township, TOWNSHIP_TASKS, users.get("township")),
            ("village", village, VILLAGE_TASKS, users.get("cadre")),
            ("department", department, DEPARTMENT_TASKS, users.get("department")),
        ):
            if unit is None or reporter is None:
                continue
            made = services.list_issue(
                actor=users["county_admin"],
                county=county,
                year=year,
                unit_kind=kind,
                unit=unit.pk,
                now=issued,
                items=[
                    {"text": t, "due_date": date(year, month, 28).isoformat(), "owner": o, "measure": m}
                    for t, month, o, m in tasks
                ],
            )
            lists.append(made)
            for n, item in enumerate(made.items.order_by("order")):
                due = item.due_date
                for quarter in range(1, 5):
                    end = date(year, quarter * 3, 25)
                    if end >= today or end >= due:
                        break
                    _report(reporter, item, quarter, min(90, 30 * quarter), "按计划推进，已完成阶段性工作。", end)
                if due < today and n % 3 != 2:  # most tasks due by now are done, one in three is still overdue
                    late = min(today - timedelta(days=1), due + timedelta(days=10))
                    _done(reporter, item, "已按要求完成，佐证材料已上传。", due if n % 4 else late)
    return f"targets: {len(lists)} lists for {year}"
