"""Parties (core.workflow.Party) that several procedures tell: who they are is the accounts' business."""

from django.utils.translation import gettext_lazy

from accounts.selectors import villagers_of
from core.workflow import Party

# everyone with a villager's account in the case's village: told of what is published for the whole village
VILLAGERS = Party(
    gettext_lazy("the village's villagers"),
    lambda actor, case: False,
    people=lambda case: villagers_of(case.village_id),
)
