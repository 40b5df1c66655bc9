"""What the notice board shows of a payout (互助救助公示), de-identified (个人信息保护法 Art. 28): the masked name of
the person helped (张*), their village group, the kind of hardship and the amount, the date, never an ID number, a
phone, an address finer than the group, or what the illness or the situation was. The text is written here, not
typed, so nothing else can slip in; it is published through 三务公开 (transparency.services) as a 村务 notice, which
checks the text once more (transparency.privacy)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from core.masking import mask_name


def line(case) -> str:
    group = case.group.name if case.group_id else ""
    return _("%(name)s%(group)s, %(reason)s: %(amount)s yuan, paid on %(date)s") % {
        "name": mask_name(case.person.name),
        "group": f"（{group}）" if group else "",
        "reason": case.get_reason_display(),
        "amount": case.approved_amount,
        "date": case.paid_on.isoformat() if case.paid_on else "",
    }


def body(village, cases) -> str:
    total = sum(c.approved_amount for c in cases)
    rows = "\n".join(f"{i}. {line(c)}" for i, c in enumerate(cases, 1))
    return "\n\n".join(
        [
            _(
                "The mutual-aid association of %(village)s gave the following help from the village's mutual-aid "
                "fund (群众帮一点、政府补一点、社会捐一点), after the group leader's and the association's checks and "
                "the two committees' review:"
            )
            % {"village": village.name},
            rows,
            _("%(count)s in all, %(total)s yuan.") % {"count": len(cases), "total": total},
            _("Anyone with an objection may raise it with the village committee or on the platform."),
        ]
    )


def post_notice(actor, village, cases, *, now=None):
    """Publish the payouts' notice on the village board (stream 村务) and return it."""
    from transparency import services as notices
    from transparency.models import Stream

    now = now or timezone.now()
    today = timezone.localtime(now).date()
    days = [c.paid_on for c in cases if c.paid_on] or [today]
    until = today + timedelta(days=notices.policy_for(village.county_id).min_posting_days)
    notice = notices.notice_create(
        actor=actor,
        village=village,
        now=now,
        stream=Stream.VILLAGE,
        category=_("Mutual aid (邻里互助)"),
        title=_("Mutual-aid payouts of %(village)s") % {"village": village.name},
        body=body(village, cases),
        period_start=min(days),
        period_end=max(max(days), today),
        is_major=False,
    )
    notices.notice_step(
        actor=actor, notice=notice, step="publish", data={"posted_from": today, "posted_until": until}, now=now
    )
    return notice
