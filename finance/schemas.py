"""Shapes of the finance API. Amounts travel as strings with two decimals ("1200.50"), never as floats."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from casework.api import StepOut
from core.api_types import Id, Month, Version, Year


class Ref(Schema):
    id: int
    name: str


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    full_name: str
    direction: str
    parent_id: int | None
    is_welfare: bool
    is_active: bool


class CategoryIn(Schema):
    county_id: Id
    code: str = ""
    name: str
    parent_id: Id | None = None
    direction: str = ""
    is_welfare: bool = False
    is_active: bool = True


class CategoryChangeIn(Schema):
    """A category's name, welfare mark and use (its code and place do not change)."""

    name: str
    is_welfare: bool = False
    is_active: bool = True


class VoucherOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str


class LedgerEntryOut(Schema):
    id: int
    number: str
    village: Ref
    date: dt.date
    direction: str
    category: CategoryOut
    amount: str
    signed_amount: str
    counterparty: str
    summary: str
    method: str
    reference: str
    reverses_id: int | None
    reversed_by_id: int | None
    reason: str
    expense_id: int | None
    recorded_by: str
    recorded_at: dt.datetime
    vouchers: list[VoucherOut] = []


class IncomeIn(Schema):
    village_id: Id
    date: dt.date | None = None
    category_id: Id
    amount: str
    counterparty: str
    counterparty_is_person: bool = False
    summary: str
    method: str = "bank_transfer"
    reference: str = ""


class ReverseIn(Schema):
    reason: str
    date: dt.date | None = None


class CategoryLineOut(Schema):
    category: str
    code: str
    amount: str
    count: int


class MonthOut(Schema):
    village: Ref
    year: int
    month: int
    opening: str
    income: str
    expense: str
    closing: str
    income_by_category: list[CategoryLineOut]
    expense_by_category: list[CategoryLineOut]
    entries: list[LedgerEntryOut]


class LedgerPage(Schema):
    count: int
    income: str
    expense: str
    items: list[LedgerEntryOut]


class LineIn(Schema):
    description: str
    amount: str


class ExpenseIn(Schema):
    village_id: Id
    title: str
    category_id: Id
    payee: str
    payee_is_person: bool = False
    amount: str
    deliberation_ref: str = ""
    lines: list[LineIn]


class ExpenseCorrectIn(Schema):
    title: str | None = None
    category_id: Id | None = None
    payee: str | None = None
    payee_is_person: bool | None = None
    amount: str | None = None
    deliberation_ref: str | None = None
    lines: list[LineIn] | None = None
    version: Version | None = None


class ChainStepOut(Schema):
    n: int
    post: str
    post_label: str
    signed_by: str | None
    signed_at: dt.datetime | None
    current: bool


class LineOut(Schema):
    description: str
    amount: str


class ExpenseOut(Schema):
    id: int
    number: str
    village: Ref
    title: str
    category: CategoryOut
    payee: str
    amount: str
    deliberation_ref: str
    state: str
    state_label: str
    version: int
    band_label: str
    step_index: int
    waiting_for: str | None
    requester: str
    requested_at: dt.datetime
    reason: str
    lines: list[LineOut]
    chain: list[ChainStepOut]
    steps: list[StepOut] = Field(description="The steps you may take now, with their fields (casework API).")
    entry_id: int | None
    vouchers: list[VoucherOut] = []


class BandIn(Schema):
    max_amount: str | None = None
    posts: list[str]
    needs_deliberation: bool = False


class BandOut(Schema):
    max_amount: str | None
    posts: list[str]
    needs_deliberation: bool


class ChainIn(Schema):
    bands: list[BandIn]


class ChainOut(Schema):
    region: Ref
    own: bool
    bands: list[BandOut]


class PostIn(Schema):
    village_id: Id
    post: str
    user_id: Id


class PostOut(Schema):
    id: int
    village_id: int
    post: str
    post_label: str
    user_id: int
    user: str
    assigned_at: dt.datetime


class DisclosureIn(Schema):
    village_id: Id
    year: Year
    month: Month


class DisclosureOut(Schema):
    id: int
    village: Ref
    year: int
    month: int
    opening: str
    income: str
    expense: str
    closing: str
    notice_id: int
    notice_number: str
    notice_state: str
    generated_at: dt.datetime
    sequence: int
    corrects_id: int | None = None
    reason: str = ""
    superseded_by_notice_id: int | None = None


class CorrectionIn(Schema):
    reason: str = Field(..., max_length=300)
