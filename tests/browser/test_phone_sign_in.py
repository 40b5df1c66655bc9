"""A villager on a 360 px phone signs in with a code sent by SMS (the loopback gateway stands for the phone): the
first sign-in makes the household's account; the home page shows the household's points and the village rules
waiting for its signature; without signal the villager reports a matter with a photo, and when signal returns the
report arrives once."""

from __future__ import annotations

from playwright.sync_api import expect

from accounts.models import User
from deliberation import services
from incidents import services as incident_services
from incidents.models import Incident, Level
from tests.browser.conftest import zh
from tests.browser.test_pwa_offline import big_jpeg, fill_report
from tests.deliberation.support import build_deliberation_world
from tests.messaging.conftest import gateway  # noqa: F401 - the loopback SMS gateway fixture

RESIDENT = "13800000001"  # 王建国, head of household a1 of 安家村 (tests.factories)


def test_a_resident_signs_in_with_a_code_sees_the_home_and_reports_offline(
    mobile_page,
    gateway,  # noqa: F811
    settings,
    tmp_path,
):
    from tests.points.civility import civility_scheme

    settings.MEDIA_ROOT = tmp_path / "media"
    dw = build_deliberation_world()
    civility_scheme(dw.w, title="安家村细则", decision_ref="决议第3号")
    admin = dw.users["county_admin"]
    incident_services.matter_admit(actor=admin, county=dw.w.county, code="HJ01", name="垃圾乱堆乱放", group="环境卫生")
    incident_services.rule_save(actor=admin, county=dw.w.county, level=Level.VILLAGE, days=5, note="小事不出村")
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
    expect(phone.locator("main")).to_contain_text(zh("My points"))
    user = User.objects.get(display_name="王建国")
    assert user.assignments.get().household_id == dw.w.households["a1"].pk

    # no signal: the report is kept on the phone, and arrives once when signal returns
    phone.goto("/incidents/report/")
    phone.context.set_offline(True)
    fill_report(phone, "村口垃圾堆了三天没人清运", big_jpeg())
    phone.locator("#report-submit").click()
    expect(phone.locator("#offline-notice.queued")).to_be_visible()
    assert Incident.objects.count() == 0
    phone.context.set_offline(False)
    expect(phone.locator("#offline-notice.sent")).to_be_visible()
    [report] = Incident.objects.all()
    assert report.description == "村口垃圾堆了三天没人清运" and report.reporter_id == user.pk
    # the same code does not sign anyone in twice
    phone.context.clear_cookies()
    phone.goto("/login/phone/")
    phone.fill("input[name=phone]", RESIDENT)
    phone.locator("button[value=send]").click()
    assert len(gateway.received) == 1  # within the resend wait: refused, nothing sent
    expect(phone.locator(".errorlist")).to_be_visible()
