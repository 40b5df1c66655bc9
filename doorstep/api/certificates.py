"""Village certificates API (/api/doorstep/certificates): the certificates the caller may see, one certificate with
its text, the public verification by number (no login: kind, village, dates and the masked name, never the text),
and asking for a certificate of the county's list for a villager (a service request for the county's item that
issues it; completing the request generates the certificate). A kind not on the list is refused (400) with the
reason and the list."""

from __future__ import annotations

from datetime import date, datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy
from ninja import Field, Path, Query, Router, Schema

from core.api import domain_error_body
from core.api_types import Id, Page
from core.errors import DomainError
from doorstep import certificates

router = Router(tags=["doorstep"])

PAGE_SIZE = 50


class CertificateRow(Schema):
    id: int
    number: str
    kind: str
    kind_code: str
    village: str
    person: str
    purpose: str
    issued_at: datetime
    valid_until: date | None
    request: int | None
    url: str


class CertificateOut(CertificateRow):
    committee: str
    text: str
    issued_by: str
    request_number: str


class VerifyOut(Schema):
    number: str
    kind: str
    committee: str
    village: str
    person: str
    issued_on: date
    valid_until: date | None
    valid: bool


class CertificateRequestIn(Schema):
    kind: str = Field(..., max_length=60)
    person: Id
    purpose: str = Field("", max_length=100)
    consent: str = Field("", max_length=16)
    details: str = Field("", max_length=2000)


class RequestMade(Schema):
    id: int
    number: str
    item: str
    state: str
    url: str


class CertificateRefusal(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


def _row(c) -> dict:
    return {
        "id": c.pk,
        "number": c.number,
        "kind": c.kind.name,
        "kind_code": c.kind.code,
        "village": c.village.name,
        "person": c.person.name,
        "purpose": c.purpose,
        "issued_at": c.issued_at,
        "valid_until": c.valid_until,
        "request": c.request_id,
        "url": reverse("doorstep:certificate", args=[c.pk]),
    }


@router.get(
    "/certificates",
    response=list[CertificateRow],
    summary=gettext_lazy("The village certificates the caller may see (the counter: those of its villages)"),
)
def certificate_list(request, q: str = Query("", max_length=40), page: Page = 1):
    actor = request.auth
    if certificates.may_list(actor):
        rows = certificates.issued(actor, q=q)
    else:
        rows = certificates.visible(actor).order_by("-issued_at", "-pk")
        if q.strip():
            from django.db.models import Q

            rows = rows.filter(Q(number__icontains=q.strip()) | Q(person__name__icontains=q.strip()))
    start = (page - 1) * PAGE_SIZE
    return [_row(c) for c in rows[start : start + PAGE_SIZE]]


@router.get(
    "/certificates/verify/{number}",
    response={200: VerifyOut, 404: CertificateRefusal},
    auth=None,
    summary=gettext_lazy("Verify a village certificate by its number (no login; the name masked, never the text)"),
)
def certificate_verify(request, number: str = Path(..., max_length=40)):
    found = certificates.verify(number)
    if found is None:
        from django.utils.translation import gettext as _

        return 404, {"detail": _("No village certificate has this number."), "errors": {}}
    return 200, found


@router.get(
    "/certificates/{int:certificate_id}",
    response=CertificateOut,
    summary=gettext_lazy("One village certificate with its text"),
)
def certificate_detail(request, certificate_id: Id):
    c = certificates.certificate_for(request.auth, certificate_id)
    return {
        **_row(c),
        "committee": certificates.committee_name(c.village),
        "text": c.text,
        "issued_by": str(c.issued_by),
        "request_number": c.request.number if c.request_id else "",
    }


@router.post(
    "/certificates/request",
    response={201: RequestMade, 400: CertificateRefusal, 404: CertificateRefusal},
    summary=gettext_lazy("Ask for a certificate of the county's list for a villager (a service request)"),
)
def certificate_request(request, payload: CertificateRequestIn):
    try:
        case = certificates.certificate_request(
            request.auth,
            payload.kind,
            payload.person,
            payload.purpose,
            consent=payload.consent,
            details=payload.details,
        )
    except DomainError as exc:
        return 400, domain_error_body(exc)
    return 201, {
        "id": case.pk,
        "number": case.number,
        "item": case.item_version.name,
        "state": case.state,
        "url": case.get_absolute_url(),
    }
