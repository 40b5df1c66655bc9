"""The audit event types this app records, with their readable names (registered with core.plugins by
accounts.apps; core.audit.record refuses an unlabelled one in the test suite)."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class AuditAction(TextChoices):
    USER_CREATE = "accounts.user.create", _("Account created")
    USER_IMPORT = "accounts.user.import", _("Accounts imported from a file")
    USER_ACTIVATE = "accounts.user.activate", _("Account enabled")
    USER_DEACTIVATE = "accounts.user.deactivate", _("Account disabled")
    ROLE_ASSIGN = "accounts.role.assign", _("Role granted")
    ROLE_REVOKE = "accounts.role.revoke", _("Role removed")
    TOKEN_ISSUE = "accounts.token.issue", _("API token issued")
    SELF_REGISTER = "accounts.user.self_register", _("Villager account made at the first sign-in by phone")
    PASSWORD_RESET = "accounts.password.reset", _("Password reset with a code by SMS")


ACTION_LABELS: dict = dict(AuditAction.choices)
