"""Pages of the incident loop (网格事件 五步闭环): report, the case page (its step forms come from the flow's
declaration and post to the generic step view, casework:step), and the lists of each role (all cases, my
reports, the handler's queue, waiting for dispatch, the supervision board, follow-up calls). Thin: reads go
through incidents.selectors, writes through incidents.services."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import steps
from core import scope, workflow
from core.cache import kept
from core.errors import DomainError, NotFound
from core.roles import Action, Role
from core.views import api_twin, apply_domain_errors, paginate, require_action
from incidents import selectors, services
from incidents.flows import INCIDENT
from incidents.forms import ListFilterForm, ReportForm
from incidents.models import Level, Rating
from incidents.supervision import DUE_SOON_HOURS
from regions.models import Grid, Region, RegionLevel

# the report service's field names → the report form's
FIELD_ALIASES = {"location": "lat", "lng": "lat", "household": "__all__"}


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i") if moment else ""


def decorate(incidents, now=None):
    """State label, overdue and due-soon marks for rows of a list."""
    now = now or timezone.now()
    soon = now + timedelta(hours=DUE_SOON_HOURS)
    rows = list(incidents)
    for incident in rows:
        incident.state_label = INCIDENT.state_label(incident.state)
        is_open = incident.closed_at is None and incident.state != "resolved"
        deadline = incident.deadline_at
        incident.is_overdue = is_open and deadline is not None and (incident.overdue or deadline < now)
        incident.is_due_soon = is_open and not incident.is_overdue and deadline is not None and deadline <= soon
    return rows


def handling_body(incident) -> str:
    if incident.level == Level.COUNTY:
        return incident.handler_department.name if incident.handler_department_id else _("County (to be dispatched)")
    if incident.level == Level.TOWNSHIP:
        return incident.township.name
    if incident.level == Level.VILLAGE:
        return incident.village.name
    return ""


def reported_text(incident) -> str:
    """What a reporter is told once the case is in: its number, who handles it and in how many working days."""
    facts = {"number": incident.number, "body": handling_body(incident), "n": incident.handling_days}
    if incident.matter.unsorted:
        return _("Reported as case %(number)s. It went to %(body)s, which first sets the kind of matter.") % facts
    if incident.handling_days:
        return (
            _("Reported as case %(number)s. %(body)s will handle it within %(n)s working days after accepting it.")
            % facts
        )
    return _("Reported as case %(number)s. %(body)s will handle it.") % facts


LINKS = [
    ("incidents:list", gettext_lazy("All cases"), Action.INCIDENT_VIEW),
    ("incidents:map", gettext_lazy("Map"), (Action.INCIDENT_VIEW, Action.INCIDENT_HANDLE)),
    ("incidents:report", gettext_lazy("Report"), Action.INCIDENT_REPORT),
    ("incidents:mine", gettext_lazy("My reports"), Action.INCIDENT_REPORT),
    ("incidents:queue", gettext_lazy("My queue"), Action.INCIDENT_HANDLE),
    ("incidents:to_dispatch", gettext_lazy("Waiting for dispatch"), Action.INCIDENT_DISPATCH),
    ("incidents:board", gettext_lazy("Supervision board"), Action.INCIDENT_SUPERVISE),
    ("incidents:follow_up", gettext_lazy("Follow-up calls"), Action.INCIDENT_VIEW),
    ("incidents:kpi", gettext_lazy("Performance figures"), Action.INCIDENT_KPI),
    ("incidents:assessment", gettext_lazy("Grid worker assessment"), (Action.INCIDENT_KPI, Action.INCIDENT_VIEW)),
]


def _render(request, template, context, status=200):
    """render() with the links between the loop's pages that the actor may open."""
    links = []
    for name, label, action in LINKS:
        actions = action if isinstance(action, tuple) else (action,)
        if any(scope.can(request.user, a) for a in actions):
            url = reverse(name)
            links.append({"url": url, "label": label, "active": request.path == url})
    return render(request, template, {**context, "incident_links": links}, status=status)


# -- report -------------------------------------------------------------------------------------------------


def _report_grids(actor):
    """The grids of the villages the actor reports in (a township official: the township's)."""
    q = selectors.report_area_q(actor)
    return Grid.objects.filter(q, is_active=True).select_related("village").order_by("village__code", "code")


def _own_grid_id(actor) -> int | None:
    """A grid worker's own grid, or a villager's household's grid, to preselect."""
    grids = scope.targets(actor, "grid", role=Role.GRID_WORKER)
    if grids:
        return grids[0]
    from registry.models import Household

    household_ids = scope.targets(actor, "household")
    if household_ids:
        return Household.objects.filter(pk__in=household_ids).values_list("grid_id", flat=True).first()
    return None


def _household_from(actor, value):
    """The household a grid worker reports for (?household= from its page), when the actor may see it."""
    from registry.selectors import access_household

    if not str(value or "").isdigit():
        return None
    try:
        return access_household(actor, int(value))
    except NotFound:
        return None


def _geojson_url(actor) -> str:
    """The grids on the pin picker: only for people who may see the grid map."""
    return reverse("regions:grid_geojson") if scope.can(actor, Action.REGISTRY_VIEW) else ""


@login_required
@require_action(Action.INCIDENT_REPORT)
@api_twin("POST /api/incidents")
def report(request):
    actor = request.user
    grids = list(_report_grids(actor))
    own = _own_grid_id(actor)
    can_settle = bool(scope.targets(actor, "grid", role=Role.GRID_WORKER))
    household = _household_from(actor, request.POST.get("household") or request.GET.get("household"))
    initial = {"grid": own} if own in {g.pk for g in grids} else {}
    if household is not None:
        initial["household"] = household.pk
        if household.grid_id in {g.pk for g in grids}:
            initial["grid"] = household.grid_id
    if request.method == "GET" and request.GET.get("description"):
        # what another page already wrote (a household visit's finding): not typed again
        initial["description"] = request.GET["description"][:1000]
    form = ReportForm(
        request.POST or None,
        request.FILES or None,
        matters=selectors.matters(actor, current_only=True),
        grids=grids,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        matter = selectors.matters(actor).filter(pk=data["matter"]).first()
        located = bool(data["lat"] or data["lng"])
        try:
            if matter is None:
                raise DomainError({"matter": _("Choose what kind of matter it is.")})
            incident, created = services.incident_report(
                actor=actor,
                matter=matter,
                severity=data["severity"],
                description=data["description"],
                address=data["address"],
                grid=None if located else data["grid"],
                lat=data["lat"] or None,
                lng=data["lng"] or None,
                photos=data["photos"],
                client_key=data["client_key"],
                household=data["household"],
                settled=data["settled"] if can_settle else "",
                settled_photos=data["settled_photos"] if can_settle else [],
            )
        except NotFound:
            form.add_error("lat" if located else "grid", _("You cannot report a case in this place."))
        except DomainError as exc:
            apply_domain_errors(form, exc, FIELD_ALIASES)
        else:
            if created and incident.on_the_spot:
                messages.success(
                    request,
                    _("Reported as case %(number)s and closed: settled on the spot.") % {"number": incident.number},
                )
            elif created:
                messages.success(request, reported_text(incident))
            else:
                messages.info(request, _("Already received; it was not stored twice."))
            return redirect("incidents:detail", pk=incident.pk)
    return _render(
        request,
        "incidents/report.html",
        {
            "form": form,
            "geojson_url": _geojson_url(actor),
            "has_grids": bool(grids),
            "can_settle": can_settle,
            "household": household,
        },
    )


# -- the case page and its steps ---------------------------------------------------------------------------


def _event_details(event) -> list[tuple[str, str]]:
    data = event.data or {}
    out = []
    if data.get("level") and event.transition in ("route", "dispatch", "escalate", "classify"):
        out.append((_("Handling level"), str(Level(data["level"]).label) if data["level"] in Level.values else ""))
    if data.get("department_name"):
        out.append((_("Department"), data["department_name"]))
    if data.get("days") and event.transition in ("route", "dispatch", "extend", "classify"):
        label = _("Extended by (working days)") if event.transition == "extend" else _("Working days")
        out.append((label, str(data["days"])))
    if data.get("due"):
        try:
            out.append((_("New deadline"), _when(datetime.fromisoformat(data["due"]))))
        except (TypeError, ValueError):
            out.append((_("New deadline"), str(data["due"])))
    if data.get("rating") in Rating.values:
        out.append((_("Rating"), str(Rating(data["rating"]).label)))
    if data.get("on_behalf"):
        out.append((_("Rated"), _("on the reporter's behalf (follow-up call)")))
    if data.get("matter_name") and event.transition == "classify":
        out.append((_("Kind of matter"), data["matter_name"]))
    return out


def sees_routing(actor) -> bool:
    """The triage rule behind a routing ("规则：… → 村") is the county's working detail: shown to those who dispatch
    or keep the rules, not to a reporter, who is told who handles the case and by when."""
    return scope.can(actor, Action.INCIDENT_DISPATCH) or scope.can(actor, Action.INCIDENT_CATALOGUE)


def _timeline(incident, *, rules: bool = True) -> list[dict]:
    rows = []
    for event in workflow.history(incident):
        routed = event.transition == "route"
        rows.append(
            {
                "event": event,
                "label": INCIDENT.step_label(event.transition),
                "who": event.actor_label or (str(event.actor) if event.actor_id else _("System")),
                "details": _event_details(event),
                "reason": (event.data or {}).get("reason", "") if routed and rules else "",
                "note": event.note if not routed or rules else "",
                "attachments": list(event.attachments.all()),
                "overdue": event.transition == "overdue",
            }
        )
    return rows


def detail_page(request, incident, *, failed=None, status=200):
    """The case page (INCIDENT's page): the case, its co-handling bodies and photos, the steps the person may
    take now (casework.steps.panels, from the flow's declaration) and the timeline. A refused step's form comes
    back here through the generic step view (casework:step), open with its messages."""
    now = timezone.now()
    (incident,) = decorate([incident], now)
    timeline = _timeline(incident, rules=sees_routing(request.user))
    report_photos = timeline[0]["attachments"] if timeline and timeline[0]["event"].transition == "start" else []
    return _render(
        request,
        "incidents/detail.html",
        {
            "incident": incident,
            "handling_body": handling_body(incident),
            "assists": incident.assist_rows.select_related("department").order_by("added_at", "pk"),
            "timeline": timeline,
            "report_photos": report_photos,
            "steps": steps.panels(request.user, incident, INCIDENT, failed=failed),
            "failed": failed,
            "place_url": reverse("incidents:case_geojson", args=[incident.pk]) if incident.lat is not None else "",
            # a report that turns out to be a dispute goes to mediation without retyping (docs/mediation.md)
            "to_mediation": scope.can(request.user, Action.MEDIATION_INTAKE) and incident.village_id is not None,
        },
        status=status,
    )


@login_required
def detail(request, pk):
    return detail_page(request, selectors.get(request.user, pk))


# -- lists ---------------------------------------------------------------------------------------------------


def _villages(actor):
    return Region.objects.filter(
        level=RegionLevel.VILLAGE, pk__in=selectors.visible(actor).values("village_id")
    ).order_by("code")


@login_required
@require_action(Action.INCIDENT_VIEW)
def incident_list(request):
    actor = request.user
    form = ListFilterForm(request.GET or None, matters=selectors.matters(actor), villages=_villages(actor))
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "state": data["state"],
            "matter": data["matter"],
            "village": data["village"],
            "overdue": data["overdue"],
            "start": data["start"],
            "end": data["end"],
            "text": data["text"].strip(),
        }
    page = paginate(request, selectors.search(actor, **filters), decorate=decorate)
    return _render(
        request,
        "incidents/list.html",
        {
            "form": form,
            "page": page,
            "filtered": any(filters.values()),
            "can_report": scope.can(actor, Action.INCIDENT_REPORT),
        },
    )


@login_required
@require_action(Action.INCIDENT_REPORT)
def my_reports(request):
    page = paginate(request, selectors.my_reports(request.user), decorate=decorate)
    return _render(request, "incidents/mine.html", {"page": page})


@login_required
@require_action(Action.INCIDENT_HANDLE)
def queue(request):
    """待办. The same for everyone in the same handling bodies: kept rendered under ``selectors.queue_version`` and
    the page number."""
    version = selectors.queue_version(request.user, timezone.now())
    page_no = request.GET.get("page", "1")[:8]

    def rows():
        page = paginate(request, selectors.queue(request.user), 30, decorate=decorate)
        return render_to_string("incidents/_queue_rows.html", {"page": page}, request=request)

    html = _kept("incidents-queue", f"{version}:{page_no}" if version else None, rows)
    return _render(request, "incidents/queue.html", {"rows_html": html})


def _kept(prefix: str, version: str | None, build):
    """``build()``'s HTML, kept in the cache under ``version`` (not kept when there is none)."""
    return mark_safe(kept(prefix, version, build, KEPT_SECONDS))  # noqa: S308 - rendered by our own templates


@login_required
@require_action(Action.INCIDENT_DISPATCH)
def to_dispatch(request):
    page = paginate(request, selectors.to_dispatch(request.user), 30, decorate=decorate)
    return _render(request, "incidents/to_dispatch.html", {"page": page})


BOARD_ROWS = 20  # per section; the rest are a click away (the whole list, or the follow-up page)
KEPT_SECONDS = 120  # kept pages' keys change every minute anyway


@login_required
@require_action(Action.INCIDENT_SUPERVISE)
def board(request):
    """督办台. The sections are the same for everyone supervising the same places: kept rendered under
    ``selectors.board_version`` (the places, the latest step on any incident there, the minute)."""
    now = timezone.now()
    html = _kept(
        "incidents-board",
        selectors.board_version(request.user, now),
        lambda: render_to_string(
            "incidents/_board_sections.html", {"sections": _board_sections(request.user, now)}, request=request
        ),
    )
    return _render(request, "incidents/board.html", {"sections_html": html})


def _board_sections(actor, now) -> list[dict]:
    titles = {
        "overdue": _("Overdue"),
        "due_soon": _("Due within a day"),
        "supervised": _("Under a supervision notice (督办)"),
        "unrated": _("Not rated for 7 days"),
    }
    counts = selectors.board_counts(actor, now=now)
    sections = []
    for key, qs in selectors.board(actor, now=now).items():
        count = counts[key]
        sections.append(
            {
                "key": key,
                "title": titles[key],
                "count": count,
                "rows": decorate(qs[:BOARD_ROWS], now),
                "more": max(0, count - BOARD_ROWS),
            }
        )
    return sections


@login_required
@require_action(Action.INCIDENT_VIEW)
def follow_up(request):
    page = paginate(request, selectors.unrated(request.user), 30, decorate=decorate)
    return _render(request, "incidents/follow_up.html", {"page": page})
