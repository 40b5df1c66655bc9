"""The dashboard indicators of 三务公开 (SPEC §7, §10: disclosures), declared for ``core.indicators``: the notices
published and the villagers' questions answered in time. A notice and a question are placed in their village:
county, township and village only.

Not declared here: the calendar's 按时公开 (``transparency.disclosure``: each due period of each stream, done by a
notice covering it by the due date). Its denominator is the periods due, most of which have no row when nothing
was published, so it is not a count of one model's rows (see the report of the dashboards work)."""

from __future__ import annotations

from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from core import indicators as ind
from transparency.models import Notice, NoticeQuestion
from transparency.selectors import on_record

MODULE = _("Transparency (三务公开)")
LEVELS = (ind.COUNTY, ind.TOWNSHIP, ind.VILLAGE)

ANSWERED = Q(answered_at__isnull=False)
# a question still waiting whose deadline has passed counts as not answered in time
DUE = ANSWERED | Q(state="asked", deadline_at__lt=Now())


INDICATORS: list[ind.Indicator] = [
    ind.Indicator(
        key="transparency.notices_published",
        module=MODULE,
        name=_("Notices published"),
        definition=_(
            "The notices of the three streams (党务, 村务, 财务) published on the village's board in the period, by "
            "the moment they were published, that stay on record: still posted, ended after their window, or "
            "replaced by a published correction. Drafts, discarded drafts and notices withdrawn for another "
            "reason do not count (as on the disclosure calendar)."
        ),
        numerator=ind.Measure(Notice, date="published_at", filter=on_record()),
        numerator_label=_("notices published"),
        unit=ind.COUNT,
        levels=LEVELS,
        public=True,
        order=600,
    ),
    ind.Indicator(
        key="transparency.questions_in_time",
        module=MODULE,
        name=_("Questions answered in time"),
        definition=_(
            "Of the villagers' questions on notices asked in the period (by the moment asked) that are answered or "
            "whose deadline has passed (the county's working days to answer, 5 by default), the share answered by "
            "the deadline. A question still unanswered after its deadline counts as not answered in time; one "
            "still within its deadline is in neither figure."
        ),
        numerator=ind.Measure(NoticeQuestion, date="asked_at", filter=Q(answered_on_time=True)),
        denominator=ind.Measure(NoticeQuestion, date="asked_at", filter=DUE),
        numerator_label=_("answered in time"),
        denominator_label=_("questions answered or past their deadline"),
        levels=LEVELS,
        order=610,
    ),
]
