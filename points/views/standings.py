"""Points pages: standings, the quarter (sign-off, publication), the own summary, the county ranking, honours."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core import scope
from core.errors import DomainError
from core.params import id_param
from core.roles import Action
from core.views import api_twin, messages_from, paginate, require_action
from points import selectors, services
from points import standings as calc
from points.models import Publication, QuarterSignoff
from points.views.schemes import _year_quarter

STANDINGS_PAGE_SIZE = 100


def _standings_rows_html(rows, quarter) -> str:
    return render_to_string(
        "points/_standings_rows.html", {"rows": [(s, "★" * s.stars) for s in rows], "quarter": quarter}
    )


def _standings_pages(table, quarter) -> tuple[int, list[str]]:
    """The table's rows as HTML, one fragment per page of the standings page."""
    chunks = [table[i : i + STANDINGS_PAGE_SIZE] for i in range(0, len(table), STANDINGS_PAGE_SIZE)] or [[]]
    return len(table), [_standings_rows_html(chunk, quarter) for chunk in chunks]


@login_required
@require_action(Action.POINTS_VIEW)
def standings(request, scheme_id):
    scheme = selectors.access_scheme(request.user, scheme_id)
    year, quarter = _year_quarter(request)
    grid, group = id_param(request.GET.get("grid")), id_param(request.GET.get("group"))
    cached = None
    if grid is None and group is None:
        # The whole village: its rows are rendered once per table, list rules and language, then cached.
        cached = selectors.village_standings_rendered(
            request.user,
            scheme,
            year,
            quarter,
            name=f"page-rows-v1:{translation.get_language()}",
            render=lambda table: _standings_pages(table, quarter),
        )
    if cached is not None:
        count, fragments = cached
        page = Paginator(range(count), STANDINGS_PAGE_SIZE).get_page(request.GET.get("page"))
        rows_html = fragments[page.number - 1]
    else:
        table = selectors.standings(request.user, scheme, year, quarter, grid_id=grid, group_id=group)
        page = paginate(request, table, STANDINGS_PAGE_SIZE)
        rows_html = _standings_rows_html(page.object_list, quarter)
    return render(
        request,
        "points/standings.html",
        {
            "scheme": scheme,
            "table": page,
            "rows_html": mark_safe(rows_html),  # rendered (and escaped) by points/_standings_rows.html
            "year": year,
            "quarter": quarter,
            # (id, name, chosen) triples: the busiest page renders them without a lookup or filter per option
            "grids": [
                (pk, name, pk == grid)
                for pk, name in scheme.village.grids.filter(is_active=True).values_list("pk", "name")
            ],
            "groups": [
                (pk, name, pk == group)
                for pk, name in scheme.village.children.order_by("code").values_list("pk", "name")
            ],
            "quarters": [1, 2, 3, 4],
            "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
        },
    )


@login_required
@require_action(Action.POINTS_SIGNOFF)
@api_twin(
    "POST /api/points/schemes/{scheme_id}/quarters/{year}/{quarter}/signoff",
    "POST /api/points/schemes/{scheme_id}/quarters/{year}/{quarter}/publish",
)
def quarter(request, scheme_id):
    """Sign-off by the party branch and publication (by hand; the scheduled task does it on the day)."""
    scheme = selectors.access_scheme(request.user, scheme_id, Action.POINTS_SIGNOFF)
    year, quarter_no = _year_quarter(request)
    quarter_no = quarter_no or calc.quarter_of(timezone.localdate())
    if request.method == "POST":
        try:
            if request.POST.get("action") == "signoff":
                services.quarter_signoff(
                    actor=request.user, scheme=scheme, year=year, quarter=quarter_no, note=request.POST.get("note", "")
                )
                messages.success(request, _("Quarter signed off."))
            elif request.POST.get("action") == "publish":
                services.quarter_publish(actor=request.user, scheme=scheme, year=year, quarter=quarter_no)
                messages.success(request, _("Standings published on the notice board."))
        except DomainError as exc:
            messages_from(request, exc)
        return redirect(f"{request.path}?year={year}&quarter={quarter_no}")
    start, end = calc.period_bounds(year, quarter_no)
    return render(
        request,
        "points/quarter.html",
        {
            "scheme": scheme,
            "year": year,
            "quarter": quarter_no,
            "signoff": QuarterSignoff.objects.filter(scheme=scheme, year=year, quarter=quarter_no).first(),
            "publication": Publication.objects.filter(scheme=scheme, year=year, quarter=quarter_no).first(),
            "pending": selectors.pending_claims(request.user, scheme)
            .filter(occurred_on__gte=start, occurred_on__lte=end)
            .count()
            if scope.in_scope(request.user, Action.POINTS_REVIEW, scheme)
            else None,
            "publish_day": calc.publication_day(scheme, year, quarter_no),
        },
    )


@login_required
def my_points(request):
    today = timezone.localdate()
    raw = (request.GET.get("year") or "").strip()
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= today.year + 1 else today.year
    summary = selectors.my_summary(request.user, year)
    if summary is None:
        raise Http404()
    return render(request, "points/me.html", {"summary": summary, "today": today, "year": year})


@login_required
@require_action(Action.POINTS_VIEW)
def county_ranking(request):
    """拉通排名 across the county: every household with points this year, highest first."""
    year, _quarter = _year_quarter(request)
    rows = selectors.county_ranking(request.user, year)
    page = paginate(request, rows, 100, decorate=calc.with_labels)
    from regions.models import Region

    villages = dict(Region.objects.filter(pk__in={r.village_id for r in page.object_list}).values_list("pk", "name"))
    return render(
        request,
        "points/county_ranking.html",
        {
            "page": page,
            "year": year,
            "villages": villages,
            "ranked": len(rows),
            "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
        },
    )


@login_required
@require_action(Action.POINTS_VIEW)
@api_twin("POST /api/points/schemes/{scheme_id}/honours")
def honours(request, scheme_id):
    """按年表彰: honours of a year, granted from the yearly ranking (score and rank are not typed)."""
    scheme = selectors.access_scheme(request.user, scheme_id)
    year, _quarter = _year_quarter(request)
    can_grant = scope.in_scope(request.user, Action.POINTS_CONFIGURE, scheme)
    table = calc.standings(scheme, year)
    errors, posted = {}, {}
    if request.method == "POST":
        if not can_grant:
            raise PermissionDenied()
        posted = request.POST
        try:
            services.honour_grant(
                actor=request.user,
                scheme=scheme,
                year=year,
                title=posted.get("title", ""),
                subject_key=posted.get("subject_key", ""),
                award_yuan=posted.get("award_yuan") or 0,
                note=posted.get("note", ""),
            )
        except DomainError as exc:
            errors = (
                {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
                if hasattr(exc, "error_dict")
                else {"form": exc.messages}
            )
        else:
            messages.success(request, _("Honour granted."))
            return redirect(f"{request.path}?year={year}")
    return render(
        request,
        "points/honours.html",
        {
            "scheme": scheme,
            "year": year,
            "honours": scheme.honours.filter(year=year),
            "top": table[:50],
            "can_grant": can_grant,
            "titles": services.HONOUR_TITLES,
            "errors": errors,
            "posted": posted,
            "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
        },
    )
