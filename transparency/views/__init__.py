"""Pages of 三务公开 for people who sign in: the notices of the village (write, check, publish, withdraw, with
attachments), a notice with its questions and answers, the reviewer's check queue, the questions waiting for an
answer, the disclosure calendar, the township's supervision page and the county's rules. Thin: reads go through
transparency.selectors (and disclosure), writes through transparency.services. The public pages (no login) are
transparency/public_views.py."""

from transparency.views.common import file_response, label, period_text, table_page
from transparency.views.lists import check_queue, notice_list, questions
from transparency.views.notices import (
    ask,
    attach,
    attachment,
    attachment_table,
    detach,
    detail,
    notice_create,
    notice_edit,
    notice_page,
    question_page,
)
from transparency.views.oversight import calendar, policy, supervision

__all__ = [
    "ask",
    "attach",
    "attachment",
    "attachment_table",
    "calendar",
    "check_queue",
    "detach",
    "detail",
    "file_response",
    "label",
    "notice_create",
    "notice_edit",
    "notice_list",
    "notice_page",
    "period_text",
    "policy",
    "question_page",
    "questions",
    "supervision",
    "table_page",
]
