"""What every page of the village ledger shares: the section's links, the chosen village and month."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.roles import Action
from core.views import section_links
from finance import selectors

LINKS = [
    ("finance:home", gettext_lazy("Overview"), (Action.FINANCE_VIEW,)),
    ("finance:ledger", gettext_lazy("Ledger"), (Action.FINANCE_VIEW,)),
    ("finance:expenses", gettext_lazy("Expenses"), (Action.FINANCE_VIEW, Action.FINANCE_APPROVE)),
    ("finance:queue", gettext_lazy("To sign"), (Action.FINANCE_APPROVE,)),
    ("finance:disclosures", gettext_lazy("Monthly disclosure"), (Action.FINANCE_VIEW,)),
    ("finance:config", gettext_lazy("Configuration"), (Action.FINANCE_CONFIGURE,)),
]


def _render(request, template, context, status=200):
    return render(request, template, {**context, "finance_links": section_links(request, LINKS)}, status=status)


def _villages(request, action=Action.FINANCE_VIEW):
    """(villages the actor may use for ``action``, the chosen one: ?village= or the first)."""
    villages = list(selectors.villages(request.user, action))
    wanted = request.POST.get("village") or request.GET.get("village")
    village = next((v for v in villages if str(v.pk) == str(wanted)), villages[0] if villages else None)
    return villages, village


def _recording_form(request, form_class, direction: str):
    """(villages, the chosen one, the bound form) of a page that records for a village (income, an expense) with
    a category of ``direction`` of the village's county; 403 where the actor records for no village."""
    villages, village = _villages(request, Action.FINANCE_RECORD)
    if village is None:
        raise PermissionDenied()
    categories = selectors.categories(village.county_id, direction=direction)
    return villages, village, form_class(request.POST or None, request.FILES or None, categories=categories)


def _month(request, default: date | None = None) -> tuple[int, int]:
    raw = request.GET.get("month", "")
    try:
        year, month = (int(x) for x in raw.split("-"))
        date(year, month, 1)
        return year, month
    except ValueError:
        today = default or timezone.localdate()
        return today.year, today.month


def _shift(year: int, month: int, delta: int) -> str:
    index = year * 12 + month - 1 + delta
    return f"{index // 12}-{index % 12 + 1:02d}"
