from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from points.models import RuleItem
from tests.points.civility import civility_scheme


@pytest.fixture
def scheme(world):
    """安家村's household civility scheme with the 安家村 rule book adopted a year ago."""
    scheme, _items = civility_scheme(
        world,
        title="安家村细则",
        decision_ref="村民代表会议 决议第3号",
        redeemable=True,
        star_rules=[{"stars": 10, "min_score": 20}, {"stars": 5, "min_score": 12}],
    )
    return scheme


@pytest.fixture
def item(scheme):
    """A plain item: no evidence, cap 1 per month (房前屋后干净整洁, +1)."""
    return RuleItem.objects.get(rulebook__scheme=scheme, code="2.1")


@pytest.fixture
def photo():
    def _photo(name="proof.jpg"):
        # a real (tiny) JPEG: the evidence is checked by its content (casework.attachments.check_evidence)
        from io import BytesIO

        from PIL import Image

        out = BytesIO()
        Image.new("RGB", (32, 24), (90, 160, 60)).save(out, "JPEG")
        return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")

    return _photo


@pytest.fixture
def today():
    return timezone.localdate()


def first_of_quarter(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
