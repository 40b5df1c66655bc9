"""What core shows for accounts (registered with core.plugins by accounts.apps)."""

from django.utils.translation import gettext_lazy as _

from accounts.audit_labels import AuditAction
from core import plugins
from core.roles import Role


def register() -> None:
    plugins.register_audit_labels(AuditAction)
    # a role assignment's keys: the role, and the region, grid or household it is held on
    plugins.register_audit_fields(
        "accounts.",
        {
            "role": plugins.AuditField(_("role"), Role),
            "region": plugins.AuditField(_("region"), model="regions.Region"),
            "grid": plugins.AuditField(_("grid"), model="regions.Grid"),
            "household": plugins.AuditField(_("household"), model="registry.Household"),
        },
    )
