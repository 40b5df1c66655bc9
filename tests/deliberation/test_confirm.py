"""Signing the 村规民约 for a household (on the phone, or a paper signature recorded by a cadre) cannot be undone: the
page's form says what will happen and asks (data-confirm, a ``sign-confirm`` / ``paper-confirm`` box that
static/js/steps.js ticks); without the confirmation the page refuses (400, form kept, nothing written) and the API
answers 422 on ``confirm`` until ``"confirm": true`` is sent."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django.utils.html import escape

from deliberation.forms import PAPER_CONFIRM, SIGN_CONFIRM
from deliberation.models import RulesSignature
from tests.deliberation.support import t
from tests.deliberation.test_rules import _in_force

pytestmark = pytest.mark.django_db
BASE = "/deliberation"
API = "/api/deliberation"


def refusal(what) -> str:
    return t("Confirm before you go on: %(what)s", what=t(str(what)))


def test_the_sign_and_paper_forms_say_what_will_happen(dw, login):
    rules = _in_force(dw)
    page = login(dw.users["villager_a1"]).get(f"{BASE}/rules/{rules.pk}/").content.decode()
    assert f'data-confirm="{escape(t(str(SIGN_CONFIRM)))}"' in page and 'name="sign-confirm"' in page
    assert "js/steps.js" in page
    page = login(dw.cadre).get(f"{BASE}/rules/{rules.pk}/").content.decode()
    assert f'data-confirm="{escape(t(str(PAPER_CONFIRM)))}"' in page and 'name="paper-confirm"' in page


def test_signing_on_the_page_without_the_confirmation_is_refused(dw, login):
    rules = _in_force(dw)
    villager = login(dw.users["villager_a1"])
    response = villager.post(f"{BASE}/rules/{rules.pk}/sign/")
    assert response.status_code == 400
    text = response.content.decode()
    assert escape(refusal(SIGN_CONFIRM)) in text and 'name="sign-confirm"' in text
    assert not RulesSignature.objects.exists()
    assert villager.post(f"{BASE}/rules/{rules.pk}/sign/", {"sign-confirm": "on"}).status_code == 302
    assert RulesSignature.objects.count() == 1


def test_a_paper_signature_without_the_confirmation_is_refused_and_the_form_kept(dw, login):
    rules = _in_force(dw)
    client = login(dw.cadre)
    data = {
        "household": dw.w.households["x4"].pk,
        "signer_name": "户主4",
        "signed_on": timezone.localdate().isoformat(),
    }
    response = client.post(f"{BASE}/rules/{rules.pk}/paper/", data)
    assert response.status_code == 400
    text = response.content.decode()
    assert escape(refusal(PAPER_CONFIRM)) in text and 'value="户主4"' in text
    assert not RulesSignature.objects.exists()
    assert client.post(f"{BASE}/rules/{rules.pk}/paper/", {**data, "paper-confirm": "on"}).status_code == 302
    assert RulesSignature.objects.count() == 1


def test_the_api_wants_confirm_true_to_sign(client, dw, api_token):
    rules = _in_force(dw)
    villager = api_token(dw.users["villager_a1"])
    url = f"{API}/rules/{rules.pk}/sign"
    refused = client.post(url, {}, content_type="application/json", **villager)
    assert refused.status_code == 422 and refused.json()["errors"]["confirm"] == [refusal(SIGN_CONFIRM)]
    assert not RulesSignature.objects.exists()
    assert client.post(url, {"confirm": True}, content_type="application/json", **villager).status_code == 200
    assert RulesSignature.objects.count() == 1
    outsider = api_token(dw.users["villager_b1"])
    assert client.post(url, {"confirm": True}, content_type="application/json", **outsider).status_code == 404


def test_the_api_wants_confirm_true_to_record_a_paper_signature(client, dw, api_token):
    rules = _in_force(dw)
    cadre = api_token(dw.cadre)
    url = f"{API}/rules/{rules.pk}/paper"
    data = {
        "household_id": dw.w.households["x4"].pk,
        "signer_name": "户主4",
        "signed_on": timezone.localdate().isoformat(),
    }
    refused = client.post(url, data, content_type="application/json", **cadre)
    assert refused.status_code == 422 and refused.json()["errors"]["confirm"] == [refusal(PAPER_CONFIRM)]
    assert not RulesSignature.objects.exists()
    done = client.post(url, {**data, "confirm": True}, content_type="application/json", **cadre)
    assert done.status_code == 201 and RulesSignature.objects.count() == 1
    other = api_token(dw.users["cadre_b1"])
    assert client.post(url, {**data, "confirm": True}, content_type="application/json", **other).status_code == 404
