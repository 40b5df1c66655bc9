"""The working-day calendar page: everyone who works in a county reads it; its administrator keeps it."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy
from django.views.decorators.http import require_POST

from casework import selectors, services, steps
from casework.forms import DaysForm, ResetForm
from casework.models import CaseAttachment
from core import scope, workflow
from core.calendar import WorkingCalendar
from core.errors import DomainError
from core.fields import FILES, NOTE
from core.views import api_twin, apply_domain_errors, file_response

WEEKDAYS = [
    pgettext_lazy("calendar column", "Mon"),
    pgettext_lazy("calendar column", "Tue"),
    pgettext_lazy("calendar column", "Wed"),
    pgettext_lazy("calendar column", "Thu"),
    pgettext_lazy("calendar column", "Fri"),
    pgettext_lazy("calendar column", "Sat"),
    pgettext_lazy("calendar column", "Sun"),
]
MIN_YEAR, MAX_YEAR = 2000, 2100


def _county(request, data):
    counties = selectors.counties(request.user)
    if not counties:
        raise PermissionDenied()
    raw = data.get("county")
    if not raw:
        return counties[0], counties
    for county in counties:
        if str(county.pk) == raw:
            return county, counties
    raise Http404()


def _year(raw, default: int) -> int:
    try:
        year = int(raw)
    except (TypeError, ValueError):
        return default
    return year if MIN_YEAR <= year <= MAX_YEAR else default


def _day(raw, year: int | None = None) -> date | None:
    try:
        day = date.fromisoformat(raw or "")
    except ValueError:
        return None
    return day if year is None or day.year == year else None


def _url(county, year: int, day: date | None = None) -> str:
    query = {"county": county.pk, "year": year}
    if day is not None:
        query["day"] = day.isoformat()
    return f"{reverse('casework:calendar')}?{urlencode(query)}" + ("#day" if day else "")


def _page(request, county, counties, year: int, *, day: date | None = None, form: DaysForm | None = None):
    can_edit = scope.region_in_scope(request.user, services.MANAGE, county)
    months, totals = selectors.year_grid(county, year)
    selected = selectors.day_of(WorkingCalendar(county), day) if day else None
    if can_edit and form is None:
        initial = {"is_working": "0"}
        if selected is not None:
            initial = {
                "first": day,
                "is_working": "0" if selected.is_working else "1",
                "note": selected.label if selected.source else "",
            }
        form = DaysForm(initial=initial)
    return render(
        request,
        "casework/calendar.html",
        {
            "county": county,
            "counties": counties,
            "year": year,
            "years": [y for y in (year - 1, year + 1) if MIN_YEAR <= y <= MAX_YEAR],
            "months": months,
            "totals": totals,
            "weekdays": WEEKDAYS,
            "selected": selected,
            "can_edit": can_edit,
            "form": form if can_edit else None,
            "this_year": timezone.localdate().year,
        },
    )


@login_required
def calendar_page(request):
    county, counties = _county(request, request.GET)
    year = _year(request.GET.get("year"), timezone.localdate().year)
    return _page(request, county, counties, year, day=_day(request.GET.get("day"), year))


@login_required
@require_POST
@api_twin("POST /api/casework/calendar/days")
def calendar_days(request):
    county, counties = _county(request, request.POST)
    if not scope.region_in_scope(request.user, services.MANAGE, county):
        raise PermissionDenied()
    form = DaysForm(request.POST)
    year = _year(request.POST.get("year"), timezone.localdate().year)
    if form.is_valid():
        data = form.cleaned_data
        try:
            changed = services.calendar_days_set(
                actor=request.user,
                county=county,
                first=data["first"],
                last=data["last"],
                is_working=data["is_working"],
                note=data["note"],
            )
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            if changed:
                n = len(changed)
                messages.success(
                    request,
                    ngettext("Calendar saved: %(n)s day changed.", "Calendar saved: %(n)s days changed.", n) % {"n": n},
                )
            else:
                messages.info(request, _("Nothing to change: the calendar already said so."))
            first = data["first"]
            single = data["last"] in (None, first)
            return redirect(_url(county, first.year, first if single else None))
    day = _day(request.POST.get("first"), year)
    return _page(request, county, counties, year, day=day, form=form)


@login_required
@require_POST
@api_twin("DELETE /api/casework/calendar/days/{day}")
def calendar_reset(request):
    county, _counties = _county(request, request.POST)
    if not scope.region_in_scope(request.user, services.MANAGE, county):
        raise PermissionDenied()
    form = ResetForm(request.POST)
    if not form.is_valid():
        raise Http404()
    day = form.cleaned_data["day"]
    if services.calendar_day_reset(actor=request.user, county=county, day=day):
        messages.success(
            request,
            _("The county's entry for %(day)s is removed; the national schedule applies.") % {"day": day.isoformat()},
        )
    return redirect(_url(county, day.year, day))


# -- the photos and documents of a case's timeline -----------------------------------------------------------


def _visible_attachment(request, pk):
    """The attachment, if the actor may see its case (a role of the case's flow over its region, or a relation
    to it); otherwise 404, the same as a missing one."""
    attachment = CaseAttachment.objects.select_related("event", "event__content_type").filter(pk=pk).first()
    if attachment is None:
        raise Http404()
    event = attachment.event
    try:
        flow = workflow.get_flow(event.flow)
        case = event.content_type.get_object_for_this_type(pk=event.object_id)
    except (KeyError, ObjectDoesNotExist):  # an unknown flow or a missing case: nothing to show
        raise Http404() from None
    if not workflow.can_see(request.user, case, flow):
        raise Http404()
    return attachment


@login_required
def attachment(request, pk):
    found = _visible_attachment(request, pk)
    return file_response(found.file, content_type=found.content_type, name=found.name, cache_private=True)


@login_required
def attachment_thumb(request, pk):
    found = _visible_attachment(request, pk)
    if not found.thumbnail:
        return file_response(found.file, content_type=found.content_type, name=found.name, cache_private=True)
    return file_response(
        found.thumbnail, content_type="image/jpeg", name=found.thumbnail.name.rsplit("/", 1)[-1], cache_private=True
    )


# -- declared steps: one view takes any step of any flow; one page shows a case of a flow without its own --


def case_page(request, case, *, failed=None, status=200):
    """The generic case page of a declared procedure: state, deadline, what the person may do now, timeline."""
    flow = workflow.get_flow(case.flow)
    return render(
        request,
        "casework/case.html",
        {
            "case": case,
            "flow": flow,
            "state_label": flow.state_label(case.state),
            "steps": steps.panels(request.user, case, flow, failed=failed),
            "timeline": steps.timeline(case, flow),
        },
        status=status,
    )


def _flow(name: str):
    try:
        return workflow.get_flow(name)
    except KeyError:
        raise Http404() from None


@login_required
def case(request, flow, pk):
    flow = _flow(flow)
    return steps.render_page(flow, request, steps.find(request.user, flow, pk))


@login_required
@require_POST
@api_twin("POST /api/casework/cases/{flow}/{case_id}/steps/{step}")
def step(request, flow, pk, step):
    """Take a declared step from its form: the module's service takes it; refused, the case page comes back
    with the form and its messages (nothing written)."""
    flow = _flow(flow)
    case = steps.find(request.user, flow, pk)
    tr = flow.transitions.get(step)
    if tr is None or all(who is workflow.SYSTEM for who in tr.allow):  # only the system takes it: no form
        raise Http404()
    form = steps.form_for(flow, tr, actor=request.user, case=case, data=request.POST, files=request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            taken = steps.take(
                actor=request.user,
                case=case,
                flow=flow,
                step=step,
                data=form.service_data(),
                note=data.get(NOTE) or "",
                attachments=data.get(FILES) or (),
                version=data.get("version"),
                confirmed=bool(data.get("confirm")),
            )
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            # the step the engine recorded (a Pick form takes one of several)
            done = getattr(taken, "transition", "")
            label = flow.step_label(done) if isinstance(done, str) and done in flow.transitions else tr.label
            taken_tr = flow.transitions.get(done, tr) if isinstance(done, str) else tr
            messages.success(request, str(taken_tr.done_text or _("Done: %(step)s.") % {"step": label}))
            return redirect(taken_tr.done_url(case) if taken_tr.done_url else workflow.case_url(case))
    case.refresh_from_db()
    # the page now shows the case as it is; a second try is a deliberate one on this version
    form.data = form.data.copy()
    form.data[form.add_prefix("version")] = str(case.version)
    return steps.render_page(flow, request, case, failed=form, status=400)
