"""What core shows for meetings (registered with core.plugins by meetings.apps)."""

from django.utils.translation import gettext_lazy as _

from core import plugins
from core.roles import Action
from meetings.audit_labels import AuditAction


def meetings_to_attend(actor) -> int:
    from meetings import selectors

    return selectors.my_meetings(actor).count()


def _motion_label(name: str):
    from meetings.models import Motion

    return Motion._meta.get_field(name).verbose_name


def register() -> None:
    from regions.map_views import count_layer

    plugins.register_map_layer(
        plugins.MapLayer(
            "meetings",
            _("Meetings held this year (per village)"),
            500,
            count_layer("meetings.held", _("%(village)s: %(count)s meetings held this year")),
            shown=False,
        )
    )
    from meetings.models import Choice, Outcome, ReservedMatter, SignInMethod, VoteMethod

    plugins.register_audit_labels(AuditAction)
    # the keys of the meetings' audit events that are not fields of their target (the meeting)
    plugins.register_audit_fields(
        "meetings.",
        {
            "motion": plugins.AuditField(_("motion"), model="meetings.Motion"),
            "entry": plugins.AuditField(_("register entry"), model="meetings.RegisterEntry"),
            "how": plugins.AuditField(_("how"), SignInMethod),
            "method": plugins.AuditField(_motion_label("method"), VoteMethod),
            "outcome": plugins.AuditField(_("outcome of the vote"), Outcome),
            "for": _("votes for"),
            "against": _("votes against"),
            "abstain": _("abstentions"),
            "present": _("present"),
            "position": _motion_label("position"),
            "reserved_matter": plugins.AuditField(_motion_label("reserved_matter"), ReservedMatter),
            "subject": _motion_label("subject"),
            "warnings": _("warnings"),
            # roll call: the rest at once, a corrected vote
            "choice": plugins.AuditField(_("vote"), Choice),
            "group": plugins.AuditField(_("village group"), model="regions.Region"),
            "count": _("votes recorded"),
            "entries": _("register entries"),
            "name": _("name"),
            "reason": _("reason for the correction"),
        },
    )
    plugins.register_waiting(
        plugins.WaitingItem(
            "meetings.attend",
            _("Meetings I may attend"),
            meetings_to_attend,
            "meetings:home",
            Action.DELIBERATION_VOTE,
            order=30,
        )
    )
