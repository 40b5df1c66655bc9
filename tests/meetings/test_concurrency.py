"""The same attendee signing in, or voting, twice at the same moment (two phones, or a phone and the clerk), each
on its own PostgreSQL connection: one sign-in and one vote are stored."""

import pytest
from django.db import connection

from core.models import AuditEvent
from meetings import services
from meetings.models import Attendance, Meeting, MeetingKind, Motion, RegisterEntry, Vote
from tests.concurrency import race
from tests.meetings.support import build_meetings_world, zh

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


@pytest.mark.parametrize("n", [2, 6])
def test_signing_in_at_once_stores_one(n):
    mw = build_meetings_world(extra_households=2)
    meeting = mw.opened(MeetingKind.VILLAGERS_ASSEMBLY)
    villager = mw.users["villager_a1"]
    entry = RegisterEntry.objects.get(meeting=meeting, name="王建国")

    def job(i):
        if i % 2:
            return lambda: services.attendance_sign_in_by_clerk(
                actor=mw.cadre, meeting=Meeting.objects.get(pk=meeting.pk), entries=[entry.pk]
            )
        return lambda: services.attendance_sign_in_own(
            actor=villager, meeting=Meeting.objects.get(pk=meeting.pk), entries=[entry.pk]
        )

    ok, refused, crashed = race([job(i) for i in range(n)])
    assert crashed == [] and refused == []
    assert sorted(ok) == [0] * (n - 1) + [1]
    assert Attendance.objects.filter(entry=entry).count() == 1
    assert AuditEvent.objects.filter(action="meetings.attendance.sign_in").count() == 1


@pytest.mark.parametrize("n", [2, 6])
def test_voting_at_once_stores_one(n):
    mw = build_meetings_world(extra_households=2)
    meeting = mw.opened(MeetingKind.REPRESENTATIVES)
    motion = services.motion_add(actor=mw.cadre, meeting=meeting, title="修路")
    services.attendance_sign_in_by_clerk(actor=mw.cadre, meeting=meeting, entries=list(meeting.register.all()))
    services.motion_open(actor=mw.cadre, motion=motion)
    entry = RegisterEntry.objects.get(meeting=meeting, name="王建国")
    villager = mw.users["villager_a1"]

    def job(i):
        choice = "for" if i % 2 else "against"
        if i % 3 == 0:
            return lambda: (
                services.vote_record_by_clerk(
                    actor=mw.cadre, motion=Motion.objects.get(pk=motion.pk), entry=entry.pk, choice=choice
                ).pk
            )
        return lambda: (
            services.vote_cast_own(
                actor=villager, motion=Motion.objects.get(pk=motion.pk), entry=entry.pk, choice=choice
            ).pk
        )

    ok, refused, crashed = race([job(i) for i in range(n)])
    assert crashed == []
    assert len(ok) == 1 and len(refused) == n - 1
    already = zh("%(name)s has already voted on this motion; a vote cannot be changed.", name="王建国")
    assert all(exc.messages[0] == already for exc in refused)
    assert Vote.objects.filter(motion=motion, entry=entry).count() == 1
    assert AuditEvent.objects.filter(action="meetings.vote.cast").count() == 1


def test_a_vote_racing_the_close_is_either_counted_or_refused():
    mw = build_meetings_world(extra_households=2)
    meeting = mw.opened(MeetingKind.REPRESENTATIVES)
    motion = services.motion_add(actor=mw.cadre, meeting=meeting, title="修路")
    services.attendance_sign_in_by_clerk(actor=mw.cadre, meeting=meeting, entries=list(meeting.register.all()))
    services.motion_open(actor=mw.cadre, motion=motion)
    entry = RegisterEntry.objects.get(meeting=meeting, name="王建国")
    ok, refused, crashed = race(
        [
            lambda: (
                services.vote_cast_own(actor=mw.users["villager_a1"], motion=motion.pk, entry=entry.pk, choice="for").pk
            ),
            lambda: services.motion_close(actor=mw.cadre, motion=motion.pk).pk,
        ]
    )
    assert crashed == []
    motion.refresh_from_db()
    assert motion.votes_for == Vote.objects.filter(motion=motion).count()
