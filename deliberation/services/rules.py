"""村规民约: a version (draft, update, steps, agenda of a 村民会议) and the households' signatures."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, workflow
from core.errors import DomainError
from core.fields import clean_text as _text
from core.roles import Action
from deliberation import meetings_link
from deliberation.flows import RULES, RULES_EDITABLE, RULES_SIGNABLE
from deliberation.models import Decision, RulesSignature, RulesVersion, SignMethod
from deliberation.services._common import (
    _check,
    _create_once,
    _date,
    _lock,
    _lock_for_household,
    _person_name,
    _village,
)
from regions.models import Region
from registry.models import Household
from transparency.privacy import check_public_text

# -- village rules --------------------------------------------------------------------------------------------


def rules_create(*, actor, village: Region, title, text, now=None) -> RulesVersion:
    """A new version of the village rules, opened for opinions (征集民意)."""
    village = _village(actor, village, Action.DELIBERATION_MANAGE)
    now = now or timezone.now()
    errors = {}
    title = _check(errors, _text, title, "title", max_length=100)
    text = _check(errors, _text, text, "text", max_length=20000)
    if errors:
        raise DomainError(errors)
    check_public_text(text=text)
    with transaction.atomic():
        last = (
            RulesVersion.objects.filter(village=village).order_by("-edition").values_list("edition", flat=True).first()
        )
        rules = RulesVersion(
            title=title, text=text, edition=(last or 0) + 1, created_by=actor, created_at=now, updated_at=now
        )
        rules.place_in(village)
        workflow.start(actor=actor, case=rules, flow=RULES, note=title, now=now)
        audit.record(
            actor, "deliberation.rules.create", rules, after=audit.snapshot(rules, ["title", "edition", "text"])
        )
    return rules


@transaction.atomic
def rules_update(*, actor, rules: RulesVersion, title=None, text=None, version=None) -> RulesVersion:
    locked = _lock(RulesVersion, actor, rules)
    if version is not None and locked.version != int(version):
        raise DomainError(
            _("Someone else changed these rules meanwhile; look at them again before you change them."), code="stale"
        )
    if locked.state not in RULES_EDITABLE:
        raise DomainError(
            _("Only a draft being written can be changed; these rules are “%(state)s”.")
            % {"state": RULES.state_label(locked.state)},
            code="state",
        )
    before = audit.snapshot(locked, ["title", "text"])
    locked.title = _text(title if title is not None else locked.title, "title", max_length=100)
    locked.text = _text(text if text is not None else locked.text, "text", max_length=20000)
    check_public_text(text=locked.text)
    locked.updated_at = timezone.now()
    locked.save(update_fields=["title", "text", "updated_at"])
    old, new = audit.diff(before, audit.snapshot(locked, ["title", "text"]))
    if new:
        audit.record(actor, "deliberation.rules.update", locked, before=old, after=new)
    return locked


def rules_step(
    *, actor, rules: RulesVersion, step: str, data: dict | None = None, note: str = "", version=None, now=None
):
    """Take a step of the village rules. The adoption's decision and the promulgation (the older version superseded,
    the decision published) are declared with the steps (deliberation/effects.py)."""
    return workflow.transition(
        actor=actor,
        case=rules,
        flow=RULES,
        name=step,
        data=dict(data or {}),
        note=note,
        expected_version=version,
        now=now,
    )


@transaction.atomic
def rules_to_agenda(*, actor, rules: RulesVersion, meeting):
    """Put the approved rules on a villagers' assembly's agenda as the reserved matter village_rules (the meetings app
    refuses it in any other body: Art. 27 is not delegable)."""
    locked = _lock(RulesVersion, actor, rules)
    if locked.state != "approved":
        raise DomainError(
            _("The rules go to the villagers' assembly after the township has approved the draft."), code="state"
        )
    motion = meetings_link.add_to_agenda(
        actor,
        meeting,
        locked,
        title=str(locked)[:150],
        reserved_matter="village_rules",
        already=_("These rules are already on that meeting's agenda."),
    )
    audit.record(actor, "deliberation.rules.agenda", locked, after={"meeting": meeting.pk, "motion": motion.pk})
    return motion


def _sign(actor, locked: RulesVersion, household: Household, *, method: str, signer_name: str, signed_on: date):
    if locked.state not in RULES_SIGNABLE:
        raise DomainError(
            _("Households sign the rules once the villagers' assembly has adopted them; these are “%(state)s”.")
            % {"state": RULES.state_label(locked.state)},
            code="state",
        )
    sig = _create_once(
        RulesSignature,
        _("This household has signed these rules already."),
        key={"rules": locked, "household": household},
        method=method,
        signer_name=signer_name,
        signed_on=signed_on,
        recorded_by=actor,
    )
    audit.record(
        actor,
        "deliberation.rules.sign",
        locked,
        after={"household": household.pk, "method": method, "signed_on": signed_on.isoformat()},
    )
    return sig


@transaction.atomic
def rules_sign(*, actor, rules: RulesVersion, now=None) -> RulesSignature:
    """The villager signs the household's consent on the phone."""
    locked, household = _lock_for_household(RulesVersion, actor, rules, Action.DELIBERATION_VIEW)
    today = timezone.localtime(now or timezone.now()).date()
    return _sign(actor, locked, household, method=SignMethod.PHONE, signer_name=_person_name(actor), signed_on=today)


@transaction.atomic
def rules_record_paper(*, actor, rules: RulesVersion, household, signer_name, signed_on) -> RulesSignature:
    """The cadre records a household's paper signature, with the date it was signed."""
    locked = _lock(RulesVersion, actor, rules)
    found = Household.objects.filter(pk=getattr(household, "pk", household), village_id=locked.village_id).first()
    if found is None:
        raise DomainError({"household": _("Choose a household of this village.")})
    signer_name = _text(signer_name, "signer_name", max_length=50)
    day = _date(signed_on, "signed_on")
    if day > timezone.localdate():
        raise DomainError({"signed_on": _("The signature cannot be dated in the future.")})
    adopted_at = Decision.objects.filter(rules=locked).values_list("decided_at", flat=True).first()
    if adopted_at is not None and day < timezone.localtime(adopted_at).date():
        raise DomainError({"signed_on": _("The signature cannot be dated before the rules were adopted.")})
    return _sign(actor, locked, found, method=SignMethod.PAPER, signer_name=signer_name, signed_on=day)
