"""议事协商 API (/api/deliberation): the village's deliberation list, topics (propose, co-sign, agenda of a meeting),
online consultation (comments, non-binding polls), decisions and their tasks, the village rules (draft, agenda,
signatures), the township's queue, and the public decisions of a village (no login).

The steps of 六步议事, 四议两公开, a task and the village rules are taken through casework's generic step endpoint
(``POST /api/casework/cases/<flow>/<id>/steps/<step>``, the flows ``deliberation_six``, ``deliberation_four``,
``deliberation_task``, ``village_rules``); ``steps`` of a topic, task or rules version here say which the caller may
take now, with their fields (casework.steps.describe), and the generic case answer carries this module's keys
(``topic_case``, ``task_case``, ``rules_case``).

Same selectors and services as the pages: a row outside the caller's scope is 404; a refused step answers 422 with
the message and changes nothing. One router (``_common.router``); the modules by topic register their operations on
it when this package is imported: lists.py, topics.py, tasks.py, rules.py, public.py.
"""

from __future__ import annotations

from deliberation.api._common import MAX_PAGE_SIZE, router
from deliberation.api.lists import list_entry_add, list_entry_update, list_get, list_keep, list_settings
from deliberation.api.public import public, rules_case, task_case, topic_case
from deliberation.api.rules import (
    review_queue,
    rules_agenda,
    rules_comment,
    rules_create,
    rules_detail,
    rules_list,
    rules_paper,
    rules_sign,
    rules_signatures,
    rules_update,
)
from deliberation.api.tasks import decision_detail, task_create, task_detail, task_list
from deliberation.api.topics import (
    poll_answer,
    poll_close,
    poll_open,
    topic_agenda,
    topic_comment,
    topic_cosign,
    topic_detail,
    topic_list,
    topic_propose,
)

__all__ = [
    "MAX_PAGE_SIZE",
    "decision_detail",
    "list_entry_add",
    "list_entry_update",
    "list_get",
    "list_keep",
    "list_settings",
    "poll_answer",
    "poll_close",
    "poll_open",
    "public",
    "review_queue",
    "router",
    "rules_agenda",
    "rules_case",
    "rules_comment",
    "rules_create",
    "rules_detail",
    "rules_list",
    "rules_paper",
    "rules_sign",
    "rules_signatures",
    "rules_update",
    "task_case",
    "task_create",
    "task_detail",
    "task_list",
    "topic_agenda",
    "topic_case",
    "topic_comment",
    "topic_cosign",
    "topic_detail",
    "topic_list",
    "topic_propose",
]
