"""Mediation statistics (SPEC §5, 化解率): figures of the disputes received in a period, by type, by level of the
body, by source or by mediator; aggregates only, counted from the records (never typed). The definitions are
DEFINITIONS below (the page, the .xlsx and docs/mediation.md show them)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediation.models import AgreementForm, BodyKind, Confirmation, DisputeKind, Performance, Source

DIMENSIONS = {
    "kind": (_("By type of dispute"), "kind", dict(DisputeKind.choices)),
    "level": (_("By level of the body"), "body__kind", dict(BodyKind.choices)),
    "source": (_("By source"), "source", dict(Source.choices)),
    "mediator": (_("By mediator"), "mediators__name", None),
}

CONCLUDED = ("agreement", "failed", "refused")

FILTERS = {
    "received": None,
    "declined": Q(outcome="declined"),
    "open": Q(outcome="", closed_at__isnull=True),
    "concluded": Q(outcome__in=CONCLUDED),
    "agreements": Q(outcome="agreement"),
    "written": Q(outcome="agreement", agreement_form=AgreementForm.WRITTEN),
    "followed": ~Q(performance=""),
    "performed": Q(performance=Performance.FULL),
    "confirmed": Q(confirmation=Confirmation.CONFIRMED),
}


def _counts(distinct: bool) -> dict:
    """COUNT … FILTER (WHERE …) per figure; distinct only where a join repeats a dispute (by mediator)."""
    return {key: Count("pk", filter=q, distinct=distinct) for key, q in FILTERS.items()}


# (key, label, numerator, denominator)
RATES = [
    ("resolution", _("Resolution rate (化解率)"), "agreements", "concluded"),
    ("written_share", _("Share of written agreements"), "written", "agreements"),
    ("performance", _("Performance rate (履行率)"), "performed", "followed"),
    ("confirmation", _("Judicial confirmation rate"), "confirmed", "written"),
]

COLUMNS = [
    ("received", _("Received")),
    ("declined", _("Not received")),
    ("open", _("In mediation")),
    ("concluded", _("Concluded")),
    ("agreements", _("Agreements")),
    ("written", _("Written agreements")),
    ("followed", _("Followed up")),
    ("performed", _("Performed in full")),
    ("confirmed", _("Confirmed by the court")),
]

DEFINITIONS = [
    (_("Scope"), _("Disputes received in the period (by the date received) that you may read as statistics.")),
    (_("Concluded"), _("Ended with an agreement, without one (调解不成), or because a party refused (Art. 17).")),
    (_("Resolution rate (化解率)"), _("Disputes that ended with an agreement ÷ disputes concluded.")),
    (
        _("Share of written agreements"),
        _("Written agreements (调解协议书) ÷ agreements (the others are oral, Art. 28)."),
    ),
    (
        _("Performance rate (履行率)"),
        _("Agreements performed in full at the follow-up visit ÷ agreements followed up."),
    ),
    (_("Judicial confirmation rate"), _("Agreements confirmed by the court ÷ written agreements.")),
    (_("By mediator"), _("A dispute with two mediators counts for each of them.")),
]


@dataclass
class Row:
    label: str
    counts: dict
    amount: Decimal
    rates: dict = field(default_factory=dict)

    def __post_init__(self):
        for key, _label, num, den in RATES:
            self.rates[key] = (self.counts[num] / self.counts[den] * 100) if self.counts[den] else None


@dataclass
class Table:
    by: str
    start: date
    end: date
    rows: list[Row]
    total: Row
    counted_at: datetime | None = None


CACHE_SECONDS = 300  # a page of statistics is counted at most every five minutes for a person and a period


def cached_table(actor, scope_of, *, start: date, end: date, by: str) -> Table:
    """``table`` of the actor's disputes, kept for CACHE_SECONDS per person, period and grouping (the page says
    when it was counted); the .xlsx and the API count afresh."""
    from django.core.cache import cache

    key = f"mediation:stats:{actor.pk}:{start.isoformat()}:{end.isoformat()}:{by}"
    found = cache.get(key)
    if found is None:
        found = table(scope_of(actor), start=start, end=end, by=by)
        cache.set(key, found, CACHE_SECONDS)
    return found


def table(disputes: QuerySet, *, start: date, end: date, by: str = "kind") -> Table:
    """The figures of ``disputes`` (already scoped) received from ``start`` to ``end``, grouped by ``by``."""
    _title, path, labels = DIMENSIONS[by]
    if by == "kind":  # and the types the counties added
        from mediation.models import LocalKind

        labels = {**labels, **dict(LocalKind.objects.values_list("code", "name"))}
    cohort = disputes.filter(received_on__gte=start, received_on__lte=end)
    amount = Sum("amount", filter=Q(outcome="agreement"))
    joined = by == "mediator"  # a dispute with two mediators is a row of each
    rows = []
    grouped = cohort.order_by().values(path).annotate(**_counts(joined), amount=amount).order_by(path)
    for values in grouped:
        key = values[path]
        if key is None:  # by mediator: disputes without one yet
            label = str(_("No mediator named yet"))
        else:
            label = str(labels.get(key, key)) if labels else str(key)
        rows.append(Row(label, {k: values[k] for k in FILTERS}, values["amount"] or Decimal(0)))
    rows.sort(key=lambda r: (-r.counts["received"], r.label))
    if joined:  # the total counts each dispute once
        totals = cohort.order_by().aggregate(**_counts(False), amount=amount)
        total = Row(str(_("Total")), {k: totals[k] for k in FILTERS}, totals["amount"] or Decimal(0))
    else:  # each dispute is in exactly one row
        counts = {k: sum(r.counts[k] for r in rows) for k in FILTERS}
        total = Row(str(_("Total")), counts, sum((r.amount for r in rows), Decimal(0)))
    return Table(by, start, end, rows, total, timezone.now())


def xlsx(result: Table) -> bytes:
    """The table as an .xlsx workbook, with the definitions on a second sheet."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = str(_("Statistics"))[:31]
    sheet.append([f"{DIMENSIONS[result.by][0]} · {result.start.isoformat()} – {result.end.isoformat()}"])
    headers = [str(DIMENSIONS[result.by][0])] + [str(label) for _key, label in COLUMNS]
    headers += [str(label) for _key, label, _n, _d in RATES] + [str(_("Amount agreed (yuan)"))]
    sheet.append(headers)
    for row in [*result.rows, result.total]:
        sheet.append(
            [row.label]
            + [row.counts[key] for key, _label in COLUMNS]
            + [round(row.rates[key], 1) if row.rates[key] is not None else None for key, *_rest in RATES]
            + [float(row.amount)]
        )
    notes = book.create_sheet(str(_("Definitions"))[:31])
    for term, text in DEFINITIONS:
        notes.append([str(term), str(text)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def period(data) -> tuple[date, date, str]:
    """The period and grouping asked for (?start=&end=&by=): this year so far by default; a wrong value falls back."""
    today = timezone.localdate()

    def day(raw, default):
        try:
            value = date.fromisoformat(str(raw or "").strip())
        except ValueError:
            return default
        return value if date(2000, 1, 1) <= value <= date(2100, 12, 31) else default

    start, end = day(data.get("start"), today.replace(month=1, day=1)), day(data.get("end"), today)
    if end < start:
        start, end = end, start
    by = data.get("by") if data.get("by") in DIMENSIONS else "kind"
    return start, end, by
