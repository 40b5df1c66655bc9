"""Who is told about a step of a matter (in-app notifications, 站内提醒): the household and the applicant when the
village asks for documents or the matter ends; the village's cadres when a household applies, hands in documents
or objects; the township's officials when a matter is sent for review."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import RoleAssignment
from core import notifications
from core.roles import Role

FINAL_STEPS = {
    "publish_result",
    "completion_check",
    "village_reject",
    "township_reject",
    "county_reject",
    "reject",
}


def _holders(role: str, region_id: int | None) -> list[int]:
    if region_id is None:
        return []
    return list(
        RoleAssignment.objects.filter(role=role, region_id=region_id, grid__isnull=True, household__isnull=True)
        .filter(user__is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )


def household_side(case) -> list[int]:
    users = [case.applicant_id]
    if case.household_id:
        users += list(
            RoleAssignment.objects.filter(role=Role.VILLAGER, household_id=case.household_id)
            .values_list("user_id", flat=True)
            .distinct()
        )
    return users


def notify_step(case, step: str) -> None:
    """After a step is committed: tell the people whose turn it now is."""
    url = reverse("powers:case", args=[case.pk])
    name = case.power.name
    if step == "start":
        users, text = _holders(Role.VILLAGE_CADRE, case.village_id), _("New application: %(power)s")
    elif step == "ask_documents":
        users, text = household_side(case), _("Please hand in more documents for %(power)s")
    elif step == "supply":
        users, text = _holders(Role.VILLAGE_CADRE, case.village_id), _("Documents handed in: %(power)s")
    elif step == "submit_review":
        users, text = _holders(Role.TOWNSHIP_OFFICIAL, case.township_id), _("To review: %(power)s")
    elif step == "objection":
        users, text = _holders(Role.VILLAGE_CADRE, case.village_id), _("Objection to answer: %(power)s")
    elif step in FINAL_STEPS:
        users, text = household_side(case) if case.household_id else [], _("Your matter is done: %(power)s")
    else:
        return
    users = [u for u in users if u]
    if users:
        notifications.notify(
            users, kind="powers", text=text % {"power": name}, url=url, key=f"powers:{case.pk}:{step}:{case.version}"
        )


def on_commit(case, step: str) -> None:
    transaction.on_commit(lambda: notify_step(case, step))
