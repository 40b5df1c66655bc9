"""Shapes of the 议事协商 API (deliberation/api.py). A step is taken through casework's generic step endpoint."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema

from casework.api import StepOut  # the steps the caller may take now, with their fields (casework.steps.describe)
from core.api_types import Id, Version


class Ref(Schema):
    id: int
    name: str


class TopicEventOut(Schema):
    step: str
    label: str
    by: str
    at: datetime
    note: str
    data: dict


class ListEntryOut(Schema):
    id: int | None
    name: str
    procedure: str
    procedure_label: str
    reserved_matter: str
    reserved_label: str
    needs_party_masses: bool
    active: bool


class ListOut(Schema):
    village: Ref
    kept: bool
    co_sign_min: int
    entries: list[ListEntryOut]


class EntryIn(Schema):
    name: str
    procedure: str
    reserved_matter: str = ""
    needs_party_masses: bool = False


class SettingsIn(Schema):
    co_sign_min: Annotated[int, Field(ge=2, le=200)]


class EntryUpdateIn(Schema):
    """Only what is sent changes; ``active: false`` takes a kind of matter off the list (kept for the record)."""

    name: str | None = None
    procedure: str | None = None
    reserved_matter: str | None = None
    needs_party_masses: bool | None = None
    active: bool | None = None


class ConfirmIn(Schema):
    """A write that cannot be undone: send ``confirm: true`` (refused with 422, field ``confirm``, without it)."""

    confirm: bool = False


class TopicRow(Schema):
    id: int
    number: str
    village: Ref
    title: str
    origin: str
    origin_label: str
    procedure: str
    procedure_label: str
    reserved_matter: str
    state: str
    state_label: str
    signatures: int
    co_sign_min: int
    created_at: datetime
    version: int


class TopicPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[TopicRow]


class PollOptionOut(Schema):
    index: int
    label: str
    count: int


class PollOut(Schema):
    id: int
    question: str
    closes_at: datetime
    open: bool
    binding: bool
    options: list[PollOptionOut]
    my_answer: int | None


class CommentOut(Schema):
    id: int
    who: str
    text: str
    at: datetime


class TaskOut(Schema):
    id: int
    decision_id: int
    title: str
    owner_name: str
    due_date: date
    deadline_at: datetime | None
    state: str
    state_label: str
    overdue: bool
    result: str
    version: int


class DecisionOut(Schema):
    id: int
    number: str
    title: str
    text: str
    body_label: str
    motion_id: int | None
    decided_at: datetime
    published_at: datetime | None
    result: str
    result_published_at: datetime | None
    tasks: list[TaskOut]


class TopicMotionOut(Schema):
    id: int
    meeting_id: int
    meeting_title: str
    meeting_kind: str
    outcome: str
    decided_at: datetime | None


class TopicDetail(TopicRow):
    text: str
    entry: str
    needs_party_masses: bool
    decision: DecisionOut | None
    polls: list[PollOut]
    comments: list[CommentOut]
    motions: list[TopicMotionOut]
    steps: list[StepOut]
    timeline: list[TopicEventOut]
    may_cosign: bool


class TopicIn(Schema):
    village_id: Id
    entry_id: Id
    title: str
    text: str
    origin: str = ""


class AgendaIn(Schema):
    meeting_id: Id


class CommentIn(Schema):
    text: str


class PollIn(Schema):
    question: str
    options: list[str]
    closes_at: datetime


class PollAnswerIn(Schema):
    option: Annotated[int, Field(ge=0, le=5)]  # the index of one of a poll's 2 to 6 answers


class TaskIn(Schema):
    title: str
    owner_name: str
    due_date: date
    owner_id: Id | None = None


class TaskDetail(TaskOut):
    steps: list[StepOut]
    timeline: list[TopicEventOut]


class RulesRow(Schema):
    id: int
    village: Ref
    title: str
    edition: int
    state: str
    state_label: str
    signed: int
    households: int
    version: int


class RulesDetail(RulesRow):
    text: str
    clauses: list[str]
    flagged: list[int]
    review_comments: str
    promulgated_at: datetime | None
    steps: list[StepOut]
    timeline: list[TopicEventOut]
    may_sign: bool


class RulesIn(Schema):
    village_id: Id
    title: str
    text: str


class RulesUpdateIn(Schema):
    title: str | None = None
    text: str | None = None
    version: Version | None = None


class PaperIn(Schema):
    household_id: Id
    signer_name: str
    signed_on: date
    confirm: bool = Field(False, description="Recording a signature cannot be undone: send true.")


class SignatureOut(Schema):
    household_id: int
    household_number: str
    signer_name: str
    method: str
    signed_on: date


class PublicTaskOut(Schema):
    title: str
    owner: str
    due_date: date
    state: str
    state_label: str
    overdue: bool
    result: str


class PublicDecisionOut(Schema):
    id: int
    number: str
    title: str
    text: str
    body_label: str
    decided_at: datetime
    published_at: datetime
    result: str
    tasks: list[PublicTaskOut]


class PublicOut(Schema):
    village: str
    decisions: list[PublicDecisionOut]
    rules_title: str
    rules_clauses: list[str]
    rules_signed: int
    rules_households: int
