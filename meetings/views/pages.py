"""The meetings list, a new meeting, changing one being prepared, and a meeting's page (steps, motions, votes)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import steps as casework_steps
from core import scope, workflow
from core.errors import NotFound
from core.forms import ConfirmForm
from core.roles import Action
from core.views import api_twin, paginate, require_action, submit
from meetings import rules, selectors, services
from meetings.flows import MEETING
from meetings.forms import (
    DelegationForm,
    MeetingForm,
    MotionForm,
    OpenVotingForm,
    TotalsForm,
    close_confirm_text,
)
from meetings.models import Choice, MeetingKind, Outcome, VoteMethod, VotingState
from meetings.policy import overrides_for
from meetings.views._common import MANAGE, VIEW, VOTE, _decorate, _managed_villages, _render
from regions.models import Region, RegionLevel


@login_required
@require_action(VIEW)
def home(request):
    state = request.GET.get("state", "")
    kind = request.GET.get("kind", "")
    state = state if state in MEETING.states else ""
    kind = kind if kind in MeetingKind.values else ""
    page = paginate(request, selectors.meetings(request.user, state=state, kind=kind), 20, decorate=_decorate)
    mine = list(_decorate(list(selectors.my_meetings(request.user)))) if scope.can(request.user, VOTE) else []
    return _render(
        request,
        "meetings/home.html",
        {
            "page": page,
            "mine": mine,
            "state": state,
            "kind": kind,
            "states": [(s, MEETING.state_label(s)) for s in MEETING.states],
            "kinds": MeetingKind.choices,
            "can_manage": scope.can(request.user, MANAGE),
            "filtered": bool(state or kind),
        },
    )


def _meeting_form(request, data=None):
    villages = _managed_villages(request.user)
    groups = Region.objects.filter(level=RegionLevel.GROUP, parent__in=villages).order_by("code")
    initial = {"starts_at": (timezone.localtime() + timedelta(days=11)).replace(minute=0, second=0, microsecond=0)}
    return MeetingForm(data, villages=villages, groups=groups, initial=initial)


@login_required
@require_action(MANAGE)
@api_twin("POST /api/meetings/meetings")
def create(request):
    form = _meeting_form(request, request.POST or None)
    done = submit(
        request,
        form,
        lambda d: services.meeting_create(
            actor=request.user, village=d["village"], **{k: d[k] for k in services.MEETING_FIELDS}
        ),
        done=_("Meeting created. Add its motions, then issue the notice."),
        to=lambda meeting: ("meetings:detail", {"pk": meeting.pk}),
    )
    return done or _render_form(request, form)


def _render_form(request, form, meeting=None):
    village = _managed_villages(request.user).first()
    overrides = overrides_for(village.county_id) if village else {}
    notice = [(label, rules.notice_days(k, overrides)) for k, label in MeetingKind.choices]
    return _render(
        request,
        "meetings/form.html",
        {"form": form, "notice": notice, "meeting": meeting},
        status=422 if form.errors else 200,
    )


@login_required
@require_action(MANAGE)
@api_twin("PUT /api/meetings/meetings/{meeting_id}")
def edit(request, pk):
    """Change a meeting being prepared (once the notice is issued it stands)."""
    meeting = _managed(request, pk)
    if meeting.state != "draft":
        messages.error(request, _("Only a meeting being prepared can be changed; once noticed, cancel it instead."))
        return redirect("meetings:detail", meeting.pk)
    initial = {
        "village": meeting.village,
        "kind": meeting.kind,
        "title": meeting.title,
        "starts_at": timezone.localtime(meeting.starts_at),
        "place": meeting.place,
        "basis": meeting.basis,
        "group": meeting.group,
        "agenda": meeting.agenda,
    }
    villages = Region.objects.filter(pk=meeting.village_id)
    groups = Region.objects.filter(level=RegionLevel.GROUP, parent=meeting.village).order_by("code")
    form = MeetingForm(request.POST or None, villages=villages, groups=groups, initial=initial)
    del form.fields["convened_by"], form.fields["proposers"]  # how it was called is recorded once, at creation
    done = submit(
        request,
        form,
        lambda d: services.meeting_update(
            actor=request.user,
            meeting=meeting,
            **{k: d[k] for k in ("kind", "title", "starts_at", "place", "agenda", "basis", "group")},
        ),
        done=_("Meeting changed."),
        to=("meetings:detail", {"pk": meeting.pk}),
    )
    return done or _render_form(request, form, meeting)


def _meeting(request, pk):
    try:
        return selectors.meeting(request.user, pk)
    except NotFound:
        raise Http404() from None


def _motion_rows(request, meeting, manage: bool, mine: list, failed=None):
    present_ids = set(meeting.attendances.values_list("entry_id", flat=True))
    rows = []
    for motion in selectors.motions(meeting):
        votes = selectors.votes_of(motion) if motion.voting != VotingState.DRAFT else {}
        row = {"m": motion, "voted": len(votes)}
        if manage and meeting.state == "open":
            if motion.voting == VotingState.DRAFT:
                row["open_form"] = OpenVotingForm(prefix=f"o{motion.pk}")
            elif motion.voting == VotingState.OPEN and motion.method == VoteMethod.HANDS:
                row["totals_form"] = (
                    failed[1] if failed and failed[0] == motion.pk else TotalsForm(prefix=f"t{motion.pk}")
                )
        if manage and meeting.kind in rules.DELEGATES_TO and motion.outcome == Outcome.ADOPTED:
            row["delegation_form"] = (
                failed[1] if failed and failed[0] == -motion.pk else DelegationForm(prefix=f"d{motion.pk}")
            )
        if manage and motion.voting == VotingState.OPEN and motion.method == VoteMethod.BALLOT:
            # ending the vote cannot be undone: its form asks first (static/js/steps.js)
            refused = failed[1] if failed and failed[0] == ("close", motion.pk) else None
            what = close_confirm_text(present=len(present_ids), recorded=len(votes))
            row["close_form"] = refused or ConfirmForm(prefix=f"c{motion.pk}", what=what)
        if motion.voting == VotingState.OPEN and motion.method == VoteMethod.BALLOT:
            row["ballots"] = [{"entry": e, "choice": votes.get(e.pk)} for e in mine if e.pk in present_ids]
        rows.append(row)
    return rows


def _render_detail(request, meeting, *, motion_form=None, failed=None, failed_step=None, status=200):
    manage = selectors.can_manage(request.user, meeting)
    mine = list(services.entries_for_voter(request.user, meeting).select_related("attendance"))
    present = selectors.present_count(meeting)
    met, needed = rules.quorum(meeting.kind, meeting.basis, meeting.register_size, present)
    # the steps the person may take now, from the flow's declaration (forms post to casework:step)
    steps = casework_steps.panels(request.user, meeting, MEETING, failed=failed_step) if manage else []
    can_see_register = _sees_register(request.user, meeting)
    return _render(
        request,
        "meetings/detail.html",
        {
            "meeting": meeting,
            "state_label": MEETING.state_label(meeting.state),
            "manage": manage,
            "mine": mine,
            "mine_unsigned": [e for e in mine if not hasattr(e, "attendance")],
            "present": present,
            "quorum_met": met,
            "quorum_needed": needed,
            "quorum_text": rules.quorum_text(meeting.kind, meeting.basis),
            "decision_text": rules.decision_text(meeting.kind),
            "consultative": meeting.kind in rules.CONSULTATIVE,
            "rows": _motion_rows(request, meeting, manage, mine, failed),
            "motion_form": motion_form
            or (MotionForm(prefix="motion") if manage and meeting.state in ("draft", "noticed", "open") else None),
            "steps": steps,
            "history": _history(meeting) if (manage or can_see_register) else [],
            "can_see_register": can_see_register,
            "choices": Choice.choices,
        },
        status=status,
    )


def _sees_register(user, meeting) -> bool:
    """The names on the register and the sign-in sheet: the village's cadres, the township (review) and the
    village's supervisory committee (村务监督委员会, who may read the audit trail); villagers see the counts."""
    return (
        selectors.can_manage(user, meeting)
        or scope.in_scope(user, Action.DELIBERATION_REVIEW, meeting)
        or scope.in_scope(user, Action.AUDIT_VIEW, meeting)
    )


def _history(meeting):
    events = list(workflow.history(meeting))
    for e in events:
        e.step_label = _("Meeting created") if e.transition == "start" else MEETING.step_label(e.transition)
    return events


@login_required
@require_action(VIEW)
def detail(request, pk):
    return _render_detail(request, _meeting(request, pk))


def meeting_page(request, case, *, failed=None, status=200):
    """The flow's page (casework.steps.render_page): the meeting drawn again with a refused step form and its
    messages. A step posted by someone who does not run meetings is forbidden, as it always was."""
    if failed is not None and not scope.can(request.user, MANAGE):
        raise PermissionDenied()
    return _render_detail(request, _meeting(request, case.pk), failed_step=failed, status=status)


def _managed(request, pk):
    meeting = _meeting(request, pk)
    if not selectors.can_manage(request.user, meeting):
        raise Http404()
    return meeting
