"""Demo data of the seven goods: in the village of the demo cadre, last quarter inspected household by household
and published (with two reinspections of households on the 曝光台), and the current quarter open and partly
inspected. Written through the services; deterministic; idempotent (nothing is added when the village has rounds)."""

from __future__ import annotations

import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from accounts.models import User
from core import scope
from core.roles import Action
from inspections import selectors, services
from inspections.models import Detail, Inspection, Round
from regions.models import Region
from registry.models import Household


def _photo(seed: int) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (96, 72), (90 + seed % 120, 110, 80 + seed * 7 % 100)).save(out, "JPEG", quality=70)
    return SimpleUploadedFile(f"demo-{seed}.jpg", out.getvalue(), content_type="image/jpeg")


def _deductions(rng: random.Random, details: list[Detail], weak: bool) -> tuple[dict, dict]:
    count = rng.choice([0, 1, 1, 2, 2, 3, 3, 4, 5]) + (rng.randint(3, 7) if weak else 0)
    chosen = rng.sample(details, min(count, len(details)))
    deductions = {d.pk: rng.randint(1, d.points) for d in chosen}
    return deductions, {pk: _photo(pk) for pk in deductions}


def _inspect(actor, rnd: Round, households, rng: random.Random) -> int:
    details = list(Detail.objects.filter(heading__sheet=rnd.sheet))
    for h in households:
        deductions, photos = _deductions(rng, details, weak=rng.random() < 0.08)
        services.inspection_save(actor=actor, round=rnd, household=h, deductions=deductions, photos=photos)
    return len(households)


def seed(county: Region) -> str:
    cadre = User.objects.filter(username="cadre").first()
    if cadre is None:
        return ""
    village_ids = [g.village_id for g in scope.grants_for(cadre, Action.INSPECTION_PUBLISH) if g.village_id]
    village = Region.objects.filter(pk__in=village_ids, county=county).order_by("code").first()
    if village is None or Round.objects.filter(village=village).exists():
        return ""
    rng = random.Random(7)
    today = timezone.localdate()
    year, quarter = selectors.quarter_of(today)
    last = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    households = list(Household.objects.filter(village=village).order_by("number"))
    with transaction.atomic():
        previous = services.round_open(actor=cadre, village=village, year=last[0], quarter=last[1])
        done = _inspect(cadre, previous, households, rng)
        if done:
            services.round_publish(actor=cadre, round=previous)
            for row in Inspection.objects.filter(round=previous, board="exposure").order_by("score")[:2]:
                services.recheck_save(actor=cadre, inspection=row, note="已清理院坝杂物，柴草已堆放整齐")
        current = services.round_open(actor=cadre, village=village, year=year, quarter=quarter)
        partly = _inspect(cadre, current, households[: max(1, len(households) * 2 // 5)], rng)
    return f"七个好评比：{village.name} 上季度已评 {done} 户并公布，本季度已查 {partly}/{len(households)} 户"
