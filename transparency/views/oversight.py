"""Overseeing disclosure: the disclosure calendar of a village (or of every village of a township or county), the
township's supervision page and the county's rules."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core.roles import Action
from core.views import api_twin, require_action, submit
from regions import selectors as region_selectors
from transparency import disclosure, selectors, services
from transparency.forms import PolicyForm
from transparency.models import STREAM_ORDER, DisclosurePolicy, Stream
from transparency.policy import policy_for
from transparency.views.common import FIELD_ALIASES, _render, _require_any, _year, _years

# -- the disclosure calendar ----------------------------------------------------------------------------------


@login_required
def calendar(request):
    """公开日历 of one village (the actor's, or one chosen among the township's); a township or county official
    without a village chosen sees every village, late ones first."""
    actor = request.user
    _require_any(actor, *selectors.CALENDAR_ACTIONS)
    year = _year(request)
    villages = selectors.calendar_villages(actor)
    if not villages:
        raise PermissionDenied()
    village = next((v for v in villages if str(v.pk) == request.GET.get("village")), None)
    if village is None and len(villages) == 1:
        village = villages[0]
    today = timezone.localdate()
    context = {"year": year, "years": _years(), "villages": villages}
    if village is not None:
        cal = disclosure.village_calendar(village, year, today=today)
        context.update(village=village, cal=cal, rows=_calendar_rows(cal))
    else:
        context["overview"] = disclosure.calendars(villages, year, today=today)
    return _render(request, "transparency/calendar.html", context)


def _calendar_rows(cal) -> list[dict]:
    return [
        {
            "stream": stream,
            "label": Stream(stream).label,
            "cadence": cal.policy.cadence(stream),
            "slots": cal.rows[stream],
        }
        for stream in STREAM_ORDER
    ]


# -- supervision ----------------------------------------------------------------------------------------------


@login_required
@require_action(Action.TRANSPARENCY_SUPERVISE)
def supervision(request):
    """The township's (or county's) board: overdue questions, and late disclosures by village, late ones first."""
    actor = request.user
    year = _year(request)
    now = timezone.now()
    overdue = list(selectors.overdue_questions(actor, now=now).select_related("township")[:200])
    villages = list(region_selectors.villages(actor, Action.TRANSPARENCY_SUPERVISE))
    overview = disclosure.calendars(villages, year, today=timezone.localdate())
    late = [c for c in overview if c.late_count or c.done_late_count]
    return _render(
        request,
        "transparency/supervision.html",
        {
            "year": year,
            "years": _years(),
            "overdue": overdue,
            "overview": overview,
            "late": late,
            "village_count": len(villages),
            "open_count": selectors.open_questions(actor, action=Action.TRANSPARENCY_SUPERVISE).count(),
        },
    )


# -- the county's rules ---------------------------------------------------------------------------------------


@login_required
@require_action(Action.TRANSPARENCY_POLICY)
@api_twin("PUT /api/transparency/policy")
def policy(request):
    actor = request.user
    counties = selectors.policy_counties(actor)
    if not counties:
        raise PermissionDenied()
    county = next((c for c in counties if str(c.pk) == (request.POST.get("county") or request.GET.get("county"))), None)
    county = county or counties[0]
    current = policy_for(county)
    form = PolicyForm(request.POST or None, initial={f: getattr(current, f) for f in DisclosurePolicy.FIELDS})
    done = submit(
        request,
        form,
        lambda data: services.policy_save(actor=actor, county=county, **data),
        done=_("Disclosure rules saved."),
        to=f"{reverse('transparency:policy')}?{urlencode({'county': county.pk})}",
        aliases=FIELD_ALIASES,
    )
    return done or _render(
        request,
        "transparency/policy.html",
        {"form": form, "county": county, "counties": counties, "policy": current, "saved": current.pk is not None},
    )
