"""The eight steps of a dispute, through the services and the engine, with the law's rules at their edges."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from casework.models import CaseEvent
from core.errors import DomainError, NotFound
from core.workflow import can_see
from mediation import selectors, services
from mediation.flows import MEDIATION
from mediation.models import Dispute, DisputeParty
from tests.mediation.conftest import record

pytestmark = pytest.mark.django_db


def step(actor, case, name, **data):
    services.dispute_step(actor=actor, case=case, step=name, data=data)
    case.refresh_from_db()
    return case


def _to_mediating(world, med):
    case = record(world, med)
    lead, full = med.users["mediator"], med.users["fulltime"]
    step(lead, case, "accept")
    step(lead, case, "assign", lead=str(med.full_time.pk), expert=str(med.expert.pk))
    step(full, case, "investigate", findings="现场查看，院墙越界约0.3米。")
    step(full, case, "inform", hearing="private", informed="2026年12月1日当面告知双方权利义务、自愿原则及不收费。")
    return case


def test_eight_steps_end_to_end(world, med):
    case = _to_mediating(world, med)
    full = med.users["fulltime"]
    assert case.state == "mediating" and case.hearing == "private"
    today = timezone.localdate().isoformat()
    step(full, case, "session", held_on=today, place="镇调解室", attendees="王建国、李秀英", minutes="双方同意协商。")
    step(
        full,
        case,
        "draft",
        form="written",
        agreed_facts="院墙越界0.3米，李秀英负主要责任。",
        terms="李秀英于30日内拆除越界院墙；王建国放弃其他请求。",
        perform_by=(timezone.localdate() + timedelta(days=20)).isoformat(),
    )
    assert case.state == "drafted"
    parties = list(case.parties.all())
    with pytest.raises(DomainError, match="李秀英"):
        step(full, case, "seal", sealed_on=today)
    for p in parties:
        step(full, case, "sign", party=str(p.pk), signed_on=today)
    step(full, case, "seal", sealed_on=today)
    assert case.state == "in_effect"
    assert case.effective_on == timezone.localdate()
    assert case.confirmation_due == timezone.localdate() + timedelta(days=30)
    assert case.deadline_at is not None
    step(full, case, "confirmation", confirmation="applied", on=today)
    step(full, case, "follow_up", performance="full", visited_on=today)
    step(full, case, "archive", difficulty="complex", file_number="2026-甲调-001")
    assert case.state == "archived" and case.closed_at is not None and case.outcome == "agreement"
    names = list(CaseEvent.objects.filter(object_id=case.pk, flow="mediation").values_list("transition", flat=True))
    assert names[:5] == ["start", "accept", "assign", "investigate", "inform"]
    assert names[-3:] == ["confirmation", "follow_up", "archive"]


def test_a_party_refusing_ends_mediation(world, med):
    case = _to_mediating(world, med)
    party = case.parties.get(role="respondent")
    step(med.users["fulltime"], case, "refuse", party=str(party.pk), reason="不愿调解，要求起诉。")
    assert case.state == "ended" and case.outcome == "refused"
    with pytest.raises(DomainError):
        step(
            med.users["fulltime"],
            case,
            "session",
            held_on=date.today().isoformat(),
            place="x",
            attendees="x",
            minutes="x",
        )


def test_failed_mediation_states_the_advice(world, med):
    case = _to_mediating(world, med)
    with pytest.raises(DomainError) as exc:
        step(med.users["fulltime"], case, "fail", reason="分歧过大")
    assert "advice" in exc.value.message_dict
    step(med.users["fulltime"], case, "fail", reason="分歧过大", advice="litigation")
    assert case.state == "ended" and case.outcome == "failed"


def test_agreement_needs_a_session_and_the_obligations(world, med):
    case = _to_mediating(world, med)
    full = med.users["fulltime"]
    with pytest.raises(DomainError) as none_yet:
        step(full, case, "draft", form="written", agreed_facts="事实", terms="义务")
    assert Dispute.objects.get(pk=case.pk).state == "mediating" and not hasattr(none_yet.value, "error_dict")
    step(full, case, "session", held_on=date.today().isoformat(), place="镇调解室", attendees="双方", minutes="记录")
    with pytest.raises(DomainError) as exc:
        step(full, case, "draft", form="written", agreed_facts="事实", terms="  ")
    assert "terms" in exc.value.message_dict
    assert Dispute.objects.get(pk=case.pk).state == "mediating"


def test_a_signature_before_the_case_was_received_is_refused(world, med):
    case = _to_mediating(world, med)
    full = med.users["fulltime"]
    Dispute.objects.filter(pk=case.pk).update(received_on=date.today())
    case.refresh_from_db()
    step(full, case, "session", held_on=date.today().isoformat(), place="镇调解室", attendees="双方", minutes="记录")
    step(full, case, "draft", form="written", agreed_facts="事实", terms="李秀英拆墙")
    party = case.parties.first()
    with pytest.raises(DomainError) as exc:
        step(full, case, "sign", party=str(party.pk), signed_on=(date.today() - timedelta(days=1)).isoformat())
    assert "signed_on" in exc.value.message_dict
    assert DisputeParty.objects.get(pk=party.pk).signed_on is None


def test_an_unsigned_party_keeps_the_agreement_from_taking_effect(world, med):
    case = _to_mediating(world, med)
    full = med.users["fulltime"]
    today = date.today().isoformat()
    step(full, case, "session", held_on=today, place="镇调解室", attendees="双方", minutes="记录")
    step(full, case, "draft", form="written", agreed_facts="事实", terms="李秀英拆墙")
    first = case.parties.first()
    step(full, case, "sign", party=str(first.pk), signed_on=today)
    with pytest.raises(DomainError, match="李秀英"):
        step(full, case, "seal", sealed_on=today)
    assert Dispute.objects.get(pk=case.pk).effective_on is None


def test_an_oral_agreement_takes_effect_without_signatures(world, med):
    case = _to_mediating(world, med)
    full = med.users["fulltime"]
    today = date.today().isoformat()
    step(full, case, "session", held_on=today, place="田间", attendees="双方", minutes="当场达成")
    step(full, case, "draft", form="oral", agreed_facts="邻里口角", terms="双方互相道歉")
    assert "sign" not in [t.name for t in services_available(full, case)]
    step(full, case, "seal", sealed_on=today)
    assert case.state == "in_effect" and case.agreement_form == "oral"


def services_available(actor, case):
    from core.workflow import available

    return available(actor, case, MEDIATION)


def test_confidential_only_its_people_see_it(world, med):
    case = _to_mediating(world, med)
    for name in ("mediator", "fulltime"):
        assert can_see(med.users[name], case, MEDIATION)
        assert selectors.dispute_for(med.users[name], case.pk) == case
    # the grid worker who recorded it, the village cadre, the township official, another body's mediator,
    # the county: none of them sees an ordinary dispute
    for name in ("grid_a1", "cadre_a1", "township_a", "outsider", "county_official", "county_admin", "villager_a1"):
        assert not can_see(med.users[name], case, MEDIATION), name
        with pytest.raises(NotFound):
            selectors.dispute_for(med.users[name], case.pk)
    assert case in selectors.recorded_by_me(med.users["grid_a1"])


def test_a_high_risk_case_goes_up_and_its_reads_are_logged(world, med, django_capture_on_commit_callbacks):
    from core.models import AuditEvent

    case = _to_mediating(world, med)
    official = med.users["township_a"]
    assert not can_see(official, case, MEDIATION)
    with django_capture_on_commit_callbacks(execute=True):
        step(med.users["fulltime"], case, "raise_risk", risk="high", risk_reason="一方扬言动手，涉及10余户。")
    assert case.state == "mediating" and case.risk == "high"
    assert can_see(official, case, MEDIATION)
    assert can_see(med.users["county_official"], case, MEDIATION)
    assert case in selectors.risk_board(official)
    from core.models import Notification

    assert Notification.objects.filter(user=official, text__contains=case.number).exists()
    selectors.dispute_for(official, case.pk)
    assert AuditEvent.objects.filter(action="mediation.dispute.read", actor=official, target_id=str(case.pk)).exists()
    due = date.today() + timedelta(days=3)
    step(official, case, "supervise", instruction="三日内组织双方再调。", due=due.isoformat())
    # the supervisor's deadline is the case's now: past it, the deadline run flags it on the boards
    assert timezone.localtime(case.deadline_at).date() == due and case.state == "mediating"
    with pytest.raises(DomainError):
        step(official, case, "supervise", instruction="再督办", due=(date.today() + timedelta(days=40)).isoformat())
    # an official of the other township still sees nothing
    from core.roles import Role
    from tests.factories import make_user

    other = make_user("township_b", Role.TOWNSHIP_OFFICIAL, world.township_b)
    assert not can_see(other, case, MEDIATION)


def test_a_villager_applies_for_their_own_dispute(world, med):
    villager = med.users["villager_a1"]
    case = record(world, med, actor=villager, body=None, source="court")
    assert case.source == "application"
    assert case.body == med.village_body  # the village's committee by default
    applicant = case.parties.get(role="applicant")
    assert applicant.user == villager
    assert selectors.dispute_for(villager, case.pk) == case
    # and may refuse mediation (Art. 17) once it is received
    step(med.users["cadre_a1"], case, "accept")
    step(villager, case, "refuse", party=str(applicant.pk), reason="不想调解了")
    assert case.state == "ended"


def test_intake_checks(world, med):
    with pytest.raises(DomainError) as exc:
        record(world, med, parties=[{"role": "applicant", "name": "王建国"}])
    assert "parties" in exc.value.message_dict
    with pytest.raises(DomainError) as exc:
        record(world, med, source="court")
    assert "referral_body" in exc.value.message_dict
    with pytest.raises(DomainError) as exc:
        record(world, med, amount="-5")
    assert "amount" in exc.value.message_dict
    with pytest.raises(DomainError):
        record(world, med, received_on=(date.today() + timedelta(days=1)).isoformat())
    with pytest.raises(NotFound):
        record(world, med, actor=med.users["cadre_b1"])
    assert not Dispute.objects.exists()
    case = record(
        world, med, source="court", referral_body="米易县人民法院", referral_number="(2026)川0421民诉前调123号"
    )
    assert case.number.startswith("510422-") and case.referral_number.startswith("(2026)")
    second = record(world, med)
    assert int(second.number.rsplit("-", 1)[1]) == int(case.number.rsplit("-", 1)[1]) + 1


def test_transfer_to_another_body(world, med):
    case = record(world, med, body=med.village_body)
    step(med.users["cadre_a1"], case, "transfer", body=str(med.township_body.pk), reason="涉及两村，移交镇中心。")
    assert case.state == "applied" and case.body == med.township_body
    assert not can_see(med.users["cadre_a1"], case, MEDIATION)
    assert can_see(med.users["mediator"], case, MEDIATION)


def test_the_confirmation_window_reminder(world, med):
    from core.models import Notification

    case = _to_mediating(world, med)
    full = med.users["fulltime"]
    today = date.today().isoformat()
    step(full, case, "session", held_on=today, place="镇调解室", attendees="双方", minutes="记录")
    step(full, case, "draft", form="written", agreed_facts="事实", terms="李秀英拆墙")
    for p in case.parties.all():
        step(full, case, "sign", party=str(p.pk), signed_on=today)
    step(full, case, "seal", sealed_on=today)
    # not yet: the window closes in 30 days
    assert services.remind_confirmation(None, timezone.now()) == 0
    later = timezone.now() + timedelta(days=26)
    assert services.remind_confirmation(None, later) == 1
    assert Notification.objects.filter(user=full, text__contains=case.number).exists()
    assert services.remind_confirmation(None, later) == 0  # once


def test_evidence_that_is_not_a_pdf_or_an_image_is_refused(world, med):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = record(world, med)
    lead = med.users["mediator"]
    step(lead, case, "accept")
    step(lead, case, "assign", lead=str(med.full_time.pk))
    exe = SimpleUploadedFile("证据.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    with pytest.raises(DomainError) as exc:
        services.dispute_step(
            actor=med.users["fulltime"], case=case, step="investigate", data={"findings": "核实"}, attachments=[exe]
        )
    assert "attachments" in exc.value.message_dict
    case.refresh_from_db()
    assert case.state == "assigned"


def test_the_confirmation_window_across_a_month_end(world, med):
    """Art. 33: 30 days from the day the agreement takes effect (that day not counted): in effect on 31 January,
    the window closes on 2 March; the reminder goes five days before, not earlier, once."""
    from datetime import datetime

    from django.utils import timezone as tz

    case = _to_mediating(world, med)
    Dispute.objects.filter(pk=case.pk).update(effective_on=date(2027, 1, 31))
    case.refresh_from_db()
    assert case.confirmation_due == date(2027, 3, 2)
    Dispute.objects.filter(pk=case.pk).update(state="in_effect")  # the window is read in this state only
    at = lambda day: tz.make_aware(datetime(2027, 2, day, 9))  # noqa: E731
    assert services.remind_confirmation(None, at(24)) == 0
    assert services.remind_confirmation(None, at(25)) == 1
    assert services.remind_confirmation(None, at(26)) == 0
