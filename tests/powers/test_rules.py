"""The meeting rule (Organic Law Art. 22, 26, 28; 党群议事会), as a property: a meeting decides exactly when it has its
quorum and more than half of those present vote for; the counts are checked before anything is recorded."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from types import SimpleNamespace

from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import DomainError
from powers import rules

QUORUM = {
    "villagers": (Fraction(1, 2), True),
    "representatives": (Fraction(2, 3), False),
    "group": (Fraction(2, 3), False),
    "council": (Fraction(1, 2), True),
}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.sampled_from(sorted(QUORUM)),
    members=st.integers(min_value=1, max_value=400),
    present=st.integers(min_value=1, max_value=450),
    votes_for=st.integers(min_value=0, max_value=450),
)
def test_a_meeting_decides_exactly_with_quorum_and_majority(body, members, present, votes_for):
    # the meeting recorded by hand (the autouse fixture of conftest.py stands the meetings app aside)
    case = SimpleNamespace(meeting_ref="", meeting_date=None, votes_for=None, votes_present=None)
    data = {
        "body": body,
        "meeting_ref": "会议",
        "meeting_date": "2026-11-02",
        "members": members,
        "present": present,
        "votes_for": votes_for,
    }
    step = SimpleNamespace(
        actor=None, case=case, data=data, now=timezone.make_aware(timezone.datetime(2026, 11, 3, 10))
    )
    share, strict = QUORUM[body]
    valid = present <= members and votes_for <= present
    quorate = Fraction(present, members) > share if strict else Fraction(present, members) >= share
    adopted = valid and quorate and 2 * votes_for > present
    try:
        fields = rules.meeting(*QUORUM)(step)
    except DomainError:
        assert not adopted
        assert case.votes_for is None  # nothing recorded on a refusal
    else:
        assert adopted
        assert set(fields) == {"meeting_ref", "meeting_date", "votes_for", "votes_present"}
        assert (case.votes_for, case.votes_present, case.meeting_date) == (votes_for, present, date(2026, 11, 2))
