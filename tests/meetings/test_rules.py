"""meetings/rules.py at every edge: notice periods, adults, quorum, decisions, show-of-hands totals and who may
decide a reserved matter. Pure functions: no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from meetings import rules
from meetings.models import MeetingKind as K
from meetings.models import Outcome, RegisterBasis, ReservedMatter

P, H = RegisterBasis.PERSON, RegisterBasis.HOUSEHOLD


def decide(kind, basis=P, *, size, present, f, a=0, ab=0):
    return rules.decide(
        kind, basis, register_size=size, present=present, votes_for=f, votes_against=a, votes_abstain=ab
    )


# -- notice -------------------------------------------------------------------------------------------------


def test_statutory_notice_periods():
    assert rules.notice_days(K.VILLAGERS_ASSEMBLY) == 10  # Art. 21
    assert rules.notice_days(K.COLLECTIVE_MEMBERS) == 10  # 集体经济组织法 Art. 27
    assert rules.notice_days(K.PARTY_MASSES) == 3  # 003 #7
    assert rules.notice_days(K.TWO_COMMITTEES) == 1
    assert set(rules.DEFAULT_NOTICE_DAYS) == set(K.values)


def test_a_county_may_lengthen_but_never_shorten_a_statutory_period():
    assert rules.notice_days(K.VILLAGERS_ASSEMBLY, {K.VILLAGERS_ASSEMBLY: 5}) == 10
    assert rules.notice_days(K.VILLAGERS_ASSEMBLY, {K.VILLAGERS_ASSEMBLY: 15}) == 15
    assert rules.notice_days(K.REPRESENTATIVES, {K.REPRESENTATIVES: 5}) == 5
    assert rules.notice_days(K.REPRESENTATIVES, {K.REPRESENTATIVES: "x"}) == 3
    assert rules.check_override(K.VILLAGERS_ASSEMBLY, 9)
    assert rules.check_override(K.VILLAGERS_ASSEMBLY, 10) is None
    assert rules.check_override(K.REPRESENTATIVES, 0) is None
    assert rules.check_override(K.REPRESENTATIVES, 61)
    assert rules.check_override(K.REPRESENTATIVES, "three")


def test_notice_in_time_is_exact_to_the_minute():
    issued = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    assert rules.notice_in_time(issued, issued + timedelta(days=10), 10)
    assert not rules.notice_in_time(issued, issued + timedelta(days=10) - timedelta(minutes=1), 10)
    assert rules.earliest_start(issued, 3) == issued + timedelta(days=3)


# -- the register -------------------------------------------------------------------------------------------


def test_adult_on_the_day_of_the_meeting():
    assert rules.is_adult(date(2008, 11, 22), date(2026, 11, 22))  # 18th birthday that day
    assert not rules.is_adult(date(2008, 11, 23), date(2026, 11, 22))  # one day short
    assert rules.is_adult(date(2008, 2, 29), date(2026, 3, 1))
    assert not rules.is_adult(date(2008, 2, 29), date(2026, 2, 28))
    assert not rules.is_adult(None, date(2026, 1, 1))


def test_register_bases_per_kind():
    assert rules.register_bases(K.VILLAGERS_ASSEMBLY) == (P, H)  # Art. 22 either way
    assert rules.register_bases(K.GROUP) == (P, H)  # Art. 28
    assert rules.register_bases(K.REPRESENTATIVES) == (P,)
    assert rules.REGISTER[K.PARTY_MEMBERS].source == "party"
    assert rules.REGISTER[K.GROUP].by_group


def zh(msgid: str, **params) -> str:
    """The Chinese text users see for ``msgid`` (the catalogue's translation, with its parameters)."""
    with translation.override("zh-hans"):
        text = translation.gettext(msgid)
    return text % params if params else text


def test_representatives_one_per_5_to_15_households_and_women_a_third():
    ok = rules.check_representatives(households=150, representatives=15, women=5)
    assert ok.refuse == [] and ok.warn == []
    too_few = rules.check_representatives(households=151, representatives=10, women=4)
    assert too_few.refuse  # 151 > 10 × 15
    edge = rules.check_representatives(households=150, representatives=10, women=4)
    assert edge.refuse == []  # exactly 15 each
    too_many = rules.check_representatives(households=49, representatives=10, women=4)
    assert too_many.refuse == [] and too_many.warn  # under 5 households each
    women = rules.check_representatives(households=150, representatives=15, women=4)
    assert women.refuse == [] and women.warn == [
        zh("Women are %(w)s of %(n)s representatives: at least a third is required (Art. 25).", w=4, n=15)
    ]
    assert rules.check_representatives(households=10, representatives=0, women=0).refuse
    odd = rules.check_representatives(households=60, representatives=6, women=2, households_each=[4, 10, 16, None])
    assert zh("%(n)s representatives stand for fewer than 5 or more than 15 households.", n=2) in odd.warn


def test_party_masses_council_20_to_30():
    assert rules.check_party_masses(20) == rules.RosterCheck([], [])
    assert rules.check_party_masses(30) == rules.RosterCheck([], [])
    assert rules.check_party_masses(19).warn and rules.check_party_masses(31).warn
    assert rules.check_party_masses(0).refuse


# -- quorum -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "basis", "size", "present", "met"),
    [
        (K.VILLAGERS_ASSEMBLY, P, 100, 50, False),  # exactly half: not more than half (Art. 22)
        (K.VILLAGERS_ASSEMBLY, P, 100, 51, True),
        (K.VILLAGERS_ASSEMBLY, P, 101, 51, True),
        (K.VILLAGERS_ASSEMBLY, H, 90, 59, False),  # households: two thirds (Art. 22)
        (K.VILLAGERS_ASSEMBLY, H, 90, 60, True),  # exactly two thirds is enough
        (K.VILLAGERS_ASSEMBLY, H, 100, 66, False),
        (K.VILLAGERS_ASSEMBLY, H, 100, 67, True),
        (K.REPRESENTATIVES, P, 30, 19, False),  # Art. 26
        (K.REPRESENTATIVES, P, 30, 20, True),
        (K.GROUP, P, 30, 20, True),  # Art. 28
        (K.GROUP, H, 12, 7, False),
        (K.GROUP, H, 12, 8, True),
        (K.PARTY_MEMBERS, P, 40, 20, False),  # 支部工作条例: more than half
        (K.PARTY_MEMBERS, P, 40, 21, True),
        (K.TWO_COMMITTEES, P, 7, 4, True),
        (K.TWO_COMMITTEES, P, 8, 4, False),
        (K.PARTY_MASSES, P, 24, 12, False),
        (K.PARTY_MASSES, P, 24, 13, True),
        (K.COURTYARD, P, 300, 1, True),
        (K.COURTYARD, P, 300, 0, False),
        (K.COLLECTIVE_MEMBERS, P, 300, 199, False),  # 集体法 Art. 27: two thirds present
        (K.COLLECTIVE_MEMBERS, P, 300, 200, True),
        (K.COLLECTIVE_REPRESENTATIVES, P, 30, 20, True),
        (K.COLLECTIVE_REPRESENTATIVES, P, 30, 19, False),
        (K.REPRESENTATIVES, P, 0, 0, False),  # an empty register never has a quorum
    ],
)
def test_quorum(kind, basis, size, present, met):
    assert rules.quorum(kind, basis, size, present)[0] is met


def test_quorum_reports_the_number_needed():
    assert rules.quorum(K.VILLAGERS_ASSEMBLY, P, 100, 0)[1] == 51
    assert rules.quorum(K.VILLAGERS_ASSEMBLY, H, 100, 0)[1] == 67
    assert rules.quorum(K.REPRESENTATIVES, P, 30, 0)[1] == 20


# -- decisions ----------------------------------------------------------------------------------------------


def test_villagers_assembly_more_than_half_of_those_present():
    assert decide(K.VILLAGERS_ASSEMBLY, size=100, present=60, f=30, a=30).outcome == Outcome.REJECTED  # half
    assert decide(K.VILLAGERS_ASSEMBLY, size=100, present=60, f=31, a=29).outcome == Outcome.ADOPTED
    # abstentions count as present, not in favour
    assert decide(K.VILLAGERS_ASSEMBLY, size=100, present=60, f=30, a=10, ab=20).outcome == Outcome.REJECTED
    # present who did not vote weigh the same
    assert decide(K.VILLAGERS_ASSEMBLY, size=100, present=60, f=30, a=0).outcome == Outcome.REJECTED


def test_households_basis_quorum_then_majority_of_those_present():
    d = decide(K.VILLAGERS_ASSEMBLY, H, size=90, present=60, f=31, a=29)
    assert d.outcome == Outcome.ADOPTED and d.quorum_needed == 60
    assert decide(K.VILLAGERS_ASSEMBLY, H, size=90, present=59, f=59).outcome == Outcome.NO_QUORUM


def test_no_quorum_wins_over_a_unanimous_vote():
    assert decide(K.VILLAGERS_ASSEMBLY, size=100, present=50, f=50).outcome == Outcome.NO_QUORUM
    assert decide(K.REPRESENTATIVES, size=30, present=19, f=19).outcome == Outcome.NO_QUORUM


def test_representatives_and_group_more_than_half_present():
    assert decide(K.REPRESENTATIVES, size=30, present=20, f=10, a=10).outcome == Outcome.REJECTED
    assert decide(K.REPRESENTATIVES, size=30, present=20, f=11, a=9).outcome == Outcome.ADOPTED
    assert decide(K.GROUP, H, size=12, present=8, f=5, a=3).outcome == Outcome.ADOPTED


def test_collective_members_two_thirds_of_all_members():
    # everyone present in favour is not enough when they are under two thirds of ALL members
    assert decide(K.COLLECTIVE_MEMBERS, size=300, present=250, f=199, a=51).outcome == Outcome.REJECTED
    assert decide(K.COLLECTIVE_MEMBERS, size=300, present=250, f=200, a=50).outcome == Outcome.ADOPTED  # exactly 2/3
    assert decide(K.COLLECTIVE_REPRESENTATIVES, size=30, present=30, f=19, a=11).outcome == Outcome.REJECTED
    assert decide(K.COLLECTIVE_REPRESENTATIVES, size=30, present=20, f=20).outcome == Outcome.ADOPTED


def test_party_members_and_two_committees_more_than_half_of_all_members():
    assert decide(K.PARTY_MEMBERS, size=40, present=30, f=20, a=10).outcome == Outcome.REJECTED  # half of 40
    assert decide(K.PARTY_MEMBERS, size=40, present=30, f=21, a=9).outcome == Outcome.ADOPTED
    assert decide(K.TWO_COMMITTEES, size=7, present=5, f=3, a=2).outcome == Outcome.REJECTED
    assert decide(K.TWO_COMMITTEES, size=7, present=5, f=4, a=1).outcome == Outcome.ADOPTED


def test_consultative_bodies_record_an_opinion_that_does_not_bind():
    d = decide(K.PARTY_MASSES, size=24, present=20, f=15, a=5)
    assert d.outcome == Outcome.ADOPTED and d.binding is False
    assert decide(K.COURTYARD, size=300, present=40, f=20, a=20).outcome == Outcome.REJECTED
    assert decide(K.REPRESENTATIVES, size=3, present=3, f=2, a=1).binding is True


@settings(deadline=None, max_examples=300)
@given(
    size=st.integers(min_value=1, max_value=500),
    data=st.data(),
    kind=st.sampled_from(K.values),
)
def test_more_votes_in_favour_never_turn_an_adoption_into_a_rejection(size, data, kind):
    present = data.draw(st.integers(min_value=0, max_value=size))
    f = data.draw(st.integers(min_value=0, max_value=present))
    d1 = decide(kind, size=size, present=present, f=f, a=present - f)
    if f < present:
        d2 = decide(kind, size=size, present=present, f=f + 1, a=present - f - 1)
        assert not (d1.outcome == Outcome.ADOPTED and d2.outcome != Outcome.ADOPTED)
    assert d1.outcome != Outcome.ADOPTED or d1.quorum_met
    assert (d1.outcome == Outcome.NO_QUORUM) == (not d1.quorum_met)


# -- show of hands ------------------------------------------------------------------------------------------


def test_totals_must_add_up_to_those_present():
    assert rules.check_totals(present=10, votes_for=6, votes_against=3, votes_abstain=1) == {}
    more = rules.check_totals(present=10, votes_for=8, votes_against=3, votes_abstain=0)
    assert "votes_for" in more and "11" in more["votes_for"]
    fewer = rules.check_totals(present=10, votes_for=5, votes_against=3, votes_abstain=0)
    assert "votes_abstain" in fewer
    assert "votes_against" in rules.check_totals(present=10, votes_for=5, votes_against=-1, votes_abstain=6)


# -- who may decide what ------------------------------------------------------------------------------------


def test_village_rules_only_at_the_villagers_assembly_never_delegated():
    assert rules.may_decide(K.VILLAGERS_ASSEMBLY, ReservedMatter.VILLAGE_RULES) is None
    for kind in K.values:
        if kind != K.VILLAGERS_ASSEMBLY:
            assert rules.may_decide(kind, ReservedMatter.VILLAGE_RULES, delegated=True), kind


def test_art24_matters_need_the_assembly_or_a_delegation():
    for matter in rules.ART24:
        assert rules.may_decide(K.VILLAGERS_ASSEMBLY, matter) is None
        assert rules.may_decide(K.REPRESENTATIVES, matter)
        assert rules.may_decide(K.REPRESENTATIVES, matter, delegated=True) is None
        for kind in (K.TWO_COMMITTEES, K.PARTY_MEMBERS, K.PARTY_MASSES, K.COURTYARD, K.GROUP):
            assert rules.may_decide(kind, matter, delegated=True), (kind, matter)
    assert rules.may_decide(K.REPRESENTATIVES, "") is None


def test_collective_matters_at_the_collective_assemblies():
    assert rules.may_decide(K.COLLECTIVE_MEMBERS, ReservedMatter.COLLECTIVE_INCOME) is None
    assert rules.may_decide(K.COLLECTIVE_MEMBERS, ReservedMatter.HOMESTEADS)
    assert rules.may_decide(K.COLLECTIVE_REPRESENTATIVES, ReservedMatter.COLLECTIVE_INCOME)
    assert rules.may_decide(K.COLLECTIVE_REPRESENTATIVES, ReservedMatter.COLLECTIVE_INCOME, delegated=True) is None
    assert rules.may_decide(K.COLLECTIVE_REPRESENTATIVES, ReservedMatter.ALLOWANCES, delegated=True)


def test_representatives_meeting_due_each_quarter():
    assert rules.quarter_start(date(2026, 11, 22)) == date(2026, 10, 1)
    assert rules.quarter_start(date(2026, 3, 31)) == date(2026, 1, 1)
    assert rules.representatives_meeting_due(None, date(2026, 11, 22))
    assert rules.representatives_meeting_due(date(2026, 9, 30), date(2026, 11, 22))
    assert not rules.representatives_meeting_due(date(2026, 10, 1), date(2026, 11, 22))


def test_proposals_that_oblige_a_meeting():
    from meetings.models import ConvenedBy as C

    check = rules.check_proposal
    assert check(K.VILLAGERS_ASSEMBLY, C.BODY, None, adults=300, representatives=30) == {}
    assert check(K.VILLAGERS_ASSEMBLY, C.VILLAGERS, 30, adults=300, representatives=30) == {}  # exactly a tenth
    assert "proposers" in check(K.VILLAGERS_ASSEMBLY, C.VILLAGERS, 29, adults=300, representatives=30)
    assert check(K.VILLAGERS_ASSEMBLY, C.REPRESENTATIVES, 10, adults=300, representatives=30) == {}  # a third
    assert "proposers" in check(K.VILLAGERS_ASSEMBLY, C.REPRESENTATIVES, 9, adults=300, representatives=30)
    assert check(K.REPRESENTATIVES, C.REPRESENTATIVES, 6, adults=300, representatives=30) == {}  # a fifth
    assert "proposers" in check(K.REPRESENTATIVES, C.REPRESENTATIVES, 5, adults=300, representatives=30)
    assert "convened_by" in check(K.REPRESENTATIVES, C.VILLAGERS, 100, adults=300, representatives=30)
    assert "convened_by" in check(K.TWO_COMMITTEES, C.REPRESENTATIVES, 3, adults=300, representatives=30)
    assert "proposers" in check(K.VILLAGERS_ASSEMBLY, C.VILLAGERS, None, adults=300, representatives=30)
    assert "proposers" in check(K.VILLAGERS_ASSEMBLY, C.VILLAGERS, 301, adults=300, representatives=30)
