"""What the meetings pages share: the actions, the meetings menu, the villages the actor manages, and a write
posted from a button or a list."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy

from core import scope
from core.errors import DomainError
from core.roles import Action
from core.views import messages_from
from meetings.flows import MEETING
from regions.models import Region, RegionLevel

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


def post_back(request, write, *, done, to):
    """A write posted from a button or a list (no form to draw again): ``write()``, then a redirect to ``to`` with
    the ``done`` message (or a function of what ``write`` returned giving it), or the refusal's messages."""
    try:
        result = write()
    except DomainError as exc:
        messages_from(request, exc)
    else:
        messages.success(request, done(result) if callable(done) else done)
    return redirect(to)


def _managed_villages(actor):
    return Region.objects.filter(pk__in=scope.targets(actor, "village", MANAGE), level=RegionLevel.VILLAGE).order_by(
        "code"
    )


def _decorate(meetings):
    for m in meetings:
        m.state_label = MEETING.state_label(m.state)
    return meetings
