"""Who a dispute's people are (the parties of its procedure): its committee's leaders, its mediators, the
disputants with an account, and, for a high-risk case, the supervisors above. Nobody else sees a dispute."""

from __future__ import annotations

from core import scope
from core.roles import Action, roles_with
from mediation.models import Mediator, Risk


def leader_ids(case) -> list[int]:
    return list(
        Mediator.objects.leaders().filter(body_id=case.body_id, user__isnull=False).values_list("user_id", flat=True)
    )


def mediator_ids(case) -> list[int]:
    if case.pk is None:
        return []
    return list(case.mediators.filter(user__isnull=False).values_list("user_id", flat=True))


def disputant_ids(case) -> list[int]:
    if case.pk is None:
        return []
    return list(case.parties.filter(user__isnull=False).values_list("user_id", flat=True))


def is_leader(actor, case) -> bool:
    return Mediator.objects.leaders().filter(body_id=case.body_id, user_id=actor.pk).exists()


def is_mediator(actor, case) -> bool:
    return case.pk is not None and case.mediators.filter(user_id=actor.pk).exists()


def is_disputant(actor, case) -> bool:
    return case.pk is not None and case.parties.filter(user_id=actor.pk).exists()


def is_supervisor(actor, case) -> bool:
    """A high-risk dispute (三级预警) is raised to the township and the county: their supervisors see it."""
    return case.risk == Risk.HIGH and scope.in_scope(actor, Action.MEDIATION_SUPERVISE, case)


def supervisor_ids(case) -> set[int]:
    from core.workflow import recipients

    return recipients(roles_with(Action.MEDIATION_SUPERVISE), case) if case.risk == Risk.HIGH else set()
