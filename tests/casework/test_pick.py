"""One form for several steps (``Transition(pick=Pick(field, {value: step}))``): the page shows the one form in
place of the steps it stands for, the API describes those steps instead, and the engine takes the step the
value names, with that step's own fields and rules (办结回访: 满意 closes the case, 不满意 reopens it). Also: a
choice shown as buttons (``Choice(radio=True)``) and a step's files sent to the API under ``photos``."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _

from casework import steps
from casework.models import CaseEvent
from core import workflow
from core.errors import DomainError
from core.fields import NOTE, Choice, Files, Text
from core.roles import Role
from core.workflow import Flow, Pick, State, Transition
from tests.casework.support import SampleIncident

RATINGS = [("good", "满意"), ("bad", "不满意")]

FLOW = Flow(
    "test_pick",
    label=_("Repair request"),
    model=SampleIncident,
    initial="done",
    start_allow=(Role.GRID_WORKER,),
    states=[State("done", _("Done")), State("open", _("Open")), State("closed", _("Closed"))],
    transitions=[
        Transition(
            "close",
            source="done",
            target="closed",
            label=_("Close"),
            allow=(Role.GRID_WORKER,),
            fields=(Choice("rating", _("Rating"), options=RATINGS[:1]),),
        ),
        Transition(
            "reopen",
            source="done",
            target="open",
            label=_("Reopen"),
            allow=(Role.GRID_WORKER,),
            fields=(Text(NOTE, _("Reason")),),
        ),
        Transition(
            "rate",
            source="done",
            target="closed",
            label=_("Rate"),
            allow=(Role.GRID_WORKER,),
            fields=(Choice("rating", _("Rating"), options=RATINGS, radio=True), Text(NOTE, _("Note"), required=False)),
            pick=Pick("rating", {"good": "close", "bad": "reopen"}),
        ),
        Transition(
            "photo",
            source="open",
            target="open",
            label=_("Add photos"),
            allow=(Role.GRID_WORKER,),
            fields=(Files(label=_("Photos"), required=True, accept="image/*"),),
        ),
    ],
)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _open(world):
    case = SampleIncident(title="水渠", reporter=world.users["grid_a1"], grid=world.grid_a1)
    case.place_in(world.village_a1)
    workflow.start(actor=world.users["grid_a1"], case=case, flow=FLOW)
    return case


def _events(case):
    return list(CaseEvent.objects.filter(object_id=case.pk, flow=FLOW.name).values_list("transition", flat=True))


def test_the_engine_takes_the_step_the_value_names_with_its_own_rules(world):
    worker = world.users["grid_a1"]
    case = _open(world)
    for data, field in (({}, "rating"), ({"rating": "meh"}, "rating"), ({"rating": "bad"}, NOTE)):
        with pytest.raises(DomainError) as refused:
            workflow.transition(actor=worker, case=case, flow=FLOW, name="rate", data=data)
        assert set(refused.value.message_dict) == {field}  # "bad" reopens, and reopening needs a reason
    assert _events(case) == ["start"]
    event = workflow.transition(actor=worker, case=case, flow=FLOW, name="rate", data={"rating": "bad"}, note="漏水")
    assert (event.transition, case.state) == ("reopen", "open")


def test_the_page_shows_the_one_form_and_the_api_the_steps_it_stands_for(world, client, api_token):
    case = _open(world)
    worker = world.users["grid_a1"]
    assert [p["name"] for p in steps.panels(worker, case, FLOW)] == ["rate"]
    assert [s["name"] for s in steps.describe(worker, case, FLOW)] == ["close", "reopen"]
    client.force_login(worker)
    html = client.get(f"/casework/cases/test_pick/{case.pk}/").content.decode()
    assert 'type="radio" name="rate-rating" value="good"' in html and 'value="bad"' in html  # buttons to tap
    response = client.post(
        f"/casework/cases/test_pick/{case.pk}/steps/rate/", {"rate-rating": "good", "rate-version": case.version}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "closed" and _events(case) == ["start", "close"]


def test_a_pick_names_steps_of_its_own_states_by_a_field_it_declares():
    rate = dict(source="done", label="x", allow=(Role.GRID_WORKER,), fields=(Choice("rating", "x", options=RATINGS),))
    for pick in (Pick("stars", {"good": "close"}), Pick("rating", {"good": "nowhere"})):
        with pytest.raises(ImproperlyConfigured):
            Flow(
                "test_bad_pick",
                label="x",
                initial="done",
                states=[State("done", "x"), State("closed", "x")],
                transitions=[
                    Transition("close", source="done", target="closed", label="x", allow=(Role.GRID_WORKER,)),
                    Transition("rate", target="closed", pick=pick, **rate),
                ],
                register=False,
            )


def test_the_api_reads_a_steps_files_under_photos_too(world, client, api_token):
    worker = world.users["grid_a1"]
    case = _open(world)
    workflow.transition(actor=worker, case=case, flow=FLOW, name="reopen", note="漏水")
    headers = api_token(worker)
    photo = SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")
    response = client.post(f"/api/casework/cases/test_pick/{case.pk}/steps/photo", {"photos": [photo]}, **headers)
    assert response.status_code == 200, response.content
    assert [len(e["attachments"]) for e in response.json()["timeline"]] == [0, 0, 1]
