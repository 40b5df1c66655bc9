"""What a matter shows in public (公示 and 结果公开), de-identified (个人信息保护法 Art. 28, 34, 73; SPEC §12).

A 低保 status is sensitive personal information: the village notice names the household only by the masked name
of its head (王*), with the number of people and the village — never an ID number, a phone, a bank account, an
address finer than the village, the declared income or the reason given. The notice is written here, not typed
by a cadre, so nothing else can slip in; it is published through 三务公开 (transparency.services) as a 村务 notice,
which checks the text once more (transparency.privacy).
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.masking import mask_name


def public_name(case) -> str:
    """The name a public notice may show: the masked name of the household's head, or the village's matter."""
    if case.household_id:
        head = case.household.head_name or case.applicant_name
        return mask_name(head) or _("a household")
    return ""


def _deidentified(case, text: str) -> str:
    """``text`` (a meeting's title or reference, typed by people) with the names of the household's people and of
    the applicant masked as on the rest of the notice: a cadre naming the meeting after the matter (低保评议 · 王建国)
    must not put the full name on the board."""
    if not case.household_id or not text:
        return text
    names = {case.household.head_name, case.applicant_name}
    names.update(case.household.members.values_list("name", flat=True))
    for name in sorted((n for n in names if n and len(n) >= 2), key=len, reverse=True):
        text = text.replace(name, mask_name(name))
    return text


def _meeting_line(case) -> str:
    if case.motion_ref:
        if case.meeting_date:
            return _("Adopted on %(date)s at %(meeting)s.") % {
                "date": case.meeting_date.isoformat(),
                "meeting": _deidentified(case, case.meeting_ref),
            }
        return _("Adopted at a meeting: %(meeting)s.") % {"meeting": _deidentified(case, case.meeting_ref)}
    if case.meeting_date and case.votes_present:
        return _("Adopted on %(date)s: %(for)s of %(present)s present voted for.") % {
            "date": case.meeting_date.isoformat(),
            "for": case.votes_for,
            "present": case.votes_present,
        }
    return ""


def lines(case, kind: str) -> list[tuple[str, str]]:
    """The facts a notice shows, as (label, value) pairs."""
    village = case.village.name
    rows: list[tuple[str, str]] = [(_("Matter"), case.power.name)]
    if case.household_id:
        rows.append((_("Household"), public_name(case)))
        if case.flow == "powers_dibao" and case.household_size:
            rows.append((_("People in the household"), str(case.household_size)))
        if case.flow == "powers_homestead" and case.area:
            rows.append((_("Area applied for (m²)"), str(case.area)))
        rows.append((_("Village"), village))
    else:
        rows.append((pgettext("small-power matter", "Subject"), case.title))
        rows.append((_("Village"), village))
        if case.asset_deal:
            rows.append((_("Kind of disposal"), str(case.get_asset_deal_display())))
        if case.reserve_price is not None:
            rows.append((_("Appraised or reserve price (yuan)"), str(case.reserve_price)))
    meeting = _meeting_line(case)
    if meeting:
        rows.append((_("Decision"), meeting))
    if kind == "result":
        if case.winner:
            rows.append((_("Winning bidder"), case.winner))
        if case.winning_price is not None:
            rows.append((_("Winning price (yuan)"), str(case.winning_price)))
        if case.contract_ref:
            rows.append((_("Contract number"), case.contract_ref))
        if case.decision_ref:
            rows.append((_("Approval document number"), case.decision_ref))
        rows.append((_("Result"), _deidentified(case, case.outcome) if case.outcome else _("Approved")))
    return rows


def title(case, kind: str) -> str:
    if kind == "result":
        return _("Result of %(power)s") % {"power": case.power.name}
    return _("Public posting: %(power)s") % {"power": case.power.name}


def body(case, kind: str, start: date, until: date) -> str:
    text = "\n".join(f"{label}：{value}" for label, value in lines(case, kind))
    if kind == "publicity":
        text += "\n\n" + _(
            "Posted from %(from)s to %(until)s. Anyone with an objection may raise it with the village committee or "
            "on the platform during the posting."
        ) % {"from": start.isoformat(), "until": until.isoformat()}
    else:
        text += "\n\n" + _("Posted from %(from)s to %(until)s.") % {
            "from": start.isoformat(),
            "until": until.isoformat(),
        }
    return text


def post_notice(actor, case, *, kind: str, start: date, until: date, now=None):
    """Publish the matter's notice on the village board (三务公开, stream 村务) and return it."""
    from transparency import services as notices
    from transparency.models import Stream

    now = now or timezone.now()
    today = timezone.localtime(now).date()
    notice = notices.notice_create(
        actor=actor,
        village=case.village,
        now=now,
        stream=Stream.VILLAGE,
        category=_("Small-power matters (小微权力)"),
        title=title(case, kind)[:100],
        body=body(case, kind, start, until),
        period_start=today,
        period_end=today,
        is_major=False,
    )
    notices.notice_step(
        actor=actor,
        notice=notice,
        step="publish",
        data={"posted_from": start, "posted_until": until},
        now=now,
    )
    return notice
