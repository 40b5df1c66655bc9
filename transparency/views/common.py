"""What the signed-in pages of 三务公开 share: the links between them, the labels of a list's rows, a notice's
period in words, the year asked for, and a table attachment drawn as a page (here and on the public board)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import formats, scope
from core.roles import Action
from core.views import file_response as core_file_response
from core.views import section_links
from transparency.flows import NOTICE
from transparency.forms import period_value
from transparency.models import Stream

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
    return render(request, template, {**context, "transparency_links": section_links(request, LINKS)}, status=status)


def _require_any(actor, *actions) -> None:
    if not any(scope.can(actor, a) for a in actions):
        raise PermissionDenied()


def label(notice):
    """A notice's stream and period in words, for a row or a page."""
    notice.stream_label = Stream(notice.stream).label
    notice.period_label = period_text(notice)
    return notice


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


def file_response(found):
    """A notice's attachment (checked by the caller)."""
    return core_file_response(found.file, content_type=found.content_type, name=found.name)


def read_table(found):
    """The sheets of a table attachment (checked by the caller), for its table page."""
    from transparency.text import read_workbook

    with found.file.open("rb") as handle:
        return read_workbook(handle)


def table_page(request, village, found, *, back: str, download: str):
    """A table attached to a notice (checked by the caller) as a page that prints on A4 with its header on every
    sheet; ``back`` leads to the notice, ``download`` to the file."""
    return render(
        request,
        "transparency/public/table.html",
        {
            "village": village,
            "notice": label(found.notice),
            "attachment": found,
            "sheets": read_table(found),
            "back": back,
            "download": download,
        },
    )
