"""Roles and what each may do (SPEC §1). Scope is separate: a role assignment carries a region."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    VILLAGER = "villager", _("Villager")
    GRID_WORKER = "grid_worker", _("Grid worker")
    VILLAGE_CADRE = "village_cadre", _("Village cadre")
    REVIEWER = "reviewer", _("Reviewer")
    MEDIATOR = "mediator", _("Mediator")
    TOWNSHIP_OFFICIAL = "township_official", _("Township official")
    DEPARTMENT_STAFF = "department_staff", _("Department staff")
    COUNTY_OFFICIAL = "county_official", _("County official")
    COUNTY_ADMIN = "county_admin", _("County administrator")


class Action(models.TextChoices):
    """Named permissions. A view or service asks for one of these, never for a role."""

    REGISTRY_VIEW = "registry.view", _("View the registry")
    REGISTRY_VIEW_OWN = "registry.view_own", _("View own household")
    REGISTRY_CHANGE = "registry.change", _("Change the registry")
    REGISTRY_IMPORT = "registry.import", _("Import the registry")
    REGISTRY_EXPORT = "registry.export", _("Export the registry")
    REVEAL_PHONE = "registry.reveal_phone", _("See full phone numbers")
    REVEAL_ID_NUMBER = "registry.reveal_id_number", _("See full ID numbers")
    VIEW_RESTRICTED_TAGS = "registry.view_restricted_tags", _("See restricted tags")
    AUDIT_VIEW = "audit.view", _("View the audit trail")
    ACCOUNTS_MANAGE = "accounts.manage", _("Manage accounts")
    REGIONS_MANAGE = "regions.manage", _("Manage regions and grids")


_STAFF_VIEW = {Action.REGISTRY_VIEW, Action.REGISTRY_EXPORT}

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.VILLAGER: frozenset({Action.REGISTRY_VIEW_OWN}),
    Role.GRID_WORKER: frozenset(_STAFF_VIEW | {Action.REGISTRY_CHANGE, Action.REVEAL_PHONE}),
    Role.VILLAGE_CADRE: frozenset(
        _STAFF_VIEW
        | {
            Action.REGISTRY_CHANGE,
            Action.REGISTRY_IMPORT,
            Action.REVEAL_PHONE,
            Action.REVEAL_ID_NUMBER,
            Action.VIEW_RESTRICTED_TAGS,
            Action.AUDIT_VIEW,
            Action.REGIONS_MANAGE,
        }
    ),
    Role.REVIEWER: frozenset({Action.REGISTRY_VIEW}),
    Role.MEDIATOR: frozenset(),
    Role.TOWNSHIP_OFFICIAL: frozenset(_STAFF_VIEW | {Action.VIEW_RESTRICTED_TAGS, Action.AUDIT_VIEW}),
    Role.DEPARTMENT_STAFF: frozenset(),
    Role.COUNTY_OFFICIAL: frozenset(_STAFF_VIEW | {Action.AUDIT_VIEW}),
    Role.COUNTY_ADMIN: frozenset(
        _STAFF_VIEW
        | {
            Action.REGISTRY_CHANGE,
            Action.REGISTRY_IMPORT,
            Action.REVEAL_PHONE,
            Action.REVEAL_ID_NUMBER,
            Action.VIEW_RESTRICTED_TAGS,
            Action.AUDIT_VIEW,
            Action.ACCOUNTS_MANAGE,
            Action.REGIONS_MANAGE,
        }
    ),
}
