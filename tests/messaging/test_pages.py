"""The person's SMS choices and the county's SMS settings and log, on the pages and in the API; a procedure's step
reaching a villager by SMS; the cloud gateways' adapters; the budget under concurrent senders."""

from datetime import time
from types import SimpleNamespace

import pytest
from django.db import connection

from core.audit import AuditEvent
from messaging import channels, gateways
from messaging.models import OutboundSms, SmsMonth, SmsPreference, SmsSettings, SmsStatus
from tests.concurrency import race


def test_a_villager_chooses_which_messages_come_by_sms(world, login):
    villager = world.users["villager_a1"]
    client = login(villager)
    page = client.get("/messages/")
    assert page.status_code == 200
    body = page.content.decode()
    assert (
        'name="points.entry_decided"' in body
        and 'name="points.appeal_decided" checked' in body.replace('type="checkbox" ', "")
        or 'name="points.appeal_decided"' in body
    )
    assert 'id="sms-no-phone"' in body  # no number yet: told whom to ask
    response = client.post("/messages/", {"points.entry_decided": "on"})
    assert response.status_code == 302
    chosen = dict(SmsPreference.objects.filter(user=villager).values_list("kind", "sms"))
    assert chosen["points.entry_decided"] is True and chosen["points.appeal_decided"] is False
    assert AuditEvent.objects.filter(action="messaging.preferences", actor=villager).count() == 1


def test_the_api_refuses_a_kind_not_offered_and_changes_nothing(world, client, api_token):
    villager = world.users["villager_a1"]
    headers = api_token(villager)
    got = client.get("/api/messaging/preferences", **headers).json()
    assert {row["kind"] for row in got} >= {"points.appeal_decided", "meetings.notice"}
    bad = client.put(
        "/api/messaging/preferences",
        {"choices": {"meetings.notice": False, "no.such.kind": True}},
        content_type="application/json",
        **headers,
    )
    assert bad.status_code in (400, 422) and "no.such.kind" in bad.content.decode()
    assert not SmsPreference.objects.exists()
    ok = client.put(
        "/api/messaging/preferences",
        {"choices": {"meetings.notice": False}},
        content_type="application/json",
        **headers,
    )
    assert ok.status_code == 200
    assert [r["sms"] for r in ok.json() if r["kind"] == "meetings.notice"] == [False]


def test_the_county_administrator_keeps_the_sms_settings_and_reads_the_log(world, login):
    admin = world.users["county_admin"]
    client = login(admin)
    OutboundSms.objects.create(
        user=world.users["villager_a1"],
        county=world.county,
        kind="meetings.notice",
        text="会议通知",
        phone_masked="138****0011",
        status=SmsStatus.SENT,
    )
    page = client.get("/messages/county/")
    assert page.status_code == 200 and "138****0011" in page.content.decode()
    response = client.post(
        "/messages/county/", {"enabled": "on", "monthly_budget": "800", "quiet_from": "22:00", "quiet_until": "07:30"}
    )
    assert response.status_code == 302
    rules = SmsSettings.objects.get(county=world.county)
    assert rules.monthly_budget == 800 and rules.quiet_until == time(7, 30)
    bad = client.post(
        "/messages/county/", {"enabled": "on", "monthly_budget": "-5", "quiet_from": "25:00", "quiet_until": "07:30"}
    )
    assert bad.status_code == 422
    assert SmsSettings.objects.get(county=world.county).monthly_budget == 800


def test_others_may_not_see_the_county_sms(world, login, client, api_token):
    for name in ("villager_a1", "cadre_a1", "township_a"):
        assert login(world.users[name]).get("/messages/county/").status_code in (403, 404)
    headers = api_token(world.users["cadre_a1"])
    assert client.get(f"/api/messaging/counties/{world.county.pk}/sms", **headers).status_code in (403, 404)
    response = client.put(
        f"/api/messaging/counties/{world.county.pk}/settings",
        {"monthly_budget": 1, "quiet_from": "22:00", "quiet_until": "07:00"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code in (403, 404) and not SmsSettings.objects.exists()


def test_the_county_api_validates_and_reports_the_month(world, client, api_token):
    headers = api_token(world.users["county_admin"])
    url = f"/api/messaging/counties/{world.county.pk}/settings"
    bad = client.put(
        url,
        {"monthly_budget": -1, "quiet_from": "22:00", "quiet_until": "07:00"},
        content_type="application/json",
        **headers,
    )
    assert bad.status_code == 422 and not SmsSettings.objects.exists()
    ok = client.put(
        url,
        {"monthly_budget": 300, "quiet_from": "21:30", "quiet_until": "08:00"},
        content_type="application/json",
        **headers,
    )
    assert ok.status_code == 200 and ok.json()["monthly_budget"] == 300 and ok.json()["used_this_month"] == 0


def test_a_points_review_reaches_the_household_by_sms_when_it_chose_so(
    world, gateway, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from core.models import Notification
    from points import services
    from points.models import RuleItem
    from points.subjects import subject_of
    from tests.points.civility import civility_scheme

    scheme, _items = civility_scheme(world, title="安家村细则", decision_ref="决议第3号")
    villager = world.users["villager_a1"]
    villager.set_phone("13800000011")
    villager.save()
    SmsPreference.objects.create(user=villager, kind="points.entry_decided", sms=True)
    claims = [
        services.claim_record(
            actor=world.users["cadre_a1"],
            scheme=scheme,
            subject=subject_of(world.households["a1"]),
            item=RuleItem.objects.get(rulebook__scheme=scheme, code=code),
            occurred_on=timezone.localdate(),
        )
        for code in ("2.1", "2.3")
    ]
    with django_capture_on_commit_callbacks(execute=True):
        services.claims_review(actor=world.users["reviewer_a1"], claim_ids=[c.pk for c in claims], approve=True)
    [note] = Notification.objects.filter(user=villager, kind="points.entry_decided")
    assert note.url == "/points/me/" and "2" in note.text
    sent = OutboundSms.objects.get(user=villager)
    assert sent.kind == "points.entry_decided" and sent.status in (SmsStatus.SENT, SmsStatus.QUEUED)
    if sent.status == SmsStatus.SENT:  # outside the quiet hours of the moment the test runs
        assert [r["kind"] for r in gateway.received] == ["points.entry_decided"]
    # another household's accounts hear nothing of it
    assert not Notification.objects.filter(kind="points.entry_decided").exclude(user=villager).exists()


def test_the_adapters_build_the_clouds_requests(settings, monkeypatch):
    settings.SMS_TEMPLATES = {"meetings.notice": "SMS_100"}
    settings.SMS_SIGN_NAME = "测试县乡村治理"
    settings.SMS_APP_ID = "1400000000"
    settings.SMS_ACCESS_KEY_ID, settings.SMS_ACCESS_KEY_SECRET = "test-id", "test-secret"
    sms = gateways.Sms(phone="13800000011", kind="meetings.notice", text="x", params={"place": "安家村"})

    aliyun = gateways.AliyunGateway()
    sent = []
    monkeypatch.setattr(
        aliyun.client,
        "send_sms",
        lambda req: sent.append(req) or SimpleNamespace(body=SimpleNamespace(code="OK", biz_id="b1", message="OK")),
    )
    assert aliyun.send(sms) == "b1"
    assert (sent[0].phone_numbers, sent[0].template_code, sent[0].sign_name) == (
        "13800000011",
        "SMS_100",
        "测试县乡村治理",
    )
    assert sent[0].template_param == '{"place": "安家村"}'
    monkeypatch.setattr(
        aliyun.client,
        "send_sms",
        lambda req: SimpleNamespace(
            body=SimpleNamespace(code="isv.BUSINESS_LIMIT_CONTROL", biz_id="", message="limit")
        ),
    )
    with pytest.raises(gateways.GatewayError):
        aliyun.send(sms)

    tencent = gateways.TencentGateway()
    asked = []
    status = SimpleNamespace(Code="Ok", SerialNo="s1", Message="send success")
    monkeypatch.setattr(
        tencent.client, "SendSms", lambda req: asked.append(req) or SimpleNamespace(SendStatusSet=[status])
    )
    assert tencent.send(sms) == "s1"
    assert asked[0].PhoneNumberSet == ["+8613800000011"] and asked[0].TemplateParamSet == ["安家村"]
    assert asked[0].SmsSdkAppId == "1400000000" and asked[0].TemplateId == "SMS_100"
    with pytest.raises(gateways.GatewayError):  # a kind with no approved template is not sent
        tencent.send(gateways.Sms(phone="13800000011", kind="mediation.update", text="x", params={}))


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
def test_the_budget_holds_under_concurrent_senders(db):
    from tests.factories import build_world

    world = build_world()
    month = SmsMonth._meta.get_field("month").to_python("2026-12-01")
    ok, refused, crashed = race([lambda: channels.charge(world.county.pk, month, 5) for _ in range(12)])
    assert not crashed and not refused
    assert sum(ok) == 5 and SmsMonth.objects.get(county=world.county).used == 5
