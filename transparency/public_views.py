"""The village's public notice board (三务公开栏), without login: the notices inside their posting window, the
archive by period, each notice with its attachments and its answered questions, and an A4 print view for the
board.

Nothing personal beyond what the notice itself says (个人信息保护法 Art. 34, 73): no author, no reviewer; an asker
is shown by the masked name (王*), the answer as the village's. Drafts and withdrawn notices are never shown
(transparency.selectors.public_*).
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from core.errors import NotFound
from core.masking import mask_name
from transparency import selectors
from transparency.models import Stream
from transparency.views import file_response, period_text


def _public(response):
    """Public notices are for the village, not for search engines."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _village(code: str):
    try:
        return selectors.public_village(code)
    except NotFound:
        raise Http404() from None


def _shape(notice, village) -> None:
    notice.stream_label = Stream(notice.stream).label
    notice.period_label = period_text(notice)
    for a in notice.attachments.all():
        a.url = reverse("transparency_public:attachment", args=[village.code, notice.pk, a.pk])
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
    current = selectors.public_current(village, today)
    for notice in current:
        _shape(notice, village)
    archive = list(selectors.public_archive(village, today)[:400])
    years: dict[int, list] = {}
    for notice in archive:
        notice.stream_label = Stream(notice.stream).label
        notice.period_label = period_text(notice)
        years.setdefault(notice.period_start.year, []).append(notice)
    return _public(
        render(
            request,
            "transparency/public/board.html",
            {"village": village, "current": current, "archive": sorted(years.items(), reverse=True), "today": today},
        )
    )


def _notice(village_code, pk):
    village = _village(village_code)
    try:
        notice = selectors.public_notice(village, pk)
    except NotFound:
        raise Http404() from None
    _shape(notice, village)
    notice.is_on_board = notice.on_board()
    return village, notice


def notice(request, village_code, pk):
    village, found = _notice(village_code, pk)
    return _public(render(request, "transparency/public/notice.html", {"village": village, "notice": found}))


def notice_print(request, village_code, pk):
    """The notice laid out for an A4 notice board, with the posting window and a place for the seal."""
    village, found = _notice(village_code, pk)
    return _public(render(request, "transparency/public/print.html", {"village": village, "notice": found}))


def attachment(request, village_code, pk, attachment_id):
    village = _village(village_code)
    try:
        found = selectors.public_attachment(village, pk, attachment_id)
    except NotFound:
        raise Http404() from None
    return _public(file_response(found))
