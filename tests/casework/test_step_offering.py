"""Four small options of a declared step (added for 三务公开, useful to any module): ``offered(case)`` leaves a step
out where it does not apply, ``note=False`` drops the free note from its form, a field's ``help`` may be a
function of (actor, case), and a step only the system takes has no form (posting to it is 404)."""

import pytest
from django.utils.translation import gettext_lazy as _

from casework import steps
from core import workflow
from core.errors import DomainError
from core.fields import Text
from core.roles import Role
from core.workflow import SYSTEM, Flow, State, Transition
from tests.casework.support import SampleIncident

pytestmark = pytest.mark.django_db


def _urgent_only(step):
    if not step.case.title.startswith("急"):
        raise DomainError(_("Only urgent cases are escalated."), code="urgent")


OPTIONS = Flow(
    "test_step_options",
    label=_("Step options"),
    model=SampleIncident,
    initial="open",
    start_allow=(Role.VILLAGE_CADRE,),
    states=[State("open", _("Open")), State("escalated", _("Escalated")), State("closed", _("Closed"))],
    transitions=[
        Transition(
            "escalate",
            source="open",
            target="escalated",
            label=_("Escalate"),
            allow=(Role.VILLAGE_CADRE,),
            guards=(_urgent_only,),
            offered=lambda case: case.title.startswith("急"),
        ),
        Transition(
            "close",
            source={"open", "escalated"},
            target="closed",
            label=_("Close"),
            allow=(Role.VILLAGE_CADRE,),
            fields=(Text("reason", _("Reason"), max_length=50, help=lambda actor, case: f"{case.title}: why?"),),
            note=False,
        ),
        Transition("expire", source="open", target="closed", label=_("Expire"), allow=(SYSTEM,)),
    ],
)


def _open(world, title):
    case = SampleIncident(title=title, reporter=world.users["grid_a1"])
    case.place_in(world.village_a1)
    workflow.start(actor=world.users["cadre_a1"], case=case, flow=OPTIONS)
    return case


def test_a_step_not_offered_is_left_out_but_still_refused_by_its_guard(world):
    cadre = world.users["cadre_a1"]
    calm, urgent = _open(world, "水渠"), _open(world, "急：水渠垮塌")
    assert [tr.name for tr in workflow.available(cadre, calm, OPTIONS)] == ["close"]
    assert [p["name"] for p in steps.panels(cadre, calm, OPTIONS)] == ["close"]
    assert [s["name"] for s in steps.describe(cadre, urgent, OPTIONS)] == ["escalate", "close"]
    with pytest.raises(DomainError) as refused:
        workflow.transition(actor=cadre, case=calm, flow=OPTIONS, name="escalate")
    assert refused.value.code == "urgent"


def test_note_false_drops_the_free_note_and_help_may_depend_on_the_case(world):
    cadre = world.users["cadre_a1"]
    case = _open(world, "水渠")
    form = steps.form_for(OPTIONS, OPTIONS.transitions["close"], actor=cadre, case=case)
    assert list(form.fields) == ["version", "reason"]
    assert form.fields["reason"].help_text == "水渠: why?"
    (close,) = steps.describe(cadre, case, OPTIONS)
    assert [f["name"] for f in close["fields"]] == ["reason"] and close["fields"][0]["help"] == "水渠: why?"
    escalate = steps.form_for(OPTIONS, OPTIONS.transitions["escalate"], actor=cadre, case=case)
    assert "note" in escalate.fields  # the default: a free note on every step


def test_a_step_only_the_system_takes_has_no_form(world, client):
    case = _open(world, "水渠")
    client.force_login(world.users["cadre_a1"])
    url = f"/casework/cases/test_step_options/{case.pk}/steps"
    assert client.post(f"{url}/expire/", {}).status_code == 404
    case.refresh_from_db()
    assert case.state == "open"
    assert client.post(f"{url}/close/", {"close-reason": "修好了"}).status_code == 302
