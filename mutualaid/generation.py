"""邻里互助会 at county scale for benchmarks (deterministic for a seed and a moment ``now``): every village's
association and group leaders (committees), its amount bands and its fund — money in from the three sources over the
year (the township's grant, each group's collection, donations), a few entries reversed and recorded again — and
``per_year`` applications on the five steps, most of them paid, some sent back, declined or withdrawn, the last
weeks' still under way.

What goes through the services: the association and the group leaders of a village that has none
(``committees.services``, as the county administrator). Written in bulk: the accounts that act
(``registry.generation.bulk_accounts``: the village cadre ``vc<village code>`` records the applications on the
villagers' behalf and approves for the two committees; an association member ``ma<village code>`` verifies and pays;
each group's leader ``gl<group code>`` verifies first), the bands (the service refuses the county administrator), the
fund's ledger and the applications with the timelines ``core.workflow`` would have written (customs.generation's
``Timeline``).

The ledger is what ``mutualaid.fund.write`` allows: the entries of each village are inserted in the order they were
recorded, and an entry that would take the balance below zero is refused as the service refuses it — a payout the
fund cannot meet is not made (the application stays approved, and is flagged overdue), a reversal that would overdraw
is not recorded. Paid applications wait on the fund page for a cadre to publish them (the payer is not a cadre)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from casework.models import CaseEvent
from core import db
from customs.generation import (
    Calendar,
    GenerationError,
    Timeline,
    at,
    cadres,
    insert,
    insert_timelines,
    keeping,
    later,
    pick,
    seat_committee,
    villages_of,
)
from regions.models import Region, RegionLevel

BANDS = [("一档", Decimal(500)), ("二档", Decimal(2000)), ("三档", Decimal(5000))]
ASKED = [(300, 10), (500, 15), (800, 10), (1000, 20), (1500, 10), (2000, 15), (3000, 10), (5000, 10)]
REASONS = [("illness", 45), ("hardship", 25), ("accident", 15), ("disaster", 10), ("other", 5)]
SITUATIONS = {
    "illness": "家中主要劳动力因病住院，医疗费用自付部分较多，家庭生活困难。",
    "hardship": "家庭收入低，子女上学开支大，生活暂时困难。",
    "accident": "务工途中意外受伤，暂时无法劳动，家庭失去主要收入。",
    "disaster": "暴雨导致房屋受损、农作物受灾，急需修缮。",
    "other": "家中突发变故，生活出现临时困难。",
}
DONORS = ["本村乡贤", "县农业合作社", "镇商会", "外出务工人员", "爱心企业"]
FINDINGS = ["经入户核实，情况属实。", "走访邻里核实，家庭困难情况属实。", "核实病历和费用清单，情况属实。"]


@dataclass
class Generated:
    applications: int = 0
    timeline: int = 0
    entries: dict = field(default_factory=dict)
    bands: int = 0
    committees: int = 0
    states: dict = field(default_factory=dict)
    refused_payouts: int = 0
    paid_out: Decimal = Decimal(0)
    raised: Decimal = Decimal(0)

    def summary(self) -> dict:
        return {
            "applications": self.applications,
            "case_events": self.timeline,
            "fund_entries": dict(sorted(self.entries.items())),
            "bands": self.bands,
            "committees_set_up": self.committees,
            "states": dict(sorted(self.states.items())),
            "payouts_refused_for_want_of_money": self.refused_payouts,
            "raised": str(self.raised),
            "paid_out": str(self.paid_out),
        }


def generate_mutual_aid(
    county: Region, actor, *, seed: int = 1, per_year: int = 1500, year: int | None = None, now: datetime | None = None
) -> dict:
    """Associations, bands, the funds and ``per_year`` applications of ``year`` (default: this year) up to ``now``."""
    from mutualaid.models import Application, FundEntry

    if Application.objects.filter(county=county).exists() or FundEntry.objects.filter(county=county).exists():
        raise GenerationError(f"County {county.code} has mutual-aid applications or fund entries already.")
    now = now or timezone.now()
    year = year or timezone.localtime(now).year
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        result = _generate(county, actor, seed=seed, per_year=per_year, year=year, now=now)
    from mutualaid.models import Band

    db.refresh_statistics([Application, FundEntry, Band, CaseEvent])
    return result.summary()


def _accounts(county, villages, groups, heads, *, seed):
    """The association member of each village and each group's leader (a resident: villager of their household)."""
    from core.roles import Role
    from registry.generation import bulk_accounts
    from registry.models import Household

    wanted = []
    first = {}
    for pk, village_id, head in (
        Household.objects.filter(county=county)
        .order_by("village_id", "number")
        .values_list("pk", "village_id", "head_name")
    ).iterator(chunk_size=5000):
        if village_id not in first and head:
            first[village_id] = (pk, head)
    for v in villages:
        if v.pk in first:
            pk, head = first[v.pk]
            wanted.append((f"ma{v.code}", head, Role.VILLAGER, v.pk, None, pk))
    for g in groups:
        if g.pk in heads:
            person, name, household = heads[g.pk]
            wanted.append((f"gl{g.code}", name, Role.VILLAGER, g.parent_id, None, household))
    users, _fresh = bulk_accounts(wanted)
    return users


def _group_leaders(actor, village, groups, heads, users, since) -> bool:
    from committees import services as committees
    from committees.models import Committee, CommitteeKind, Post

    if Committee.objects.filter(village=village, kind=CommitteeKind.GROUP_LEADERS).exists():
        return False
    committee = committees.committee_set(actor=actor, village=village, kind=CommitteeKind.GROUP_LEADERS)
    for g in groups:
        if g.pk not in heads:
            continue
        person, name, _household = heads[g.pk]
        user = users.get(f"gl{g.code}")
        committees.member_add(
            actor=actor,
            committee=committee,
            name=name,
            person=person,
            group=g.pk,
            post=Post.CHAIR,
            username=user.username if user else "",
            started_on=since.isoformat(),
        )
    return True


def _seated(village_ids, kind, *, by_group=False) -> dict:
    from committees.models import Member

    out: dict = {}
    rows = (
        Member.objects.current()
        .filter(committee__village_id__in=list(village_ids), committee__kind=kind, user__isnull=False)
        .select_related("user")
        .order_by("committee__village_id", "post", "pk")
    )
    for m in rows:
        key = m.group_id if by_group else m.committee.village_id
        out.setdefault(key, []).append(m.user)
    return out


def _generate(county, actor, *, seed, per_year, year, now) -> Generated:
    from committees.models import CommitteeKind
    from mutualaid.flows import MUTUAL_AID
    from mutualaid.models import Application, Band, EntryKind, FundEntry, Source
    from registry.models import Household, Person

    rng = random.Random(seed)
    result = Generated()
    calendar = Calendar(county)
    since = date(year - 1, 1, 1)
    first_day = date(year, 1, 1)
    villages = villages_of(county)
    if not villages:
        raise GenerationError(f"County {county.code} has no villages.")
    groups = list(Region.objects.filter(county=county, level=RegionLevel.GROUP).order_by("code"))
    groups_of: dict[int, list[Region]] = {}
    for g in groups:
        groups_of.setdefault(g.parent_id, []).append(g)
    heads = {}  # group id → (person id, name, household id): the head of the group's first household
    for person, name, household, group in (
        Person.objects.filter(county=county, relation="head", is_deceased=False, household__group__isnull=False)
        .order_by("household__group_id", "household__number", "pk")
        .values_list("pk", "name", "household_id", "household__group_id")
    ).iterator(chunk_size=5000):
        heads.setdefault(group, (person, name, household))
    cadre = cadres(county, villages, seed=seed)
    users = _accounts(county, villages, groups, heads, seed=seed)
    for village in villages:
        member = users.get(f"ma{village.code}")
        _c, made = seat_committee(
            actor,
            village,
            CommitteeKind.MUTUAL_AID,
            chair=cadre[village.pk],
            members=[member] if member else [],
            since=since,
            residents=2,
        )
        result.committees += made
        result.committees += _group_leaders(actor, village, groups_of.get(village.pk, []), heads, users, since)
    association = _seated([v.pk for v in villages], CommitteeKind.MUTUAL_AID)
    leaders = _seated([v.pk for v in villages], CommitteeKind.GROUP_LEADERS, by_group=True)

    # the bands (as the association sets them), unless the village has its own
    have = {}
    for b in Band.objects.filter(county=county).order_by("up_to"):
        have.setdefault(b.village_id, []).append(b)
    new_bands = []
    for v in villages:
        if v.pk not in have:
            rows = [
                Band(
                    name=name,
                    up_to=up_to,
                    note="互助会研究确定",
                    created_by=actor,
                    created_at=at(since, 10),
                    county_id=v.county_id,
                    township_id=v.township_id,
                    village_id=v.pk,
                )
                for name, up_to in BANDS
            ]
            new_bands.extend(rows)
            have[v.pk] = rows
    insert(Band, new_bands)
    result.bands = len(new_bands)

    # households and the living people of each (the applicants)
    households: dict[int, list[tuple[int, int | None]]] = {}
    for pk, village_id, group_id in (
        Household.objects.filter(county=county)
        .order_by("village_id", "number")
        .values_list("pk", "village_id", "group_id")
    ).iterator(chunk_size=5000):
        households.setdefault(village_id, []).append((pk, group_id))
    members: dict[int, list[int]] = {}
    for pk, household in (
        Person.objects.filter(county=county, is_deceased=False)
        .order_by("household_id", "pk")
        .values_list("pk", "household_id")
    ).iterator(chunk_size=10000):
        members.setdefault(household, []).append(pk)
    group_size: dict[int, int] = {}
    for rows in households.values():
        for _pk, group_id in rows:
            if group_id:
                group_size[group_id] = group_size.get(group_id, 0) + 1

    # money in: (village id, recorded at, entry, the entry it reverses or None)
    today = timezone.localtime(now).date()
    ledger: dict[int, list] = {}

    def contribute(v, day, source, amount, donor, note=""):
        moment = at(day, rng.randint(9, 16), rng.randrange(60))
        if moment >= now:
            return None
        entry = FundEntry(
            kind=EntryKind.CONTRIBUTION,
            source=source,
            amount=Decimal(amount).quantize(Decimal("0.01")),
            on=day,
            donor=donor,
            note=note,
            recorded_by=cadre[v.pk],
            recorded_at=moment,
            county_id=v.county_id,
            township_id=v.township_id,
            village_id=v.pk,
        )
        ledger.setdefault(v.pk, []).append([moment, entry, None])
        return entry

    for v in villages:
        contribute(
            v,
            first_day + timedelta(days=rng.randint(9, 24)),
            Source.GOVERNMENT,
            rng.choice([10000, 15000, 20000]),
            "镇财政",
            "互助资金补助",
        )
        contribute(
            v,
            date(year, 7, 1) + timedelta(days=rng.randint(9, 24)),
            Source.GOVERNMENT,
            rng.choice([5000, 10000]),
            "镇财政",
            "互助资金补助",
        )
        for g in groups_of.get(v.pk, []):
            amount = group_size.get(g.pk, 0) * rng.choice([20, 30, 50])
            if amount:
                contribute(
                    v,
                    date(year, 2, 1) + timedelta(days=rng.randint(0, 55)),
                    Source.MASSES,
                    amount,
                    f"{g.name}群众",
                    "群众帮一点",
                )
        for _n in range(rng.randint(1, 3)):
            contribute(
                v,
                first_day + timedelta(days=rng.randint(20, 330)),
                Source.SOCIETY,
                rng.choice([2000, 3000, 5000, 10000]),
                rng.choice(DONORS),
                "社会捐一点",
            )
    for v in villages:  # a few entries recorded wrong: reversed a few days later and recorded again
        for _moment, entry, _rev in list(ledger.get(v.pk, [])):
            if rng.random() < 0.03:
                day = entry.on + timedelta(days=rng.randint(1, 5))
                fixed_at = at(day, 11)
                if fixed_at >= now:
                    continue
                reversal = FundEntry(
                    kind=EntryKind.REVERSAL,
                    amount=-entry.amount,
                    on=day,
                    donor=entry.donor,
                    note="金额录入有误，冲正",
                    recorded_by=cadre[v.pk],
                    recorded_at=fixed_at,
                    county_id=v.county_id,
                    township_id=v.township_id,
                    village_id=v.pk,
                )
                ledger[v.pk].append([fixed_at, reversal, entry])
                again = FundEntry(
                    kind=EntryKind.CONTRIBUTION,
                    source=entry.source,
                    amount=entry.amount - Decimal(100) if entry.amount > 200 else entry.amount + Decimal(100),
                    on=entry.on,
                    donor=entry.donor,
                    note="更正后重新登记",
                    recorded_by=cadre[v.pk],
                    recorded_at=fixed_at + timedelta(minutes=5),
                    county_id=v.county_id,
                    township_id=v.township_id,
                    village_id=v.pk,
                )
                ledger[v.pk].append([fixed_at + timedelta(minutes=5), again, entry])

    # the applications, played up to their payout
    weights = [len(households.get(v.pk, ())) for v in villages]
    if not any(weights):
        raise GenerationError(f"County {county.code} has no households.")
    span = max(1, (min(today, date(year, 12, 31)) - first_day).days + 1)
    opened = []
    for _n in range(per_year):
        v = rng.choices(villages, weights)[0]
        day = first_day + timedelta(days=rng.randrange(span))
        if not calendar.is_working_day(day) and rng.random() < 0.8:
            day = calendar.next_working_day(day)
        moment = at(day, rng.randint(8, 17), rng.randrange(60))
        if moment < now:
            opened.append((moment, v.code, v, rng.getrandbits(32)))
    opened.sort(key=lambda o: (o[0], o[1]))
    timelines, pending, numbers = [], [], {}
    for index, (moment, _code, v, salt) in enumerate(opened):
        r = random.Random(salt)
        household, group_id = r.choice(households[v.pk])
        people = members.get(household)
        if not people:
            continue
        top = have[v.pk][-1].up_to
        asked = min(Decimal(pick(r, ASKED)), top)
        reason = pick(r, REASONS)
        seq = numbers[moment.year] = numbers.get(moment.year, 0) + 1
        case = Application(
            number=f"HZ{county.code}-{moment.year}-{seq:05d}",
            household_id=household,
            person_id=r.choice(people),
            group_id=group_id,
            applicant=None,
            recorded_by=cadre[v.pk],
            on_behalf=True,
            reason=reason,
            amount_asked=asked,
            situation=SITUATIONS[reason],
            created_at=moment,
            county_id=v.county_id,
            township_id=v.township_id,
            village_id=v.pk,
        )
        verifier = (leaders.get(group_id) or [cadre[v.pk]])[0]
        helper = (association.get(v.pk) or [None])[0]
        payer = next((u for u in association.get(v.pk, []) if u.pk != cadre[v.pk].pk), helper)
        t = Timeline(MUTUAL_AID, case, calendar, salt=index)
        t.start(moment, cadre[v.pk], note=case.situation)
        pay_at = _play(
            t, r, case, have[v.pk], verifier=verifier, association=helper or cadre[v.pk], cadre=cadre[v.pk], now=now
        )
        timelines.append(t)
        if pay_at is not None:
            pending.append((pay_at, t, payer or cadre[v.pk]))

    # the ledger of each village in the order it is recorded, as fund.write allows it: a payout only if the fund
    # holds the money then (else the application stays approved), a reversal only if it does not overdraw
    for pay_at, t, payer in pending:
        ledger.setdefault(t.case.village_id, []).append([pay_at, t, payer])
    accepted = []  # (recorded at, entry, the entry it reverses or None)
    for v in villages:
        balance, refused = Decimal(0), set()
        for moment, row, extra in sorted(ledger.get(v.pk, []), key=lambda e: e[0]):
            if isinstance(row, Timeline):
                case = row.case
                if balance < case.approved_amount:
                    result.refused_payouts += 1
                    continue
                balance -= case.approved_amount
                case.paid_on = timezone.localtime(moment).date()
                row.step("pay", moment, extra, data={"paid_on": case.paid_on.isoformat(), "how": "转账"})
                payout = FundEntry(
                    kind=EntryKind.PAYOUT,
                    amount=-case.approved_amount,
                    on=case.paid_on,
                    application=case,
                    donor=case.number,
                    note="转账",
                    recorded_by=extra,
                    recorded_at=moment,
                    county_id=v.county_id,
                    township_id=v.township_id,
                    village_id=v.pk,
                )
                accepted.append((moment, payout, None))
                result.paid_out += case.approved_amount
                continue
            if row.kind == EntryKind.REVERSAL and balance + row.amount < 0:
                refused.add(id(extra))
                continue
            if row.note == "更正后重新登记" and id(extra) in refused:
                continue
            balance += row.amount
            accepted.append((moment, row, extra if row.kind == EntryKind.REVERSAL else None))
            result.raised += row.amount
    for t in timelines:
        t.flag_until(now)
        result.states[t.case.state] = result.states.get(t.case.state, 0) + 1
    cases = [t.case for t in timelines]
    with keeping(Application, "created_at"):
        insert(Application, cases)
    result.applications = len(cases)
    result.timeline, _n = insert_timelines(Application, timelines)
    # inserted in the order recorded, in batches that never hold a reversal before the entry it reverses
    batch: list = []
    for _moment, row, reverses in sorted(accepted, key=lambda e: (e[0], e[1].village_id)):
        if row.kind == EntryKind.PAYOUT:
            row.application_id = row.application.pk
        if reverses is not None:
            if reverses.pk is None:
                insert(FundEntry, batch)
                batch = []
            row.reverses_id = reverses.pk
        batch.append(row)
        result.entries[EntryKind(row.kind).value] = result.entries.get(EntryKind(row.kind).value, 0) + 1
        if len(batch) >= 2000:
            insert(FundEntry, batch)
            batch = []
    insert(FundEntry, batch)
    return result


def _gap(r: random.Random) -> int:
    """Working days a check takes: mostly within the 3 the procedure gives, now and then late."""
    return r.choice([0, 1, 1, 2, 2, 3]) if r.random() < 0.93 else r.randint(4, 7)


def _play(t: Timeline, r: random.Random, case, bands, *, verifier, association, cadre, now) -> datetime | None:
    """The checks up to the approval, as far as ``now``; returns when the association would pay (or None)."""
    calendar = t.calendar

    def next_at(days=None):
        moment = later(r, t.last_at, _gap(r) if days is None else days, calendar)
        return moment if moment < now else None

    roll = r.random()
    # 组长核实 (or 退回补充 first, and the villager hands in what was asked)
    if roll < 0.10:
        moment = next_at()
        if moment is None:
            return None
        t.step("return_to_applicant", moment, verifier, data={"missing": "请补充医院诊断证明和费用清单。"})
        moment = next_at(r.randint(1, 6))
        if moment is None:
            return None
        t.step("resubmit", moment, cadre, data={"supplement": "已补充诊断证明和费用清单。"})
    if 0.10 <= roll < 0.12:
        moment = next_at()
        if moment is None:
            return None
        t.step("withdraw", moment, cadre)
        return None
    moment = next_at()
    if moment is None:
        return None
    if 0.12 <= roll < 0.17:
        case.decline_reason = "经核实，家庭收入不符合互助条件。"
        t.step("decline_at_group", moment, verifier, data={"reason": case.decline_reason})
        return None
    t.step("group_verify", moment, verifier, data={"finding": r.choice(FINDINGS)})
    if 0.17 <= roll < 0.20:  # the association sends it back to the leader once
        moment = next_at()
        if moment is None:
            return None
        t.step("send_back_to_group", moment, association, data={"reason": "请核实家庭成员收入情况。"})
        moment = next_at()
        if moment is None:
            return None
        t.step("group_verify", moment, verifier, data={"finding": "已补充核实家庭成员收入，情况属实。"})
    moment = next_at()
    if moment is None:
        return None
    if 0.20 <= roll < 0.24:
        case.decline_reason = "已享受其他救助，不再重复救助。"
        t.step("decline_at_association", moment, association, data={"reason": case.decline_reason})
        return None
    t.step(
        "association_verify",
        moment,
        association,
        data={"finding": r.choice(FINDINGS), "suggested_amount": f"{case.amount_asked:.2f}"},
    )
    moment = next_at()
    if moment is None:
        return None
    if 0.24 <= roll < 0.27:
        case.decline_reason = "两委审核认为不符合救助条件。"
        t.step("decline", moment, cadre, data={"reason": case.decline_reason})
        return None
    amount = case.amount_asked
    if r.random() < 0.3:
        amount = max(Decimal(200), (amount * Decimal("0.6") / 100).quantize(Decimal(1)) * 100)
    case.approved_amount = amount.quantize(Decimal("0.01"))
    case.band_name = next(b.name for b in bands if b.up_to >= amount)
    t.step("approve", moment, cadre, data={"approved_amount": f"{case.approved_amount:.2f}", "opinion": "同意救助"})
    return next_at(r.choice([0, 1, 1, 2, 3]) if r.random() < 0.95 else r.randint(6, 8))
