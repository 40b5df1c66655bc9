"""Pages of mutual aid: home (what waits for the person, their applications), the list of applications, a new
application, an application with its steps and timeline, the village's fund (balance, ledger, contributions,
reversals, publication of payouts; .xlsx), its amount bands, and the figures (.xlsx). Thin: reads through
mutualaid.selectors, writes through mutualaid.services; an application's steps are taken by casework's step view."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from casework import steps
from core import scope
from core.errors import NotFound
from core.params import id_param
from core.roles import Action
from core.views import api_twin, paginate, post_back, submit
from mutualaid import figures as calc
from mutualaid import fund, selectors, services
from mutualaid.flows import MUTUAL_AID, OPEN
from mutualaid.forms import ApplicationForm, BandForm, ContributionForm
from mutualaid.models import Source

LINKS = [
    ("mutualaid:home", gettext_lazy("Mutual aid"), None),
    ("mutualaid:applications", gettext_lazy("Applications"), None),
    ("mutualaid:new", gettext_lazy("Apply"), "apply"),
    ("mutualaid:fund", gettext_lazy("Fund"), "fund"),
    ("mutualaid:bands", gettext_lazy("Bands"), "fund"),
    ("mutualaid:figures", gettext_lazy("Figures"), "figures"),
]


def links(request) -> list[dict]:
    actor = request.user
    show = {
        None: True,
        "apply": scope.can(actor, Action.AID_APPLY),
        "fund": selectors.fund_villages(actor).exists(),
        "figures": scope.can(actor, Action.AID_FIGURES),
    }
    out = []
    for name, label, need in LINKS:
        if show[need]:
            url = reverse(name)
            out.append({"url": url, "label": label, "active": request.path == url})
    return out


def _labelled(rows):
    for c in rows:
        c.state_label = MUTUAL_AID.state_label(c.state)
    return rows


def _render(request, template, context, status=200):
    return render(request, template, {"links": links(request), **context}, status=status)


@login_required
def home(request):
    actor = request.user
    mine = selectors.mine(actor)
    villages = list(selectors.fund_villages(actor)[:20])
    return _render(
        request,
        "mutualaid/home.html",
        {
            "waiting": _labelled(selectors.waiting_for(actor, limit=50)),
            "mine": _labelled(list(mine.order_by("-opened_at", "-pk")[:20])),
            "funds": [{"village": v, "balance": fund.balance(v.pk)} for v in villages],
            "may_apply": scope.can(actor, Action.AID_APPLY),
        },
    )


@login_required
def application_list(request):
    actor = request.user
    rows = selectors.visible(actor).order_by("-opened_at", "-pk")
    state = request.GET.get("state", "")
    if state == "open":
        rows = rows.filter(state__in=OPEN)
    elif state in MUTUAL_AID.states:
        rows = rows.filter(state=state)
    page = paginate(request, rows, 20, decorate=_labelled)
    states = [("open", _("All open"))] + [(s.name, s.label) for s in MUTUAL_AID.states.values()]
    return _render(request, "mutualaid/applications.html", {"page": page, "state": state, "states": states})


@login_required
@api_twin("POST /api/mutualaid/applications")
def application_new(request):
    actor = request.user
    if not scope.can(actor, Action.AID_APPLY):
        raise PermissionDenied()
    text = request.GET.get("q", "")
    pk = id_param(request.POST.get("person") or request.GET.get("person"))
    person = selectors.person_to_help(actor, pk) if pk is not None else None
    found = list(selectors.people_to_help(actor, text))
    form = ApplicationForm(request.POST or None, request.FILES or None)
    if person is not None:
        done = submit(
            request,
            form,
            lambda data: services.application_make(
                actor=actor,
                person=person,
                reason=data["reason"],
                amount_asked=data["amount_asked"],
                situation=data["situation"],
                attachments=data["attachments"],
            ),
            done=lambda case: _("Application %(number)s sent.") % {"number": case.number},
            to=lambda case: case.get_absolute_url(),
        )
        if done:
            return done
    elif request.method == "POST":
        form.is_valid()
        form.add_error(None, _("Choose a resident of your own household or of a village you serve."))
    bands = selectors.bands(person.village_id) if person is not None else []
    return _render(
        request,
        "mutualaid/new.html",
        {
            "form": form,
            "people": found,
            "person": person,
            "q": text,
            "bands": bands,
            "may_search": bool(services.staff_village_ids(actor)),
        },
        status=422 if request.method == "POST" else 200,
    )


def case_page(request, case, *, failed=None, status=200):
    """An application's page (Flow.page): what casework draws again, with the refused step's form, after a
    refusal."""
    actor = request.user
    payout = case.entries.filter(kind="payout").first()
    return _render(
        request,
        "mutualaid/application.html",
        {
            "case": case,
            "flow": MUTUAL_AID,
            "state_label": MUTUAL_AID.state_label(case.state),
            "steps": steps.panels(actor, case, MUTUAL_AID, failed=failed),
            "timeline": steps.timeline(case, MUTUAL_AID),
            "payout": payout,
            "bands": selectors.bands(case.village_id),
            "balance": fund.balance(case.village_id) if services.may_keep(actor, case.village_id) else None,
        },
        status=status,
    )


@login_required
def application_page(request, pk):
    return case_page(request, selectors.application_for(request.user, pk))


# -- the fund ------------------------------------------------------------------------------------------------------


def _village(request):
    try:
        return selectors.fund_village(request.user, id_param(request.GET.get("village")))
    except NotFound:
        if not selectors.fund_villages(request.user).exists():
            raise PermissionDenied() from None
        raise


def _fund_page(request, village, *, form=None, status=200):
    actor = request.user
    keep = services.may_keep(actor, village.pk)
    if request.GET.get("format") == "xlsx":
        return calc.ledger_download(village, selectors.ledger(village.pk))
    money = fund.totals(selectors.ledger(village.pk))
    page = paginate(request, selectors.ledger(village.pk), 30)
    return _render(
        request,
        "mutualaid/fund.html",
        {
            "village": village,
            "villages": selectors.fund_villages(actor),
            "balance": fund.balance(village.pk),
            "money": money,
            "sources": [(label, money["by_source"].get(value, fund.ZERO)) for value, label in Source.choices],
            "page": page,
            "keep": keep,
            "form": form or (ContributionForm() if keep else None),
            "unpublished": list(services.unpublished(village.pk).select_related("person")) if keep else [],
            "may_publish": keep and services.may_publish(actor, village.pk),
        },
        status=status,
    )


@login_required
@api_twin("POST /api/mutualaid/fund/contributions")
def fund_page(request):
    village = _village(request)
    if request.method == "POST":
        form = ContributionForm(request.POST)
        done = submit(
            request,
            form,
            lambda data: services.contribution_record(actor=request.user, village=village, **data),
            done=_("Contribution recorded."),
            to=f"{reverse('mutualaid:fund')}?village={village.pk}",
        )
        return done or _fund_page(request, village, form=form, status=422)
    return _fund_page(request, village)


@login_required
@require_POST
@api_twin("POST /api/mutualaid/fund/entries/{entry_id}/reverse")
def entry_reverse(request, pk):
    entry = selectors.entry_for(request.user, pk)
    return post_back(
        request,
        lambda: services.entry_reverse(actor=request.user, entry=entry, reason=request.POST.get("reason", "")),
        done=_("The entry was reversed."),
        to=f"{reverse('mutualaid:fund')}?village={entry.village_id}",
    )


@login_required
@require_POST
@api_twin("POST /api/mutualaid/publish")
def publish(request):
    village = _village(request)
    return post_back(
        request,
        lambda: services.payouts_publish(actor=request.user, village=village),
        done=_("The payouts are on the village's notice board."),
        to=f"{reverse('mutualaid:fund')}?village={village.pk}",
    )


# -- the bands -----------------------------------------------------------------------------------------------------


@login_required
@api_twin("POST /api/mutualaid/bands")
def band_page(request):
    village = _village(request)
    keep = services.may_keep(request.user, village.pk)
    form = BandForm(request.POST or None) if keep else None
    if request.method == "POST":
        if form is None:
            raise NotFound()
        done = submit(
            request,
            form,
            lambda data: services.band_add(actor=request.user, village=village, **data),
            done=_("Band added."),
            to=f"{reverse('mutualaid:bands')}?village={village.pk}",
        )
        if done:
            return done
    return _render(
        request,
        "mutualaid/bands.html",
        {
            "village": village,
            "villages": selectors.fund_villages(request.user),
            "bands": selectors.bands(village.pk),
            "keep": keep,
            "form": form,
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_POST
@api_twin("POST /api/mutualaid/bands/{band_id}/remove")
def band_remove(request, pk):
    band = selectors.band_for(request.user, pk)
    return post_back(
        request,
        lambda: services.band_remove(actor=request.user, band=band),
        done=_("Band removed."),
        to=f"{reverse('mutualaid:bands')}?village={band.village_id}",
    )


# -- figures -------------------------------------------------------------------------------------------------------


@login_required
def figures_page(request):
    actor = request.user
    if not scope.can(actor, Action.AID_FIGURES):
        raise PermissionDenied()
    place = calc.place(actor, request.GET.get("region"))
    year = calc.year_of(request.GET.get("year"), timezone.localdate().year)
    result = calc.figures(place, year)
    if request.GET.get("format") == "xlsx":
        return calc.download(result)

    choices = calc.places(actor)
    return _render(
        request,
        "mutualaid/figures.html",
        {"result": result, "place": place, "year": year, "choices": choices, "years": range(year - 3, year + 2)},
    )


urlpatterns = [
    path("", home, name="home"),
    path("applications/", application_list, name="applications"),
    path("applications/new/", application_new, name="new"),
    path("applications/<int:pk>/", application_page, name="application"),
    path("fund/", fund_page, name="fund"),
    path("fund/entries/<int:pk>/reverse/", entry_reverse, name="reverse"),
    path("fund/publish/", publish, name="publish"),
    path("bands/", band_page, name="bands"),
    path("bands/<int:pk>/remove/", band_remove, name="band_remove"),
    path("figures/", figures_page, name="figures"),
]
