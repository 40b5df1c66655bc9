"""The boards' rule at its edges (inspections.ranking, pure functions): the size of a board, ties at the cut-off,
at least one, nobody on both boards, competition ranks."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from inspections.ranking import board_size, boards, ranks


def test_board_size_rounds_half_up_and_is_at_least_one():
    assert board_size(100, 2) == 2
    assert board_size(100, 5) == 5
    assert board_size(10, 2) == 1  # 0.2 → at least 1
    assert board_size(10, 5) == 1  # 0.5 → 1 (half up)
    assert board_size(30, 5) == 2  # 1.5 → 2
    assert board_size(29, 5) == 1  # 1.45 → 1
    assert board_size(1, 2) == 1
    assert board_size(0, 2) == 0
    assert board_size(7, Decimal("20")) == 1  # 1.4 → 1
    assert board_size(8, Decimal("20")) == 2  # 1.6 → 2


def test_a_hundred_households_with_a_tie_at_the_second_place():
    scores = {i: 60 + i % 30 for i in range(100)}  # nobody above 89 …
    scores.update({0: 99, 1: 97, 2: 97, 3: 95})  # … the first alone, the second place shared by two
    b = boards(scores, 2, 5)
    assert b.top_size == 2
    assert b.top == {0, 1, 2}  # ties at the cut-off all included: 3 on a board of 2
    assert b.ranks[1] == b.ranks[2] == 2 and b.ranks[3] == 4


def test_a_tie_at_the_bottom_cut_off_includes_everyone_tied():
    scores = {i: 90 for i in range(100)}
    scores.update({i: 50 for i in range(10)})  # ten households share the lowest score; the board holds 5
    scores[99] = 100
    b = boards(scores, 2, 5)
    assert b.bottom == set(range(10))
    assert 99 in b.top


def test_ten_households_give_at_least_one_on_each_board():
    scores = {i: 100 - i for i in range(10)}
    b = boards(scores, 2, 5)
    assert b.top == {0} and b.bottom == {9}


def test_nobody_is_on_both_boards_when_everyone_ties():
    b = boards({i: 100 for i in range(5)}, 2, 5)
    assert b.top == set(range(5)) and b.bottom == set()


def test_one_household_is_praised_not_exposed():
    b = boards({"only": 80}, 2, 5)
    assert b.top == {"only"} and b.bottom == set()


def test_nobody_inspected_nobody_ranked():
    b = boards({}, 2, 5)
    assert b.top == set() and b.bottom == set() and b.ranks == {}


def test_competition_ranks():
    assert ranks({"a": 90, "b": 95, "c": 90, "d": 80}) == {"b": 1, "a": 2, "c": 2, "d": 4}


@given(
    st.dictionaries(st.integers(0, 500), st.integers(0, 100), max_size=120),
    st.integers(1, 50),
    st.integers(1, 50),
)
def test_invariants(scores, top, bottom):
    b = boards(scores, top, bottom)
    assert not (b.top & b.bottom)
    if scores:
        assert len(b.top) >= b.top_size >= 1
        # a board's members all score at least (at most) as much as everyone off it
        rest = set(scores) - b.top
        if rest and b.top:
            assert min(scores[k] for k in b.top) > max(scores[k] for k in rest) or len(b.top) >= b.top_size
            assert min(scores[k] for k in b.top) >= max(scores[k] for k in rest)
        if b.bottom:
            others = set(scores) - b.bottom - b.top
            if others:
                assert max(scores[k] for k in b.bottom) <= min(scores[k] for k in others)
