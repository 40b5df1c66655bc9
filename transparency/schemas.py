"""Shapes of the 三务公开 API (transparency/api.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema

from casework.api import StepOut  # the steps a caller may take, with their declared fields (casework.steps)
from core.api_types import Id, Version


class Ref(Schema):
    id: int
    name: str


class NoticeAttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str


class QuestionOut(Schema):
    id: int
    notice_id: int
    asker: str  # masked (王*) unless the caller is staff or the asker
    text: str
    asked_at: datetime
    state: str
    state_label: str
    deadline_at: datetime | None
    overdue: bool
    answer: str
    answered_at: datetime | None
    answered_on_time: bool | None
    version: int


class NoticeRow(Schema):
    id: int
    number: str
    village: Ref
    stream: str
    stream_label: str
    category: str
    title: str
    period_start: date
    period_end: date
    period_label: str
    is_major: bool
    state: str
    state_label: str
    posted_from: date | None
    posted_until: date | None
    on_board: bool
    published_at: datetime | None
    version: int


class NoticePage(Schema):
    count: int
    page: int
    page_size: int
    items: list[NoticeRow]


class NoticeDetail(NoticeRow):
    body: str
    updated_at: datetime
    withdraw_reason: str
    corrects_id: int | None = None  # 更正: the notice this one corrects, and why
    correction_reason: str = ""
    superseded_by_id: int | None = None  # the published correction that replaced this one
    attachments: list[NoticeAttachmentOut]
    questions: list[QuestionOut]
    steps: list[StepOut]
    public_url: str | None


class NoticeIn(Schema):
    village_id: Id
    stream: str
    category: str = ""
    title: str
    body: str
    period_start: date
    period_end: date
    is_major: bool = False
    posted_from: date | None = None
    posted_until: date | None = None


class NoticeUpdateIn(Schema):
    stream: str | None = None
    category: str | None = None
    title: str | None = None
    body: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    is_major: bool | None = None
    posted_from: date | None = None
    posted_until: date | None = None
    version: Version | None = None
    changed_at: str | None = None


class AskIn(Schema):
    text: str
    client_key: str = ""


class SlotOut(Schema):
    stream: str
    label: str
    start: date
    end: date
    due: date
    status: str
    status_label: str
    published_on: date | None
    notice_ids: list[int]


class DisclosureCalendarOut(Schema):
    village: Ref
    year: int
    due_days: int
    slots: list[SlotOut]
    major: list[int]
    late_count: int
    done_late_count: int


class VillageLateOut(Schema):
    village: Ref
    township: Ref | None
    late_count: int
    done_late_count: int
    done_count: int
    late: list[SlotOut]


class SupervisionOut(Schema):
    year: int
    overdue_questions: list[QuestionOut]
    villages: list[VillageLateOut]


class DisclosurePolicyOut(Schema):
    county: Ref
    min_posting_days: int
    answer_days: int
    finance_cadence: str
    village_cadence: str
    party_cadence: str
    due_days: int
    is_default: bool


class DisclosurePolicyIn(Schema):
    min_posting_days: Annotated[int, Field(ge=1, le=60)]
    answer_days: Annotated[int, Field(ge=1, le=30)]
    finance_cadence: str
    village_cadence: str
    party_cadence: str
    due_days: Annotated[int, Field(ge=0, le=60)]


class PublicQuestionOut(Schema):
    asker: str
    text: str
    answer: str
    answered_at: datetime | None


class PublicNoticeOut(Schema):
    id: int
    stream: str
    stream_label: str
    category: str
    title: str
    body: str
    period_start: date
    period_end: date
    period_label: str
    is_major: bool
    posted_from: date
    posted_until: date
    on_board: bool
    corrects_id: int | None = None
    correction_reason: str = ""
    superseded_by_id: int | None = None
    attachments: list[NoticeAttachmentOut]
    questions: list[PublicQuestionOut]


class PublicArchiveRow(Schema):
    id: int
    stream: str
    stream_label: str
    title: str
    period_start: date
    period_end: date
    period_label: str
    posted_from: date
    posted_until: date
    superseded_by_id: int | None = None


class PublicBoardOut(Schema):
    village: str
    village_code: str
    current: list[PublicNoticeOut]
    archive: list[PublicArchiveRow]
