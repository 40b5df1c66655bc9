"""Shapes of the incident API (incidents/api.py): what a phone or an integration sends and gets back."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

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
    # 其他/不清楚: the case goes to its village, which sets the real kind (step ``classify``)
    unsorted: bool


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
    on_the_spot: bool
    household_id: int | None
    version: int


class IncidentPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[IncidentRow]


class IncidentAttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str | None
    thumbnail_url: str | None
    api_url: str
    api_thumbnail_url: str


class PhotoOut(IncidentAttachmentOut):
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


class IncidentEventOut(Schema):
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
    attachments: list[IncidentAttachmentOut]


class BoardList(Schema):
    count: int
    items: list[IncidentRow]


class BoardOut(Schema):
    overdue: BoardList
    due_soon: BoardList
    supervised: BoardList
    unrated: BoardList


# -- performance figures and the grid workers' assessment (incidents/kpi_api.py) -------------------------------


class RateOut(Schema):
    """A share as the pages show it: numerator, denominator, the value (null when the denominator is 0) and the
    percentage text ("—" then)."""

    num: int
    den: int
    value: float | None
    percent: str


class PeriodOut(Schema):
    kind: str
    start: date
    end: date
    label: str


class KpiRowOut(Schema):
    """One unit's figures (a township, village, department or grid worker) or the total row (``key`` null)."""

    key: int | None
    code: str
    label: str
    cases: int
    response: RateOut
    completion: RateOut
    overdue: RateOut
    satisfaction: RateOut
    reopened: int
    closed_in_village: RateOut
    closed_in_township: RateOut
    counts: dict[str, int]


class KpiOut(Schema):
    period: PeriodOut
    grouping: str
    grouping_label: str
    groupings: list[str]
    as_of: datetime
    rows: list[KpiRowOut]
    total: KpiRowOut


class AssessmentPolicyOut(Schema):
    monthly_target: int
    weight_reports: int
    weight_valid: int
    weight_follow_up: int
    weight_satisfaction: int
    base_subsidy: Decimal
    performance_subsidy: Decimal
    unrated_days: int


class AssessmentLineOut(Schema):
    user_id: int
    name: str
    village: str
    grids: list[str]
    reports: int
    valid: int
    valid_rate: RateOut
    follow_ups: int
    waiting_for_rating: int
    follow_up_due: int
    follow_up_rate: RateOut
    grid_cases: int
    grid_overdue: int
    overdue: RateOut
    grid_rated: int
    grid_satisfied: int
    satisfaction: RateOut
    reports_points: Decimal
    valid_points: Decimal
    follow_up_points: Decimal
    satisfaction_points: Decimal
    score: Decimal
    base_subsidy: Decimal
    performance_subsidy: Decimal
    total_subsidy: Decimal


class AssessmentOut(Schema):
    """The month's lines: every grid worker in the caller's scope, or a grid worker's own line only
    (``own: true``)."""

    period: PeriodOut
    as_of: datetime
    own: bool
    policy: AssessmentPolicyOut
    lines: list[AssessmentLineOut]
    count: int
    page: int
    page_size: int
    total_base: Decimal
    total_performance: Decimal
    total: Decimal
