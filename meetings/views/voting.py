"""Motions and votes on a meeting's page: add, open, close, totals, delegation; the clerk's sign-in list and
roll call; the voter's own sign-in and ballot."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError, NotFound
from core.views import api_twin, apply_domain_errors, messages_from, require_action
from meetings import rules, selectors, services
from meetings.forms import CLOSE_CONFIRM, ConfirmForm, DelegationForm, MotionForm, OpenVotingForm, TotalsForm
from meetings.models import Choice, VoteMethod
from meetings.views._common import MANAGE, VOTE, _render
from meetings.views.pages import _managed, _meeting, _render_detail


@login_required
@require_POST
@require_action(MANAGE)
@api_twin("POST /api/meetings/meetings/{meeting_id}/motions")
def motion_add(request, pk):
    meeting = _managed(request, pk)
    form = MotionForm(request.POST, prefix="motion")
    if form.is_valid():
        try:
            services.motion_add(actor=request.user, meeting=meeting, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("Motion added."))
            return redirect("meetings:detail", meeting.pk)
    return _render_detail(request, meeting, motion_form=form, status=422)


def _motion(request, pk):
    try:
        motion = selectors.motion(request.user, pk)
    except NotFound:
        raise Http404() from None
    return motion


def _refused(request, exc: DomainError, meeting_pk):
    messages_from(request, exc)
    return redirect(reverse("meetings:detail", args=[meeting_pk]) + "#motions")


@login_required
@require_POST
@require_action(MANAGE)
@api_twin("POST /api/meetings/motions/{motion_id}/open")
def motion_open(request, pk):
    motion = _motion(request, pk)
    form = OpenVotingForm(request.POST, prefix=f"o{motion.pk}")
    method = form.cleaned_data["method"] if form.is_valid() else ""
    try:
        services.motion_open(actor=request.user, motion=motion, method=method)
    except DomainError as exc:
        return _refused(request, exc, motion.meeting_id)
    messages.success(request, _("Voting is open."))
    if method == VoteMethod.BALLOT:
        return redirect("meetings:roll_call", motion.pk)
    return redirect(reverse("meetings:detail", args=[motion.meeting_id]) + "#motions")


@login_required
@require_POST
@require_action(MANAGE)
@api_twin("POST /api/meetings/motions/{motion_id}/close")
def motion_close(request, pk):
    """End a roll-call vote. It cannot be undone: without the ticked confirmation (the dialog of
    static/js/steps.js ticks it) the page is drawn again with the box and its message (400), nothing written."""
    motion = _motion(request, pk)
    confirm = ConfirmForm(request.POST, prefix=f"c{motion.pk}", what=CLOSE_CONFIRM)
    if not confirm.confirmed():
        meeting = _managed(request, motion.meeting_id)
        if request.POST.get("back") == "roll_call":
            return _roll_call_page(request, motion, meeting, close_form=confirm, status=400)
        return _render_detail(request, meeting, failed=(("close", motion.pk), confirm), status=400)
    try:
        decided = services.motion_close(actor=request.user, motion=motion)
    except DomainError as exc:
        return _refused(request, exc, motion.meeting_id)
    messages.success(request, _("Voting closed: %(outcome)s.") % {"outcome": decided.get_outcome_display()})
    return redirect(reverse("meetings:detail", args=[motion.meeting_id]) + "#motions")


@login_required
@require_POST
@require_action(MANAGE)
@api_twin("POST /api/meetings/motions/{motion_id}/totals")
def motion_totals(request, pk):
    motion = _motion(request, pk)
    form = TotalsForm(request.POST, prefix=f"t{motion.pk}")
    meeting = _managed(request, motion.meeting_id)
    if form.is_valid():
        try:
            decided = services.motion_record_totals(actor=request.user, motion=motion, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("Voting closed: %(outcome)s.") % {"outcome": decided.get_outcome_display()})
            return redirect(reverse("meetings:detail", args=[motion.meeting_id]) + "#motions")
    return _render_detail(request, meeting, failed=(motion.pk, form), status=422)


@login_required
@require_POST
@require_action(MANAGE)
@api_twin("POST /api/meetings/motions/{motion_id}/delegations")
def delegation_add(request, pk):
    motion = _motion(request, pk)
    meeting = _managed(request, motion.meeting_id)
    form = DelegationForm(request.POST, prefix=f"d{motion.pk}")
    if form.is_valid():
        try:
            services.delegation_create(actor=request.user, motion=motion, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("Delegation recorded."))
            return redirect("meetings:delegations")
    return _render_detail(request, meeting, failed=(-motion.pk, form), status=422)


@login_required
@require_action(MANAGE)
@api_twin("POST /api/meetings/meetings/{meeting_id}/sign-in")
def register(request, pk):
    """The clerk's sign-in list: search by name or household number, tick and sign in (a room of 200)."""
    meeting = _managed(request, pk)
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("entry") if v.isdigit()]
        if not ids:
            messages.error(request, _("Tick the people to sign in."))
        else:
            try:
                new = services.attendance_sign_in_by_clerk(actor=request.user, meeting=meeting, entries=ids)
            except DomainError as exc:
                messages_from(request, exc)
            else:
                messages.success(request, _("%(n)s signed in.") % {"n": new})
        query = request.POST.get("q", "")
        return redirect(reverse("meetings:register", args=[meeting.pk]) + (f"?q={query}" if query else ""))
    q = request.GET.get("q", "").strip()[:50]
    only = request.GET.get("only", "")
    entries = list(selectors.register(meeting, search=q, only=only))
    present = selectors.present_count(meeting)
    met, needed = rules.quorum(meeting.kind, meeting.basis, meeting.register_size, present)
    return _render(
        request,
        "meetings/register.html",
        {
            "meeting": meeting,
            "entries": entries,
            "q": q,
            "only": only,
            "present": present,
            "quorum_met": met,
            "quorum_needed": needed,
            "can_sign": meeting.state == "open",
        },
    )


@login_required
@require_action(MANAGE)
@api_twin("POST /api/meetings/motions/{motion_id}/votes")
def roll_call(request, pk):
    """The clerk records each attendee's vote (for / against / abstain) on a roll-call motion."""
    motion = _motion(request, pk)
    meeting = _managed(request, motion.meeting_id)
    if request.method == "POST":
        recorded, refused = 0, []
        for key, value in request.POST.items():
            if key.startswith("v") and key[1:].isdigit() and value:
                try:
                    services.vote_record_by_clerk(actor=request.user, motion=motion, entry=int(key[1:]), choice=value)
                    recorded += 1
                except DomainError as exc:
                    refused.extend(exc.messages)
        if recorded:
            messages.success(request, _("%(n)s votes recorded.") % {"n": recorded})
        for message in dict.fromkeys(refused):
            messages.error(request, message)
        return redirect("meetings:roll_call", motion.pk)
    return _roll_call_page(request, motion, meeting)


def _roll_call_page(request, motion, meeting, *, close_form=None, status=200):
    motion.refresh_from_db()
    votes = selectors.votes_of(motion)
    entries = [e for e in selectors.register(meeting, only="present")]
    return _render(
        request,
        "meetings/roll_call.html",
        {
            "meeting": meeting,
            "motion": motion,
            "rows": [{"entry": e, "choice": votes.get(e.pk)} for e in entries],
            "counts": {c: list(votes.values()).count(c) for c in Choice.values},
            "choices": Choice.choices,
            "not_voted": sum(1 for e in entries if e.pk not in votes),
            "close_form": close_form or ConfirmForm(prefix=f"c{motion.pk}", what=CLOSE_CONFIRM),
        },
        status=status,
    )


@login_required
@require_POST
@require_action(VOTE)
@api_twin("POST /api/meetings/meetings/{meeting_id}/sign-in")
def sign_in_self(request, pk):
    meeting = _meeting(request, pk)
    ids = [int(v) for v in request.POST.getlist("entry") if v.isdigit()]
    if not ids:
        # Nobody ticked: never sign in the whole household by default (no proxies).
        messages.error(request, _("Tick who of your household is here in person."))
        return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#mine")
    try:
        new = services.attendance_sign_in_own(actor=request.user, meeting=meeting, entries=ids)
    except DomainError as exc:
        messages_from(request, exc)
    else:
        messages.success(request, _("%(n)s signed in.") % {"n": new})
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#mine")


@login_required
@require_POST
@require_action(VOTE)
@api_twin("POST /api/meetings/motions/{motion_id}/votes")
def vote_self(request, pk):
    motion = _motion(request, pk)
    try:
        entry = int(request.POST.get("entry", ""))
    except ValueError:
        raise Http404() from None
    try:
        services.vote_cast_own(actor=request.user, motion=motion, entry=entry, choice=request.POST.get("choice", ""))
    except DomainError as exc:
        messages_from(request, exc)
    else:
        messages.success(request, _("Your vote is recorded."))
    return redirect(reverse("meetings:detail", args=[motion.meeting_id]) + f"#motion{motion.pk}")
