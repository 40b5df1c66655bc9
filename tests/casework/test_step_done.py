"""After a step is taken from its page form: a step may declare the message shown (``done_text``) and where the
page goes (``done_url``, a function of the case) — the review group goes back to its queue after deciding —
and a step that declares neither keeps "Done: <step>." and the case's page. (A Pick form uses the step taken.)"""

from django.contrib.messages import get_messages
from django.utils.translation import gettext_lazy as _

from core import workflow
from core.fields import Choice
from core.roles import Role
from core.workflow import Flow, Pick, State, Transition
from tests.casework.support import SampleIncident

QUEUE = "/casework/calendar/"  # any page: the step says where to go

FLOW = Flow(
    "test_step_done",
    label=_("Repair request"),
    model=SampleIncident,
    initial="asked",
    start_allow=(Role.GRID_WORKER,),
    states=[State("asked", _("Asked")), State("noted", _("Noted")), State("done", _("Done")), State("no", _("No"))],
    transitions=[
        Transition("note", source="asked", target="noted", label=_("Note"), allow=(Role.VILLAGE_CADRE,)),
        Transition(
            "finish",
            source="noted",
            target="done",
            label=_("Finish"),
            allow=(Role.VILLAGE_CADRE,),
            done_text=_("Finished, back to the queue."),
            done_url=lambda case: QUEUE,
        ),
        Transition("refuse", source="noted", target="no", label=_("Refuse"), allow=(Role.VILLAGE_CADRE,)),
        Transition(
            "answer",
            source="noted",
            target="done",
            label=_("Answer"),
            allow=(Role.VILLAGE_CADRE,),
            fields=(Choice("answer", _("Answer"), options=[("yes", "是"), ("no", "否")]),),
            pick=Pick("answer", {"yes": "finish", "no": "refuse"}),
        ),
    ],
)


def _open(world):
    case = SampleIncident(title="水渠", reporter=world.users["grid_a1"], grid=world.grid_a1)
    case.place_in(world.village_a1)
    workflow.start(actor=world.users["grid_a1"], case=case, flow=FLOW)
    return case


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_step_without_them_keeps_the_default_message_and_the_case_page(world, client):
    case = _open(world)
    client.force_login(world.users["cadre_a1"])
    response = client.post(f"/casework/cases/test_step_done/{case.pk}/steps/note/", {"note-version": case.version})
    assert response.status_code == 302 and response["Location"] == f"/casework/cases/test_step_done/{case.pk}/"
    assert _messages(response) == [str(_("Done: %(step)s.") % {"step": _("Note")})]


def test_a_step_names_its_message_and_where_the_page_goes(world, client):
    case = _open(world)
    workflow.transition(actor=world.users["cadre_a1"], case=case, flow=FLOW, name="note")
    client.force_login(world.users["cadre_a1"])
    response = client.post(f"/casework/cases/test_step_done/{case.pk}/steps/finish/", {})
    assert response.status_code == 302 and response["Location"] == QUEUE
    assert _messages(response) == [str(_("Finished, back to the queue."))]


def test_a_pick_form_follows_the_step_it_took(world, client):
    finished, refused = _open(world), _open(world)
    for case in (finished, refused):
        workflow.transition(actor=world.users["cadre_a1"], case=case, flow=FLOW, name="note")
    client.force_login(world.users["cadre_a1"])
    url = "/casework/cases/test_step_done/{}/steps/answer/"
    response = client.post(url.format(finished.pk), {"answer-answer": "yes"})
    assert response["Location"] == QUEUE and _messages(response) == [str(_("Finished, back to the queue."))]
    response = client.post(url.format(refused.pk), {"answer-answer": "no"})
    assert response["Location"] == f"/casework/cases/test_step_done/{refused.pk}/"
    assert _messages(response)[-1] == str(_("Done: %(step)s.") % {"step": _("Refuse")})  # the first one unread
