"""The printable minutes, the rosters, the delegations, the county's notice periods and the township's review."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import scope
from core.errors import DomainError
from core.roles import Action
from core.views import api_twin, messages_from, post_back, require_action, submit
from meetings import rules, selectors, services
from meetings.flows import MEETING
from meetings.forms import PolicyForm, RosterForm
from meetings.models import Body, MeetingKind, MeetingPolicy
from meetings.policy import overrides_for
from meetings.views._common import MANAGE, VIEW, _managed_villages, _render
from meetings.views.pages import _meeting, _sees_register
from regions.models import Region, RegionLevel
from registry.models import Person


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
@api_twin("POST /api/meetings/rosters", "DELETE /api/meetings/rosters/members/{member_id}")
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
                    services.roster_remove(actor=request.user, member=int(request.POST["remove"]))
                except DomainError as exc:
                    messages_from(request, exc)
                return redirect(reverse("meetings:rosters") + f"?village={village.pk}")
            done = submit(
                request,
                form,
                lambda data: services.roster_add(actor=request.user, village=village, **data),
                done=_("Added to the roster."),
                to=reverse("meetings:rosters") + f"?village={village.pk}",
            )
            if done:
                return done
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
@api_twin("POST /api/meetings/delegations/{delegation_id}/revoke")
def delegation_revoke(request, pk):
    delegation = selectors.delegations(request.user).filter(pk=pk).first()
    if delegation is None:
        raise Http404()
    return post_back(
        request,
        lambda: services.delegation_revoke(actor=request.user, delegation=delegation),
        done=_("Delegation revoked."),
        to="meetings:delegations",
    )


@login_required
@require_action(Action.DELIBERATION_POLICY)
@api_twin("PUT /api/meetings/notice-periods/{county_id}")
def policy(request):
    county = Region.objects.filter(pk__in=scope.targets(request.user, "county"), level=RegionLevel.COUNTY).first()
    if county is None:
        raise Http404()
    current = overrides_for(county.pk)
    form = PolicyForm(request.POST or None, current=current)
    done = submit(
        request,
        form,
        lambda data: services.policy_update(actor=request.user, county=county, notice_days=data),
        done=_("Notice periods saved."),
        to="meetings:policy",
    )
    if done:
        return done
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
