"""Navigation by role: each entry shows only when the actor has a role that allows its action.

The entries are grouped by domain (积分, 网格事件, 户籍 …): a group the actor sees two or more entries of is one menu
(a ``<details>`` disclosure, so it opens without JavaScript); a group with one entry is that entry's link. The bar
holds about ten items whatever the roles, so it fits a 1366 px screen on one line and scrolls sideways on a phone.
"""

import functools

from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core import notifications, scope
from core.roles import Action

# the groups of the bar, in their order: key → label (the menu's name when it holds two entries or more)
GROUPS = {
    "home": _("Home"),
    "dashboards": _("Dashboards"),
    "incidents": _("Grid incidents"),
    "transparency": _("Village notices"),
    "deliberation": pgettext_lazy("navigation", "Deliberation"),
    "meetings": _("Meetings"),
    "powers": _("Small powers"),
    "mediation": _("Mediation"),
    "doorstep": _("Services"),
    "registers": _("Village registers"),
    "finance": _("Village ledger"),
    "points": _("Points"),
    "registry": _("Household registry"),
    "admin": _("Administration"),
}

# (url name, label, action(s) that show it, group)
NAV = [
    ("core:home", _("Home"), None, "home"),
    ("dashboards:index", _("Dashboards"), Action.DASHBOARD_VIEW, "dashboards"),
    ("incidents:report", _("Report"), Action.INCIDENT_REPORT, "incidents"),
    ("incidents:list", _("All incidents"), Action.INCIDENT_VIEW, "incidents"),
    ("incidents:queue", _("My queue"), Action.INCIDENT_HANDLE, "incidents"),
    ("incidents:board", _("Supervision board"), Action.INCIDENT_SUPERVISE, "incidents"),
    ("incidents:matter_list", _("Grid matters"), Action.INCIDENT_CATALOGUE, "incidents"),
    ("transparency:list", _("Village notices"), Action.TRANSPARENCY_VIEW, "transparency"),
    ("deliberation:home", pgettext_lazy("navigation", "Deliberation"), Action.DELIBERATION_VIEW, "deliberation"),
    ("meetings:home", _("Meetings"), Action.DELIBERATION_VIEW, "meetings"),
    ("powers:home", _("Small powers"), (Action.POWER_VIEW, Action.POWER_APPLY), "powers"),
    (
        "mediation:home",
        _("Mediation"),
        (Action.MEDIATION_INTAKE, Action.MEDIATION_APPLY, Action.MEDIATION_SUPERVISE, Action.MEDIATION_CONFIGURE),
        "mediation",
    ),
    (
        "doorstep:home",
        _("Services"),
        (
            Action.SERVICE_APPLY,
            Action.SERVICE_AGENT,
            Action.SERVICE_HANDLE,
            Action.SERVICE_FIGURES,
            Action.SERVICE_CONFIGURE,
        ),
        "doorstep",
    ),
    ("committees:home", _("Village committees"), (Action.COMMITTEES_MANAGE, Action.REGISTRY_VIEW), "registers"),
    (
        "customs:home",
        _("Weddings and funerals"),
        (Action.CUSTOMS_DECLARE, Action.CUSTOMS_HANDLE, Action.CUSTOMS_FIGURES),
        "registers",
    ),
    ("mutualaid:home", _("Mutual aid"), (Action.AID_APPLY, Action.AID_HANDLE, Action.AID_FIGURES), "registers"),
    ("inspections:home", _("Seven goods of the courtyard"), Action.INSPECTION_VIEW, "registers"),
    ("visits:due", _("Households to visit"), Action.REGISTRY_CHANGE, "registers"),
    (
        "honours:home",
        _("Village honour boards"),
        (Action.POINTS_DECLARE, Action.POINTS_RECORD, Action.POINTS_VIEW),
        "registers",
    ),
    (
        "targets:home",
        _("Target lists"),
        (Action.TARGETS_ISSUE, Action.TARGETS_VIEW, Action.TARGETS_REPORT),
        "registers",
    ),
    ("finance:home", _("Village ledger"), Action.FINANCE_VIEW, "finance"),
    ("points:me", _("My points"), Action.POINTS_VIEW_OWN, "points"),
    ("points:home", _("Manage points"), Action.POINTS_VIEW, "points"),
    ("points:party_home", _("Party points"), Action.POINTS_VIEW, "points"),
    ("points:shop_home", _("Points shop"), (Action.SHOP_REDEEM, Action.SHOP_FULFIL), "points"),
    ("points:policy", _("List consequences"), Action.POINTS_POLICY, "points"),
    ("points:party_credit", _("Credit partners"), Action.POINTS_POLICY, "points"),
    ("points:party_consents", _("Credit consents"), Action.POINTS_VIEW_OWN, "points"),
    ("registry:my_household", _("My household"), Action.REGISTRY_VIEW_OWN, "registry"),
    ("registry:household_list", _("Households"), Action.REGISTRY_VIEW, "registry"),
    ("registry:person_list", _("Residents"), Action.REGISTRY_VIEW, "registry"),
    ("registry:organization_list", _("Organizations"), Action.REGISTRY_VIEW, "registry"),
    ("registry:party_list", _("Party branches"), Action.REGISTRY_VIEW, "registry"),
    ("regions:grid_list", _("Grids"), Action.REGISTRY_VIEW, "registry"),
    ("regions:region_tree", _("Regions"), Action.REGIONS_MANAGE, "registry"),
    ("registry:import", _("Import"), Action.REGISTRY_IMPORT, "registry"),
    ("core:audit_list", _("Audit trail"), Action.AUDIT_VIEW, "admin"),
    ("accounts:user_list", _("Accounts"), Action.ACCOUNTS_MANAGE, "admin"),
    ("casework:calendar", _("Working-day calendar"), Action.CALENDAR_MANAGE, "admin"),
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
    for name, label, action, group in NAV:
        actions = action if isinstance(action, tuple) else (action,)
        if action is None or not allowed.isdisjoint(actions):
            url = _url(name, prefix)
            if (request.path == url or (url != "/" and request.path.startswith(url))) and len(url) > len(best):
                best = url
            items.append({"url": url, "label": label, "group": group})
    for item in items:
        item["active"] = item["url"] == best
    entries = tuple((item["url"], str(item["label"]), item["active"], item["group"]) for item in items)
    return {
        "nav_items": items,
        "nav_html": _nav_html(entries, get_language()),
        "unread_notifications": notifications.unread_count(user),
    }


@functools.lru_cache(maxsize=1024)
def _nav_html(entries: tuple[tuple[str, str, bool, str], ...], language: str) -> str:
    """The navigation bar, rendered once per process for each set of entries (roles), active entry and language:
    it is on every page."""
    return mark_safe(render_to_string("_nav.html", {"nav_groups": nav_groups(entries)})) if entries else ""


def nav_groups(entries) -> list[dict]:
    """The bar's items from the actor's entries (url, label, active, group), in the order of ``GROUPS``: a group
    with one entry is that link (``entries`` of one), a group with more is a menu named by the group."""
    by_group: dict[str, list[dict]] = {}
    for url, label, active, group in entries:
        by_group.setdefault(group, []).append({"url": url, "label": label, "active": active})
    groups = []
    for key, label in GROUPS.items():
        links = by_group.get(key)
        if links:
            groups.append(
                {"key": key, "label": str(label), "entries": links, "active": any(e["active"] for e in links)}
            )
    return groups
