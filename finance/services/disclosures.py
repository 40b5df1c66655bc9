"""The monthly disclosure generated from the ledger."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.errors import DomainError
from core.roles import Action
from finance.ledger import month_bounds, month_summary
from finance.models import (
    MonthlyDisclosure,
)
from finance.services.common import (
    _month_closed,
    _village,
)
from regions.models import Region

# -- the monthly disclosure -----------------------------------------------------------------------------------


def disclosure_generate(*, actor, village: Region, year: int, month: int, today=None) -> MonthlyDisclosure:
    """月度财务公开: generate the month's disclosure from the ledger and put it as a draft financial notice on the
    transparency board (transparency.services.notice_create); it then follows that procedure (submit → checked
    by the 民主理财小组 → published). The month must be over; once generated, it takes no new entries."""
    from finance.disclosure import disclosure_text
    from transparency import services as transparency_services
    from transparency.models import Stream

    village = _village(actor, village, Action.FINANCE_RECORD)
    today = today or timezone.localdate()
    try:
        year, month = int(year), int(month)
        start, end = month_bounds(year, month)
    except (TypeError, ValueError):
        raise DomainError({"month": _("Choose a month.")}) from None
    if end >= today:
        raise DomainError({"month": _("A month is disclosed after it has ended.")})
    with transaction.atomic():
        Region.objects.select_for_update().filter(pk=village.pk).first()
        existing = _month_closed(village.pk, start)
        if existing is not None:
            raise DomainError(
                {
                    "month": _(
                        "The disclosure of this month has already been generated (notice %(number)s); withdraw that "
                        "notice first to generate it again."
                    )
                    % {"number": existing.notice.number}
                }
            )
        summary = month_summary(village.pk, year, month)
        title, body = disclosure_text(village, summary)
        notice = transparency_services.notice_create(
            actor=actor,
            village=village,
            stream=Stream.FINANCE,
            category="收支明细",
            title=title,
            body=body,
            period_start=start,
            period_end=end,
        )
        row = MonthlyDisclosure(
            year=year,
            month=month,
            notice=notice,
            opening=summary.opening,
            income=summary.income,
            expense=summary.expense,
            closing=summary.closing,
            generated_by=actor,
        )
        row.place_in(village)
        row.save()
        audit.record(
            actor,
            "finance.disclosure.generate",
            row,
            after={
                "notice": notice.pk,
                "month": f"{year}-{month:02d}",
                "opening": str(summary.opening),
                "income": str(summary.income),
                "expense": str(summary.expense),
                "closing": str(summary.closing),
                "entries": len(summary.entries),
            },
        )
    return row
