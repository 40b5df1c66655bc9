"""积分授信: partners, household consent, and the partner's audited read of a consenting household."""

import json
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import User
from core import scope
from core.errors import DomainError, NotFound
from core.models import AuditEvent
from core.roles import Action, Role
from points import credit, services
from points import standings as calc
from points.models import Consent, CreditPartner, RuleItem
from points.subjects import subject_of
from tests.factories import PASSWORD, make_user


@pytest.fixture
def partner(world):
    return credit.partner_create(
        actor=world.users["county_admin"],
        county=world.county,
        name="县农商银行",
        kind="bank",
        username="bank1",
        password=PASSWORD,
    )


@pytest.fixture
def other_partner(world):
    return credit.partner_create(
        actor=world.users["county_admin"],
        county=world.county,
        name="县劳务公司",
        kind="employer",
        username="employer1",
        password=PASSWORD,
    )


@pytest.fixture
def household(world):
    return world.households["a1"]


def summary_url(household):
    return f"/api/points/credit/households/{household.pk}/summary"


def grant(world, household, partner, user="villager_a1", written_request=""):
    return credit.consent_grant(
        actor=world.users[user], household=household, partner=partner, written_request=written_request
    )


# -- partners ------------------------------------------------------------------------------------------------


def test_partner_created_with_account_and_role(world, partner):
    user = User.objects.get(username="bank1")
    assert partner.account == user and partner.county == world.county
    assert scope.roles_of(user) == {Role.CREDIT_PARTNER}
    assert scope.can(user, Action.CREDIT_READ)
    assert not scope.can(user, Action.POINTS_VIEW)
    assert AuditEvent.objects.filter(action="points.credit.partner.create", target_id=str(partner.pk)).exists()


def test_only_county_policy_creates_partners(world):
    for user in ("cadre_a1", "township_a", "county_official"):
        with pytest.raises(NotFound):
            credit.partner_create(
                actor=world.users[user],
                county=world.county,
                name="x",
                kind="bank",
                username=f"x{user}",
                password=PASSWORD,
            )
    with pytest.raises(DomainError):
        credit.partner_create(
            actor=world.users["county_admin"],
            county=world.county,
            name="x",
            kind="pawnshop",
            username="x",
            password=PASSWORD,
        )
    assert not CreditPartner.objects.exists() and not User.objects.filter(username__startswith="x").exists()


# -- consents ------------------------------------------------------------------------------------------------


def test_villager_grants_and_revokes_own_household(world, partner, household):
    consent = grant(world, household, partner)
    assert consent.granted_by == world.users["villager_a1"]
    with pytest.raises(DomainError):  # one active consent per partner
        grant(world, household, partner)
    credit.consent_revoke(actor=world.users["villager_a1"], consent=consent)
    consent.refresh_from_db()
    assert consent.revoked_at is not None
    with pytest.raises(DomainError):
        credit.consent_revoke(actor=world.users["villager_a1"], consent=consent)
    grant(world, household, partner)  # may consent again after revoking
    actions = list(
        AuditEvent.objects.filter(action__startswith="points.credit.consent")
        .order_by("at")
        .values_list("action", flat=True)
    )
    assert actions == ["points.credit.consent.grant", "points.credit.consent.revoke", "points.credit.consent.grant"]
    event = AuditEvent.objects.filter(action="points.credit.consent.grant").first()
    assert event.village_id == world.village_a1.pk and event.after["by"] == "household"


def test_villager_cannot_touch_another_household(world, partner):
    other = world.households["a1b"]
    with pytest.raises(NotFound):
        grant(world, other, partner)
    consent = grant(world, other, partner, user="cadre_a1", written_request="2026-11-01 书面申请")
    with pytest.raises(NotFound):
        credit.consent_revoke(actor=world.users["villager_a1"], consent=consent)
    with pytest.raises(NotFound):
        credit.access_consent(world.users["villager_a1"], consent.pk)


def test_cadre_records_on_written_request_only(world, partner, household):
    with pytest.raises(DomainError) as exc:
        grant(world, household, partner, user="cadre_a1")
    assert "written_request" in exc.value.message_dict
    consent = grant(world, household, partner, user="cadre_a1", written_request="申请书 2026-11-02")
    event = AuditEvent.objects.get(action="points.credit.consent.grant")
    assert event.after["written_request"] == "申请书 2026-11-02" and event.after["by"] == "cadre"
    with pytest.raises(NotFound):  # another village's cadre
        credit.consent_revoke(actor=world.users["cadre_b1"], consent=consent)
    with pytest.raises(NotFound):  # a grid worker does not record consents
        grant(world, world.households["a1b"], partner, user="grid_a1", written_request="x")
    credit.consent_revoke(actor=world.users["cadre_a1"], consent=consent)  # the village cadre may revoke too


def test_suspended_partner_cannot_be_chosen(world, partner, household):
    credit.partner_set_active(actor=world.users["county_admin"], partner=partner, active=False)
    with pytest.raises(DomainError):
        grant(world, household, partner)


# -- the partner's read ----------------------------------------------------------------------------------------


def test_partner_reads_with_consent(world, partner, household, login):
    grant(world, household, partner)
    client = login(partner.account)
    response = client.get(summary_url(household))
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"household", "village", "schemes"}
    assert body["household"] == "王**户"
    assert body["village"].endswith("安家村")
    event = AuditEvent.objects.get(action="points.credit.read")
    assert event.actor == partner.account
    assert event.target_type == "registry.household" and event.target_id == str(household.pk)
    assert event.village_id == world.village_a1.pk and event.after["partner"] == partner.pk
    client.get(summary_url(household))
    assert AuditEvent.objects.filter(action="points.credit.read").count() == 2


def test_partner_reads_with_bearer_token(world, partner, household, client, api_token):
    grant(world, household, partner)
    response = client.get(summary_url(household), **api_token(partner.account))
    assert response.status_code == 200


def test_summary_holds_scores_stars_and_black_list_and_nothing_personal(world, partner, household, scheme, login):
    from points.models import ListKind, ListMethod

    today = timezone.localdate()
    cadre = world.users["cadre_a1"]
    services.list_rule_save(
        actor=cadre, scheme=scheme, kind=ListKind.BLACK, method=ListMethod.BELOW, value=11, consequences=[]
    )
    item = RuleItem.objects.get(rulebook__scheme=scheme, code="2.1")  # +1
    claim = services.claim_record(
        actor=world.users["grid_a1"],
        scheme=scheme,
        subject=subject_of(world.households["a1"]),
        item=item,
        occurred_on=today,
    )
    services.claims_review(actor=world.users["reviewer_a1"], claim_ids=[claim.pk], approve=True)
    quarter = calc.quarter_of(today)
    services.quarter_signoff(actor=cadre, scheme=scheme, year=today.year, quarter=quarter)
    services.quarter_publish(actor=cadre, scheme=scheme, year=today.year, quarter=quarter)
    grant(world, household, partner)
    grant(world, world.households["a1b"], partner, user="cadre_a1", written_request="申请")
    client = login(partner.account)
    body = client.get(summary_url(household)).json()
    [row] = body["schemes"]
    assert row["scheme"] == "文明户积分" and row["year"] == today.year
    assert Decimal(str(row["score"])) == 11
    assert row["rank"] == 1 and row["ranked"] == 2
    assert row["latest_quarter"] == {"year": today.year, "quarter": quarter, "stars": 0, "black_list": False}
    other = client.get(summary_url(world.households["a1b"])).json()["schemes"][0]
    assert other["rank"] == 2 and other["latest_quarter"]["black_list"] is True
    text = json.dumps(client.get(summary_url(household)).json(), ensure_ascii=False)
    assert "王**户" in text
    for secret in ("13800000001", "13800000002", "王建国", "刘桂兰", "低保", "dibao", "党员", "0001"):
        assert secret not in text, secret
    for person in (world.people["a1_head"], world.people["a1_wife"]):
        assert person.id_number_masked not in text and person.phone_masked not in text
    for key in ("id", "id_number", "phone", "tags", "members", "household_id"):
        assert key not in body


def test_without_consent_404(world, partner, other_partner, household, login):
    client = login(partner.account)
    assert client.get(summary_url(household)).status_code == 404
    grant(world, household, other_partner)  # consent to someone else does not count
    assert client.get(summary_url(household)).status_code == 404
    assert client.get("/api/points/credit/households/999999/summary").status_code == 404
    assert not AuditEvent.objects.filter(action="points.credit.read").exists()


def test_after_revoke_404(world, partner, household, login):
    consent = grant(world, household, partner)
    client = login(partner.account)
    assert client.get(summary_url(household)).status_code == 200
    credit.consent_revoke(actor=world.users["villager_a1"], consent=consent)
    assert client.get(summary_url(household)).status_code == 404
    assert AuditEvent.objects.filter(action="points.credit.read").count() == 1


def test_non_partners_refused(world, partner, household, login, client):
    grant(world, household, partner)
    for user in ("county_admin", "cadre_a1", "villager_a1", "township_a"):
        assert login(world.users[user]).get(summary_url(household)).status_code in (403, 404), user
    loose = make_user("loose_partner", Role.CREDIT_PARTNER, world.county)  # the role without a partner record
    assert login(loose).get(summary_url(household)).status_code in (403, 404)
    client.logout()
    assert client.get(summary_url(household)).status_code == 401
    assert not AuditEvent.objects.filter(action="points.credit.read").exists()


def test_suspended_partner_cannot_read(world, partner, household, client, api_token):
    grant(world, household, partner)
    headers = api_token(partner.account)
    credit.partner_set_active(actor=world.users["county_admin"], partner=partner, active=False)
    assert client.get(summary_url(household), **headers).status_code == 401


# -- pages and API -------------------------------------------------------------------------------------------


def test_credit_page(world, partner, household, login):
    grant(world, household, partner)
    login(partner.account).get(summary_url(household))
    client = login(world.users["county_admin"])
    response = client.get("/points/party/credit/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "县农商银行" in page and "bank1" in page and "王**户" in page
    response = client.post(
        "/points/party/credit/",
        {
            "county": world.county.pk,
            "name": "县人社就业服务中心",
            "kind": "employer",
            "username": "jobs1",
            "password": "x",
        },
    )
    assert response.status_code == 200 and not CreditPartner.objects.filter(name="县人社就业服务中心").exists()
    assert "县人社就业服务中心" in response.content.decode()  # kept what was typed
    response = client.post(
        "/points/party/credit/",
        {
            "county": world.county.pk,
            "name": "县人社就业服务中心",
            "kind": "employer",
            "username": "jobs1",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert CreditPartner.objects.get(name="县人社就业服务中心").account.username == "jobs1"
    response = client.post(f"/points/party/credit/partners/{partner.pk}/active/", {"active": "0"})
    assert response.status_code == 302
    partner.account.refresh_from_db()
    assert not partner.account.is_active
    for user in ("cadre_a1", "county_official", "villager_a1"):
        assert login(world.users[user]).get("/points/party/credit/").status_code == 403, user


def test_consents_page_villager(world, partner, login):
    client = login(world.users["villager_a1"])
    response = client.get("/points/party/consents/")
    assert response.status_code == 200
    page = response.content.decode()
    # the household is given to the partner by its 户号 and its village's code, never by a database id
    assert "<strong>0001</strong>" in page and f"<strong>{world.village_a1.code}</strong>" in page
    assert f"<strong>{world.households['a1'].pk}</strong>" not in page
    response = client.post("/points/party/consents/", {"form": "villager", "own-partner": partner.pk})
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.household == world.households["a1"]
    assert "县农商银行" in client.get("/points/party/consents/").content.decode()
    response = client.post(f"/points/party/consents/{consent.pk}/revoke/")
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.revoked_at is not None
    assert client.get(f"/points/party/consents/{consent.pk}/revoke/").status_code == 405
    response = client.post(
        "/points/party/consents/", {"form": "cadre", "cadre-number": "0002", "cadre-partner": partner.pk}
    )
    assert response.status_code == 403


def test_consents_page_cadre(world, partner, login):
    client = login(world.users["cadre_a1"])
    assert client.get("/points/party/consents/").status_code == 200
    data = {"form": "cadre", "cadre-village": world.village_a1.pk, "cadre-number": "0002", "cadre-partner": partner.pk}
    response = client.post("/points/party/consents/", {**data, "cadre-written_request": ""})
    assert response.status_code == 200 and not Consent.objects.exists()
    response = client.post("/points/party/consents/", {**data, "cadre-number": "9999", "cadre-written_request": "申请"})
    assert response.status_code == 200 and not Consent.objects.exists()
    response = client.post("/points/party/consents/", {**data, "cadre-written_request": "申请书 11-02"})
    assert response.status_code == 302
    assert Consent.objects.get().household == world.households["a1b"]
    consent = Consent.objects.get()
    assert login(world.users["cadre_b1"]).post(f"/points/party/consents/{consent.pk}/revoke/").status_code == 404
    assert login(world.users["villager_a1"]).post(f"/points/party/consents/{consent.pk}/revoke/").status_code == 404
    for user in ("grid_a1", "township_a", "county_admin"):
        assert login(world.users[user]).get("/points/party/consents/").status_code == 403, user


def test_consent_api(world, partner, login):
    client = login(world.users["villager_a1"])
    response = client.post("/api/points/credit/consents", {"partner_id": partner.pk}, content_type="application/json")
    assert response.status_code == 201, response.content
    consent_id = response.json()["id"]
    assert response.json()["household_id"] == world.households["a1"].pk
    response = client.post(
        "/api/points/credit/consents",
        {"partner_id": partner.pk, "household_id": world.households["a1b"].pk},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert [c["id"] for c in client.get("/api/points/credit/consents").json()] == [consent_id]
    assert client.post(f"/api/points/credit/consents/{consent_id}/revoke").status_code == 200
    assert login(world.users["cadre_b1"]).get("/api/points/credit/consents").json() == []


def _zh(msgid: str) -> str:
    from django.utils import translation

    with translation.override("zh-hans"):
        return translation.gettext(msgid)


def test_consents_page_without_any_partner_does_not_say_everyone_has_consent(world, login):
    """No bank configured: the card said both “尚未授权” and “本户已向本县所有银行和用人单位授权”."""
    page = login(world.users["villager_a1"]).get("/points/party/consents/").content.decode()
    assert _zh("Your household has consented to every bank and employer of the county.") not in page
    assert (
        _zh(
            "No bank or employer of the county takes part in credit for points yet, so there is nobody to consent "
            "to. Once the county registers one, you can consent here."
        )
        in page
    )
    assert 'name="own-partner"' not in page  # no form to consent to nobody


def test_consents_page_says_everyone_has_consent_only_when_they_have(world, partner, other_partner, login):
    client = login(world.users["villager_a1"])
    assert 'name="own-partner"' in client.get("/points/party/consents/").content.decode()
    for p in (partner, other_partner):
        grant(world, world.households["a1"], p)
    page = client.get("/points/party/consents/").content.decode()
    assert _zh("Your household has consented to every bank and employer of the county.") in page
    assert _zh("No consent given.") not in page and 'name="own-partner"' not in page


def test_partner_reads_by_village_code_and_household_number(world, partner, household, login):
    """What the consent page tells the household to give the partner is what the partner's API takes."""
    grant(world, household, partner)
    client = login(partner.account)
    url = f"/api/points/credit/villages/{world.village_a1.code}/households/{household.number}/summary"
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response.json()["household"] == "王**户"
    event = AuditEvent.objects.get(action="points.credit.read")
    assert event.target_id == str(household.pk)
    # another household of the village without consent, an unknown number or village: not found
    other = f"/api/points/credit/villages/{world.village_a1.code}/households/0002/summary"
    assert client.get(other).status_code == 404
    assert client.get(f"/api/points/credit/villages/{world.village_a1.code}/households/9999/summary").status_code == 404
    assert client.get("/api/points/credit/villages/nowhere/households/0001/summary").status_code == 404
