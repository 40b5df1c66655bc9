"""Shapes of the small-power API (powers/api.py)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

from casework.api import StepOut


class Ref(Schema):
    id: int
    name: str


class PowerOut(Schema):
    id: int
    code: str
    name: str
    power_class: str
    power_class_label: str
    template: str
    template_label: str
    applicant: str
    applicant_label: str
    legal_basis: str
    documents: list[str]
    procedure: str
    supervision: str
    step_days: int
    review_days: int
    publicity_days: int
    active: bool
    order: int
    states: list[dict]
    steps: list[dict]


class PowerIn(Schema):
    code: str
    name: str
    power_class: str
    template: str
    applicant: str
    legal_basis: str
    documents: str = ""
    procedure: str = ""
    supervision: str = ""
    step_days: Annotated[int, Field(ge=1, le=60)] = 5
    review_days: Annotated[int, Field(ge=1, le=60)] = 10
    publicity_days: Annotated[int, Field(ge=0, le=60)] = 7
    order: Annotated[int, Field(ge=0, le=999)] = 0
    active: bool = True


class CaseRow(Schema):
    id: int
    number: str
    power: Ref
    title: str
    village: Ref
    household_id: int | None
    state: str
    state_label: str
    deadline_at: datetime | None
    overdue: bool
    created_at: datetime
    version: int


class CasePage(Schema):
    count: int
    page: int
    page_size: int
    items: list[CaseRow]


class PowerEventOut(Schema):
    step: str
    label: str
    from_state: str
    to_state: str
    by: str
    at: datetime
    note: str
    data: dict
    deadline_at: datetime | None
    files: list[dict]


class ObjectionOut(Schema):
    id: int
    by: str
    text: str
    raised_at: datetime
    answer: str
    answered_at: datetime | None


class CaseDetail(CaseRow):
    reason: str
    applicant: str
    on_behalf: bool
    household_size: int | None
    monthly_income: Decimal | None
    area: Decimal | None
    asset_deal: str
    reserve_price: Decimal | None
    winner: str
    winning_price: Decimal | None
    contract_ref: str
    decision_ref: str
    outcome: str
    publicity_from: date | None
    publicity_until: date | None
    timeline: list[PowerEventOut]
    objections: list[ObjectionOut]
    steps: list[StepOut]


class ObjectionIn(Schema):
    text: str


class ObjectionAnswerIn(Schema):
    answer: str


class OverviewRow(Schema):
    power: Ref
    total: int
    open: int
    overdue: int
    states: list[dict]


class OverviewOut(Schema):
    total: int
    overdue: int
    rows: list[OverviewRow]
    overdue_cases: list[CaseRow]


class PublicPosting(Schema):
    id: int
    kind: str
    title: str
    lines: list[list[str]]
    posted_from: date | None
    posted_until: date | None
