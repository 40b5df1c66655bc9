"""At the same moment, on separate PostgreSQL connections: a report sent twice over a bad connection is
stored once; two members of the handling department accepting at once succeed once."""

import pytest
from django.db import connection

from casework.models import CaseEvent
from incidents import services
from incidents.models import Incident
from tests.concurrency import race
from tests.factories import make_user
from tests.incidents.support import INSIDE_A1, build_incident_world

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


@pytest.fixture
def tiw(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_incident_world()


def test_the_same_report_sent_three_times_at_once_is_stored_once(tiw):
    worker = tiw.users["grid_a1"]

    def send():
        incident, created = services.incident_report(
            actor=worker,
            matter=tiw.litter,
            description="桥头垃圾堆积",
            lat=INSIDE_A1[0],
            lng=INSIDE_A1[1],
            client_key="retry-7f3a",
        )
        return incident.pk, created

    ok, refused, crashed = race([send, send, send])
    assert not crashed and not refused
    assert len({pk for pk, _created in ok}) == 1
    assert sorted(created for _pk, created in ok) == [False, False, True]
    assert Incident.objects.count() == 1
    assert CaseEvent.objects.filter(transition="start").count() == 1


def test_two_department_members_accepting_at_once_succeed_once(tiw):
    second = make_user("env_second", "department_staff", tiw.w.county)
    tiw.environment.members.add(second)
    incident, _ = services.incident_report(
        actor=tiw.users["grid_a1"], matter=tiw.pollution, description="河道油污", lat=INSIDE_A1[0], lng=INSIDE_A1[1]
    )

    def accept(user):
        return lambda: (
            services.incident_step(actor=user, incident=Incident.objects.get(pk=incident.pk), step="accept").state
        )

    ok, refused, crashed = race([accept(tiw.users["department"]), accept(second)])
    assert not crashed
    assert ok == ["accepted"] and len(refused) == 1 and refused[0].code == "state"
    assert CaseEvent.objects.filter(object_id=incident.pk, transition="accept").count() == 1
