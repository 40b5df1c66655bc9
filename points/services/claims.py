"""Recording (一事一记), declarations (群众申报) and the meeting form (院坝说事会): claims waiting for review."""

from __future__ import annotations

import functools
from datetime import date, timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, scope
from core.errors import DomainError, NotFound
from core.roles import Action
from points.models import (
    CapPeriod,
    Claim,
    ClaimSource,
    ClaimStatus,
    RuleItem,
    Scheme,
)
from points.services.base import DEFAULT_RECORDERS
from points.standings import period_bounds, quarter_of
from points.subjects import Subject

# -- recording ---------------------------------------------------------------------------------------


def _roles_in_scope(actor, action: str, subject: Subject) -> set[str]:
    row = subject.scope_row
    return {grant.role for grant in scope.grants_for(actor, action) if scope.covers(grant, row)}


def _cap_window(period: str, day: date) -> tuple[date, date]:
    if period == CapPeriod.YEAR:
        return period_bounds(day.year)
    if period == CapPeriod.QUARTER:
        return period_bounds(day.year, quarter_of(day))
    start = day.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return start, end


def counted_claims(scheme, subject, item, period: str, day):
    """The claims of ``item`` (by code, across rule book versions) for ``subject`` in ``period`` around ``day``
    that count: waiting or approved (a cap's count; a fact's "only the first time in a month")."""
    start, end = _cap_window(period, day)
    return Claim.objects.filter(
        scheme=scheme,
        subject_key=subject.key,
        item__code=item.code,
        occurred_on__gte=start,
        occurred_on__lte=end,
        status__in=[ClaimStatus.PENDING, ClaimStatus.APPROVED],
    )


def _check_claim(
    *,
    scheme: Scheme,
    subject: Subject,
    item: RuleItem,
    occurred_on: date,
    evidence,
    roles: set[str],
    declaration: bool,
    book_id: int | None,
) -> None:
    """``book_id``: the rule book in force on ``occurred_on``, read with the scheme (``_scheme_for_recording``)."""
    errors = {}
    today = timezone.localdate()
    if occurred_on is None:
        raise DomainError({"occurred_on": _("Give the date.")})
    if occurred_on > today:
        errors["occurred_on"] = _("The date is in the future.")
        book_id = None
    elif occurred_on < today - timedelta(days=366):
        errors["occurred_on"] = _("The date is more than a year ago.")
    if subject.kind != scheme.subject_kind:
        errors["subject"] = _("This scheme does not score this kind of subject.")
    if subject.village_id != scheme.village_id:
        errors["subject"] = _("The subject is not in this scheme's village.")
    if book_id is None and "occurred_on" not in errors:
        errors["item"] = _("No adopted rule book applies on this date.")
    elif book_id is not None and item.rulebook_id != book_id:
        errors["item"] = _("This item is not in the rule book in force on that date.")
    if declaration and not item.declarable:
        errors["item"] = _("Villagers cannot declare this item; ask your grid worker.")
    if not declaration:
        allowed = set(item.recorder_roles or DEFAULT_RECORDERS)
        if not roles & allowed:
            errors["item"] = _("Your role may not record this item.")
    if (item.evidence_required or declaration) and not evidence:
        errors["evidence"] = _("This item needs evidence: attach a photo or document.")
    if item.cap_count and "occurred_on" not in errors:
        used = counted_claims(scheme, subject, item, item.cap_period, occurred_on).count()
        if used >= item.cap_count:
            errors["item"] = _(
                "This item can be recorded at most %(n)s times %(period)s for the same subject; "
                "it already has %(used)s."
            ) % {"n": item.cap_count, "used": used, "period": CapPeriod(item.cap_period).label}
    if errors:
        raise DomainError(errors)


# Hand-written (the ORM took longer to build this statement than the database to run it; bench/README.md).
_SCHEME_FOR_RECORDING_SQL = """
    SELECT s.*, (
        SELECT b.id FROM points_rulebook b
        WHERE b.scheme_id = s.id AND b.adopted_at IS NOT NULL AND b.effective_from <= %s
        ORDER BY b.effective_from DESC, b.version DESC
        LIMIT 1
    ) AS book_in_force_id
    FROM points_scheme s
    WHERE s.id = %s
"""


def _scheme_for_recording(scheme: Scheme, subject: Subject, item: RuleItem, on: date) -> tuple[Scheme, int | None]:
    """The scheme, read afresh under a shared lock for the rest of the transaction: recordings in one village run
    side by side, while a sign-off, a deactivation or a change of the scheme (FOR UPDATE) waits for them and they
    for it. An item with a cap also locks the subject's registry row, so that two recordings of one subject cannot
    both pass the cap check.

    The same statement reads the id of the rule book in force on ``on`` (as ``rulebook_in_force``): one round trip
    instead of two."""
    sql = _SCHEME_FOR_RECORDING_SQL
    if connection.vendor == "postgresql":  # SQLite: one writing transaction at a time anyway
        sql += " FOR SHARE OF s"
    locked = list(Scheme.objects.raw(sql, [connection.ops.adapt_datefield_value(on), scheme.pk]))
    if not locked:
        raise Scheme.DoesNotExist()
    if item.cap_count:
        obj = subject.obj
        type(obj).objects.select_for_update(no_key=True).filter(pk=obj.pk).values_list("pk", flat=True).first()
    return locked[0], locked[0].book_in_force_id


def _existing_by_key(client_key: str | None) -> Claim | None:
    if not client_key:
        return None
    try:
        return Claim.objects.get(client_key=client_key)  # unique: no ORDER BY needed
    except Claim.DoesNotExist:
        return None


def _resent_form_returns_first_entry(service):
    """A form or app resent with the same client key gets the entry its first sending stored.

    The key is looked up only when the recording is refused, not before every recording: a resend either fails
    a check its first sending now trips (the cap counts that first entry) or reaches the INSERT, which the unique
    ``client_key`` refuses; the service's transaction is rolled back either way (audit event included), and then
    the stored entry is returned — to the same person only."""

    @functools.wraps(service)
    def wrapper(*, actor, client_key: str | None = None, **kwargs):
        try:
            return service(actor=actor, client_key=client_key, **kwargs)
        except DomainError:
            existing = _existing_by_key(client_key)
            if existing is None:
                raise
            if existing.recorded_by_id != actor.pk:
                raise DomainError(_("This form was already used by someone else; reload the page.")) from None
            return existing

    return wrapper


@_resent_form_returns_first_entry
@transaction.atomic
def claim_record(
    *,
    actor,
    scheme: Scheme,
    subject: Subject,
    item: RuleItem,
    occurred_on: date,
    note: str = "",
    evidence=None,
    source: str = ClaimSource.RECORD,
    client_key: str | None = None,
) -> Claim:
    """一事一记: a grid worker, cadre or reviewer records an entry; it waits for the review group. A declaration
    (``source`` DECLARATION, see ``claim_declare``) is the household's own, under the villager's declare right."""
    declaration = source == ClaimSource.DECLARATION
    scheme, book_id = _scheme_for_recording(scheme, subject, item, occurred_on)
    roles = _roles_in_scope(actor, Action.POINTS_DECLARE if declaration else Action.POINTS_RECORD, subject)
    if not roles:
        raise NotFound()
    if not declaration and not scheme.is_active:
        raise DomainError(_("This scheme is no longer in use."))
    _check_claim(
        scheme=scheme,
        subject=subject,
        item=item,
        occurred_on=occurred_on,
        evidence=evidence,
        roles=set() if declaration else roles,
        declaration=declaration,
        book_id=book_id,
    )
    return _save_claim(actor, scheme, subject, item, occurred_on, note, evidence, source, client_key)


def claim_declare(*, actor, **claim) -> Claim:
    """群众申报: a villager declares a good deed of their own household with evidence (``claim_record``'s
    arguments but ``source``)."""
    return claim_record(actor=actor, source=ClaimSource.DECLARATION, **claim)


def _save_claim(actor, scheme, subject, item, occurred_on, note, evidence, source, client_key) -> Claim:
    claim = Claim(
        scheme=scheme,
        item=item,
        points=item.points,
        occurred_on=occurred_on,
        note=(note or "").strip()[:300],
        source=source,
        recorded_by=actor,
        client_key=client_key or None,
        **subject.row_fields(),
    )
    if evidence:
        claim.evidence = evidence
    try:
        # No savepoint of its own: after an IntegrityError (the same client_key stored meanwhile) nothing more is
        # written; the DomainError leaves the service's atomic block, which rolls the whole recording back.
        claim.save()
    except IntegrityError:
        raise DomainError(_("This form was already submitted.")) from None
    audit_claim(actor, claim, subject)
    return claim


def audit_claim(actor, claim: Claim, subject, **extra) -> None:
    """The audit event of a new claim, ``points.claim.<source>``: its scheme, subject, item, points and day
    (``extra``: what its source adds, e.g. the fact it came from)."""
    audit.record(
        actor,
        f"points.claim.{claim.source}",
        claim,
        target_label=str(claim)[:200],
        after={
            "scheme": claim.scheme_id,
            "subject": subject.key,
            "item": claim.item.code,
            "points": str(claim.points),
            "occurred_on": claim.occurred_on.isoformat(),
            **extra,
        },
    )


@transaction.atomic
def claims_bulk_record(
    *, actor, scheme: Scheme, rows: list[tuple[Subject, RuleItem]], occurred_on: date, note: str = ""
) -> list[Claim]:
    """院坝说事会: a whole meeting's scores at once; any bad row refuses the whole batch."""
    if not rows:
        raise DomainError(_("Nothing to record: choose at least one subject and item."))
    record = functools.partial(
        claim_record, actor=actor, scheme=scheme, occurred_on=occurred_on, note=note, source=ClaimSource.BULK
    )
    claims, problems = [], []
    for index, (subject, item) in enumerate(rows, start=1):
        try:
            with transaction.atomic():
                claims.append(record(subject=subject, item=item))
        except DomainError as exc:
            problems.append(
                _("Row %(n)s (%(who)s): %(what)s") % {"n": index, "who": subject.label, "what": " ".join(exc.messages)}
            )
    if problems:
        raise DomainError(problems)
    return claims
