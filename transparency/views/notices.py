"""A notice: writing and changing a draft with its attachments, its files and tables, its page with the steps the
person may take, the questions with their answers, and asking a question."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework import steps
from core import scope, workflow
from core.masking import mask_name
from core.roles import Action
from core.views import api_twin, post_back, require_action, submit
from regions import selectors as region_selectors
from transparency import selectors, services
from transparency.flows import EDITABLE_STATES, NOTICE, NOTICE_QUESTION, PUBLIC_STATES
from transparency.forms import (
    CATEGORY_SUGGESTIONS,
    PRIVACY_REMINDER,
    AskForm,
    AttachForm,
    NoticeForm,
    default_period,
    period_value,
)
from transparency.models import Stream
from transparency.policy import policy_for
from transparency.views.common import FIELD_ALIASES, _render, decorate, file_response, period_text, table_page

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


def _to_notice(notice):
    return ("transparency:detail", {"pk": notice.pk})


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

    def write(data):
        village = next((v for v in villages if v.pk == data["village"]), villages[0])
        return services.notice_create(
            actor=actor, village=village, attachments=data.get("files") or (), **_form_fields(data)
        )

    done = submit(
        request,
        form,
        write,
        done=_("Draft saved. Check it, then publish it (or submit it for checking)."),
        to=_to_notice,
        aliases=FIELD_ALIASES,
    )
    return done or _render(request, "transparency/form.html", _notice_context(form, villages))


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
    done = submit(
        request,
        form,
        lambda data: services.notice_update(
            actor=actor, notice=notice, version=data["version"], changed_at=data["changed_at"], **_form_fields(data)
        ),
        done=_("Draft saved."),
        to=_to_notice(notice),
        aliases=FIELD_ALIASES,
    )
    return done or _render(
        request, "transparency/form.html", _notice_context(form, villages, notice=notice, attach_form=AttachForm())
    )


@login_required
@require_POST
@require_action(Action.TRANSPARENCY_PUBLISH)
@api_twin("POST /api/transparency/notices/{notice_id}/attachments")
def attach(request, pk):
    notice = selectors.get(request.user, pk)
    form = AttachForm(request.POST, request.FILES)

    def write(data):
        stored = services.notice_attach(actor=request.user, notice=notice, files=data["files"])
        messages.success(request, _("%(n)s file(s) attached.") % {"n": len(stored)})

    done = submit(request, form, write, to=("transparency:edit", {"pk": notice.pk}), aliases=FIELD_ALIASES)
    if done:
        return done
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
    return post_back(
        request,
        lambda: services.notice_detach(actor=request.user, notice=notice, attachment_id=attachment_id),
        done=_("File removed."),
        to=reverse("transparency:edit", kwargs={"pk": notice.pk}),
    )


@login_required
def attachment(request, pk):
    found = selectors.attachment(request.user, pk)
    return file_response(found)


@login_required
def attachment_table(request, pk):
    """A table attached to a notice the person may see (drafts too, for the reviewer who checks it), as a page."""
    found = selectors.attachment(request.user, pk)
    if not found.is_table:
        raise Http404()
    return table_page(
        request,
        found.notice.village,
        found,
        back=reverse("transparency:detail", args=[found.notice_id]),
        download=reverse("transparency:attachment", args=[found.pk]),
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

    def write(data):
        question, created = services.question_ask(
            actor=request.user, notice=notice, text=data["text"], client_key=data["client_key"]
        )
        if created:
            messages.success(
                request,
                _("Your question was sent. The village answers by %(deadline)s.")
                % {"deadline": timezone.localtime(question.deadline_at).strftime("%Y-%m-%d")},
            )
        else:
            messages.info(request, _("Already received; it was not stored twice."))
        return question

    done = submit(
        request,
        form,
        write,
        to=lambda question: reverse("transparency:detail", args=[notice.pk]) + f"#q{question.pk}",
        aliases=FIELD_ALIASES,
    )
    return done or notice_page(request, notice, ask_form=form, status=400)
