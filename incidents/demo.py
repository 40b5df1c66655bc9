"""Demo grid incidents: the county's catalogue of grid matters, departments and triage rules
(incidents.catalogue_template), the demo account ``department`` as a member of 县民政局, and two dozen cases in
every state of the loop — written through the real services, so their timelines are real.

Each case is a script of steps taken over the last five weeks by the demo accounts (the grid worker, the
villager, the village cadres, the township official, the department, the county official). To give the
timelines real dates, every step is taken with the platform's clock set back to its moment (``_clock``: it
stands in for ``django.utils.timezone.now`` while the service runs, nothing else changes), in the order of
those moments, and between steps the deadline run (``workflow.run_deadlines`` with ``now=``, as the
scheduled ``run_deadlines`` does every few minutes) flags the cases whose deadline passed: some cases are
overdue, some under 督办 with a new date, some resolved and unrated for more than 7 days, most rated.
"""

from __future__ import annotations

import io
import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core import workflow
from incidents import services
from incidents.catalogue_template import install_catalogue
from incidents.flows import INCIDENT
from incidents.models import Department, GridMatter, Incident, Level, Severity
from regions.models import Grid, Region, RegionLevel

DEPARTMENT_OF_THE_DEMO = "MZ"  # 县民政局: the demo account ``department`` works there
CRON = timedelta(minutes=5)


# -- the clock ------------------------------------------------------------------------------------------------


@contextmanager
def _clock(moment: datetime):
    """Run the services as if it were ``moment``: ``timezone.now()`` (and the model defaults that call it)
    answer ``moment``. Single-threaded use only (a management command)."""
    real = timezone.now
    fake = lambda: moment  # noqa: E731
    swapped = []
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if f.default is real:
                f.default = fake
                f.__dict__.pop("_get_default", None)  # a cached_property of Field
                swapped.append(f)
    timezone.now = fake
    try:
        yield
    finally:
        timezone.now = real
        for f in swapped:
            f.default = real
            f.__dict__.pop("_get_default", None)


# -- the scripts ----------------------------------------------------------------------------------------------


@dataclass
class Step:
    at: datetime
    actor: str
    step: str
    data: dict = field(default_factory=dict)
    note: str = ""
    photos: int = 0


@dataclass
class Script:
    key: str
    reporter: str
    matter: str
    description: str
    at: datetime
    place: str = (
        "grid"  # grid: pinned in the grid worker's grid; village: that grid named, no pin; other: cadre2's village
    )
    severity: str = Severity.GENERAL
    photos: int = 1
    steps: list[Step] = field(default_factory=list)


def _scripts(now: datetime, department_ids: dict[str, int]) -> list[Script]:
    today = timezone.localtime(now).date()

    def d(days: int, clock: str) -> datetime:
        """``days`` days ago at ``clock`` (local time)."""
        hour, minute = map(int, clock.split(":"))
        return datetime.combine(
            today - timedelta(days=days), time(hour, minute), tzinfo=timezone.get_default_timezone()
        )

    def due(days: int) -> str:
        return (today + timedelta(days=days)).isoformat()

    jt = department_ids["JT"]
    return [
        # -- the village (小事不出村): the cadre handles, the grid worker or the villager rates --------------------
        Script(
            "litter",
            "gridworker",
            "HJ01",
            "村道边堆放生活垃圾，气味难闻，影响村容村貌。",
            d(34, "09:12"),
            photos=2,
            steps=[
                Step(d(34, "10:05"), "cadre", "accept", note="已接单，安排保洁员清理。"),
                Step(d(33, "16:40"), "cadre", "resolve", note="垃圾已清运完毕，附清理后照片。", photos=1),
                Step(d(33, "19:02"), "gridworker", "close", {"rating": "satisfied"}),
            ],
        ),
        Script(
            "neighbours",
            "villager",
            "MD01",
            "两户因排水沟堵塞发生争吵，需村调委会调解。",
            d(28, "18:30"),
            place="village",
            photos=0,
            steps=[
                Step(d(27, "08:50"), "cadre", "accept", note="已接单。"),
                Step(d(27, "15:00"), "cadre", "progress", note="已约双方明天上午到村委会调解。"),
                Step(
                    d(26, "11:20"), "cadre", "resolve", note="经调解双方达成一致，共同疏通水沟，已签订协议。", photos=1
                ),
                Step(d(25, "20:15"), "villager", "close", {"rating": "basic"}, "基本满意，希望以后定期清理。"),
            ],
        ),
        Script(
            "lamp",
            "gridworker",
            "JS03",
            "村口路灯不亮已一周，晚上出行不便。",
            d(25, "17:45"),
            steps=[
                Step(d(24, "09:10"), "cadre", "accept", note="已联系电工。"),
                Step(d(23, "15:30"), "cadre", "resolve", note="已更换灯泡，路灯恢复照明。", photos=1),
                Step(
                    d(21, "19:40"), "gridworker", "reopen", {"rating": "unsatisfied"}, "路灯又不亮了，可能是线路问题。"
                ),
                Step(d(20, "10:00"), "cadre", "progress", note="电工检查发现线路老化，需更换线路。"),
                Step(d(18, "16:10"), "cadre", "resolve", note="已更换整段线路，连续三晚检查正常。", photos=1),
                Step(d(17, "20:30"), "gridworker", "close", {"rating": "satisfied"}),
            ],
        ),
        Script(
            "errand",
            "villager",
            "MS06",
            "老人腿脚不便，需要代办高龄津贴申领。",
            d(22, "10:30"),
            place="village",
            photos=0,
            steps=[
                Step(d(22, "14:00"), "cadre", "accept", note="已接单，村便民服务站代办。"),
                Step(d(20, "11:00"), "cadre", "resolve", note="材料已提交镇便民服务中心，津贴下月发放。", photos=1),
            ],
        ),
        Script(
            "subsidy",
            "gridworker",
            "ZC01",
            "村民询问耕地地力保护补贴发放情况。",
            d(11, "09:40"),
            photos=0,
            steps=[
                Step(d(11, "10:30"), "cadre", "accept", note="已接单。"),
                Step(d(9, "16:00"), "cadre", "resolve", note="已向村民解释补贴标准和发放时间。", photos=1),
            ],
        ),
        Script(
            "sewage",
            "gridworker",
            "HJ05",
            "农户生活污水直排路边水沟，夏天臭味大。",
            d(13, "15:20"),
            steps=[
                Step(d(13, "16:45"), "cadre", "accept", note="已接单，先上门做工作。"),
                Step(d(11, "10:00"), "cadre", "progress", note="农户同意接入污水管网，等待施工。"),
            ],
        ),
        Script(
            "pond",
            "gridworker",
            "AQ08",
            "村里山坪塘无防护栏、无警示牌，常有儿童玩耍。",
            d(3, "16:10"),
            steps=[
                Step(d(2, "09:00"), "cadre", "accept", note="已接单，先立警示牌。"),
                Step(d(1, "15:30"), "cadre", "progress", note="警示牌已设立，防护栏材料已订购。", photos=1),
            ],
        ),
        Script("rubbish", "villager", "HJ01", "垃圾池已满，三天没有清运。", d(1, "19:50"), place="village"),
        Script(
            "land",
            "villager",
            "MD03",
            "两户对承包地边界有争议，互不相让。",
            d(19, "11:00"),
            place="village",
            photos=0,
            steps=[
                Step(d(19, "15:00"), "cadre", "accept", note="已接单。"),
                Step(d(18, "10:30"), "cadre", "progress", note="村调委会组织调解，双方分歧较大。"),
                Step(d(17, "16:00"), "cadre", "escalate", note="村级调解不成，涉及确权档案，上报镇街协调。"),
                Step(
                    d(16, "09:30"),
                    "township",
                    "dispatch",
                    {"level": Level.TOWNSHIP, "days": 10},
                    "由镇农业服务中心和司法所联合调处。",
                ),
                Step(d(16, "11:00"), "township", "accept", note="已接单。"),
                Step(
                    d(12, "15:00"),
                    "township",
                    "resolve",
                    note="调取确权档案，现场重新测量确界，双方签字认可。",
                    photos=1,
                ),
                Step(d(4, "10:20"), "gridworker", "close", {"rating": "basic"}, "电话回访，代为评价。"),
            ],
        ),
        Script(
            "wall",
            "gridworker",
            "MD04",
            "新建房屋滴水影响邻居，双方多次发生争执。",
            d(6, "16:20"),
            steps=[
                Step(d(6, "17:10"), "cadre", "accept", note="已接单。"),
                Step(d(4, "10:00"), "cadre", "progress", note="组织双方协商，一方坚持要求拆除屋檐。"),
                Step(d(1, "11:30"), "cadre", "escalate", note="涉及建房审批，村级无法解决，上报镇街。"),
            ],
        ),
        # -- serious and urgent: the township (大事不出镇) -----------------------------------------------------
        Script(
            "family",
            "gridworker",
            "MD02",
            "夫妻因赡养老人问题多次争吵，已有肢体冲突苗头。",
            d(16, "20:10"),
            severity=Severity.SERIOUS,
            photos=0,
            steps=[
                Step(d(15, "09:00"), "township", "accept", note="已接单，镇综治中心牵头。"),
                Step(d(13, "14:00"), "township", "progress", note="已上门了解情况，双方情绪较激动。"),
                Step(
                    d(7, "10:00"), "county_official", "supervise", {"due": due(4)}, "超期未办结，请于期限前化解并反馈。"
                ),
                Step(d(6, "16:30"), "township", "progress", note="已联系双方子女共同参与调解。"),
            ],
        ),
        Script(
            "fight",
            "gridworker",
            "MD01",
            "两户因宅基地边界发生推搡，情绪激动。",
            d(30, "18:40"),
            severity=Severity.URGENT,
            photos=1,
            steps=[
                Step(d(30, "19:05"), "township", "accept", note="已通知派出所和司法所到场。"),
                Step(d(29, "17:00"), "township", "resolve", note="现场调解，双方各退一步，已签协议。", photos=1),
                Step(d(29, "20:00"), "gridworker", "close", {"rating": "satisfied"}),
            ],
        ),
        Script(
            "road",
            "gridworker",
            "JS01",
            "暴雨后村道被冲毁一段，车辆无法通行。",
            d(21, "08:20"),
            photos=2,
            steps=[
                Step(d(21, "09:30"), "township", "accept", note="已接单，现场查看。"),
                Step(d(20, "10:00"), "township", "summon", {"department": jt}, "需交通部门出方案和资金，请派员到场。"),
                Step(d(18, "11:00"), "township", "extend", {"days": 5}, "需等待交通部门施工队进场。"),
                Step(d(14, "16:00"), "township", "progress", note="施工队已进场，预计三天完工。", photos=1),
                Step(d(11, "17:30"), "township", "resolve", note="道路修复完成，已恢复通行。", photos=2),
                Step(d(10, "19:00"), "gridworker", "close", {"rating": "satisfied"}, "群众很满意。"),
            ],
        ),
        Script(
            "fire",
            "gridworker",
            "AQ06",
            "有人在林区边缘烧荒，已当场劝阻。",
            d(2, "14:30"),
            steps=[
                Step(d(2, "15:10"), "township", "accept", note="已通知护林员加强巡查。"),
            ],
        ),
        Script("house", "gridworker", "AQ01", "独居老人土坯房墙体开裂，雨季有倒塌风险。", d(5, "10:40"), photos=2),
        # -- a county department: the demo account ``department`` works at 县民政局 -----------------------------
        Script(
            "relief",
            "villager",
            "MS01",
            "家中老人因病住院，生活困难，申请临时救助。",
            d(26, "09:30"),
            place="village",
            photos=0,
            steps=[
                Step(d(26, "11:00"), "department", "accept", note="已接单。"),
                Step(d(25, "15:00"), "department", "progress", note="已入户核查，情况属实。"),
                Step(d(22, "16:00"), "department", "resolve", note="临时救助金2000元已发放到户。", photos=1),
                Step(d(21, "18:00"), "villager", "close", {"rating": "satisfied"}),
            ],
        ),
        Script(
            "relief2",
            "gridworker",
            "MS01",
            "独居老人因病致贫，申请临时救助。",
            d(6, "10:00"),
            steps=[
                Step(d(5, "09:20"), "department", "accept", note="已接单，安排入户核查。"),
                Step(d(3, "15:00"), "department", "progress", note="已入户核查，正在走审批程序。"),
            ],
        ),
        Script(
            "aids", "cadre", "MS04", "残疾人申请辅具适配，需要部门上门评估。", d(2, "11:15"), place="village", photos=0
        ),
        Script(
            "relief3",
            "gridworker",
            "MS01",
            "家庭突发变故，孩子上学困难，需要救助。",
            d(17, "15:40"),
            steps=[
                Step(d(16, "10:00"), "department", "accept", note="已接单。"),
                Step(d(6, "09:30"), "township", "supervise", {"due": due(3)}, "超期未办结，请民政局于期限前办结。"),
                Step(d(5, "14:00"), "department", "progress", note="救助审批材料已报局务会。"),
            ],
        ),
        Script(
            "disabled",
            "cadre",
            "MS04",
            "残疾人家庭无障碍改造需求。",
            d(15, "09:00"),
            place="village",
            photos=1,
            steps=[
                Step(d(15, "10:30"), "department", "accept", note="已接单。"),
                Step(d(13, "16:00"), "department", "resolve", note="已纳入今年无障碍改造计划并完成施工。", photos=1),
                Step(d(5, "10:00"), "gridworker", "close", {"rating": "satisfied"}, "电话回访，代为评价。"),
            ],
        ),
        Script(
            "misrouted",
            "gridworker",
            "MS04",
            "残疾人证到期需要换证。",
            d(4, "09:10"),
            steps=[
                Step(d(4, "14:00"), "department", "hand_back", note="换证属县残联业务，不属本局职责，请重新分派。"),
                Step(
                    d(3, "10:00"),
                    "township",
                    "dispatch",
                    {"level": Level.TOWNSHIP, "days": 5},
                    "由镇便民服务中心代办换证。",
                ),
                Step(d(3, "11:30"), "township", "accept", note="已接单，镇便民服务中心代办。"),
            ],
        ),
        # -- departments without a demo account: nobody answers, the deadline run flags them --------------------
        Script(
            "river",
            "gridworker",
            "HJ02",
            "河道有油污漂浮，疑似上游排放。",
            d(9, "08:40"),
            photos=2,
            steps=[
                Step(
                    d(5, "09:00"),
                    "township",
                    "dispatch",
                    {"level": Level.TOWNSHIP, "days": 5},
                    "生态环境局超时未响应，镇街先行处置。",
                ),
                Step(d(5, "10:30"), "township", "accept", note="已组织人员打捞油污并排查排污口。"),
                Step(
                    d(3, "17:00"),
                    "township",
                    "resolve",
                    note="油污已清理，排污口已封堵，移交生态环境局立案。",
                    photos=1,
                ),
                Step(d(2, "20:00"), "gridworker", "close", {"rating": "basic"}),
            ],
        ),
        Script("wires", "gridworker", "AQ05", "电线杆倾斜，电线离地面过低。", d(3, "15:30"), photos=1),
        # -- the other township (cadre2's village) ----------------------------------------------------------------
        Script(
            "litter2",
            "cadre2",
            "HJ01",
            "建筑垃圾倾倒在路边沟渠。",
            d(12, "10:00"),
            place="other",
            steps=[
                Step(d(12, "11:00"), "cadre2", "accept", note="已接单。"),
                Step(d(11, "16:00"), "cadre2", "resolve", note="已联系施工方清运。", photos=1),
                Step(d(10, "09:00"), "cadre2", "close", {"rating": "satisfied"}),
            ],
        ),
        Script("road2", "cadre2", "JS01", "村道路面塌陷形成大坑。", d(8, "09:30"), place="other"),
    ]


# -- running them -----------------------------------------------------------------------------------------------


def _photo(seed: int) -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.new("RGB", (640, 480), (rng.randrange(80, 160), rng.randrange(110, 170), rng.randrange(70, 130)))
    draw = ImageDraw.Draw(image)
    for _n in range(6):
        x, y = rng.randrange(0, 560), rng.randrange(160, 420)
        draw.rectangle((x, y, x + rng.randrange(40, 160), y + rng.randrange(20, 60)), fill=(rng.randrange(256),) * 3)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=75)
    return SimpleUploadedFile(f"现场{seed}.jpg", out.getvalue(), content_type="image/jpeg")


def _run_deadlines_until(county: Region, moment: datetime) -> None:
    """The scheduled deadline run, every few minutes up to ``moment``: one run just after each deadline passes."""
    for _run in range(1000):
        due = (
            Incident.objects.filter(county=county, closed_at__isnull=True, overdue=False, deadline_at__lt=moment - CRON)
            .order_by("deadline_at")
            .values_list("deadline_at", flat=True)
            .first()
        )
        if due is None:
            return
        tick = due + CRON
        with _clock(tick):
            report = workflow.run_deadlines(INCIDENT, now=tick)
            INCIDENT.after_deadlines(report, tick)


def _users() -> dict[str, User]:
    names = ["county_admin", "county_official", "department", "township", "cadre", "cadre2", "gridworker", "villager"]
    return {u.username: u for u in User.objects.filter(username__in=names)}


@transaction.atomic
def seed_incidents(county: Region, *, now: datetime | None = None) -> int:
    """Install the catalogue and write the demo cases once; returns the number of cases written (0 when the
    county already has incidents or the demo accounts are missing)."""
    users = _users()
    if "county_admin" not in users:
        return 0
    install_catalogue(actor=users["county_admin"], county=county)
    departments = {d.code: d for d in Department.objects.filter(county=county)}
    home = departments.get(DEPARTMENT_OF_THE_DEMO)
    if home is not None and "department" in users and not home.members.filter(pk=users["department"].pk).exists():
        services.department_save(
            actor=users["county_admin"],
            county=county,
            department=home,
            name=home.name,
            code=home.code,
            phone=home.phone,
            members=[*home.members.all(), users["department"]],
            is_active=home.is_active,
        )
    if Incident.objects.filter(county=county).exists() or len(users) < 8:
        return 0
    now = now or timezone.now()
    gridworker, cadre2 = users["gridworker"], users["cadre2"]
    grid = Grid.objects.get(pk=gridworker.assignments.filter(grid__isnull=False).values_list("grid", flat=True)[0])
    village = grid.village
    other = Region.objects.get(
        pk=cadre2.assignments.filter(region__level=RegionLevel.VILLAGE).values_list("region", flat=True)[0]
    )
    matters = {m.code: m for m in GridMatter.objects.filter(county=county)}
    scripts = _scripts(now, {code: d.pk for code, d in departments.items()})
    rng = random.Random(2026)
    minx, miny, maxx, maxy = _bounds(grid.polygon)
    actions = []
    for order, script in enumerate(scripts):
        actions.append((script.at, order, -1, script))
        for n, step in enumerate(script.steps):
            actions.append((step.at, order, n, script))
    actions.sort(key=lambda a: (a[0], a[1], a[2]))
    cases: dict[str, Incident] = {}
    photo_seed = 0
    for moment, _order, n, script in actions:
        if moment >= now:
            continue
        _run_deadlines_until(county, moment)
        with _clock(moment):
            photos = []
            count = script.photos if n < 0 else script.steps[n].photos
            for _k in range(count):
                photo_seed += 1
                photos.append(_photo(photo_seed))
            if n < 0:
                where = {}
                if script.place == "grid":
                    where = {
                        "lat": round(miny + (maxy - miny) * rng.uniform(0.2, 0.8), 6),
                        "lng": round(minx + (maxx - minx) * rng.uniform(0.2, 0.8), 6),
                    }
                elif script.place == "village":  # no location: the reporter names the grid
                    where = {"grid": grid}
                else:
                    where = {"village": other}
                cases[script.key], _created = services.incident_report(
                    actor=users[script.reporter],
                    matter=matters[script.matter],
                    description=script.description,
                    severity=script.severity,
                    address=f"{(other if script.place == 'other' else village).name}{rng.randrange(1, 6)}组",
                    photos=photos,
                    client_key=f"demo-{script.key}",
                    **where,
                )
                continue
            step = script.steps[n]
            incident = cases[script.key]
            incident.refresh_from_db()
            if step.step in ("close", "reopen"):
                services.incident_rate(
                    actor=users[step.actor], incident=incident, rating=step.data["rating"], note=step.note
                )
            else:
                services.incident_step(
                    actor=users[step.actor],
                    incident=incident,
                    step=step.step,
                    data=step.data,
                    note=step.note,
                    photos=photos,
                )
    _run_deadlines_until(county, now)
    return len(cases)


def _bounds(polygon: dict) -> tuple[float, float, float, float]:
    ring = polygon["coordinates"][0]
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    return min(xs), min(ys), max(xs), max(ys)
