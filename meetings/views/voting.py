"""Motions and votes on a meeting's page: add, open, close, totals, delegation; the clerk's sign-in list and
roll call; the voter's own sign-in and ballot."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError, NotFound
from core.forms import ConfirmForm
from core.views import api_twin, apply_domain_errors, messages_from, paginate, post_back, require_action, submit
from meetings import rules, selectors, services
from meetings.forms import (
    DelegationForm,
    MotionForm,
    OpenVotingForm,
    TotalsForm,
    close_confirm_text,
)
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
    done = submit(
        request,
        form,
        lambda data: services.motion_add(actor=request.user, meeting=meeting, **data),
        done=_("Motion added."),
        to=("meetings:detail", {"pk": meeting.pk}),
    )
    return done or _render_detail(request, meeting, motion_form=form, status=422)


def _motion(request, pk):
    try:
        motion = selectors.motion(request.user, pk)
    except NotFound:
        raise Http404() from None
    return motion


def _managed_motion(request, pk):
    """The motion and its meeting, for a cadre who manages the meeting (404 for anyone else)."""
    motion = _motion(request, pk)
    return motion, _managed(request, motion.meeting_id)


def _to_motions(meeting_pk):
    return redirect(reverse("meetings:detail", args=[meeting_pk]) + "#motions")


def _refused(request, exc: DomainError, meeting_pk):
    messages_from(request, exc)
    return _to_motions(meeting_pk)


def _voting_closed(request, decided):
    messages.success(request, _("Voting closed: %(outcome)s.") % {"outcome": decided.get_outcome_display()})
    return _to_motions(decided.meeting_id)


def _signed_in(n) -> str:
    return _("%(n)s signed in.") % {"n": n}


def _votes_recorded(n) -> str:
    return _("%(n)s votes recorded.") % {"n": n}


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
    return _to_motions(motion.meeting_id)


@login_required
@require_POST
@require_action(MANAGE)
@api_twin("POST /api/meetings/motions/{motion_id}/close")
def motion_close(request, pk):
    """End a roll-call vote. It cannot be undone: without the ticked confirmation (the dialog of
    static/js/steps.js ticks it) the page is drawn again with the box and its message (400), nothing written."""
    motion = _motion(request, pk)
    figures = selectors.roll_call_counts(motion.meeting, motion)
    what = close_confirm_text(present=figures["present"], recorded=figures["recorded"])
    confirm = ConfirmForm(request.POST, prefix=f"c{motion.pk}", what=what)
    if not confirm.confirmed():
        meeting = _managed(request, motion.meeting_id)
        if request.POST.get("back") == "roll_call":
            return _roll_call_page(request, motion, meeting, close_form=confirm, status=400)
        return _render_detail(request, meeting, failed=(("close", motion.pk), confirm), status=400)
    try:
        decided = services.motion_close(actor=request.user, motion=motion)
    except DomainError as exc:
        return _refused(request, exc, motion.meeting_id)
    return _voting_closed(request, decided)


@login_required
@require_POST
@require_action(MANAGE)
@api_twin("POST /api/meetings/motions/{motion_id}/totals")
def motion_totals(request, pk):
    motion, meeting = _managed_motion(request, pk)
    form = TotalsForm(request.POST, prefix=f"t{motion.pk}")
    if form.is_valid():
        try:
            decided = services.motion_record_totals(actor=request.user, motion=motion, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            return _voting_closed(request, decided)
    return _render_detail(request, meeting, failed=(motion.pk, form), status=422)


@login_required
@require_POST
@require_action(MANAGE)
@api_twin("POST /api/meetings/motions/{motion_id}/delegations")
def delegation_add(request, pk):
    motion, meeting = _managed_motion(request, pk)
    form = DelegationForm(request.POST, prefix=f"d{motion.pk}")
    done = submit(
        request,
        form,
        lambda data: services.delegation_create(actor=request.user, motion=motion, **data),
        done=_("Delegation recorded."),
        to="meetings:delegations",
    )
    return done or _render_detail(request, meeting, failed=(-motion.pk, form), status=422)


@login_required
@require_action(MANAGE)
@api_twin("POST /api/meetings/meetings/{meeting_id}/sign-in")
def register(request, pk):
    """The clerk's sign-in list: search by name or household number, tick and sign in (a room of 200)."""
    meeting = _managed(request, pk)
    if request.method == "POST":
        query = request.POST.get("q", "")
        return _sign_in(
            request,
            services.attendance_sign_in_by_clerk,
            meeting,
            to=reverse("meetings:register", args=[meeting.pk]) + (f"?q={query}" if query else ""),
            nobody=_("Tick the people to sign in."),
        )
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


ROLL_CALL_PAGE = 50


def _roll_call_filters(data) -> dict:
    """The roll call's filters (GET, or carried by a POST to come back to the same view): a name or household
    number, a 村民小组, which attendees (unrecorded by default) and the page."""
    show = data.get("show", "unrecorded")
    group = data.get("group", "")
    return {
        "q": data.get("q", "").strip()[:50],
        "group": int(group) if group.isdigit() else None,
        "show": show if show in selectors.ROLL_CALL_SHOW else "unrecorded",
        "page": data.get("page", "") if data.get("page", "").isdigit() else "",
    }


def _roll_call_url(motion, filters: dict) -> str:
    query = urlencode({k: v for k, v in filters.items() if v not in (None, "") and (k, v) != ("show", "unrecorded")})
    return reverse("meetings:roll_call", args=[motion.pk]) + (f"?{query}" if query else "")


@login_required
@require_action(MANAGE)
@api_twin("POST /api/meetings/motions/{motion_id}/votes")
def roll_call(request, pk):
    """The clerk records each attendee's vote (for / against / abstain) on a roll-call motion: a page of the
    attendees not yet recorded (search by name or household number, filter by 村民小组), the rest at once, a
    correction of a vote recorded wrongly, and ending the vote with the number of those left unrecorded."""
    motion, meeting = _managed_motion(request, pk)
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
            messages.success(request, _votes_recorded(recorded))
        elif not refused:
            messages.error(request, _("Choose for, against or abstain for at least one attendee."))
        for message in dict.fromkeys(refused):
            messages.error(request, message)
        return redirect(_roll_call_url(motion, _roll_call_filters(request.POST)))
    return _roll_call_page(request, motion, meeting)


@login_required
@require_POST
@require_action(MANAGE)
@api_twin("POST /api/meetings/motions/{motion_id}/votes/batch")
def votes_batch(request, pk):
    """其余全部赞成 (or against, or abstaining): every signed-in attendee with no recorded vote, or only those of
    the 村民小组 the page is filtered by."""
    motion = _managed_motion(request, pk)[0]
    filters = _roll_call_filters(request.POST)
    return post_back(
        request,
        lambda: services.vote_record_batch(
            actor=request.user, motion=motion, choice=request.POST.get("choice", ""), group=filters["group"]
        ),
        done=_votes_recorded,
        to=_roll_call_url(motion, filters),
    )


@login_required
@require_POST
@require_action(MANAGE)
@api_twin("POST /api/meetings/motions/{motion_id}/votes/correct")
def vote_correct(request, pk):
    """Correct a vote recorded wrongly, before voting closes (the old vote stays on record, replaced)."""
    motion = _managed_motion(request, pk)[0]
    filters = _roll_call_filters(request.POST)
    entry = request.POST.get("entry", "")
    if not entry.isdigit():
        raise Http404()
    return post_back(
        request,
        lambda: services.vote_correct(
            actor=request.user,
            motion=motion,
            entry=int(entry),
            choice=request.POST.get("choice", ""),
            reason=request.POST.get("reason", ""),
        ),
        done=_("The vote is corrected."),
        to=_roll_call_url(motion, filters),
    )


def _roll_call_page(request, motion, meeting, *, close_form=None, status=200):
    motion.refresh_from_db()
    filters = _roll_call_filters(request.GET)
    figures = selectors.roll_call_counts(meeting, motion)
    page = paginate(
        request,
        selectors.roll_call(meeting, motion, search=filters["q"], group=filters["group"], show=filters["show"]),
        ROLL_CALL_PAGE,
    )
    group_names = {g["id"]: g["name"] for g in figures["groups"]}
    for e in page.object_list:
        e.group_name = group_names.get(e.group_ref, "")
    group = next((g for g in figures["groups"] if g["id"] == filters["group"]), None)
    batch_n = group["unrecorded"] if group else figures["unrecorded"]
    labels = dict(Choice.choices)
    batch = [
        {
            "value": value,
            "label": label,
            "confirm": (
                _("Record “%(choice)s” for the %(n)s signed-in attendees of %(group)s who have no recorded vote yet?")
                % {"choice": label, "n": batch_n, "group": group["name"]}
                if group
                else _("Record “%(choice)s” for all %(n)s signed-in attendees who have no recorded vote yet?")
                % {"choice": label, "n": batch_n}
            )
            + " "
            + _("A vote recorded wrongly can be corrected until voting closes."),
        }
        for value, label in labels.items()
    ]
    what = close_confirm_text(present=figures["present"], recorded=figures["recorded"])
    if close_form is not None:
        close_form.what = what
    return _render(
        request,
        "meetings/roll_call.html",
        {
            "meeting": meeting,
            "motion": motion,
            "page": page,
            "filters": filters,
            "figures": figures,
            "group": group,
            "batch": batch,
            "batch_n": batch_n,
            "counts": figures["counts"],
            "choices": Choice.choices,
            "choice_labels": labels,
            "close_form": close_form or ConfirmForm(prefix=f"c{motion.pk}", what=what),
        },
        status=status,
    )


@login_required
@require_POST
@require_action(VOTE)
@api_twin("POST /api/meetings/meetings/{meeting_id}/sign-in")
def sign_in_self(request, pk):
    meeting = _meeting(request, pk)
    # Nobody ticked: never sign in the whole household by default (no proxies).
    return _sign_in(
        request,
        services.attendance_sign_in_own,
        meeting,
        to=reverse("meetings:detail", args=[meeting.pk]) + "#mine",
        nobody=_("Tick who of your household is here in person."),
    )


def _sign_in(request, sign_in, meeting, *, to: str, nobody: str):
    """Sign in the register entries ticked (``entry``) with ``sign_in`` (the clerk's or one's own), then back to
    ``to``; with none ticked, only the ``nobody`` message."""
    ids = [int(v) for v in request.POST.getlist("entry") if v.isdigit()]
    if not ids:
        messages.error(request, nobody)
        return redirect(to)
    return post_back(request, lambda: sign_in(actor=request.user, meeting=meeting, entries=ids), done=_signed_in, to=to)


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
    return post_back(
        request,
        lambda: services.vote_cast_own(
            actor=request.user, motion=motion, entry=entry, choice=request.POST.get("choice", "")
        ),
        done=_("Your vote is recorded."),
        to=reverse("meetings:detail", args=[motion.meeting_id]) + f"#motion{motion.pk}",
    )
