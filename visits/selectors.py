"""Reads of 入户走访, each scoped to the actor.

Who records visits: whoever may change the registry over the household (grid workers over their grids, village
cadres over their village, the county administrator) and the current village group leaders (村民小组长, the
committees app; a leader whose seat names a group, over that group's households). They see the visits of the
households they may record for and their own. Who reads the board: township and county staff (REGISTRY_VIEW at
township or county level). The county's frequencies are set at county level (REGIONS_MANAGE or ACCOUNTS_MANAGE).

The due list is computed in SQL: the households in reach with a living member carrying a tag the county has a
rule for, the date of their last visit (one index lookup each, on (household, visited_on)), compared with the
start of the current and of the previous period of each rule (visits/periods.py). Never a count of visits by
worker, never a ranking of cadres (SPEC §12): the board counts households, by village and grid.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL

from committees.models import CommitteeKind, Member
from core import scope
from core.cache import kept
from core.roles import Action
from visits import periods
from visits.models import Frequency, Visit

BOARD_LEVELS = ("county", "township")


# -- who may do what ------------------------------------------------------------------------------------------------


def leader_seats(actor) -> list[tuple[int, int | None]]:
    """(village, group or None) of the actor's current seats among the village group leaders."""
    if actor is None or not getattr(actor, "pk", None):
        return []
    cached = getattr(actor, "_visit_seats", None)
    if cached is None:
        cached = list(
            Member.objects.current()
            .filter(user_id=actor.pk, committee__kind=CommitteeKind.GROUP_LEADERS)
            .values_list("committee__village_id", "group_id")
        )
        actor._visit_seats = cached
    return cached


def _seats_q(actor, prefix: str = "") -> Q:
    q = Q(**{f"{prefix}pk__in": []})
    for village_id, group_id in leader_seats(actor):
        if group_id:
            q |= Q(**{f"{prefix}village_id": village_id, f"{prefix}group_id": group_id})
        else:
            q |= Q(**{f"{prefix}village_id": village_id})
    return q


def records(actor) -> bool:
    return scope.can(actor, Action.REGISTRY_CHANGE) or bool(leader_seats(actor))


def may_record(actor, household) -> bool:
    if scope.in_scope(actor, Action.REGISTRY_CHANGE, household):
        return True
    return any(v == household.village_id and (g is None or g == household.group_id) for v, g in leader_seats(actor))


def recording_households(actor) -> QuerySet:
    from registry.models import Household

    if actor is None or not actor.is_authenticated:
        return Household.objects.none()
    return Household.objects.filter(scope.scope_q(actor, Action.REGISTRY_CHANGE, Household) | _seats_q(actor))


LIST_LEVELS = ("village", "group", "grid")


def lists(actor) -> bool:
    """Has a list of households to visit: a grid, group or village (not the county administrator's whole county:
    township and county read the board)."""
    return any(g.level in LIST_LEVELS for g in scope.grants_for(actor, Action.REGISTRY_CHANGE)) or bool(
        leader_seats(actor)
    )


# A place is a list of parts, each a conjunction {level: id} (a grid; a village's group; a township): the same
# households are read through the households' own columns and through the residents' (SCOPE_PATHS of each model),
# so the list's statement starts from the residents of the place by their own index, as the floor does.
Place = list[dict[str, int]]


def place_q(place: Place, model, prefix: str = "") -> Q:
    q = Q(pk__in=[])
    for part in place:
        q |= Q(**{prefix + model.SCOPE_PATHS[level]: target for level, target in part.items()})
    return q


def list_place(actor) -> Place:
    """The actor's own list: their grids, groups or village, and the groups they lead (or their whole village)."""
    out = [{"village": v, "group": g} if g else {"village": v} for v, g in leader_seats(actor)]
    out += [{g.level: g.target_id} for g in scope.grants_for(actor, Action.REGISTRY_CHANGE) if g.level in LIST_LEVELS]
    return out


def board_place(actor, township_id=None) -> Place:
    """Township and county grants of REGISTRY_VIEW (the supervisor's board), within one township when given."""
    out = []
    for g in scope.grants_for(actor, Action.REGISTRY_VIEW):
        if g.level in BOARD_LEVELS:
            out.append({g.level: g.target_id, **({"township": int(township_id)} if township_id else {})})
    return out


def households_of(place: Place) -> QuerySet:
    from registry.models import Household

    return Household.objects.filter(place_q(place, Household))


def list_households(actor) -> QuerySet:
    return households_of(list_place(actor))


def board_q(actor) -> Q:
    from registry.models import Household

    return place_q(board_place(actor), Household)


def reads_board(actor) -> bool:
    return any(g.level in BOARD_LEVELS for g in scope.grants_for(actor, Action.REGISTRY_VIEW))


def sets_frequencies(actor, county_id: int) -> bool:
    for g in scope.grants_for(actor, Action.REGIONS_MANAGE):
        if g.level == "county" and g.target_id == county_id:
            return True
    return any(g.county_id == county_id for g in scope.grants_for(actor, Action.ACCOUNTS_MANAGE))


def frequency_counties(actor) -> list[int]:
    """The counties whose frequencies the actor sets."""
    ids = [g.target_id for g in scope.grants_for(actor, Action.REGIONS_MANAGE) if g.level == "county"]
    ids += [g.county_id for g in scope.grants_for(actor, Action.ACCOUNTS_MANAGE) if g.county_id]
    return list(dict.fromkeys(ids))


def reading_counties(actor) -> list[int]:
    """The counties whose frequencies the actor reads: where they record, supervise or set them."""
    ids = scope.county_ids(actor, Action.REGISTRY_VIEW) + scope.county_ids(actor, Action.REGISTRY_CHANGE)
    if leader_seats(actor):
        from regions.models import Region

        villages = [v for v, _g in leader_seats(actor)]
        ids += list(Region.objects.filter(pk__in=villages).values_list("county_id", flat=True))
    return list(dict.fromkeys(ids + frequency_counties(actor)))


# -- visits -----------------------------------------------------------------------------------------------------------


def visible(actor) -> QuerySet:
    """The visits the actor reads: those of the households they record for or see in the registry, and their own."""
    if actor is None or not actor.is_authenticated:
        return Visit.objects.none()
    q = Q(by_id=actor.pk) | _seats_q(actor, "household__")
    for action in (Action.REGISTRY_CHANGE, Action.REGISTRY_VIEW):
        if scope.can(actor, action):
            q |= scope.scope_q(actor, action, Visit)
    return Visit.objects.filter(q).select_related("household", "village", "by", "person")


def visit_for(actor, pk) -> Visit:
    return scope.fetch(visible(actor), pk)


def of_household(actor, household_id) -> QuerySet:
    return visible(actor).filter(household_id=household_id).order_by("-visited_on", "-pk")


def frequencies(county_ids) -> QuerySet:
    return Frequency.objects.filter(county_id__in=county_ids).select_related("tag", "county", "set_by")


# -- what is owed ----------------------------------------------------------------------------------------------------


@dataclass
class Rules:
    """The active frequencies of some counties: {county: {period: [(tag, since)]}}."""

    by_county: dict[int, dict[str, list[tuple[int, date]]]] = field(default_factory=dict)

    @classmethod
    def load(cls, county_ids=None) -> Rules:
        """The active rules of these counties (every county's when None: a small table, and the statements match
        each resident's county anyway)."""
        rules = cls()
        rows = Frequency.objects.filter(active=True)
        if county_ids is not None:
            rows = rows.filter(county_id__in=list(county_ids))
        for county_id, tag_id, period, since in rows.values_list("county_id", "tag_id", "period", "since"):
            rules.by_county.setdefault(county_id, defaultdict(list))[period].append((tag_id, since))
        return rules

    def tag_ids(self, county_id) -> set[int]:
        return {t for pairs in self.by_county.get(county_id, {}).values() for t, _s in pairs}

    def of(self, county_id, tag_ids) -> list[tuple[str, date, int]]:
        """(period, since, tag) of the rules of ``county_id`` for these tags."""
        return [
            (period, since, tag)
            for period, pairs in self.by_county.get(county_id, {}).items()
            for tag, since in pairs
            if tag in tag_ids
        ]


def _last_visit() -> Subquery:
    return Subquery(Visit.objects.filter(household_id=OuterRef("pk")).order_by("-visited_on").values("visited_on")[:1])


def _limit_case(rules: Rules, today: date, which: str) -> tuple[str, list]:
    """A CASE over a (resident, tag) row giving the first day a visit must be on or after for that rule to be met —
    the start of the current period ("due") or of the previous one ("overdue") — or NULL when the rule owes
    nothing yet (its first period owed begins later)."""
    whens, params = [], []
    for county_id, by_period in rules.by_county.items():
        for period, pairs in by_period.items():
            b = periods.bounds(period, today)
            limit = b.previous if which == "overdue" else b.current
            tags = sorted({tag for tag, since in pairs if periods.first_owed(period, since) <= limit})
            if tags:
                whens.append(f"WHEN p.county_id = %s AND pt.tag_id IN ({', '.join(['%s'] * len(tags))}) THEN %s")
                params += [county_id, *tags, limit]
    if not whens:
        return "CAST(NULL AS DATE)", []  # typed: compared with a visit's date (PostgreSQL refuses date >= text)
    return f"CASE {' '.join(whens)} ELSE NULL END", params


def _owed_sql(rules: Rules, place: Place, today: date, whiches: tuple[str, ...]) -> tuple[str, list]:
    """The households of ``place`` under a rule, one row each with, per ``which``, the day their last visit must be
    on or after (NULL: nothing owed yet): the residents' tags joined to the rules, grouped by household."""
    from django.db import connection
    from django.db.models import Max

    from registry.models import Person

    quote = connection.ops.quote_name
    county, tag = (
        f"{quote('registry_person')}.{quote('county_id')}",
        f"{quote('registry_person_tags')}.{quote('tag_id')}",
    )
    through = Person.tags.through
    tags = sorted({t for c in rules.by_county for t in rules.tag_ids(c)})
    qs = through.objects.filter(place_q(place, Person, "person__"), person__is_deceased=False, tag_id__in=tags)
    limits = {}
    for which in whiches:
        case, params = _limit_case(rules, today, which)
        limits[f"{which}_limit"] = Max(RawSQL(case.replace("p.county_id", county).replace("pt.tag_id", tag), params))
    qs = qs.values("person__household_id").annotate(**limits).values("person__household_id", *limits).order_by()
    return qs.query.sql_with_params()


def owing(place: Place, today: date, *, which: str = "due") -> QuerySet:
    """The households of ``place`` owing a visit on ``today``: ``which`` "due" (the current period has none yet,
    overdue ones included) or "overdue" only; annotated with ``last`` (the last visit's date).

    One statement in the shape of the hand-written floor (bench/visits.py): the place's residents' tags grouped by
    household with the day a visit must be on or after, then no visit since that day (the (household, visited_on)
    index)."""
    rules = Rules.load()
    if not rules.by_county or not place:
        return households_of([]).annotate(last=_last_visit())
    owed, params = _owed_sql(rules, place, today, (which,))
    sql = f"""SELECT o.person__household_id FROM ({owed}) o
               WHERE o.{which}_limit IS NOT NULL
                 AND NOT EXISTS (SELECT 1 FROM visits_visit v
                                  WHERE v.household_id = o.person__household_id AND v.visited_on >= o.{which}_limit)"""
    return households_of(place).filter(pk__in=RawSQL(sql, params)).annotate(last=_last_visit())


@dataclass
class Owed:
    """One household of the list with what it owes."""

    household: object
    last: date | None
    state: str
    by: date | None
    period: str
    reasons: list[str]


def describe(actor, households, today: date) -> list[Owed]:
    """The state and reasons (the tags asking for a visit) of a page of households annotated with ``last``; a
    restricted tag (社区矫正 …) is named only to those who may see it."""
    from registry.models import Person

    households = list(households)
    if not households:
        return []
    rules = Rules.load({h.county_id for h in households})
    shows_restricted = scope.can(actor, Action.VIEW_RESTRICTED_TAGS)
    tags = defaultdict(dict)
    ids = [h.pk for h in households]
    for chunk in range(0, len(ids), 2000):  # a long list (the county's .xlsx) in bounded statements
        rows = Person.tags.through.objects.filter(
            person__household_id__in=ids[chunk : chunk + 2000], person__is_deceased=False
        ).values_list("person__household_id", "tag_id", "tag__name", "tag__restricted")
        for household_id, tag_id, name, restricted in rows:
            tags[household_id][tag_id] = (name, restricted)
    out = []
    for h in households:
        own = tags.get(h.pk, {})
        applying = rules.of(h.county_id, set(own))
        found = periods.worst([periods.status(p, since, h.last, today) for p, since, _t in applying])
        if found is None:
            continue
        reasons = sorted({own[t][0] for _p, _s, t in applying if shows_restricted or not own[t][1]})
        out.append(Owed(h, h.last, found.state, found.by, found.period, reasons))
    out.sort(key=lambda o: (periods.STATES.index(o.state), o.by or date.max, o.household.number))
    return out


def my_due(actor, today: date, *, which: str = "due") -> QuerySet:
    """The households the actor records for that owe a visit (the grid worker's list, the cadre's village)."""
    return owing(list_place(actor), today, which=which).select_related("village", "grid")


def board(actor, today: date, *, township_id=None) -> list[dict]:
    """The supervisor's board: per village and grid, households under a rule, owing this period (overdue ones
    included), overdue. One grouped statement (the floor's shape, bench/visits.py); the names read after. Kept in
    the cache until a visit is recorded or a rule changes (a tag given in the registry: within five minutes)."""
    place = board_place(actor, township_id)
    if not place:
        return []
    return kept("visits.board", _board_version(place, today), lambda: _board(place, today), BOARD_SECONDS)


BOARD_SECONDS = 300  # a tag given in the registry shows on the board within five minutes; a visit or a rule at once


def _board_version(place, today: date) -> str:
    """What the board depends on: the place and the day, the latest visit and the latest change of a rule (a visit
    recorded or a frequency set anywhere builds it afresh)."""
    from django.db.models import Count, Max

    from visits.models import Frequency, Visit

    rules = Frequency.objects.aggregate(n=Count("id"), at=Max("set_at"))
    last_visit = Visit.objects.aggregate(m=Max("id"))["m"]
    return f"{sorted(sorted(p.items()) for p in place)}|{today}|{last_visit}|{rules['n']}|{rules['at']}"


def _board(place, today: date) -> list[dict]:
    from django.db import connection

    from regions.models import Grid, Region

    rules = Rules.load()
    if not rules.by_county:
        return []
    owed, params = _owed_sql(rules, place, today, ("due", "overdue"))
    sql = f"""SELECT h.village_id, h.grid_id, COUNT(*),
                     SUM(CASE WHEN x.due_limit IS NOT NULL AND (x.last IS NULL OR x.last < x.due_limit)
                              THEN 1 ELSE 0 END),
                     SUM(CASE WHEN x.overdue_limit IS NOT NULL AND (x.last IS NULL OR x.last < x.overdue_limit)
                              THEN 1 ELSE 0 END)
                FROM (SELECT o.*, (SELECT MAX(v.visited_on) FROM visits_visit v
                                    WHERE v.household_id = o.person__household_id) AS last
                        FROM ({owed}) o) x
                JOIN registry_household h ON h.id = x.person__household_id
               GROUP BY h.village_id, h.grid_id"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    names = {
        pk: (name, township)
        for pk, name, township in Region.objects.filter(pk__in={r[0] for r in rows}).values_list(
            "pk", "name", "township__name"
        )
    }
    grids = dict(Grid.objects.filter(pk__in={r[1] for r in rows if r[1]}).values_list("pk", "name"))
    out = [
        {
            "village_id": village_id,
            "village__name": names.get(village_id, ("", ""))[0],
            "township__name": names.get(village_id, ("", ""))[1],
            "grid_id": grid_id,
            "grid__name": grids.get(grid_id),
            "ruled": ruled,
            "due": int(due or 0),
            "overdue": int(overdue or 0),
        }
        for village_id, grid_id, ruled, due, overdue in rows
    ]
    out.sort(key=lambda r: (r["township__name"], r["village__name"], r["grid__name"] or ""))
    return out
