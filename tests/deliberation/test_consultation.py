"""线上协商: comments and a non-binding poll (one answer per household, changeable until it closes), never a vote."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import DomainError, NotFound
from deliberation import selectors, services
from deliberation.models import Comment, PollAnswer

pytestmark = pytest.mark.django_db


def _poll(dw, topic, **over):
    data = {
        "question": "广场选址在村委会旁是否合适？",
        "options": ["合适", "不合适", "其他意见"],
        "closes_at": timezone.now() + timedelta(days=3),
    }
    data.update(over)
    return services.poll_open(actor=dw.cadre, topic=topic, **data)


def test_one_answer_per_household_changeable_until_close(dw):
    topic = dw.topic(major=True)
    poll = _poll(dw, topic)
    services.poll_answer(actor=dw.users["villager_a1"], poll=poll, option=0)
    services.poll_answer(actor=dw.users["villager_x0"], poll=poll, option=1)
    services.poll_answer(actor=dw.users["villager_a1"], poll=poll, option=2)  # changed, not added
    assert PollAnswer.objects.filter(poll=poll).count() == 2
    assert selectors.poll_counts(poll) == [0, 1, 1]
    assert selectors.my_answer(poll, dw.w.households["a1"]) == 2
    services.poll_close(actor=dw.cadre, poll=poll)
    with pytest.raises(DomainError) as exc:
        services.poll_answer(actor=dw.users["villager_a1"], poll=poll, option=0)
    assert exc.value.code == "closed"
    assert selectors.poll_counts(poll) == [0, 1, 1]


def test_a_poll_closes_at_its_time(dw):
    topic = dw.topic()
    poll = _poll(dw, topic)
    with pytest.raises(DomainError):
        services.poll_answer(
            actor=dw.users["villager_a1"], poll=poll, option=0, now=poll.closes_at + timedelta(seconds=1)
        )


def test_poll_refusals(dw):
    topic = dw.topic()
    for over, field in (
        ({"options": ["只有一个"]}, "options"),
        ({"options": ["同意", "同意"]}, "options"),
        ({"closes_at": timezone.now() - timedelta(hours=1)}, "closes_at"),
        ({"closes_at": timezone.now() + timedelta(days=61)}, "closes_at"),
        ({"question": ""}, "question"),
    ):
        with pytest.raises(DomainError) as exc:
            _poll(dw, topic, **over)
        assert field in exc.value.message_dict
    poll = _poll(dw, topic)
    with pytest.raises(DomainError) as exc:
        _poll(dw, topic)
    assert exc.value.code == "open"
    with pytest.raises(DomainError) as exc:
        services.poll_answer(actor=dw.users["villager_a1"], poll=poll, option=7)
    assert "option" in exc.value.message_dict
    with pytest.raises(NotFound):
        services.poll_answer(actor=dw.users["villager_b1"], poll=poll, option=0)
    with pytest.raises(NotFound):
        services.poll_open(
            actor=dw.users["villager_a1"],
            topic=topic,
            question="q",
            options=["a", "b"],
            closes_at=timezone.now() + timedelta(days=1),
        )


def test_a_poll_does_not_stand_in_for_a_vote(dw):
    """Every household can answer 'agree' and the 党员大会 step is still refused: only a meeting's motion counts."""
    topic = dw.topic(major=True)
    services.topic_step(actor=dw.cadre, topic=topic, step="committees", note="同意")
    poll = _poll(dw, topic, options=["同意", "不同意"])
    for name in ("villager_a1", "villager_x0", "villager_x2", "villager_x3", "villager_x4", "villager_x5"):
        services.poll_answer(actor=dw.users[name], poll=poll, option=0)
    with pytest.raises(DomainError) as exc:
        services.topic_step(actor=dw.cadre, topic=topic, step="members")
    assert exc.value.code == "motion"


def test_comments(dw):
    topic = dw.topic()
    services.comment_add(actor=dw.users["villager_a1"], topic=topic, text="建议增加健身器材")
    services.comment_add(actor=dw.cadre, topic=topic, text="已记录")
    rows = selectors.comments(topic)
    assert [c.is_staff for c in rows] == [False, True] and rows[0].author_name == "王建国"
    with pytest.raises(DomainError) as exc:
        services.comment_add(actor=dw.users["villager_a1"], topic=topic, text="   ")
    assert "text" in exc.value.message_dict
    with pytest.raises(DomainError):
        services.comment_add(actor=dw.users["villager_a1"], topic=topic, text="我的电话 13800001234")
    with pytest.raises(NotFound):
        services.comment_add(actor=dw.users["villager_b1"], topic=topic, text="外村")
    services.topic_step(actor=dw.cadre, topic=topic, step="drop", data={"reason": "并入其他议题"})
    with pytest.raises(DomainError) as exc:
        services.comment_add(actor=dw.users["villager_a1"], topic=topic, text="还有意见")
    assert exc.value.code == "state"
    assert Comment.objects.filter(topic=topic).count() == 2


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    answers=st.lists(
        st.tuples(st.sampled_from(["villager_a1", "villager_x0", "villager_x2"]), st.integers(0, 2)), max_size=12
    )
)
def test_the_count_is_one_latest_answer_per_household(dw, answers):
    topic = dw.topic()
    poll = _poll(dw, topic)
    latest = {}
    for name, option in answers:
        services.poll_answer(actor=dw.users[name], poll=poll, option=option)
        latest[name] = option
    counts = selectors.poll_counts(poll)
    assert sum(counts) == len(latest)
    for i in range(3):
        assert counts[i] == sum(1 for o in latest.values() if o == i)
