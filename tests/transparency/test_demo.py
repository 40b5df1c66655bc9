"""The demo 三务公开 (transparency/demo.py): written through the services, once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from transparency import disclosure
from transparency.demo import seed_transparency
from transparency.models import Notice, NoticeQuestion, Stream

pytestmark = pytest.mark.django_db


def test_the_demo_notices_and_questions(tw):
    users = tw.users
    args = dict(cadre=users["cadre_a1"], reviewer=users["reviewer_a1"], villager=users["villager_a1"])
    written = seed_transparency(tw.w.county, **args)
    assert written == Notice.objects.count() == 6
    assert set(Notice.objects.values_list("stream", flat=True)) == set(Stream.values)
    states = sorted(Notice.objects.values_list("state", flat=True))
    assert states.count("submitted") == 1 and "draft" not in states
    assert Notice.objects.filter(is_major=True, state="published").exists()
    assert set(NoticeQuestion.objects.values_list("state", flat=True)) == {"asked", "answered"}
    assert NoticeQuestion.objects.filter(overdue=True).count() == 1
    cal = disclosure.village_calendar(tw.w.village_a1, timezone.localdate().year)
    assert cal.done_count >= 1
    assert seed_transparency(tw.w.county, **args) == 0  # idempotent
    assert Notice.objects.count() == 6
