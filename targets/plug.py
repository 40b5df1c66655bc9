"""What core shows for the target lists (registered with core.plugins by targets.apps): 待我办理 (the tasks of the
actor's unit with no progress reported this quarter) and the audit event types."""

from django.utils.translation import gettext_lazy

from core import plugins
from core.roles import Action
from targets.audit_labels import AuditAction


def _owed(actor) -> int:
    from targets import selectors

    return selectors.to_report(actor).count()


def register() -> None:
    plugins.register_audit_labels(AuditAction)
    plugins.register_audit_fields(
        "targets.",
        {
            "unit_kind": gettext_lazy("unit"),
            "unit": gettext_lazy("unit"),
            "items": gettext_lazy("tasks"),
            "list": gettext_lazy("target list"),
            "text": gettext_lazy("task"),
            "due_date": gettext_lazy("due"),
            "year": gettext_lazy("year"),
            "title": gettext_lazy("title"),
        },
    )
    plugins.register_waiting(
        plugins.WaitingItem(
            "targets.report",
            gettext_lazy("Target-list tasks to report this quarter"),
            _owed,
            "targets:home",
            (Action.TARGETS_REPORT,),
            hide_zero=True,
        )
    )
