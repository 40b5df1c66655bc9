"""Pages of village certificates (村级证明): the certificates issued in the actor's villages (for the counter), one
certificate as a printable A4 paper with the seal place and the line that says where to verify it, and the public
verification page (no login) that answers, for a number, whether the certificate exists, its kind, village and
dates and the masked name, never its text. Thin: reads through doorstep.certificates; a certificate is written
only by completing its request (doorstep.services.request_step)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse

from core import scope
from core.roles import Action
from core.views import paginate
from doorstep import certificates, people


def _public(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_required
def certificate_list(request):
    """The certificates issued in the actor's villages, searched by number or name; someone who does not handle
    requests sees the certificates of their own requests."""
    actor = request.user
    q = (request.GET.get("q") or "").strip()[:40]
    handler = certificates.may_list(actor)
    if handler:
        rows = certificates.issued(actor, q=q)
    else:
        if not scope.can(actor, Action.SERVICE_APPLY) and not people.serving_villages(actor):
            raise PermissionDenied()
        rows = certificates.visible(actor).order_by("-issued_at", "-pk")
        if q:
            from django.db.models import Q

            rows = rows.filter(Q(number__icontains=q) | Q(person__name__icontains=q))
    page = paginate(request, rows, 30)
    context = {"page": page, "q": q, "handler": handler, "county_list": certificates.county_list(actor)}
    return render(request, "doorstep/certificates.html", context)


@login_required
def certificate_page(request, pk):
    """The certificate as a printable A4 paper, for the request's people and the village's handlers."""
    found = certificates.certificate_for(request.user, pk)
    verify_url = request.build_absolute_uri(reverse("doorstep:verify"))
    return render(
        request,
        "doorstep/certificate.html",
        {
            "certificate": found,
            "committee": certificates.committee_name(found.village),
            "paragraphs": [line for line in found.text.splitlines() if line.strip()],
            "verify_url": verify_url,
            "verify_number_url": request.build_absolute_uri(reverse("doorstep:verify_number", args=[found.number])),
        },
    )


def verify(request, number=None):
    """核验 (public, no login): a certificate's number gives its kind, village, dates and the masked name."""
    raw = number if number is not None else request.GET.get("number")
    if number is None and raw:
        cleaned = certificates.clean_number(raw)
        if cleaned:
            return redirect("doorstep:verify_number", number=cleaned)
    asked = (raw or "").strip()[:40] if isinstance(raw, str) else ""
    found = certificates.verify(raw) if asked else None
    status = 404 if asked and found is None else 200
    return _public(render(request, "doorstep/certificate_verify.html", {"asked": asked, "found": found}, status=status))


urlpatterns = [
    path("certificates/", certificate_list, name="certificates"),
    path("certificates/<int:pk>/", certificate_page, name="certificate"),
    path("verify/", verify, name="verify"),
    path("verify/<str:number>/", verify, name="verify_number"),
]
