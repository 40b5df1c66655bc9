import pytest

from deliberation import services
from meetings.models import MeetingKind


@pytest.mark.django_db
def test_smoke(dw):
    topic = dw.topic(major=True)
    assert topic.state == "branch_proposed"
    dw.through_resolution(topic)
    assert topic.state == "resolved"
    services.topic_step(actor=dw.cadre, topic=topic, step="publish_decision")
    assert MeetingKind
