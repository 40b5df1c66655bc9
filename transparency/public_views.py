"""The village's public notice board (三务公开栏), without login: the notices inside their posting window, the
archive by period, each notice with its attachments and its answered questions, and an A4 print view for the
board.

Nothing personal beyond what the notice itself says (个人信息保护法 Art. 34, 73): no author, no reviewer; an asker
is shown by the masked name (王*), the answer as the village's. Drafts and withdrawn notices are never shown
(transparency.selectors.public_*).
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from core.cache import kept
from core.errors import NotFound
from core.masking import mask_name
from core.views import public as _public
from transparency import selectors
from transparency.views import file_response, label, table_page

PUBLIC_CACHE_SECONDS = 600


def _cached(request, kind: str, village, today, build, *parts):
    """A public page is the same for every anonymous visitor: kept rendered under the village's ``board_version``
    (``selectors.public_board``: it grows with every step on any of its notices and questions, publication,
    withdrawal, supersession, end of window, answer) and the day (windows open and close by date), so a change
    shows at once and the busy board of a village is rendered once, not per visitor. The
    pages carry no form and no CSRF token; a signed-in visitor (whose header shows their name and menu) or one
    with a message waiting, or in large-text mode, gets a page of their own, never cached."""
    if request.user.is_authenticated or "messages" in request.COOKIES or "large_text" in request.COOKIES:
        return _public(build())
    version = ":".join(str(p) for p in (kind, village.pk, today, village.board_version, *parts))

    def rendered():
        response = build()
        return response.content, response["Content-Type"]

    content, content_type = kept("transparency-public", version, rendered, PUBLIC_CACHE_SECONDS)
    return _public(HttpResponse(content, content_type=content_type))


def _village(code: str):
    try:
        return selectors.public_board(code)
    except NotFound:
        raise Http404() from None


def _shape(notice, village) -> None:
    label(notice)
    for a in notice.attachments.all():
        a.url = reverse("transparency_public:attachment", args=[village.code, notice.pk, a.pk])
        if a.is_table:
            a.table_url = reverse("transparency_public:table", args=[village.code, notice.pk, a.pk])
    notice.answered = [
        {
            "asker": mask_name(q.asker_name),
            "text": q.text,
            "answer": q.answer,
            "asked_at": q.asked_at,
            "answered_at": q.answered_at,
            "pk": q.pk,
        }
        for q in notice.questions.all()
    ]


def board(request, village_code):
    village = _village(village_code)
    today = timezone.localdate()
    return _cached(request, "board", village, today, lambda: _board(request, village, today))


def _board(request, village, today):
    current = selectors.public_current(village, today)
    for notice in current:
        _shape(notice, village)
    archive = list(selectors.public_archive(village, today)[:400])
    years: dict[int, list] = {}
    for notice in archive:
        label(notice)
        years.setdefault(notice.period_start.year, []).append(notice)
    return render(
        request,
        "transparency/public/board.html",
        {"village": village, "current": current, "archive": sorted(years.items(), reverse=True), "today": today},
    )


def _notice(village, pk):
    try:
        notice = selectors.public_notice(village, pk)
    except NotFound:
        raise Http404() from None
    _shape(notice, village)
    notice.is_on_board = notice.on_board()
    return notice


def _notice_page(request, village_code, pk, template):
    village = _village(village_code)

    def build():
        return render(request, template, {"village": village, "notice": _notice(village, pk)})

    return _cached(request, template, village, timezone.localdate(), build, pk)


def notice(request, village_code, pk):
    return _notice_page(request, village_code, pk, "transparency/public/notice.html")


def notice_print(request, village_code, pk):
    """The notice laid out for an A4 notice board, with the posting window and a place for the seal."""
    return _notice_page(request, village_code, pk, "transparency/public/print.html")


def table(request, village_code, pk, attachment_id):
    """A table attached to a public notice (an .xlsx the platform generated, e.g. every entry of a month's
    finances) as a page that prints on A4 with its header on every sheet."""
    village = _village(village_code)

    def build():
        try:
            found = selectors.public_attachment(village, pk, attachment_id)
        except NotFound:
            raise Http404() from None
        if not found.is_table:
            raise Http404()
        return table_page(
            request,
            village,
            found,
            back=reverse("transparency_public:notice", args=[village.code, pk]),
            download=reverse("transparency_public:attachment", args=[village.code, pk, found.pk]),
        )

    return _cached(request, "table", village, timezone.localdate(), build, pk, attachment_id)


def attachment(request, village_code, pk, attachment_id):
    village = _village(village_code)
    try:
        found = selectors.public_attachment(village, pk, attachment_id)
    except NotFound:
        raise Http404() from None
    return _public(file_response(found))
