"""Village certificates (doorstep/certificates.py) through the services: only the county's list can be asked for,
a retired kind is refused, a person outside the village is refused, and completing the request generates exactly
one certificate from the registry (masked ID only), numbered per village and year, verifiable by its number."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from core.errors import DomainError, NotFound
from core.models import AuditEvent
from doorstep import certificates, services
from doorstep.audit_labels import AuditAction
from doorstep.models import Certificate, CertificateKind, ServiceRequest
from tests.doorstep.conftest import make_item

TZ = ZoneInfo("Asia/Shanghai")


def _counts():
    return ServiceRequest.objects.count(), Certificate.objects.count(), AuditEvent.objects.count()


def _complete(ds, case, who="volunteer", result="已出具居住证明"):
    case.refresh_from_db()
    services.request_step(actor=ds.users[who], case=case, step="take")
    case.refresh_from_db()
    services.request_step(actor=ds.users[who], case=case, step="complete", data={"result": result})
    case.refresh_from_db()
    return case


def _make(ds, world, actor="villager_a1", person="a1_head", household="a1", purpose="子女入学", consent=""):
    return services.request_make(
        actor=ds.users[actor],
        consent=consent,
        item=ds.residence,
        household=world.households[household],
        person=world.people[person],
        purpose=purpose,
    )


def _messages(exc) -> str:
    return " ".join(str(m) for m in exc.value.messages)


def test_completing_a_request_issues_one_certificate_from_the_registry(ds, world):
    case = _make(ds, world)
    assert not Certificate.objects.exists()
    case = _complete(ds, case)
    assert case.state == "completed"
    assert Certificate.objects.count() == 1
    cert = case.certificate
    person = world.people["a1_head"]
    assert cert.kind == ds.residence_kind and cert.person == person and cert.purpose == "子女入学"
    assert cert.village == world.village_a1 and cert.issued_by == ds.users["volunteer"]
    year = timezone.localdate(cert.issued_at).year
    assert cert.number == f"{world.village_a1.code}-{year}-0001"
    assert person.name in cert.text and world.village_a1.name in cert.text and "子女入学" in cert.text
    assert person.id_number_masked and person.id_number_masked in cert.text
    assert person.id_number not in cert.text
    assert cert.valid_until == certificates.add_months(timezone.localdate(cert.issued_at), certificates.VALID_MONTHS)
    assert AuditEvent.objects.filter(action=AuditAction.CERTIFICATE_ISSUE).count() == 1


def test_numbers_run_per_village_and_year(ds, world):
    first = _complete(ds, _make(ds, world))
    second = _complete(ds, _make(ds, world, person="a1_wife"), who="cadre_a1")
    other = _complete(
        ds,
        _make(ds, world, actor="cadre_a1", person="a1b_head", household="a1b", consent="in_person"),
        who="cadre_a1",
    )
    numbers = [first.certificate.number, second.certificate.number, other.certificate.number]
    assert [n.rsplit("-", 1)[1] for n in numbers] == ["0001", "0002", "0003"]  # a1b is also in 安家村
    assert len(set(numbers)) == 3


def test_redo_and_complete_again_keeps_one_certificate(ds, world):
    case = _complete(ds, _make(ds, world))
    number = case.certificate.number
    services.request_step(
        actor=ds.users["villager_a1"], case=case, step="rate", data={"rating": "unsatisfied", "reason": "地址不对"}
    )
    case.refresh_from_db()
    services.request_step(actor=ds.users["volunteer"], case=case, step="complete", data={"result": "已重新出具"})
    assert Certificate.objects.count() == 1
    assert Certificate.objects.get().number == number


def test_kind_not_on_the_list_is_refused_with_the_list_and_nothing_written(ds, world):
    before = _counts()
    for asked in ("无犯罪记录证明", "婚姻状况证明", "证明我妈是我妈"):
        with pytest.raises(DomainError) as exc:
            certificates.certificate_request(ds.users["cadre_a1"], asked, world.people["a1_head"], "办事")
        assert "kind" in exc.value.error_dict
        text = _messages(exc)
        assert asked in text and "居住证明" in text  # what was asked and the names on the list
    assert _counts() == before


def test_kind_on_the_list_by_code_or_name_makes_a_request(ds, world):
    case = certificates.certificate_request(ds.users["cadre_a1"], "residence", world.people["a1_wife"], "办理社保")
    assert case.item == ds.residence and case.purpose == "办理社保" and case.person == world.people["a1_wife"]
    assert case.consent == "in_person"  # at the counter the villager is there
    by_name = certificates.certificate_request(ds.users["cadre_a1"], "居住证明", world.people["a1_head"], "入学")
    assert by_name.item == ds.residence


def test_retired_kind_is_refused_with_what_to_ask_instead(ds, world):
    county = world.county
    kinship = CertificateKind.objects.create(
        county=county, code="kinship", name="亲属关系证明", admitted_on=date(2020, 1, 1)
    )
    make_item(county, "kinship_cert", "开具亲属关系证明", certificate=kinship)
    ds.residence_kind.retired_on = timezone.localdate() - timedelta(days=1)
    ds.residence_kind.save()
    before = _counts()
    with pytest.raises(DomainError) as exc:
        _make(ds, world)
    assert "居住证明" in _messages(exc) and "亲属关系证明" in _messages(exc)
    with pytest.raises(DomainError):
        certificates.certificate_request(ds.users["cadre_a1"], "residence", world.people["a1_head"], "入学")
    assert _counts() == before


def test_kind_not_yet_admitted_is_refused(ds, world):
    ds.residence_kind.admitted_on = timezone.localdate() + timedelta(days=10)
    ds.residence_kind.save()
    with pytest.raises(DomainError):
        _make(ds, world)
    assert not ServiceRequest.objects.exists()


def test_person_of_another_village_is_refused(ds, world):
    before = _counts()
    with pytest.raises(DomainError) as exc:
        certificates.certificate_request(ds.users["cadre_a1"], "residence", world.people["b1_head"], "入学")
    assert "person" in exc.value.error_dict
    with pytest.raises(DomainError) as missing:
        certificates.certificate_request(ds.users["cadre_a1"], "residence", 10**9, "入学")
    assert _messages(missing) == _messages(exc)  # a missing person and one outside the villages: the same answer
    with pytest.raises(DomainError):  # the villager only for their own household
        certificates.certificate_request(ds.users["villager_a1"], "residence", world.people["a1b_head"], "入学")
    with pytest.raises(NotFound):  # through request_make: outside the actor's villages
        _make(ds, world, actor="cadre_b1")
    assert _counts() == before


def test_deceased_person_is_refused(ds, world):
    wife = world.people["a1_wife"]
    wife.is_deceased = True
    wife.save()
    before = _counts()
    with pytest.raises(DomainError) as exc:
        certificates.certificate_request(ds.users["cadre_a1"], "residence", wife, "入学")
    assert wife.name in _messages(exc)
    with pytest.raises(DomainError):
        _make(ds, world, person="a1_wife")
    assert _counts() == before


def test_completing_refused_when_the_person_died_meanwhile_and_nothing_changes(ds, world):
    case = _make(ds, world)
    services.request_step(actor=ds.users["volunteer"], case=case, step="take")
    person = world.people["a1_head"]
    person.is_deceased = True
    person.save()
    case.refresh_from_db()
    with pytest.raises(DomainError):
        services.request_step(actor=ds.users["volunteer"], case=case, step="complete", data={"result": "办好"})
    case.refresh_from_db()
    assert case.state == "handling" and not Certificate.objects.exists()


def test_purpose_is_required_and_bad_input_refused(ds, world):
    before = _counts()
    for kind, person, purpose in (
        ("residence", world.people["a1_head"], ""),
        ("", world.people["a1_head"], "入学"),
        ("residence", "abc", "入学"),
        ("residence", None, "入学"),
        (None, world.people["a1_head"], "入学"),
        ("x" * 200, world.people["a1_head"], "入学"),
    ):
        with pytest.raises(DomainError):
            certificates.certificate_request(ds.users["cadre_a1"], kind, person, purpose)
    assert _counts() == before


@pytest.mark.parametrize(
    "code,name,expected",
    [
        ("kinship", "亲属关系证明", ["刘桂兰", "配偶", "王建国", "户主"]),
        ("household_members", "家庭成员情况证明", ["刘桂兰", "王建国", "2人"]),
        ("collective_member", "集体经济组织成员身份证明", ["王建国", "集体经济组织成员"]),
        ("old_age", "老年人证明", ["王建国", "户主", "属实"]),
    ],
)
def test_text_per_kind_from_the_registry(ds, world, code, name, expected):
    kind = CertificateKind.objects.create(county=world.county, code=code, name=name, admitted_on=date(2020, 1, 1))
    item = make_item(world.county, f"{code}_cert", f"开具{name}", certificate=kind)
    case = services.request_make(
        actor=ds.users["villager_a1"],
        item=item,
        household=world.households["a1"],
        person=world.people["a1_head"],
        purpose="办理业务",
    )
    case = _complete(ds, case, who="cadre_a1")
    text = case.certificate.text
    for fragment in expected:
        assert fragment in text
    for p in (world.people["a1_head"], world.people["a1_wife"]):
        assert p.id_number not in text


def test_verify_answers_masked_facts_only(ds, world):
    cert = _complete(ds, _make(ds, world)).certificate
    found = certificates.verify(cert.number)
    assert found["person"] == "王**" and found["kind"] == "居住证明" and found["valid"] is True
    assert "text" not in found
    assert certificates.verify("510422001001-2000-9999") is None
    assert certificates.verify("") is None and certificates.verify(None) is None
    assert certificates.verify("'; drop table --") is None


def test_add_months_clamps_to_month_end():
    assert certificates.add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert certificates.add_months(date(2026, 1, 15), 3) == date(2026, 4, 15)
    assert certificates.add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)


def test_issue_date_follows_now(ds, world):
    case = _make(ds, world)
    services.request_step(actor=ds.users["volunteer"], case=case, step="take")
    case.refresh_from_db()
    now = datetime(2030, 1, 5, 10, 0, tzinfo=TZ)
    services.request_step(actor=ds.users["volunteer"], case=case, step="complete", data={"result": "好"}, now=now)
    cert = Certificate.objects.get()
    assert cert.number.split("-")[1] == "2030" and cert.valid_until == date(2030, 4, 5)


def test_check_request_with_the_actor_checks_the_person(ds, world):
    item = ds.residence
    certificates.check_request(item, world.people["a1_head"], actor=ds.users["cadre_a1"])
    with pytest.raises(NotFound):  # outside the actor's villages: nothing told about the person
        certificates.check_request(item, world.people["b1_head"], actor=ds.users["cadre_a1"])
    with pytest.raises(NotFound):
        certificates.check_request(item, "nobody", actor=ds.users["cadre_a1"])
    wife = world.people["a1_wife"]
    wife.is_deceased = True
    wife.save()
    with pytest.raises(DomainError) as exc:
        certificates.check_request(item, wife.pk, actor=ds.users["cadre_a1"])
    assert "person" in exc.value.error_dict
    # without an actor only the list is checked: the request's own checks answer for the person after its scope
    certificates.check_request(item, world.people["b1_head"])


def test_for_request_summary(ds, world):
    case = _make(ds, world)
    assert certificates.for_request(case) is None
    case = _complete(ds, case)
    summary = certificates.for_request(case)
    assert summary["number"] == case.certificate.number and summary["url"].endswith(f"/{case.certificate.pk}/")
