"""三务公开 API (/api/transparency): notices (list, detail with the steps the caller may take, write, change a
draft, attach files), questions (ask, the open ones, one's own), the disclosure calendar, the supervision board,
the county's rules, and the public board (no login).

A step — submit, check, return, publish, withdraw, discard a notice; answer a question — is taken through the
generic case API, ``POST /api/casework/cases/notice/<id>/steps/<step>`` and
``POST /api/casework/cases/notice_question/<id>/steps/answer`` (casework.api; publishing, withdrawing, discarding
and answering want ``"confirm": true``), which adds what ``notice_case`` and ``question_case`` give.

Same selectors and services as the pages: a notice outside the caller's scope is 404; a refused step answers
422 with the Chinese message and changes nothing.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import File, Router
from ninja.files import UploadedFile

from casework import steps
from core import scope
from core.api_types import Id, Page, PageSize, RegionCode, Year
from core.errors import DomainError, NotFound, PermissionDenied
from core.masking import mask_name
from core.roles import Action
from regions import selectors as region_selectors
from regions.models import Region, RegionLevel
from transparency import disclosure, selectors, services
from transparency.flows import NOTICE, NOTICE_QUESTION, PUBLIC_STATES
from transparency.models import Notice, NoticeQuestion, Stream
from transparency.policy import policy_for
from transparency.schemas import (
    AskIn,
    DisclosureCalendarOut,
    DisclosurePolicyIn,
    DisclosurePolicyOut,
    NoticeDetail,
    NoticeIn,
    NoticePage,
    NoticeUpdateIn,
    PublicBoardOut,
    PublicNoticeOut,
    QuestionOut,
    SupervisionOut,
)
from transparency.views import period_text

router = Router(tags=["transparency"])

MAX_PAGE_SIZE = 100


def _require(actor, *actions) -> None:
    if not any(scope.can(actor, a) for a in actions):
        raise PermissionDenied()


def _ref(region) -> dict | None:
    return {"id": region.pk, "name": region.name} if region is not None else None


def _row(notice: Notice, today=None) -> dict:
    today = today or timezone.localdate()
    return {
        "id": notice.pk,
        "number": notice.number,
        "village": _ref(notice.village),
        "stream": notice.stream,
        "stream_label": str(Stream(notice.stream).label),
        "category": notice.category,
        "title": notice.title,
        "period_start": notice.period_start,
        "period_end": notice.period_end,
        "period_label": period_text(notice),
        "is_major": notice.is_major,
        "state": notice.state,
        "state_label": NOTICE.state_label(notice.state),
        "posted_from": notice.posted_from,
        "posted_until": notice.posted_until,
        "on_board": notice.on_board(today),
        "published_at": notice.published_at,
        "version": notice.version,
    }


def _question(actor, q: NoticeQuestion, *, staff: bool, now=None) -> dict:
    now = now or timezone.now()
    return {
        "id": q.pk,
        "notice_id": q.notice_id,
        "asker": q.asker_name if (staff or q.asker_id == actor.pk) else mask_name(q.asker_name),
        "text": q.text,
        "asked_at": q.asked_at,
        "state": q.state,
        "state_label": NOTICE_QUESTION.state_label(q.state),
        "deadline_at": q.deadline_at,
        "overdue": q.state == "asked" and (q.overdue or (q.deadline_at is not None and q.deadline_at < now)),
        "answer": q.answer,
        "answered_at": q.answered_at,
        "answered_on_time": q.answered_on_time,
        "version": q.version,
    }


def _file(request, attachment, url: str) -> dict:
    return {
        "id": attachment.pk,
        "name": attachment.name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "url": request.build_absolute_uri(url),
    }


def _detail(request, notice: Notice) -> dict:
    actor = request.auth
    staff = selectors.is_staff(actor)
    data = _row(notice)
    public_url = None
    if notice.state in PUBLIC_STATES and notice.posted_from and notice.posted_from <= timezone.localdate():
        public_url = request.build_absolute_uri(
            reverse("transparency_public:notice", args=[notice.village.code, notice.pk])
        )
    data.update(
        {
            "body": notice.body,
            "updated_at": notice.updated_at,
            "withdraw_reason": notice.withdraw_reason if staff else "",
            "corrects_id": notice.corrects_id,
            "correction_reason": notice.correction_reason,
            "superseded_by_id": notice.superseded_by_id,
            "attachments": [
                _file(request, a, reverse("transparency:attachment", args=[a.pk]))
                for a in selectors.attachments(notice)
            ],
            "questions": [_question(actor, q, staff=staff) for q in selectors.questions(notice)],
            "steps": steps.describe(actor, notice, NOTICE),
            "public_url": public_url,
        }
    )
    return data


def notice_case(request, notice: Notice) -> dict:
    """What the generic case API (casework) adds for a notice (Flow.detail): its text, files and questions."""
    return {k: v for k, v in _detail(request, notice).items() if k != "steps"}


def question_case(request, question: NoticeQuestion) -> dict:
    """What the generic case API adds for a question (Flow.detail): the question, the asker (masked for
    others) and the answer."""
    actor = request.auth
    data = _question(actor, question, staff=selectors.is_staff(actor))
    return {k: v for k, v in data.items() if k != "overdue"}


def _fresh(actor, pk) -> Notice:
    return selectors.get(actor, pk)


# -- notices ----------------------------------------------------------------------------------------------------


@router.get(
    "/notices",
    response=NoticePage,
    summary=gettext_lazy("Notices the caller may see, latest period first, with filters"),
)
def notice_list(
    request,
    stream: str = "",
    state: str = "",
    village: Id | None = None,
    year: Year | None = None,
    q: str = "",
    page: Page = 1,
    page_size: PageSize = 20,
):
    actor = request.auth
    _require(actor, Action.TRANSPARENCY_VIEW)
    if stream and stream not in Stream.values:
        raise DomainError({"stream": _("Unknown stream; use one of: %(v)s.") % {"v": ", ".join(Stream.values)}})
    if state and state not in NOTICE.states:
        raise DomainError({"state": _("Unknown state; use one of: %(v)s.") % {"v": ", ".join(NOTICE.states)}})
    qs = selectors.search(actor, stream=stream, state=state, village=village, year=year, text=q.strip()[:50])
    page, page_size = max(page, 1), min(max(page_size, 1), MAX_PAGE_SIZE)
    today = timezone.localdate()
    rows = qs[(page - 1) * page_size : page * page_size]
    return {"count": qs.count(), "page": page, "page_size": page_size, "items": [_row(n, today) for n in rows]}


@router.get(
    "/notices/{int:notice_id}",
    response=NoticeDetail,
    summary=gettext_lazy("A notice with its files, questions and steps"),
)
def notice_detail(request, notice_id: Id):
    return _detail(request, _fresh(request.auth, notice_id))


@router.post("/notices", response={201: NoticeDetail}, summary=gettext_lazy("Write a draft notice (village cadre)"))
def notice_create(request, payload: NoticeIn):
    actor = request.auth
    _require(actor, Action.TRANSPARENCY_PUBLISH)
    village = Region.objects.filter(pk=payload.village_id, level=RegionLevel.VILLAGE).first()
    if village is None:
        raise NotFound()
    fields = payload.model_dump(exclude={"village_id"})
    notice = services.notice_create(actor=actor, village=village, **fields)
    return 201, _detail(request, _fresh(actor, notice.pk))


@router.put(
    "/notices/{int:notice_id}",
    response=NoticeDetail,
    summary=gettext_lazy(
        "Change a draft; send `version` and `changed_at` (updated_at) to be refused when it changed meanwhile"
    ),
)
def notice_update(request, notice_id: Id, payload: NoticeUpdateIn):
    actor = request.auth
    notice = _fresh(actor, notice_id)
    fields = payload.model_dump(exclude={"version", "changed_at"}, exclude_none=True)
    services.notice_update(actor=actor, notice=notice, version=payload.version, changed_at=payload.changed_at, **fields)
    return _detail(request, _fresh(actor, notice_id))


@router.post(
    "/notices/{int:notice_id}/attachments",
    response=NoticeDetail,
    summary=gettext_lazy(
        "Attach PDFs or images to a draft (multipart, field `files`, at most 10 MB each, 10 a notice)"
    ),
)
def notice_attach(request, notice_id: Id, files: File[list[UploadedFile]]):
    actor = request.auth
    services.notice_attach(actor=actor, notice=_fresh(actor, notice_id), files=files)
    return _detail(request, _fresh(actor, notice_id))


@router.delete(
    "/notices/{int:notice_id}/attachments/{int:attachment_id}",
    response=NoticeDetail,
    summary=gettext_lazy("Remove a file from a draft"),
)
def notice_detach(request, notice_id: Id, attachment_id: Id):
    actor = request.auth
    services.notice_detach(actor=actor, notice=_fresh(actor, notice_id), attachment_id=attachment_id)
    return _detail(request, _fresh(actor, notice_id))


@router.get(
    "/check-queue",
    response=list[NoticeDetail],
    summary=gettext_lazy("民主理财: financial notices waiting for the check"),
)
def check_queue(request):
    _require(request.auth, Action.TRANSPARENCY_CHECK)
    return [_detail(request, n) for n in selectors.check_queue(request.auth)[:MAX_PAGE_SIZE]]


# -- questions ------------------------------------------------------------------------------------------------


@router.get(
    "/notices/{int:notice_id}/questions", response=list[QuestionOut], summary=gettext_lazy("The questions on a notice")
)
def question_list(request, notice_id: Id):
    actor = request.auth
    notice = _fresh(actor, notice_id)
    staff = selectors.is_staff(actor)
    return [_question(actor, q, staff=staff) for q in selectors.questions(notice)]


@router.post(
    "/notices/{int:notice_id}/questions",
    response={200: QuestionOut, 201: QuestionOut},
    summary=gettext_lazy(
        "A villager asks a question on a notice of their village (idempotent by client_key: 200 when already received)"
    ),
)
def question_ask(request, notice_id: Id, payload: AskIn):
    actor = request.auth
    _require(actor, Action.TRANSPARENCY_ASK)
    notice = _fresh(actor, notice_id)
    question, created = services.question_ask(
        actor=actor, notice=notice, text=payload.text, client_key=payload.client_key
    )
    question = NoticeQuestion.objects.get(pk=question.pk)
    return (201 if created else 200), _question(actor, question, staff=False)


@router.get(
    "/questions/open", response=list[QuestionOut], summary=gettext_lazy("Questions waiting for the caller's answer")
)
def questions_open(request):
    _require(request.auth, Action.TRANSPARENCY_PUBLISH)
    now = timezone.now()
    return [_question(request.auth, q, staff=True, now=now) for q in selectors.open_questions(request.auth)[:200]]


@router.get("/questions/mine", response=list[QuestionOut], summary=gettext_lazy("The caller's own questions"))
def questions_mine(request):
    return [_question(request.auth, q, staff=False) for q in selectors.my_questions(request.auth)[:200]]


# -- the calendar, supervision, the county's rules --------------------------------------------------------------


def _slot(slot) -> dict:
    return {
        "stream": slot.stream,
        "label": slot.label,
        "start": slot.start,
        "end": slot.end,
        "due": slot.due,
        "status": slot.status,
        "status_label": slot.status_label,
        "published_on": slot.published_on,
        "notice_ids": [n.pk for n in slot.notices],
    }


def _year(year: int | None) -> int:
    today = timezone.localdate()
    year = year or today.year
    if not 2000 <= year <= today.year + 1:
        raise DomainError({"year": _("Give a year from 2000 to %(last)s.") % {"last": today.year + 1}})
    return year


@router.get(
    "/calendar",
    response=DisclosureCalendarOut,
    summary=gettext_lazy("公开日历 of a village: each period due, done or late"),
)
def calendar(request, village_id: Id, year: Year | None = None):
    actor = request.auth
    _require(actor, *selectors.CALENDAR_ACTIONS)
    village = next((v for v in selectors.calendar_villages(actor) if v.pk == village_id), None)
    if village is None:
        raise NotFound()
    cal = disclosure.village_calendar(village, _year(year))
    return {
        "village": _ref(village),
        "year": cal.year,
        "due_days": cal.policy.due_days,
        "slots": [_slot(s) for s in cal.slots],
        "major": [n.pk for n in cal.major],
        "late_count": cal.late_count,
        "done_late_count": cal.done_late_count,
    }


@router.get(
    "/supervision",
    response=SupervisionOut,
    summary=gettext_lazy("督办: overdue questions and late disclosures in the caller's villages, late ones first"),
)
def supervision(request, year: Year | None = None):
    actor = request.auth
    _require(actor, Action.TRANSPARENCY_SUPERVISE)
    year = _year(year)
    now = timezone.now()
    overview = disclosure.calendars(region_selectors.villages(actor, Action.TRANSPARENCY_SUPERVISE), year)
    return {
        "year": year,
        "overdue_questions": [
            _question(actor, q, staff=True, now=now) for q in selectors.overdue_questions(actor, now=now)[:200]
        ],
        "villages": [
            {
                "village": _ref(c.village),
                "township": _ref(c.village.township),
                "late_count": c.late_count,
                "done_late_count": c.done_late_count,
                "done_count": c.done_count,
                "late": [_slot(s) for s in c.late],
            }
            for c in overview
        ],
    }


def _policy_county(actor, county_id: int | None) -> Region:
    county = next((c for c in selectors.policy_counties(actor) if county_id in (None, c.pk)), None)
    if county is None:
        raise NotFound()
    return county


def _policy(county) -> dict:
    policy = policy_for(county)
    return {
        "county": _ref(county),
        **{f: getattr(policy, f) for f in policy.FIELDS},
        "is_default": policy.pk is None,
    }


@router.get(
    "/policy",
    response=DisclosurePolicyOut,
    summary=gettext_lazy("The county's disclosure rules (county administrator)"),
)
def policy_get(request, county_id: Id | None = None):
    _require(request.auth, Action.TRANSPARENCY_POLICY)
    return _policy(_policy_county(request.auth, county_id))


@router.put("/policy", response=DisclosurePolicyOut, summary=gettext_lazy("Set the county's disclosure rules"))
def policy_put(request, payload: DisclosurePolicyIn, county_id: Id | None = None):
    _require(request.auth, Action.TRANSPARENCY_POLICY)
    county = _policy_county(request.auth, county_id)
    services.policy_save(actor=request.auth, county=county, **payload.model_dump())
    return _policy(county)


# -- the public board (no login) --------------------------------------------------------------------------------


def _public_notice(request, village, notice, today) -> dict:
    return {
        "id": notice.pk,
        "stream": notice.stream,
        "stream_label": str(Stream(notice.stream).label),
        "category": notice.category,
        "title": notice.title,
        "body": notice.body,
        "period_start": notice.period_start,
        "period_end": notice.period_end,
        "period_label": period_text(notice),
        "is_major": notice.is_major,
        "posted_from": notice.posted_from,
        "posted_until": notice.posted_until,
        "on_board": notice.on_board(today),
        "corrects_id": notice.corrects_id,
        "correction_reason": notice.correction_reason,
        "superseded_by_id": notice.superseded_by_id,
        "attachments": [
            _file(request, a, reverse("transparency_public:attachment", args=[village.code, notice.pk, a.pk]))
            for a in notice.attachments.all()
        ],
        "questions": [
            {"asker": mask_name(q.asker_name), "text": q.text, "answer": q.answer, "answered_at": q.answered_at}
            for q in notice.questions.all()
        ],
    }


@router.get(
    "/public/{village_code}/notices",
    auth=None,
    response=PublicBoardOut,
    summary=gettext_lazy(
        "A village's public notice board (no login): notices on the board now in full, the archive listed"
    ),
)
def public_board(request, village_code: RegionCode):
    village = selectors.public_board(village_code)
    today = timezone.localdate()
    return {
        "village": village.name,
        "village_code": village.code,
        "current": [_public_notice(request, village, n, today) for n in selectors.public_current(village, today)],
        "archive": [
            {
                "id": n.pk,
                "stream": n.stream,
                "stream_label": str(Stream(n.stream).label),
                "title": n.title,
                "period_start": n.period_start,
                "period_end": n.period_end,
                "period_label": period_text(n),
                "posted_from": n.posted_from,
                "posted_until": n.posted_until,
                "superseded_by_id": n.superseded_by_id,
            }
            for n in selectors.public_archive(village, today)[:400]
        ],
    }


@router.get(
    "/public/{village_code}/notices/{int:notice_id}",
    auth=None,
    response=PublicNoticeOut,
    summary=gettext_lazy("One public notice with its files and answered questions (askers masked); no login"),
)
def public_notice(request, village_code: RegionCode, notice_id: Id):
    village = selectors.public_board(village_code)
    today = timezone.localdate()
    return _public_notice(request, village, selectors.public_notice(village, notice_id, today), today)
