"""Pages of meetings: the list (with "my meetings" for those on a register), a new meeting, a meeting (steps,
motions, votes, the voter's own sign-in and ballot on the phone), the clerk's sign-in list (search, a room of 200),
the clerk's roll-call of votes, the printable A4 minutes with results and sign-in sheet, the rosters, the
delegations and the county's notice periods. Thin: reads through meetings.selectors, writes through
meetings.services."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from casework import steps as casework_steps
from core import scope, workflow
from core.errors import DomainError, NotFound
from core.roles import Action
from core.views import apply_domain_errors, messages_from, paginate, require_action
from meetings import rules, selectors, services
from meetings.flows import MEETING
from meetings.forms import (
    DelegationForm,
    MeetingForm,
    MotionForm,
    OpenVotingForm,
    PolicyForm,
    RosterForm,
    TotalsForm,
)
from meetings.models import Body, Choice, MeetingKind, MeetingPolicy, Outcome, VoteMethod, VotingState
from meetings.policy import overrides_for
from regions.models import Region, RegionLevel
from registry.models import Person

VIEW = Action.DELIBERATION_VIEW
MANAGE = Action.DELIBERATION_MANAGE
VOTE = Action.DELIBERATION_VOTE

LINKS = [
    ("meetings:home", gettext_lazy("Meetings"), (VIEW,)),
    ("meetings:create", gettext_lazy("New meeting"), (MANAGE,)),
    ("meetings:rosters", gettext_lazy("Rosters"), (MANAGE, Action.DELIBERATION_REVIEW)),
    ("meetings:delegations", gettext_lazy("Delegations"), (VIEW,)),
    ("meetings:review", gettext_lazy("Supervision of meetings"), (Action.DELIBERATION_REVIEW,)),
    ("meetings:policy", gettext_lazy("Notice periods"), (Action.DELIBERATION_POLICY,)),
]


def _render(request, template, context, status=200):
    links = []
    for name, label, actions in LINKS:
        if any(scope.can(request.user, a) for a in actions):
            url = reverse(name)
            links.append({"url": url, "label": label, "active": request.path == url})
    return render(request, template, {**context, "meeting_links": links}, status=status)


def _managed_villages(actor):
    ids = [g.target_id for g in scope.grants(actor) if g.level == "village" and scope.can(actor, MANAGE)]
    return Region.objects.filter(pk__in=ids, level=RegionLevel.VILLAGE).order_by("code")


def _decorate(meetings):
    for m in meetings:
        m.state_label = MEETING.state_label(m.state)
    return meetings


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
def create(request):
    form = _meeting_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            meeting = services.create_meeting(
                request.user,
                village=d["village"],
                kind=d["kind"],
                title=d["title"],
                starts_at=d["starts_at"],
                place=d["place"],
                agenda=d["agenda"],
                basis=d["basis"],
                group=d["group"],
                convened_by=d["convened_by"],
                proposers=d["proposers"],
            )
        except DomainError as exc:
            apply_domain_errors(form, exc)
        except NotFound:
            raise Http404() from None
        else:
            messages.success(request, _("Meeting created. Add its motions, then issue the notice."))
            return redirect("meetings:detail", meeting.pk)
    return _render_form(request, form)


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
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.meeting_update(
                request.user,
                meeting,
                **{k: d[k] for k in ("kind", "title", "starts_at", "place", "agenda", "basis", "group")},
            )
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("Meeting changed."))
            return redirect("meetings:detail", meeting.pk)
    return _render_form(request, form, meeting)


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


@login_required
@require_POST
@require_action(MANAGE)
def motion_add(request, pk):
    meeting = _managed(request, pk)
    form = MotionForm(request.POST, prefix="motion")
    if form.is_valid():
        try:
            services.add_motion(request.user, meeting, **form.cleaned_data)
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
def motion_open(request, pk):
    motion = _motion(request, pk)
    form = OpenVotingForm(request.POST, prefix=f"o{motion.pk}")
    method = form.cleaned_data["method"] if form.is_valid() else ""
    try:
        services.open_voting(request.user, motion, method=method)
    except NotFound:
        raise Http404() from None
    except DomainError as exc:
        return _refused(request, exc, motion.meeting_id)
    messages.success(request, _("Voting is open."))
    if method == VoteMethod.BALLOT:
        return redirect("meetings:roll_call", motion.pk)
    return redirect(reverse("meetings:detail", args=[motion.meeting_id]) + "#motions")


@login_required
@require_POST
@require_action(MANAGE)
def motion_close(request, pk):
    motion = _motion(request, pk)
    try:
        decided = services.close_voting(request.user, motion)
    except NotFound:
        raise Http404() from None
    except DomainError as exc:
        return _refused(request, exc, motion.meeting_id)
    messages.success(request, _("Voting closed: %(outcome)s.") % {"outcome": decided.get_outcome_display()})
    return redirect(reverse("meetings:detail", args=[motion.meeting_id]) + "#motions")


@login_required
@require_POST
@require_action(MANAGE)
def motion_totals(request, pk):
    motion = _motion(request, pk)
    form = TotalsForm(request.POST, prefix=f"t{motion.pk}")
    meeting = _managed(request, motion.meeting_id)
    if form.is_valid():
        try:
            decided = services.record_totals(request.user, motion, **form.cleaned_data)
        except NotFound:
            raise Http404() from None
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("Voting closed: %(outcome)s.") % {"outcome": decided.get_outcome_display()})
            return redirect(reverse("meetings:detail", args=[motion.meeting_id]) + "#motions")
    return _render_detail(request, meeting, failed=(motion.pk, form), status=422)


@login_required
@require_POST
@require_action(MANAGE)
def delegation_add(request, pk):
    motion = _motion(request, pk)
    meeting = _managed(request, motion.meeting_id)
    form = DelegationForm(request.POST, prefix=f"d{motion.pk}")
    if form.is_valid():
        try:
            services.delegation_create(request.user, motion, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("Delegation recorded."))
            return redirect("meetings:delegations")
    return _render_detail(request, meeting, failed=(-motion.pk, form), status=422)


@login_required
@require_action(MANAGE)
def register(request, pk):
    """The clerk's sign-in list: search by name or household number, tick and sign in (a room of 200)."""
    meeting = _managed(request, pk)
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("entry") if v.isdigit()]
        if not ids:
            messages.error(request, _("Tick the people to sign in."))
        else:
            try:
                new = services.clerk_sign_in(request.user, meeting, ids)
            except NotFound:
                raise Http404() from None
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
def roll_call(request, pk):
    """The clerk records each attendee's vote (for / against / abstain) on a roll-call motion."""
    motion = _motion(request, pk)
    meeting = _managed(request, motion.meeting_id)
    if request.method == "POST":
        recorded, refused = 0, []
        for key, value in request.POST.items():
            if key.startswith("v") and key[1:].isdigit() and value:
                try:
                    services.clerk_vote(request.user, motion, int(key[1:]), value)
                    recorded += 1
                except NotFound:
                    raise Http404() from None
                except DomainError as exc:
                    refused.extend(exc.messages)
        if recorded:
            messages.success(request, _("%(n)s votes recorded.") % {"n": recorded})
        for message in dict.fromkeys(refused):
            messages.error(request, message)
        return redirect("meetings:roll_call", motion.pk)
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
        },
    )


@login_required
@require_POST
@require_action(VOTE)
def sign_in_self(request, pk):
    meeting = _meeting(request, pk)
    ids = [int(v) for v in request.POST.getlist("entry") if v.isdigit()]
    if not ids:
        # Nobody ticked: never sign in the whole household by default (no proxies).
        messages.error(request, _("Tick who of your household is here in person."))
        return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#mine")
    try:
        new = services.self_sign_in(request.user, meeting, ids)
    except NotFound:
        raise Http404() from None
    except DomainError as exc:
        messages_from(request, exc)
    else:
        messages.success(request, _("%(n)s signed in.") % {"n": new})
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#mine")


@login_required
@require_POST
@require_action(VOTE)
def vote_self(request, pk):
    motion = _motion(request, pk)
    try:
        entry = int(request.POST.get("entry", ""))
    except ValueError:
        raise Http404() from None
    try:
        services.self_vote(request.user, motion, entry, request.POST.get("choice", ""))
    except NotFound:
        raise Http404() from None
    except DomainError as exc:
        messages_from(request, exc)
    else:
        messages.success(request, _("Your vote is recorded."))
    return redirect(reverse("meetings:detail", args=[motion.meeting_id]) + f"#motion{motion.pk}")


@login_required
@require_action(VIEW)
def print_view(request, pk):
    """A4: the notice facts, results of every motion, the minutes and the sign-in sheet (Art. 34 archive)."""
    meeting = _meeting(request, pk)
    staff = _sees_register(request.user, meeting)
    entries = list(selectors.register(meeting)) if staff else []
    return render(
        request,
        "meetings/print.html",
        {
            "meeting": meeting,
            "state_label": MEETING.state_label(meeting.state),
            "motions": list(selectors.motions(meeting)),
            "entries": entries,
            "staff": staff,
            "present": selectors.present_count(meeting),
            "quorum_text": rules.quorum_text(meeting.kind, meeting.basis),
            "decision_text": rules.decision_text(meeting.kind),
            "printed_at": timezone.localtime(),
        },
    )


@login_required
def rosters(request):
    if not (scope.can(request.user, MANAGE) or scope.can(request.user, Action.DELIBERATION_REVIEW)):
        raise PermissionDenied()
    villages = list(_managed_villages(request.user))
    if not villages:
        villages = list(
            Region.objects.filter(
                selectors.visible_q(request.user, Action.DELIBERATION_REVIEW, prefix="") & _village_q()
            ).order_by("code")
        )
    village = next((v for v in villages if str(v.pk) == request.GET.get("village")), villages[0] if villages else None)
    manage = village is not None and scope.region_in_scope(request.user, MANAGE, village)
    form = None
    if manage:
        people = Person.objects.filter(village=village, is_deceased=False).order_by("household__number", "name")
        form = RosterForm(request.POST or None, people=people, initial={"body": request.GET.get("body", "")})
        if request.method == "POST":
            if request.POST.get("remove", "").isdigit():
                try:
                    services.roster_remove(request.user, int(request.POST["remove"]))
                except NotFound:
                    raise Http404() from None
                except DomainError as exc:
                    messages_from(request, exc)
                return redirect(reverse("meetings:rosters") + f"?village={village.pk}")
            if form.is_valid():
                try:
                    services.roster_add(request.user, village, **form.cleaned_data)
                except DomainError as exc:
                    apply_domain_errors(form, exc)
                else:
                    messages.success(request, _("Added to the roster."))
                    return redirect(reverse("meetings:rosters") + f"?village={village.pk}")
    groups = selectors.rosters(request.user, village) if village else {}
    reps = groups.get(Body.REPRESENTATIVES, [])
    checks = []
    if village is not None:
        from registry.models import Household

        rep_check = rules.check_representatives(
            households=Household.objects.filter(village=village).count(),
            representatives=len(reps),
            women=sum(1 for m in reps if m.person.gender == "F"),
            households_each=[m.households for m in reps],
        )
        masses = rules.check_party_masses(len(groups.get(Body.PARTY_MASSES, [])))
        checks = rep_check.refuse + rep_check.warn + masses.warn + masses.refuse
    return _render(
        request,
        "meetings/rosters.html",
        {
            "villages": villages,
            "village": village,
            "groups": [(b, label, groups.get(b, [])) for b, label in Body.choices],
            "form": form,
            "manage": manage,
            "checks": checks,
        },
        status=422 if form is not None and form.errors else 200,
    )


def _village_q():
    from django.db.models import Q

    return Q(level=RegionLevel.VILLAGE)


@login_required
@require_action(VIEW)
def delegations(request):
    rows = list(selectors.delegations(request.user))
    today = timezone.localdate()
    for d in rows:
        d.in_force = d.covers(today)
        # revoking is offered to those who manage the village's meetings, on a delegation not yet revoked or over
        d.may_revoke = not d.revoked_at and d.valid_until >= today and scope.in_scope(request.user, MANAGE, d)
    return _render(request, "meetings/delegations.html", {"rows": rows, "manage": any(d.may_revoke for d in rows)})


@login_required
@require_POST
@require_action(MANAGE)
def delegation_revoke(request, pk):
    delegation = selectors.delegations(request.user).filter(pk=pk).first()
    if delegation is None:
        raise Http404()
    try:
        services.delegation_revoke(request.user, delegation)
    except NotFound:
        raise Http404() from None
    except DomainError as exc:
        messages_from(request, exc)
    else:
        messages.success(request, _("Delegation revoked."))
    return redirect("meetings:delegations")


@login_required
@require_action(Action.DELIBERATION_POLICY)
def policy(request):
    counties = [g.target_id for g in scope.grants(request.user) if g.level == "county"]
    county = Region.objects.filter(pk__in=counties, level=RegionLevel.COUNTY).first()
    if county is None:
        raise Http404()
    current = overrides_for(county.pk)
    form = PolicyForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_update(request.user, county, form.cleaned_data)
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("Notice periods saved."))
            return redirect("meetings:policy")
    rows = [
        (label, rules.notice_days(k, current), rules.STATUTORY_NOTICE_DAYS.get(k, 0))
        for k, label in MeetingKind.choices
    ]
    return _render(
        request,
        "meetings/policy.html",
        {"form": form, "county": county, "rows": rows, "saved": MeetingPolicy.objects.filter(county=county).first()},
        status=422 if form.errors else 200,
    )


@login_required
@require_action(Action.DELIBERATION_REVIEW)
def review(request):
    """The township: which villages hold their meetings as the law requires."""
    rows = selectors.review(request.user)
    return _render(
        request,
        "meetings/review.html",
        {"rows": rows, "quarter_start": rules.quarter_start(timezone.localdate())},
    )
