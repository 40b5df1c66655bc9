"""Readable names of this app's audit actions (merged by core.audit_labels)."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict = {
    "meetings.meeting.create": _("Meeting created"),
    "meetings.meeting.update": _("Meeting changed"),
    "meetings.meeting.notice": _("Meeting notice issued (register taken)"),
    "meetings.motion.add": _("Motion added to a meeting"),
    "meetings.motion.open_voting": _("Motion put to the vote"),
    "meetings.motion.decide": _("Voting closed on a motion"),
    "meetings.attendance.sign_in": _("Signed in to a meeting"),
    "meetings.vote.cast": _("Vote recorded"),
    "meetings.delegation.create": _("Delegation of a reserved matter recorded"),
    "meetings.delegation.revoke": _("Delegation revoked"),
    "meetings.roster.add": _("Added to a meeting roster"),
    "meetings.roster.remove": _("Removed from a meeting roster"),
    "meetings.policy.update": _("Notice periods of meetings changed"),
}
