"""十五分钟就近办: the share of households within a walk of ``minutes`` (15 by default) of an active service point,
per village, computed from the households' and the points' coordinates.

How a walk is measured
----------------------
Nobody has the footpaths of a village as data, so the walking distance is approximated by the straight-line
(great-circle, haversine) distance times a detour factor, and the walking time by that distance at a stated speed:

``WALKING_SPEED_KMH = 4.0`` — the pace of an older villager, who is the one who most needs the service on the
doorstep (老人步行), not a commuter's 5 km/h. Bohannon (1997), "Comfortable and maximum walking speed of adults aged
20–79 years", *Age and Ageing* 26(1):15–19, measured a comfortable gait of 1.27–1.33 m/s (4.6–4.8 km/h) for people
in their seventies on a level indoor course; outdoors, on village roads and slopes, and with a bag of documents,
4 km/h (1.1 m/s) is the rounder, slower figure. At 4 km/h fifteen minutes are 1,000 m, the upper end of the
800–1,000 m walk that defines the 15-minute life circle in China's residential planning standard (《城市居住区规划设计
标准》 GB 50180-2018, 十五分钟生活圈居住区).

``DETOUR_FACTOR = 1.3`` — how much longer the way on roads and paths is than the straight line (circuity). This
is an assumption, not a measurement of any village: the middle of the range commonly used for road circuity (see
e.g. Ballou, Rahardja and Sakai (2002), "Selected country circuity factors for road travel distance estimation",
*Transportation Research Part A* 36(9)). Village paths in hilly Sichuan may wind more; both constants are
parameters of ``compute`` for a county that knows better, and the page states the values it used.

So a household counts as within 15 minutes when the straight line to some active service point is at most
4,000 m/h × 0.25 h ÷ 1.3 ≈ 769 m. Any active point of the county counts, a township centre or a village room, the
village's own or a neighbour's (就近办: the nearest one, wherever it is); a point without coordinates counts for no
one, and is listed as such. A household without coordinates cannot be placed: it is counted apart (``unlocated``),
never silently dropped, and the share is of the located households.

How it is computed
------------------
The county's points go into a grid of cells one radius wide (in degrees of latitude); a household is compared only
with the points of the cells around its own (the cells a radius reaches, wider in longitude away from the
equator), with the exact haversine test, so the work is households × nearby points. Households are read once, as
plain tuples, in chunks (``values_list(...).iterator``). No numpy: pure Python, about 0.3 s for 100,000 households
on PostgreSQL, twice the time of only reading their coordinates (bench/doorstep_circle.py).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field

from django.db.models import Count, Max
from django.utils.translation import gettext as _

from core import scope
from core.errors import DomainError, NotFound
from core.roles import Action
from doorstep.models import ServicePoint
from regions.models import Region, RegionLevel

WALKING_SPEED_KMH = 4.0
DETOUR_FACTOR = 1.3
DEFAULT_MINUTES = 15
EARTH_RADIUS_M = 6_371_008.8  # the mean radius (IUGG)
METRES_PER_DEGREE = math.pi * EARTH_RADIUS_M / 180
MINUTES_RANGE = (1, 60)
SPEED_RANGE = (1.0, 8.0)
DETOUR_RANGE = (1.0, 3.0)
CHUNK = 10_000
LEVELS = (RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE)


def definitions(result: Circle) -> list[tuple[str, str]]:
    """How the figures are made, in the words the page and the workbook print beside them."""
    return [
        (
            _("Walking speed"),
            _("%(speed)s km/h: an older villager's pace (老人步行), slower than an adult's 5 km/h.")
            % {"speed": f"{result.speed_kmh:g}"},
        ),
        (
            _("Walking distance"),
            _(
                "The straight line between the household and the point times %(detour)s (roads and paths wind): "
                "%(minutes)s minutes' walk is %(walk)s m on the way, %(radius)s m in a straight line."
            )
            % {
                "detour": f"{result.detour:g}",
                "minutes": result.minutes,
                "walk": round(result.walk_m),
                "radius": round(result.radius_m),
            },
        ),
        (
            _("Service points"),
            _(
                "Any service point of the county in use and placed on the map counts: a township centre or a "
                "village room, the village's own or a neighbour's."
            ),
        ),
        (
            _("Households without coordinates"),
            _("Counted apart: the share is of the households placed on the map."),
        ),
    ]


@dataclass
class Nearest:
    """The service point nearest to a village's centre (the mean of its households' coordinates)."""

    id: int
    name: str
    level: str
    distance_m: float  # the straight line
    minutes: float  # the walk, with the detour factor


@dataclass
class Row:
    """One village (or the total of the region)."""

    region_id: int
    code: str
    name: str
    township: str
    households: int = 0
    located: int = 0
    within: int = 0
    lat_sum: float = 0.0
    lng_sum: float = 0.0
    nearest: Nearest | None = None

    @property
    def unlocated(self) -> int:
        return self.households - self.located

    @property
    def share(self) -> float | None:
        """Per cent of the located households within the walk (None when none is located)."""
        return round(self.within * 100 / self.located, 1) if self.located else None

    @property
    def centre(self) -> tuple[float, float] | None:
        return (self.lat_sum / self.located, self.lng_sum / self.located) if self.located else None


@dataclass
class Circle:
    region: Region
    minutes: int
    speed_kmh: float
    detour: float
    rows: list[Row]
    total: Row
    points: list[dict] = field(default_factory=list)  # the points that count: id, name, level, lat, lng, township
    unplaced_points: list[str] = field(default_factory=list)  # points in use without coordinates (count for no one)

    @property
    def walk_m(self) -> float:
        return walk_metres(self.minutes, self.speed_kmh)

    @property
    def radius_m(self) -> float:
        return self.walk_m / self.detour


def walk_metres(minutes: float, speed_kmh: float) -> float:
    return speed_kmh * 1000 * minutes / 60


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lng2 - lng1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def _check(value, low, high, field_name, message):
    try:
        value = float(value)
    except (TypeError, ValueError, OverflowError):
        raise DomainError({field_name: message}) from None
    if not math.isfinite(value) or not low <= value <= high:
        raise DomainError({field_name: message})
    return value


def parameters(minutes=DEFAULT_MINUTES, speed_kmh=WALKING_SPEED_KMH, detour=DETOUR_FACTOR) -> tuple[int, float, float]:
    minutes = int(
        _check(
            minutes,
            *MINUTES_RANGE,
            "minutes",
            _("Give the minutes of the walk, from %(low)s to %(high)s.")
            % {"low": MINUTES_RANGE[0], "high": MINUTES_RANGE[1]},
        )
    )
    speed = _check(
        speed_kmh,
        *SPEED_RANGE,
        "speed_kmh",
        _("Give a walking speed from %(low)s to %(high)s km/h.") % {"low": SPEED_RANGE[0], "high": SPEED_RANGE[1]},
    )
    detour = _check(
        detour,
        *DETOUR_RANGE,
        "detour",
        _("Give a detour factor from %(low)s to %(high)s.") % {"low": DETOUR_RANGE[0], "high": DETOUR_RANGE[1]},
    )
    return minutes, speed, detour


class _PointIndex:
    """The points in cells one radius wide; ``near(lat, lng)`` gives the points that may lie within the radius."""

    def __init__(self, located: list[tuple[float, float]], radius_m: float):
        self.cell = radius_m / METRES_PER_DEGREE  # degrees of latitude per cell
        self.inv = 1 / self.cell
        self.cells: dict[tuple[int, int], list[tuple[float, float, float]]] = {}
        for lat, lng in located:
            key = (math.floor(lat * self.inv), math.floor(lng * self.inv))
            p = math.radians(lat)
            self.cells.setdefault(key, []).append((p, math.radians(lng), math.cos(p)))
        self.memo: dict[tuple[int, int], tuple] = {}

    def near(self, i: int, j: int) -> tuple:
        found = self.memo.get((i, j))
        if found is None:
            # a radius in longitude is 1/cos(lat) cells at the row's edge nearest a pole
            edge = max(abs(i - 1), abs(i + 2)) * self.cell
            k = math.ceil(1 / max(math.cos(math.radians(min(edge, 89.0))), 1e-6))
            found = tuple(
                p for di in (-1, 0, 1) for dj in range(-k, k + 1) for p in self.cells.get((i + di, j + dj), ())
            )
            self.memo[(i, j)] = found
        return found


def _villages(region: Region) -> list[Region]:
    qs = Region.objects.filter(level=RegionLevel.VILLAGE).select_related("township")
    qs = (
        qs.filter(pk=region.pk)
        if region.level == RegionLevel.VILLAGE
        else qs.filter(**{f"{region.level}_id": region.pk})
    )
    return list(qs.order_by("code"))


def _county_id(region: Region) -> int:
    return region.pk if region.level == RegionLevel.COUNTY else region.county_id


def _points(region: Region):
    return ServicePoint.objects.filter(county_id=_county_id(region), active=True).select_related("township")


def compute(region: Region, *, minutes=DEFAULT_MINUTES, speed_kmh=WALKING_SPEED_KMH, detour=DETOUR_FACTOR) -> Circle:
    """The 15-minute circle of a county, township or village: per village, the households, those placed on the map,
    those within ``minutes`` of an active service point of the county, and the point nearest the village's centre."""
    from registry.models import Household

    if region is None or region.level not in LEVELS:
        raise DomainError({"region": _("Choose a county, a township or a village.")})
    minutes, speed_kmh, detour = parameters(minutes, speed_kmh, detour)
    walk = walk_metres(minutes, speed_kmh)
    radius = walk / detour
    limit = math.sin(radius / (2 * EARTH_RADIUS_M)) ** 2  # haversine: d <= radius  <=>  a <= sin²(radius / 2R)

    point_rows = list(_points(region).order_by("township__code", "level", "name", "pk"))
    placed = [p for p in point_rows if p.latitude is not None and p.longitude is not None]
    index = _PointIndex([(p.latitude, p.longitude) for p in placed], radius)

    rows = {v.pk: Row(v.pk, v.code, v.name, v.township.name if v.township_id else "") for v in _villages(region)}
    total = Row(region.pk, region.code, region.name, "")
    other: dict[int, Row] = {}
    households = Household.objects.filter(**{f"{region.level}_id": region.pk}).values_list(
        "village_id", "latitude", "longitude"
    )
    floor, radians, sin, cos = math.floor, math.radians, math.sin, math.cos
    inv, memo, near = index.inv, index.memo, index.near
    for village_id, lat, lng in households.iterator(chunk_size=CHUNK):
        row = rows.get(village_id)
        if row is None:
            row = other.setdefault(village_id, Row(village_id, "", "", ""))
        row.households += 1
        if lat is None or lng is None:
            continue
        row.located += 1
        row.lat_sum += lat
        row.lng_sum += lng
        key = (floor(lat * inv), floor(lng * inv))
        candidates = memo.get(key)
        if candidates is None:
            candidates = near(*key)
        if not candidates:
            continue
        p1, l1 = radians(lat), radians(lng)
        c1 = cos(p1)
        for p2, l2, c2 in candidates:
            a = sin((p2 - p1) / 2) ** 2 + c1 * c2 * sin((l2 - l1) / 2) ** 2
            if a <= limit:
                row.within += 1
                break

    for row in [*rows.values(), *other.values()]:
        total.households += row.households
        total.located += row.located
        total.within += row.within
        total.lat_sum += row.lat_sum
        total.lng_sum += row.lng_sum
        centre = row.centre
        if centre is not None and placed and row.code:
            best = min(placed, key=lambda p: haversine_m(centre[0], centre[1], p.latitude, p.longitude))
            distance = haversine_m(centre[0], centre[1], best.latitude, best.longitude)
            row.nearest = Nearest(
                best.pk, best.name, best.level, round(distance), round(distance * detour / (speed_kmh * 1000 / 60), 1)
            )
    return Circle(
        region=region,
        minutes=minutes,
        speed_kmh=speed_kmh,
        detour=detour,
        rows=list(rows.values()),
        total=total,
        points=[
            {
                "id": p.pk,
                "name": p.name,
                "level": p.level,
                "township": p.township.name,
                "township_id": p.township_id,
                "village_id": p.village_id,
                "lat": p.latitude,
                "lng": p.longitude,
            }
            for p in placed
        ],
        unplaced_points=[p.name for p in point_rows if p.latitude is None or p.longitude is None],
    )


# -- for the actor ---------------------------------------------------------------------------------------------------


def regions_for(actor) -> list[Region]:
    """The counties, townships and villages whose circle the actor may read (SERVICE_FIGURES), widest first."""
    ids = []
    for g in scope.grants_for(actor, Action.SERVICE_FIGURES):
        if g.level in LEVELS:
            ids.append(g.target_id)
    if not ids:
        return []
    found = {r.pk: r for r in Region.objects.filter(pk__in=ids, level__in=LEVELS)}
    depth = {RegionLevel.COUNTY: 0, RegionLevel.TOWNSHIP: 1, RegionLevel.VILLAGE: 2}
    return sorted(dict.fromkeys(found[i] for i in ids if i in found), key=lambda r: (depth[r.level], r.code))


def choices_for(actor) -> list[Region]:
    """What the page's chooser offers: each region of the actor's and the townships inside a county of theirs."""
    own = regions_for(actor)
    counties = [r.pk for r in own if r.level == RegionLevel.COUNTY]
    townships = list(Region.objects.filter(level=RegionLevel.TOWNSHIP, county_id__in=counties).order_by("code"))
    return list(dict.fromkeys([*own, *townships]))


def region_for(actor, pk=None) -> Region:
    """The region asked for (``pk``) if the actor may read its circle, else NotFound; none asked: their widest."""
    if pk in (None, ""):
        own = regions_for(actor)
        if not own:
            raise NotFound()
        return own[0]
    try:
        region = Region.objects.filter(pk=int(pk), level__in=LEVELS).first()
    except (TypeError, ValueError, OverflowError):
        region = None
    if region is None or not scope.region_in_scope(actor, Action.SERVICE_FIGURES, region):
        raise NotFound()
    return region


def version(region: Region) -> str:
    """What the circle depends on: the region's households (how many, the latest change) and the county's points
    (each one's place, name and level, and whether it is in use); a change of either gives another circle."""
    from registry.models import Household

    households = Household.objects.filter(**{f"{region.level}_id": region.pk}).aggregate(
        n=Count("pk"), changed=Max("updated_at")
    )
    points = list(_points(region).order_by("pk").values_list("pk", "latitude", "longitude", "name", "level"))
    inactive = ServicePoint.objects.filter(county_id=_county_id(region), active=False).count()
    digest = hashlib.sha1(repr((points, inactive)).encode()).hexdigest()
    return f"{region.pk}:{households['n']}:{households['changed']}:{digest}"


def kept(region: Region, *, minutes=DEFAULT_MINUTES, speed_kmh=WALKING_SPEED_KMH) -> Circle:
    """``compute``, kept while its households and points do not change (the page and its map ask twice)."""
    from core.cache import kept as cache_kept

    minutes, speed_kmh, detour = parameters(minutes, speed_kmh)
    key = f"{version(region)}:{minutes}:{speed_kmh}:{detour}"
    return cache_kept(
        "doorstep.circle", key, lambda: compute(region, minutes=minutes, speed_kmh=speed_kmh, detour=detour), 600
    )


# -- the table as a workbook -----------------------------------------------------------------------------------------


def xlsx(result: Circle) -> bytes:
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = str(_("15-minute circle"))[:31]
    sheet.append(
        [
            f"{result.region.name} · "
            + _("within %(minutes)s minutes' walk at %(speed)s km/h (detour factor %(detour)s)")
            % {"minutes": result.minutes, "speed": f"{result.speed_kmh:g}", "detour": f"{result.detour:g}"}
        ]
    )
    sheet.append(
        [
            str(_("Township")),
            str(_("Village")),
            str(_("Households")),
            str(_("Placed on the map")),
            str(_("Without coordinates")),
            str(_("Within the walk")),
            str(_("Share (%)")),
            str(_("Nearest service point")),
            str(_("Walk from the village centre (minutes)")),
        ]
    )
    for row in [*result.rows, result.total]:
        sheet.append(
            [
                row.township if row is not result.total else str(_("Total")),
                row.name,
                row.households,
                row.located,
                row.unlocated,
                row.within,
                row.share,
                row.nearest.name if row.nearest else None,
                row.nearest.minutes if row.nearest else None,
            ]
        )
    notes = book.create_sheet(str(_("Definitions"))[:31])
    for term, text in definitions(result):
        notes.append([str(term), str(text)])
    if result.unplaced_points:
        notes.append([str(_("Service points without coordinates")), "、".join(result.unplaced_points)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
