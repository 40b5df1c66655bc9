"""Pages of 三务公开 for people who sign in: the notices of the village (write, check, publish, withdraw, with
attachments), a notice with its questions and answers, the reviewer's check queue, the questions waiting for an
answer, the disclosure calendar, the township's supervision page and the county's rules. Thin: reads go through
transparency.selectors (and disclosure), writes through transparency.services. The public pages (no login) are
transparency/public_views.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from casework import steps
from core import formats, scope, workflow
from core.errors import DomainError
from core.masking import mask_name
from core.roles import Action
from core.views import api_twin, apply_domain_errors, messages_from, paginate, require_action
from core.views import file_response as core_file_response
from regions import selectors as region_selectors
from regions.models import Region, RegionLevel
from transparency import disclosure, selectors, services
from transparency.flows import EDITABLE_STATES, NOTICE, NOTICE_QUESTION, PUBLIC_STATES
from transparency.forms import (
    CATEGORY_SUGGESTIONS,
    PRIVACY_REMINDER,
    AskForm,
    AttachForm,
    NoticeForm,
    PolicyForm,
    default_period,
    period_value,
)
from transparency.models import STREAM_ORDER, DisclosurePolicy, Stream
from transparency.policy import policy_for

LINKS = [
    ("transparency:list", gettext_lazy("Notices"), (Action.TRANSPARENCY_VIEW,)),
    ("transparency:create", gettext_lazy("Write a notice"), (Action.TRANSPARENCY_PUBLISH,)),
    ("transparency:questions", gettext_lazy("Questions"), (Action.TRANSPARENCY_PUBLISH, Action.TRANSPARENCY_ASK)),
    ("transparency:check_queue", gettext_lazy("To check"), (Action.TRANSPARENCY_CHECK,)),
    (
        "transparency:calendar",
        gettext_lazy("Disclosure calendar"),
        (Action.TRANSPARENCY_PUBLISH, Action.TRANSPARENCY_CHECK, Action.TRANSPARENCY_SUPERVISE),
    ),
    ("transparency:supervision", gettext_lazy("Supervision"), (Action.TRANSPARENCY_SUPERVISE,)),
    ("transparency:policy", gettext_lazy("Disclosure rules"), (Action.TRANSPARENCY_POLICY,)),
]

# a service's field names → the page's fields
FIELD_ALIASES = {"attachments": "files"}


def _render(request, template, context, status=200):
    """render() with the links between the module's pages that the actor may open."""
    links = []
    for name, label, actions in LINKS:
        if any(scope.can(request.user, a) for a in actions):
            url = reverse(name)
            links.append({"url": url, "label": label, "active": request.path == url})
    return render(request, template, {**context, "transparency_links": links}, status=status)


def _apply(form, exc: DomainError) -> None:
    if hasattr(exc, "error_dict"):
        exc = DomainError({FIELD_ALIASES.get(k, k): v for k, v in exc.error_dict.items()})
    apply_domain_errors(form, exc)


def _require_any(actor, *actions) -> None:
    if not any(scope.can(actor, a) for a in actions):
        raise PermissionDenied()


def decorate(notices, today=None):
    """Labels and marks for rows of a list."""
    today = today or timezone.localdate()
    rows = list(notices)
    for notice in rows:
        notice.state_label = NOTICE.state_label(notice.state)
        notice.stream_label = Stream(notice.stream).label
        notice.is_on_board = notice.on_board(today)
        notice.is_scheduled = notice.state == "published" and notice.posted_from and notice.posted_from > today
    return rows


def period_text(notice) -> str:
    value = period_value(notice.period_start, notice.period_end)
    kind, _sep, rest = value.partition(":")
    if kind == "m":
        year, month = rest.split("-")
        return _("%(year)s-%(month)s") % {"year": year, "month": month}
    if kind == "q":
        year, quarter = rest.split("-")
        return _("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": year}
    if kind == "y":
        return _("Year %(year)s") % {"year": rest}
    return formats.date_range(notice.period_start, notice.period_end)


# -- lists ---------------------------------------------------------------------------------------------------


@login_required
@require_action(Action.TRANSPARENCY_VIEW)
def notice_list(request):
    actor = request.user
    staff = selectors.is_staff(actor)
    stream = request.GET.get("stream", "")
    stream = stream if stream in Stream.values else ""
    state = request.GET.get("state", "") if staff else ""
    state = state if state in NOTICE.states else ""
    villages = list(region_selectors.villages(actor, Action.TRANSPARENCY_VIEW))
    village = next((v for v in villages if str(v.pk) == request.GET.get("village")), None)
    text = request.GET.get("q", "").strip()[:50]
    qs = selectors.search(actor, stream=stream, state=state, village=village, text=text)
    page = paginate(request, qs, 20, decorate=decorate)
    for notice in page.object_list:
        notice.period_label = period_text(notice)
    context = {
        "page": page,
        "staff": staff,
        "streams": Stream.choices,
        "states": [(name, NOTICE.state_label(name)) for name in NOTICE.states],
        "stream": stream,
        "state": state,
        "villages": villages,
        "village": village,
        "q": text,
        "filtered": bool(stream or state or village or text),
        "can_write": scope.can(actor, Action.TRANSPARENCY_PUBLISH),
        "open_questions": selectors.open_questions(actor).count()
        if scope.can(actor, Action.TRANSPARENCY_PUBLISH)
        else 0,
        "to_check": selectors.check_queue(actor).count() if scope.can(actor, Action.TRANSPARENCY_CHECK) else 0,
        "public_village": villages[0] if len(villages) == 1 else None,
    }
    return _render(request, "transparency/list.html", context)


@login_required
@require_action(Action.TRANSPARENCY_CHECK)
def check_queue(request):
    notices = decorate(selectors.check_queue(request.user))
    for notice in notices:
        notice.period_label = period_text(notice)
    return _render(request, "transparency/check_queue.html", {"notices": notices})


@login_required
def questions(request):
    """Cadres: the questions waiting for an answer, earliest deadline first. Villagers: their own questions."""
    actor = request.user
    _require_any(actor, Action.TRANSPARENCY_PUBLISH, Action.TRANSPARENCY_ASK)
    now = timezone.now()
    waiting = list(selectors.open_questions(actor)) if scope.can(actor, Action.TRANSPARENCY_PUBLISH) else []
    for q in waiting:
        q.is_overdue = q.overdue or (q.deadline_at is not None and q.deadline_at < now)
    mine = list(selectors.my_questions(actor)[:50]) if scope.can(actor, Action.TRANSPARENCY_ASK) else []
    for q in mine:
        q.state_label = NOTICE_QUESTION.state_label(q.state)
    return _render(request, "transparency/questions.html", {"waiting": waiting, "mine": mine})


# -- writing a notice -----------------------------------------------------------------------------------------


def _notice_context(form, villages, *, notice=None, attach_form=None) -> dict:
    return {
        "form": form,
        "notice": notice,
        "attachments": selectors.attachments(notice) if notice else [],
        "attach_form": attach_form,
        "suggestions": sorted({c for values in CATEGORY_SUGGESTIONS.values() for c in values}),
        "reminder": PRIVACY_REMINDER,
        "min_posting_days": policy_for(villages[0].county_id).min_posting_days if villages else 5,
    }


def _form_fields(data) -> dict:
    return {
        "stream": data["stream"],
        "category": data["category"],
        "title": data["title"],
        "body": data["body"],
        "period_start": data.get("period_start"),
        "period_end": data.get("period_end"),
        "is_major": data["is_major"],
        "posted_from": data.get("posted_from"),
        "posted_until": data.get("posted_until"),
    }


@login_required
@require_action(Action.TRANSPARENCY_PUBLISH)
@api_twin("POST /api/transparency/notices", "POST /api/transparency/notices/{notice_id}/attachments")
def notice_create(request):
    actor = request.user
    villages = list(region_selectors.villages(actor, Action.TRANSPARENCY_PUBLISH))
    if not villages:
        raise PermissionDenied()
    initial = {"period": default_period()}
    if request.GET.get("stream") in Stream.values:  # a link for one kind of notice
        initial["stream"] = request.GET["stream"]
    form = NoticeForm(request.POST or None, request.FILES or None, villages=villages, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        village = next((v for v in villages if v.pk == data["village"]), villages[0])
        try:
            notice = services.notice_create(
                actor=actor, village=village, attachments=data.get("files") or (), **_form_fields(data)
            )
        except DomainError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Draft saved. Check it, then publish it (or submit it for checking)."))
            return redirect("transparency:detail", pk=notice.pk)
    return _render(request, "transparency/form.html", _notice_context(form, villages))


@login_required
@require_action(Action.TRANSPARENCY_PUBLISH)
@api_twin("PUT /api/transparency/notices/{notice_id}")
def notice_edit(request, pk):
    actor = request.user
    notice = selectors.get(actor, pk)
    if not scope.in_scope(actor, Action.TRANSPARENCY_PUBLISH, notice):
        raise Http404()
    if notice.state not in EDITABLE_STATES:
        messages.error(
            request,
            _("Only a draft can be changed; this notice is “%(state)s”.") % {"state": NOTICE.state_label(notice.state)},
        )
        return redirect("transparency:detail", pk=notice.pk)
    villages = [notice.village]
    initial = {
        "village": notice.village_id,
        "stream": notice.stream,
        "category": notice.category,
        "title": notice.title,
        "body": notice.body,
        "period": period_value(notice.period_start, notice.period_end),
        "period_start": notice.period_start,
        "period_end": notice.period_end,
        "is_major": notice.is_major,
        "posted_from": notice.posted_from,
        "posted_until": notice.posted_until,
        "version": notice.version,
        "changed_at": notice.updated_at.isoformat(),
    }
    form = NoticeForm(request.POST or None, villages=villages, with_files=False, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.notice_update(
                actor=actor,
                notice=notice,
                version=data["version"],
                changed_at=data["changed_at"],
                **_form_fields(data),
            )
        except DomainError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("transparency:detail", pk=notice.pk)
    return _render(
        request, "transparency/form.html", _notice_context(form, villages, notice=notice, attach_form=AttachForm())
    )


@login_required
@require_POST
@require_action(Action.TRANSPARENCY_PUBLISH)
@api_twin("POST /api/transparency/notices/{notice_id}/attachments")
def attach(request, pk):
    notice = selectors.get(request.user, pk)
    form = AttachForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            stored = services.notice_attach(actor=request.user, notice=notice, files=form.cleaned_data["files"])
        except DomainError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("%(n)s file(s) attached.") % {"n": len(stored)})
            return redirect("transparency:edit", pk=notice.pk)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("transparency:edit", pk=notice.pk)


@login_required
@require_POST
@require_action(Action.TRANSPARENCY_PUBLISH)
@api_twin("DELETE /api/transparency/notices/{notice_id}/attachments/{attachment_id}")
def detach(request, pk, attachment_id):
    notice = selectors.get(request.user, pk)
    try:
        services.notice_detach(actor=request.user, notice=notice, attachment_id=attachment_id)
    except DomainError as exc:
        messages_from(request, exc)
    else:
        messages.success(request, _("File removed."))
    return redirect("transparency:edit", pk=notice.pk)


@login_required
def attachment(request, pk):
    found = selectors.attachment(request.user, pk)
    return file_response(found)


def file_response(found):
    """A notice's attachment (checked by the caller)."""
    return core_file_response(found.file, content_type=found.content_type, name=found.name)


def read_table(found):
    """The sheets of a table attachment (checked by the caller), for its table page."""
    from transparency.text import read_workbook

    with found.file.open("rb") as handle:
        return read_workbook(handle)


@login_required
def attachment_table(request, pk):
    """A table attached to a notice the person may see (drafts too, for the reviewer who checks it), as a page."""
    found = selectors.attachment(request.user, pk)
    if not found.is_table:
        raise Http404()
    notice = found.notice
    notice.stream_label = Stream(notice.stream).label
    notice.period_label = period_text(notice)
    return render(
        request,
        "transparency/public/table.html",
        {
            "village": notice.village,
            "notice": notice,
            "attachment": found,
            "sheets": read_table(found),
            "back": reverse("transparency:detail", args=[notice.pk]),
            "download": reverse("transparency:attachment", args=[found.pk]),
        },
    )


# -- a notice -------------------------------------------------------------------------------------------------


def _with_urls(attachments):
    for a in attachments:
        a.url = reverse("transparency:attachment", args=[a.pk])
        if a.is_table:
            a.table_url = reverse("transparency:table", args=[a.pk])
    return attachments


def _asker_label(actor, question, staff: bool) -> str:
    if question.asker_id == actor.pk:
        return _("You")
    return question.asker_name if staff else mask_name(question.asker_name)


def _answer_panel(actor, question, failed=None):
    """The answer form of a question the actor may answer (its declared step, posted to casework:step), or None.
    Each question's form gets its own element ids: a notice page carries one per open question."""
    if question.state != "asked":
        return None
    panels = steps.panels(actor, question, NOTICE_QUESTION, failed=failed)
    if not panels:
        return None
    panel = panels[0]
    panel["form"].auto_id = f"id_q{question.pk}_%s"
    return panel


def notice_page(request, notice, *, failed=None, status=200, ask_form=None, answer_failed=None):
    """The page of a notice: its text and files, the steps the person may take (declared on the flow, posted to
    casework:step), the questions with their answers and answer forms, the ask form and the timeline. The flow's
    page (Flow.page): drawn again with a refused step's form and its messages."""
    actor = request.user
    staff = selectors.is_staff(actor)
    (notice,) = decorate([notice])
    notice.period_label = period_text(notice)
    now = timezone.now()
    rows = []
    for q in selectors.questions(notice):
        q.state_label = NOTICE_QUESTION.state_label(q.state)
        q.asker_label = _asker_label(actor, q, staff)
        q.is_overdue = q.state == "asked" and (q.overdue or (q.deadline_at is not None and q.deadline_at < now))
        mine = answer_failed is not None and answer_failed[0] == q.pk
        rows.append({"q": q, "answer": _answer_panel(actor, q, answer_failed[1] if mine else None)})
    may_ask = (
        notice.state in PUBLIC_STATES
        and scope.can(actor, Action.TRANSPARENCY_ASK)
        and selectors.asker_household(actor, notice.village_id) is not None
    )
    timeline = []
    if staff:
        for event in workflow.history(notice):
            timeline.append(
                {
                    "event": event,
                    "label": _("Drafted") if event.transition == "start" else NOTICE.step_label(event.transition),
                    "who": event.actor_label or (str(event.actor) if event.actor_id else _("System")),
                    "facts": steps.facts(NOTICE, event),
                }
            )
    public_url = ""
    if notice.state in PUBLIC_STATES and notice.posted_from and notice.posted_from <= timezone.localdate():
        public_url = reverse("transparency_public:notice", args=[notice.village.code, notice.pk])
    panels = steps.panels(actor, notice, NOTICE, failed=failed)
    return _render(
        request,
        "transparency/detail.html",
        {
            "notice": notice,
            "attachments": _with_urls(selectors.attachments(notice)),
            "questions": rows,
            "steps": panels,
            "answering": any(row["answer"] for row in rows),
            "can_edit": notice.state in EDITABLE_STATES and scope.in_scope(actor, Action.TRANSPARENCY_PUBLISH, notice),
            "ask_form": ask_form if ask_form is not None else (AskForm() if may_ask else None),
            "staff": staff,
            "timeline": timeline,
            "public_url": public_url,
            "policy": policy_for(notice.county_id),
        },
        status=status,
    )


def question_page(request, question, *, failed=None, status=200):
    """A question is answered on its notice's page (the question flow's Flow.page)."""
    notice = selectors.get(request.user, question.notice_id)
    return notice_page(request, notice, answer_failed=(question.pk, failed), status=status)


@login_required
@require_action(Action.TRANSPARENCY_VIEW)
def detail(request, pk):
    return notice_page(request, selectors.get(request.user, pk))


@login_required
@require_POST
@require_action(Action.TRANSPARENCY_ASK)
@api_twin("POST /api/transparency/notices/{notice_id}/questions")
def ask(request, pk):
    notice = selectors.get(request.user, pk)
    form = AskForm(request.POST)
    if form.is_valid():
        try:
            question, created = services.question_ask(
                actor=request.user,
                notice=notice,
                text=form.cleaned_data["text"],
                client_key=form.cleaned_data["client_key"],
            )
        except DomainError as exc:
            _apply(form, exc)
        else:
            if created:
                messages.success(
                    request,
                    _("Your question was sent. The village answers by %(deadline)s.")
                    % {"deadline": timezone.localtime(question.deadline_at).strftime("%Y-%m-%d")},
                )
            else:
                messages.info(request, _("Already received; it was not stored twice."))
            return redirect(reverse("transparency:detail", args=[notice.pk]) + f"#q{question.pk}")
    return notice_page(request, notice, ask_form=form, status=400)


# -- the disclosure calendar ----------------------------------------------------------------------------------


def _year(request) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    return year if 2000 <= year <= today.year + 1 else today.year


def _years() -> list[int]:
    today = timezone.localdate()
    return list(range(today.year, today.year - 5, -1))


CALENDAR_ACTIONS = (Action.TRANSPARENCY_PUBLISH, Action.TRANSPARENCY_CHECK, Action.TRANSPARENCY_SUPERVISE)


def _calendar_villages(actor):
    ids = set()
    for action in CALENDAR_ACTIONS:
        ids |= set(region_selectors.villages(actor, action).values_list("pk", flat=True))
    return list(Region.objects.filter(pk__in=ids).select_related("township").order_by("code"))


@login_required
def calendar(request):
    """公开日历 of one village (the actor's, or one chosen among the township's); a township or county official
    without a village chosen sees every village, late ones first."""
    actor = request.user
    _require_any(actor, *CALENDAR_ACTIONS)
    year = _year(request)
    villages = _calendar_villages(actor)
    if not villages:
        raise PermissionDenied()
    village = next((v for v in villages if str(v.pk) == request.GET.get("village")), None)
    if village is None and len(villages) == 1:
        village = villages[0]
    today = timezone.localdate()
    context = {"year": year, "years": _years(), "villages": villages}
    if village is not None:
        cal = disclosure.village_calendar(village, year, today=today)
        context.update(village=village, cal=cal, rows=_calendar_rows(cal))
    else:
        context["overview"] = disclosure.calendars(villages, year, today=today)
    return _render(request, "transparency/calendar.html", context)


def _calendar_rows(cal) -> list[dict]:
    return [
        {
            "stream": stream,
            "label": Stream(stream).label,
            "cadence": cal.policy.cadence(stream),
            "slots": cal.rows[stream],
        }
        for stream in STREAM_ORDER
    ]


# -- supervision ----------------------------------------------------------------------------------------------


@login_required
@require_action(Action.TRANSPARENCY_SUPERVISE)
def supervision(request):
    """The township's (or county's) board: overdue questions, and late disclosures by village, late ones first."""
    actor = request.user
    year = _year(request)
    now = timezone.now()
    overdue = list(selectors.overdue_questions(actor, now=now).select_related("township")[:200])
    villages = list(region_selectors.villages(actor, Action.TRANSPARENCY_SUPERVISE))
    overview = disclosure.calendars(villages, year, today=timezone.localdate())
    late = [c for c in overview if c.late_count or c.done_late_count]
    return _render(
        request,
        "transparency/supervision.html",
        {
            "year": year,
            "years": _years(),
            "overdue": overdue,
            "overview": overview,
            "late": late,
            "village_count": len(villages),
            "open_count": selectors.open_questions(actor, action=Action.TRANSPARENCY_SUPERVISE).count(),
        },
    )


# -- the county's rules ---------------------------------------------------------------------------------------


@login_required
@require_action(Action.TRANSPARENCY_POLICY)
@api_twin("PUT /api/transparency/policy")
def policy(request):
    actor = request.user
    ids = scope.targets(actor, "county")
    counties = [
        c
        for c in Region.objects.filter(pk__in=ids, level=RegionLevel.COUNTY).order_by("code")
        if scope.region_in_scope(actor, Action.TRANSPARENCY_POLICY, c)
    ]
    if not counties:
        raise PermissionDenied()
    county = next((c for c in counties if str(c.pk) == (request.POST.get("county") or request.GET.get("county"))), None)
    county = county or counties[0]
    current = policy_for(county)
    form = PolicyForm(request.POST or None, initial={f: getattr(current, f) for f in DisclosurePolicy.FIELDS})
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_save(actor=actor, county=county, **form.cleaned_data)
        except DomainError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Disclosure rules saved."))
            return redirect(f"{reverse('transparency:policy')}?{urlencode({'county': county.pk})}")
    return _render(
        request,
        "transparency/policy.html",
        {"form": form, "county": county, "counties": counties, "policy": current, "saved": current.pk is not None},
    )
