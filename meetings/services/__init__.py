"""Writes of meetings. Every function checks the actor's scope (outside it: NotFound, answered as 404), runs in
one transaction on the locked meeting and records an audit event; lifecycle steps go through core.workflow
(flow ``meeting``), which writes the CaseEvent. Bad input raises DomainError with a Chinese message and writes
nothing. The rules themselves are in meetings/rules.py.

By topic: lifecycle.py (a meeting, its register and steps), motions.py (motions and their outcome),
attendance.py (sign-in and votes), delegations.py, rosters.py, policy.py (the county's notice periods);
_common.py holds the checks and locks they share. Every name is re-exported here (``meetings.services.X``).
"""

from __future__ import annotations

from meetings.services._common import MANAGE, MAX_DELEGATION_DAYS, MEETING_FIELDS, MOTION_FIELDS, SUBJECT_RE, VOTE
from meetings.services.attendance import (
    attendance_sign_in_by_clerk,
    attendance_sign_in_own,
    entries_for_voter,
    group_q,
    vote_cast_own,
    vote_correct,
    vote_record_batch,
    vote_record_by_clerk,
)
from meetings.services.delegations import delegation_create, delegation_revoke
from meetings.services.lifecycle import (
    compute_register,
    meeting_create,
    meeting_notice,
    meeting_step,
    meeting_update,
    register_users,
    take_step,
)
from meetings.services.motions import motion_add, motion_close, motion_open, motion_record_totals
from meetings.services.policy import policy_update
from meetings.services.rosters import roster_add, roster_remove

__all__ = [
    "MANAGE",
    "MAX_DELEGATION_DAYS",
    "MEETING_FIELDS",
    "MOTION_FIELDS",
    "SUBJECT_RE",
    "VOTE",
    "attendance_sign_in_by_clerk",
    "attendance_sign_in_own",
    "compute_register",
    "delegation_create",
    "delegation_revoke",
    "entries_for_voter",
    "meeting_create",
    "meeting_notice",
    "meeting_step",
    "meeting_update",
    "motion_add",
    "motion_close",
    "motion_open",
    "motion_record_totals",
    "policy_update",
    "register_users",
    "roster_add",
    "roster_remove",
    "take_step",
    "group_q",
    "vote_cast_own",
    "vote_correct",
    "vote_record_batch",
    "vote_record_by_clerk",
]
