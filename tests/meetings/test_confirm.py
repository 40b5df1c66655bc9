"""Ending a vote cannot be undone: the page's form says what will happen and asks (data-confirm, a ``c<pk>-confirm``
box that static/js/steps.js ticks); without the confirmation the page refuses (400, form kept, nothing written) and
the API answers 422 on ``confirm`` until ``"confirm": true`` is sent."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.html import escape

from meetings import services
from meetings.forms import close_confirm_text
from meetings.models import MeetingKind, Outcome, VotingState
from tests.meetings.support import zh

pytestmark = pytest.mark.django_db


def _ballot(mw):
    meeting = mw.opened(MeetingKind.REPRESENTATIVES)
    motion = services.motion_add(actor=mw.cadre, meeting=meeting, title="村道修缮")
    services.attendance_sign_in_by_clerk(actor=mw.cadre, meeting=meeting, entries=list(meeting.register.all()))
    services.motion_open(actor=mw.cadre, motion=motion, method="ballot")
    return meeting, motion


def _what(meeting, recorded=0):
    """What ending the vote will do, in Chinese, with the numbers of the moment."""
    with translation.override("zh-hans"):
        return close_confirm_text(present=meeting.attendances.count(), recorded=recorded)


def test_the_close_form_says_what_will_happen_and_carries_the_box(mw, login):
    meeting, motion = _ballot(mw)
    client = login(mw.cadre)
    for url in (f"/meetings/{meeting.pk}/", f"/meetings/motions/{motion.pk}/roll-call/"):
        page = client.get(url).content.decode()
        assert f'data-confirm="{escape(_what(meeting))}"' in page
        assert f'name="c{motion.pk}-confirm"' in page and "js/steps.js" in page


def test_closing_without_the_confirmation_is_refused_and_writes_nothing(mw, login):
    meeting, motion = _ballot(mw)
    client = login(mw.cadre)
    response = client.post(f"/meetings/motions/{motion.pk}/close/")
    assert response.status_code == 400
    text = response.content.decode()
    assert escape(zh("Confirm before you go on: %(what)s", what=_what(meeting))) in text
    assert f'name="c{motion.pk}-confirm"' in text  # the form is kept, with the box shown
    motion.refresh_from_db()
    assert motion.voting == VotingState.OPEN and motion.outcome != Outcome.ADOPTED
    # from the roll-call page, the roll-call page is drawn again
    response = client.post(f"/meetings/motions/{motion.pk}/close/", {"back": "roll_call"})
    assert response.status_code == 400 and "roll" in response.templates[0].name
    # confirmed: closed
    response = client.post(f"/meetings/motions/{motion.pk}/close/", {f"c{motion.pk}-confirm": "on"})
    assert response.status_code == 302
    motion.refresh_from_db()
    assert motion.voting == VotingState.CLOSED


def test_the_api_wants_confirm_true_to_close_a_vote(client, mw, api_token):
    meeting, motion = _ballot(mw)
    cadre = api_token(mw.cadre)
    url = f"/api/meetings/motions/{motion.pk}/close"
    refused = client.post(url, {}, content_type="application/json", **cadre)
    assert refused.status_code == 422
    assert refused.json()["errors"]["confirm"] == [zh("Confirm before you go on: %(what)s", what=_what(meeting))]
    motion.refresh_from_db()
    assert motion.voting == VotingState.OPEN
    done = client.post(url, {"confirm": True}, content_type="application/json", **cadre)
    assert done.status_code == 200 and done.json()["voting"] == VotingState.CLOSED
    other = api_token(mw.users["cadre_b1"])
    assert client.post(url, {"confirm": True}, content_type="application/json", **other).status_code == 404
