"""Navigation by role: each entry shows only when the actor has a role that allows its action."""

import functools

from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core import notifications, scope
from core.roles import Action

NAV = [
    ("core:home", _("Home"), None),
    ("incidents:list", _("Incidents"), Action.INCIDENT_VIEW),
    ("incidents:report", _("Report"), Action.INCIDENT_REPORT),
    ("incidents:queue", _("My queue"), Action.INCIDENT_HANDLE),
    ("incidents:board", _("Supervision board"), Action.INCIDENT_SUPERVISE),
    ("transparency:list", _("Village notices"), Action.TRANSPARENCY_VIEW),
    ("deliberation:home", pgettext_lazy("navigation", "Deliberation"), Action.DELIBERATION_VIEW),
    ("meetings:home", _("Meetings"), Action.DELIBERATION_VIEW),
    ("powers:home", _("Small powers"), (Action.POWER_VIEW, Action.POWER_APPLY)),
    ("finance:home", _("Village ledger"), Action.FINANCE_VIEW),
    ("registry:my_household", _("My household"), Action.REGISTRY_VIEW_OWN),
    ("points:me", _("My points"), Action.POINTS_VIEW_OWN),
    ("points:home", _("Points"), Action.POINTS_VIEW),
    ("points:party_home", _("Party points"), Action.POINTS_VIEW),
    ("points:shop_home", _("Points shop"), (Action.SHOP_REDEEM, Action.SHOP_FULFIL)),
    ("registry:household_list", _("Households"), Action.REGISTRY_VIEW),
    ("registry:person_list", _("Residents"), Action.REGISTRY_VIEW),
    ("registry:organization_list", _("Organizations"), Action.REGISTRY_VIEW),
    ("registry:party_list", _("Party branches"), Action.REGISTRY_VIEW),
    ("regions:grid_list", _("Grids"), Action.REGISTRY_VIEW),
    ("regions:region_tree", _("Regions"), Action.REGIONS_MANAGE),
    ("registry:import", _("Import"), Action.REGISTRY_IMPORT),
    ("points:policy", _("List consequences"), Action.POINTS_POLICY),
    ("points:party_credit", _("Credit partners"), Action.POINTS_POLICY),
    ("points:party_consents", _("Credit consents"), Action.POINTS_VIEW_OWN),
    ("core:audit_list", _("Audit trail"), Action.AUDIT_VIEW),
    ("accounts:user_list", _("Accounts"), Action.ACCOUNTS_MANAGE),
    ("casework:calendar", _("Working-day calendar"), Action.CALENDAR_MANAGE),
    ("incidents:matter_list", _("Grid matters"), Action.INCIDENT_CATALOGUE),
]


@functools.lru_cache(maxsize=256)
def _url(name: str, prefix: str) -> str:
    """The navigation's URLs: resolved once per process (and script prefix), not on every page."""
    return reverse(name)


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    allowed = scope.allowed_actions(user)
    prefix = get_script_prefix()
    items, best = [], ""
    for name, label, action in NAV:
        actions = action if isinstance(action, tuple) else (action,)
        if action is None or not allowed.isdisjoint(actions):
            url = _url(name, prefix)
            if (request.path == url or (url != "/" and request.path.startswith(url))) and len(url) > len(best):
                best = url
            items.append({"url": url, "label": label})
    for item in items:
        item["active"] = item["url"] == best
    entries = tuple((item["url"], str(item["label"]), item["active"]) for item in items)
    return {
        "nav_items": items,
        "nav_html": _nav_html(entries, get_language()),
        "unread_notifications": notifications.unread_count(user),
    }


@functools.lru_cache(maxsize=1024)
def _nav_html(entries: tuple[tuple[str, str, bool], ...], language: str) -> str:
    """The navigation bar, rendered once per process for each set of entries (roles), active entry and language:
    it is on every page."""
    items = [{"url": url, "label": label, "active": active} for url, label, active in entries]
    return mark_safe(render_to_string("_nav.html", {"nav_items": items})) if items else ""
