"""What the scheduled ``run_deadlines`` does for 三务公开, after the engine's own run of each flow:

- ``notice``: the system ends every published notice whose posting window is over (state ``ended``; it stays in
  the public archive);
- ``notice_question``: the engine has flagged each question not answered within its working days (an
  ``overdue`` event); the village's cadres and the township's officials are told once per question. (The
  steps' own notifications are declared on the flows: ``notify=`` in transparency/flows.py.)
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core import notifications, workflow
from core.roles import Role
from transparency.models import NoticeQuestion

# told when a question is flagged overdue: whoever holds these roles over the question's village
TOLD_WHEN_OVERDUE = (Role.VILLAGE_CADRE, Role.TOWNSHIP_OFFICIAL)


def after_deadline_run(flow: str, report, now) -> dict:
    if flow == "notice":
        from transparency.services import end_expired_notices

        return {"ended": len(end_expired_notices(now))}
    told = 0
    for question in NoticeQuestion.objects.filter(pk__in=report.flagged).select_related("notice"):
        text = _("A question on “%(title)s” was not answered in time (deadline %(deadline)s).") % {
            "title": question.notice.title,
            "deadline": date_format(timezone.localtime(question.deadline_at), "Y-m-d H:i"),
        }
        told += notifications.notify(
            sorted(workflow.recipients(TOLD_WHEN_OVERDUE, question)),
            kind="overdue",
            text=text,
            url=question.get_absolute_url(),
            key=f"question:{question.pk}:overdue",
        )
    return {"told": told}
