"""The audit event types this app records, with their readable names (registered with core.plugins by
meetings.apps; core.audit.record refuses an unlabelled one in the test suite)."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class AuditAction(TextChoices):
    MEETING_CREATE = "meetings.meeting.create", _("Meeting created")
    MEETING_UPDATE = "meetings.meeting.update", _("Meeting changed")
    MEETING_NOTICE = "meetings.meeting.notice", _("Meeting notice issued (register taken)")
    MOTION_ADD = "meetings.motion.add", _("Motion added to a meeting")
    MOTION_OPEN_VOTING = "meetings.motion.open_voting", _("Motion put to the vote")
    MOTION_DECIDE = "meetings.motion.decide", _("Voting closed on a motion")
    ATTENDANCE_SIGN_IN = "meetings.attendance.sign_in", _("Signed in to a meeting")
    VOTE_CAST = "meetings.vote.cast", _("Vote recorded")
    VOTE_BATCH = "meetings.vote.batch", _("Votes of the remaining attendees recorded at once")
    VOTE_CORRECT = "meetings.vote.correct", _("Recorded vote corrected")
    DELEGATION_CREATE = "meetings.delegation.create", _("Delegation of a reserved matter recorded")
    DELEGATION_REVOKE = "meetings.delegation.revoke", _("Delegation revoked")
    ROSTER_ADD = "meetings.roster.add", _("Added to a meeting roster")
    ROSTER_REMOVE = "meetings.roster.remove", _("Removed from a meeting roster")
    POLICY_UPDATE = "meetings.policy.update", _("Notice periods of meetings changed")


ACTION_LABELS: dict = dict(AuditAction.choices)
