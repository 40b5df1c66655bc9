"""Topics: propose (with the first co-signature), co-sign, their steps, and putting them on a meeting's agenda."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, scope, workflow
from core.errors import DomainError, NotFound, PermissionDenied
from core.fields import clean_text as _text
from core.roles import Action
from deliberation import meetings_link
from deliberation.flows import DECIDING_KINDS, FINAL_TOPIC_STATES, MAX_TEXT, flow_of
from deliberation.models import CoSignature, Origin, Procedure, Topic
from deliberation.services._common import _check, _create_once, _lock, _lock_for_household, household_of
from deliberation.services.lists import _ensure_list
from regions.models import Region, RegionLevel
from transparency.privacy import check_public_text

# -- topics ---------------------------------------------------------------------------------------------------


def topic_propose(*, actor, village: Region, title, text, entry, origin: str = "", now=None) -> Topic:
    """A topic of ``village`` on the procedure of its kind of matter. A cadre proposes for the party branch or the
    two committees; a villager proposes for the villagers jointly and the household's signature is the first."""
    if village is None or getattr(village, "level", None) != RegionLevel.VILLAGE:
        raise NotFound()
    is_cadre = scope.region_in_scope(actor, Action.DELIBERATION_MANAGE, village)
    household = None if is_cadre else household_of(actor, village.pk)
    if not is_cadre and household is None:
        raise NotFound()
    now = now or timezone.now()
    errors = {}
    title = _check(errors, _text, title, "title", max_length=100)
    text = _check(errors, _text, text, "text", max_length=MAX_TEXT)
    if is_cadre:
        if origin not in (Origin.BRANCH, Origin.COMMITTEES):
            errors["origin"] = [_("Say who proposes it: the party branch or the two committees.")]
    else:
        origin = Origin.VILLAGERS
    with transaction.atomic():
        dlist = _ensure_list(village, actor)
        entry_pk = getattr(entry, "pk", entry)
        if isinstance(entry_pk, str) and not entry_pk.isdigit():
            found = dlist.entries.filter(name=entry_pk, active=True).first()
        elif entry_pk not in (None, ""):
            found = dlist.entries.filter(pk=entry_pk, active=True).first()
        else:
            found = None
        if found is None:
            errors["entry"] = [_("Choose the kind of matter from the village's deliberation list.")]
        elif found.reserved_matter == "village_rules":
            errors["entry"] = [_("The village rules are drafted on the village rules page, not as a topic.")]
        if errors:
            raise DomainError(errors)
        for field, value in (("title", title), ("text", text)):
            check_public_text(**{field: value})
        topic = Topic(
            title=title,
            text=text,
            origin=origin,
            procedure=found.procedure,
            entry=found,
            reserved_matter=found.reserved_matter,
            needs_party_masses=found.needs_party_masses,
            proposer=actor,
            household=household,
            co_sign_min=dlist.co_sign_min if origin == Origin.VILLAGERS else 0,
            created_at=now,
        )
        topic.place_in(village)
        flow = flow_of(topic)
        workflow.start(actor=actor, case=topic, flow=flow, note=title, now=now)
        audit.record(
            actor,
            "deliberation.topic.propose",
            topic,
            after=audit.snapshot(topic, ["title", "origin", "procedure", "reserved_matter", "entry"]),
        )
        if origin == Origin.VILLAGERS:
            CoSignature.objects.create(topic=topic, household=household, user=actor, signed_at=now)
        elif topic.procedure == Procedure.FOUR_TWO:
            workflow.transition(
                actor=actor,
                case=topic,
                flow=flow,
                name="branch_propose",
                note=_("Proposed by the party branch.")
                if origin == Origin.BRANCH
                else _("Proposed by the two committees on behalf of the party branch."),
                now=now,
            )
    return topic


@transaction.atomic
def topic_cosign(*, actor, topic: Topic, now=None) -> CoSignature:
    """联名: the actor's household signs a villagers' joint proposal of its village (once)."""
    locked, household = _lock_for_household(Topic, actor, topic)
    if locked.origin != Origin.VILLAGERS:
        raise DomainError(_("Only a villagers' joint proposal is co-signed."), code="origin")
    if locked.state != "proposed":
        raise DomainError(_("This proposal has been taken up already; no more signatures are needed."), code="state")
    sig = _create_once(
        CoSignature,
        _("Your household has already signed this proposal."),
        key={"topic": locked, "household": household},
        user=actor,
        signed_at=now or timezone.now(),
    )
    audit.record(actor, "deliberation.topic.cosign", locked, after={"household": household.pk})
    return sig


def topic_step(*, actor, topic: Topic, step: str, data: dict | None = None, note: str = "", version=None, now=None):
    """Take a step of the topic's procedure. What a deciding or publishing step writes besides the topic (the
    decision, its publication on the public page and the 村务 board) is declared with the step (effects.py)."""
    return workflow.transition(
        actor=actor,
        case=topic,
        flow=flow_of(topic),
        name=step,
        data=dict(data or {}),
        note=note,
        expected_version=version,
        now=now,
    )


def take_topic_step(*, actor, case: Topic, step: str, data: dict, note: str = "", attachments=(), version=None):
    """The topic procedures' service for casework's step view and API: the steps of a topic are the village cadres'
    (anyone else is refused with 403, as the topic's step page always did); then ``topic_step``."""
    if not scope.can(actor, Action.DELIBERATION_MANAGE):
        raise PermissionDenied()
    return topic_step(actor=actor, topic=case, step=step, data=data, note=note, version=version)


@transaction.atomic
def topic_to_agenda(*, actor, topic: Topic, meeting):
    """Put the topic on a meeting's agenda: a motion of that meeting whose subject names the topic (the meetings app
    refuses a reserved matter in a body that may not decide it)."""
    locked = _lock(Topic, actor, topic)
    if locked.state in FINAL_TOPIC_STATES:
        raise DomainError(_("This topic is closed; it cannot go on an agenda."), code="state")
    motion = meetings_link.add_to_agenda(
        actor,
        meeting,
        locked,
        title=locked.title[:150],
        reserved_matter=locked.reserved_matter if meeting is not None and meeting.kind in DECIDING_KINDS else "",
        already=_("This topic is already on that meeting's agenda."),
    )
    audit.record(actor, "deliberation.topic.agenda", locked, after={"meeting": meeting.pk, "motion": motion.pk})
    return motion
