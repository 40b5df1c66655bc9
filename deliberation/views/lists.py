"""The township's review queue and the village's deliberation list (议事协商清单)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from core import scope
from core.errors import DomainError
from core.roles import Action
from core.views import api_twin, apply_domain_errors, messages_from, require_action
from deliberation import meetings_link, selectors, services
from deliberation.flows import FINAL_TOPIC_STATES, RULES, TASK, coercive_clauses
from deliberation.forms import EntryForm, SettingsForm
from deliberation.models import Procedure
from deliberation.views.common import render_page
from deliberation.views.topics import decorate_topics


@login_required
@require_action(Action.DELIBERATION_REVIEW)
def review(request):
    actor = request.user
    queue = selectors.review_queue(actor)
    for r in queue:
        r.state_label = RULES.state_label(r.state)
        r.flags = coercive_clauses(r.text)
    overdue = selectors.overdue_tasks(actor, Action.DELIBERATION_REVIEW)
    for t in overdue:
        t.state_label = TASK.state_label(t.state)
    stuck = decorate_topics(
        selectors.topics(actor)
        .filter(village__in=selectors.villages(actor, Action.DELIBERATION_REVIEW))
        .exclude(state__in=FINAL_TOPIC_STATES)[:50]
    )
    return render_page(request, "deliberation/review.html", {"queue": queue, "overdue": overdue, "open_topics": stuck})


@login_required
@require_action(Action.DELIBERATION_VIEW)
@api_twin(
    "POST /api/deliberation/list",
    "POST /api/deliberation/list/entries",
    "PUT /api/deliberation/list/settings",
    "PATCH /api/deliberation/list/entries/{entry_id}",
)
def deliberation_list(request):
    actor = request.user
    villages = list(selectors.villages(actor))
    village = next((v for v in villages if str(v.pk) == request.GET.get("village")), villages[0] if villages else None)
    if village is None:
        raise PermissionDenied()
    manage = scope.region_in_scope(actor, Action.DELIBERATION_MANAGE, village)
    dlist = selectors.deliberation_list(village)
    reserved = meetings_link.reserved_choices()
    settings_form = entry_form = None
    if request.method == "POST":
        if not manage:
            raise PermissionDenied()
        what = request.POST.get("what")
        try:
            if what == "keep":
                services.list_ensure(actor=actor, village=village)
                messages.success(request, _("The village keeps this list."))
                return redirect(reverse("deliberation:list") + f"?village={village.pk}")
            if what == "settings":
                settings_form = SettingsForm(request.POST)
                if settings_form.is_valid():
                    services.list_settings(
                        actor=actor, village=village, co_sign_min=settings_form.cleaned_data["co_sign_min"]
                    )
                    messages.success(request, _("Saved."))
                    return redirect(reverse("deliberation:list") + f"?village={village.pk}")
            elif what == "add":
                entry_form = EntryForm(request.POST, reserved_choices=reserved)
                if entry_form.is_valid():
                    services.entry_add(actor=actor, village=village, **entry_form.cleaned_data)
                    messages.success(request, _("Kind of matter added."))
                    return redirect(reverse("deliberation:list") + f"?village={village.pk}")
            elif what == "toggle":
                from deliberation.models import ListEntry

                entry = ListEntry.objects.filter(pk=request.POST.get("entry"), dlist__village=village).first()
                if entry is None:
                    raise Http404()
                services.entry_update(actor=actor, entry=entry, active=not entry.active)
                messages.success(request, _("Saved."))
                return redirect(reverse("deliberation:list") + f"?village={village.pk}")
        except DomainError as exc:
            if what == "settings" and settings_form is not None:
                apply_domain_errors(settings_form, exc)
            elif what == "add" and entry_form is not None:
                apply_domain_errors(entry_form, exc)
            else:
                messages_from(request, exc)
    if dlist is not None:
        rows = list(dlist.entries.all())
    else:
        rows = [
            type(
                "E",
                (),
                {"pk": None, "name": n, "procedure": p, "reserved_matter": m, "needs_party_masses": c, "active": True},
            )
            for n, p, m, c in services.DEFAULT_ENTRIES
        ]
    for r in rows:
        r.procedure_label = Procedure(r.procedure).label
        r.reserved_label = meetings_link.reserved_label(r.reserved_matter) if r.reserved_matter else ""
    return render_page(
        request,
        "deliberation/list.html",
        {
            "village": village,
            "villages": villages,
            "dlist": dlist,
            "rows": rows,
            "manage": manage,
            "settings_form": settings_form or SettingsForm(initial={"co_sign_min": dlist.co_sign_min if dlist else 5}),
            "entry_form": entry_form or EntryForm(reserved_choices=reserved),
        },
        status=422
        if (settings_form is not None and settings_form.errors) or (entry_form is not None and entry_form.errors)
        else 200,
    )
