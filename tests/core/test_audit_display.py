"""The audit trail in words (core.audit_display): every key an event records has a label, a case's flow, step and
state are shown by their flow's labels, values by their choices' labels, and the page shows no ``key=value``."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext as _

from core import audit, workflow
from core.audit_display import describe, unlabelled_keys
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_every_key_the_demo_records_has_a_label_and_case_steps_read_as_their_flow_says():
    call_command("seed_demo", "--households", "60", stdout=StringIO())
    events = list(AuditEvent.objects.order_by("id"))
    assert len({e.action.split(".")[0] for e in events}) >= 8  # every domain app recorded something
    missing = {}
    for event in events:
        for key in unlabelled_keys(event):
            missing.setdefault(key, set()).add(event.action)
    assert not missing, f"audit keys shown as they are, with no label: {missing}"

    with translation.override("zh-hans"):
        describe(events)
        steps = [e for e in events if e.action in ("casework.start", "casework.transition")]
        assert steps
        for event in steps:
            flow = workflow.get_flow(event.after["flow"])
            shown = {d.label: d for d in event.details}
            assert shown[str(_("state"))].after == str(flow.states[event.after["state"]].label)
            assert shown[str(_("procedure"))].after == str(flow.label)
            if event.before:
                assert shown[str(_("state"))].before == str(flow.states[event.before["state"]].label)
        decided = [e for e in events if e.action == "meetings.motion.decide"]
        assert decided and all("adopted" not in [d.after for d in e.details] for e in decided)


def test_the_audit_page_shows_words_not_machine_text(client):
    from tests.factories import build_world

    world = build_world()
    cadre = world.users["cadre_a1"]
    audit.record(
        cadre,
        "casework.transition",
        world.households["a1"],
        before={"state": "reported"},
        after={"flow": "incident", "step": "dispatch", "state": "dispatched", "deadline_at": None},
    )
    client.force_login(cadre)
    page = client.get("/audit/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert not re.search(r"\b(state|flow|step|outcome)=", page)
    flow = workflow.get_flow("incident")
    with translation.override("zh-hans"):
        for label in (flow.label, flow.states["reported"].label, flow.states["dispatched"].label):
            assert str(label) in page
        assert str(flow.transitions["dispatch"].label) in page
