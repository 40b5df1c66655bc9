"""Signing in and resetting a password with a code by SMS: who may get a code, the limits, one use, no guessing,
the first sign-in of a resident making the household's villager account, and the same on the pages and the API."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import phone as codes
from accounts.models import PhoneCode, RoleAssignment, User
from core.audit import AuditEvent
from core.errors import DomainError
from core.roles import Role
from messaging.models import OutboundSms
from tests.messaging.conftest import gateway  # noqa: F401 - the loopback SMS gateway fixture

RESIDENT = "13800000001"  # 王建国, head of household a1 of 安家村 (tests.factories)


def last_code(gateway):  # noqa: F811
    return gateway.received[-1]["params"]["code"]


@pytest.fixture
def sms(gateway, django_capture_on_commit_callbacks):  # noqa: F811
    """Ask for a code and return it as the phone receives it (the SMS sent through the loopback gateway)."""

    def ask(phone=RESIDENT, purpose="sign_in", address="10.0.0.1"):
        with django_capture_on_commit_callbacks(execute=True):
            codes.code_request(phone=phone, purpose=purpose, address=address)
        return last_code(gateway)

    return ask


def test_a_residents_first_sign_in_makes_the_households_villager_account_once(world, sms, gateway):  # noqa: F811
    code = sms()
    [sent] = gateway.received
    assert sent["phone"] == RESIDENT and sent["kind"] == "accounts.code" and code in sent["text"]
    log = OutboundSms.objects.get(kind="accounts.code")
    assert code not in log.text and log.params == {} and log.user is None  # the log keeps no code
    user = codes.sign_in_with_code(phone=RESIDENT, code=code)
    assert user.display_name == "王建国" and user.phone_masked == "138****0001" and not user.has_usable_password()
    [role] = RoleAssignment.objects.filter(user=user)
    assert (role.role, role.region_id, role.household_id) == (
        Role.VILLAGER,
        world.village_a1.pk,
        world.households["a1"].pk,
    )
    assert AuditEvent.objects.filter(action="accounts.user.self_register", target_id=str(user.pk)).exists()
    # the code is used: not again; a later sign-in finds the same account
    with pytest.raises(DomainError):
        codes.sign_in_with_code(phone=RESIDENT, code=code)
    PhoneCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    again = codes.sign_in_with_code(phone=RESIDENT, code=sms())
    assert again.pk == user.pk and User.objects.filter(phone_digest=user.phone_digest).count() == 1


def test_an_unknown_or_malformed_number_makes_nothing(world, gateway, django_capture_on_commit_callbacks):  # noqa: F811
    for phone, field in (("13912345678", "phone"), ("12345", "phone"), ("abc", "phone")):
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError) as refused:
            codes.code_request(phone=phone, address="10.0.0.2")
        assert field in refused.value.message_dict
    assert not PhoneCode.objects.exists() and not OutboundSms.objects.exists() and gateway.received == []
    assert not User.objects.filter(display_name="王建国").exists()


def test_a_code_cannot_be_guessed_and_dies_after_its_tries(world, sms, settings):
    code = sms()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(settings.SMS_CODE_MAX_TRIES - 1):
        with pytest.raises(DomainError):
            codes.sign_in_with_code(phone=RESIDENT, code=wrong)
    with pytest.raises(DomainError):
        codes.sign_in_with_code(phone=RESIDENT, code=wrong)  # the last try
    with pytest.raises(DomainError):  # now even the right code is refused
        codes.sign_in_with_code(phone=RESIDENT, code=code)
    assert PhoneCode.objects.get().tries == settings.SMS_CODE_MAX_TRIES
    assert not User.objects.filter(display_name="王建国").exists()


def test_an_expired_code_is_refused(world, sms, monkeypatch):
    code = sms()
    later = timezone.now() + timedelta(minutes=6)
    monkeypatch.setattr(timezone, "now", lambda: later)
    with pytest.raises(DomainError) as refused:
        codes.sign_in_with_code(phone=RESIDENT, code=code)
    assert "code" in refused.value.message_dict


def test_the_limits_per_number_and_per_address_hold(world, sms, settings):
    sms()
    with pytest.raises(DomainError):  # within the resend wait
        sms()
    assert PhoneCode.objects.count() == 1
    settings.SMS_CODE_PER_NUMBER_PER_DAY = 2
    PhoneCode.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    sms()
    PhoneCode.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    with pytest.raises(DomainError):  # two today already
        sms()
    settings.SMS_CODE_PER_ADDRESS_PER_HOUR = 3
    for phone in ("13912345678", "13912345679"):  # unknown numbers count against the address too
        with pytest.raises(DomainError):
            codes.code_request(phone=phone, address="10.9.9.9")
    codes.code_request(phone="13900000003", address="10.9.9.9")  # the third ask from that address
    with pytest.raises(DomainError) as refused:
        codes.code_request(phone="13700000004", address="10.9.9.9")
    assert refused.value.messages


def test_a_password_is_reset_with_a_code(world, sms, client):
    cadre = world.users["cadre_a1"]
    cadre.set_phone("13800000099")
    cadre.save()
    with pytest.raises(DomainError):  # no account uses the resident's number: nothing to reset
        sms(purpose="reset")
    code = sms(phone="13800000099", purpose="reset")
    with pytest.raises(DomainError) as weak:  # a weak password is refused and the code stays usable
        codes.reset_password(phone="13800000099", code=code, password="12345678")
    assert "password" in weak.value.message_dict
    codes.reset_password(phone="13800000099", code=code, password="Xin-Mima#2026")
    assert User.objects.get(username="cadre_a1").check_password("Xin-Mima#2026")
    assert AuditEvent.objects.filter(action="accounts.password.reset").count() == 1
    with pytest.raises(DomainError):
        codes.reset_password(phone="13800000099", code=code, password="Another#2026x")


def test_the_pages_sign_a_resident_in(world, client, gateway, django_capture_on_commit_callbacks):  # noqa: F811
    page = client.get("/login/phone/")
    assert page.status_code == 200 and 'id="phone-login"' in page.content.decode()
    assert 'id="phone-login-link"' in client.get("/login/").content.decode()
    bad = client.post("/login/phone/", {"phone": "1380000", "action": "send"})
    assert bad.status_code == 422 and not PhoneCode.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/login/phone/", {"phone": RESIDENT, "action": "send"})
    assert sent.status_code == 200 and 'name="code"' in sent.content.decode()
    wrong = client.post("/login/phone/", {"phone": RESIDENT, "code": "99999x", "action": "verify"})
    assert wrong.status_code == 422
    done = client.post("/login/phone/", {"phone": RESIDENT, "code": last_code(gateway), "action": "verify"})
    assert done.status_code == 302
    assert client.get("/").status_code == 200 and "王建国" in client.get("/").content.decode()


def test_the_reset_page(world, client, gateway, django_capture_on_commit_callbacks):  # noqa: F811
    cadre = world.users["cadre_a1"]
    cadre.set_phone("13800000099")
    cadre.save()
    assert client.get("/password/reset/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/password/reset/", {"phone": "13800000099", "action": "send"})
    differ = client.post(
        "/password/reset/",
        {
            "phone": "13800000099",
            "code": last_code(gateway),
            "password1": "Xin-Mima#2026",
            "password2": "x",
            "action": "reset",
        },
    )
    assert differ.status_code == 422
    done = client.post(
        "/password/reset/",
        {
            "phone": "13800000099",
            "code": last_code(gateway),
            "password1": "Xin-Mima#2026",
            "password2": "Xin-Mima#2026",
            "action": "reset",
        },
    )
    assert done.status_code == 302 and User.objects.get(username="cadre_a1").check_password("Xin-Mima#2026")


def test_the_api_for_a_mini_program(world, client, gateway, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/api/auth/code", {"phone": RESIDENT}, content_type="application/json")
    assert sent.status_code == 202 and sent.json()["to"] == "138****0001"
    unknown = client.post("/api/auth/code", {"phone": "13912345678"}, content_type="application/json")
    assert unknown.status_code in (400, 422) and "phone" in unknown.json()["errors"]
    token = client.post(
        "/api/auth/code/token", {"phone": RESIDENT, "code": last_code(gateway)}, content_type="application/json"
    )
    assert token.status_code == 200
    me = client.get("/api/auth/me", HTTP_AUTHORIZATION=f"Bearer {token.json()['token']}")
    assert me.status_code == 200 and [a["role"] for a in me.json()["assignments"]] == [Role.VILLAGER]
    again = client.post(
        "/api/auth/code/token", {"phone": RESIDENT, "code": last_code(gateway)}, content_type="application/json"
    )
    assert again.status_code in (400, 422)
