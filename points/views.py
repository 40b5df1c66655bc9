"""Points pages: thin translations of HTTP into selectors and services."""

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

from casework import steps
from core import scope, workflow
from core.errors import DomainError, NotFound
from core.roles import Action
from core.views import apply_domain_errors, messages_from, paginate, require_action
from points import selectors, services
from points import standings as calc
from points.flows import APPEAL
from points.forms import (
    AdoptForm,
    DeclareForm,
    ReasonForm,
    RecordForm,
    ReviewForm,
    RuleBookForm,
    RuleItemForm,
    SchemeForm,
    signed_points,
)
from points.models import Publication, QuarterSignoff
from points.subjects import load_subject, subject_of
from regions import selectors as region_selectors


def _year_quarter(request):
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    quarter = request.GET.get("quarter", str(calc.quarter_of(today)))
    quarter = int(quarter) if quarter in {"1", "2", "3", "4"} else None
    return year, quarter


@login_required
def points_home(request):
    if not scope.can(request.user, Action.POINTS_VIEW):
        if scope.can(request.user, Action.POINTS_VIEW_OWN):
            return redirect("points:me")
        raise PermissionDenied()
    return render(
        request,
        "points/home.html",
        {
            "schemes": selectors.schemes_with_counts(request.user),
            "can_configure": scope.can(request.user, Action.POINTS_CONFIGURE),
            "can_record": scope.can(request.user, Action.POINTS_RECORD),
            "can_review": scope.can(request.user, Action.POINTS_REVIEW),
            "appeals": selectors.appeal_counts(request.user),
            "can_county_ranking": any(
                g.level == "county" and Action.POINTS_VIEW in scope.ROLE_ACTIONS.get(g.role, ())
                for g in scope.grants(request.user)
            ),
        },
    )


@login_required
@require_action(Action.POINTS_CONFIGURE)
def scheme_create(request):
    villages = region_selectors.villages(request.user, Action.POINTS_CONFIGURE)
    initial = {"village": villages.first()} if villages.count() == 1 else None
    form = SchemeForm(request.POST or None, initial=initial, villages=villages)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            scheme = services.scheme_create(
                actor=request.user,
                village=data["village"],
                name=data["name"],
                kind=data["kind"],
                subject_kind=data["subject_kind"],
                base_score=data["base_score"],
                redeemable=data["redeemable"],
                star_rules=data["stars"],
                publish_day=data["publish_day"],
                appeal_window_days=data["appeal_window_days"],
            )
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("Scheme created. Now give it a rule book."))
            return redirect("points:rulebook_create", scheme_id=scheme.pk)
    return render(request, "points/scheme_form.html", {"form": form})


@login_required
@require_action(Action.POINTS_VIEW)
def scheme_detail(request, scheme_id):
    scheme = selectors.access_scheme(request.user, scheme_id)
    year, quarter = _year_quarter(request)
    return render(
        request,
        "points/scheme_detail.html",
        {
            "scheme": scheme,
            "rulebooks": scheme.rulebooks.all(),
            "in_force": services.rulebook_in_force(scheme, timezone.localdate()),
            "publications": scheme.publications.all()[:8],
            "signoffs": scheme.signoffs.order_by("-year", "-quarter")[:8],
            "list_rules": scheme.list_rules.prefetch_related("consequences"),
            "can_configure": scope.in_scope(request.user, Action.POINTS_CONFIGURE, scheme),
            "can_review": scope.in_scope(request.user, Action.POINTS_REVIEW, scheme),
            "pending": selectors.pending_claims(request.user, scheme).count()
            if scope.in_scope(request.user, Action.POINTS_REVIEW, scheme)
            else None,
            "year": year,
            "quarter": quarter,
        },
    )


@login_required
@require_action(Action.POINTS_CONFIGURE)
def rulebook_create(request, scheme_id):
    scheme = selectors.access_scheme(request.user, scheme_id, Action.POINTS_CONFIGURE)
    versions = list(scheme.rulebooks.all())
    form = RuleBookForm(
        request.POST or None,
        versions=versions,
        initial={"title": f"{scheme.village.name}{scheme.name}细则", "effective_from": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        start = data["start"]
        template = start.split(":", 1)[1] if start.startswith("template:") else None
        copy_from = next((v for v in versions if start == f"copy:{v.pk}"), None)
        try:
            book = services.rulebook_create(
                actor=request.user,
                scheme=scheme,
                title=data["title"],
                effective_from=data["effective_from"],
                template=template,
                copy_from=copy_from,
            )
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("Draft rule book created. Check its items, then adopt it."))
            return redirect("points:rulebook_detail", rulebook_id=book.pk)
    return render(request, "points/rulebook_form.html", {"form": form, "scheme": scheme})


@login_required
@require_action(Action.POINTS_VIEW)
def rulebook_detail(request, rulebook_id):
    book = selectors.access_rulebook(request.user, rulebook_id)
    can_edit = not book.is_adopted and scope.in_scope(request.user, Action.POINTS_CONFIGURE, book.scheme)
    item_form = RuleItemForm(prefix="item")
    adopt_form = AdoptForm(prefix="adopt")
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied()
        try:
            if "adopt" in request.POST:
                adopt_form = AdoptForm(request.POST, prefix="adopt")
                if adopt_form.is_valid():
                    services.rulebook_adopt(actor=request.user, rulebook=book, **adopt_form.cleaned_data)
                    messages.success(request, _("Rule book adopted."))
                    return redirect("points:rulebook_detail", rulebook_id=book.pk)
            else:
                item_form = RuleItemForm(request.POST, prefix="item")
                if item_form.is_valid():
                    data = item_form.cleaned_data
                    existing = book.items.filter(code=data["code"]).first()
                    services.rule_item_save(actor=request.user, rulebook=book, item=existing, **data)
                    messages.success(request, _("Item saved."))
                    return redirect("points:rulebook_detail", rulebook_id=book.pk)
        except DomainError as exc:
            apply_domain_errors(adopt_form if "adopt" in request.POST else item_form, exc)
    categories = book.categories.prefetch_related("items")
    return render(
        request,
        "points/rulebook_detail.html",
        {
            "book": book,
            "categories": categories,
            "can_edit": can_edit,
            "item_form": item_form,
            "adopt_form": adopt_form,
            "item_count": book.items.count(),
        },
    )


@login_required
@require_action(Action.POINTS_RECORD)
def record(request):
    """The phone form of a grid worker: pick the household, the item, a photo; one tap to save."""
    available = selectors.recordable_schemes(request.user)
    if not available:
        return render(request, "points/record.html", {"no_scheme": True})
    scheme_id = request.POST.get("scheme") or request.GET.get("scheme") or available[0].pk
    scheme = next((s for s in available if str(s.pk) == str(scheme_id)), None)
    if scheme is None:
        raise Http404()
    items = selectors.items_in_force(scheme)
    form = RecordForm(request.POST or None, request.FILES or None, items=items)
    chosen = None
    if request.method == "POST":
        household_id = request.POST.get("household")
        if household_id:
            try:
                chosen = load_subject("household", household_id)
            except DomainError:
                chosen = None
        if form.is_valid():
            data = form.cleaned_data
            try:
                item = form.items.get(data["item"])
                if item is None:
                    raise DomainError({"item": _("Choose an item.")})
                subject = None
                if scheme.subject_kind == "household":
                    same = chosen is not None and chosen.obj.pk == data["household"]
                    subject = chosen if same else load_subject("household", data["household"])
                if subject is None:
                    raise DomainError(_("Record this scheme's entries from its bulk form."))
                services.claim_record(
                    actor=request.user,
                    scheme=scheme,
                    subject=subject,
                    item=item,
                    occurred_on=data["occurred_on"],
                    note=data["note"],
                    evidence=data["evidence"],
                    client_key=data["client_key"],
                )
            except NotFound:
                form.add_error(None, _("You cannot record points for this household."))
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Recorded for %(who)s: %(item)s (%(points)s). It waits for review.")
                    % {"who": subject.label, "item": item.text, "points": signed_points(item.points)},
                )
                return redirect(f"{request.path}?scheme={scheme.pk}")
    return render(
        request,
        "points/record.html",
        {
            "form": form,
            "scheme": scheme,
            "schemes": available,
            "chosen": chosen,
            "subjects": selectors.household_subjects_for_recording(request.user, scheme)[:8],
        },
    )


@login_required
@require_action(Action.POINTS_RECORD)
def record_household_search(request):
    available = selectors.recordable_schemes(request.user)
    scheme = next((s for s in available if str(s.pk) == request.GET.get("scheme")), None)
    if scheme is None:
        raise Http404()
    subjects = selectors.household_subjects_for_recording(request.user, scheme, request.GET.get("q", ""))
    return render(request, "points/_household_choices.html", {"subjects": subjects})


@login_required
@require_action(Action.POINTS_DECLARE)
def declare(request):
    """群众申报 from a villager's phone: a declarable item, what they did, and a photo."""
    subject = services.subject_for_actor(request.user)
    if subject is None:
        raise Http404()
    from points.models import Scheme

    schemes = list(Scheme.objects.filter(village_id=subject.village_id, is_active=True, subject_kind=subject.kind))
    scheme_id = request.POST.get("scheme") or request.GET.get("scheme")
    scheme = next((s for s in schemes if str(s.pk) == str(scheme_id)), schemes[0] if schemes else None)
    if scheme is None:
        return render(request, "points/declare.html", {"no_scheme": True})
    items = selectors.items_in_force(scheme, declarable_only=True)
    form = DeclareForm(request.POST or None, request.FILES or None, items=items)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = form.items.get(data["item"])
            services.claim_declare(
                actor=request.user,
                scheme=scheme,
                subject=subject,
                item=item,
                occurred_on=data["occurred_on"],
                note=data["note"],
                evidence=data["evidence"],
                client_key=data["client_key"],
            )
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("Thank you. Your declaration waits for the review group."))
            return redirect("points:me")
    return render(request, "points/declare.html", {"form": form, "scheme": scheme, "schemes": schemes})


@login_required
@require_action(Action.POINTS_RECORD)
def bulk_record(request, scheme_id):
    """院坝说事会: score many households of a grid in one form."""
    scheme = selectors.access_scheme(request.user, scheme_id, Action.POINTS_RECORD)
    items = selectors.items_in_force(scheme)
    grid_id = request.GET.get("grid") or request.POST.get("grid") or ""
    from registry.models import Household

    households = (
        Household.objects.filter(village_id=scheme.village_id)
        .filter(scope.scope_q(request.user, Action.POINTS_RECORD, Household))
        .order_by("number")
    )
    if grid_id:
        households = households.filter(grid_id=grid_id)
    households = list(households[:400])
    errors, occurred_on = [], request.POST.get("occurred_on") or timezone.localdate().isoformat()
    if request.method == "POST":
        by_pk = {i.pk: i for i in items}
        rows = []
        for h in households:
            raw = request.POST.get(f"item_{h.pk}")
            if raw:
                item = by_pk.get(int(raw)) if raw.isdigit() else None
                if item is None:
                    errors.append(_("Unknown item for %(who)s.") % {"who": h})
                else:
                    rows.append((subject_of(h), item))
        try:
            from datetime import date

            day = date.fromisoformat(occurred_on)
        except ValueError:
            errors.append(_("Give the date of the meeting."))
            day = None
        if not errors:
            try:
                claims = services.claims_bulk_record(
                    actor=request.user, scheme=scheme, rows=rows, occurred_on=day, note=request.POST.get("note", "")
                )
            except DomainError as exc:
                errors.extend(exc.messages)
            else:
                messages.success(request, _("%(n)s entries recorded; they wait for review.") % {"n": len(claims)})
                return redirect("points:scheme_detail", scheme_id=scheme.pk)
    return render(
        request,
        "points/bulk.html",
        {
            "scheme": scheme,
            "households": households,
            "items": items,
            "errors": errors,
            "occurred_on": occurred_on,
            "grids": region_selectors.grids(request.user, Action.POINTS_RECORD).filter(village_id=scheme.village_id),
            "grid_id": grid_id,
            "posted": request.POST,
        },
    )


@login_required
@require_action(Action.POINTS_REVIEW)
def review(request, scheme_id):
    """The monthly review: every pending entry on one screen, approved or rejected in bulk."""
    scheme = selectors.access_scheme(request.user, scheme_id, Action.POINTS_REVIEW)
    month = request.GET.get("month", "")
    claims = selectors.pending_claims(request.user, scheme, month=month)
    form = ReviewForm(request.POST or None, claim_ids=list(claims.values_list("pk", flat=True)))
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                done = services.claims_review(
                    actor=request.user,
                    claim_ids=data["claims"],
                    approve=data["decision"] == "approve",
                    reason=data["reason"],
                )
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, _("%(n)s entries reviewed.") % {"n": len(done)})
                return redirect(request.get_full_path())
        elif "claims" in form.errors:
            form.errors["claims"] = (
                form.error_class([_("Some entries were reviewed meanwhile; reload the page.")])
                if request.POST.getlist("claims")
                else form.errors["claims"]
            )
    return render(request, "points/review.html", {"scheme": scheme, "claims": claims, "form": form, "month": month})


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
    grid_id, group_id = request.GET.get("grid"), request.GET.get("group")
    grid = int(grid_id) if grid_id and grid_id.isdigit() else None
    group = int(group_id) if group_id and group_id.isdigit() else None
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
    summary = selectors.my_summary(request.user)
    if summary is None:
        raise Http404()
    return render(request, "points/me.html", {"summary": summary, "today": timezone.localdate()})


@login_required
@require_action(Action.POINTS_APPEAL)
def appeal_file(request, entry_id):
    entry = selectors.access_entry(request.user, entry_id, Action.POINTS_APPEAL)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.appeal_file(actor=request.user, entry=entry, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("Your appeal was filed. The review group will investigate."))
            return redirect("points:me")
    return render(request, "points/appeal_form.html", {"form": form, "entry": entry})


@login_required
@require_action(Action.POINTS_REVIEW)
def entry_reverse(request, entry_id):
    entry = selectors.access_entry(request.user, entry_id, Action.POINTS_REVIEW)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_reverse(actor=request.user, entry=entry, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("Correction recorded."))
            return redirect("points:scheme_detail", scheme_id=entry.scheme_id)
    return render(request, "points/reverse_form.html", {"form": form, "entry": entry})


@login_required
@require_action(Action.POINTS_VIEW)
def appeal_list(request):
    """The appeals board (复议): the review group decides from it; a township or county follows the deadlines.
    Overdue appeals come first, with their deadlines; ``?overdue=1`` lists only them."""
    now = timezone.now()
    overdue_only = request.GET.get("overdue") == "1"
    late = list(selectors.overdue_appeals(request.user, now)[:100])
    rows = selectors.overdue_appeals(request.user, now) if overdue_only else selectors.appeals_visible(request.user)
    page = paginate(request, rows, 30)
    for appeal in [*late, *page.object_list]:
        appeal.is_late = selectors.is_late(appeal, now)
        appeal.can_decide = scope.in_scope(request.user, Action.POINTS_REVIEW, appeal)
    return render(request, "points/appeal_list.html", {"page": page, "late": late, "overdue_only": overdue_only})


def _appeal_timeline(appeal) -> list[dict]:
    rows = []
    for event in workflow.history(appeal):
        rows.append(
            {
                "event": event,
                "label": APPEAL.step_label(event.transition),
                "who": event.actor_label or (str(event.actor) if event.actor_id else _("System")),
                "attachments": list(event.attachments.all()),
                "facts": steps.facts(APPEAL, event),
                "overdue": event.transition == workflow.OVERDUE,
            }
        )
    return rows


def appeal_page(request, case, *, failed=None, status=200):
    """An appeal's page (APPEAL's ``page``): the entry, the household's reason, the deadline, the review group's
    decision form (casework's step view takes it) and the timeline. Drawn again with the refused form."""
    panels = steps.panels(request.user, case, APPEAL, failed=failed)
    for panel in panels:
        panel["open"] = True  # deciding is what this page is for: the form is shown, not folded
    return render(
        request,
        "points/appeal.html",
        {
            "appeal": case,
            "state_label": APPEAL.state_label(case.state),
            "late": selectors.is_late(case),
            "steps": panels,
            "timeline": _appeal_timeline(case),
        },
        status=status,
    )


@login_required
def appeal_detail(request, appeal_id):
    return appeal_page(request, selectors.find_appeal(request.user, appeal_id))


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
