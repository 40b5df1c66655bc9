"""Reads of the seven goods, each scoped to the actor (inspections.services keeps the writes).

- the county's sheets: everyone with an inspection action in the county reads them; the county administrator
  (``INSPECTION_SHEET`` over the county) keeps them;
- rounds: by the village (``scope.place_q``: a grid worker's grid grant reaches its whole village, so the board and
  the progress of the village are read by everyone who inspects there);
- the households an actor may inspect: ``scope_q`` of ``INSPECTION_RECORD`` on the household (a grid worker their
  grid, a cadre the village).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from core import scope
from core.errors import NotFound
from core.roles import Action
from inspections import ranking
from inspections.models import Board, Deduction, Detail, Heading, Inspection, Kind, Policy, Round, Sheet
from regions.models import Region, RegionLevel
from registry.models import Household

ACTIONS = (Action.INSPECTION_VIEW, Action.INSPECTION_RECORD, Action.INSPECTION_PUBLISH, Action.INSPECTION_SHEET)


def quarter_start(year: int, quarter: int) -> date:
    return date(year, 3 * (quarter - 1) + 1, 1)


def next_quarter_start(year: int, quarter: int) -> date:
    return date(year + 1, 1, 1) if quarter == 4 else quarter_start(year, quarter + 1)


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def recheck_deadline(rnd) -> date:
    """A household on the 曝光台 is reinspected until the next quarter starts: the quarter after the round's, or,
    for a round published after its quarter ended, the quarter after the one it was published in."""
    year, quarter = rnd.year, rnd.quarter
    if rnd.published_at is not None:
        published = quarter_of(timezone.localdate(rnd.published_at))
        year, quarter = max((year, quarter), published)
    return next_quarter_start(year, quarter)


# -- sheets ------------------------------------------------------------------------------------------------------


def reading_county_ids(actor) -> list[int]:
    ids: dict[int, None] = {}
    for action in ACTIONS:
        ids.update(dict.fromkeys(scope.county_ids(actor, action)))
    return list(ids)


def managed_county_ids(actor) -> list[int]:
    return scope.targets(actor, "county", Action.INSPECTION_SHEET)


def reading_counties(actor) -> QuerySet:
    return Region.objects.filter(pk__in=reading_county_ids(actor), level=RegionLevel.COUNTY).order_by("code")


def require_county(actor, county) -> None:
    """The actor keeps this county's sheet and shares, or NotFound."""
    if getattr(county, "pk", county) not in managed_county_ids(actor):
        raise NotFound()


def sheets(actor) -> QuerySet:
    return Sheet.objects.filter(county_id__in=reading_county_ids(actor)).select_related("county")


def sheet(actor, pk) -> Sheet:
    return scope.fetch(sheets(actor), pk)


def sheet_headings(sheet: Sheet) -> list[Heading]:
    """The sheet's headings with their details (two queries, then kept in the cache: a version of the sheet never
    changes, a change is a new version)."""
    from core.cache import kept

    return kept(
        "inspections.sheet",
        f"{sheet.pk}",
        lambda: list(
            sheet.headings.order_by("order").prefetch_related(
                Prefetch("details", queryset=Detail.objects.order_by("order"))
            )
        ),
        3600,
    )


def sheet_in_force(county_id: int, day: date | None = None) -> Sheet | None:
    """The county's sheet in force on ``day``: the highest version effective by then and not retired."""
    day = day or timezone.localdate()
    return (
        Sheet.objects.filter(county_id=county_id, effective_from__lte=day)
        .filter(Q(retired_on__isnull=True) | Q(retired_on__gt=day))
        .order_by("-number")
        .first()
    )


def policy(county_id: int) -> Policy:
    """The county's shares (the defaults 2 % / 5 % / 20 % when none was set)."""
    return Policy.objects.filter(county_id=county_id).first() or Policy(county_id=county_id)


# -- rounds ------------------------------------------------------------------------------------------------------


def rounds(actor, action: str = Action.INSPECTION_VIEW) -> QuerySet:
    return Round.objects.filter(scope.place_q(actor, action)).select_related("village", "township", "sheet")


def round_for(actor, pk, action: str = Action.INSPECTION_VIEW) -> Round:
    return scope.fetch(rounds(actor, action), pk)


def villages(actor, action: str = Action.INSPECTION_VIEW):
    from regions.selectors import villages as scoped_villages

    return scoped_villages(actor, action)


def on_team(actor, village_id) -> bool:
    """Is the actor a current member of the village's 七个好评比小组 (committees, kind INSPECTION_TEAM) and allowed to
    inspect somewhere? A member inspects every household of the village (a grid worker on the team: not only the
    grid)."""
    from committees import selectors as committees
    from committees.models import CommitteeKind

    return scope.can(actor, Action.INSPECTION_RECORD) and committees.is_member(
        actor, village_id, CommitteeKind.INSPECTION_TEAM
    )


def may_inspect(actor, household) -> bool:
    return scope.in_scope(actor, Action.INSPECTION_RECORD, household) or on_team(actor, household.village_id)


def _covers_village(actor, rnd: Round, actions) -> bool:
    """Does one of the actor's grants of ``actions`` hold the round's village or a place above it (no query)?"""
    return any(
        g.level in scope.REGION_LEVELS and getattr(rnd, f"{g.level}_id") == g.target_id
        for action in actions
        for g in scope.grants_for(actor, action)
    )


def inspectable(actor, rnd: Round) -> tuple[QuerySet, bool]:
    """The households of the round's village the actor may inspect, and whether they are all of the village's (a
    grant over the village or above it, or a seat on the village's inspection team). The team is asked only when
    no grant holds the village: a grant over it already reaches every household."""
    qs = Household.objects.filter(village_id=rnd.village_id).select_related("group", "grid")
    if _covers_village(actor, rnd, (Action.INSPECTION_RECORD,)):
        return scope.scope_filter(actor, Action.INSPECTION_RECORD, qs), True
    if on_team(actor, rnd.village_id):
        return qs, True
    return scope.scope_filter(actor, Action.INSPECTION_RECORD, qs), False


def inspectable_households(actor, rnd: Round) -> QuerySet:
    """The households of the round's village the actor may inspect (a grid worker: their grid; a member of the
    village's inspection team: all of them)."""
    return inspectable(actor, rnd)[0]


def village_households(rnd: Round) -> QuerySet:
    return Household.objects.filter(village_id=rnd.village_id).select_related("group")


def quarterly(rnd: Round) -> QuerySet:
    return Inspection.objects.filter(round=rnd, kind=Kind.QUARTERLY)


def inspection_of(
    rnd: Round, household_id: int, kind: str = Kind.QUARTERLY, *, deductions: bool = True
) -> Inspection | None:
    """The household's inspection in the round: with its deductions, or (``deductions=False``) with its household
    instead (one query: the screen's “saved” line)."""
    qs = Inspection.objects.filter(round=rnd, household_id=household_id, kind=kind)
    return (qs.prefetch_related("deductions") if deductions else qs.select_related("household")).first()


def jump_list(rnd: Round, households: QuerySet) -> QuerySet:
    """The screen's households to jump to, in number order: pk, number, head name and whether inspected this
    quarter (one query)."""
    done = quarterly(rnd).filter(household_id=OuterRef("pk"))
    return (
        households.order_by("number").annotate(inspected=Exists(done)).values("pk", "number", "head_name", "inspected")
    )


def of_household(actor, household_id) -> QuerySet:
    """The household's quarterly inspections in the rounds the actor reads, latest first (with its reinspection)."""
    return (
        Inspection.objects.filter(household_id=household_id, kind=Kind.QUARTERLY, round__in=rounds(actor))
        .select_related("round", "recheck")
        .order_by("-round__year", "-round__quarter")
    )


def inspection_for(actor, pk) -> Inspection:
    """An inspection of a round the actor reads, or NotFound."""
    found = Inspection.objects.filter(pk=pk).select_related("round", "household").first() if pk else None
    if found is None or not rounds(actor).filter(pk=found.round_id).exists():
        raise NotFound()
    return found


def deduction_for(actor, pk) -> Deduction:
    found = Deduction.objects.filter(pk=pk).select_related("inspection").first() if pk else None
    if found is None or not rounds(actor).filter(pk=found.inspection.round_id).exists():
        raise NotFound()
    return found


def next_household(actor, rnd: Round, *, group_id=None, after_id=None, households=None) -> Household | None:
    """The next household to inspect: not yet inspected, of the group if one is chosen, after ``after_id`` in
    number order (wrapping round). ``households``: the actor's inspectable households, when already built."""
    if households is None:
        households = inspectable_households(actor, rnd)
    qs = households.exclude(pk__in=quarterly(rnd).values("household_id"))
    if group_id:
        qs = qs.filter(group_id=group_id)
    qs = qs.order_by("group__code", "number")
    if after_id is None:
        return qs.select_related("group", "grid").first()  # the first: one query
    ids = list(qs.values_list("pk", flat=True)[:2000])
    if not ids:
        return None
    if after_id in ids:
        index = ids.index(after_id)
        ids = ids[index + 1 :] + ids[:index]
    if not ids:
        return None
    return Household.objects.select_related("group", "grid").get(pk=ids[0])


@dataclass
class GroupProgress:
    group_id: int | None
    name: str
    households: int
    inspected: int
    mean: float | None = None


def progress(actor, rnd: Round, *, known: tuple[QuerySet, bool] | None = None) -> list[GroupProgress]:
    """Households and inspections of the round by village group (the actor's households only for a grid worker).
    ``known``: what ``inspectable()`` answered, when the caller has it (the team is not asked again)."""
    if _whole_village(actor, rnd):
        households = village_households(rnd)
    elif known is not None:
        households = village_households(rnd) if known[1] else known[0]
    else:
        households = village_households(rnd) if on_team(actor, rnd.village_id) else inspectable_households(actor, rnd)
    counts, names = {}, {}
    for r in households.values("group_id", "group__name").annotate(n=Count("pk")):
        counts[r["group_id"]] = r["n"]
        if r["group_id"]:
            names[r["group_id"]] = r["group__name"]
    done = {
        r["group_id"]: (r["n"], r["mean"])
        for r in quarterly(rnd)
        .filter(household_id__in=households.values("pk"))
        .values("group_id")
        .annotate(n=Count("pk"), mean=Avg("score"))
    }
    rows = []
    for gid in sorted(counts, key=lambda k: (k is None, names.get(k, ""))):
        n, mean = done.get(gid, (0, None))
        rows.append(GroupProgress(gid, names.get(gid, "") if gid else "", counts[gid], n, mean))
    return rows


def _whole_village(actor, rnd: Round) -> bool:
    return _covers_village(actor, rnd, (Action.INSPECTION_VIEW, Action.INSPECTION_RECORD))


# -- the board ---------------------------------------------------------------------------------------------------


@dataclass
class BoardRow:
    inspection: Inspection
    rank: int
    board: str
    recheck: Inspection | None = None


@dataclass
class GroupRow:
    group_id: int
    name: str
    inspected: int
    mean: float
    rank: int
    board: str  # "top", "bottom" or ""


@dataclass
class RoundBoard:
    round: Round
    praise_percent: object
    exposure_percent: object
    group_percent: object
    rows: list[BoardRow] = field(default_factory=list)
    praise: list[BoardRow] = field(default_factory=list)
    exposure: list[BoardRow] = field(default_factory=list)
    praise_size: int = 0
    exposure_size: int = 0
    not_inspected: list = field(default_factory=list)
    groups: list[GroupRow] = field(default_factory=list)
    group_size: int = 0
    preview: bool = False


def board(rnd: Round) -> RoundBoard:
    """The round's boards: as published (frozen on the rows), or, for an open round, as they would be now."""
    inspections = list(
        quarterly(rnd)
        .select_related("household", "group")
        .prefetch_related("recheck")
        .order_by("-score", "household__number")
    )
    if rnd.published:
        shares = (rnd.praise_percent, rnd.exposure_percent, rnd.group_percent)
    else:
        p = policy(rnd.county_id)
        shares = (p.praise_percent, p.exposure_percent, p.group_percent)
    out = RoundBoard(rnd, *shares, preview=not rnd.published)
    scores = {i.pk: i.score for i in inspections}
    computed = ranking.boards(scores, shares[0], shares[1])
    out.praise_size, out.exposure_size = computed.top_size, computed.bottom_size
    for i in inspections:
        if rnd.published:
            rank, place = i.rank or computed.ranks[i.pk], i.board
        else:
            rank = computed.ranks[i.pk]
            place = Board.PRAISE if i.pk in computed.top else Board.EXPOSURE if i.pk in computed.bottom else ""
        recheck = getattr(i, "recheck", None) if hasattr(i, "recheck") else None
        row = BoardRow(i, rank, place, recheck)
        out.rows.append(row)
        if place == Board.PRAISE:
            out.praise.append(row)
        elif place == Board.EXPOSURE:
            out.exposure.append(row)
    out.exposure.sort(key=lambda r: (r.inspection.score, r.inspection.household.number))
    done = {i.household_id for i in inspections}
    out.not_inspected = [h for h in village_households(rnd).order_by("group__code", "number") if h.pk not in done]
    out.groups, out.group_size = group_ranking(inspections, shares[2])
    return out


def group_ranking(inspections, percent) -> tuple[list[GroupRow], int]:
    """The village groups by mean score: the top and the bottom share (ties included; none on both)."""
    sums: dict[int, list] = {}
    names: dict[int, str] = {}
    for i in inspections:
        if i.group_id is None:
            continue
        sums.setdefault(i.group_id, []).append(i.score)
        names[i.group_id] = i.group.name if i.group is not None else ""
    means = {gid: round(sum(v) / len(v), 2) for gid, v in sums.items()}
    computed = ranking.boards(means, percent, percent)
    rows = [
        GroupRow(
            gid,
            names[gid],
            len(sums[gid]),
            means[gid],
            computed.ranks[gid],
            "top" if gid in computed.top else "bottom" if gid in computed.bottom else "",
        )
        for gid in means
    ]
    rows.sort(key=lambda r: (r.rank, r.name))
    return rows, computed.top_size


# -- the summary across villages ---------------------------------------------------------------------------------


@dataclass
class VillageSummary:
    village: Region
    households: int
    round: Round | None
    inspected: int = 0
    mean: float | None = None
    praise: int = 0
    exposure: int = 0
    rechecked: int = 0
    rectified: int = 0


def summary(actor, year: int, quarter: int) -> list[VillageSummary]:
    """Each village the actor reads: its households, the quarter's round and its figures."""
    villages_qs = villages(actor).select_related("township")
    ids = list(villages_qs.values_list("pk", flat=True))
    households = dict(
        Household.objects.filter(village_id__in=ids)
        .values("village_id")
        .annotate(n=Count("pk"))
        .values_list("village_id", "n")
    )
    by_village = {r.village_id: r for r in Round.objects.filter(village_id__in=ids, year=year, quarter=quarter)}
    figures = {
        r["round__village_id"]: r
        for r in Inspection.objects.filter(round__in=by_village.values(), kind=Kind.QUARTERLY)
        .values("round__village_id")
        .annotate(
            n=Count("pk"),
            mean=Avg("score"),
            praise=Count("pk", filter=Q(board=Board.PRAISE)),
            exposure=Count("pk", filter=Q(board=Board.EXPOSURE)),
        )
    }
    rechecks = {
        r["round__village_id"]: r
        for r in Inspection.objects.filter(round__in=by_village.values(), kind=Kind.RECHECK)
        .values("round__village_id")
        .annotate(n=Count("pk"), ok=Count("pk", filter=Q(rectified=True)))
    }
    out = []
    for v in villages_qs:
        f, r = figures.get(v.pk, {}), rechecks.get(v.pk, {})
        out.append(
            VillageSummary(
                v,
                households.get(v.pk, 0),
                by_village.get(v.pk),
                f.get("n", 0),
                round(f["mean"], 1) if f.get("mean") is not None else None,
                f.get("praise", 0),
                f.get("exposure", 0),
                r.get("n", 0),
                r.get("ok", 0),
            )
        )
    return out
