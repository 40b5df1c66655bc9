"""Facts earn points without a second entry (enter once, 最多报一次; docs/points.md "Facts").

points listens to core.facts (``plug.register``): when a fact happens in a village, every item of each active
scheme's rule book in force on the fact's day that is bound to the fact (``RuleItem.fact``, its conditions met)
gets a claim for the scheme's subject, waiting for the monthly review like any other. Caps and the evidence rule
still apply (the record the fact came from is its evidence); a claim they refuse is not made, and the fact's own
procedure goes on. One fact makes at most one claim per item and subject (the constraint ``one_claim_per_fact``).
Undoing the fact withdraws the pending claims and reverses the approved ones, dated the day of the undoing.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core import facts as core_facts
from core.errors import DomainError
from points.models import (
    Claim,
    ClaimSource,
    ClaimStatus,
    LedgerEntry,
    RuleItem,
    Scheme,
    SchemeKind,
    SubjectKind,
)
from points.services.base import DEFAULT_RECORDERS
from points.services.claims import _check_claim, _scheme_for_recording, audit_claim, counted_claims
from points.services.ledger import _reverse_locked, uncorrected_award
from points.subjects import Subject, subject_of

logger = logging.getLogger(__name__)


# -- what a rule item may ask of a fact ---------------------------------------------------------------------------


def clean_binding(fact_key: str, conditions, subject_kind: str) -> tuple[str, dict]:
    """The fact and conditions of a rule item, checked: DomainError (Chinese) for an unknown fact, a condition the
    fact does not take or a value it cannot have, or a fact that cannot name the scheme's subject."""
    fact_key = (fact_key or "").strip()
    if not fact_key:
        if conditions:
            raise DomainError({"fact_conditions": _("Conditions need a fact; choose the fact first.")})
        return "", {}
    fact = core_facts.get(fact_key)
    if fact is None:
        raise DomainError({"fact": _("There is no fact “%(fact)s” on the platform.") % {"fact": fact_key}})
    if subject_kind not in (SubjectKind.HOUSEHOLD, SubjectKind.PERSON) or (
        subject_kind == SubjectKind.PERSON and fact.subject != "person"
    ):
        raise DomainError({"fact": _("This fact does not name who this scheme scores.")})
    if conditions in (None, ""):
        conditions = {}
    if not isinstance(conditions, dict):
        raise DomainError({"fact_conditions": _("The conditions are not in the right form.")})
    cleaned: dict = {}
    for key, value in conditions.items():
        if key == core_facts.FIRST_IN_MONTH:
            if not isinstance(value, bool):
                raise DomainError({"fact_conditions": _("“Only the first time in a month” is yes or no.")})
            if value:
                cleaned[key] = True
            continue
        condition = fact.condition(key)
        if condition is None:
            raise DomainError(
                {
                    "fact_conditions": _("The fact “%(fact)s” has no condition “%(key)s”.")
                    % {"fact": fact.label, "key": key}
                }
            )
        values = [value] if isinstance(value, str) else value
        allowed = {str(v) for v, _label in condition.choices}
        if not isinstance(values, list) or not values or any(str(v) not in allowed for v in values):
            raise DomainError(
                {
                    "fact_conditions": _("Choose the values of “%(condition)s” among those offered.")
                    % {"condition": condition.label}
                }
            )
        cleaned[key] = sorted({str(v) for v in values})
    return fact_key, cleaned


def _matches(item: RuleItem, occurrence: core_facts.Occurrence) -> bool:
    for key, values in (item.fact_conditions or {}).items():
        if key == core_facts.FIRST_IN_MONTH:
            continue
        if str(occurrence.attrs.get(key, "")) not in values:
            return False
    return True


def _subject(scheme: Scheme, occurrence: core_facts.Occurrence) -> Subject | None:
    if scheme.subject_kind == SubjectKind.HOUSEHOLD:
        household = occurrence.household or getattr(occurrence.person, "household", None)
        return subject_of(household) if household is not None else None
    if scheme.subject_kind == SubjectKind.PERSON and occurrence.person is not None:
        if scheme.kind == SchemeKind.PARTY_MEMBER and not _party_member(occurrence.person, scheme.village_id):
            return None  # 双项积分 scores the village's party members only (who sat in at a 党员大会 is not one)
        return subject_of(occurrence.person)
    return None


def _party_member(person, village_id) -> bool:
    from registry.models import PartyMember

    return PartyMember.objects.filter(person_id=person.pk, village_id=village_id).exists()


# -- the fact happened ------------------------------------------------------------------------------------------


def _first_in_month_taken(scheme, item, subject, occurred_on: date) -> bool:
    return counted_claims(scheme, subject, item, "month", occurred_on).filter(fact=item.fact).exists()


def _existing(same: dict) -> Claim | None:
    return Claim.objects.filter(**same).first()


def claim_for_fact(scheme: Scheme, item: RuleItem, subject: Subject, occurrence) -> Claim | None:
    """The claim of ``item`` for ``subject`` made by ``occurrence`` (the one already made, if any); None when the
    item's caps, evidence rule or conditions refuse it. Runs in a savepoint: a refusal writes nothing."""
    same = {"item": item, "subject_key": subject.key, "source_ref": occurrence.source, "fact": occurrence.fact.key}
    existing = _existing(same)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            scheme, book_id = _scheme_for_recording(scheme, subject, item, occurrence.occurred_on)
            if item.fact_conditions.get(core_facts.FIRST_IN_MONTH) and _first_in_month_taken(
                scheme, item, subject, occurrence.occurred_on
            ):
                return None
            _check_claim(
                scheme=scheme,
                subject=subject,
                item=item,
                occurred_on=occurrence.occurred_on,
                evidence=occurrence.source,  # the record the fact came from is the evidence
                roles=set(item.recorder_roles or DEFAULT_RECORDERS),  # the platform records it, not a person
                declaration=False,
                book_id=book_id,
            )
            claim = Claim.objects.create(
                scheme=scheme,
                item=item,
                points=item.points,
                occurred_on=occurrence.occurred_on,
                note=str(occurrence.fact.label)[:300],
                source=ClaimSource.FACT,
                recorded_by=occurrence.actor,
                fact=occurrence.fact.key,
                source_ref=occurrence.source,
                **subject.row_fields(),
            )
            audit_claim(occurrence.actor, claim, subject, fact=claim.fact, source_ref=claim.source_ref)
            return claim
    except DomainError as exc:
        logger.info("Fact %s made no claim of %s for %s: %s", occurrence.fact.key, item, subject.key, exc.messages)
        return None
    except IntegrityError:  # the same fact recorded at the same time by another request: its claim stands
        return Claim.objects.filter(**same).first()


def fact_happened(occurrence: core_facts.Occurrence) -> list[Claim]:
    """Every claim ``occurrence`` earns in its village (see the module's docstring)."""
    from points.services.rulebooks import rulebook_in_force

    if occurrence.actor is None or not getattr(occurrence.actor, "pk", None):
        return []
    bound = RuleItem.objects.filter(
        fact=occurrence.fact.key,
        rulebook__scheme__village_id=occurrence.village_id,
        rulebook__scheme__is_active=True,
        rulebook__adopted_at__isnull=False,
    )
    if not bound.exists():  # the usual case: one query, and a sign-in goes on
        return []
    claims = []
    for scheme in Scheme.objects.filter(village_id=occurrence.village_id, is_active=True).order_by("pk"):
        book = rulebook_in_force(scheme, occurrence.occurred_on)
        if book is None:
            continue
        items = [i for i in book.items.filter(fact=occurrence.fact.key).order_by("pk") if _matches(i, occurrence)]
        subject = _subject(scheme, occurrence) if items else None
        if subject is None:
            continue
        for item in items:
            claim = claim_for_fact(scheme, item, subject, occurrence)
            if claim is not None:
                claims.append(claim)
    return claims


# -- the fact was undone ----------------------------------------------------------------------------------------


def fact_undone(fact: core_facts.Fact, source: str, actor, on: date | None = None) -> int:
    """Withdraw the pending claims ``source``'s fact made; reverse the approved ones (a correction entry dated
    ``on``, today by default). Returns how many claims were undone."""
    now = timezone.now()
    undone = 0
    for claim in Claim.objects.select_for_update().filter(fact=fact.key, source_ref=source).order_by("pk"):
        if claim.status == ClaimStatus.PENDING:
            claim.status = ClaimStatus.WITHDRAWN
            claim.save(update_fields=["status"])
            audit.record(
                actor,
                "points.claim.withdraw",
                claim,
                target_label=str(claim)[:200],
                before={"status": ClaimStatus.PENDING},
                after={"status": claim.status, "fact": fact.key, "source_ref": source},
            )
            undone += 1
        elif claim.status == ClaimStatus.APPROVED:
            entry = LedgerEntry.objects.select_for_update().select_related("scheme").filter(claim=claim).first()
            if entry is None:
                continue
            try:
                uncorrected_award(entry, "")
            except DomainError:
                continue  # corrected already (an appeal, a reviewer)
            reason = _("The fact was undone: %(fact)s") % {"fact": fact.label}
            moment = now if on is None else datetime.combine(on, time(12), tzinfo=timezone.get_current_timezone())
            _reverse_locked(actor, entry, reason, moment)
            undone += 1
    return undone


def register() -> None:
    core_facts.register_listener(
        core_facts.Listener("points", happened=fact_happened, undone=lambda f, s, a, on: fact_undone(f, s, a, on))
    )
