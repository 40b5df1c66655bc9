"""The rules the steps of a matter check, shared by the flows: the meeting that decides (with the quorum and
majority of the Organic Law), the public posting (公示) and its objections, the documents.

Each function is a guard or an effect of ``core.workflow`` (it receives the ``Step``: actor, locked case, data,
now) and raises ``DomainError`` with a Chinese message to refuse; nothing is written then.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError

MIN_DIBAO_PUBLICITY_DAYS = 7  # the 低保 notice stays up at least 7 days (最低生活保障审核确认办法 Art. 17)

# The bodies that may decide a matter, and their quorum as (numerator, denominator, strict):
# present * denominator must be > (strict) or >= numerator * members.
BODIES = {
    # 村民会议: more than half of the villagers aged 18+ (Organic Law Art. 22)
    "villagers": (gettext_lazy("Villagers' meeting (村民会议)"), 1, 2, True),
    # 村民代表会议: at least two thirds of its members (Art. 26)
    "representatives": (gettext_lazy("Villager representatives' meeting (村民代表会议)"), 2, 3, False),
    # 村民小组会议: at least two thirds of the group's adults or households (Art. 28)
    "group": (gettext_lazy("Villager group meeting (村民小组会议)"), 2, 3, False),
    # 党群议事会 (seed 003 #11): more than half of its members
    "council": (gettext_lazy("Party-and-people council (党群议事会)"), 1, 2, True),
}


def body_choices(kinds) -> list[tuple[str, str]]:
    return [(k, BODIES[k][0]) for k in kinds]


def subject_of(case) -> str:
    """The subject string under which the meetings app files motions about a matter."""
    return f"powers.case:{case.pk}"


def meetings_selector():
    """``meetings.selectors.motions_for_subject`` when the meetings app offers it, else None."""
    try:
        from meetings import selectors as meeting_selectors
    except ImportError:
        return None
    return getattr(meeting_selectors, "motions_for_subject", None)


def _int(value, field: str, errors: dict, *, minimum: int = 0) -> int | None:
    if value in (None, ""):
        errors[field] = _("This field is required.")
        return None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        errors[field] = _("Give a whole number.")
        return None
    if number < minimum:
        errors[field] = _("Give a number of at least %(n)s.") % {"n": minimum}
        return None
    return number


def _day(value, field: str, errors: dict) -> date | None:
    if value in (None, ""):
        errors[field] = _("This field is required.")
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        errors[field] = _("Give a date, e.g. 2026-06-01.")
        return None


def money(value, field: str, *, required: bool = True) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise DomainError({field: _("This field is required.")})
        return None
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError({field: _("Give an amount in yuan, e.g. 1200.50.")}) from None
    if not amount.is_finite() or amount < 0 or amount > Decimal("999999999999"):
        raise DomainError({field: _("Give an amount in yuan, e.g. 1200.50.")})
    return amount.quantize(Decimal("0.01"))


def meeting(*kinds: str):
    """A guard-and-effect recording the meeting that decided: an adopted motion of the meetings app when that
    app offers ``motions_for_subject``, otherwise the meeting's reference, date, body, members, present and votes
    for, checked against the body's quorum and a majority of those present."""

    def effect(step):
        data, case = step.data, step.case
        find = meetings_selector()
        if find is not None:
            motions = [m for m in find(step.actor, subject_of(case)) if getattr(m, "outcome", None) == "adopted"]
            wanted = str(data.get("motion") or "").strip()
            if wanted:
                motions = [m for m in motions if str(getattr(m, "pk", "")) == wanted]
            if not motions:
                raise DomainError(
                    {
                        "motion": _(
                            "No motion on this matter has been adopted at a meeting: put it to the meeting (meetings) "
                            "and record its adoption first."
                        )
                    }
                )
            motion = motions[0]
            meeting_obj = getattr(motion, "meeting", None)
            case.motion_ref = str(motion.pk)
            case.meeting_ref = str(getattr(meeting_obj, "title", "") or getattr(motion, "title", "") or motion)[:100]
            held = getattr(meeting_obj, "starts_at", None) or getattr(motion, "decided_at", None)
            if isinstance(held, datetime):
                held = timezone.localtime(held).date()
            case.meeting_date = held if isinstance(held, date) else None
            data.update(
                motion=case.motion_ref,
                meeting_ref=case.meeting_ref,
                meeting_date=case.meeting_date.isoformat() if case.meeting_date else "",
                outcome="adopted",
            )
            return ["motion_ref", "meeting_ref", "meeting_date"]
        errors: dict = {}
        body = str(data.get("body") or "").strip()
        if body not in kinds:
            errors["body"] = _("Choose the meeting that decided.")
        ref = str(data.get("meeting_ref") or "").strip()
        if not ref:
            errors["meeting_ref"] = _("This field is required.")
        elif len(ref) > 100:
            errors["meeting_ref"] = _("At most %(n)s characters.") % {"n": 100}
        held = _day(data.get("meeting_date"), "meeting_date", errors)
        members = _int(data.get("members"), "members", errors, minimum=1)
        present = _int(data.get("present"), "present", errors, minimum=1)
        votes_for = _int(data.get("votes_for"), "votes_for", errors)
        if held is not None and held > timezone.localtime(step.now).date():
            errors["meeting_date"] = _("The meeting cannot have been held in the future.")
        if errors:
            raise DomainError(errors)
        if present > members:
            raise DomainError({"present": _("More people present than members.")})
        if votes_for > present:
            raise DomainError({"votes_for": _("More votes for than people present.")})
        label, num, den, strict = BODIES[body]
        quorate = present * den > num * members if strict else present * den >= num * members
        if not quorate:
            raise DomainError(
                {
                    "present": _(
                        "The %(body)s had no quorum (%(present)s of %(members)s present): its vote does not decide."
                    )
                    % {"body": label, "present": present, "members": members}
                }
            )
        if votes_for * 2 <= present:
            raise DomainError(
                {
                    "votes_for": _(
                        "%(votes)s votes for out of %(present)s present is not a majority: the matter was not adopted. "
                        "Record the refusal instead."
                    )
                    % {"votes": votes_for, "present": present}
                }
            )
        case.meeting_ref, case.meeting_date = ref, held
        case.votes_for, case.votes_present = votes_for, present
        data.update(
            body=body,
            meeting_ref=ref,
            meeting_date=held.isoformat(),
            members=members,
            present=present,
            votes_for=votes_for,
            outcome="adopted",
        )
        return ["meeting_ref", "meeting_date", "votes_for", "votes_present"]

    return effect


# -- the public posting (公示) and its objections ------------------------------------------------------------


def posting_days(case) -> int:
    days = case.publicity_days
    if case.flow == "powers_dibao":
        days = max(days, MIN_DIBAO_PUBLICITY_DAYS)
    return days


def publicize(step):
    """Post the matter in the village: a de-identified 村务 notice, published through 三务公开, for at least the
    power's days of posting (7 for 低保)."""
    from powers import publicity

    case = step.case
    today = timezone.localtime(step.now).date()
    minimum = posting_days(case)
    errors: dict = {}
    until = _day(step.data.get("publicity_until"), "publicity_until", errors)
    if errors:
        raise DomainError(errors)
    earliest = today + timedelta(days=minimum)
    if until < earliest:
        raise DomainError(
            {
                "publicity_until": _("The matter is posted at least %(days)s days: post it until %(date)s or later.")
                % {"days": minimum, "date": earliest.isoformat()}
            }
        )
    if until > today + timedelta(days=60):
        raise DomainError({"publicity_until": _("A matter is posted for at most 60 days.")})
    case.publicity_from, case.publicity_until = today, until
    case.notice = publicity.post_notice(step.actor, case, kind="publicity", start=today, until=until, now=step.now)
    step.data.update(publicity_from=today.isoformat(), publicity_until=until.isoformat(), notice=case.notice.pk)
    return ["publicity_from", "publicity_until", "notice"]


def posting_over(step):
    case = step.case
    today = timezone.localtime(step.now).date()
    if case.publicity_until is None or today <= case.publicity_until:
        raise DomainError(
            _(
                "The matter is posted until %(date)s: it can go on only after the posting window is over, so that "
                "everyone could object."
            )
            % {"date": case.publicity_until.isoformat() if case.publicity_until else "—"},
            code="posting",
        )


def objections_answered(step):
    from powers.models import Objection

    open_count = Objection.objects.filter(case_id=step.case.pk, answer="").count()
    if open_count:
        raise DomainError(
            _("%(n)s objection raised during the posting has not been answered: answer it before the matter goes on.")
            % {"n": open_count},
            code="objection",
        )


def publish_result(step):
    """结果公开: the outcome posted in the village as a de-identified 村务 notice."""
    from powers import publicity

    case = step.case
    today = timezone.localtime(step.now).date()
    case.result_notice = publicity.post_notice(
        step.actor, case, kind="result", start=today, until=today + timedelta(days=posting_days(case)), now=step.now
    )
    step.data["notice"] = case.result_notice.pk
    return ["result_notice"]


def keep(field: str, source: str | None = None, *, max_length: int = 200):
    """An effect copying ``data[source]`` (a short text) onto the case's ``field``."""

    def effect(step):
        value = str(step.data.get(source or field) or "").strip()
        if len(value) > max_length:
            raise DomainError({source or field: _("At most %(n)s characters.") % {"n": max_length}})
        setattr(step.case, field, value)
        return [field]

    return effect


def long_text(*fields: str, max_length: int = 2000):
    def guard(step):
        for name in fields:
            if len(str(step.data.get(name) or "")) > max_length:
                raise DomainError({name: _("At most %(n)s characters.") % {"n": max_length}})

    return guard


def trade(step):
    """评估/公开交易: bidders, the winner and the winning price, which is not below the appraised or reserve price."""
    case, data = step.case, step.data
    price = money(data.get("winning_price"), "winning_price")
    bidders = _int(data.get("bidders"), "bidders", errors := {}, minimum=1)
    if errors:
        raise DomainError(errors)
    if case.reserve_price is not None and price < case.reserve_price:
        raise DomainError(
            {
                "winning_price": _("The winning price %(price)s is below the appraised price %(reserve)s.")
                % {"price": price, "reserve": case.reserve_price}
            }
        )
    winner = str(data.get("winner") or "").strip()
    if len(winner) > 100:
        raise DomainError({"winner": _("At most %(n)s characters.") % {"n": 100}})
    case.winning_price, case.winner = price, winner
    data.update(winning_price=str(price), bidders=bidders, winner=winner)
    return ["winning_price", "winner"]
