"""Who a nomination's people are (the parties of its procedure): whoever nominated, and the village's honours panel
(评选小组, committees.CommitteeKind.HONOURS_PANEL), which evaluates beside the village cadres."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from committees.models import CommitteeKind
from committees.parties import member_of
from core.workflow import Party

NOMINATOR = Party(
    _("the nominator"),
    lambda actor, case: case.nominated_by_id == actor.pk,
    people=lambda case: [case.nominated_by_id],
)
PANEL = member_of(CommitteeKind.HONOURS_PANEL, _("the village's honours panel"))
