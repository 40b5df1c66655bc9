"""The figures of mutual aid for a place (a county, a township or a village) and a year: applications by state, by
reason and by month, the money asked, approved and paid, and the fund (money in by source, money out, balance at
the year's end). Every number is computed from the rows; the page, the API and the .xlsx show the same."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractMonth
from django.utils.translation import gettext as _

from core import scope
from core.errors import NotFound
from core.roles import Action
from mutualaid import fund
from mutualaid.flows import MUTUAL_AID, OPEN
from mutualaid.models import Application, FundEntry, Reason, Source
from regions.models import Region

ZERO = Decimal("0.00")
LEVELS = ("county", "township", "village")


def places(actor) -> list[Region]:
    """The places the actor may count: those of their ``mutualaid.figures`` grants and the places right under them."""
    own = [g.target_id for g in scope.grants_for(actor, Action.AID_FIGURES) if g.level in LEVELS]
    if not own:
        return []
    rows = Region.objects.filter(Q(pk__in=own) | Q(parent_id__in=own), level__in=LEVELS).order_by("code")
    return list(rows)


def place(actor, raw=None) -> Region:
    from core.params import id_param

    pk = id_param(raw)
    if pk is None:
        found = places(actor)
        if not found:
            raise NotFound()
        return min(found, key=lambda r: LEVELS.index(r.level))
    found = Region.objects.filter(pk=pk, level__in=LEVELS).first()
    if found is None or not scope.region_in_scope(actor, Action.AID_FIGURES, found):
        raise NotFound()
    return found


def year_of(raw, default: int) -> int:
    try:
        year = int(raw)
    except (TypeError, ValueError):
        return default
    return year if 2000 <= year <= 2100 else default


@dataclass
class Figures:
    place: Region
    year: int
    totals: dict = field(default_factory=dict)
    by_reason: list = field(default_factory=list)
    by_month: list = field(default_factory=list)
    sources: list = field(default_factory=list)
    money: dict = field(default_factory=dict)


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(ZERO)


def _in_place(qs, region: Region):
    return qs.filter(**{f"{region.level}_id": region.pk})


def figures(region: Region, year: int) -> Figures:
    apps = _in_place(Application.objects.filter(flow=MUTUAL_AID.name), region)
    opened = apps.filter(opened_at__year=year)
    paid = apps.filter(state="paid", paid_on__year=year)
    agg = opened.aggregate(
        count=Count("pk"),
        open=Count("pk", filter=Q(state__in=OPEN)),
        declined=Count("pk", filter=Q(state="declined")),
        withdrawn=Count("pk", filter=Q(state="withdrawn")),
        asked=Sum("amount_asked"),
    )
    paid_agg = paid.aggregate(count=Count("pk"), amount=Sum("approved_amount"))
    totals = {
        "applications": agg["count"],
        "open": agg["open"],
        "declined": agg["declined"],
        "withdrawn": agg["withdrawn"],
        "asked": _money(agg["asked"]),
        "paid_count": paid_agg["count"],
        "paid_amount": _money(paid_agg["amount"]),
        "overdue": apps.filter(state__in=OPEN, overdue=True).count(),
    }
    reasons = {r["reason"]: r for r in opened.values("reason").annotate(n=Count("pk"), asked=Sum("amount_asked"))}
    paid_reasons = {r["reason"]: r for r in paid.values("reason").annotate(n=Count("pk"), s=Sum("approved_amount"))}
    by_reason = [
        {
            "reason": value,
            "label": str(label),
            "applications": reasons.get(value, {}).get("n", 0),
            "asked": _money(reasons.get(value, {}).get("asked")),
            "paid_count": paid_reasons.get(value, {}).get("n", 0),
            "paid_amount": _money(paid_reasons.get(value, {}).get("s")),
        }
        for value, label in Reason.choices
    ]
    months_opened = dict(
        opened.annotate(m=ExtractMonth("opened_at")).values("m").annotate(n=Count("pk")).values_list("m", "n")
    )
    months_paid = {
        r["m"]: r
        for r in paid.annotate(m=ExtractMonth("paid_on")).values("m").annotate(n=Count("pk"), s=Sum("approved_amount"))
    }
    entries = _in_place(FundEntry.objects.all(), region)
    year_entries = entries.filter(on__year=year)
    months_in = {}
    for month in range(1, 13):
        months_in[month] = fund.totals(year_entries.filter(on__month=month))["in"]
    by_month = [
        {
            "month": m,
            "applications": months_opened.get(m, 0),
            "paid_count": months_paid.get(m, {}).get("n", 0),
            "paid_amount": _money(months_paid.get(m, {}).get("s")),
            "money_in": months_in[m],
        }
        for m in range(1, 13)
    ]
    year_money = fund.totals(year_entries)
    sources = [
        {"source": value, "label": str(label), "amount": year_money["by_source"].get(value, ZERO)}
        for value, label in Source.choices
    ]
    end = fund.totals(entries.filter(on__lte=date(year, 12, 31)))
    money = {"in": year_money["in"], "out": year_money["out"], "balance": end["balance"]}
    return Figures(region, year, totals, by_reason, by_month, sources, money)


def as_dict(result: Figures) -> dict:
    def plain(value):
        return str(value) if isinstance(value, Decimal) else value

    def row(d):
        return {k: plain(v) for k, v in d.items()}

    return {
        "place": {"id": result.place.pk, "name": result.place.name, "level": result.place.level},
        "year": result.year,
        "totals": row(result.totals),
        "by_reason": [row(r) for r in result.by_reason],
        "by_month": [row(r) for r in result.by_month],
        "sources": [row(r) for r in result.sources],
        "money": row(result.money),
    }


def _cells(row) -> list:
    return [float(v) if isinstance(v, Decimal) else v for v in row]


def xlsx(result: Figures) -> bytes:
    """The figures as an .xlsx workbook: totals and the fund, by reason, by month (core.xlsx)."""
    from core.xlsx import Sheet, workbook

    t, m = result.totals, result.money
    caption = _("Mutual aid, %(place)s, %(year)s") % {"place": result.place.name, "year": result.year}
    totals = [
        (_("Place"), result.place.name),
        (_("Year"), result.year),
        (_("Applications"), t["applications"]),
        (_("Still open"), t["open"]),
        (_("Declined"), t["declined"]),
        (_("Withdrawn"), t["withdrawn"]),
        (_("Amount asked (yuan)"), t["asked"]),
        (_("Payouts"), t["paid_count"]),
        (_("Amount paid (yuan)"), t["paid_amount"]),
        (_("Overdue now"), t["overdue"]),
        (_("Money in (yuan)"), m["in"]),
        (_("Money out (yuan)"), m["out"]),
        (_("Balance at the year's end (yuan)"), m["balance"]),
        *((s["label"], s["amount"]) for s in result.sources),
    ]
    by_reason = [
        (r["label"], r["applications"], r["asked"], r["paid_count"], r["paid_amount"]) for r in result.by_reason
    ]
    by_month = [
        (f"{result.year}-{r['month']:02d}", r["applications"], r["paid_count"], r["paid_amount"], r["money_in"])
        for r in result.by_month
    ]
    return workbook(
        Sheet(_("Totals"), caption, [_("Figure"), _("Value")], [_cells(r) for r in totals]),
        Sheet(
            _("By reason"),
            caption,
            [_("Reason"), _("Applications"), _("Amount asked (yuan)"), _("Payouts"), _("Amount paid (yuan)")],
            [_cells(r) for r in by_reason],
        ),
        Sheet(
            _("By month"),
            caption,
            [_("Month"), _("Applications"), _("Payouts"), _("Amount paid (yuan)"), _("Money in (yuan)")],
            [_cells(r) for r in by_month],
        ),
    )


def download(result: Figures):
    """The .xlsx of the figures as a download (the page's and the API's)."""
    from registry.views_excel import xlsx_response

    place, year = result.place, result.year
    return xlsx_response(xlsx(result), f"邻里互助统计-{place.name}-{year}.xlsx", f"mutualaid-{place.code}-{year}.xlsx")


def ledger_download(village: Region, rows):
    """The fund's ledger as an .xlsx download (the page's and the API's)."""
    from django.utils import timezone

    from registry.views_excel import xlsx_response

    stem = timezone.localdate().strftime("%Y%m%d")
    content = ledger_xlsx(village, rows)
    return xlsx_response(content, f"互助专款台账-{village.name}-{stem}.xlsx", f"mutualaid-fund-{village.code}.xlsx")


def ledger_xlsx(village: Region, rows) -> bytes:
    """The fund's ledger of one village as an .xlsx (every entry, newest first, with the balance; core.xlsx)."""
    from core.xlsx import Sheet, workbook

    lines = [
        [
            e.on.isoformat(),
            e.get_kind_display(),
            e.get_source_display() if e.source else "",
            float(e.amount),
            e.donor,
            e.note,
            str(e.recorded_by),
        ]
        for e in rows
    ]
    lines += [[], [_("Balance"), "", "", float(fund.balance(village.pk))]]
    heads = [_("Date"), _("Kind"), _("Source"), _("Amount (yuan)"), _("From / to"), _("Note"), _("Recorded by")]
    caption = _("Mutual-aid fund of %(village)s") % {"village": village.name}
    return workbook(Sheet(_("Ledger"), caption, heads, lines))
