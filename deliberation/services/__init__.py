"""Writes of 议事协商 and 村规民约. Every function checks the actor's scope (outside it: NotFound, answered as 404),
runs in one transaction and records an audit event (steps go through core.workflow, which also writes the CaseEvent and
the ``casework.*`` event); bad input raises DomainError with a message and writes nothing.

By topic: lists.py (the village's deliberation list), topics.py (propose, co-sign, steps, agenda), consultation.py
(comments and polls), tasks.py, rules.py (村规民约 and its signatures); _common.py holds the checks they share.
Every name is re-exported here (``deliberation.services.X``).
"""

from __future__ import annotations

from deliberation.services._common import household_of
from deliberation.services.consultation import comment_add, poll_answer, poll_close, poll_open
from deliberation.services.lists import DEFAULT_ENTRIES, entry_add, entry_update, list_ensure, list_settings
from deliberation.services.rules import (
    rules_create,
    rules_record_paper,
    rules_sign,
    rules_step,
    rules_to_agenda,
    rules_update,
)
from deliberation.services.tasks import task_create, task_step
from deliberation.services.topics import take_topic_step, topic_cosign, topic_propose, topic_step, topic_to_agenda

__all__ = [
    "DEFAULT_ENTRIES",
    "comment_add",
    "entry_add",
    "entry_update",
    "household_of",
    "list_ensure",
    "list_settings",
    "poll_answer",
    "poll_close",
    "poll_open",
    "rules_create",
    "rules_record_paper",
    "rules_sign",
    "rules_step",
    "rules_to_agenda",
    "rules_update",
    "take_topic_step",
    "task_create",
    "task_step",
    "topic_cosign",
    "topic_propose",
    "topic_step",
    "topic_to_agenda",
]
