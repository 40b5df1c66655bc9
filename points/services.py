"""Writes of the points system. Every function checks the actor's scope, runs in one transaction and
records an audit event; bad input raises DomainError with a Chinese message and writes nothing.
"""

from __future__ import annotations

import functools
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, scope, workflow
from core.errors import DomainError, NotFound
from core.roles import Action, Role
from points.flows import APPEAL
from points.models import (
    DEFAULT_APPEAL_ANSWER_DAYS,
    Appeal,
    AppealStatus,
    CapPeriod,
    Claim,
    ClaimSource,
    ClaimStatus,
    ConsequenceType,
    CountyPointsSettings,
    EntryKind,
    Honour,
    LedgerEntry,
    ListKind,
    ListMethod,
    ListRule,
    Mentorship,
    Publication,
    QuarterSignoff,
    RuleBook,
    RuleCategory,
    RuleItem,
    Scheme,
    SchemeKind,
    SubjectKind,
)
from points.rulebook_templates import TEMPLATES
from points.standings import apply_lists, period_bounds, publication_day, quarter_of, standings
from points.subjects import Subject, subject_of
from regions.models import Region, RegionLevel

DEFAULT_RECORDERS = [Role.GRID_WORKER, Role.VILLAGE_CADRE, Role.REVIEWER]


def _decimal(value, field: str) -> Decimal:
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError({field: _("Enter a number.")}) from None
    if not result.is_finite() or abs(result) >= Decimal("10000000"):
        raise DomainError({field: _("Enter a number.")})
    return result.quantize(Decimal("0.01"))


def _require_in_village(actor, action: str, village: Region) -> None:
    if village is None or village.level != RegionLevel.VILLAGE:
        raise DomainError({"village": _("Choose a village.")})
    if not scope.region_in_scope(actor, action, village):
        raise NotFound()


def _scheme_locked(actor, action: str, scheme: Scheme) -> Scheme:
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    if not scope.in_scope(actor, action, scheme):
        raise NotFound()
    return scheme


# -- schemes and rule books ------------------------------------------------------------------------


def _check_star_rules(star_rules) -> list:
    rules = []
    for rule in star_rules or []:
        try:
            rules.append({"stars": int(rule["stars"]), "min_score": float(_decimal(rule["min_score"], "star_rules"))})
        except (KeyError, TypeError, ValueError):
            raise DomainError(
                {"star_rules": _("Each star level needs a number of stars and a minimum score.")}
            ) from None
    if any(r["stars"] <= 0 for r in rules):
        raise DomainError({"star_rules": _("Each star level needs a number of stars and a minimum score.")})
    return sorted(rules, key=lambda r: -r["stars"])


@transaction.atomic
def scheme_create(
    *,
    actor,
    village: Region,
    name: str,
    kind: str,
    subject_kind: str,
    base_score=0,
    redeemable: bool = False,
    star_rules=None,
    warning_lines=None,
    publish_day: int = 28,
    appeal_window_days: int = 15,
) -> Scheme:
    _require_in_village(actor, Action.POINTS_CONFIGURE, village)
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("The name is required.")
    elif Scheme.objects.filter(village=village, name=name).exists():
        errors["name"] = _("This village already has a scheme with this name.")
    if kind not in SchemeKind.values:
        errors["kind"] = _("Choose a kind of scheme.")
    if subject_kind not in SubjectKind.values:
        errors["subject_kind"] = _("Choose who the scheme scores.")
    if not 1 <= int(publish_day or 0) <= 28:
        errors["publish_day"] = _("The publication day must be between 1 and 28.")
    if errors:
        raise DomainError(errors)
    scheme = Scheme(
        name=name,
        kind=kind,
        subject_kind=subject_kind,
        base_score=_decimal(base_score, "base_score"),
        redeemable=redeemable,
        star_rules=_check_star_rules(star_rules),
        warning_lines=warning_lines or {},
        publish_day=publish_day,
        appeal_window_days=appeal_window_days,
    )
    scheme.place_in(village)
    scheme.save()
    audit.record(actor, "points.scheme.create", scheme, after=audit.snapshot(scheme))
    return scheme


@transaction.atomic
def rulebook_create(
    *,
    actor,
    scheme: Scheme,
    title: str,
    effective_from: date,
    template: str | None = None,
    copy_from: RuleBook | None = None,
) -> RuleBook:
    """A new draft version, empty, from a template, or copied from an earlier version."""
    scheme = _scheme_locked(actor, Action.POINTS_CONFIGURE, scheme)
    if not (title or "").strip():
        raise DomainError({"title": _("The title is required.")})
    if effective_from is None:
        raise DomainError({"effective_from": _("Give the date from which the rules apply.")})
    version = (scheme.rulebooks.order_by("-version").values_list("version", flat=True).first() or 0) + 1
    book = RuleBook.objects.create(scheme=scheme, version=version, title=title.strip(), effective_from=effective_from)
    if template:
        if template not in TEMPLATES:
            raise DomainError({"template": _("Unknown template.")})
        _fill_from_template(book, TEMPLATES[template])
    elif copy_from is not None:
        if copy_from.scheme_id != scheme.pk:
            raise DomainError({"copy_from": _("Copy a version of the same scheme.")})
        _copy_items(copy_from, book)
    audit.record(
        actor,
        "points.rulebook.create",
        scheme,
        target_label=str(book),
        after={
            "rulebook": book.pk,
            "version": version,
            "template": template,
            "copy_from": getattr(copy_from, "pk", None),
        },
    )
    return book


def _fill_from_template(book: RuleBook, template: dict) -> None:
    for c_index, (category_name, items) in enumerate(template["categories"]):
        category = RuleCategory.objects.create(rulebook=book, name=category_name, order=c_index)
        for i_index, (text, points, cap, evidence, declarable) in enumerate(items):
            RuleItem.objects.create(
                rulebook=book,
                category=category,
                code=f"{c_index + 1}.{i_index + 1}",
                text=text,
                points=Decimal(points),
                cap_count=cap,
                cap_period=CapPeriod.MONTH,
                evidence_required=evidence,
                declarable=declarable,
                order=i_index,
            )
    negative = RuleCategory.objects.create(
        rulebook=book, name=template.get("negative_category", "负面清单"), order=len(template["categories"])
    )
    for index, text in enumerate(template["negative_list"]):
        RuleItem.objects.create(
            rulebook=book,
            category=negative,
            code=f"N{index + 1}",
            text=text,
            points=Decimal(template["negative_points"]),
            negative_list=True,
            evidence_required=True,
            order=index,
            recorder_roles=[Role.VILLAGE_CADRE, Role.REVIEWER, Role.GRID_WORKER],
        )


def _copy_items(source: RuleBook, book: RuleBook) -> None:
    categories = {}
    for category in source.categories.all():
        categories[category.pk] = RuleCategory.objects.create(rulebook=book, name=category.name, order=category.order)
    for item in source.items.all():
        RuleItem.objects.create(
            rulebook=book,
            category=categories[item.category_id],
            code=item.code,
            text=item.text,
            points=item.points,
            negative_list=item.negative_list,
            cap_count=item.cap_count,
            cap_period=item.cap_period,
            evidence_required=item.evidence_required,
            recorder_roles=item.recorder_roles,
            declarable=item.declarable,
            order=item.order,
        )


def _draft(actor, book: RuleBook) -> RuleBook:
    book = RuleBook.objects.select_for_update().select_related("scheme").get(pk=book.pk)
    if not scope.in_scope(actor, Action.POINTS_CONFIGURE, book.scheme):
        raise NotFound()
    if book.is_adopted:
        raise DomainError(_("This version is adopted and can no longer change; create a new version."))
    return book


@transaction.atomic
def rule_item_save(
    *,
    actor,
    rulebook: RuleBook,
    category_name: str,
    code: str,
    text: str,
    points,
    negative_list: bool = False,
    cap_count: int | None = None,
    cap_period: str = CapPeriod.MONTH,
    evidence_required: bool = False,
    declarable: bool = False,
    recorder_roles=None,
    item: RuleItem | None = None,
) -> RuleItem:
    """Add or change an item of a draft version."""
    book = _draft(actor, rulebook)
    errors = {}
    value = _decimal(points, "points")
    if value == 0:
        errors["points"] = _("An item must be worth some points.")
    if negative_list and value > 0:
        errors["points"] = _("A negative-list item must cost points.")
    if not (text or "").strip():
        errors["text"] = _("Describe the item.")
    if not (code or "").strip():
        errors["code"] = _("The code is required.")
    elif book.items.filter(code=code.strip()).exclude(pk=getattr(item, "pk", None)).exists():
        errors["code"] = _("Another item of this version has this code.")
    if cap_period not in CapPeriod.values:
        errors["cap_period"] = _("Choose a period.")
    roles = list(recorder_roles or [])
    if any(r not in Role.values for r in roles):
        errors["recorder_roles"] = _("Unknown role.")
    if errors:
        raise DomainError(errors)
    category, _created = RuleCategory.objects.get_or_create(
        rulebook=book, name=(category_name or "").strip() or "其他", defaults={"order": book.categories.count()}
    )
    if item is None:
        item = RuleItem(rulebook=book, order=book.items.count())
    elif item.rulebook_id != book.pk:
        raise NotFound()
    item.category, item.code, item.text, item.points = category, code.strip(), text.strip(), value
    item.negative_list, item.cap_count, item.cap_period = negative_list, cap_count, cap_period
    item.evidence_required, item.declarable, item.recorder_roles = evidence_required, declarable, roles
    item.save()
    audit.record(
        actor,
        "points.rule_item.save",
        book.scheme,
        target_label=str(item),
        after={"rulebook": book.pk, "item": item.pk, "points": str(value), "text": item.text},
    )
    return item


def _adopting_decision(actor, book: RuleBook, decision_ref: str):
    """The deliberation decision (议事决策) named by its number in ``decision_ref`` (e.g. "JY2026-0003 村民代表会议"),
    when it is one of the scheme's village; a number that names no such decision is refused, free text links none."""
    import re

    from deliberation.models import Decision

    match = re.search(r"\bJY(\d{4})-(\d{1,8})\b", decision_ref)
    if match is None:
        return None
    decision = Decision.objects.filter(pk=int(match.group(2)), village_id=book.scheme.village_id).first()
    if decision is None or decision.number != match.group(0):
        raise DomainError(
            {"decision_ref": _("There is no decision %(number)s of this village.") % {"number": match.group(0)}}
        )
    return decision


@transaction.atomic
def rulebook_adopt(*, actor, rulebook: RuleBook, decision_ref: str) -> RuleBook:
    """Adopt a draft version by the recorded decision; from its effective date it replaces the previous one."""
    book = _draft(actor, rulebook)
    decision_ref = (decision_ref or "").strip()
    if not decision_ref:
        raise DomainError({"decision_ref": _("Name the meeting decision that adopted these rules.")})
    if not book.items.exists():
        raise DomainError(_("A rule book without items cannot be adopted."))
    later = book.scheme.rulebooks.filter(adopted_at__isnull=False, effective_from__gte=book.effective_from)
    if later.exists():
        raise DomainError({"effective_from": _("An adopted version already applies from this date or later.")})
    decision = _adopting_decision(actor, book, decision_ref)
    book.decision_ref, book.adopted_at, book.adopted_by = decision_ref, timezone.now(), actor
    book.decision = decision
    book.save(update_fields=["decision_ref", "adopted_at", "adopted_by", "decision"])
    audit.record(
        actor,
        "points.rulebook.adopt",
        book.scheme,
        target_label=str(book),
        after={
            "rulebook": book.pk,
            "decision_ref": decision_ref,
            "decision": decision.pk if decision else None,
            "effective_from": book.effective_from.isoformat(),
        },
    )
    return book


def rulebook_in_force(scheme: Scheme, on: date) -> RuleBook | None:
    return (
        scheme.rulebooks.filter(adopted_at__isnull=False, effective_from__lte=on)
        .order_by("-effective_from", "-version")
        .first()
    )


# -- recording ---------------------------------------------------------------------------------------


def _roles_in_scope(actor, action: str, subject: Subject) -> set[str]:
    row = subject.scope_row
    roles = set()
    for grant in scope.grants(actor):
        if action not in scope.ROLE_ACTIONS.get(grant.role, ()):
            continue
        path = row.SCOPE_PATHS.get(grant.level)
        if path and getattr(row, path) == grant.target_id:
            roles.add(grant.role)
    return roles


def _cap_window(period: str, day: date) -> tuple[date, date]:
    if period == CapPeriod.YEAR:
        return period_bounds(day.year)
    if period == CapPeriod.QUARTER:
        return period_bounds(day.year, quarter_of(day))
    start = day.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return start, end


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
        start, end = _cap_window(item.cap_period, occurred_on)
        used = Claim.objects.filter(
            scheme=scheme,
            subject_key=subject.key,
            item__code=item.code,
            occurred_on__gte=start,
            occurred_on__lte=end,
            status__in=[ClaimStatus.PENDING, ClaimStatus.APPROVED],
        ).count()
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
    """一事一记: a grid worker, cadre or reviewer records an entry; it waits for the review group."""
    scheme, book_id = _scheme_for_recording(scheme, subject, item, occurred_on)
    roles = _roles_in_scope(actor, Action.POINTS_RECORD, subject)
    if not roles:
        raise NotFound()
    if not scheme.is_active:
        raise DomainError(_("This scheme is no longer in use."))
    _check_claim(
        scheme=scheme,
        subject=subject,
        item=item,
        occurred_on=occurred_on,
        evidence=evidence,
        roles=roles,
        declaration=False,
        book_id=book_id,
    )
    return _save_claim(actor, scheme, subject, item, occurred_on, note, evidence, source, client_key)


@_resent_form_returns_first_entry
@transaction.atomic
def claim_declare(
    *,
    actor,
    scheme: Scheme,
    subject: Subject,
    item: RuleItem,
    occurred_on: date,
    note: str = "",
    evidence=None,
    client_key: str | None = None,
) -> Claim:
    """群众申报: a villager declares a good deed of their own household with evidence."""
    scheme, book_id = _scheme_for_recording(scheme, subject, item, occurred_on)
    if not _roles_in_scope(actor, Action.POINTS_DECLARE, subject):
        raise NotFound()
    _check_claim(
        scheme=scheme,
        subject=subject,
        item=item,
        occurred_on=occurred_on,
        evidence=evidence,
        roles=set(),
        declaration=True,
        book_id=book_id,
    )
    return _save_claim(actor, scheme, subject, item, occurred_on, note, evidence, ClaimSource.DECLARATION, client_key)


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
    audit.record(
        actor,
        f"points.claim.{source}",
        claim,
        target_label=str(claim)[:200],
        after={
            "scheme": scheme.pk,
            "subject": subject.key,
            "item": item.code,
            "points": str(item.points),
            "occurred_on": occurred_on.isoformat(),
        },
    )
    return claim


@transaction.atomic
def claims_bulk_record(
    *, actor, scheme: Scheme, rows: list[tuple[Subject, RuleItem]], occurred_on: date, note: str = ""
) -> list[Claim]:
    """院坝说事会: a whole meeting's scores at once; any bad row refuses the whole batch."""
    if not rows:
        raise DomainError(_("Nothing to record: choose at least one subject and item."))
    claims, problems = [], []
    for index, (subject, item) in enumerate(rows, start=1):
        try:
            with transaction.atomic():
                claims.append(
                    claim_record(
                        actor=actor,
                        scheme=scheme,
                        subject=subject,
                        item=item,
                        occurred_on=occurred_on,
                        note=note,
                        source=ClaimSource.BULK,
                    )
                )
        except DomainError as exc:
            problems.append(
                _("Row %(n)s (%(who)s): %(what)s") % {"n": index, "who": subject.label, "what": " ".join(exc.messages)}
            )
    if problems:
        raise DomainError(problems)
    return claims


# -- review, ledger and corrections --------------------------------------------------------------------


def _append(
    actor,
    *,
    scheme: Scheme,
    fields: dict,
    kind: str,
    score: Decimal,
    balance: Decimal,
    occurred_on: date,
    reason: str = "",
    claim=None,
    item=None,
    reverses=None,
    redemption=None,
) -> LedgerEntry:
    entry = LedgerEntry(
        scheme=scheme,
        kind=kind,
        score_delta=score,
        balance_delta=balance,
        occurred_on=occurred_on,
        actor=actor,
        reason=reason[:300],
        claim=claim,
        item=item,
        reverses=reverses,
        redemption=redemption,
        **fields,
    )
    entry.save()
    return entry


def _subject_fields(row) -> dict:
    keys = [
        "subject_kind",
        "subject_key",
        "subject_label",
        "household_id",
        "person_id",
        "organization_id",
        "party_branch_id",
        "grid_id",
        "village_id",
        "township_id",
        "county_id",
    ]
    return {k: getattr(row, k) for k in keys}


@transaction.atomic
def claims_review(*, actor, claim_ids: list[int], approve: bool, reason: str = "") -> list[Claim]:
    """评议: approve (appending to the ledger) or reject pending claims. A claim already reviewed, or
    outside the actor's scope, refuses the whole batch so a stale screen changes nothing."""
    if not claim_ids:
        raise DomainError(_("Choose at least one entry."))
    reason = (reason or "").strip()
    if not approve and not reason:
        raise DomainError({"reason": _("Give the reason for rejecting.")})
    claims = list(
        Claim.objects.select_for_update().select_related("scheme", "item").filter(pk__in=claim_ids).order_by("pk")
    )
    if len(claims) != len(set(claim_ids)):
        raise NotFound()
    for claim in claims:
        if not scope.in_scope(actor, Action.POINTS_REVIEW, claim.scheme):
            raise NotFound()
        if claim.status != ClaimStatus.PENDING:
            raise DomainError(
                _("%(entry)s was already reviewed by someone else; reload the page.") % {"entry": claim.subject_label}
            )
        if claim.recorded_by_id == actor.pk and claim.source != ClaimSource.BULK:
            raise DomainError(
                _("You recorded %(entry)s yourself; another member of the review group must review it.")
                % {"entry": claim.subject_label}
            )
    now = timezone.now()
    for claim in claims:
        claim.status = ClaimStatus.APPROVED if approve else ClaimStatus.REJECTED
        claim.reviewed_by, claim.reviewed_at = actor, now
        claim.rejection_reason = "" if approve else reason[:300]
        claim.save(update_fields=["status", "reviewed_by", "reviewed_at", "rejection_reason"])
        if approve:
            _append(
                actor,
                scheme=claim.scheme,
                fields=_subject_fields(claim),
                kind=EntryKind.AWARD,
                score=claim.points,
                balance=claim.points,
                occurred_on=claim.occurred_on,
                reason=claim.item.text,
                claim=claim,
                item=claim.item,
            )
        audit.record(
            actor,
            "points.claim.approve" if approve else "points.claim.reject",
            claim,
            target_label=str(claim)[:200],
            after={"status": claim.status, "reason": claim.rejection_reason},
        )
    return claims


@transaction.atomic
def entry_reverse(*, actor, entry: LedgerEntry, reason: str, action: str = Action.POINTS_REVIEW) -> LedgerEntry:
    """冲正: a correction entry that names what it reverses, who made it and why."""
    entry = LedgerEntry.objects.select_for_update().select_related("scheme").get(pk=entry.pk)
    if not scope.in_scope(actor, action, entry.scheme):
        raise NotFound()
    reason = (reason or "").strip()
    if not reason:
        raise DomainError({"reason": _("Give the reason for the correction.")})
    if entry.kind != EntryKind.AWARD:
        raise DomainError(_("Only points entries can be corrected."))
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise DomainError(_("This entry has already been corrected."))
    reversal = _append(
        actor,
        scheme=entry.scheme,
        fields=_subject_fields(entry),
        kind=EntryKind.REVERSAL,
        score=-entry.score_delta,
        balance=-entry.balance_delta,
        occurred_on=entry.occurred_on,
        reason=reason,
        item=entry.item,
        reverses=entry,
    )
    audit.record(
        actor,
        "points.entry.reverse",
        entry.scheme,
        target_label=str(entry)[:200],
        after={"entry": entry.pk, "reversal": reversal.pk, "reason": reason},
    )
    return reversal


# -- appeals -------------------------------------------------------------------------------------------


def appeal_answer_days(county_id) -> int:
    """The working days a county gives the review group to answer an appeal (its setting, else the default)."""
    days = CountyPointsSettings.objects.filter(county_id=county_id).values_list("appeal_answer_days", flat=True).first()
    return days or DEFAULT_APPEAL_ANSWER_DAYS


@transaction.atomic
def appeal_file(*, actor, entry: LedgerEntry, reason: str, now: datetime | None = None) -> Appeal:
    """复议申请 by the household concerned, within the scheme's window: opens the case on the appeal procedure
    (points.flows.APPEAL), due in the county's working days."""
    entry = LedgerEntry.objects.select_for_update().select_related("scheme").get(pk=entry.pk)
    if not scope.in_scope(actor, Action.POINTS_APPEAL, entry):
        raise NotFound()
    reason = (reason or "").strip()
    if not reason:
        raise DomainError({"reason": _("Say why you disagree.")})
    if entry.kind != EntryKind.AWARD:
        raise DomainError(_("Only points entries can be appealed."))
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise DomainError(_("This entry has already been corrected."))
    deadline = timezone.localtime(entry.recorded_at).date() + timedelta(days=entry.scheme.appeal_window_days)
    today = timezone.localdate(now) if now is not None else timezone.localdate()
    if today > deadline:
        raise DomainError(_("The appeal window closed on %(date)s.") % {"date": deadline.isoformat()})
    if Appeal.objects.filter(entry=entry, status=AppealStatus.PENDING).exists():
        raise DomainError(_("An appeal against this entry is already being investigated."))
    appeal = Appeal(
        entry=entry,
        village_id=entry.village_id,
        township_id=entry.township_id,
        county_id=entry.county_id,
        household_id=entry.household_id,
        filed_by=actor,
        filed_at=now or timezone.now(),
        reason=reason,
        answer_days=appeal_answer_days(entry.county_id),
    )
    workflow.start(actor=actor, case=appeal, flow=APPEAL, note=reason, now=appeal.filed_at)
    audit.record(
        actor,
        "points.appeal.file",
        appeal,
        region=entry.scheme,
        target_label=str(entry)[:200],
        after={"entry": entry.pk, "reason": reason},
    )
    return appeal


def appeal_decide(
    *, actor, appeal: Appeal, overturn: bool, note: str, version: int | None = None, now: datetime | None = None
) -> Appeal:
    """The review group upholds or overturns (the engine's step, with its rules: points.flows.APPEAL)."""
    workflow.transition(
        actor=actor,
        case=appeal,
        flow=APPEAL,
        name="overturn" if overturn else "uphold",
        note=note,
        expected_version=version,
        now=now,
    )
    appeal.refresh_from_db()
    return appeal


@transaction.atomic
def county_settings_save(*, actor, county: Region, appeal_answer_days) -> CountyPointsSettings:
    """The county administrator sets the working days the review groups of its villages have to answer an
    appeal; appeals already filed keep the deadline they were given."""
    if (
        county is None
        or county.level != RegionLevel.COUNTY
        or not scope.region_in_scope(actor, Action.POINTS_POLICY, county)
    ):
        raise NotFound()
    try:
        days = int(str(appeal_answer_days).strip())
    except (TypeError, ValueError):
        days = 0
    if isinstance(appeal_answer_days, bool) or not 1 <= days <= 60:
        raise DomainError(
            {"appeal_answer_days": _("Give a whole number of working days from 1 to %(max)s.") % {"max": 60}}
        )
    row, _created = CountyPointsSettings.objects.select_for_update().get_or_create(county=county)
    before = {"appeal_answer_days": None if _created else row.appeal_answer_days}
    row.appeal_answer_days, row.updated_by = days, actor
    row.save()
    audit.record(
        actor,
        "points.county_settings.save",
        row,
        region=county,
        target_label=county.name,
        before=before,
        after={"appeal_answer_days": days},
    )
    return row


# -- quarter: sign-off and publication -------------------------------------------------------------------


@transaction.atomic
def quarter_signoff(*, actor, scheme: Scheme, year: int, quarter: int, note: str = "") -> QuarterSignoff:
    """党支部审定: refused while entries of the quarter still wait for review."""
    scheme = _scheme_locked(actor, Action.POINTS_SIGNOFF, scheme)
    if quarter not in (1, 2, 3, 4):
        raise DomainError({"quarter": _("Choose a quarter.")})
    start, end = period_bounds(year, quarter)
    pending = Claim.objects.filter(
        scheme=scheme, status=ClaimStatus.PENDING, occurred_on__gte=start, occurred_on__lte=end
    ).count()
    if pending:
        raise DomainError(_("%(n)s entries of this quarter still wait for review.") % {"n": pending})
    if QuarterSignoff.objects.filter(scheme=scheme, year=year, quarter=quarter).exists():
        raise DomainError(_("This quarter is already signed off."))
    signoff = QuarterSignoff.objects.create(scheme=scheme, year=year, quarter=quarter, signed_by=actor, note=note)
    audit.record(actor, "points.quarter.signoff", scheme, after={"year": year, "quarter": quarter})
    return signoff


def _mask(label: str) -> str:
    from core.masking import mask_name

    return mask_name(label.removesuffix("户")) + ("户" if label.endswith("户") else "")


def build_snapshot(scheme: Scheme, year: int, quarter: int) -> dict:
    """The frozen content of a notice: masked names, scores, stars, ranks and lists; nothing personal else."""
    table = standings(scheme, year, quarter)
    lists = apply_lists(scheme, table)
    rules = {r.kind: r for r in scheme.list_rules.filter(is_active=True).prefetch_related("consequences")}
    grids = dict(scheme.village.grids.values_list("pk", "name")) if hasattr(scheme.village, "grids") else {}
    return {
        "scheme": scheme.name,
        "village": scheme.village.name,
        "year": year,
        "quarter": quarter,
        "rows": [
            {
                "rank": s.rank,
                "name": _mask(s.label),
                "grid": grids.get(s.grid_id, ""),
                "score": str(s.score),
                "stars": s.stars,
                "lists": s.lists,
            }
            for s in table
        ],
        "lists": {
            kind: {
                "names": [_mask(s.label) for s in members],
                "consequences": [c.name for c in rules[kind].consequences.all() if not c.forbidden]
                if kind in rules
                else [],
                "consequence_text": rules[kind].consequence_text if kind in rules else "",
                "duration_quarters": rules[kind].duration_quarters if kind in rules else 0,
            }
            for kind, members in lists.items()
        },
        "_black_keys": [(s.key, s.label, s.household_id) for s in lists[ListKind.BLACK]],
    }


@transaction.atomic
def quarter_publish(*, actor, scheme: Scheme, year: int, quarter: int, system: bool = False) -> Publication:
    """公示: freeze the quarter's standings; black-listed households get a mentorship to be assigned."""
    if system:
        scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    else:
        scheme = _scheme_locked(actor, Action.POINTS_SIGNOFF, scheme)
    if not QuarterSignoff.objects.filter(scheme=scheme, year=year, quarter=quarter).exists():
        raise DomainError(_("The party branch has not signed off this quarter yet."))
    if Publication.objects.filter(scheme=scheme, year=year, quarter=quarter).exists():
        raise DomainError(_("This quarter is already published."))
    snapshot = build_snapshot(scheme, year, quarter)
    black = snapshot.pop("_black_keys")
    publication = Publication.objects.create(
        scheme=scheme, year=year, quarter=quarter, snapshot=snapshot, published_by=None if system else actor
    )
    started = min(timezone.localdate(), publication_day(scheme, year, quarter))
    for key, label, household_id in black:
        Mentorship.objects.create(
            scheme=scheme,
            publication=publication,
            subject_key=key,
            subject_label=label,
            household_id=household_id,
            started_on=started,
        )
    audit.record(
        None if system else actor,
        "points.quarter.publish",
        scheme,
        after={"year": year, "quarter": quarter, "rows": len(snapshot["rows"]), "black": len(black)},
    )
    return publication


def publish_due(today: date | None = None) -> list[Publication]:
    """The scheduled task: publish every signed-off quarter whose publication day has come."""
    today = today or timezone.localdate()
    done = []
    for signoff in QuarterSignoff.objects.select_related("scheme").filter(scheme__is_active=True):
        if Publication.objects.filter(scheme=signoff.scheme, year=signoff.year, quarter=signoff.quarter).exists():
            continue
        if today >= publication_day(signoff.scheme, signoff.year, signoff.quarter):
            done.append(
                quarter_publish(
                    actor=None, scheme=signoff.scheme, year=signoff.year, quarter=signoff.quarter, system=True
                )
            )
    return done


# -- lists and their consequences -----------------------------------------------------------------------


@transaction.atomic
def consequence_save(*, actor, county: Region, name: str, forbidden: bool, legal_note: str = "") -> ConsequenceType:
    if county.level != RegionLevel.COUNTY or not scope.region_in_scope(actor, Action.POINTS_POLICY, county):
        raise NotFound()
    name = (name or "").strip()
    if not name:
        raise DomainError({"name": _("The name is required.")})
    consequence, created = ConsequenceType.objects.get_or_create(
        county=county, name=name, defaults={"forbidden": forbidden, "legal_note": legal_note}
    )
    if not created:
        consequence.forbidden, consequence.legal_note = forbidden, legal_note
        consequence.save(update_fields=["forbidden", "legal_note"])
    audit.record(
        actor,
        "points.consequence.save",
        consequence,
        region=county,
        after={"name": name, "forbidden": forbidden, "legal_note": legal_note},
    )
    return consequence


@transaction.atomic
def list_rule_save(
    *,
    actor,
    scheme: Scheme,
    kind: str,
    method: str,
    value,
    consequences: list[ConsequenceType],
    consequence_text: str = "",
    duration_quarters: int = 1,
    rule: ListRule | None = None,
) -> ListRule:
    scheme = _scheme_locked(actor, Action.POINTS_CONFIGURE, scheme)
    errors = {}
    if kind not in ListKind.values:
        errors["kind"] = _("Choose red or black list.")
    if method not in ListMethod.values:
        errors["method"] = _("Choose how subjects are put on the list.")
    number = _decimal(value, "value")
    if method in (ListMethod.TOP_SHARE, ListMethod.BOTTOM_SHARE) and not 0 < number <= 50:
        errors["value"] = _("A share must be between 0 and 50 per cent.")
    forbidden = [c.name for c in consequences if c.forbidden or c.county_id != scheme.county_id]
    if forbidden:
        errors["consequences"] = _(
            "The county does not allow these consequences (they touch statutory entitlements): %(names)s"
        ) % {"names": "、".join(forbidden)}
    if not 1 <= int(duration_quarters or 0) <= 4:
        errors["duration_quarters"] = _("A list lasts one to four quarters.")
    if errors:
        raise DomainError(errors)
    if rule is None:
        rule = ListRule(scheme=scheme)
    elif rule.scheme_id != scheme.pk:
        raise NotFound()
    rule.kind, rule.method, rule.value = kind, method, number
    rule.consequence_text, rule.duration_quarters = (consequence_text or "").strip(), duration_quarters
    rule.save()
    rule.consequences.set(consequences)
    audit.record(
        actor,
        "points.list_rule.save",
        scheme,
        after={
            "rule": rule.pk,
            "kind": kind,
            "method": method,
            "value": str(number),
            "consequences": [c.name for c in consequences],
        },
    )
    return rule


@transaction.atomic
def mentorship_update(
    *, actor, mentorship: Mentorship, mentor=None, notes: str | None = None, upgraded: bool = False
) -> Mentorship:
    """Assign the 1-to-1 mentor, log visits, and record the way back (转化升级)."""
    m = Mentorship.objects.select_for_update().select_related("scheme").get(pk=mentorship.pk)
    if not scope.in_scope(actor, Action.POINTS_CONFIGURE, m.scheme):
        raise NotFound()
    if mentor is not None and mentor.village_id != m.scheme.village_id:
        raise DomainError({"mentor": _("The mentor must live in the village.")})
    if mentor is not None:
        m.mentor = mentor
    if notes is not None:
        m.notes = notes.strip()
    if upgraded and m.upgraded_on is None:
        m.upgraded_on = timezone.localdate()
    m.save()
    audit.record(
        actor,
        "points.mentorship.update",
        m.scheme,
        after={
            "mentorship": m.pk,
            "mentor": getattr(m.mentor, "pk", None),
            "upgraded_on": m.upgraded_on.isoformat() if m.upgraded_on else None,
        },
    )
    return m


def subject_for_actor(actor) -> Subject | None:
    """The household a villager account belongs to, as a points subject."""
    for grant in scope.grants(actor):
        if grant.level == "household":
            from registry.models import Household

            household = Household.objects.filter(pk=grant.target_id).first()
            if household is not None:
                return subject_of(household)
    return None


HONOUR_TITLES = ["十星家庭户", "文明家庭", "创业致富能手", "遵纪守法企业", "最佳经营土地能手", "优秀志愿者"]


@transaction.atomic
def honour_grant(
    *, actor, scheme: Scheme, year: int, title: str, subject_key: str, award_yuan=0, note: str = ""
) -> Honour:
    """按年表彰: the score and rank are taken from the year's standings, never typed."""
    scheme = _scheme_locked(actor, Action.POINTS_CONFIGURE, scheme)
    title = (title or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("Name the honour.")
    award = _decimal(award_yuan or 0, "award_yuan")
    if award < 0 or award > 100000:
        errors["award_yuan"] = _("The award must be between 0 and 100,000 yuan.")
    row = next((s for s in standings(scheme, year) if s.key == subject_key), None)
    if row is None:
        errors["subject_key"] = _("Choose a subject ranked in this year.")
    if errors:
        raise DomainError(errors)
    if Honour.objects.filter(scheme=scheme, year=year, title=title, subject_key=subject_key).exists():
        raise DomainError(_("%(who)s already has this honour for %(year)s.") % {"who": row.label, "year": year})
    honour = Honour.objects.create(
        scheme=scheme,
        year=year,
        title=title,
        subject_key=subject_key,
        subject_label=row.label,
        household_id=row.household_id,
        score=row.score,
        rank=row.rank,
        award_yuan=award,
        note=(note or "").strip(),
        granted_by=actor,
    )
    audit.record(
        actor,
        "points.honour.grant",
        scheme,
        target_label=str(honour),
        after={
            "year": year,
            "title": title,
            "subject": subject_key,
            "score": str(row.score),
            "rank": row.rank,
            "award_yuan": str(award),
        },
    )
    return honour
