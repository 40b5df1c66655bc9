"""站内提醒 API: the caller's own notifications (nobody reads another person's) and marking them read."""

from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Router, Schema

from core import notifications
from core.api_types import Id, Page, PageSize
from core.errors import DomainError

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    url: str
    created_at: datetime
    read_at: datetime | None


class NotificationPage(Schema):
    count: int
    unread: int
    page: int
    page_size: int
    items: list[NotificationOut]


class ReadIn(Schema):
    ids: list[Id] | None = None
    all: bool = False


class ReadOut(Schema):
    marked: int
    unread: int


@router.get("", response=NotificationPage, summary=gettext_lazy("The caller's notifications, newest first"))
def notification_list(request, unread: bool = False, page: Page = 1, page_size: PageSize = 20):
    page, page_size = max(page, 1), min(max(page_size, 1), 100)
    qs = notifications.inbox(request.auth, unread_only=unread)
    return {
        "count": qs.count(),
        "unread": notifications.unread_count(request.auth),
        "page": page,
        "page_size": page_size,
        "items": list(qs[(page - 1) * page_size : page * page_size]),
    }


@router.post(
    "/read", response=ReadOut, summary=gettext_lazy("Mark the caller's notifications read: the ids given, or all")
)
def notification_read(request, payload: ReadIn):
    if payload.all:
        marked = notifications.mark_read(request.auth)
    elif payload.ids:
        marked = notifications.mark_read(request.auth, payload.ids)
    else:
        raise DomainError({"ids": _("Name the notifications to mark read, or send all.")})
    return {"marked": marked, "unread": notifications.unread_count(request.auth)}
