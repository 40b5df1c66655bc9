"""The monthly disclosure generated from the ledger, and its correction (更正)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, scope
from core.errors import DomainError, NotFound
from core.fields import clean_text as _text
from core.roles import Action
from finance.ledger import month_bounds, month_summary
from finance.models import LedgerEntry, MonthlyDisclosure
from finance.services.common import _month_disclosure, _village
from regions.models import Region
from transparency.privacy import check_public_text

# -- the monthly disclosure -----------------------------------------------------------------------------------


def _month(year, month):
    try:
        year, month = int(year), int(month)
        start, end = month_bounds(year, month)
    except (TypeError, ValueError, OverflowError):
        raise DomainError({"month": _("Choose a month.")}) from None
    return year, month, start, end


def _already(existing: MonthlyDisclosure) -> DomainError:
    """One disclosure per village and month: what to do instead of generating it again."""
    notice = existing.notice
    if notice.published_at is not None:
        return DomainError(
            {
                "month": _(
                    "The disclosure of this month has already been published (notice %(number)s). A month is "
                    "disclosed once: to change what it says, correct it (更正) and give the reason."
                )
                % {"number": notice.number}
            }
        )
    return DomainError(
        {
            "month": _(
                "The disclosure of this month has already been generated (notice %(number)s, not yet published); "
                "discard that draft first to generate it again."
            )
            % {"number": notice.number}
        }
    )


def _publish_as_notice(*, actor, village, summary, title, body, correcting=None, reason=""):
    """The draft financial notice of a month (transparency.services.notice_create), with every entry attached as
    a table (finance.disclosure.entries_xlsx)."""
    from finance.disclosure import entries_name, entries_xlsx
    from transparency import services as transparency_services
    from transparency.models import STATEMENT_CATEGORY, Stream

    return transparency_services.notice_create(
        actor=actor,
        village=village,
        stream=Stream.FINANCE,
        category=STATEMENT_CATEGORY,
        title=title,
        body=body,
        period_start=summary.start,
        period_end=summary.end,
        tables=[(entries_name(village, summary), entries_xlsx(village, summary))],
        corrects=correcting.notice if correcting is not None else None,
        correction_reason=reason,
    )


def _record(actor, village, summary, notice, *, corrects=None, reason="") -> MonthlyDisclosure:
    from finance.disclosure import statement_lines

    last = MonthlyDisclosure.objects.filter(village=village, year=summary.year, month=summary.month).aggregate(
        n=Max("sequence")
    )["n"]
    row = MonthlyDisclosure(
        year=summary.year,
        month=summary.month,
        notice=notice,
        opening=summary.opening,
        income=summary.income,
        expense=summary.expense,
        closing=summary.closing,
        generated_by=actor,
        sequence=0 if last is None else last + 1,
        corrects=corrects,
        reason=reason,
        statement={"lines": statement_lines(summary), "entries": len(summary.entries)},
    )
    row.place_in(village)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:  # generated at the same moment by someone else
        raise DomainError({"month": _("The disclosure of this month has just been generated.")}) from None
    return row


def disclosure_generate(*, actor, village: Region, year: int, month: int, today=None) -> MonthlyDisclosure:
    """月度财务公开: generate the month's disclosure from the ledger and put it as a draft financial notice on the
    transparency board (transparency.services.notice_create): the statement by category in its text, every entry
    in an attached table. It then follows that procedure (submit → checked by the 民主理财小组 → published). The
    month must be over; a month has one disclosure (again only after its draft was discarded; once published it
    is changed by a correction, ``disclosure_correct``); from then on no entry is dated in it or before it."""
    village = _village(actor, village, Action.FINANCE_RECORD)
    today = today or timezone.localdate()
    year, month, start, end = _month(year, month)
    if end >= today:
        raise DomainError({"month": _("A month is disclosed after it has ended.")})
    from finance.disclosure import disclosure_text

    with transaction.atomic():
        Region.objects.select_for_update().filter(pk=village.pk).first()
        existing = _month_disclosure(village.pk, year, month)
        if existing is not None:
            raise _already(existing)
        summary = month_summary(village.pk, year, month)
        title, body = disclosure_text(village, summary)
        notice = _publish_as_notice(actor=actor, village=village, summary=summary, title=title, body=body)
        row = _record(actor, village, summary, notice)
        audit.record(actor, "finance.disclosure.generate", row, after=_facts(row, summary))
    return row


def _facts(row, summary) -> dict:
    return {
        "notice": row.notice_id,
        "month": f"{row.year}-{row.month:02d}",
        "opening": str(summary.opening),
        "income": str(summary.income),
        "expense": str(summary.expense),
        "closing": str(summary.closing),
        "entries": len(summary.entries),
    }


def reversed_since(row: MonthlyDisclosure) -> list[LedgerEntry]:
    """The month's entries reversed after the month (their reversals are dated in a later, open month)."""
    start, end = month_bounds(row.year, row.month)
    return list(
        LedgerEntry.objects.filter(village_id=row.village_id, date__gte=start, date__lte=end, reversed_by__date__gt=end)
        .select_related("category", "category__parent", "reversed_by")
        .order_by("date", "id")
    )


def disclosure_correct(*, actor, disclosure: MonthlyDisclosure, reason) -> MonthlyDisclosure:
    """更正: a new disclosure of the same month, generated from the ledger as it stands, that names the disclosure
    it corrects, why (``reason``, required, public) and every figure that changed (old → new); the entries of the
    month reversed since are listed. It is a draft financial notice correcting the published one: checked like
    any disclosure, and once published the earlier notice leaves the board, marked as superseded by it
    (transparency.flows). Only the month's current disclosure, once published, is corrected, one correction at a
    time."""
    from finance.disclosure import correction_text

    reason = _text(reason, "reason", max_length=300)
    check_public_text(reason=reason)  # it is on the public board with the correction
    with transaction.atomic():
        old = MonthlyDisclosure.objects.select_for_update().filter(pk=getattr(disclosure, "pk", disclosure)).first()
        if old is None or not scope.in_scope(actor, Action.FINANCE_RECORD, old):
            raise NotFound()
        village = _village(actor, old.village, Action.FINANCE_RECORD)
        Region.objects.select_for_update().filter(pk=village.pk).first()
        current = _month_disclosure(village.pk, old.year, old.month)
        if current is not None and current.corrects_id == old.pk and current.notice.published_at is None:
            raise DomainError(
                _("A correction of this disclosure is already under way (notice %(number)s).")
                % {"number": current.notice.number},
                code="pending",
            )
        if current is None or current.pk != old.pk:
            number = current.notice.number if current is not None else ""
            raise DomainError(
                _("This is no longer the month's disclosure (now notice %(number)s); correct that one.")
                % {"number": number},
                code="superseded",
            )
        if old.notice.published_at is None:
            raise DomainError(
                _(
                    "This disclosure has not been published yet: send it back or discard the draft and generate it "
                    "again instead of correcting it."
                ),
                code="state",
            )
        summary = month_summary(village.pk, old.year, old.month)
        title, body = correction_text(village, summary, old, reason, reversed_since(old))
        notice = _publish_as_notice(
            actor=actor, village=village, summary=summary, title=title, body=body, correcting=old, reason=reason
        )
        row = _record(actor, village, summary, notice, corrects=old, reason=reason)
        audit.record(
            actor,
            "finance.disclosure.correct",
            row,
            before={"disclosure": old.pk, "notice": old.notice_id},
            after={**_facts(row, summary), "reason": reason},
        )
    return row
