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
    SHOPKEEPER = "shopkeeper", _("Points shop keeper")
    CREDIT_PARTNER = "credit_partner", _("Credit partner (bank or employer)")
    VILLAGE_SUPERVISOR = "village_supervisor", _("Village affairs supervisory committee member")


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
    POINTS_VIEW = "points.view", _("View points standings")
    POINTS_VIEW_OWN = "points.view_own", _("View own points")
    POINTS_RECORD = "points.record", _("Record points")
    POINTS_DECLARE = "points.declare", _("Declare a good deed")
    POINTS_REVIEW = "points.review", _("Review points")
    POINTS_SIGNOFF = "points.signoff", _("Sign off a quarter")
    POINTS_CONFIGURE = "points.configure", _("Configure points schemes")
    POINTS_APPEAL = "points.appeal", _("Appeal a points entry")
    POINTS_POLICY = "points.policy", _("Keep the county's list of forbidden consequences")
    SHOP_MANAGE = "shop.manage", _("Manage the points shop")
    SHOP_FULFIL = "shop.fulfil", _("Fulfil redemptions")
    SHOP_REDEEM = "shop.redeem", _("Redeem points")
    CREDIT_READ = "credit.read", _("Read consented points summaries")
    CALENDAR_MANAGE = "calendar.manage", _("Keep the working-day calendar")
    INCIDENT_REPORT = "incidents.report", _("Report a grid incident")
    INCIDENT_VIEW = "incidents.view", _("View grid incidents")
    INCIDENT_HANDLE = "incidents.handle", _("Handle grid incidents")
    INCIDENT_DISPATCH = "incidents.dispatch", _("Dispatch grid incidents")
    INCIDENT_SUPERVISE = "incidents.supervise", _("Supervise grid incidents")
    INCIDENT_KPI = "incidents.kpi", _("View incident performance figures")
    INCIDENT_CATALOGUE = "incidents.catalogue", _("Keep the catalogue of grid matters and the triage rules")
    TRANSPARENCY_VIEW = "transparency.view", _("Read the village's notices (三务公开)")
    TRANSPARENCY_ASK = "transparency.ask", _("Ask a question on a notice")
    TRANSPARENCY_PUBLISH = "transparency.publish", _("Write and publish notices")
    TRANSPARENCY_CHECK = "transparency.check", _("Check financial notices before publication (民主理财)")
    TRANSPARENCY_SUPERVISE = "transparency.supervise", _("Supervise disclosures and answers to questions")
    TRANSPARENCY_POLICY = "transparency.policy", _("Keep the county's disclosure rules")
    FINANCE_VIEW = "finance.view", _("View the village ledger")
    FINANCE_RECORD = "finance.record", _("Record income and expenses in the village ledger")
    FINANCE_APPROVE = "finance.approve", _("Sign expenses in an approval chain")
    FINANCE_CONFIGURE = "finance.configure", _("Keep ledger categories, approval chains and posts")
    DELIBERATION_VIEW = "deliberation.view", _("View topics, meetings and decisions")
    DELIBERATION_PROPOSE = "deliberation.propose", _("Propose a topic for deliberation")
    DELIBERATION_MANAGE = "deliberation.manage", _("Run deliberation: topics, meetings, votes, decisions")
    DELIBERATION_VOTE = "deliberation.vote", _("Sign in and vote at a meeting")
    DELIBERATION_REVIEW = "deliberation.review", _("Review village rules and supervise deliberation (township)")
    DELIBERATION_POLICY = "deliberation.policy", _("Keep the county's meeting notice periods")
    POWER_VIEW = "powers.view", _("View small-power matters")
    POWER_APPLY = "powers.apply", _("Apply for a small-power matter")
    POWER_HANDLE = "powers.handle", _("Handle small-power matters in the village")
    POWER_REVIEW = "powers.review", _("Review small-power matters (township)")
    POWER_CONFIGURE = "powers.configure", _("Keep the small-power list")
    MEDIATION_INTAKE = "mediation.intake", _("Record a dispute for mediation")
    MEDIATION_APPLY = "mediation.apply", _("Apply for mediation of one's own dispute")
    MEDIATION_SUPERVISE = "mediation.supervise", _("Supervise high-risk disputes and read mediation statistics")
    MEDIATION_CONFIGURE = "mediation.configure", _("Keep mediation bodies, mediators and experts")
    SERVICE_APPLY = "doorstep.apply", _("Apply for a service on the doorstep")
    SERVICE_HANDLE = "doorstep.handle", _("Handle service requests at a service point")
    SERVICE_AGENT = "doorstep.agent", _("Take service requests as the agent (代办员) of the villages one serves")
    SERVICE_FIGURES = "doorstep.figures", _("Read the figures of services on the doorstep")
    SERVICE_CONFIGURE = "doorstep.configure", _("Keep service points and agents (and, for the county, the catalogue)")
    COMMITTEES_MANAGE = "committees.manage", _("Keep the village's committees and their members (红白理事会, 互助会 …)")
    CUSTOMS_DECLARE = "customs.declare", _("Declare a wedding or funeral to the council (红白事申报)")
    CUSTOMS_HANDLE = "customs.handle", _("Handle wedding and funeral declarations (红白理事会)")
    CUSTOMS_RULES = "customs.rules", _("Set the village's limits for weddings and funerals")
    CUSTOMS_FIGURES = "customs.figures", _("Read the figures of weddings and funerals")
    AID_APPLY = "mutualaid.apply", _("Apply for mutual aid (邻里互助)")
    AID_HANDLE = "mutualaid.handle", _("Handle mutual-aid applications and keep the fund")
    AID_FIGURES = "mutualaid.figures", _("Read the figures of mutual aid")
    INSPECTION_SHEET = "inspections.sheet", _("Keep the county's scoring sheet of the seven goods (七个好)")
    INSPECTION_RECORD = "inspections.record", _("Inspect households on the seven goods")
    INSPECTION_PUBLISH = "inspections.publish", _("Publish a quarter's praise board and exposure board")
    INSPECTION_VIEW = "inspections.view", _("Read the inspections of the seven goods")
    TARGETS_ISSUE = "targets.issue", _("Issue the yearly target lists (清单制)")
    TARGETS_REPORT = "targets.report", _("Report progress on one's unit's target list")
    TARGETS_VIEW = "targets.view", _("Read the target lists and their year-end report")
    DASHBOARD_VIEW = "dashboards.view", _("Read the dashboards of one's villages, township or county")


_STAFF_VIEW = {Action.REGISTRY_VIEW, Action.REGISTRY_EXPORT}

_VILLAGE_POINTS = {
    Action.POINTS_VIEW,
    Action.POINTS_RECORD,
    Action.POINTS_REVIEW,
    Action.POINTS_SIGNOFF,
    Action.POINTS_CONFIGURE,
    Action.SHOP_MANAGE,
    Action.SHOP_REDEEM,
    Action.SHOP_FULFIL,
}

_INCIDENT_SUPERVISOR = {
    Action.INCIDENT_VIEW,
    Action.INCIDENT_HANDLE,
    Action.INCIDENT_DISPATCH,
    Action.INCIDENT_SUPERVISE,
    Action.INCIDENT_KPI,
}

_TRANSPARENCY_SUPERVISOR = {Action.TRANSPARENCY_VIEW, Action.TRANSPARENCY_SUPERVISE}

_OVERSEER = {Action.FINANCE_VIEW, Action.DELIBERATION_VIEW, Action.POWER_VIEW}


def roles_with(action: str) -> tuple[str, ...]:
    """The roles that hold ``action`` (so a procedure's steps follow the permissions)."""
    return tuple(role for role in Role if action in ROLE_ACTIONS.get(role, ()))


ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.VILLAGER: frozenset(
        {
            Action.REGISTRY_VIEW_OWN,
            Action.POINTS_VIEW_OWN,
            Action.POINTS_DECLARE,
            Action.POINTS_APPEAL,
            Action.SHOP_REDEEM,
            Action.INCIDENT_REPORT,
            Action.TRANSPARENCY_VIEW,
            Action.TRANSPARENCY_ASK,
        }
        | {Action.DELIBERATION_VIEW, Action.DELIBERATION_PROPOSE, Action.DELIBERATION_VOTE, Action.POWER_APPLY}
        | {Action.MEDIATION_APPLY, Action.SERVICE_APPLY}
        | {Action.CUSTOMS_DECLARE, Action.AID_APPLY}
    ),
    Role.GRID_WORKER: frozenset(
        _STAFF_VIEW
        | {
            Action.REGISTRY_CHANGE,
            Action.REVEAL_PHONE,
            Action.POINTS_VIEW,
            Action.POINTS_RECORD,
            Action.INCIDENT_REPORT,
            Action.INCIDENT_VIEW,
            Action.TRANSPARENCY_VIEW,
        }
        | {Action.DELIBERATION_VIEW, Action.DELIBERATION_VOTE, Action.POWER_VIEW, Action.POWER_APPLY}
        | {Action.MEDIATION_INTAKE, Action.SERVICE_AGENT}
        | {Action.CUSTOMS_DECLARE, Action.AID_APPLY, Action.INSPECTION_RECORD, Action.INSPECTION_VIEW}
    ),
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
            Action.INCIDENT_REPORT,
            Action.INCIDENT_VIEW,
            Action.INCIDENT_HANDLE,
            Action.INCIDENT_KPI,
            Action.TRANSPARENCY_VIEW,
            Action.TRANSPARENCY_PUBLISH,
        }
        | _VILLAGE_POINTS
        | _OVERSEER
        | {
            Action.FINANCE_RECORD,
            Action.FINANCE_APPROVE,
            Action.DELIBERATION_PROPOSE,
            Action.DELIBERATION_MANAGE,
            Action.DELIBERATION_VOTE,
            Action.POWER_APPLY,
            Action.POWER_HANDLE,
            Action.MEDIATION_INTAKE,
            Action.SERVICE_HANDLE,
            Action.SERVICE_FIGURES,
        }
        | {Action.COMMITTEES_MANAGE, Action.CUSTOMS_DECLARE, Action.CUSTOMS_HANDLE, Action.CUSTOMS_RULES}
        | {Action.CUSTOMS_FIGURES, Action.AID_APPLY, Action.AID_HANDLE, Action.AID_FIGURES}
        | {Action.INSPECTION_RECORD, Action.INSPECTION_PUBLISH, Action.INSPECTION_VIEW}
        | {Action.TARGETS_REPORT, Action.DASHBOARD_VIEW}
    ),
    Role.REVIEWER: frozenset(
        {
            Action.REGISTRY_VIEW,
            Action.POINTS_VIEW,
            Action.POINTS_REVIEW,
            Action.POINTS_RECORD,
            Action.TRANSPARENCY_VIEW,
            Action.TRANSPARENCY_CHECK,
        }
        | _OVERSEER
    ),
    Role.MEDIATOR: frozenset({Action.MEDIATION_INTAKE}),
    Role.TOWNSHIP_OFFICIAL: frozenset(
        _STAFF_VIEW
        | {Action.VIEW_RESTRICTED_TAGS, Action.AUDIT_VIEW, Action.POINTS_VIEW}
        | _INCIDENT_SUPERVISOR
        | _TRANSPARENCY_SUPERVISOR
        | _OVERSEER
        | {Action.FINANCE_APPROVE, Action.FINANCE_CONFIGURE, Action.DELIBERATION_REVIEW, Action.POWER_REVIEW}
        | {Action.MEDIATION_INTAKE, Action.MEDIATION_SUPERVISE, Action.MEDIATION_CONFIGURE}
        | {Action.SERVICE_HANDLE, Action.SERVICE_FIGURES, Action.SERVICE_CONFIGURE}
        | {Action.COMMITTEES_MANAGE, Action.CUSTOMS_FIGURES, Action.AID_FIGURES, Action.INSPECTION_VIEW}
        | {Action.TARGETS_REPORT, Action.TARGETS_VIEW, Action.DASHBOARD_VIEW}
    ),
    Role.DEPARTMENT_STAFF: frozenset({Action.INCIDENT_HANDLE, Action.TARGETS_REPORT}),
    Role.COUNTY_OFFICIAL: frozenset(
        _STAFF_VIEW
        | {Action.AUDIT_VIEW, Action.POINTS_VIEW, Action.MEDIATION_SUPERVISE, Action.SERVICE_FIGURES}
        | _INCIDENT_SUPERVISOR
        | _TRANSPARENCY_SUPERVISOR
        | _OVERSEER
        | {Action.CUSTOMS_FIGURES, Action.AID_FIGURES, Action.INSPECTION_VIEW}
        | {Action.TARGETS_VIEW, Action.DASHBOARD_VIEW}
    ),
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
            Action.POINTS_VIEW,
            Action.POINTS_POLICY,
            Action.CALENDAR_MANAGE,
            Action.INCIDENT_VIEW,
            Action.INCIDENT_KPI,
            Action.INCIDENT_CATALOGUE,
            Action.TRANSPARENCY_VIEW,
            Action.TRANSPARENCY_POLICY,
        }
        | _OVERSEER
        | {Action.FINANCE_CONFIGURE, Action.POWER_CONFIGURE, Action.DELIBERATION_POLICY, Action.MEDIATION_CONFIGURE}
        | {Action.SERVICE_CONFIGURE, Action.SERVICE_FIGURES}
        | {Action.COMMITTEES_MANAGE, Action.CUSTOMS_FIGURES, Action.AID_FIGURES}
        | {Action.INSPECTION_SHEET, Action.INSPECTION_VIEW}
        | {Action.TARGETS_ISSUE, Action.TARGETS_VIEW, Action.DASHBOARD_VIEW}
    ),
    Role.SHOPKEEPER: frozenset({Action.SHOP_FULFIL}),
    Role.CREDIT_PARTNER: frozenset({Action.CREDIT_READ}),
    Role.VILLAGE_SUPERVISOR: frozenset(
        _OVERSEER
        | {Action.FINANCE_APPROVE, Action.TRANSPARENCY_VIEW, Action.AUDIT_VIEW, Action.DELIBERATION_VOTE}
        | {Action.DASHBOARD_VIEW}
    ),
}
