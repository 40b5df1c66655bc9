"""What the meetings pages share: the actions, the meetings menu, the villages the actor manages, and a write
posted from a button or a list."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext_lazy

from core import scope
from core.roles import Action
from core.views import section_links
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
    return render(request, template, {**context, "meeting_links": section_links(request, LINKS)}, status=status)


def _managed_villages(actor):
    return Region.objects.filter(pk__in=scope.targets(actor, "village", MANAGE), level=RegionLevel.VILLAGE).order_by(
        "code"
    )


def _decorate(meetings):
    for m in meetings:
        m.state_label = MEETING.state_label(m.state)
    return meetings
