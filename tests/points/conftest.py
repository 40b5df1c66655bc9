from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from points import services
from points.models import RuleItem


@pytest.fixture
def scheme(world):
    """安家村's household civility scheme with the 安家村 rule book adopted a year ago."""
    cadre = world.users["cadre_a1"]
    scheme = services.scheme_create(
        actor=cadre,
        village=world.village_a1,
        name="文明户积分",
        kind="civility",
        subject_kind="household",
        base_score=10,
        redeemable=True,
        star_rules=[{"stars": 10, "min_score": 20}, {"stars": 5, "min_score": 12}],
    )
    book = services.rulebook_create(
        actor=cadre,
        scheme=scheme,
        title="安家村细则",
        template="anjia",
        effective_from=timezone.localdate() - timedelta(days=400),
    )
    services.rulebook_adopt(actor=cadre, rulebook=book, decision_ref="村民代表会议 决议第3号")
    return scheme


@pytest.fixture
def item(scheme):
    """A plain item: no evidence, cap 1 per month (房前屋后干净整洁, +1)."""
    return RuleItem.objects.get(rulebook__scheme=scheme, code="2.1")


@pytest.fixture
def photo():
    def _photo(name="proof.jpg"):
        return SimpleUploadedFile(name, b"\xff\xd8\xff\xe0fakejpeg", content_type="image/jpeg")

    return _photo


@pytest.fixture
def today():
    return timezone.localdate()


def first_of_quarter(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
