"""The county-scale notice generator (benchmark data) writes what the services would, and can be resumed."""

from __future__ import annotations

from datetime import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone

from casework.models import CaseEvent
from regions.models import Region, RegionLevel
from registry.generation import CountyGenerator
from transparency import selectors
from transparency.generation import NoticeGenerator
from transparency.models import Notice, NoticeQuestion, Stream

NOW = timezone.make_aware(datetime(2026, 11, 20, 16, 0))


@pytest.fixture
def county(db):
    return (
        CountyGenerator(seed=3, county_name="测试县", county_code="519901", households_per_grid=8)
        .build(townships=1, villages_per_township=2, households=40)
        .county
    )


def test_months_of_notices_for_every_village(county):
    result = NoticeGenerator(county, months=6, seed=1, now=NOW).run()
    villages = Region.objects.filter(county=county, level=RegionLevel.VILLAGE)
    assert result.villages == villages.count() == 2
    per_village = dict(Notice.objects.filter(county=county).values_list("village").annotate(n=Count("id")))
    assert set(per_village) == set(villages.values_list("pk", flat=True))
    for village in villages:
        finance = Notice.objects.filter(village=village, stream=Stream.FINANCE)
        # one financial disclosure a month (May..October), each checked by the reviewer before publication
        assert finance.count() == 6
        assert not finance.filter(checked_by__isnull=True).exists()
        # two quarters ended in the window (June, September): village and party affairs for each
        assert Notice.objects.filter(village=village, stream=Stream.PARTY).count() == 2
        assert Notice.objects.filter(village=village, stream=Stream.VILLAGE, is_major=False).count() == 2
        # everything is on the board or in the archive; nothing left as a draft
        assert set(Notice.objects.filter(village=village).values_list("state", flat=True)) <= {"published", "ended"}
        shown = (
            len(selectors.public_current(village, NOW.date())) + selectors.public_archive(village, NOW.date()).count()
        )
        assert shown == Notice.objects.filter(village=village).count()
    assert result.notices == Notice.objects.filter(county=county).count()
    # every step went through the engine: a timeline per notice (start, [submit, check,] publish[, end])
    finance_notice = Notice.objects.filter(county=county, stream=Stream.FINANCE).order_by("period_start").first()
    steps = list(
        CaseEvent.objects.filter(object_id=finance_notice.pk, flow="notice")
        .order_by("at")
        .values_list("transition", flat=True)
    )
    assert steps == ["start", "submit", "check", "publish", "end"]
    assert result.questions == NoticeQuestion.objects.filter(county=county).count()
    assert result.ended == Notice.objects.filter(county=county, state="ended").count()


def test_a_second_run_skips_villages_that_have_notices(county):
    first = NoticeGenerator(county, months=3, seed=1, now=NOW).run()
    again = NoticeGenerator(county, months=3, seed=1, now=NOW).run()
    assert (again.villages, again.skipped, again.notices) == (0, 2, 0)
    assert Notice.objects.filter(county=county).count() == first.notices


def test_command(county):
    out = StringIO()
    call_command("generate_notices", "--county", county.code, "--months", "2", "--seed", "2", stdout=out)
    assert "2 villages" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("generate_notices", "--county", "000000", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("generate_notices", "--county", county.code, "--months", "0", stdout=StringIO())
