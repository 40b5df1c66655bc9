"""A visit form sent twice (the phone's offline queue sends it again when the answer was lost, a double tap) is
stored once: the same client key returns the visit already recorded, through the page, the service and the API."""

from django.utils import timezone

from core.models import AuditEvent
from visits import services
from visits.models import Visit


def _post(client, world, key, found="一切正常"):
    return client.post(
        "/visits/record/",
        {
            "household": world.households["a1"].pk,
            "visited_on": timezone.localdate().isoformat(),
            "how": "home",
            "found": found,
            "client_key": key,
        },
    )


def test_the_same_form_sent_twice_is_stored_once(world, login, rules):
    client = login(world.users["grid_a1"])
    first = _post(client, world, "0b7f3c5e-6a1d-4f7e-9d1c-2a8e5b7c9f01")
    events = AuditEvent.objects.count()
    again = _post(client, world, "0b7f3c5e-6a1d-4f7e-9d1c-2a8e5b7c9f01")
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert Visit.objects.count() == 1 and AuditEvent.objects.count() == events
    assert Visit.objects.get().client_key == "0b7f3c5e-6a1d-4f7e-9d1c-2a8e5b7c9f01"


def test_another_key_the_same_day_is_still_refused_as_a_second_visit(world, login, rules):
    client = login(world.users["grid_a1"])
    assert _post(client, world, "key-one").status_code == 302
    assert _post(client, world, "key-two").status_code == 400
    assert Visit.objects.count() == 1


def test_the_key_belongs_to_its_recorder(world, rules):
    day = timezone.localdate()
    mine = services.visit_record(
        actor=world.users["grid_a1"], household=world.households["a1"], visited_on=day, found="x", client_key="k1"
    )
    assert (
        services.visit_record(
            actor=world.users["grid_a1"], household=world.households["a1"], visited_on=day, found="y", client_key="k1"
        ).pk
        == mine.pk
    )
    assert Visit.objects.count() == 1


def test_the_api_returns_the_visit_already_recorded(world, client, api_token, rules):
    auth = api_token(world.users["grid_a1"])
    body = {
        "household": world.households["a1"].pk,
        "visited_on": timezone.localdate().isoformat(),
        "found": "一切正常",
        "client_key": "api-key-1",
    }
    first = client.post("/api/visits/visits", body, content_type="application/json", **auth)
    again = client.post("/api/visits/visits", body, content_type="application/json", **auth)
    assert first.status_code == again.status_code == 201, again.content
    assert first.json()["id"] == again.json()["id"] and Visit.objects.count() == 1
