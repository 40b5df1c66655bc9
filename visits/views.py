"""入户走访's pages: my list of households owing a visit (one tap → the visit form), the visit form on the phone,
a visit's page with its follow-up buttons (the incident, dispute and service forms, prefilled), the county's
frequencies, the township's board and the overdue list as .xlsx. Reads through visits.selectors, writes through
visits.services."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import scope
from core.params import id_param
from core.roles import Action
from core.views import api_twin, download_response, file_response, submit
from core.xlsx import Sheet, workbook
from visits import selectors, services
from visits.forms import FrequencyForm, LinkForm, VisitForm
from visits.models import FollowUp, Period

LIST_LIMIT = 300


def links(request) -> list[dict]:
    actor = request.user
    rows = []
    if selectors.lists(actor):
        rows.append(("visits:due", gettext_lazy("Households to visit")))
    if selectors.records(actor):
        rows.append(("visits:record", gettext_lazy("Record a visit")))
    if selectors.reads_board(actor):
        rows.append(("visits:board", gettext_lazy("Visit board")))
    if selectors.reading_counties(actor):
        rows.append(("visits:frequencies", gettext_lazy("Visit frequencies")))
    return [{"url": reverse(n), "label": label, "active": request.path == reverse(n)} for n, label in rows]


def _render(request, template, context, status=200):
    return render(request, template, {**context, "links": links(request)}, status=status)


def _which(request) -> str:
    return "overdue" if request.GET.get("state") == "overdue" else "due"


@login_required
def due(request):
    """The households the actor records for that owe a visit: overdue first, then those due this period."""
    actor = request.user
    if not selectors.lists(actor):
        raise PermissionDenied()
    today = timezone.localdate()
    which = _which(request)
    qs = selectors.my_due(actor, today, which=which)
    rows = selectors.describe(actor, qs.order_by("number")[:LIST_LIMIT], today)
    return _render(
        request,
        "visits/due.html",
        {"rows": rows, "which": which, "today": today, "more": len(rows) >= LIST_LIMIT},
    )


@login_required
def overdue_xlsx(request):
    """The overdue list as a workbook: the actor's households (recorders) or the board's (township, county)."""

    actor = request.user
    if selectors.reads_board(actor):
        place = selectors.board_place(actor)
    elif selectors.lists(actor):
        place = selectors.list_place(actor)
    else:
        raise PermissionDenied()
    today = timezone.localdate()
    qs = selectors.owing(place, today, which="overdue").select_related("township", "village", "grid")
    rows = selectors.describe(actor, qs.order_by("township_id", "village_id", "number"), today)
    sheet = Sheet(
        title=_("Overdue visits"),
        caption=_("Households overdue for a visit on %(day)s") % {"day": today.isoformat()},
        heads=[
            _("Township"),
            _("Village"),
            _("Grid"),
            _("Household"),
            _("Head of household"),
            _("Why"),
            _("How often"),
            _("Missed period ended"),
            _("Last visit"),
        ],
        rows=(
            [
                o.household.township.name,
                o.household.village.name,
                o.household.grid.name if o.household.grid_id else "",
                o.household.number,
                o.household.head_name,
                "、".join(o.reasons),
                str(Period(o.period).label),
                o.by.isoformat() if o.by else "",
                o.last.isoformat() if o.last else "",
            ]
            for o in rows
        ),
    )
    return download_response(
        workbook(sheet),
        name=_("Overdue visits %(day)s.xlsx") % {"day": today.isoformat()},
        fallback=f"overdue-visits-{today.isoformat()}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
@api_twin("POST /api/visits/visits", "POST /api/visits/visits/upload")
def record(request):
    """The visit form: pick the household (or come from the list with it), then what was found."""
    actor = request.user
    if not selectors.records(actor):
        raise PermissionDenied()
    household_id = id_param(request.GET.get("household") or request.POST.get("household"))
    household = None
    if household_id:
        household = (
            selectors.recording_households(actor).filter(pk=household_id).select_related("village", "grid").first()
        )
    if household is None:
        q = (request.GET.get("q") or "").strip()[:50]
        rows = []
        if q:
            qs = selectors.recording_households(actor).select_related("village")
            rows = list((qs.filter(head_name__contains=q) | qs.filter(number=q)).order_by("number")[:30])
        return _render(request, "visits/pick.html", {"q": q, "households": rows})
    people = list(household.members.filter(is_deceased=False).order_by("id"))
    form = VisitForm(request.POST or None, request.FILES or None, people=people)
    done = submit(
        request,
        form,
        lambda data: services.visit_record(actor=actor, household=household, **data),
        done=_("Visit recorded."),
        to=lambda v: v.get_absolute_url(),
    )
    history = list(selectors.of_household(actor, household.pk)[:5])
    return done or _render(
        request,
        "visits/record.html",
        {"household": household, "form": form, "history": history},
        status=400 if request.method == "POST" else 200,
    )


def follow_up_links(visit) -> list[dict]:
    """The forms of the other apps a problem found becomes, prefilled from the visit (nothing typed again)."""
    text = f"{_('Found on a visit on %(day)s:') % {'day': visit.visited_on.isoformat()}} {visit.found}"[:1000]
    person = (
        visit.person_id
        or visit.household.members.filter(is_deceased=False).order_by("id").values_list("pk", flat=True).first()
    )
    household = visit.household_id
    rows = [
        (
            FollowUp.INCIDENT,
            _("Report as a grid incident"),
            "incidents:report",
            {"household": household, "description": text},
        ),
        (
            FollowUp.DISPUTE,
            _("Record a dispute for mediation"),
            "mediation:record",
            {"village": visit.village_id, "household": household, "facts": text},
        ),
        (FollowUp.SERVICE, _("Open a service request"), "doorstep:new", {"person": person or "", "note": text}),
    ]
    return [
        {
            "kind": kind,
            "label": label,
            "url": f"{reverse(name)}?{urlencode(params)}",
            "suggested": visit.follow_up == kind,
        }
        for kind, label, name, params in rows
    ]


@login_required
@api_twin("POST /api/visits/visits/{visit_id}/follow-up")
def visit(request, pk):
    actor = request.user
    found = selectors.visit_for(actor, pk)
    may_follow = found.problem and (found.by_id == actor.pk or selectors.may_record(actor, found.household))
    form = LinkForm(request.POST or None, initial={"reference": found.reference})
    if request.method == "POST":
        if not may_follow:
            raise PermissionDenied()
        done = submit(
            request,
            form,
            lambda data: services.visit_link(actor=actor, visit=found, **data),
            done=_("The case is noted on the visit."),
            to=found.get_absolute_url(),
        )
        if done:
            return done
    return _render(
        request,
        "visits/visit.html",
        {"visit": found, "follow_ups": follow_up_links(found) if may_follow else [], "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def photo(request, pk, photo_id, thumb=False):
    """A visit's photo (or its thumbnail), only to those who see the visit."""
    found = selectors.visit_for(request.user, pk)
    image = found.photos.filter(pk=photo_id).first()
    if image is None:
        raise Http404()
    field = image.thumbnail if thumb and image.thumbnail else image.file
    return file_response(
        field,
        content_type="image/jpeg" if field is image.thumbnail else image.content_type,
        name=image.name,
        cache_private=True,
    )


@login_required
@api_twin("POST /api/visits/frequencies")
def frequencies(request):
    from regions.models import Region
    from registry.models import Tag

    actor = request.user
    counties = selectors.reading_counties(actor)
    if not counties:
        raise PermissionDenied()
    setting = selectors.frequency_counties(actor)
    county = Region.objects.filter(pk__in=setting).order_by("pk").first() if setting else None
    shows_restricted = scope.can(actor, Action.VIEW_RESTRICTED_TAGS)
    tags = [t for t in Tag.objects.order_by("restricted", "code") if shows_restricted or not t.restricted]
    form = FrequencyForm(request.POST or None, tags=tags) if county else None
    if request.method == "POST":
        if county is None:
            raise PermissionDenied()
        done = submit(
            request,
            form,
            lambda data: services.frequency_set(actor=actor, county=county, **data),
            done=_("Visit frequency saved."),
            to="visits:frequencies",
        )
        if done:
            return done
    rows = [
        f
        for f in selectors.frequencies(counties).order_by("county_id", "tag__code")
        if shows_restricted or not f.tag.restricted
    ]
    return _render(
        request,
        "visits/frequencies.html",
        {"rows": rows, "form": form, "county": county},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def board(request):
    """The township's (county's) board: per village and grid, households under a rule, owing, overdue."""
    actor = request.user
    if not selectors.reads_board(actor):
        raise PermissionDenied()
    today = timezone.localdate()
    rows = selectors.board(actor, today)
    totals = {k: sum(r[k] or 0 for r in rows) for k in ("ruled", "due", "overdue")}
    return _render(request, "visits/board.html", {"rows": rows, "totals": totals, "today": today})


urlpatterns = [
    path("", due, name="due"),
    path("record/", record, name="record"),
    path("<int:pk>/", visit, name="visit"),
    path("<int:pk>/photos/<int:photo_id>/", photo, name="photo"),
    path("<int:pk>/photos/<int:photo_id>/thumb/", photo, {"thumb": True}, name="photo_thumb"),
    path("frequencies/", frequencies, name="frequencies"),
    path("board/", board, name="board"),
    path("overdue.xlsx", overdue_xlsx, name="overdue_xlsx"),
]
