"""Who a service request's people are (the parties of its procedure): the villager it is for (their account),
the agent who took it, whoever filed it on the villager's behalf, and the agents who serve its village."""

from __future__ import annotations

from doorstep.models import Agent


def _agent_rows(actor):
    cached = getattr(actor, "_doorstep_agents", None)
    if cached is None:
        cached = list(Agent.objects.filter(user_id=actor.pk, active=True).prefetch_related("villages"))
        actor._doorstep_agents = cached
    return cached


def serving_villages(actor) -> set[int]:
    """The villages the actor serves as an agent (代办员), cached on the actor for the request."""
    return {v.pk for a in _agent_rows(actor) for v in a.villages.all()} if actor.pk else set()


def agent_row(actor, village_id: int):
    """The actor's agent post serving this village, or None."""
    return next((a for a in _agent_rows(actor) if any(v.pk == village_id for v in a.villages.all())), None)


def is_applicant(actor, case) -> bool:
    return case.applicant_id is not None and case.applicant_id == actor.pk


def applicant_ids(case) -> list[int]:
    return [case.applicant_id] if case.applicant_id else []


def is_agent(actor, case) -> bool:
    return case.agent_id is not None and case.agent.user_id == actor.pk


def agent_ids(case) -> list[int]:
    return [case.agent.user_id] if case.agent_id else []


def is_recorder(actor, case) -> bool:
    """Whoever filed it on the villager's behalf follows it."""
    return case.on_behalf and case.recorded_by_id == actor.pk


def recorder_ids(case) -> list[int]:
    return [case.recorded_by_id] if case.on_behalf and case.recorded_by_id else []


def serves(actor, case) -> bool:
    """An agent serving the request's village, for an item an agent may take."""
    return case.item_version.agent_may and case.village_id in serving_villages(actor)


def serving_ids(case) -> list[int]:
    if not case.item_version.agent_may:
        return []
    return list(
        Agent.objects.filter(active=True, villages=case.village_id).values_list("user_id", flat=True).distinct()
    )
