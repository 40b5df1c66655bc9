"""Points pages: recording (phone form, 院坝说事会), declarations and the monthly review."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core import scope
from core.errors import DomainError, NotFound
from core.params import id_param
from core.roles import Action
from core.views import api_twin, apply_domain_errors, require_action, submit
from points import selectors, services
from points.forms import (
    DeclareForm,
    RecordForm,
    ReviewForm,
    signed_points,
)
from points.subjects import load_subject, subject_of
from regions import selectors as region_selectors


def _entry_fields(data) -> dict:
    """What the recording and the declaring forms hand to the service as they are."""
    return {key: data[key] for key in ("occurred_on", "note", "evidence", "client_key")}


@login_required
@require_action(Action.POINTS_RECORD)
@api_twin("POST /api/points/claims")
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
                    actor=request.user, scheme=scheme, subject=subject, item=item, **_entry_fields(data)
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
@api_twin("POST /api/points/declarations")
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
    done = submit(
        request,
        form,
        lambda data: services.claim_declare(
            actor=request.user, scheme=scheme, subject=subject, item=form.items.get(data["item"]), **_entry_fields(data)
        ),
        done=_("Thank you. Your declaration waits for the review group."),
        to="points:me",
    )
    return done or render(request, "points/declare.html", {"form": form, "scheme": scheme, "schemes": schemes})


@login_required
@require_action(Action.POINTS_RECORD)
@api_twin("POST /api/points/schemes/{scheme_id}/claims/bulk")
def bulk_record(request, scheme_id):
    """院坝说事会: score many households of a grid in one form."""
    scheme = selectors.access_scheme(request.user, scheme_id, Action.POINTS_RECORD)
    items = selectors.items_in_force(scheme)
    grid_id = id_param(request.GET.get("grid") or request.POST.get("grid")) or ""
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
            # (household, the item chosen for it): what points/bulk.html iterates
            "rows": [(h, request.POST.get(f"item_{h.pk}", "")) for h in households],
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
@api_twin("POST /api/points/claims/review")
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
