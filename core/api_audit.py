from datetime import datetime

from django.utils.translation import gettext_lazy
from ninja import Router, Schema

from core import scope, selectors
from core.api_types import Page, PageSize
from core.errors import PermissionDenied
from core.roles import Action

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    id: int
    at: datetime
    actor_label: str
    ip_address: str | None
    action: str
    target_type: str
    target_id: str
    target_label: str
    before: dict | None
    after: dict | None
    note: str


class AuditPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[AuditEventOut]


@router.get(
    "", response=AuditPage, summary=gettext_lazy("Audit events in the caller's scope, newest first (read-only)")
)
def audit_list(request, action: str = "", who: str = "", target: str = "", page: Page = 1, page_size: PageSize = 50):
    if not scope.can(request.auth, Action.AUDIT_VIEW):
        raise PermissionDenied()
    page, page_size = max(page, 1), min(max(page_size, 1), 200)
    qs = selectors.audit_events(request.auth, action=action, who=who, target=target)
    return {
        "count": qs.count(),
        "page": page,
        "page_size": page_size,
        "items": list(qs[(page - 1) * page_size : page * page_size]),
    }
