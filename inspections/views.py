"""Pages of the seven goods: the county's sheet (versions, a new version, retiring, the board shares), a village's
rounds (open a quarter, progress by group, publish), the phone screen (one household a screen), the printable board,
the reinspection and the summary across villages (.xlsx). Thin: reads through inspections.selectors, writes through
inspections.services."""

from __future__ import annotations

import hashlib
import io
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import scope
from core.cache import kept
from core.errors import DomainError, NotFound
from core.roles import Action
from core.views import api_twin, download_response, file_response, post_back, require_action, section_links, submit
from inspections import selectors, services
from inspections.forms import PolicyForm, RetireForm, RoundOpenForm, SheetForm
from inspections.models import Kind, RoundState

LINKS = [
    ("inspections:home", gettext_lazy("Rounds"), (Action.INSPECTION_VIEW,)),
    ("inspections:sheets", gettext_lazy("Scoring sheet"), (Action.INSPECTION_VIEW, Action.INSPECTION_SHEET)),
    ("inspections:summary", gettext_lazy("Summary across villages"), (Action.INSPECTION_VIEW,)),
]


def _links(request):
    return section_links(request, LINKS)


def _render(request, template, context, status=200):
    context.setdefault("inspection_links", _links(request))
    return render(request, template, context, status=status)


def _found(call):
    try:
        return call()
    except NotFound:
        raise Http404() from None


# -- rounds ------------------------------------------------------------------------------------------------------


@login_required
@require_action(Action.INSPECTION_VIEW)
@api_twin("POST /api/inspections/rounds")
def home(request):
    actor = request.user
    villages = list(selectors.villages(actor, Action.INSPECTION_PUBLISH))
    year, quarter = selectors.quarter_of(timezone.localdate())
    form = None
    if villages:
        form = RoundOpenForm(
            request.POST or None,
            villages=villages,
            initial={"year": year, "quarter": quarter, "village": villages[0].pk},
        )
        done = submit(
            request,
            form,
            lambda d: services.round_open(actor=actor, village=d["village"], year=d["year"], quarter=d["quarter"]),
            done=_("The round is open."),
            to=lambda rnd: reverse("inspections:round", args=[rnd.pk]),
        )
        if done:
            return done
    elif request.method == "POST":
        raise Http404()
    rounds = list(selectors.rounds(actor).order_by("-year", "-quarter", "village__code")[:200])
    return _render(request, "inspections/home.html", {"rounds": rounds, "form": form})


@login_required
@require_action(Action.INSPECTION_VIEW)
def round_detail(request, pk):
    actor = request.user
    rnd = _found(lambda: selectors.round_for(actor, pk))
    groups = selectors.progress(actor, rnd)
    total = sum(g.households for g in groups)
    inspected = sum(g.inspected for g in groups)
    may_record = (
        rnd.state == RoundState.OPEN and selectors.rounds(actor, Action.INSPECTION_RECORD).filter(pk=rnd.pk).exists()
    )
    may_publish = (
        rnd.state == RoundState.OPEN and selectors.rounds(actor, Action.INSPECTION_PUBLISH).filter(pk=rnd.pk).exists()
    )
    return _render(
        request,
        "inspections/round.html",
        {
            "round": rnd,
            "groups": groups,
            "total": total,
            "inspected": inspected,
            "may_record": may_record,
            "may_publish": may_publish,
            "sheet_ok": rnd.sheet.in_force(timezone.localdate()),
            "may_notice": scope.can(actor, Action.TRANSPARENCY_PUBLISH),
        },
    )


@login_required
@require_action(Action.INSPECTION_PUBLISH)
@require_POST
@api_twin("POST /api/inspections/rounds/{round_id}/publish")
def round_publish(request, pk):
    rnd = _found(lambda: selectors.round_for(request.user, pk, Action.INSPECTION_PUBLISH))
    to = reverse("inspections:round", args=[rnd.pk])
    if request.POST.get("confirm") != "1":
        messages.error(request, _("Tick the confirmation to publish the boards."))
        return redirect(to)
    return post_back(
        request,
        lambda: services.round_publish(actor=request.user, round=rnd, notice=request.POST.get("notice") == "1"),
        done=_("The boards are published."),
        to=reverse("inspections:board", args=[rnd.pk]),
    )


# -- the phone screen --------------------------------------------------------------------------------------------


def _posted_deductions(request, sheet_details) -> tuple[dict, dict]:
    deductions, photos = {}, {}
    for detail in sheet_details:
        value = request.POST.get(f"d_{detail.pk}", "").strip()
        if value and value != "0":
            deductions[detail.pk] = value
        upload = request.FILES.get(f"p_{detail.pk}")
        if upload:
            photos[detail.pk] = upload
    return deductions, photos


def _details(headings):
    return [d for h in headings for d in h.details.all()]


# The sheet's fixed part (headings, details, their points, the pickers' options) is rendered once per version of the
# sheet and language, and kept: a version never changes (a change is version n+1). What is the household's (the
# points deducted, the messages, the photos kept, a published round's disabled inputs) fills the template's slots per
# request (templates/inspections/_details.html).

_SLOT = re.compile(r"<!--s:(\w+)(?::(\d+))?(?::(\d+))?-->")
_TEMPLATE = "inspections/_details.html"
_template_version: tuple = (None, "")


def _details_template_version() -> str:
    """A hash of the template's source: kept fragments of an earlier template are not served after a deployment
    (the cache may be a shared Redis), nor after an edit in development (the loaders reset, a new template)."""
    global _template_version
    template = get_template(_TEMPLATE).template
    if _template_version[0] is not template:
        _template_version = (template, hashlib.sha1(template.source.encode()).hexdigest()[:12])
    return _template_version[1]


def sheet_html(sheet) -> list:
    """The sheet's details as the template renders them, split at its slots: strings and (slot, detail id, points)
    tuples. Kept per version (the key holds what identifies the row, so a reused id of another database does not
    match) and language."""
    version = ":".join(
        [
            str(sheet.pk),
            str(sheet.county_id),
            str(sheet.number),
            sheet.created_at.isoformat() if sheet.created_at else "",
            translation.get_language() or "",
            _details_template_version(),
        ]
    )

    def build():
        rows = [
            {
                "heading": h,
                "details": [{"detail": d, "choices": range(0, d.points + 1)} for d in h.details.all()],
            }
            for h in selectors.sheet_headings(sheet)
        ]
        html = render_to_string(_TEMPLATE, {"rows": rows})
        parts = _SLOT.split(html)
        out = []
        for i in range(0, len(parts), 4):
            if parts[i]:
                out.append(parts[i])
            if i + 1 < len(parts):
                slot, detail, n = parts[i + 1 : i + 4]
                out.append((slot, int(detail) if detail else None, int(n) if n is not None else None))
        return out

    return kept("inspections.sheet_html", version, build, 24 * 3600)


def _fill(parts, values: dict, errors: dict, existing: dict, open_: bool) -> str:
    """The household's sheet: the kept fragment with its slots filled."""
    off = "" if open_ else " disabled"
    out = []
    for part in parts:
        if part.__class__ is str:
            out.append(part)
            continue
        slot, pk, n = part
        if slot == "sel":
            if values.get(pk, 0) == n:
                out.append(" selected")
        elif slot == "off":
            out.append(off)
        elif slot == "cls":
            if values.get(pk, 0):
                out.append(" deducted")
            if errors.get(f"d_{pk}") or errors.get(f"p_{pk}"):
                out.append(" has-error")
        elif slot == "hid":
            if not values.get(pk, 0):
                out.append(" hidden")
        elif slot == "kept":
            kept_ = existing.get(pk)
            if kept_ is not None:
                out.append(
                    format_html(
                        '<a href="{}" target="_blank"><img src="{}" alt="{}" width="48" height="48" '
                        'loading="lazy"></a>',
                        reverse("inspections:photo", args=[kept_.pk]),
                        reverse("inspections:thumb", args=[kept_.pk]),
                        _("Photo kept"),
                    )
                )
        elif slot == "err":
            for message in errors.get(f"d_{pk}", []) + errors.get(f"p_{pk}", []):
                out.append(format_html('<p class="errorlist">{}</p>', message))
    return mark_safe("".join(out))  # noqa: S308 - the template's output and format_html's


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


JUMP_LIMIT = 200


# the same five characters as django.utils.html.escape, without its per-call wrapping (200 options a page)
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def _household_options(rows, chosen_pk) -> str:
    """The jump list's options, as the template wrote them (up to JUMP_LIMIT: built here, a template loop or
    format_html took longer than the query)."""
    return mark_safe(  # noqa: S308 - the numbers and names are escaped
        "".join(
            f'<option value="{int(h["pk"])}"{" selected" if h["pk"] == chosen_pk else ""}>'
            f"{'✓ ' if h['inspected'] else ''}{str(h['number']).translate(_ESCAPES)} "
            f"{str(h['head_name']).translate(_ESCAPES)}</option>"
            for h in rows
        )
    )


@login_required
@require_action(Action.INSPECTION_RECORD)
@api_twin("POST /api/inspections/rounds/{round_id}/inspections")
def inspect(request, pk):
    """One household a screen: full marks, tap a detail to deduct (a photo for each deduction), save → the next
    household of the group not yet inspected."""
    actor = request.user
    rnd = _found(lambda: selectors.round_for(actor, pk, Action.INSPECTION_RECORD))
    group_id = _int(request.GET.get("group"))
    households, whole = selectors.inspectable(actor, rnd)
    household_id = _int(request.POST.get("household") or request.GET.get("household"))
    if household_id:
        household = households.filter(pk=household_id).first()
        if household is None:
            raise Http404()
    else:
        household = selectors.next_household(actor, rnd, group_id=group_id, households=households)
    scope_qs = households.filter(group_id=group_id) if group_id else households
    errors, values, status = {}, {}, 200
    # the next household is one not inspected (read a moment ago): only a chosen one may have its inspection
    current = selectors.inspection_of(rnd, household.pk) if household and household_id else None
    existing = {d.detail_id: d for d in current.deductions.all()} if current else {}
    if request.method == "POST" and household is not None:
        deductions, photos = _posted_deductions(request, _details(selectors.sheet_headings(rnd.sheet)))
        try:
            services.inspection_save(
                actor=actor,
                round=rnd,
                household=household,
                deductions=deductions,
                photos=photos,
                note=request.POST.get("note", ""),
            )
        except DomainError as exc:
            errors = getattr(exc, "message_dict", None) or {"__all__": exc.messages}
            values = {k: _int(v) or 0 for k, v in deductions.items()}
            status = 422
        else:
            following = selectors.next_household(
                actor, rnd, group_id=group_id, after_id=household.pk, households=households
            )
            url = reverse("inspections:inspect", args=[rnd.pk])
            query = [f"saved={household.pk}"]
            if group_id:
                query.append(f"group={group_id}")
            if following is not None:
                query.append(f"household={following.pk}")
            return redirect(url + "?" + "&".join(query))
    elif current is not None:
        values = {d.detail_id: d.points for d in current.deductions.all()}
    progress = selectors.progress(actor, rnd, known=(households, whole))
    # the progress counted the same households when the actor inspects the whole village: no second count (its
    # inspections are by the group they were made in, so a chosen group's are still counted by the household's)
    if whole:
        total = sum(g.households for g in progress if not group_id or g.group_id == group_id)
    else:
        total = scope_qs.count()
    if whole and not group_id:
        done_count = sum(g.inspected for g in progress)
    else:
        done_count = selectors.quarterly(rnd).filter(household_id__in=scope_qs.values("pk")).count()
    jump_list = scope_qs
    if not group_id and household is not None and household.group_id:
        jump_list = households.filter(group_id=household.group_id)
    general = [m for k, v in errors.items() if not k.startswith(("d_", "p_")) for m in v]
    saved_id = _int(request.GET.get("saved")) if request.GET.get("saved") else None
    if saved_id and current is not None and saved_id == household.pk:
        saved, saved_household = current, household
    else:
        saved = selectors.inspection_of(rnd, saved_id, deductions=False) if saved_id else None
        saved_household = saved.household if saved else None
    open_ = rnd.state == RoundState.OPEN
    context = {
        "saved": saved_household,
        "saved_score": saved.score if saved else None,
        "round": rnd,
        "household": household,
        "current": current,
        "details": _fill(sheet_html(rnd.sheet), values, errors, existing, open_) if household else "",
        "score": rnd.sheet.total - sum(values.values()),
        "total": total,
        "done": done_count,
        "group_id": group_id,
        "groups": [g for g in progress if g.group_id],
        "general_errors": general,
        "note": request.POST.get("note", current.note if current else ""),
        "open": open_,
        "sheet_ok": rnd.sheet.in_force(timezone.localdate()),
        # the households to jump to: the chosen group's, else the current household's group (a team walks a group;
        # a village of hundreds is not one list on a phone), each marked when inspected (in the same query)
        "household_options": _household_options(
            selectors.jump_list(rnd, jump_list)[:JUMP_LIMIT], household.pk if household else None
        ),
    }
    response = render(request, "inspections/inspect.html", context, status=status)
    if request.headers.get("HX-Request") and request.method == "GET":
        response["HX-Push-Url"] = request.get_full_path()  # the next household's address, after an htmx save
    return response


# -- the board ---------------------------------------------------------------------------------------------------


@login_required
@require_action(Action.INSPECTION_VIEW)
def board(request, pk):
    rnd = _found(lambda: selectors.round_for(request.user, pk))
    data = selectors.board(rnd)
    may_recheck = (
        rnd.state == RoundState.PUBLISHED
        and selectors.rounds(request.user, Action.INSPECTION_RECORD).filter(pk=rnd.pk).exists()
    )
    return render(
        request,
        "inspections/board.html",
        {"board": data, "round": rnd, "now": timezone.now(), "may_recheck": may_recheck},
    )


@login_required
@require_action(Action.INSPECTION_RECORD)
@api_twin("POST /api/inspections/inspections/{inspection_id}/recheck")
def recheck(request, pk):
    actor = request.user
    original = _found(lambda: selectors.inspection_for(actor, pk))
    if original.kind != Kind.QUARTERLY or not selectors.may_inspect(actor, original.household):
        raise Http404()
    rnd = original.round
    current = getattr(original, "recheck", None) if hasattr(original, "recheck") else None
    existing = {d.detail_id: d for d in current.deductions.all()} if current else {}
    errors, values, status = {}, {}, 200
    if request.method == "POST":
        deductions, photos = _posted_deductions(request, _details(selectors.sheet_headings(rnd.sheet)))
        rectified = {"1": True, "0": False}.get(request.POST.get("rectified", ""))
        try:
            services.recheck_save(
                actor=actor,
                inspection=original,
                deductions=deductions,
                photos=photos,
                note=request.POST.get("note", ""),
                rectified=rectified,
            )
        except DomainError as exc:
            errors = getattr(exc, "message_dict", None) or {"__all__": exc.messages}
            values = {k: _int(v) or 0 for k, v in deductions.items()}
            status = 422
        else:
            messages.success(request, _("Reinspection saved: %(household)s.") % {"household": original.household})
            return redirect("inspections:board", pk=rnd.pk)
    elif current is not None:
        values = {d.detail_id: d.points for d in current.deductions.all()}
    else:
        values = {d.detail_id: d.points for d in original.deductions.all()}
    general = [m for k, v in errors.items() if not k.startswith(("d_", "p_")) for m in v]
    open_ = services.recheck_open(original)
    return _render(
        request,
        "inspections/recheck.html",
        {
            "round": rnd,
            "original": original,
            "current": current,
            "details": _fill(sheet_html(rnd.sheet), values, errors, existing, open_),
            "score": rnd.sheet.total - sum(values.values()),
            "general_errors": general,
            "open": open_,
            "exposed": original.board == "exposure" and rnd.state == RoundState.PUBLISHED,
            "deadline": selectors.recheck_deadline(rnd),
            "note": request.POST.get("note", current.note if current else ""),
        },
        status=status,
    )


@login_required
@require_action(Action.INSPECTION_VIEW)
def photo(request, pk, thumb=False):
    deduction = _found(lambda: selectors.deduction_for(request.user, pk))
    field = deduction.thumbnail if thumb and deduction.thumbnail else deduction.photo
    content_type = "image/jpeg" if field is deduction.thumbnail else deduction.content_type
    return file_response(field, content_type=content_type, cache_private=True)


# -- the county's sheet ------------------------------------------------------------------------------------------


@login_required
@api_twin("PUT /api/inspections/policies/{county_id}")
def sheets(request):
    actor = request.user
    if not (scope.can(actor, Action.INSPECTION_VIEW) or scope.can(actor, Action.INSPECTION_SHEET)):
        raise Http404()
    counties = list(selectors.reading_counties(actor))
    managed = set(selectors.managed_county_ids(actor))
    county = next((c for c in counties if c.pk == _int(request.GET.get("county"))), counties[0] if counties else None)
    policy_form = None
    if county is not None and county.pk in managed:
        p = selectors.policy(county.pk)
        policy_form = PolicyForm(
            request.POST or None,
            initial={
                "praise_percent": p.praise_percent.normalize(),
                "exposure_percent": p.exposure_percent.normalize(),
                "group_percent": p.group_percent.normalize(),
            },
        )
        done = submit(
            request,
            policy_form,
            lambda d: services.policy_set(actor=actor, county=county, **d),
            done=_("The board shares are saved."),
            to=reverse("inspections:sheets") + f"?county={county.pk}",
        )
        if done:
            return done
    elif request.method == "POST":
        raise Http404()
    versions = list(selectors.sheets(actor).filter(county=county)) if county else []
    today = timezone.localdate()
    in_force = selectors.sheet_in_force(county.pk, today) if county else None
    return _render(
        request,
        "inspections/sheets.html",
        {
            "counties": counties,
            "county": county,
            "versions": versions,
            "in_force": in_force,
            "manages": county is not None and county.pk in managed,
            "policy": selectors.policy(county.pk) if county else None,
            "policy_form": policy_form,
            "today": today,
        },
    )


@login_required
@api_twin("POST /api/inspections/sheets/{sheet_id}/retire")
def sheet_detail(request, pk):
    actor = request.user
    sheet = _found(lambda: selectors.sheet(actor, pk))
    manages = sheet.county_id in selectors.managed_county_ids(actor)
    form = RetireForm(request.POST or None) if manages and sheet.retired_on is None else None
    if request.method == "POST":
        if form is None:
            raise Http404()
        done = submit(
            request,
            form,
            lambda d: services.sheet_retire(actor=actor, sheet=sheet, retired_on=d.get("retired_on")),
            done=_("The version is retired."),
            to=reverse("inspections:sheet", args=[sheet.pk]),
        )
        if done:
            return done
    return _render(
        request,
        "inspections/sheet.html",
        {
            "sheet": sheet,
            "headings": selectors.sheet_headings(sheet),
            "manages": manages,
            "form": form,
            "in_use": sheet.rounds.count(),
        },
    )


@login_required
@require_action(Action.INSPECTION_SHEET)
@api_twin("POST /api/inspections/sheets")
def sheet_new(request):
    actor = request.user
    counties = [c for c in selectors.reading_counties(actor) if c.pk in selectors.managed_county_ids(actor)]
    county = next((c for c in counties if c.pk == _int(request.GET.get("county"))), counties[0] if counties else None)
    if county is None:
        raise Http404()
    base = selectors.sheets(actor).filter(county=county).order_by("-number").first()
    headings = selectors.sheet_headings(base) if base else []
    form = SheetForm(
        request.POST or None,
        headings=headings,
        initial={"title": base.title if base else "", "total": base.total if base else 100},
    )
    done = submit(
        request,
        form,
        lambda d: services.sheet_create(
            actor=actor,
            county=county,
            title=d["title"],
            total=d["total"],
            headings=form.headings(),
            effective_from=d.get("effective_from"),
            note=d.get("note", ""),
        ),
        done=lambda s: _("Version %(n)s is written.") % {"n": s.number},
        to=lambda s: reverse("inspections:sheet", args=[s.pk]),
    )
    if done:
        return done
    return _render(
        request,
        "inspections/sheet_new.html",
        {"form": form, "county": county, "base": base},
        status=422 if request.method == "POST" else 200,
    )


# -- the summary -------------------------------------------------------------------------------------------------


@login_required
@require_action(Action.INSPECTION_VIEW)
def summary(request):
    year, quarter = selectors.quarter_of(timezone.localdate())
    year = _int(request.GET.get("year")) or year
    quarter = _int(request.GET.get("quarter")) or quarter
    if not (2000 <= year <= 2100 and 1 <= quarter <= 4):
        raise Http404()
    rows = selectors.summary(request.user, year, quarter)
    if request.GET.get("format") == "xlsx":
        return download_response(
            _summary_xlsx(rows, year, quarter),
            name=f"七个好评比汇总-{year}Q{quarter}.xlsx",
            fallback=f"inspections-{year}Q{quarter}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    return _render(
        request,
        "inspections/summary.html",
        {"rows": rows, "year": year, "quarter": quarter, "years": range(year - 2, year + 1)},
    )


def _summary_xlsx(rows, year, quarter) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = f"{year}Q{quarter}"
    sheet.append(
        [
            _("Township"),
            _("Village"),
            _("Households"),
            _("Inspected"),
            _("Mean score"),
            _("Praise board"),
            _("Exposure board"),
            _("Reinspected"),
            _("Rectified"),
            _("State"),
        ]
    )
    for r in rows:
        sheet.append(
            [
                r.village.township.name if r.village.township_id else "",
                r.village.name,
                r.households,
                r.inspected,
                r.mean,
                r.praise,
                r.exposure,
                r.rechecked,
                r.rectified,
                str(r.round.get_state_display()) if r.round else _("Not opened"),
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
