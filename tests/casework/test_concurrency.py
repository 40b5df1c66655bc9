"""Two people taking the same step at the same moment, each on its own PostgreSQL connection: exactly one
succeeds, the other is told the case has moved on, and the timeline holds one event for the step."""

import pytest
from django.db import connection

from casework.models import CaseEvent
from core import workflow
from core.models import AuditEvent
from core.roles import Role
from tests.casework.support import GRID_INCIDENT, SampleIncident, at
from tests.concurrency import race
from tests.factories import make_user

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


@pytest.fixture
def reported(world, new_case, calendar_2026):
    case = new_case()
    workflow.start(actor=world.users["grid_a1"], case=case, flow=GRID_INCIDENT)
    return case


@pytest.mark.parametrize("n", [2, 6])
def test_dispatching_at_once_succeeds_once(world, reported, n):
    officials = [world.users["township_a"], world.users["cadre_a1"]]
    officials += [make_user(f"township_extra{i}", Role.TOWNSHIP_OFFICIAL, world.township_a) for i in range(n - 2)]
    department = world.users["department"].pk

    def job(user):
        return lambda: (
            workflow.transition(
                actor=user,
                case=SampleIncident.objects.get(pk=reported.pk),
                flow=GRID_INCIDENT,
                name="dispatch",
                data={"assignee": department},
            ).pk
        )

    ok, refused, crashed = race([job(u) for u in officials])
    assert crashed == []
    assert len(ok) == 1 and len(refused) == n - 1
    assert all(exc.code == "state" for exc in refused)
    row = SampleIncident.objects.get(pk=reported.pk)
    assert (row.state, row.version) == ("dispatched", 2)
    assert CaseEvent.objects.filter(object_id=reported.pk, transition="dispatch").count() == 1
    assert AuditEvent.objects.filter(action="casework.transition", target_id=str(reported.pk)).count() == 1


def test_a_person_and_the_deadline_run_at_once(world, reported):
    """The township dispatches while the deadline run flags the same case: both may happen, in some order,
    but never on a case the other has already moved, and the row's version counts every event."""

    later = at("2030-01-01 00:00")
    department = world.users["department"].pk

    def person():
        return workflow.transition(
            actor=world.users["township_a"],
            case=SampleIncident.objects.get(pk=reported.pk),
            flow=GRID_INCIDENT,
            name="dispatch",
            data={"assignee": department},
            now=later,
        ).pk

    def deadline_run():
        return workflow.run_deadlines(GRID_INCIDENT, now=later)

    ok, refused, crashed = race([person, deadline_run])
    assert crashed == [] and refused == []
    row = SampleIncident.objects.get(pk=reported.pk)
    events = CaseEvent.objects.filter(object_id=reported.pk).count()
    assert row.version == events
    assert row.state == "dispatched"
