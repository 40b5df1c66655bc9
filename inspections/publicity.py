"""The quarter's boards posted on the village's notice board (三务公开, stream 村务) through transparency.services, when
the cadre publishes a round with ``notice=True``: the 表扬栏 and the 曝光台 by name (通报、曝光, as the county's rules
say), and the village groups at the top and the bottom. The notice is written in the same transaction as the
publication: if the board refuses it (the posting window, a text it does not accept), nothing is published."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from inspections import selectors

POSTED_DAYS = 15


def body(rnd) -> str:
    data = selectors.board(rnd)

    def names(rows):
        return "、".join(f"{r.inspection.household.head_name}户（{r.inspection.score}）" for r in rows) or _("Nobody.")

    top = "、".join(g.name for g in data.groups if g.board == "top") or _("Nobody.")
    bottom = "、".join(g.name for g in data.groups if g.board == "bottom") or _("Nobody.")
    lines = [
        _("%(n)s households inspected on the scoring sheet %(sheet)s.") % {"n": len(data.rows), "sheet": rnd.sheet},
        "",
        _("Praise board (表扬栏)") + "：" + names(data.praise),
        "",
        _("Exposure board (曝光台)") + "：" + names(data.exposure),
        _("Each household on the exposure board is to rectify and is reinspected before %(day)s.")
        % {"day": selectors.recheck_deadline(rnd).isoformat()},
        "",
        _("Village groups at the top") + "：" + top,
        _("Village groups at the bottom") + "：" + bottom,
    ]
    return "\n".join(lines)


def post_notice(actor, rnd):
    """Publish the round's boards as a 村务 notice of its village and return the notice."""
    from transparency import services as notices
    from transparency.models import Stream
    from transparency.policy import policy_for

    now = timezone.now()
    today = timezone.localdate(now)
    start = selectors.quarter_start(rnd.year, rnd.quarter)
    end = selectors.next_quarter_start(rnd.year, rnd.quarter) - timedelta(days=1)
    days = max(POSTED_DAYS, policy_for(rnd.county_id).min_posting_days)
    notice = notices.notice_create(
        actor=actor,
        village=rnd.village,
        now=now,
        stream=Stream.VILLAGE,
        category=_("Seven goods of the courtyard"),
        title=(
            _("%(village)s: the seven goods, %(year)s Q%(quarter)s")
            % {
                "village": rnd.village.name,
                "year": rnd.year,
                "quarter": rnd.quarter,
            }
        )[:100],
        body=body(rnd),
        period_start=start,
        period_end=end,
        is_major=False,
    )
    notices.notice_step(
        actor=actor,
        notice=notice,
        step="publish",
        data={"posted_from": today, "posted_until": today + timedelta(days=days)},
        now=now,
    )
    return notice
