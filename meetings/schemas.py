"""Shapes of the meetings API (meetings/api/)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema

from casework.api import StepOut  # the steps the caller may take, with their fields (casework.steps.describe)
from core.api_types import Count, Days, Id


class Ref(Schema):
    id: int
    name: str


class MeetingRow(Schema):
    id: int
    number: str
    village: Ref
    group: Ref | None
    kind: str
    kind_label: str
    title: str
    starts_at: datetime
    place: str
    state: str
    state_label: str
    register_size: int
    present: int
    version: int


class MeetingPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[MeetingRow]


class Quorum(Schema):
    met: bool
    present: int
    needed: int
    rule: str


class MotionOut(Schema):
    id: int
    meeting_id: int
    position: int
    title: str
    text: str
    reserved_matter: str
    reserved_matter_label: str
    subject: str
    voting: str
    method: str
    votes_for: int
    votes_against: int
    votes_abstain: int
    present: int
    register_size: int
    outcome: str
    outcome_label: str
    binding: bool
    explanation: str
    decided_at: datetime | None
    delegation_id: int | None


class MyEntry(Schema):
    id: int
    name: str
    signed_in: bool


class MeetingDetail(MeetingRow):
    agenda: str
    convened_by: str
    proposers: int | None
    basis: str
    notice_days: int
    noticed_at: datetime | None
    opened_at: datetime | None
    closed_at: datetime | None
    quorum: Quorum
    decision_rule: str
    consultative: bool
    register_warnings: list[str]
    motions: list[MotionOut]
    minutes: str
    chair: str
    recorder: str
    minutes_at: datetime | None
    my_entries: list[MyEntry]
    steps: list[StepOut]


class MeetingIn(Schema):
    village_id: Id
    kind: str
    title: str
    starts_at: datetime
    place: str
    agenda: str = ""
    basis: str = ""
    group_id: Id | None = None
    convened_by: str = ""
    proposers: Count | None = None


class MeetingUpdateIn(Schema):
    kind: str | None = None
    title: str | None = None
    starts_at: datetime | None = None
    place: str | None = None
    agenda: str | None = None
    basis: str | None = None
    group_id: Id | None = None


class MotionIn(Schema):
    title: str
    text: str = ""
    reserved_matter: str = ""
    subject: str = ""


class OpenVotingIn(Schema):
    method: str = "ballot"


class VoteIn(Schema):
    entry_id: Id
    choice: str


class TotalsIn(Schema):
    votes_for: Count
    votes_against: Count
    votes_abstain: Count


class SignInIn(Schema):
    entry_ids: list[Id] | None = None


class SignInOut(Schema):
    signed_in: int
    present: int
    quorum: Quorum


class RegisterEntryOut(Schema):
    id: int
    name: str
    household_number: str
    signed_in: bool
    signed_in_at: datetime | None
    method: str


class DelegationIn(Schema):
    matter: str
    valid_from: date
    valid_until: date


class DelegationOut(Schema):
    id: int
    village: Ref
    matter: str
    matter_label: str
    to_kind: str
    granted_by_motion: int
    granted_by_meeting: int
    valid_from: date
    valid_until: date
    revoked_at: datetime | None
    in_force: bool


class RosterIn(Schema):
    village_id: Id
    body: str
    person_id: Id
    post: str = ""
    households: Annotated[int, Field(ge=1, le=500)] | None = None


class RosterOut(Schema):
    id: int
    body: str
    body_label: str
    person_id: int
    name: str
    gender: str
    post: str
    households: int | None
    since: date


class RosterPage(Schema):
    village: Ref
    members: list[RosterOut]
    checks: list[str]


class NoticePolicyIn(Schema):
    """The county's notice period (days) per kind of meeting; a kind left out or null keeps the default."""

    notice_days: dict[str, Days | None]


class NoticePolicyOut(Schema):
    county: Ref
    notice_days: dict[str, int]
    updated_at: datetime | None = None


class ConfirmIn(Schema):
    """A write that cannot be undone: send ``confirm: true`` (refused with 422, field ``confirm``, without it)."""

    confirm: bool = False


class KindRule(Schema):
    kind: str
    label: str
    notice_days: int
    statutory_minimum: int
    register_rule: str
    quorum: str
    decision: str
    consultative: bool


class VoteRecorded(Schema):
    motion_id: int
    entry_id: int
    choice: str


class VoteBatchIn(Schema):
    """其余全部赞成: ``choice`` for / against / abstain; ``group_id`` a 村民小组 of the meeting's village, or none for
    every signed-in attendee with no vote yet."""

    choice: str
    group_id: Id | None = None


class VoteBatchOut(Schema):
    motion_id: int
    recorded: int
    present: int
    unrecorded: int


class VoteCorrectIn(Schema):
    entry_id: Id
    choice: str
    reason: str


class VoteCorrected(Schema):
    motion_id: int
    entry_id: int
    choice: str
    previous_choice: str
    reason: str


class RollCallGroup(Schema):
    id: int
    name: str
    present: int
    unrecorded: int


class RollCallRow(Schema):
    entry_id: int
    name: str
    household_number: str
    group: Ref | None
    choice: str
    method: str
    corrections: int


class RollCallPage(Schema):
    motion_id: int
    voting: str
    present: int
    recorded: int
    unrecorded: int
    votes_for: int
    votes_against: int
    votes_abstain: int
    groups: list[RollCallGroup]
    count: int
    page: int
    page_size: int
    items: list[RollCallRow]
