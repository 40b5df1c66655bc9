"""Writes of mutual aid. Every function checks the actor's scope (outside it: NotFound, answered as 404), runs in
one transaction and records an audit event; an application's steps go through core.workflow (which writes the
CaseEvent and its ``casework.*`` audit event). Bad input raises DomainError with a Chinese message and writes
nothing.

Who keeps the fund and the bands (邻里互助会专人统一管理): the village cadres (``mutualaid.handle``) and the current
members of the village's mutual-aid association (committees).
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.numbering import next_number
from casework.steps import documented_transition
from core import audit, scope, workflow
from core.errors import DomainError, NotFound
from core.fields import Choice, Date, Decimal, clean_text, clean_value
from core.roles import Action
from mutualaid import bands, fund, people
from mutualaid.audit_labels import AuditAction
from mutualaid.flows import MUTUAL_AID
from mutualaid.models import Application, Band, EntryKind, FundEntry, Reason, Source
from regions.models import Grid, Region
from regions.selectors import villages
from registry.models import Person

MAX_AMOUNT = 100_000_000  # yuan: far above any band, within the column


def _id(value):
    return getattr(value, "pk", value)


# -- who may do what where ---------------------------------------------------------------------------------------


def may_keep(actor, village_id) -> bool:
    """A village cadre handling mutual aid there, or a current member of its association."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if villages(actor, Action.AID_HANDLE).filter(pk=village_id).exists():
        return True
    return people.is_member(actor, village_id)


def _kept_village(actor, village) -> Region:
    found = Region.objects.filter(pk=_id(village), level="village").first()
    if found is None or not may_keep(actor, found.pk):
        raise NotFound()
    return found


def staff_village_ids(actor) -> set[int]:
    """The villages where the actor may file an application for any resident (a cadre's village, a grid worker's
    grids' villages); a villager's own household is not among them."""
    ids = set(villages(actor, Action.AID_APPLY, whole_village=False).values_list("pk", flat=True))
    grids = scope.targets(actor, "grid", Action.AID_APPLY)
    if grids:
        ids |= set(Grid.objects.filter(pk__in=grids).values_list("village_id", flat=True))
    return ids


def acting_as(actor, person) -> str | None:
    """How the actor may apply for ``person``: "villager" (their own household), "staff" (on behalf), or None."""
    if person.household_id in scope.targets(actor, "household", Action.AID_APPLY):
        return "villager"
    if person.village_id in staff_village_ids(actor):
        return "staff"
    return None


# -- the fund ------------------------------------------------------------------------------------------------------


def _amount(value, field="amount"):
    import decimal

    cleaned = clean_value(Decimal(field, field, min=None, max=None), value)
    amount = decimal.Decimal(cleaned)
    if amount <= 0:
        raise DomainError({field: _("The amount must be more than zero.")})
    if amount > MAX_AMOUNT:
        raise DomainError({field: _("The amount is too large.")})
    return amount


def _day(value, field="on") -> date:
    cleaned = clean_value(Date(field, field, latest=0), value)
    return date.fromisoformat(cleaned)


def contribution_record(*, actor, village, source, amount, on, donor="", note="", now=None) -> FundEntry:
    """募集: money paid into the fund from one of the three sources."""
    village = _kept_village(actor, village)
    source = clean_value(Choice("source", "source", options=Source.choices), source)
    entry = FundEntry(
        kind=EntryKind.CONTRIBUTION,
        source=source,
        amount=_amount(amount),
        on=_day(on),
        donor=clean_text(donor, "donor", max_length=100, required=False),
        note=clean_text(note, "note", max_length=500, required=False),
        recorded_by=actor,
        recorded_at=now or timezone.now(),
    )
    entry.place_in(village)
    with transaction.atomic():
        fund.write(entry)
        audit.record(actor, AuditAction.CONTRIBUTION_RECORD, entry, after=audit.snapshot(entry))
    return entry


def entry_reverse(*, actor, entry, reason, on=None, now=None) -> FundEntry:
    """更正: a new entry of the opposite amount that names the one it corrects (each entry is reversed at most once;
    a reversal is not itself reversed). Refused when it would take the fund below zero."""
    found = FundEntry.objects.filter(pk=_id(entry)).first()
    if found is None or not may_keep(actor, found.village_id):
        raise NotFound()
    reason = clean_text(reason, "reason", max_length=500)
    if found.kind == EntryKind.REVERSAL:
        raise DomainError(_("A reversal cannot be reversed; record the entry again instead."))
    day = _day(on or timezone.localdate(now), "on")
    if day < found.on:
        raise DomainError({"on": _("A reversal cannot be dated before the entry it corrects.")})
    reversal = FundEntry(
        kind=EntryKind.REVERSAL,
        amount=-found.amount,
        on=day,
        reverses=found,
        application_id=found.application_id,
        donor=found.donor,
        note=reason,
        recorded_by=actor,
        recorded_at=now or timezone.now(),
    )
    reversal.place_in(found.village)
    try:
        with transaction.atomic():
            if FundEntry.objects.filter(reverses=found).exists():
                raise DomainError(_("This entry has already been reversed."))
            fund.write(reversal)
            audit.record(actor, AuditAction.ENTRY_REVERSE, reversal, after=audit.snapshot(reversal))
    except IntegrityError:
        raise DomainError(_("This entry has already been reversed.")) from None
    return reversal


# -- the bands -----------------------------------------------------------------------------------------------------


def band_add(*, actor, village, name, up_to, note="") -> Band:
    village = _kept_village(actor, village)
    band = Band(
        name=clean_text(name, "name", max_length=40),
        up_to=_amount(up_to, "up_to"),
        note=clean_text(note, "note", max_length=200, required=False),
        created_by=actor,
    )
    band.place_in(village)
    with transaction.atomic():
        fund.lock(village.pk)
        if Band.objects.filter(village=village, up_to=band.up_to).exists():
            raise DomainError({"up_to": _("The village already has a band up to this amount.")})
        band.save()
        audit.record(actor, AuditAction.BAND_ADD, band, after=audit.snapshot(band, ["name", "up_to", "note"]))
    return band


def band_remove(*, actor, band) -> None:
    found = Band.objects.filter(pk=_id(band)).first()
    if found is None or not may_keep(actor, found.village_id):
        raise NotFound()
    with transaction.atomic():
        fund.lock(found.village_id)
        before = audit.snapshot(found, ["name", "up_to", "note"])
        audit.record(actor, AuditAction.BAND_REMOVE, found, before=before)
        found.delete()


# -- applications --------------------------------------------------------------------------------------------------


def _number(county_id: int, day: date) -> str:
    county = Region.objects.get(pk=county_id)
    return next_number(Application, region_id=county_id, prefix=f"HZ{county.code}-{day:%Y}-", width=5)


def application_make(
    *, actor, person, reason, amount_asked, situation, village=None, attachments=(), now=None
) -> Application:
    """群众申请: a villager for someone of their own household, a grid worker or a cadre on a resident's behalf."""
    now = now or timezone.now()
    found = Person.objects.filter(pk=_id(person)).select_related("household", "household__village", "user").first()
    how = acting_as(actor, found) if found is not None else None
    if how is None:
        raise DomainError({"person": _("Choose a resident of your own household or of a village you serve.")})
    if village not in (None, "") and found.village_id != _id(village):
        raise DomainError({"person": _("The applicant does not live in this village.")})
    if found.is_deceased:
        raise DomainError({"person": _("The registry records this person as deceased.")})
    reason = clean_value(Choice("reason", "reason", options=Reason.choices), reason)
    amount = _amount(amount_asked, "amount_asked")
    bands.check_amount(found.village_id, amount, field="amount_asked")
    situation = clean_text(situation, "situation", max_length=2000)
    from transparency.files import prepare_documents

    attachments = prepare_documents(attachments or [], field="attachments")
    household = found.household
    on_behalf = how == "staff" and found.user_id != actor.pk
    case = Application(
        household=household,
        person=found,
        group_id=household.group_id,
        applicant=found.user if found.user_id else (actor if how == "villager" else None),
        recorded_by=actor,
        on_behalf=on_behalf,
        reason=reason,
        amount_asked=amount,
        situation=situation,
    )
    case.place_in(household.village)
    try:
        with transaction.atomic():
            case.number = _number(household.county_id, timezone.localdate(now))
            workflow.start(actor=actor, case=case, flow=MUTUAL_AID, note=situation, attachments=attachments, now=now)
            audit.record(
                actor,
                AuditAction.APPLICATION_MAKE,
                case,
                after=audit.snapshot(case, ["number", "household", "person", "reason", "amount_asked", "on_behalf"]),
            )
    except IntegrityError:
        raise DomainError(_("Someone made an application at the same moment; please send it again.")) from None
    return case


def application_step(*, actor, case, step, data=None, note="", attachments=(), version=None, now=None):
    """Take a declared step (mutualaid.flows). Paying publishes the payout on the village's notice board in the
    same transaction when the actor may publish there; otherwise it waits for a cadre (``payouts_publish``)."""
    with transaction.atomic():
        event = documented_transition(
            MUTUAL_AID,
            actor=actor,
            case=case,
            step=step,
            data=dict(data or {}),
            note=note,
            attachments=attachments,
            version=version,
            now=now,
        )
        if step == "pay" and may_publish(actor, case.village_id):
            _publish(actor, case.village, [case], now=now)
    return event


# -- publication ---------------------------------------------------------------------------------------------------


def may_publish(actor, village_id) -> bool:
    return villages(actor, Action.TRANSPARENCY_PUBLISH).filter(pk=village_id).exists()


def unpublished(village_id):
    return Application.objects.filter(village_id=village_id, state="paid", notice__isnull=True).order_by(
        "paid_on", "pk"
    )


def _publish(actor, village, cases, *, now=None):
    from mutualaid import publicity

    notice = publicity.post_notice(actor, village, cases, now=now)
    for case in cases:
        case.notice = notice
        case.save(update_fields=["notice"])
    audit.record(
        actor,
        AuditAction.PAYOUTS_PUBLISH,
        notice,
        after={"notice": notice.pk, "applications": [c.number for c in cases]},
        region=village,
    )
    return notice


def payouts_publish(*, actor, village, now=None):
    """公示: the payouts of the village not yet on its notice board, as one de-identified notice (a cadre)."""
    found = Region.objects.filter(pk=_id(village), level="village").first()
    if found is None or not may_keep(actor, found.pk):
        raise NotFound()
    if not may_publish(actor, found.pk):
        raise DomainError(_("Only a village cadre may publish on the village's notice board."))
    with transaction.atomic():
        fund.lock(found.pk)
        cases = list(unpublished(found.pk).select_related("household", "person"))
        if not cases:
            raise DomainError(_("Every payout is already on the notice board."))
        return _publish(actor, found, cases, now=now)
