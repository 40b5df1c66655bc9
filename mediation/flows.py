"""The procedure of a dispute, declared for core.workflow (docs/workflow.md, docs/mediation.md).

米易's eight steps (八步工作法: 受理 → 确定调解人员 → 调查核实 → 告知相关事宜 → 开展调解 → 调解协议制作 → 回访 →
整理卷宗) with working-day deadlines, and the rules of the People's Mediation Law::

    applied ─accept─► accepted ─assign─► assigned ─investigate─► investigated ─inform─► mediating
      │ decline (不予受理)                                                      ↺ session (调解记录)
      ▼                                                                         │ draft
    declined                                                                    ▼
    mediating ◄─redraft─ drafted (↺ sign: each party) ─seal─► in_effect (↺ confirmation) ─follow_up─► followed_up
    refuse (a party refuses, Art. 17) / fail (no agreement: the advice given) ─► ended
    followed_up, ended ─archive─► archived
    transfer (to the township or county centre, a specialised committee) ─► applied at the new body
    raise_risk (三级预警: high-risk cases go up to the township and the county), supervise (their instruction)

Only a dispute's parties of the procedure act on it and see it (Flow(confidential=True)): the leaders of its
committee, its mediators, the disputants who have an account, and the supervisors for a high-risk case.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.calendar import WorkingCalendar
from core.errors import DomainError
from core.fields import Choice, Date, Files, Text
from core.workflow import STAY, Deadline, Flow, Party, SetDeadline, State, Transition
from mediation import people
from mediation.models import (
    AgreementForm,
    Body,
    Confirmation,
    Difficulty,
    Hearing,
    Mediator,
    Performance,
    Risk,
    Title,
)

LEADERS = Party(_("the committee's leaders"), people.is_leader, people=people.leader_ids)
MEDIATORS = Party(_("the mediators of the case"), people.is_mediator, people=people.mediator_ids)
DISPUTANTS = Party(_("the parties to the dispute"), people.is_disputant, people=people.disputant_ids)
SUPERVISORS = Party(_("the supervisors of high-risk disputes"), people.is_supervisor, people=people.supervisor_ids)
# who records it (mediation.services.dispute_record checks where they may): they open it, and see it no longer
RECORDER = Party(_("the person recording the dispute"), lambda actor, case: case.recorded_by_id == actor.pk)
WORKING = (LEADERS, MEDIATORS)

OPEN = {"applied", "accepted", "assigned", "investigated", "mediating", "drafted"}
BEFORE_AGREEMENT = {"applied", "accepted", "assigned", "investigated", "mediating", "drafted"}

ADVICE = [
    ("arbitration", _("Arbitration (仲裁)")),
    ("litigation", _("A lawsuit (诉讼)")),
    ("administrative", _("An administrative remedy (行政途径)")),
    ("other", _("Other (in the reason)")),
]


def _pool(actor, case):
    """The mediators of the case's body who take cases (experts are asked for separately)."""
    rows = Mediator.objects.filter(body_id=case.body_id, active=True, available=True).exclude(title=Title.EXPERT)
    return [(m.pk, str(m)) for m in rows]


def _experts(actor, case):
    rows = Mediator.objects.filter(county_id=case.county_id, active=True, available=True, title=Title.EXPERT)
    return [(m.pk, f"{m.name}（{m.expertise or m.body.name}）") for m in rows.select_related("body")]


def _other_bodies(actor, case):
    rows = Body.objects.filter(county_id=case.county_id, active=True).exclude(pk=case.body_id)
    return [(b.pk, f"{b.name}（{b.get_kind_display()}）") for b in rows]


def _unsigned(actor, case):
    return [(p.pk, str(p)) for p in case.parties.filter(signed_on__isnull=True)]


def _all_parties(actor, case):
    return [(p.pk, str(p)) for p in case.parties.all()]


def _preferred(actor, case):
    return case.preferred_id


def _not_before_received(step, field: str) -> None:
    from datetime import date

    value = step.data.get(field)
    if value and date.fromisoformat(value) < step.case.received_on:
        raise DomainError(
            {field: _("The date cannot be before the dispute was received (%(day)s).") % {"day": step.case.received_on}}
        )


# -- guards and effects ---------------------------------------------------------------------------------------


def set_mediators(step):
    chosen = [step.data.get("lead"), step.data.get("second"), step.data.get("expert")]
    ids = {int(v) for v in chosen if v}
    if step.data.get("second") and step.data.get("second") == step.data.get("lead"):
        raise DomainError({"second": _("Choose another mediator than the lead mediator.")})
    step.case.mediators.set(Mediator.objects.filter(pk__in=ids))
    return []


def set_hearing(step):
    step.case.hearing = step.data["hearing"]
    return ["hearing"]


def session_date(step):
    _not_before_received(step, "held_on")


def needs_a_session(step):
    from casework.models import CaseEvent

    _not_before_received(step, "perform_by")
    if not CaseEvent.objects.filter(
        content_type__app_label="mediation", object_id=step.case.pk, flow=step.flow.name, transition="session"
    ).exists():
        raise DomainError(_("Record at least one mediation session before the agreement is drawn up."))


def set_agreement(step):
    case, data = step.case, step.data
    case.agreement_form = data["form"]
    case.agreed_facts = data["agreed_facts"]
    case.terms = data["terms"]
    case.perform_how = data.get("perform_how") or ""
    case.perform_by = data.get("perform_by")
    case.parties.update(signed_on=None)  # a new text is signed anew
    return ["agreement_form", "agreed_facts", "terms", "perform_how", "perform_by"]


def sign_date(step):
    _not_before_received(step, "signed_on")


def record_signature(step):
    party = step.case.parties.filter(pk=int(step.data["party"]), signed_on__isnull=True).first()
    if party is None:
        raise DomainError({"party": _("This party has signed already.")})
    party.signed_on = step.data["signed_on"]
    party.save(update_fields=["signed_on"])
    return []


def written_only(case) -> bool:
    return case.agreement_form == AgreementForm.WRITTEN


def all_signed(step):
    """Art. 29: a written agreement takes effect when every party has signed (sealed or thumbprinted) and the
    mediator has signed and the committee's seal is applied: the seal comes last."""
    from datetime import date

    _not_before_received(step, "sealed_on")
    if step.case.agreement_form != AgreementForm.WRITTEN:
        return
    unsigned = [str(p) for p in step.case.parties.filter(signed_on__isnull=True)]
    if unsigned:
        raise DomainError(
            _("Every party signs before the seal is applied; not yet signed: %(names)s.")
            % {"names": "、".join(unsigned)}
        )
    last = max(p.signed_on for p in step.case.parties.all())
    if date.fromisoformat(step.data["sealed_on"]) < last:
        raise DomainError(
            {"sealed_on": _("The seal cannot be applied before the last signature (%(day)s).") % {"day": last}}
        )


def take_effect(step):
    from datetime import date

    case = step.case
    case.sealed_on = date.fromisoformat(step.data["sealed_on"])
    case.effective_on = case.sealed_on
    case.outcome = "agreement"
    due = case.perform_by or case.effective_on
    # the follow-up (回访) falls due on the day the agreement is to be performed: as many working days from now
    case.follow_up_days = max(0, WorkingCalendar(case.county_id).working_days_between(step.now, due))
    return ["sealed_on", "effective_on", "outcome", "follow_up_days"]


def clear_signatures(step):
    step.case.parties.update(signed_on=None)
    return []


def set_confirmation(step):
    step.case.confirmation = step.data["confirmation"]
    return ["confirmation"]


def set_performance(step):
    step.case.performance = step.data["performance"]
    return ["performance"]


def visit_date(step):
    _not_before_received(step, "visited_on")


def failed(step):
    step.case.outcome = "failed"
    return ["outcome"]


def refused(step):
    step.case.outcome = "refused"
    return ["outcome"]


def declined(step):
    step.case.outcome = "declined"
    return ["outcome"]


def move_body(step):
    case = step.case
    body = Body.objects.filter(pk=int(step.data["body"]), county_id=case.county_id, active=True).first()
    if body is None:
        raise DomainError({"body": _("Choose one of the options.")})
    case.body = body
    case.mediators.clear()
    if case.preferred_id and case.preferred.body_id != body.pk:
        case.preferred = None
    return ["body", "preferred"]


def set_difficulty(step):
    step.case.difficulty = step.data["difficulty"]
    step.case.file_number = step.data.get("file_number") or ""
    return ["difficulty", "file_number"]


def keep_the_file(step):
    """整理卷宗: the whole file assembled as one PDF and kept with the case (人民调解法 Art. 27)."""
    from django.core.files.base import ContentFile

    from mediation.documents import case_file_pdf

    pdf = case_file_pdf(step.case, archived_at=step.now, file_number=step.case.file_number)
    step.case.case_file.save(f"{step.case.number}.pdf", ContentFile(pdf), save=False)
    return ["case_file"]


def set_risk(step):
    step.case.risk = step.data["risk"]
    step.case.risk_reason = step.data["risk_reason"]
    return ["risk", "risk_reason"]


def risk_text(step):
    return _("High-risk dispute %(number)s “%(title)s”: %(reason)s") % {
        "number": step.case.number,
        "title": step.case.title,
        "reason": step.case.risk_reason,
    }


# -- the declaration ------------------------------------------------------------------------------------------

MEDIATION = Flow(
    "mediation",
    label=_("Dispute mediation (人民调解)"),
    model="mediation.Dispute",
    initial="applied",
    confidential=True,
    # the service decides who may record a dispute where (staff for their villages, a villager for their own)
    start_allow=(RECORDER,),
    start_notify=(LEADERS,),
    service="mediation.services.dispute_step",
    page="mediation.views.case_page",
    find="mediation.selectors.dispute_for",
    detail="mediation.api.dispute_detail",
    after_deadlines="mediation.services.remind_confirmation",
    states=[
        State("applied", _("Waiting to be received (待受理)"), deadline=Deadline(working_days=3)),
        State("accepted", _("Received: mediators to be named (确定调解人员)"), deadline=Deadline(working_days=2)),
        State("assigned", _("Investigating (调查核实)"), deadline=Deadline(working_days=5)),
        State("investigated", _("Parties to be informed (告知相关事宜)"), deadline=Deadline(working_days=2)),
        State("mediating", _("Mediating (开展调解)"), deadline=Deadline(working_days=20)),
        State("drafted", _("Agreement being signed (调解协议制作)"), deadline=Deadline(working_days=5)),
        State(
            "in_effect",
            _("Agreement in effect: follow-up due (回访)"),
            deadline=Deadline(field="follow_up_days", working_days=20),
        ),
        State("followed_up", _("File to be assembled (整理卷宗)"), deadline=Deadline(working_days=5)),
        State("ended", _("Mediation ended without agreement: file to be assembled"), deadline=Deadline(working_days=5)),
        State("declined", _("Not received (不予受理)")),
        State("archived", _("Archived (已归档)")),
    ],
    transitions=[
        Transition(
            "accept",
            source="applied",
            target="accepted",
            label=_("Receive the dispute (受理)"),
            allow=(LEADERS,),
            notify=(DISPUTANTS,),
            message="mediation.update",
        ),
        Transition(
            "decline",
            source="applied",
            target="declined",
            label=_("Do not receive it (不予受理)"),
            allow=(LEADERS,),
            fields=(
                Text("reason", _("Why it is not received"), max_length=1000),
                Choice("advice", _("Where the parties were directed"), options=ADVICE, required=False),
            ),
            effects=(declined,),
            confirm=_("The dispute is not received; the parties are told why."),
            notify=(DISPUTANTS,),
            message="mediation.update",
        ),
        Transition(
            "assign",
            source="accepted",
            target="assigned",
            label=_("Name the mediators (确定调解人员)"),
            allow=(LEADERS,),
            fields=(
                Choice("lead", _("Lead mediator"), options=_pool, initial=_preferred),
                Choice("second", _("Second mediator"), options=_pool, required=False),
                Choice("expert", _("Expert consulted"), options=_experts, required=False),
            ),
            effects=(set_mediators,),
            notify=(MEDIATORS, DISPUTANTS),
            message="mediation.update",
        ),
        Transition(
            "investigate",
            source="assigned",
            target="investigated",
            label=_("Record the investigation (调查核实)"),
            allow=WORKING,
            fields=(
                Text("findings", _("What the investigation found"), max_length=4000, rows=6),
                Files(label=_("Evidence (photos, PDF)"), required=False, max_count=10),
            ),
        ),
        Transition(
            "inform",
            source="investigated",
            target="mediating",
            label=_("Inform the parties (告知相关事宜)"),
            allow=WORKING,
            fields=(
                Choice("hearing", _("The parties chose a hearing"), options=Hearing.choices, radio=True),
                Text(
                    "informed",
                    _("How and when the parties were informed"),
                    max_length=1000,
                    help=_(
                        "Their rights and duties in mediation, that it is voluntary and free of charge (人民调解法"
                        " Art. 4, 23), and that it may be public or private at their choice."
                    ),
                ),
            ),
            effects=(set_hearing,),
            notify=(DISPUTANTS,),
            message="mediation.update",
        ),
        Transition(
            "session",
            source="mediating",
            target="mediating",
            label=_("Record a mediation session (调解记录)"),
            allow=WORKING,
            fields=(
                Date("held_on", _("Held on"), latest=0),
                Text("place", _("Place"), max_length=100, multiline=False),
                Text("attendees", _("Who attended"), max_length=500),
                Text("minutes", _("Record of the session (调解笔录)"), max_length=8000, rows=8),
                Files(label=_("Signed minutes or photos"), required=False, max_count=10),
            ),
            guards=(session_date,),
            note=False,
        ),
        Transition(
            "draft",
            source="mediating",
            target="drafted",
            label=_("Draw up the agreement (调解协议制作)"),
            allow=WORKING,
            fields=(
                Choice("form", _("Form of the agreement"), options=AgreementForm.choices, radio=True),
                Text(
                    "agreed_facts", _("Main facts, points in dispute and each party's responsibility"), max_length=4000
                ),
                Text(
                    "terms",
                    _("What each party will do (协议内容)"),
                    max_length=4000,
                    rows=6,
                    help=_(
                        "Name each party and what it will do, e.g. 张三于2027年1月31日前一次性支付李四修缮费3000元。"
                    ),
                ),
                Text("perform_how", _("How it is performed"), max_length=300, multiline=False, required=False),
                Date("perform_by", _("Performed by"), required=False),
            ),
            guards=(needs_a_session,),
            effects=(set_agreement,),
            notify=(DISPUTANTS,),
            message="mediation.update",
        ),
        Transition(
            "redraft",
            source="drafted",
            target="mediating",
            label=_("Back to mediation: the text is changed"),
            allow=WORKING,
            fields=(Text("reason", _("What is to change"), max_length=1000),),
            effects=(clear_signatures,),
        ),
        Transition(
            "sign",
            source="drafted",
            target="drafted",
            label=_("Record a party's signature"),
            allow=WORKING,
            fields=(
                Choice("party", _("Party who signed, sealed or thumbprinted"), options=_unsigned),
                Date("signed_on", _("Signed on"), latest=0),
            ),
            guards=(sign_date,),
            effects=(record_signature,),
            offered=written_only,
            note=False,
        ),
        Transition(
            "seal",
            source="drafted",
            target="in_effect",
            label=_("Apply the committee's seal: the agreement takes effect"),
            allow=WORKING,
            fields=(Date("sealed_on", _("Mediator signed and seal applied on"), latest=0),),
            guards=(all_signed,),
            effects=(take_effect,),
            confirm=_(
                "The agreement takes effect and binds the parties (人民调解法 Art. 31); the 30 days for judicial"
                " confirmation start."
            ),
            notify=(DISPUTANTS,),
            message="mediation.update",
        ),
        Transition(
            "confirmation",
            source="in_effect",
            target="in_effect",
            label=_("Record judicial confirmation (司法确认)"),
            allow=WORKING,
            fields=(
                Choice("confirmation", _("Judicial confirmation"), options=Confirmation.choices[1:]),
                Date("on", _("On"), latest=0),
            ),
            effects=(set_confirmation,),
        ),
        Transition(
            "follow_up",
            source="in_effect",
            target="followed_up",
            label=_("Record the follow-up visit (回访)"),
            allow=WORKING,
            fields=(
                Choice("performance", _("Was the agreement performed?"), options=Performance.choices, radio=True),
                Date("visited_on", _("Visited on"), latest=0),
            ),
            guards=(visit_date,),
            effects=(set_performance,),
        ),
        Transition(
            "refuse",
            source=BEFORE_AGREEMENT,
            target="ended",
            label=_("A party refuses mediation (Art. 17)"),
            allow=(*WORKING, DISPUTANTS),
            fields=(
                Choice("party", _("Who refuses"), options=_all_parties),
                Text("reason", _("Reason given"), max_length=1000),
            ),
            effects=(refused,),
            confirm=_("Mediation stops: a party that refuses may not be mediated (人民调解法 Art. 17)."),
            notify=(LEADERS, MEDIATORS, DISPUTANTS),
            message="mediation.update",
        ),
        Transition(
            "fail",
            source={"investigated", "mediating", "drafted"},
            target="ended",
            label=_("End without agreement (调解不成)"),
            allow=WORKING,
            fields=(
                Text("reason", _("Why no agreement was reached"), max_length=1000),
                Choice("advice", _("Advice given to the parties"), options=ADVICE),
            ),
            effects=(failed,),
            confirm=_("Mediation ends without agreement; the parties are told where to turn (人民调解法 Art. 26)."),
            notify=(LEADERS, DISPUTANTS),
            message="mediation.update",
        ),
        Transition(
            "transfer",
            source=OPEN - {"drafted"},
            target="applied",
            label=_("Transfer to another body (上移/转专业调委会)"),
            allow=WORKING,
            fields=(
                Choice("body", _("Transfer to"), options=_other_bodies),
                Text("reason", _("Why"), max_length=1000),
            ),
            effects=(move_body,),
            confirm=_("The dispute goes to the other body, which decides whether to receive it; you no longer see it."),
            notify=(LEADERS, DISPUTANTS),
            message="mediation.update",
            done_url=lambda case: "/mediation/",
        ),
        Transition(
            "raise_risk",
            source=OPEN | {"in_effect"},
            target=STAY,
            label=_("Set the risk level (三级预警)"),
            allow=WORKING,
            fields=(
                Choice("risk", _("Risk level"), options=Risk.choices, radio=True),
                Text(
                    "risk_reason",
                    _("Why"),
                    max_length=300,
                    help=_("e.g. threats of violence, many people involved, a risk of a criminal case, a petition."),
                ),
            ),
            effects=(set_risk,),
            notify=(SUPERVISORS, LEADERS),
            notify_text=risk_text,
        ),
        Transition(
            "supervise",
            source=OPEN | {"in_effect"},
            target=STAY,
            label=_("Give a supervision instruction (督办)"),
            allow=(SUPERVISORS,),
            fields=(
                Text("instruction", _("Instruction"), max_length=1000),
                Date(
                    "due",
                    _("To be done by"),
                    earliest=0,
                    latest=30,
                    help=_("The case carries this deadline: past it, it is flagged overdue on the boards."),
                ),
            ),
            deadline=SetDeadline(field="due", max_days=30),
            notify=(LEADERS, MEDIATORS),
            note=False,
        ),
        Transition(
            "archive",
            source={"followed_up", "ended"},
            target="archived",
            label=_("Assemble and archive the file (整理卷宗)"),
            allow=WORKING,
            fields=(
                Choice(
                    "difficulty",
                    _("Difficulty of the case"),
                    options=Difficulty.choices,
                    radio=True,
                    help=_("Sets the mediator's per-case subsidy (以案定补) by the county's table."),
                ),
                Text("file_number", _("File number (卷宗号)"), max_length=40, multiline=False, required=False),
            ),
            effects=(set_difficulty, keep_the_file),
            confirm=_("The file is closed and kept as it is (人民调解法 Art. 27)."),
        ),
    ],
)
