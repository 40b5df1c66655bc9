"""乡村八榜 at county scale for benchmarks (deterministic for a seed and a moment ``now``): the county's boards, every
village's panel (评选小组, committees), and for each quarter of the year up to ``now`` a few nominations per board and
village — evaluated by the panel (selected with a rank, or not), published with the quarter, confirmed by the
deadline run when the notice ends, a few objected to (dismissed, or upheld: taken off the board), the current
quarter's still under way.

What goes through the services: the boards (``honours.services.county_set_up``, idempotent) and the panel of a village
that has none (``committees.services``, as the county administrator). Written in bulk: the accounts that act
(``registry.generation.bulk_accounts``: the village cadre ``vc<village code>`` nominates and evaluates, a villager
``vl<village code>`` nominates now and then and raises the objections), the nominations with the timelines
``core.workflow`` would have written (customs.generation's ``Timeline``; the confirmation is the deadline run's
escalation, taken at the first run after the notice ends with no objection waiting) and the objections."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from casework.models import CaseEvent
from core import db
from customs.generation import (
    Calendar,
    GenerationError,
    Timeline,
    at,
    cadres,
    flag_time,
    insert,
    insert_timelines,
    later,
    seat_committee,
    villages_of,
)
from regions.models import Region

DEEDS = {
    "pioneer": "党员带头参与村道修建和防汛值守，主动为群众办实事。",
    "prosper": "发展特色种养，带动周边农户增收致富。",
    "kindness": "常年照顾孤寡老人，热心参与村里公益活动。",
    "worthy": "反哺家乡捐资助学，积极参与调解邻里纠纷。",
    "newstyle": "带头婚事新办、丧事简办，倡导文明新风。",
    "filial": "悉心照料年迈父母和患病亲属，孝老爱亲。",
    "scholar": "品学兼优，今年考入大学。",
    "homemaker": "勤劳持家，手工编织远近闻名，带动妇女就业。",
    "family": "家庭和睦，邻里团结，家风淳朴。",
    "courtyard": "庭院整洁，绿化美化，环境卫生保持良好。",
}
OTHER_DEEDS = "事迹突出，群众公认。"
OPINIONS = ["事迹属实，群众认可。", "经评选小组评议，同意入榜。", "事迹突出，推荐入榜。"]
DECLINES = ["事迹材料不够具体，本季度暂不入选。", "本季度名额已满，建议下季度再报。"]
OBJECTIONS = ["所报事迹与实际情况有出入。", "该户近期与邻居发生纠纷，建议再核实。"]


@dataclass
class Generated:
    nominations: int = 0
    timeline: int = 0
    objections: int = 0
    boards: int = 0
    committees: int = 0
    states: dict = field(default_factory=dict)

    def summary(self) -> dict:
        return {
            "nominations": self.nominations,
            "case_events": self.timeline,
            "objections": self.objections,
            "boards_installed": self.boards,
            "panels_set_up": self.committees,
            "states": dict(sorted(self.states.items())),
        }


def generate_honours(
    county: Region, actor, *, seed: int = 1, per_board: float = 2, year: int | None = None, now: datetime | None = None
) -> dict:
    """Boards, panels and about ``per_board`` nominations per board, village and quarter of ``year`` (default: this
    year) up to ``now``; see the module."""
    from honours.models import Nomination, Objection

    if Nomination.objects.filter(county=county).exists():
        raise GenerationError(f"County {county.code} has nominations for the honour boards already.")
    now = now or timezone.now()
    year = year or timezone.localtime(now).year
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        result = _generate(county, actor, seed=seed, per_board=per_board, year=year, now=now)
    db.refresh_statistics([Nomination, Objection, CaseEvent])
    return result.summary()


def _villagers(county, villages) -> dict:
    from core.roles import Role
    from registry.generation import bulk_accounts
    from registry.models import Household

    first = {}
    for pk, village_id, head in (
        Household.objects.filter(county=county)
        .order_by("village_id", "number")
        .values_list("pk", "village_id", "head_name")
        .iterator(chunk_size=5000)
    ):
        if village_id not in first and head:
            first[village_id] = (pk, head)
    wanted = [
        (f"vl{v.code}", first[v.pk][1], Role.VILLAGER, v.pk, None, first[v.pk][0]) for v in villages if v.pk in first
    ]
    users, _fresh = bulk_accounts(wanted)
    return {v.pk: users.get(f"vl{v.code}") for v in villages}


def _fits(code: str, gender: str, birth: date | None, year: int) -> bool:
    if birth is None:
        return code not in ("scholar",)
    age = year - birth.year
    if code == "scholar":
        return 16 <= age <= 24
    if code == "homemaker":
        return gender == "F" and 25 <= age <= 70
    return age >= 25


def _generate(county, actor, *, seed, per_board, year, now) -> Generated:
    from committees.models import CommitteeKind
    from honours import quarters
    from honours.flows import HONOUR
    from honours.models import Board, Nomination, Objection, Source, Subject
    from honours.services import county_set_up
    from registry.models import Household, Person

    rng = random.Random(seed)
    result = Generated()
    calendar = Calendar(county)
    since = date(year - 1, 1, 1)
    villages = villages_of(county)
    if not villages:
        raise GenerationError(f"County {county.code} has no villages.")
    result.boards = len(county_set_up(county))
    boards = list(Board.objects.filter(county=county, active=True).order_by("order", "pk"))
    cadre = cadres(county, villages, seed=seed)
    villager = _villagers(county, villages)
    for village in villages:
        _c, made = seat_committee(actor, village, CommitteeKind.HONOURS_PANEL, members=[cadre[village.pk]], since=since)
        result.committees += made

    people: dict[int, list[tuple]] = {}
    for row in (
        Person.objects.filter(county=county, is_deceased=False)
        .order_by("village_id", "pk")
        .values_list("pk", "village_id", "household_id", "name", "gender", "birth_date")
        .iterator(chunk_size=10000)
    ):
        people.setdefault(row[1], []).append(row)
    homes: dict[int, list[tuple]] = {}
    for row in (
        Household.objects.filter(county=county)
        .order_by("village_id", "number")
        .values_list("pk", "village_id", "head_name", "number")
        .iterator(chunk_size=5000)
    ):
        homes.setdefault(row[1], []).append(row)

    today = timezone.localtime(now).date()
    last_quarter = quarters.of(today)[1] if today.year == year else 4
    plans = []  # (opened at, village, quarter, board, nominee, nominator, salt)
    for village in villages:
        pools = {  # who each board may honour in the village
            board.pk: homes.get(village.pk, [])
            if board.subject == Subject.HOUSEHOLD
            else [p for p in people.get(village.pk, []) if _fits(board.code, p[4], p[5], year)]
            for board in boards
        }
        for quarter in range(1, last_quarter + 1):
            start = quarters.first_day(year, quarter)
            for board in boards:
                n = max(0, round(rng.uniform(per_board - 1, per_board + 1)))
                pool = pools[board.pk]
                chosen = rng.sample(pool, min(n, len(pool)))
                for nominee in chosen:
                    day = start + timedelta(days=rng.randint(3, 45))
                    moment = at(day, rng.randint(8, 18), rng.randrange(60))
                    if moment >= now:
                        continue
                    by_villager = villager.get(village.pk) is not None and rng.random() < 0.2
                    nominator = villager[village.pk] if by_villager else cadre[village.pk]
                    plans.append((moment, village, quarter, board, nominee, nominator, rng.getrandbits(32)))
    plans.sort(key=lambda p: (p[0], p[1].code, p[3].order))

    timelines, seq = [], 0
    groups: dict[tuple, list[Timeline]] = {}
    for index, (moment, village, quarter, board, nominee, nominator, salt) in enumerate(plans):
        seq += 1
        if board.subject == Subject.HOUSEHOLD:
            household, _v, head, number = nominee
            person, name = None, _("%(head)s's household") % {"head": head or number}
        else:
            person, _v, household, name, _g, _b = nominee
        case = Nomination(
            number=f"RB{county.code}-{year}-{seq:05d}",
            board=board,
            year=year,
            quarter=quarter,
            person_id=person,
            household_id=household,
            name=name[:60],
            deeds=DEEDS.get(board.code, OTHER_DEEDS),
            source=Source.VILLAGER if nominator is villager.get(village.pk) else Source.CADRE,
            nominated_by=nominator,
            publicity_days=board.publicity_days,
            county_id=village.county_id,
            township_id=village.township_id,
            village_id=village.pk,
        )
        t = Timeline(HONOUR, case, calendar, salt=index)
        t.start(moment, nominator, data={"board": board.name, "quarter": quarters.key(year, quarter)}, note=case.deeds)
        t.rng = random.Random(salt)
        t.nominator = nominator
        timelines.append(t)
        groups.setdefault((village.pk, quarter), []).append(t)

    objections = []  # (Objection, the data dict of the answer's event or None)
    for (village_id, quarter), members in sorted(groups.items(), key=lambda g: (g[0][1], g[0][0])):
        evaluator = cadre[village_id]
        accepted = []
        for t in members:  # the panel's evaluation within its 10 working days (now and then late: flagged)
            r = t.rng
            roll = r.random()
            days = r.randint(1, 8) if r.random() < 0.93 else r.randint(11, 14)
            moment = later(r, t.last_at, days, calendar)
            if roll < 0.03:
                moment = later(r, t.last_at, 1, calendar)
                if moment < now:
                    t.step("withdraw", moment, t.nominator)
                continue
            if moment >= now:
                continue
            if roll < 0.13:
                t.case.opinion = r.choice(DECLINES)
                t.step("decline", moment, evaluator, data={"reason": t.case.opinion})
                continue
            accepted.append((moment, t))
        places: dict[int, int] = {}
        for moment, t in sorted(accepted, key=lambda a: (a[0], a[1].case.number)):
            board = t.case.board
            if places.get(board.pk, 0) >= board.places:
                continue  # the board is full: it waits (the service refuses one more)
            places[board.pk] = rank = places.get(board.pk, 0) + 1
            t.case.rank, t.case.score = rank, t.rng.randint(80, 98)
            t.case.opinion = t.rng.choice(OPINIONS)
            t.step("accept", moment, evaluator, data={"rank": rank, "score": t.case.score, "opinion": t.case.opinion})
        selected = [t for t in members if t.case.state == "accepted"]
        if not selected:
            continue
        # the quarter's publication: once in its last month, after the last selection
        last_month = quarters.first_day(year, quarter) + timedelta(days=65)
        planned = at(calendar.next_working_day(last_month + timedelta(days=rng.randint(0, 10))), 10)
        publish_at = max(planned, later(rng, max(t.last_at for t in selected), 1, calendar))
        if publish_at >= now:
            continue
        for t in sorted(selected, key=lambda t: (t.case.board.order, t.case.rank)):
            t.case.published_on = timezone.localtime(publish_at).date()
            t.step("publish", publish_at, evaluator)
            _notice(t, objections, villager.get(village_id), evaluator, now, calendar)
    for t in timelines:
        t.flag_until(now)
        result.states[t.case.state] = result.states.get(t.case.state, 0) + 1
    cases = [t.case for t in timelines]
    insert(Nomination, cases)
    rows = []
    for objection, _answer, t in objections:
        objection.nomination_id = t.case.pk
        rows.append(objection)
    insert(Objection, rows)
    for objection, answer, _t in objections:
        if answer is not None:
            answer["objection"] = str(objection.pk)
    result.nominations = len(cases)
    result.objections = len(rows)
    result.timeline, _n = insert_timelines(Nomination, timelines)
    return result


def _notice(t: Timeline, objections: list, objector, evaluator, now, calendar) -> None:
    """The public notice: now and then an objection, answered by the panel; the deadline run confirms the honour at
    its first run after the notice ends with no objection waiting."""
    from honours.models import Objection

    r, case = t.rng, t.case
    deadline = case.deadline_at
    waits_until = deadline
    if objector is not None and r.random() < 0.04:
        made = t.last_at + timedelta(hours=r.randint(3, 48))
        if made < min(deadline, now):
            objection = Objection(text=r.choice(OBJECTIONS), made_by=objector, made_at=made)
            answered = later(r, made, r.randint(1, 6), calendar)
            answer = None
            if answered < now:
                upheld = r.random() < 0.3
                objection.answer = "经评选小组复核，异议成立，撤销入榜。" if upheld else "经评选小组复核，异议不成立。"
                objection.upheld, objection.answered_by, objection.answered_at = upheld, evaluator, answered
                # the deadline run came first if the notice ended before the answer: refused while it waits
                t.step(
                    "uphold" if upheld else "dismiss",
                    answered,
                    evaluator,
                    data={"objection": None, "answer": objection.answer},
                )
                answer = t.events[-1]["data"]
                waits_until = max(deadline, answered)
            else:
                waits_until = None  # still waiting for the panel's answer
            objections.append((objection, answer, t))
            if case.state == "struck":
                return
    if waits_until is None:
        return
    moment = flag_time(waits_until, t.salt)
    if moment < now:
        case.confirmed_on = timezone.localtime(moment).date()
        t.system_step("confirm", moment)
