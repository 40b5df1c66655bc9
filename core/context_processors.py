"""Navigation by role: each entry shows only when the actor has a role that allows its action."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items, best = [], ""
    for name, label, action in NAV:
        actions = action if isinstance(action, tuple) else (action,)
        if action is None or any(scope.can(user, a) for a in actions):
            url = reverse(name)
            if (request.path == url or (url != "/" and request.path.startswith(url))) and len(url) > len(best):
                best = url
            items.append({"url": url, "label": label})
    for item in items:
        item["active"] = item["url"] == best
    return {"nav_items": items, "unread_notifications": notifications.unread_count(user)}
