"""Readable names of audit actions, for the audit trail pages. Unknown codes are shown as they are."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "accounts.user.create": _("Account created"),
    "accounts.user.activate": _("Account enabled"),
    "accounts.user.deactivate": _("Account disabled"),
    "accounts.role.assign": _("Role granted"),
    "accounts.role.revoke": _("Role removed"),
    "accounts.token.issue": _("API token issued"),
    "registry.household.create": _("Household registered"),
    "registry.household.update": _("Household changed"),
    "registry.household.import": _("Households imported"),
    "registry.household.export": _("Households exported"),
    "registry.person.create": _("Resident added"),
    "registry.person.update": _("Resident changed"),
    "registry.person.reveal_id_number": _("Full ID number viewed"),
    "registry.person.reveal_phone": _("Full phone number viewed"),
    "registry.organization.create": _("Organization registered"),
    "registry.organization.update": _("Organization changed"),
    "registry.party_branch.create": _("Party branch created"),
    "registry.party_branch.update": _("Party branch changed"),
    "registry.party_member.add": _("Party member added"),
    "registry.party_member.update": _("Party member changed"),
    "regions.region.create": _("Region added"),
    "regions.region.rename": _("Region renamed"),
    "regions.grid.create": _("Grid created"),
    "regions.grid.update": _("Grid changed"),
    "regions.grid_staff.add": _("Grid staff added"),
    "regions.grid_staff.remove": _("Grid staff removed"),
    "points.scheme.create": _("Points scheme created"),
    "points.rulebook.create": _("Rule book version created"),
    "points.rule_item.save": _("Rule item saved"),
    "points.rulebook.adopt": _("Rule book adopted"),
    "points.claim.record": _("Points recorded"),
    "points.claim.declaration": _("Good deed declared"),
    "points.claim.bulk": _("Points recorded at a meeting"),
    "points.claim.approve": _("Points approved"),
    "points.claim.reject": _("Points rejected"),
    "points.entry.reverse": _("Points corrected"),
    "points.appeal.file": _("Appeal filed"),
    "points.appeal.decide": _("Appeal decided"),
    "points.quarter.signoff": _("Quarter signed off"),
    "points.quarter.publish": _("Standings published"),
    "points.consequence.save": _("Consequence saved"),
    "points.consequence.defaults": _("Default consequences loaded"),
    "points.list_rule.save": _("List rule saved"),
    "points.mentorship.update": _("Mentorship updated"),
    "points.shop.create": _("Shop created"),
    "points.shop.update": _("Shop changed"),
    "points.good.create": _("Good added"),
    "points.good.update": _("Good changed"),
    "points.good.stock": _("Stock adjusted"),
    "points.redemption.create": _("Points redeemed"),
    "points.redemption.fulfil": _("Redemption handed over"),
    "points.redemption.cancel": _("Redemption cancelled"),
    "points.party.evaluate": _("Party evaluation entered"),
    "points.party.warning_lines": _("Warning lines changed"),
    "points.credit.read": _("Points summary read by a partner"),
    "points.honour.grant": _("Honour granted"),
    "casework.start": _("Case opened"),
    "casework.transition": _("Case step taken"),
    "casework.overdue": _("Case deadline passed"),
    "casework.calendar.load": _("National holiday schedule loaded"),
    "casework.calendar.change": _("Working-day calendar changed"),
    "casework.calendar.reset": _("County calendar entry removed"),
    "incidents.department.save": _("Department saved"),
    "incidents.matter.admit": _("Grid matter admitted to the catalogue"),
    "incidents.matter.update": _("Grid matter changed"),
    "incidents.matter.retire": _("Grid matter retired from the catalogue"),
    "incidents.matter.readmit": _("Grid matter admitted again"),
    "incidents.rule.save": _("Triage rule saved"),
    "incidents.rule.delete": _("Triage rule removed"),
    "incidents.reminder": _("Deadline reminder sent"),
    "transparency.notice.create": _("Notice drafted"),
    "transparency.notice.update": _("Notice draft changed"),
    "transparency.notice.attach": _("File attached to a notice"),
    "transparency.notice.detach": _("File removed from a notice draft"),
    "transparency.question.ask": _("Question asked on a notice"),
    "transparency.policy.save": _("Disclosure rules changed"),
    "system.seed_demo": _("Demo data loaded"),
    "system.generate_county": _("County data generated"),
}


_APP_LABELS: dict | None = None


def _app_labels() -> dict:
    """Labels that an app keeps in its own ``<app>/audit_labels.py`` (``ACTION_LABELS``), merged once."""
    global _APP_LABELS
    if _APP_LABELS is None:
        from importlib import import_module
        from importlib.util import find_spec

        from django.apps import apps

        merged = {}
        for config in apps.get_app_configs():
            module = f"{config.name}.audit_labels"
            if config.name != "core" and find_spec(module) is not None:
                merged.update(getattr(import_module(module), "ACTION_LABELS", {}))
        _APP_LABELS = merged
    return _APP_LABELS


def action_label(code: str) -> str:
    label = ACTION_LABELS.get(code)
    if label is None:
        label = _app_labels().get(code, code)
    return str(label)
