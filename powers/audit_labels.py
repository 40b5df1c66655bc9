"""Readable names of this app's audit actions (merged by core.audit_labels)."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict = {
    "powers.power.create": _("Small-power list: power added"),
    "powers.power.update": _("Small-power list: power changed"),
    "powers.list.install": _("Small-power list: default list installed"),
    "powers.case.apply": _("Small-power matter opened"),
    "powers.objection.raise": _("Objection raised during a posting"),
    "powers.objection.answer": _("Objection answered"),
}
