"""The seven goods' test world: 安家村 (village A1) with three village groups and 20 households besides the world's
two (grid A1-01 holds the first group's households, so the grid worker inspects those), a round open for the current
quarter on the county's default sheet, and a photo to upload."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from inspections import selectors, services
from inspections.models import Detail, Round
from regions.models import RegionLevel
from tests.factories import make_household, make_region


def photo(name: str = "deduction.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 140, 90)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@dataclass
class Seven:
    world: object
    groups: list
    households: list
    round: Round
    details: list

    def detail(self, n: int) -> Detail:
        return self.details[n]


def build_groups(world, per_group=(8, 7, 5)) -> tuple[list, list]:
    """Village groups of 安家村 with their households (the first group's in grid A1-01)."""
    village = world.village_a1
    groups = [
        make_region(f"{i}组", f"{village.code}{i:03d}", RegionLevel.GROUP, village)
        for i in range(1, len(per_group) + 1)
    ]
    households = []
    for g, count in zip(groups, per_group, strict=True):
        for n in range(count):
            h = make_household(
                village, f"{g.code[-1]}{n:03d}", world.grid_a1 if g is groups[0] else None, head=f"户主{g.name}{n}"
            )
            h.group = g
            h.save(update_fields=["group"])
            households.append(h)
    return groups, households


def build_seven(world, *, per_group=(8, 7, 5)) -> Seven:
    groups, households = build_groups(world, per_group)
    village = world.village_a1
    year, quarter = selectors.quarter_of(timezone.localdate())
    rnd = services.round_open(actor=world.users["cadre_a1"], village=village, year=year, quarter=quarter)
    details = list(Detail.objects.filter(heading__sheet=rnd.sheet).order_by("heading__order", "order"))
    return Seven(world, groups, households, rnd, details)


@pytest.fixture
def seven(world):
    return build_seven(world)
