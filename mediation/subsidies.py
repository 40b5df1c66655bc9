"""以案定补 (米易: per-case subsidies paid from the county budget): the month's subsidy list per mediator, computed
from the disputes archived in that month with an agreement, by the county's table (SubsidyRate). Never typed.

A dispute's amount is the rate of its type and difficulty, else the county's rate for any type at that
difficulty, else nothing (listed as "no rate"); it is shared equally by the dispute's mediators (experts are paid
otherwise and take no share), to the fen, the first mediator taking the remainder."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_DOWN, Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediation.models import Difficulty, DisputeKind, LocalKind, SubsidyRate, Title

FEN = Decimal("0.01")


@dataclass
class Line:
    mediator: str
    body: str
    cases: list = field(default_factory=list)  # (number, kind label, difficulty label, share): no contents
    total: Decimal = Decimal(0)


@dataclass
class MonthList:
    month: date
    lines: list[Line]
    unrated: list  # disputes with no rate for their type and difficulty
    total: Decimal


def month_bounds(month: date) -> tuple[datetime, datetime]:
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return datetime.combine(first, time.min, tz), datetime.combine(following, time.min, tz)


def rate_table(county_id) -> dict[tuple[str, str], Decimal]:
    return {(r.kind, r.difficulty): r.amount for r in SubsidyRate.objects.filter(county_id=county_id)}


def month_list(disputes: QuerySet, month: date) -> MonthList:
    """The subsidies of the disputes (already scoped) archived in ``month`` with an agreement."""
    start, end = month_bounds(month)
    rows = (
        disputes.filter(state="archived", outcome="agreement", closed_at__gte=start, closed_at__lt=end)
        .select_related("body")
        .prefetch_related("mediators__body")
        .order_by("closed_at", "pk")
    )
    tables: dict[int, dict] = {}
    lines: dict[int, Line] = {}
    unrated = []
    kinds, levels = dict(DisputeKind.choices), dict(Difficulty.choices)
    kinds.update(LocalKind.objects.values_list("code", "name"))
    for d in rows:
        table = tables.setdefault(d.county_id, rate_table(d.county_id))
        amount = table.get((d.kind, d.difficulty), table.get(("", d.difficulty)))
        mediators = [m for m in d.mediators.all() if m.title != Title.EXPERT]
        if amount is None or not mediators:
            unrated.append(d)
            continue
        share = (amount / len(mediators)).quantize(FEN, rounding=ROUND_DOWN)
        first_share = amount - share * (len(mediators) - 1)
        for i, m in enumerate(sorted(mediators, key=lambda m: m.pk)):
            line = lines.setdefault(m.pk, Line(m.name, m.body.name))
            part = first_share if i == 0 else share
            line.cases.append((d.number, str(kinds.get(d.kind, d.kind)), str(levels.get(d.difficulty, "")), part))
            line.total += part
    ordered = sorted(lines.values(), key=lambda line: (line.body, line.mediator))
    return MonthList(month.replace(day=1), ordered, unrated, sum((line.total for line in ordered), Decimal(0)))


def xlsx(result: MonthList) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = str(_("Subsidies"))[:31]
    sheet.append([str(_("Per-case subsidies for %(month)s")) % {"month": result.month.strftime("%Y-%m")}])
    headers = (_("Mediator"), _("Body"), _("Number"), _("Type of dispute"), _("Difficulty"), _("Subsidy (yuan)"))
    sheet.append([str(h) for h in headers])
    for line in result.lines:
        for number, kind, difficulty, part in line.cases:
            sheet.append([line.mediator, line.body, number, kind, difficulty, float(part)])
        sheet.append([line.mediator, line.body, str(_("Subtotal")), "", "", float(line.total)])
    sheet.append(["", "", str(_("Total")), "", "", float(result.total)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def month_param(raw) -> date:
    today = timezone.localdate()
    try:
        year, month = (int(x) for x in str(raw or "").split("-"))
        return date(year, month, 1) if 2000 <= year <= 2100 else today.replace(day=1)
    except ValueError:
        return today.replace(day=1)
