"""What core shows for deliberation (registered with core.plugins by deliberation.apps)."""

from django.utils.translation import gettext_lazy as _

from core import plugins
from core.roles import Action
from deliberation.audit_labels import AuditAction


def overdue_tasks(actor) -> int:
    from deliberation import selectors

    return selectors.search_tasks(actor, overdue=True).count()


def _option(index) -> str:
    """A poll answer is recorded by its index (0, 1 …); people count from 1."""
    try:
        return str(int(index) + 1)
    except (TypeError, ValueError):
        return str(index)


def rules_to_sign(actor) -> int:
    from deliberation import selectors

    return selectors.rules_to_sign(actor).count()


def register() -> None:
    from deliberation.models import SignMethod

    plugins.register_audit_labels(AuditAction)
    # the keys of the deliberation's audit events that are not fields of their target
    plugins.register_audit_fields(
        "deliberation.",
        {
            "topic": plugins.AuditField(_("topic"), model="deliberation.Topic"),
            "rules": plugins.AuditField(_("Village rules"), model="deliberation.RulesVersion"),
            "meeting": plugins.AuditField(_("meeting"), model="meetings.Meeting"),
            "motion": plugins.AuditField(_("motion"), model="meetings.Motion"),
            "notice": plugins.AuditField(_("notice"), model="transparency.Notice"),
            "comment": plugins.AuditField(_("comment"), model="deliberation.Comment"),
            "poll": plugins.AuditField(_("poll"), model="deliberation.Poll"),
            "question": _("question"),
            "options": _("options"),
            "option": plugins.AuditField(_("answer chosen (number)"), format=_option),
            "household": plugins.AuditField(_("household"), model="registry.Household"),
            "method": plugins.AuditField(_("how it was signed"), SignMethod),
            "signed_on": _("signed on"),
        },
    )
    plugins.register_waiting(
        plugins.WaitingItem(
            "deliberation.rules_to_sign",
            _("Village rules waiting for my household's signature"),
            rules_to_sign,
            "deliberation:rules",
            Action.DELIBERATION_VIEW,
            order=15,
            hide_zero=True,
        )
    )
    plugins.register_waiting(
        plugins.WaitingItem(
            "deliberation.overdue_tasks",
            _("Decision tasks overdue"),
            overdue_tasks,
            "deliberation:tasks",
            (Action.DELIBERATION_MANAGE, Action.DELIBERATION_REVIEW),
            order=40,
        )
    )
