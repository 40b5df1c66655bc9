"""Pages of service requests: the doorstep's home (what waits for the person), the handling queue of agents and
the counter, the villager's own requests, making a request (one item or a bundle, for oneself or on a villager's
behalf), a request with its steps and timeline, its materials, and the month's revisit list. Thin: reads through
doorstep.selectors, writes through doorstep.services; a request's steps are taken by casework's one step view."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import steps
from core import scope
from core.params import id_param
from core.roles import Action
from core.views import api_twin, file_response, section_links, submit
from doorstep import people, selectors, services
from doorstep.catalogue_selectors import reading_county_ids
from doorstep.flows import DOORSTEP
from doorstep.forms import RequestForm
from doorstep.models import Bundle, Item, ServiceRequest

LINKS = [
    ("doorstep:home", gettext_lazy("Services"), (Action.SERVICE_APPLY, Action.SERVICE_HANDLE)),
    ("doorstep:catalogue", gettext_lazy("Service guide"), tuple(Action.values)),
    ("doorstep:bundles", gettext_lazy("One visit for a life event"), tuple(Action.values)),
    ("doorstep:queue", gettext_lazy("Requests to handle"), (Action.SERVICE_HANDLE,)),
    ("doorstep:revisits", gettext_lazy("Monthly revisits"), (Action.SERVICE_HANDLE,)),
    ("doorstep:certificates", gettext_lazy("Certificates"), (Action.SERVICE_HANDLE,)),
    (
        "doorstep:places",
        gettext_lazy("Service points"),
        (Action.SERVICE_APPLY, Action.SERVICE_HANDLE, Action.SERVICE_CONFIGURE),
    ),
    (
        "doorstep:agents",
        gettext_lazy("Agents"),
        (Action.SERVICE_APPLY, Action.SERVICE_HANDLE, Action.SERVICE_CONFIGURE),
    ),
    ("doorstep:figures", gettext_lazy("Figures"), (Action.SERVICE_FIGURES,)),
    ("doorstep:circle", gettext_lazy("15-minute circle"), (Action.SERVICE_FIGURES,)),
]


HOME_ACTIONS = (
    Action.SERVICE_APPLY,
    Action.SERVICE_AGENT,
    Action.SERVICE_FIGURES,
    Action.SERVICE_CONFIGURE,
)


def links(request) -> list[dict]:
    """The doorstep's pages the actor may open (an agent without a role sees their queue too)."""
    found = section_links(request, LINKS)
    if people.serving_villages(request.user) and not any(link["url"].endswith("/queue/") for link in found):
        found.insert(1, {"url": reverse("doorstep:queue"), "label": _("Requests to handle"), "active": False})
    return found


def _is_handler(actor) -> bool:
    return scope.can(actor, Action.SERVICE_HANDLE) or bool(people.serving_villages(actor))


@login_required
def home(request):
    actor = request.user
    handler = _is_handler(actor)
    if not handler and not any(scope.can(actor, a) for a in HOME_ACTIONS):
        raise PermissionDenied()
    queue = selectors.handling_queue(actor) if handler else None
    return render(
        request,
        "doorstep/home.html",
        {
            "queue": queue[:20] if queue is not None else None,
            "not_serving": not handler and scope.can(actor, Action.SERVICE_AGENT),
            "queue_count": queue.count() if queue is not None else 0,
            "to_rate": selectors.to_rate(actor)[:20],
            "mine": selectors.my_requests(actor).exclude(state="completed")[:20],
            "can_request": selectors.request_villages(actor).exists() or scope.can(actor, Action.SERVICE_APPLY),
            "bundles": Bundle.objects.filter(county_id__in=reading_county_ids(actor), active=True).order_by("code"),
            "overview": _overview(actor),
            "flow": DOORSTEP,
        },
    )


def _overview(actor) -> list[dict] | None:
    """For those who count or keep the service: the open and overdue requests of their place, the catalogue in
    force, the service points and the agents, each a link to its page."""
    from doorstep import places

    if not (scope.can(actor, Action.SERVICE_FIGURES) or scope.can(actor, Action.SERVICE_CONFIGURE)):
        return None
    counties = scope.county_ids(actor)
    today = timezone.localdate()
    items = Item.objects.filter(county_id__in=counties, current__isnull=False, admitted_on__lte=today).exclude(
        retired_on__lte=today
    )
    tiles = [
        (_("Items in the catalogue"), items.count(), reverse("doorstep:catalogue")),
        (_("Service points"), places.points(actor, active_only=True).count(), reverse("doorstep:places")),
        (_("Agents"), places.agents(actor, active_only=True).count(), reverse("doorstep:agents")),
    ]
    if scope.can(actor, Action.SERVICE_FIGURES):
        rows = ServiceRequest.objects.filter(
            scope.scope_q(actor, Action.SERVICE_FIGURES, ServiceRequest), state__in=selectors.OPEN_STATES
        )
        figures = reverse("doorstep:figures")
        tiles[:0] = [
            (_("Open requests"), rows.count(), figures),
            (_("Overdue"), rows.filter(overdue=True).count(), figures),
        ]
    return [{"label": label, "count": count, "url": url} for label, count, url in tiles]


@login_required
def queue(request):
    """The open requests the actor handles (an agent's villages, the counter's places), the most pressing first."""
    actor = request.user
    if not _is_handler(actor):
        raise PermissionDenied()
    rows = selectors.handling_queue(actor)
    state = request.GET.get("state") or ""
    if state in selectors.OPEN_STATES:
        rows = rows.filter(state=state)
    if request.GET.get("overdue"):
        rows = rows.filter(overdue=True)
    from core.views import paginate

    return render(
        request,
        "doorstep/queue.html",
        {
            "page": paginate(request, rows, per_page=20),
            "flow": DOORSTEP,
            "state": state,
            "states": [(s, DOORSTEP.state_label(s)) for s in selectors.OPEN_STATES],
            "now": timezone.now(),
        },
    )


@login_required
def mine(request):
    actor = request.user
    from core.views import paginate

    return render(
        request,
        "doorstep/mine.html",
        {
            "page": paginate(request, selectors.my_requests(actor), per_page=30),
            "flow": DOORSTEP,
        },
    )


def _chosen(request, actor):
    """The item or bundle of the new request (from the query or the form), in the actor's counties and in force."""
    today = timezone.localdate()
    counties = reading_county_ids(actor)
    item_id = id_param(request.GET.get("item") or request.POST.get("item"))
    bundle_id = id_param(request.GET.get("bundle") or request.POST.get("bundle"))
    if item_id:
        item = Item.objects.filter(pk=item_id, county_id__in=counties).select_related("current").first()
        if item is not None and item.current_id and item.in_force(today):
            return item, None
    if bundle_id:
        bundle = Bundle.objects.filter(pk=bundle_id, county_id__in=counties, active=True).first()
        if bundle is not None:
            return None, bundle
    return None, None


@login_required
@api_twin("POST /api/doorstep/requests", "POST /api/doorstep/bundles/{bundle_id}/requests")
def new(request):
    """办事: choose the item (or the life event), the person it is for, then tick the materials."""
    actor = request.user
    if not selectors.request_villages(actor).exists() and not scope.can(actor, Action.SERVICE_APPLY):
        raise PermissionDenied()
    item, bundle = _chosen(request, actor)
    context = {"item": item, "bundle": bundle}
    if item is None and bundle is None:
        today = timezone.localdate()
        items = Item.objects.filter(county_id__in=reading_county_ids(actor), current__isnull=False).select_related(
            "current"
        )
        villager = not _is_handler(actor)
        context["items"] = [
            i for i in items.order_by("order", "code") if i.in_force(today) and (not villager or i.current.online)
        ]
        context["bundles"] = Bundle.objects.filter(county_id__in=reading_county_ids(actor), active=True).order_by(
            "code"
        )
        return render(request, "doorstep/new_pick.html", context)
    items = [item] if item else list(bundle.items.select_related("current").order_by("order", "code"))
    if not _is_handler(actor):
        # a villager on the phone is told at once which items are done elsewhere, before choosing anyone
        refused = services.refusal(items, "villager")
        if refused:
            context["refused"] = refused
            return render(request, "doorstep/new_refused.html", context)
    person_id = id_param(request.GET.get("person") or request.POST.get("person"))
    person = selectors.person_for_request(actor, person_id) if person_id else None
    if person is None:
        context["q"] = (request.GET.get("q") or "").strip()
        context["people"] = selectors.people_to_serve(actor, context["q"])
        context["search"] = _is_handler(actor)
        return render(request, "doorstep/new_person.html", context)
    how = services.acting_as(actor, person.village_id)
    refused = services.refusal(items, how)
    if refused:
        # said before anything is typed: which items are done elsewhere, and where
        context.update(person=person, refused=refused)
        return render(request, "doorstep/new_refused.html", context)
    on_behalf = person.user_id != actor.pk and how != "villager"
    form = RequestForm(
        request.POST or None,
        request.FILES or None,
        checklist=services.checklist(items),
        on_behalf=on_behalf,
        purpose=bool(item and item.certificate_id),
    )

    def write(data):
        common = {
            "actor": actor,
            "household": person.household,
            "person": person,
            "consent": data.get("consent") or "",
            "details": data.get("details") or "",
            "materials": form.materials(),
        }
        if item is not None:
            return [services.request_make(item=item, purpose=data.get("purpose") or "", **common)]
        return services.bundle_make(bundle=bundle, **common)

    done = submit(
        request,
        form,
        write,
        done=lambda made: _("Request sent: %(numbers)s.") % {"numbers": "、".join(c.number for c in made)},
        to=lambda made: made[0].get_absolute_url() if len(made) == 1 else "doorstep:mine",
    )
    context.update(person=person, form=form, on_behalf=on_behalf, items=items)
    return done or render(request, "doorstep/new.html", context, status=400 if request.method == "POST" else 200)


@login_required
def revisits(request):
    """每月回访: the month's completed requests waiting for their revisit, by village."""
    actor = request.user
    if not scope.can(actor, Action.SERVICE_HANDLE):
        raise PermissionDenied()
    today = timezone.localdate()
    try:
        year, month = (int(x) for x in (request.GET.get("month") or f"{today:%Y-%m}").split("-", 1))
        date(year, month, 1)
    except ValueError:
        year, month = today.year, today.month
    rows = selectors.revisit_list(actor, year=year, month=month)
    return render(
        request,
        "doorstep/revisits.html",
        {"rows": rows[:500], "count": rows.count(), "month": f"{year:04d}-{month:02d}"},
    )


@login_required
def request_page(request, pk):
    return case_page(request, selectors.request_for(request.user, pk))


def case_page(request, case, *, failed=None, status=200):
    """The request's page (Flow.page): what casework draws again, with the refused step's form, after a refusal."""
    actor = request.user
    return render(
        request,
        "doorstep/request.html",
        {
            "case": case,
            "flow": DOORSTEP,
            "state_label": DOORSTEP.state_label(case.state),
            "materials": list(selectors.materials(actor, case)),
            "checklist": case.item_version.materials,
            # the household's page in the registry (members, phone to reveal), for those who may read it there
            "household_url": (
                reverse("registry:household_detail", args=[case.household_id])
                if scope.in_scope(actor, Action.REGISTRY_VIEW, case.household)
                else ""
            ),
            "steps": steps.panels(actor, case, DOORSTEP, failed=failed),
            "timeline": steps.timeline(case, DOORSTEP),
        },
        status=status,
    )


@login_required
def receipt(request, pk):
    """受理回执 / 一次性告知书: what the villager takes home — the number, the item, the materials received, what is
    still missing (all at once), the promised time limit and where to ask; printed at the counter or kept on the
    phone."""
    from casework.models import CaseEvent
    from doorstep.catalogue_selectors import village_point
    from doorstep.models import ServicePoint

    case = selectors.request_for(request.user, pk)
    point = village_point(case.village) or (
        ServicePoint.objects.filter(township_id=case.township_id, village__isnull=True, active=True).first()
    )
    missing = ""
    if case.state == "incomplete":
        asked = (
            CaseEvent.objects.filter(
                content_type__app_label="doorstep", object_id=case.pk, flow=DOORSTEP.name, transition="ask_materials"
            )
            .order_by("-at")
            .first()
        )
        missing = (asked.data or {}).get("missing", "") if asked else ""
    return render(
        request,
        "doorstep/request_receipt.html",
        {
            "case": case,
            "state_label": DOORSTEP.state_label(case.state),
            "materials": list(selectors.materials(request.user, case)),
            "missing": missing,
            "point": point,
            "now": timezone.now(),
        },
    )


@login_required
def material_file(request, pk, material):
    """A material's photo or PDF, for someone who may see the request (audited: it is a personal document)."""
    case = selectors.request_for(request.user, pk)
    found = selectors.materials(request.user, case).filter(pk=material).exclude(file="").first()
    if found is None:
        from django.http import Http404

        raise Http404()
    from core import audit
    from doorstep.audit_labels import AuditAction

    audit.record(request.user, AuditAction.MATERIAL_READ, case, note=found.name)
    return file_response(found.file, content_type=found.content_type, cache_private=True)


urlpatterns = [
    path("", home, name="home"),
    path("queue/", queue, name="queue"),
    path("mine/", mine, name="mine"),
    path("new/", new, name="new"),
    path("revisits/", revisits, name="revisits"),
    path("<int:pk>/", request_page, name="request"),
    path("<int:pk>/receipt/", receipt, name="receipt"),
    path("<int:pk>/materials/<int:material>/", material_file, name="material"),
]
