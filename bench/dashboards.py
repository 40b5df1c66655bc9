"""Benchmark: the dashboards (issue 15) at county scale — every registered indicator's three reads against a
hand-written SQL floor in the same run, and a county's and a township's dashboard page under 20 clients.

Needs ``generate_county --households 100000 --seed 1`` with its points ledger (``points.HouseholdMonth`` filled,
``check_points_rollup``), incidents (~50,000 in the year), disputes (~10,000) and service requests (~100,000);
bench/README.md, the sections of those modules. Accounts: ``bench_county`` (county administrator) and
``bench_township`` (a township official of the first township; made here when missing, as in registers_pages.py).
Reads only (and the township official's account, once).

In this process (no HTTP, DEBUG off), for the county and the year (--year, default 2026), for every indicator of
``core.indicators.all_indicators()`` shown at the county level:

  value / by_unit / trend   ``Indicator.value(county)``, ``.by_unit(county)`` (the townships side by side) and
                            ``.trend(county, the year's 12 months)``, **cold**: the cache is cleared before each call
                            (what a dashboard costs when its figures are not kept, ``KEPT_SECONDS``)
  floor                     the same numbers from one hand-written statement per read through ``connection.cursor()``:
                            ``COUNT(*) FILTER (WHERE numerator), COUNT(*) FILTER (WHERE denominator)``
                            (``COUNT(DISTINCT household_id)`` for the points) over the same table, ``WHERE
                            county_id = … AND <date> in the period AND (numerator OR denominator)``, ``GROUP BY
                            township_id`` for by_unit and ``GROUP BY the month`` (Asia/Shanghai) for trend; the points'
                            households registered (a second table) as a scalar subquery. The numerators and
                            denominators are written from the apps' definitions (incidents.kpi.case_conditions,
                            mediation.statistics.FILTERS, doorstep.figures, …), not copied from the ORM's SQL; the
                            text of every floor is in the result file.
  per-measure floor         for information: the floor split the way the indicator reads, one statement per measure
                            (numerator, denominator): it separates the cost of two scans from the ORM's own overhead.

The numbers of each read are **asserted identical** to the floor's (value: numerator and denominator; by_unit: every
township's pair; trend: every month's pair) before timing. Then one warm-up each and --runs rounds, each timing the
indicator (cache cleared first), the floor and the per-measure floor in turn; medians, and the ratio of medians
(target of issue 15: every indicator's aggregate within 2× its floor). The points' indicators read the households'
months (``points.HouseholdMonth``) for whole months; their ledger path (a custom period) is checked to give the same
numbers and timed once, for information. Indicators over 2× are ``EXPLAIN (ANALYZE, BUFFERS)``ed (the ORM's
statements and the floor) into the result file. The whole board (``dashboards.selectors.board``) of the county and of
the township, cold, is timed too.

Over HTTP (gunicorn with the project's settings, ``config/gunicorn.conf.py``; sessions signed in through the login
form; the cache is per process, locmem):

  cold           --cold-restarts fresh servers: each one's workers are warmed on /healthz, /login/ and the
                 definitions page (imports, connections, the base templates), then the first request of the county's
                 dashboard (bench_county) and of the township's (bench_township), one client, no other request
                 (target: < 3 s)
  floor, page_floor, county_page, township_page, floor_end
                 on the last server: /healthz, /login/ and the two dashboards under --clients keep-alive clients for
                 --duration seconds each (at most --requests; the floors at most --floor-requests, 5,000, so that no
                 worker reaches gunicorn's max_requests and restarts with an empty cache), after --warmup untimed
                 requests (target: p95 < 500 ms at 20 clients)
  one client     then each dashboard --sequential-runs times from one client, warm (the server's own cost)
  cold, other townships
                 then the first request of --cold-townships other townships' dashboards (bench_county, distinct cache
                 keys: cold figures in a warm process)
  places         then the county's dashboard and its townships' in turn under --clients clients (bench_county going
                 through them; --no-places skips it): each place keeps 72 entries (24 indicators × 3 reads) in the
                 per-process cache, whose MAX_ENTRIES (locmem: 300 by default) then decides how often a page is cold

Writes results/<name>.json with the machine's load at each step and when the tables read were last analysed (the
benchmark machine runs without autovacuum: ``ANALYZE points_householdmonth`` after ``points`` migration 0012 filled it,
or its plans assume ten rows).

    .venv/bin/python bench/dashboards.py [--runs 7] [--duration 30] [--cold-restarts 3] [--no-http]
"""

from __future__ import annotations

import os
import statistics as stats
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    ROOT,
    free_port,
    load_bench,
    machine,
    page_bench_args,
    run_summary,
    server_settings,
    setup_django,
    start_server,
    stop_server,
    write_result,
)
from _common import timed as timed_statements  # noqa: E402

TARGET_RATIO = 2
TARGET_P95_MS = 500
TARGET_COLD_MS = 3000
TZ = "Asia/Shanghai"


# --- the floors ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Floor:
    """An indicator's numbers by hand: rows of ``source`` in the county (``place``) dated (``date``) in the period,
    counting ``count`` where ``num`` (and ``den``) hold. ``date_kind``: 'ts' (a moment: [low, high)) or 'date'
    (a day: [start, end]). ``township``: the column placing a row in a township."""

    source: str
    date: str
    date_kind: str
    num: str
    den: str | None = None
    place: str = "county_id"
    township: str = "township_id"
    count: str = "*"

    def _where(self) -> str:
        if self.date_kind == "ts":
            dated = f"{self.date} >= %(low)s AND {self.date} < %(high)s"
        else:
            dated = f"{self.date} >= %(start)s AND {self.date} <= %(end)s"
        wanted = self.num if self.den is None else f"(({self.num}) OR ({self.den}))"
        if wanted == "TRUE":
            return f"{self.place} = %(region)s AND {dated}"
        return f"{self.place} = %(region)s AND {dated} AND {wanted}"

    def _counts(self) -> str:
        def counted(cond):
            return f"COUNT({self.count})" if cond == "TRUE" else f"COUNT({self.count}) FILTER (WHERE {cond})"

        return counted(self.num) + ("" if self.den is None else ", " + counted(self.den))

    def _month(self) -> str:
        if self.date_kind == "ts":
            return f"date_trunc('month', {self.date} AT TIME ZONE '{TZ}')::date"
        return f"date_trunc('month', {self.date})::date"

    def sql(self) -> dict[str, str]:
        where = self._where()
        return {
            "value": f"SELECT {self._counts()} FROM {self.source} WHERE {where}",
            "by_unit": f"SELECT {self.township}, {self._counts()} FROM {self.source} WHERE {where} "
            f"AND {self.township} IS NOT NULL GROUP BY 1",
            "trend": f"SELECT {self._month()}, {self._counts()} FROM {self.source} WHERE {where} GROUP BY 1",
        }

    def split(self) -> list[Floor]:
        """One floor per measure (the numerator alone, the denominator alone): the shape of the indicator's reads."""
        if self.den is None:
            return [self]
        return [Floor(**{**self.__dict__, "den": None}), Floor(**{**self.__dict__, "num": self.den, "den": None})]


@dataclass(frozen=True)
class PointsFloor:
    """The points' share: households with a month counting (``HouseholdMonth``, one row per household and month) over
    the households registered now (no date): two tables, one statement (the denominator a scalar subquery)."""

    which: str  # added | deducted
    part: str = ""  # '' both; 'num' or 'den' alone (the per-measure floor)

    def _hm(self) -> str:
        return (
            "FROM points_householdmonth WHERE county_id = %(region)s AND month >= %(start)s AND month <= %(end)s "
            f"AND {self.which} > 0"
        )

    def sql(self) -> dict[str, str]:
        hm = self._hm()
        households = "SELECT COUNT(*) FROM registry_household WHERE county_id = %(region)s"
        households_by = (
            "SELECT township_id, COUNT(*) AS n FROM registry_household WHERE county_id = %(region)s "
            "AND township_id IS NOT NULL GROUP BY 1"
        )
        if self.part == "num":
            return {
                "value": f"SELECT COUNT(DISTINCT household_id) {hm}",
                "by_unit": f"SELECT township_id, COUNT(DISTINCT household_id) {hm} AND township_id IS NOT NULL "
                "GROUP BY 1",
                "trend": f"SELECT month, COUNT(*) {hm} GROUP BY 1",
            }
        if self.part == "den":
            return {"value": households, "by_unit": households_by, "trend": households}
        return {
            "value": f"SELECT (SELECT COUNT(DISTINCT household_id) {hm}), ({households})",
            "by_unit": f"""SELECT township_id, COALESCE(n.n, 0), COALESCE(d.n, 0)
  FROM (SELECT township_id, COUNT(DISTINCT household_id) AS n {hm} AND township_id IS NOT NULL GROUP BY 1) n
  FULL JOIN ({households_by}) d USING (township_id)""",
            # one row per household and month (unique_household_month): COUNT(*) per month is the distinct count
            "trend": f"SELECT month, COUNT(*), ({households}) {hm} GROUP BY 1",
        }

    def split(self) -> list[PointsFloor]:
        return [PointsFloor(self.which, "num"), PointsFloor(self.which, "den")]


_INC = dict(source="incidents_incident", date="created_at", date_kind="ts")
_DOOR = dict(source="doorstep_servicerequest", date="opened_at", date_kind="ts")
_MED = dict(source="mediation_dispute", date="received_on", date_kind="date")
_DEC = dict(source="deliberation_decision", date="decided_at", date_kind="ts")
_MEET = dict(source="meetings_meeting", date="ended_at", date_kind="ts")
_Q = dict(source="transparency_noticequestion", date="asked_at", date_kind="ts")
_EXP = dict(source="finance_expense", date="paid_at", date_kind="ts")
DONE = "flow = 'doorstep' AND completed_at IS NOT NULL"

FLOORS = {
    "points.participation": PointsFloor("added"),
    "points.deducted": PointsFloor("deducted"),
    # incidents.kpi.case_conditions (now: the moment of the run, %(now)s)
    "incidents.cases": Floor(**_INC, num="TRUE"),
    "incidents.response": Floor(
        **_INC,
        num="level <> '' AND responded_on_time",
        den="level <> '' AND (responded_on_time IS NOT NULL "
        "OR (responded_at IS NULL AND state = 'dispatched' AND deadline_at < %(now)s))",
    ),
    "incidents.completion": Floor(
        **_INC, num="resolved_at IS NOT NULL AND resolved_on_time", den="resolved_at IS NOT NULL"
    ),
    "incidents.satisfaction": Floor(**_INC, num="rating IN ('satisfied', 'basic')", den="rating <> ''"),
    "incidents.in_village": Floor(**_INC, num="state = 'closed' AND level = 'village'", den="state = 'closed'"),
    # mediation.statistics.FILTERS
    "mediation.received": Floor(**_MED, num="TRUE"),
    "mediation.resolution": Floor(
        **_MED, num="outcome = 'agreement'", den="outcome IN ('agreement', 'failed', 'refused')"
    ),
    "mediation.performance": Floor(**_MED, num="performance = 'full'", den="performance <> ''"),
    # doorstep.figures (the requests made in the period)
    "doorstep.requests": Floor(**_DOOR, num="flow = 'doorstep'"),
    "doorstep.on_time": Floor(**_DOOR, num=f"{DONE} AND completed_on_time", den=DONE),
    "doorstep.in_village": Floor(**_DOOR, num=f"{DONE} AND level = 'village' AND NOT went_upstream", den=DONE),
    "doorstep.satisfaction": Floor(
        **_DOOR,
        num="flow = 'doorstep' AND rating IN ('satisfied', 'basic')",
        den="flow = 'doorstep' AND rating <> ''",
    ),
    "deliberation.decisions": Floor(**_DEC, num="TRUE"),
    "deliberation.decisions_published": Floor(**_DEC, num="published_at IS NOT NULL", den="TRUE"),
    "deliberation.results_published": Floor(
        **_DEC, num="topic_id IS NOT NULL AND result_published_at IS NOT NULL", den="topic_id IS NOT NULL"
    ),
    "meetings.held": Floor(**_MEET, num="state = 'closed'"),
    "meetings.motions_adopted": Floor(
        source="meetings_motion mo JOIN meetings_meeting me ON me.id = mo.meeting_id",
        date="mo.decided_at",
        date_kind="ts",
        num="mo.binding AND mo.outcome = 'adopted'",
        place="me.county_id",
        township="me.township_id",
    ),
    "meetings.minutes_written": Floor(
        **_MEET, num="state = 'closed' AND minutes_at IS NOT NULL", den="state = 'closed'"
    ),
    # transparency.selectors.on_record; a question past its deadline unanswered counts as due (now() = the
    # statement's time, as the ORM's Now())
    "transparency.notices_published": Floor(
        source="transparency_notice",
        date="published_at",
        date_kind="ts",
        num="state IN ('published', 'ended') OR (state = 'withdrawn' AND superseded_by_id IS NOT NULL)",
    ),
    "transparency.questions_in_time": Floor(
        **_Q,
        num="answered_on_time",
        den="answered_at IS NOT NULL OR (state = 'asked' AND deadline_at < statement_timestamp())",
    ),
    "finance.expenses_approved": Floor(
        source="finance_expense", date="approved_at", date_kind="ts", num="approved_at IS NOT NULL"
    ),
    # paid, and the month of the payment's ledger entry (one-to-one) has a published monthly disclosure
    "finance.expenses_disclosed": Floor(
        source="finance_expense e LEFT JOIN finance_ledgerentry le ON le.expense_id = e.id",
        date="e.paid_at",
        date_kind="ts",
        place="e.county_id",
        township="e.township_id",
        num="e.state = 'paid' AND EXISTS (SELECT 1 FROM finance_monthlydisclosure d "
        "JOIN transparency_notice n ON n.id = d.notice_id WHERE d.village_id = e.village_id "
        "AND d.year = EXTRACT(YEAR FROM le.date) AND d.month = EXTRACT(MONTH FROM le.date) "
        "AND n.published_at IS NOT NULL)",
        den="e.state = 'paid'",
    ),
}


# --- in process ------------------------------------------------------------------------------------------------


def _fetch(sql: str, params: dict) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def floor_numbers(spec, read: str, params: dict, months: list[date], percent: bool):
    """A floor's numbers in the shape the indicator's read gives them: value (num, den), by_unit {id: (num, den)}
    (places with any case), trend [(num, den)] a month."""
    rows = _fetch(spec.sql()[read], params)
    pair = (lambda r: (r[1], r[2] if percent else None)) if read != "value" else None
    if read == "value":
        return (rows[0][0], rows[0][1] if percent else None)
    if read == "by_unit":
        return {r[0]: pair(r) for r in rows if r[1] or (percent and r[2])}
    found = {r[0]: pair(r) for r in rows}
    if percent and isinstance(spec, PointsFloor):  # the households registered: the same in every month
        den = rows[0][2] if rows else _fetch(spec.sql()["value"], params)[0][1]
        return [(found.get(m, (0, den))[0], den) for m in months]
    return [found.get(m, (0, 0 if percent else None)) for m in months]


def indicator_numbers(indicator, read: str, level: str, region_id: int, period, months):
    from core import indicators as ind

    percent = indicator.unit == ind.PERCENT
    if read == "value":
        v = indicator.value(level, region_id, period)
        return (v.num, v.den if percent else None)
    if read == "by_unit":
        return {k: (v.num, v.den if percent else None) for k, v in indicator.by_unit(level, region_id, period).items()}
    return [(v.num, v.den if percent else None) for v in indicator.trend(level, region_id, months)]


def in_process(args, county, period, now) -> dict:
    from django.core.cache import cache
    from django.utils import timezone

    from core import indicators as ind

    low, high = period.bounds
    params = {"region": county.pk, "start": period.start, "end": period.end, "low": low, "high": high, "now": now}
    months_p = ind.trend_months(period)
    months = [m.start for m in months_p]
    indicators = [i for i in ind.all_indicators() if i.applies_to(ind.COUNTY)]
    missing = [i.key for i in indicators if i.key not in FLOORS]
    out, explain = {}, {}
    for indicator in indicators:
        spec = FLOORS.get(indicator.key)
        if spec is None:
            print(f"  {indicator.key}: no floor", flush=True)
            continue
        percent = indicator.unit == ind.PERCENT
        entry = {"unit": indicator.unit, "floor_sql": spec.sql(), "reads": {}}
        for read in ("value", "by_unit", "trend"):
            cache.clear()
            params["now"] = timezone.now()  # the incidents' conditions count late answers at the moment of the call
            mine = indicator_numbers(indicator, read, ind.COUNTY, county.pk, period, months_p)
            theirs = floor_numbers(spec, read, params, months, percent)
            assert mine == theirs, f"{indicator.key} {read}: indicator {mine} != floor {theirs}"

            def orm(read=read, indicator=indicator):
                cache.clear()
                t0 = time.perf_counter()
                indicator_numbers(indicator, read, ind.COUNTY, county.pk, period, months_p)
                return time.perf_counter() - t0

            def floor(read=read, spec=spec):
                t0 = time.perf_counter()
                _fetch(spec.sql()[read], params)
                return time.perf_counter() - t0

            def split(read=read, spec=spec):
                t0 = time.perf_counter()
                for part in spec.split():
                    _fetch(part.sql()[read], params)
                return time.perf_counter() - t0

            for fn in (orm, floor, split):  # warm-up
                fn()
            times = {"indicator": [], "floor": [], "per_measure_floor": []}
            for _ in range(args.runs):
                times["indicator"].append(orm())
                times["floor"].append(floor())
                times["per_measure_floor"].append(split())
            cache.clear()
            statements = _capture(
                lambda read=read, indicator=indicator: indicator_numbers(
                    indicator, read, ind.COUNTY, county.pk, period, months_p
                )
            )
            med = {k: stats.median(v) for k, v in times.items()}
            entry["reads"][read] = {
                "indicator": run_summary(times["indicator"]),
                "floor": run_summary(times["floor"]),
                "per_measure_floor": run_summary(times["per_measure_floor"]),
                "ratio": round(med["indicator"] / med["floor"], 2),
                "ratio_per_measure": round(med["indicator"] / med["per_measure_floor"], 2),
                "statements": len(statements),
                "numbers_checked": _short(mine),
            }
            r = entry["reads"][read]
            print(
                f"  {indicator.key:<34} {read:<8} {r['indicator']['median_ms']:>9} ms  floor "
                f"{r['floor']['median_ms']:>8} ms  ×{r['ratio']:<5} (per measure {r['per_measure_floor']['median_ms']}"
                f" ms, ×{r['ratio_per_measure']}; {len(statements)} statements)",
                flush=True,
            )
            if r["ratio"] > TARGET_RATIO and med["indicator"] > 0.005 and not args.no_explain:
                explain[f"{indicator.key} {read}"] = _explain(statements, spec.sql()[read], params)
        out[indicator.key] = entry
    return {"indicators": out, "no_floor": missing, "explain": explain, "load_after": list(os.getloadavg())}


def _short(numbers):
    if isinstance(numbers, dict):
        return {"places": len(numbers), "sum": [sum(v[0] for v in numbers.values()), _sum_den(numbers.values())]}
    if isinstance(numbers, list):
        return {"months": len(numbers), "sum": [sum(v[0] for v in numbers), _sum_den(numbers)]}
    return list(numbers)


def _sum_den(pairs):
    dens = [v[1] for v in pairs]
    return None if any(d is None for d in dens) else sum(dens)


def _capture(fn) -> list[tuple[str, tuple]]:
    """The statements ``fn`` runs, with their parameters."""
    from django.db import connection

    captured = []

    def wrapper(execute, sql, params, many, context):
        captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        fn()
    return captured


def _explain(statements: list[tuple[str, tuple]], floor_sql: str, params: dict) -> dict:
    """EXPLAIN (ANALYZE, BUFFERS) of the indicator's statements (re-run with their parameters) and of the floor."""
    from django.db import connection

    out = {"indicator": [], "floor": None}
    with connection.cursor() as cursor:
        for sql, sql_params in statements:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, sql_params)
            plan = [row[0] for row in cursor.fetchall()]
            out["indicator"].append({"sql": sql, "params": [str(x) for x in sql_params or ()], "plan": plan})
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + floor_sql, params)
        out["floor"] = {"sql": floor_sql, "plan": [row[0] for row in cursor.fetchall()]}
    return out


def ledger_path(args, county, period) -> dict:
    """The points' numerators read from the ledger rows (the path of a period that is not whole months): the same
    numbers as the households' months, and what reading them costs (for information, --ledger-runs runs)."""
    from django.core.cache import cache

    from core import indicators as ind
    from core.periods import Period

    out = {}
    months = ind.trend_months(period)
    for key in ("points.participation", "points.deducted"):
        source = ind.get(key).numerator
        rollup = (
            source.rollup.total(ind.COUNTY, county.pk, period),
            source.rollup.by(ind.COUNTY, county.pk, period, ind.TOWNSHIP),
            source.rollup.monthly(ind.COUNTY, county.pk, Period(months[0].start, months[-1].end)),
        )
        times = {"value": [], "by_unit": [], "trend": []}
        rows = None
        for _ in range(args.ledger_runs):
            cache.clear()
            t0 = time.perf_counter()
            total = source.rows.total(ind.COUNTY, county.pk, period)
            t1 = time.perf_counter()
            by = source.rows.by(ind.COUNTY, county.pk, period, ind.TOWNSHIP)
            t2 = time.perf_counter()
            monthly = source.rows.monthly(ind.COUNTY, county.pk, Period(months[0].start, months[-1].end))
            t3 = time.perf_counter()
            times["value"].append(t1 - t0)
            times["by_unit"].append(t2 - t1)
            times["trend"].append(t3 - t2)
            rows = (total, by, monthly)
        # the trend's months: a household counts once a month in both (the rollup's rows are per month)
        assert rows[0] == rollup[0], f"{key}: ledger {rows[0]} != households' months {rollup[0]}"
        assert rows[1] == rollup[1], f"{key}: by township, ledger != households' months"
        assert rows[2] == rollup[2], f"{key}: by month, ledger != households' months"
        out[key] = {read: run_summary(t) for read, t in times.items()} | {"numbers_agree": True, "households": rows[0]}
        print(
            f"  {key} from the ledger: value {out[key]['value']['median_ms']} ms, by_unit "
            f"{out[key]['by_unit']['median_ms']} ms, trend {out[key]['trend']['median_ms']} ms (same numbers)",
            flush=True,
        )
    return out


def boards(args, county, township, users, period) -> dict:
    """The whole board (dashboards.selectors.board), cold, of the county and of the township."""
    from django.core.cache import cache

    from accounts.models import User
    from dashboards import selectors

    out = {}
    for name, who, region in (("county", "bench_county", county), ("township", "bench_township", township)):
        times = []
        for _ in range(args.board_runs):
            cache.clear()
            actor = User.objects.get(pk=users[who].pk)
            t0 = time.perf_counter()
            board = selectors.board(actor, region.pk, period)
            times.append(time.perf_counter() - t0)
        cache.clear()
        total, sql, statements = timed_statements(
            lambda who=who, region=region: selectors.board(User.objects.get(pk=users[who].pk), region.pk, period)
        )
        out[name] = run_summary(times) | {
            "indicators": len(board.lines),
            "units": len(board.units),
            "statements": len(statements),
            "sql_ms_one_run": round(sql * 1000, 1),
            "total_ms_same_run": round(total * 1000, 1),
        }
        print(f"  board {name}: {out[name]}", flush=True)
    return out


def one_map(args, county, users) -> dict:
    """The one map of the county (issue 15: its layers load under 1 s): the page, the townships' outlines with the
    default indicator's figures, and every layer the county administrator has, each through its view (Django's
    test client, DEBUG off), cold (cache cleared: the outlines are unioned from the grids afresh) then kept."""
    from django.core.cache import cache
    from django.test import Client

    from core import plugins

    client = Client()
    client.force_login(users["bench_county"])
    base = f"/dashboards/{county.pk}/map/"
    paths = {"page": base, "places": f"{base}places.geojson?period=year&year={args.year}"}
    for layer in plugins.map_layers(users["bench_county"]):
        paths[f"layer {layer.key}"] = f"{base}layers/{layer.key}.geojson"
    client.get(paths["page"], HTTP_HOST="localhost")  # the process's first request (imports, templates)
    out = {}
    for name, path in paths.items():
        times = {}
        for phase in ("cold", "kept"):
            if phase == "cold":
                cache.clear()
            t0 = time.perf_counter()
            response = client.get(path, HTTP_HOST="localhost")
            times[phase] = round((time.perf_counter() - t0) * 1000, 1)
            assert response.status_code == 200, (path, response.status_code)
        features = len(response.json()["features"]) if path.endswith(".geojson") else None
        out[name] = times | {"bytes": len(response.content), "features": features}
        print(
            f"  map {name:24s} cold {times['cold']:8.1f} ms, kept {times['kept']:8.1f} ms, "
            f"{len(response.content) / 1024:7.0f} KB, {features} features",
            flush=True,
        )
    return out


# --- HTTP ------------------------------------------------------------------------------------------------------


def _get(port: int, path: str, cookie: str | None) -> tuple[float, int, int]:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    t0 = time.perf_counter()
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - t0
    conn.close()
    return elapsed, response.status, len(body)


def http_phases(args, keys, county, township, others, query: str, places: list[int]) -> dict:
    helpers = load_bench("points")
    server = server_settings(args)
    county_path = f"/dashboards/{county.pk}/?{query}"
    township_path = f"/dashboards/{township.pk}/?{query}"
    cold = {"county": [], "township": [], "other_townships": []}
    phases, alone = {}, {}
    loads = []
    for restart in range(args.cold_restarts):
        last = restart == args.cold_restarts - 1
        port = free_port()
        log_path = Path(tempfile.gettempdir()) / f"bench-gunicorn-{port}.log"
        var_dir = Path(tempfile.mkdtemp(prefix="bench-dashboards-var-"))
        print(f"Starting gunicorn on 127.0.0.1:{port}: {server['command']} …", flush=True)
        proc = start_server(args, keys, port, log_path=log_path, extra_env={"VAR_DIR": str(var_dir)})
        try:
            cookie = {
                who: helpers.session_login(port, who, args.password) for who in ("bench_county", "bench_township")
            }
            # every worker: imports, its database connection, the base templates (not the dashboards' figures)
            warm = [("warm", "GET", p, None, {}) for p in ("/healthz", "/login/", "/dashboards/indicators/") * 20]
            headers = [{"Cookie": cookie["bench_county"]} for _ in range(args.clients)]
            helpers.run_phase(port, warm, [], headers, 5)
            time.sleep(1)
            loads.append(("before cold", restart, list(os.getloadavg())))
            for name, path, who in (
                ("county", county_path, "bench_county"),
                ("township", township_path, "bench_township"),
            ):
                elapsed, status, size = _get(port, path, cookie[who])
                assert status == 200, f"{path}: {status}"
                cold[name].append({"ms": round(elapsed * 1000, 1), "bytes": size, "load": os.getloadavg()[0]})
                print(f"  cold {name} (server {restart + 1}): {elapsed * 1000:.0f} ms, {size} bytes", flush=True)
            if not last:
                continue
            plans = {
                "floor": ("/healthz", None),
                "page_floor": ("/login/", None),
                "county_page": (county_path, "bench_county"),
                "township_page": (township_path, "bench_township"),
                "floor_end": ("/healthz", None),
            }
            for name, (path, who) in plans.items():
                headers = [{"Cookie": cookie[who]} if who else {} for _ in range(args.clients)]
                warmup = [(name, "GET", path, None, {}) for _ in range(args.warmup)]
                # the floors answer 1,000 requests a second: bounded, so that no worker reaches gunicorn's
                # max_requests (20,000 ± 2,000) and restarts with an empty cache during the run
                n = args.floor_requests if who is None else args.requests
                plan = [(name, "GET", path, None, {}) for _ in range(n)]
                phases[name] = helpers.run_phase(port, warmup, plan, headers, args.duration)
                print(f"  {name:<14} {helpers._line(phases[name])}", flush=True)
            # one client, one request after another, warm: what a page costs the server without waiting for others
            for name, path, who in (
                ("county", county_path, "bench_county"),
                ("township", township_path, "bench_township"),
            ):
                alone[name] = helpers.sequential(port, path, {"Cookie": cookie[who]}, args.sequential_runs)
                print(f"  one client, warm, {name}: p50 {alone[name]['p50_ms']} ms, p95 {alone[name]['p95_ms']} ms")
            for other in others:
                elapsed, status, size = _get(port, f"/dashboards/{other.pk}/?{query}", cookie["bench_county"])
                assert status == 200, status
                cold["other_townships"].append({"township": other.name, "ms": round(elapsed * 1000, 1)})
            print(f"  cold, other townships (warm process): {cold['other_townships']}", flush=True)
            if places:
                # the county's dashboard and every township's in turn (a county administrator going through them):
                # 72 cache entries a place, the per-process cache keeps at most its MAX_ENTRIES
                paths = [f"/dashboards/{pk}/?{query}" for pk in places]
                headers = [{"Cookie": cookie["bench_county"]} for _ in range(args.clients)]
                warmup = [("places", "GET", p, None, {}) for p in paths * 3]
                plan = [("places", "GET", paths[i % len(paths)], None, {}) for i in range(args.requests)]
                phases["places"] = helpers.run_phase(port, warmup, plan, headers, args.duration)
                print(f"  {'places':<14} {helpers._line(phases['places'])}", flush=True)
        finally:
            stop_server(proc)
    floor = max(phases["floor"]["latency"]["p95_ms"], phases["floor_end"]["latency"]["p95_ms"])
    summary = {}
    for name in ("page_floor", "county_page", "township_page", "places"):
        if name not in phases:
            continue
        lat = phases[name]["latency"]
        summary[name] = {
            "p50_ms": lat["p50_ms"],
            "p95_ms": lat["p95_ms"],
            "p99_ms": lat["p99_ms"],
            "rps": phases[name]["throughput_rps"],
            "requests": phases[name]["requests"],
            "wall_s": phases[name]["wall_s"],
            "p95_over_floor": round(lat["p95_ms"] / floor, 1) if floor else None,
            "status_codes": phases[name]["status_codes"],
            "target_p95_met": lat["p95_ms"] is not None and lat["p95_ms"] < TARGET_P95_MS,
        }
    for name in ("county", "township"):
        values = [c["ms"] for c in cold[name]]
        summary[f"cold_{name}"] = {
            "runs": len(values),
            "median_ms": stats.median(values),
            "max_ms": max(values),
            "target_met": max(values) < TARGET_COLD_MS,
        }
    if cold["other_townships"]:
        values = [c["ms"] for c in cold["other_townships"]]
        summary["cold_other_townships"] = {
            "runs": len(values),
            "median_ms": stats.median(values),
            "max_ms": max(values),
        }
    return {
        "server": server,
        "summary": summary,
        "cold": cold,
        "one_client_warm": alone,
        "phases": phases,
        "loads": loads,
        "load_after": list(os.getloadavg()),
    }


def main():
    import argparse

    extra = argparse.ArgumentParser(add_help=False)
    extra.add_argument("--year", type=int, default=2026)
    extra.add_argument("--cold-restarts", type=int, default=3)
    extra.add_argument("--cold-townships", type=int, default=4)
    extra.add_argument("--board-runs", type=int, default=3)
    extra.add_argument("--ledger-runs", type=int, default=1)
    extra.add_argument("--no-explain", action="store_true")
    extra.add_argument("--no-in-process", action="store_true")
    extra.add_argument("--no-places", action="store_true")
    extra.add_argument("--sequential-runs", type=int, default=20)
    extra.add_argument("--floor-requests", type=int, default=5000)
    own, rest = extra.parse_known_args()
    given = set(rest)
    sys.argv = [sys.argv[0], *rest]
    args = page_bench_args("dashboards", __doc__)
    if "--requests" not in given:  # the phases are bounded by their duration
        args.requests = 100_000
    if "--duration" not in given:
        args.duration = 30
    for k, v in vars(own).items():
        setattr(args, k, v)
    if args.runs < 5:
        sys.exit("--runs must be at least 5")
    if args.duration < 30 and not args.no_http:
        print("note: --duration under 30 s", flush=True)
    setup_django(args.app_dir.resolve())
    from django.conf import settings
    from django.utils import timezone

    from accounts.models import User
    from core import crypto
    from core.periods import year_period
    from regions.models import Region, RegionLevel

    keys = crypto._keys()
    settings.DEBUG = False
    county = Region.objects.get(code=args.county_code, level=RegionLevel.COUNTY)
    load_bench("registers_pages")._township_official(county, args.password)
    users = {u.username: u for u in User.objects.filter(username__in=("bench_county", "bench_township"))}
    township = users["bench_township"].assignments.get(role="township_official").region
    townships = list(Region.objects.filter(county=county, level=RegionLevel.TOWNSHIP).order_by("code"))
    others = [t for t in townships if t.pk != township.pk][: args.cold_townships]
    period = year_period(args.year)
    now = timezone.now()
    facts = machine()
    facts["data"] = _data(county, period)
    facts["planner_statistics"] = _statistics()
    print(f"County {county.code} (id {county.pk}), township {township.name} (id {township.pk}): {facts['data']}")
    loads = [("start", list(os.getloadavg()))]
    result = {}
    if not args.no_in_process:
        result = in_process(args, county, period, now)
        loads.append(("after indicators", list(os.getloadavg())))
        result["boards"] = boards(args, county, township, users, period)
        loads.append(("after boards", list(os.getloadavg())))
        if args.ledger_runs:
            result["ledger_path"] = ledger_path(args, county, period)
        result["one_map"] = one_map(args, county, users)
    http = {}
    if not args.no_http:
        places = [] if args.no_places else [county.pk, *[t.pk for t in townships]]
        http = http_phases(args, keys, county, township, others, f"period=year&year={args.year}", places)
        loads.append(("after http", list(os.getloadavg())))
    summary = _summary(result)
    out = {
        "benchmark": "dashboards: every indicator's value, by_unit and trend against a hand-written SQL floor; the "
        "county's and a township's dashboard under 20 clients",
        "args": {k: str(v) for k, v in vars(args).items()},
        "machine": facts,
        "loads": loads,
        "targets": {"indicator_ratio_max": TARGET_RATIO, "page_p95_ms": TARGET_P95_MS, "cold_ms": TARGET_COLD_MS},
        "summary": summary,
        "in_process": result,
        "http": http,
    }
    path = write_result(args.name, out)
    print(f"Wrote {path.relative_to(ROOT)}", flush=True)


def _summary(result: dict) -> dict:
    rows = {}
    for key, entry in (result.get("indicators") or {}).items():
        rows[key] = {
            read: [r["indicator"]["median_ms"], r["floor"]["median_ms"], r["ratio"]]
            for read, r in entry["reads"].items()
        }
    over = [f"{k} {read}" for k, reads in rows.items() for read, v in reads.items() if v[2] > TARGET_RATIO]
    return {"columns": ["indicator_ms", "floor_ms", "ratio"], "indicators": rows, "over_ratio_target": over}


def _statistics() -> dict:
    """When the tables the indicators read were last analysed (autovacuum is off on the benchmark machine: a table
    filled without ANALYZE is planned as nearly empty)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_live_tup, n_mod_since_analyze, GREATEST(last_analyze, last_autoanalyze) "
            "FROM pg_stat_user_tables WHERE relname = ANY(%s) ORDER BY relname",
            [
                [
                    "points_householdmonth",
                    "registry_household",
                    "incidents_incident",
                    "mediation_dispute",
                    "doorstep_servicerequest",
                    "points_ledgerentry",
                ]
            ],
        )
        return {r[0]: {"rows": r[1], "modified_since_analyze": r[2], "analyzed": r[3]} for r in cursor.fetchall()}


def _data(county, period) -> dict:
    from django.db import connection

    low, high = period.bounds
    counts = {}
    with connection.cursor() as cursor:
        for name, sql, params in (
            ("households", "SELECT COUNT(*) FROM registry_household WHERE county_id = %s", [county.pk]),
            (
                "points_entries",
                "SELECT COUNT(*) FROM points_ledgerentry WHERE county_id = %s",
                [county.pk],
            ),
            (
                "household_months_in_year",
                "SELECT COUNT(*) FROM points_householdmonth WHERE county_id = %s AND month BETWEEN %s AND %s",
                [county.pk, period.start, period.end],
            ),
            (
                "incidents_in_year",
                "SELECT COUNT(*) FROM incidents_incident WHERE county_id = %s AND created_at >= %s AND created_at < %s",
                [county.pk, low, high],
            ),
            (
                "disputes_in_year",
                "SELECT COUNT(*) FROM mediation_dispute WHERE county_id = %s AND received_on BETWEEN %s AND %s",
                [county.pk, period.start, period.end],
            ),
            (
                "service_requests_in_year",
                "SELECT COUNT(*) FROM doorstep_servicerequest WHERE county_id = %s AND opened_at >= %s "
                "AND opened_at < %s",
                [county.pk, low, high],
            ),
            ("decisions", "SELECT COUNT(*) FROM deliberation_decision WHERE county_id = %s", [county.pk]),
            ("meetings", "SELECT COUNT(*) FROM meetings_meeting WHERE county_id = %s", [county.pk]),
            ("notices", "SELECT COUNT(*) FROM transparency_notice WHERE county_id = %s", [county.pk]),
            ("expenses", "SELECT COUNT(*) FROM finance_expense WHERE county_id = %s", [county.pk]),
        ):
            cursor.execute(sql, params)
            counts[name] = cursor.fetchone()[0]
    return counts


if __name__ == "__main__":
    main()
