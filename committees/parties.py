"""The committees as parties of a declared procedure (core.workflow.Party): a step a committee takes is allowed to
whoever sits on the case's village's committee now, and they are the ones told."""

from __future__ import annotations

from collections.abc import Callable

from committees import selectors
from committees.models import CommitteeKind
from core.workflow import Party


def member_of(kind: str, label=None, posts=None) -> Party:
    """A current member (of ``posts``, when given) of the ``kind`` committee of the case's village."""
    return Party(
        label or CommitteeKind(kind).label,
        lambda actor, case: selectors.is_member(actor, case.village_id, kind, posts=posts),
        people=lambda case: selectors.member_user_ids(case.village_id, kind, posts=posts),
    )


def group_leader(group_of: Callable, label=None) -> Party:
    """The leader of the village group ``group_of(case)`` returns (its region id)."""
    from django.utils.translation import gettext_lazy as _

    kind = CommitteeKind.GROUP_LEADERS

    def test(actor, case):
        group_id = group_of(case)
        return group_id is not None and selectors.is_member(actor, case.village_id, kind, group_id=group_id)

    def people(case):
        group_id = group_of(case)
        return [] if group_id is None else selectors.member_user_ids(case.village_id, kind, group_id=group_id)

    return Party(label or _("the leader of the village group"), test, people=people)
