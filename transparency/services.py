"""Writes of 三务公开. Every function checks the actor's scope (outside it: NotFound, answered as 404), runs in one
transaction and records an audit event (steps go through core.workflow, which writes the CaseEvent and the
``casework.*`` audit event); bad input raises DomainError with a Chinese message and writes nothing.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, scope, workflow
from core.errors import DomainError, NotFound
from core.fields import clean_text as _text
from core.roles import Action
from regions.models import Region, RegionLevel
from registry.models import Person
from transparency import selectors
from transparency.files import MAX_FILES, prepare_documents, store_documents
from transparency.flows import EDITABLE_STATES, NOTICE, NOTICE_QUESTION, PUBLIC_STATES
from transparency.models import (
    STATEMENT_CATEGORY,
    XLSX,
    Cadence,
    DisclosurePolicy,
    Notice,
    NoticeAttachment,
    NoticeQuestion,
    Stream,
)
from transparency.policy import policy_for
from transparency.privacy import check_public_text

NOTICE_FIELDS = [
    "stream",
    "category",
    "title",
    "body",
    "period_start",
    "period_end",
    "is_major",
    "posted_from",
    "posted_until",
]
MAX_BODY = 20000


# -- checks ---------------------------------------------------------------------------------------------------


def _date(value, field: str, *, required: bool = True) -> date | None:
    if value in (None, ""):
        if required:
            raise DomainError({field: _("This field is required.")})
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise DomainError({field: _("Give a date, e.g. 2026-06-01.")}) from None


def _moment(value):
    """A timestamp sent back by a page or a client (ISO 8601, 'Z' allowed); None when it is not one."""
    if isinstance(value, datetime):
        return value
    try:
        moment = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _village(actor, village, action: str) -> Region:
    if village is None or getattr(village, "level", None) != RegionLevel.VILLAGE:
        raise NotFound()
    if not scope.region_in_scope(actor, action, village):
        raise NotFound()
    return village


def _lock(actor, notice: Notice, action: str = Action.TRANSPARENCY_PUBLISH) -> Notice:
    locked = Notice.objects.select_for_update().filter(pk=getattr(notice, "pk", notice)).first()
    if locked is None or not scope.in_scope(actor, action, locked):
        raise NotFound()
    return locked


def _clean_notice(data: dict, *, county_id: int) -> dict:
    """The notice's own fields, checked; the planned posting window is checked again when it is published."""
    errors: dict[str, str] = {}
    out: dict = {}
    for key, check in (
        ("stream", lambda v: v if v in Stream.values else _raise("stream", _("Choose the stream."))),
        ("category", lambda v: _text(v, "category", max_length=50, required=False)),
        ("title", lambda v: _text(v, "title", max_length=100)),
        ("body", lambda v: _text(v, "body", max_length=MAX_BODY)),
        ("period_start", lambda v: _date(v, "period_start")),
        ("period_end", lambda v: _date(v, "period_end")),
        ("posted_from", lambda v: _date(v, "posted_from", required=False)),
        ("posted_until", lambda v: _date(v, "posted_until", required=False)),
    ):
        try:
            out[key] = check(data.get(key))
        except DomainError as exc:
            errors.update({k: v for k, v in exc.message_dict.items()})
    out["is_major"] = bool(data.get("is_major"))
    if errors:
        raise DomainError(errors)
    if out["period_end"] < out["period_start"]:
        raise DomainError({"period_end": _("The period ends before it starts.")})
    if (out["period_end"] - out["period_start"]).days > 3 * 366:
        raise DomainError({"period_end": _("A notice covers at most three years.")})
    start, end = out["posted_from"], out["posted_until"]
    if end is not None:
        minimum = policy_for(county_id).min_posting_days
        earliest = (start or timezone.localdate()) + timedelta(days=minimum)
        if end < earliest:
            raise DomainError(
                {
                    "posted_until": _("A notice stays up at least %(days)s days: post it until %(date)s or later.")
                    % {"days": minimum, "date": earliest.isoformat()}
                }
            )
    check_public_text(title=out["title"], body=out["body"])
    return out


def _raise(field: str, message: str):
    raise DomainError({field: message})


# -- notices --------------------------------------------------------------------------------------------------


def notice_create(
    *,
    actor,
    village: Region,
    attachments=(),
    tables=(),
    corrects=None,
    correction_reason="",
    now=None,
    **fields,
) -> Notice:
    """A draft notice of ``village`` by a village cadre (with its attachments).

    ``tables``: (name, bytes) of .xlsx tables the platform generated for the notice (the entries of a financial
    disclosure), attached as they are and shown as table pages. ``corrects``: the earlier notice this one
    corrects (更正), with ``correction_reason`` (required): once published, it supersedes that notice."""
    village = _village(actor, village, Action.TRANSPARENCY_PUBLISH)
    data = _clean_notice(fields, county_id=village.county_id)
    files = prepare_documents(attachments)
    generated = _generated_tables(tables, already=len(files))
    now = now or timezone.now()
    notice = Notice(author=actor, created_at=now, updated_at=now, **data)
    notice.place_in(village)
    with transaction.atomic():
        if corrects is not None:
            notice.corrects, notice.correction_reason = _correctable(corrects, notice, correction_reason)
        _one_statement(notice)
        workflow.start(actor=actor, case=notice, flow=NOTICE, note=data["title"], now=now)
        after = audit.snapshot(notice, NOTICE_FIELDS)
        if notice.corrects_id:
            after.update(corrects=notice.corrects_id, correction_reason=notice.correction_reason)
        audit.record(actor, "transparency.notice.create", notice, after=after)
        _store_files(actor, notice, files)
        _store_tables(actor, notice, generated)
    return notice


def _one_statement(notice: Notice) -> None:
    """A period's financial statement (stream 财务, category 收支明细: the monthly disclosure) is on the platform once
    per village: another for an overlapping period is refused, unless it corrects that one (更正), so two different
    statements of a month are never public at once. Drafts count (discard one to write another); withdrawn and
    superseded notices do not. Checked under the village's row lock."""
    if notice.stream != Stream.FINANCE or notice.category != STATEMENT_CATEGORY:
        return
    Region.objects.select_for_update().filter(pk=notice.village_id).first()
    clash = (
        Notice.objects.filter(
            village_id=notice.village_id,
            stream=Stream.FINANCE,
            category=STATEMENT_CATEGORY,
            period_start__lte=notice.period_end,
            period_end__gte=notice.period_start,
        )
        .exclude(state="withdrawn")
        .exclude(pk__in=[pk for pk in (notice.pk, notice.corrects_id) if pk])
        .order_by("pk")
        .first()
    )
    if clash is not None:
        raise DomainError(
            _(
                "The financial statement (收支明细) of this period is already on the platform: notice %(number)s, "
                "“%(title)s”. A period's statement is disclosed once: correct that notice (更正) instead, or discard "
                "it if it is still a draft."
            )
            % {"number": clash.number, "title": clash.title},
            code="statement",
        )


def _correctable(corrects, notice: Notice, reason) -> tuple[Notice, str]:
    """The notice a new one corrects, locked: of the same village and stream, once on the board, not superseded
    and not being corrected by another notice; the reason is required (it is public)."""
    reason = _text(reason, "correction_reason", max_length=300)
    check_public_text(correction_reason=reason)
    old = Notice.objects.select_for_update().filter(pk=getattr(corrects, "pk", corrects)).first()
    if old is None or old.village_id != notice.village_id:
        raise NotFound()
    if old.stream != notice.stream:
        raise DomainError({"corrects": _("A correction is in the same stream as the notice it corrects.")})
    if old.published_at is None:
        raise DomainError(
            _("Only a notice that has been published is corrected; change or discard the draft instead."),
            code="state",
        )
    if old.superseded_by_id is not None:
        raise DomainError(_("This notice has already been superseded by a correction."), code="superseded")
    pending = old.corrections.exclude(state="withdrawn").first()
    if pending is not None:
        raise DomainError(
            _("A correction of this notice is already under way (notice %(number)s).") % {"number": pending.number},
            code="pending",
        )
    return old, reason


def _generated_tables(tables, *, already: int) -> list[tuple[str, bytes]]:
    """Tables the platform wrote (.xlsx, a zip by its content); a notice has at most MAX_FILES attachments."""
    tables = list(tables or ())
    if already + len(tables) > MAX_FILES:
        raise DomainError({"files": _("A notice has at most %(n)s attachments.") % {"n": MAX_FILES}})
    for name, content in tables:
        if not str(name).endswith(".xlsx") or bytes(content[:4]) != b"PK\x03\x04":
            raise DomainError({"files": _("“%(name)s” is not an .xlsx table.") % {"name": name}})
    return tables


def _store_tables(actor, notice: Notice, tables) -> None:
    stored = []
    for name, content in tables:
        stored.append(
            NoticeAttachment.objects.create(
                notice=notice,
                file=ContentFile(content, name=name),
                name=name[:200],
                size=len(content),
                content_type=XLSX,
                uploaded_by=actor,
            )
        )
    if stored:
        audit.record(
            actor,
            "transparency.notice.attach",
            notice,
            after={"files": [f"{a.name} ({a.content_type}, {a.size} B)" for a in stored]},
        )


@transaction.atomic
def notice_update(*, actor, notice: Notice, version: int | None = None, changed_at=None, **fields) -> Notice:
    """Change a draft (a notice being checked or published is not changed: send it back, or withdraw it).
    ``version`` (the case's step count) and ``changed_at`` (its last edit, ISO) are what the writer was looking at:
    if either moved meanwhile, the change is refused rather than written over someone else's."""
    locked = _lock(actor, notice)
    seen = _moment(changed_at) if changed_at not in (None, "") else None
    # JSON clients get the time to the millisecond: a difference below that is the same moment
    moved = changed_at not in (None, "") and (
        seen is None or abs(seen - locked.updated_at) >= timedelta(milliseconds=1)
    )
    if (version is not None and locked.version != version) or moved:
        raise DomainError(
            _("Someone else changed this notice meanwhile; it is now “%(state)s”. Look at it again before you act.")
            % {"state": NOTICE.state_label(locked.state)},
            code="stale",
        )
    if locked.state not in EDITABLE_STATES:
        raise DomainError(
            _("Only a draft can be changed; this notice is “%(state)s”.") % {"state": NOTICE.state_label(locked.state)},
            code="state",
        )
    data = _clean_notice({**{k: getattr(locked, k) for k in NOTICE_FIELDS}, **fields}, county_id=locked.county_id)
    before = audit.snapshot(locked, NOTICE_FIELDS)
    for key, value in data.items():
        setattr(locked, key, value)
    _one_statement(locked)
    locked.updated_at = timezone.now()
    locked.save(update_fields=[*NOTICE_FIELDS, "updated_at"])
    old, new = audit.diff(before, audit.snapshot(locked, NOTICE_FIELDS))
    if new:
        audit.record(actor, "transparency.notice.update", locked, before=old, after=new)
    return locked


def _store_files(actor, notice: Notice, files) -> list[NoticeAttachment]:
    return store_documents(
        actor, files, NoticeAttachment, owner=notice, action="transparency.notice.attach", notice=notice
    )


@transaction.atomic
def notice_attach(*, actor, notice: Notice, files) -> list[NoticeAttachment]:
    """Attach PDFs or images to a draft."""
    locked = _lock(actor, notice)
    if locked.state not in EDITABLE_STATES:
        raise DomainError({"files": _("Files are attached to a draft only.")})
    files = prepare_documents(files, already=locked.attachments.count())
    if not files:
        raise DomainError({"files": _("Choose a file.")})
    return _store_files(actor, locked, files)


@transaction.atomic
def notice_detach(*, actor, notice: Notice, attachment_id: int) -> None:
    """Remove an attachment from a draft (a published notice keeps what it was published with)."""
    locked = _lock(actor, notice)
    attachment = locked.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound()
    if locked.state not in EDITABLE_STATES:
        raise DomainError(_("Files are removed from a draft only."))
    if attachment.is_table:
        raise DomainError(_("A table the platform generated for this notice stays with it."))
    name, stored = attachment.name, attachment.file.name
    attachment.delete()
    audit.record(actor, "transparency.notice.detach", locked, before={"file": name})
    transaction.on_commit(lambda: attachment.file.storage.delete(stored))


def notice_step(*, actor, notice: Notice, step: str, data: dict | None = None, note: str = "", version=None, now=None):
    """Take a step of the notice procedure (submit, check, return, publish, withdraw, discard) through the engine,
    which checks the step's declared fields and tells the people it names (transparency.flows). ``data``:
    ``posted_from``/``posted_until`` to publish, ``reason`` to withdraw or send back."""
    if step not in NOTICE.transitions or step in ("end", "supersede"):
        raise DomainError(_("There is no step “%(step)s” in this procedure.") % {"step": step}, code="unknown")
    return workflow.transition(
        actor=actor,
        case=notice,
        flow=NOTICE,
        name=step,
        data=dict(data or {}),
        note=note,
        expected_version=version,
        now=now,
    )


def end_expired_notices(now=None) -> list[int]:
    """The system ends every published notice whose posting window is over (run with the scheduled deadline run)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    ended = []
    for pk in Notice.objects.filter(state="published", posted_until__lt=today).values_list("pk", flat=True):
        notice = Notice(pk=pk)
        try:
            workflow.transition(
                actor=None,
                case=notice,
                flow=NOTICE,
                name="end",
                note=_("The posting window is over."),
                now=now,
            )
        except (DomainError, NotFound):  # withdrawn or ended meanwhile
            continue
        ended.append(pk)
    return ended


# -- questions ------------------------------------------------------------------------------------------------


def _asker_name(actor) -> str:
    person = Person.objects.filter(user=actor).only("name").first()
    return (person.name if person else "") or actor.display_name or actor.username


def question_ask(*, actor, notice: Notice, text, client_key: str = "", now=None) -> tuple[NoticeQuestion, bool]:
    """村民质询: a villager of the notice's village asks a question; the village answers within the county's
    working days. The same ``client_key`` again returns the stored question. Returns (question, created)."""
    client_key = (client_key or "").strip()[:64]
    if client_key:
        existing = NoticeQuestion.objects.filter(asker=actor, client_key=client_key).first()
        if existing is not None:
            return existing, False
    notice = Notice.objects.filter(pk=getattr(notice, "pk", notice)).first()
    household = selectors.asker_household(actor, notice.village_id) if notice is not None else None
    posted = notice is not None and notice.posted_from is not None and notice.posted_from <= timezone.localdate()
    if notice is None or household is None or notice.state not in PUBLIC_STATES or not posted:
        raise NotFound()
    text = _text(text, "text", max_length=500)
    check_public_text(text=text)
    now = now or timezone.now()
    question = NoticeQuestion(
        notice=notice,
        household=household,
        asker=actor,
        asker_name=_asker_name(actor)[:50],
        text=text,
        asked_at=now,
        answer_days=policy_for(notice.county_id).answer_days,
        client_key=client_key,
    )
    question.place_in(notice.village)
    try:
        with transaction.atomic():
            workflow.start(actor=actor, case=question, flow=NOTICE_QUESTION, note=text, now=now)
            audit.record(
                actor,
                "transparency.question.ask",
                question,
                after={"notice": notice.pk, "text": text, "answer_days": question.answer_days},
            )
    except IntegrityError:
        if not client_key:
            raise
        existing = NoticeQuestion.objects.filter(asker=actor, client_key=client_key).first()
        if existing is None:
            raise
        return existing, False
    return question, True


def question_answer(*, actor, question: NoticeQuestion, answer, version=None, now=None):
    """The village's answer (public on the notice, with the asker's name masked); the asker is told (flows)."""
    return workflow.transition(
        actor=actor,
        case=question,
        flow=NOTICE_QUESTION,
        name="answer",
        data={"answer": answer},
        expected_version=version,
        now=now,
    )


# -- the county's rules ---------------------------------------------------------------------------------------


def _whole(value, field: str, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
        if isinstance(value, float) or isinstance(value, bool):
            raise ValueError
    except (TypeError, ValueError):
        raise DomainError({field: _("Enter a whole number.")}) from None
    if not low <= number <= high:
        raise DomainError({field: _("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high}})
    return number


@transaction.atomic
def policy_save(
    *,
    actor,
    county: Region,
    min_posting_days,
    answer_days,
    finance_cadence,
    village_cadence,
    party_cadence,
    due_days,
) -> DisclosurePolicy:
    """The county administrator sets the disclosure rules (posting days, answer days, the calendar)."""
    if county is None or county.level != RegionLevel.COUNTY:
        raise NotFound()
    if not scope.region_in_scope(actor, Action.TRANSPARENCY_POLICY, county):
        raise NotFound()
    errors = {}
    values = {}
    for field, value, low, high in (
        ("min_posting_days", min_posting_days, 1, 60),
        ("answer_days", answer_days, 1, 30),
        ("due_days", due_days, 0, 60),
    ):
        try:
            values[field] = _whole(value, field, low, high)
        except DomainError as exc:
            errors.update(exc.message_dict)
    for field, value in (
        ("finance_cadence", finance_cadence),
        ("village_cadence", village_cadence),
        ("party_cadence", party_cadence),
    ):
        if value not in Cadence.values:
            errors[field] = _("Choose monthly or quarterly.")
        values[field] = value
    if errors:
        raise DomainError(errors)
    policy = DisclosurePolicy.objects.select_for_update().filter(county=county).first()
    before = audit.snapshot(policy, DisclosurePolicy.FIELDS) if policy else None
    policy = policy or DisclosurePolicy(county=county)
    for key, value in values.items():
        setattr(policy, key, value)
    policy.updated_by, policy.updated_at = actor, timezone.now()
    policy.save()
    old, new = audit.diff(before, audit.snapshot(policy, DisclosurePolicy.FIELDS))
    if new:
        audit.record(actor, "transparency.policy.save", policy, before=old, after=new, region=county)
    return policy
