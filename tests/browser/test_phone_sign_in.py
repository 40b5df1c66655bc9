"""A villager on a 360 px phone signs in with a code sent by SMS (the loopback gateway stands for the phone): the
first sign-in makes the household's account, and the home page shows what waits for the household."""

from __future__ import annotations

from playwright.sync_api import expect

from accounts.models import User
from deliberation import services
from tests.browser.conftest import zh
from tests.deliberation.support import build_deliberation_world
from tests.messaging.conftest import gateway  # noqa: F401 - the loopback SMS gateway fixture

RESIDENT = "13800000001"  # 王建国, head of household a1 of 安家村 (tests.factories)


def test_a_resident_signs_in_with_a_code_and_sees_the_rules_to_sign(mobile_page, gateway):  # noqa: F811
    dw = build_deliberation_world()
    rules = services.rules_create(actor=dw.cadre, village=dw.village, title="村规民约", text="一、爱护环境。")
    services.rules_step(actor=dw.cadre, rules=rules, step="draft", note="院坝会")
    services.rules_step(actor=dw.cadre, rules=rules, step="submit")
    services.rules_step(actor=dw.users["township_a"], rules=rules, step="approve", data={"comments": "同意"})
    dw.adopt_rules(rules)
    services.rules_step(actor=dw.cadre, rules=rules, step="adopt")
    services.rules_step(actor=dw.users["township_a"], rules=rules, step="file")
    services.rules_step(actor=dw.cadre, rules=rules, step="promulgate")

    phone = mobile_page
    phone.goto("/login/")
    phone.locator("#phone-login-link").click()
    phone.fill("input[name=phone]", "138 0000 0001")
    phone.locator("button[value=send]").click()
    expect(phone.locator("input[name=code]")).to_be_visible()
    assert [m["phone"] for m in gateway.received] == [RESIDENT]
    code = gateway.received[0]["params"]["code"]
    phone.fill("input[name=code]", code)
    phone.locator("button[value=verify]").click()
    phone.wait_for_load_state()
    expect(phone.locator("main")).to_contain_text(zh("Village rules waiting for my household's signature"))
    user = User.objects.get(display_name="王建国")
    assert user.assignments.get().household_id == dw.w.households["a1"].pk
    # the same code does not sign anyone in twice
    phone.context.clear_cookies()
    phone.goto("/login/phone/")
    phone.fill("input[name=phone]", RESIDENT)
    phone.locator("button[value=send]").click()
    assert len(gateway.received) == 1  # within the resend wait: refused, nothing sent
    expect(phone.locator(".errorlist")).to_be_visible()
