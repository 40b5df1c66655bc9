"""Shapes of the incident API (incidents/api.py): what a phone or an integration sends and gets back."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema

from casework.api import StepOut  # the steps the caller may take, as the generic case API describes them


class Ref(Schema):
    id: int
    name: str


class GridRef(Schema):
    id: int
    code: str
    name: str


class MatterRef(Schema):
    id: int
    code: str
    name: str
    group: str


class MatterOut(Schema):
    id: int
    code: str
    name: str
    group: str
    description: str
    responsible: Ref | None
    assisting: list[Ref]


class DepartmentOut(Schema):
    id: int
    code: str
    name: str
    phone: str


class HandlingOut(Schema):
    """The body the case is with: the village's cadres, the township's officials or a county department."""

    level: str
    level_label: str
    name: str
    department: Ref | None
    days: int | None


class IncidentRow(Schema):
    id: int
    number: str
    state: str
    state_label: str
    severity: str
    severity_label: str
    matter: MatterRef
    description: str
    address: str
    village: Ref
    township: Ref
    grid: GridRef | None
    reporter_name: str
    created_at: datetime
    handling: HandlingOut
    deadline_at: datetime | None
    overdue: bool
    ever_overdue: bool
    rating: str
    rating_label: str
    closed_at: datetime | None
    version: int


class IncidentPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[IncidentRow]


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str | None
    thumbnail_url: str | None
    api_url: str
    api_thumbnail_url: str


class PhotoOut(AttachmentOut):
    step: str
    step_label: str
    at: datetime


class AssistOut(Schema):
    department: Ref
    kind: str
    kind_label: str
    added_at: datetime
    reported_at: datetime | None


class IncidentDetail(IncidentRow):
    lat: float | None
    lng: float | None
    state_entered_at: datetime | None
    responded_at: datetime | None
    resolved_at: datetime | None
    rated_at: datetime | None
    reopen_count: int
    supervise_count: int
    co_handling: list[AssistOut]
    photos: list[PhotoOut]
    steps: list[StepOut]


class ReportOut(IncidentDetail):
    already_received: bool


class EventOut(Schema):
    id: int
    step: str
    label: str
    from_state: str
    from_label: str
    to_state: str
    to_label: str
    actor_name: str
    by_system: bool
    at: datetime
    note: str
    data: dict
    deadline_at: datetime | None
    attachments: list[AttachmentOut]


class BoardList(Schema):
    count: int
    items: list[IncidentRow]


class BoardOut(Schema):
    overdue: BoardList
    due_soon: BoardList
    supervised: BoardList
    unrated: BoardList
