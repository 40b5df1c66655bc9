"""Disputes at county scale for the benchmarks (bench/mediation.py): the county's bodies and mediator pools, then
``per_year`` disputes received over a year, most of them closed as the seeds report them (米易: 98 % mediated to an
agreement), the rest open in every state. Deterministic for a seed.

The rows are written in bulk, as the engine would leave them (state, deadline, outcome, agreement, parties,
mediators); the timelines are not written (the measured pages read none). Through the services: the bodies and
the mediators. A county that has disputes already is refused."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from mediation import services
from mediation.flows import MEDIATION
from mediation.models import (
    AgreementForm,
    Body,
    BodyKind,
    Difficulty,
    Dispute,
    DisputeKind,
    DisputeParty,
    Mediator,
    Performance,
    Risk,
    Source,
    Title,
)
from regions.models import Region, RegionLevel

KINDS = [
    (DisputeKind.NEIGHBOURS, 30),
    (DisputeKind.FAMILY, 18),
    (DisputeKind.LAND, 12),
    (DisputeKind.HOMESTEAD, 8),
    (DisputeKind.LABOUR, 8),
    (DisputeKind.DAMAGES, 8),
    (DisputeKind.TRAFFIC, 6),
    (DisputeKind.PROPERTY, 3),
    (DisputeKind.MEDICAL, 2),
    (DisputeKind.REQUISITION, 2),
    (DisputeKind.PETITION, 2),
    (DisputeKind.OTHER, 1),
]
SOURCES = [
    (Source.SCREENING, 35),
    (Source.WALK_IN, 30),
    (Source.APPLICATION, 10),
    (Source.INCIDENT, 5),
    (Source.COURT, 10),
    (Source.POLICE, 7),
    (Source.ENTRUSTED, 3),
]
OPEN_STATES = ["applied", "accepted", "assigned", "investigated", "mediating", "drafted", "in_effect"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "建国秀英德明桂芳志强丽华海燕文军红梅春生玉兰永福"


class GenerationError(Exception):
    pass


def _pick(rng, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def _name(rng) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)


def set_up_bodies(county: Region, actor) -> dict:
    """A committee in every village with its director and two members, a centre in every township with its
    director and three full-time mediators, the county's third-party centre with experts."""
    made = {}
    townships = list(Region.objects.filter(county=county, level=RegionLevel.TOWNSHIP).order_by("code"))
    for township in townships:
        centre = services.body_create(
            actor=actor, region=township, kind=BodyKind.TOWNSHIP, name=f"{township.name}矛盾纠纷多元化解中心"
        )
        made[township.pk] = centre
        services.mediator_add(actor=actor, body=centre, name=f"{township.name}中心主任", title=Title.DIRECTOR)
        for i in range(3):
            services.mediator_add(actor=actor, body=centre, name=f"{township.name}专职{i + 1}", title=Title.FULL_TIME)
    for village in Region.objects.filter(county=county, level=RegionLevel.VILLAGE).order_by("code"):
        committee = services.body_create(
            actor=actor,
            region=village,
            kind=BodyKind.VILLAGE,
            name=f"{village.township.name}{village.name}人民调解委员会",
        )
        made[village.pk] = committee
        services.mediator_add(actor=actor, body=committee, name=f"{village.name}调委会主任", title=Title.DIRECTOR)
        for i in range(2):
            services.mediator_add(actor=actor, body=committee, name=f"{village.name}委员{i + 1}", title=Title.MEMBER)
    third = services.body_create(
        actor=actor, region=county, kind=BodyKind.THIRD_PARTY, name=f"{county.name}矛盾纠纷第三方调解中心"
    )
    made["county"] = third
    for i in range(15):
        services.mediator_add(actor=actor, body=third, name=f"第三方专职{i + 1}", title=Title.FULL_TIME)
    for i in range(20):
        services.mediator_add(actor=actor, body=third, name=f"专家{i + 1}", title=Title.EXPERT)
    return made


@transaction.atomic
def generate(county: Region, *, actor, per_year: int, year: int, seed: int = 1, now: datetime | None = None) -> int:
    if Dispute.objects.filter(county=county).exists():
        raise GenerationError(f"County {county.code} has disputes already.")
    rng = random.Random(seed)
    now = now or timezone.now()
    if not Body.objects.filter(county=county).exists():
        set_up_bodies(county, actor)
    villages = list(Region.objects.filter(county=county, level=RegionLevel.VILLAGE).order_by("code"))
    bodies = {b.village_id or b.township_id or "county": b for b in Body.objects.filter(county=county)}
    third = Body.objects.get(county=county, kind=BodyKind.THIRD_PARTY)
    pools: dict[int, list[int]] = {}
    for m in Mediator.objects.filter(county=county).exclude(title=Title.EXPERT).values("pk", "body_id"):
        pools.setdefault(m["body_id"], []).append(m["pk"])
    first = date(year, 1, 1)
    last = min(date(year, 12, 31), timezone.localdate(now))
    span = (last - first).days + 1
    tz = timezone.get_current_timezone()
    rows, links, parties = [], [], []
    for i in range(per_year):
        village = villages[rng.randrange(len(villages))]
        roll = rng.random()
        body = bodies[village.pk] if roll < 0.7 else bodies[village.township_id] if roll < 0.95 else third
        received = first + timedelta(days=rng.randrange(span))
        age = (last - received).days
        if age > 45 or rng.random() < 0.85 * min(1, age / 30):
            state = rng.choices(["archived", "ended", "declined"], [95, 4, 1])[0]
        else:
            state = rng.choice(OPEN_STATES)
        at = datetime.combine(received, time(9), tz)
        outcome = {"archived": "agreement", "declined": "declined", "ended": rng.choice(["failed", "refused"])}.get(
            state, ""
        )
        agreed = state in ("archived", "drafted", "in_effect")
        closed = state in ("archived", "declined")
        d = Dispute(
            county_id=village.county_id,
            township_id=village.township_id,
            village_id=village.pk,
            flow=MEDIATION.name,
            state=state,
            version=5,
            opened_at=at,
            state_entered_at=at + timedelta(days=min(age, 20)),
            deadline_at=None if closed else at + timedelta(days=rng.randint(3, 40)),
            overdue=not closed and rng.random() < 0.05,
            closed_at=at + timedelta(days=min(age, rng.randint(5, 40))) if closed else None,
            number=f"{county.code}-{year}-{i + 1:05d}",
            title=f"{_name(rng)}与{_name(rng)}纠纷",
            kind=_pick(rng, KINDS),
            source=_pick(rng, SOURCES),
            body=body,
            facts="双方因琐事发生争执，经网格员排查报告。",
            amount=Decimal(rng.choice([0, 500, 1200, 3000, 8000, 20000, 48000])) if rng.random() < 0.6 else None,
            received_on=received,
            recorded_by=actor,
            risk=Risk.HIGH if rng.random() < 0.01 else Risk.NORMAL,
            outcome=outcome if state not in ("drafted", "in_effect") else ("agreement" if state == "in_effect" else ""),
            agreement_form=(AgreementForm.ORAL if rng.random() < 0.3 else AgreementForm.WRITTEN) if agreed else "",
            agreed_facts="经调查核实的事实。" if agreed else "",
            terms="一方赔偿另一方损失，双方互谅互让。" if agreed else "",
            effective_on=received + timedelta(days=10) if state in ("archived", "in_effect") else None,
            performance=rng.choices([Performance.FULL, Performance.PARTLY], [97, 3])[0] if state == "archived" else "",
            difficulty=rng.choice(Difficulty.values) if state == "archived" else "",
        )
        if d.is_referral:
            d.referral_body, d.referral_number = "县人民法院", f"({year})川诉前调{i + 1}号"
        rows.append(d)
    Dispute.objects.bulk_create(rows, batch_size=2000)
    through = Dispute.mediators.through
    for d in rows:
        pool = pools.get(d.body_id) or []
        if d.state not in ("applied", "accepted", "declined") and pool:
            for m in rng.sample(pool, min(len(pool), 1 if rng.random() < 0.7 else 2)):
                links.append(through(dispute_id=d.pk, mediator_id=m))
        parties.append(DisputeParty(dispute_id=d.pk, role="applicant", name=_name(rng)))
        parties.append(DisputeParty(dispute_id=d.pk, role="respondent", name=_name(rng)))
    through.objects.bulk_create(links, batch_size=5000)
    DisputeParty.objects.bulk_create(parties, batch_size=5000)
    return len(rows)
