"""Who is told about a matter beyond its declared steps (the steps' own notifications are declared in
powers.flows with ``notify=``): the village's cadres when someone objects during the posting (公示). And who the
household side of a matter is (the applicant and the household's accounts), which the flows name as a party."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import selectors
from core import notifications, workflow
from core.roles import Role


def household_side(case) -> list[int]:
    """The applicant and the accounts of the household the matter is for."""
    return selectors.household_side(case.applicant_id, case.household_id)


def _objection_raised(case) -> None:
    users = workflow.recipients((Role.VILLAGE_CADRE,), case)
    if users:
        notifications.notify(
            sorted(users),
            kind="powers",
            text=_("Objection to answer: %(power)s") % {"power": case.power.name},
            url=reverse("powers:case", args=[case.pk]),
            key=f"powers:{case.pk}:objection:{case.version}",
        )


def on_objection(case) -> None:
    transaction.on_commit(lambda: _objection_raised(case))
