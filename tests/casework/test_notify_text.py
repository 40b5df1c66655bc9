"""A step's notification text may be a function of the step (Transition(notify_text=callable)): the module
writes its own words with the case's facts and what the person gave (a meeting's time and place, the reason of
a cancellation), instead of the default "procedure “case”: step"."""

import pytest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import workflow
from core.models import Notification
from core.roles import Role
from core.workflow import Flow, Party, State, Transition
from tests.casework.support import SampleIncident

REPORTER = Party(_("the reporter"), lambda actor, case: case.reporter_id == actor.pk, people=lambda c: [c.reporter_id])

TOLD = Flow(
    "test_told",
    label=_("Told"),
    model=SampleIncident,
    initial="asked",
    start_allow=(Role.GRID_WORKER, REPORTER),
    states=[State("asked", _("Asked")), State("answered", _("Answered")), State("done", _("Done"))],
    transitions=[
        Transition(
            "answer",
            source="asked",
            target="answered",
            label=_("Answer"),
            allow=(Role.VILLAGE_CADRE,),
            notify=(REPORTER,),
            notify_text=lambda step: f"{step.case.title}: {step.data.get('reply', '')} ({step.actor.username})",
        ),
        Transition(
            "finish",
            source="answered",
            target="done",
            label=_("Finish"),
            allow=(Role.VILLAGE_CADRE,),
            notify=(REPORTER,),
        ),
    ],
)


@pytest.mark.django_db
def test_a_function_gives_the_text_the_default_stays(world, django_capture_on_commit_callbacks):
    case = SampleIncident(title="水渠垮塌", reporter=world.users["grid_a1"])
    case.place_in(world.village_a1)
    workflow.start(actor=world.users["grid_a1"], case=case, flow=TOLD)
    cadre = world.users["cadre_a1"]
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(actor=cadre, case=case, flow=TOLD, name="answer", data={"reply": "明天来修"})
    note = Notification.objects.get(user=world.users["grid_a1"])
    assert note.text == "水渠垮塌: 明天来修 (cadre_a1)"
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(actor=cadre, case=case, flow=TOLD, name="finish")
    latest = Notification.objects.filter(user=world.users["grid_a1"]).order_by("-pk").first()
    default = gettext("%(flow)s “%(case)s”: %(step)s")  # the engine's own words, translated (“Told“水渠垮塌”：Finish”)
    assert latest.text == default % {"flow": "Told", "case": "水渠垮塌", "step": "Finish"}
