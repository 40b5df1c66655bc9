"""The rules of the village ledger as data and small checks: money, the default categories and the default
approval chain installed for a county (docs/finance.md names their sources)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from core.errors import DomainError
from finance.models import Direction, Post

MAX_AMOUNT = Decimal("999999999999.99")
CENT = Decimal("0.01")

# 村集体经济组织会计制度 (财会〔2004〕12号) and the 财务公开 list: income and expense items, with the sub-categories a
# village discloses separately. (code, name, parent code, welfare)
DEFAULT_CATEGORIES = [
    ("501", "经营收入", None, False),
    ("502", "发包及上交收入", None, False),
    ("50201", "土地发包收入", "502", False),
    ("50202", "资产租赁收入", "502", False),
    ("503", "投资收益", None, False),
    ("504", "补助收入", None, False),
    ("50401", "上级转移支付", "504", False),
    ("50402", "惠民资金（到户补助）", "504", True),
    ("505", "其他收入", None, False),
    ("601", "经营支出", None, False),
    ("602", "管理费用", None, False),
    ("60201", "干部报酬", "602", False),
    ("60202", "办公费", "602", False),
    ("60203", "水电及差旅费", "602", False),
    ("603", "公益支出", None, False),
    ("60301", "基础设施维护", "603", False),
    ("60302", "惠民资金（兑付到户）", "603", True),
    ("604", "其他支出", None, False),
]


def direction_of(code: str) -> str:
    return Direction.INCOME if code.startswith("5") else Direction.EXPENSE


# The default chain (003 #4 逐级审签; 004 五 村监委会 reviews every expense): small expenses stay in the village,
# larger ones go to the township, the largest to its principal leader after the villagers' representatives.
DEFAULT_BANDS = [
    (Decimal("2000.00"), [Post.CLERK, Post.SECRETARY, Post.SUPERVISORY], False),
    (
        Decimal("20000.00"),
        [Post.CLERK, Post.SECRETARY, Post.SUPERVISORY, Post.LIAISON, Post.AGRI_STATION],
        False,
    ),
    (
        None,
        [
            Post.CLERK,
            Post.SECRETARY,
            Post.FIRST_SECRETARY,
            Post.SUPERVISORY,
            Post.LIAISON,
            Post.LIAISON_LEADER,
            Post.AGRI_STATION,
            Post.TOWNSHIP_HEAD,
        ],
        True,
    ),
]


def money(value, field: str = "amount") -> Decimal:
    """A positive amount in yuan with at most 2 decimals, as a Decimal (never a float). Raises DomainError."""
    if isinstance(value, bool) or isinstance(value, float):
        # a float cannot carry cents exactly; clients send a string or a Decimal
        value = str(value)
    text = str(value if value is not None else "").strip().replace(",", "").replace("，", "")
    if not text:
        raise DomainError({field: _("Enter the amount in yuan, e.g. 1200.50.")})
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise DomainError({field: _("Enter the amount in yuan, e.g. 1200.50.")}) from None
    if not amount.is_finite():
        raise DomainError({field: _("Enter the amount in yuan, e.g. 1200.50.")})
    if amount <= 0:
        raise DomainError({field: _("The amount must be more than zero.")})
    if amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        raise DomainError({field: _("An amount has at most two decimals (fen).")})
    if amount > MAX_AMOUNT:
        raise DomainError({field: _("The amount is too large.")})
    return amount.quantize(CENT)


def yuan(value: Decimal) -> str:
    """12,345.60 — the amount to the cent with thousands separators."""
    return f"{Decimal(value).quantize(CENT):,.2f}"


def band_label(max_amount: Decimal | None, lower: Decimal | None) -> str:
    if max_amount is None:
        return _("above %(amount)s yuan") % {"amount": yuan(lower or Decimal(0))}
    return _("up to %(amount)s yuan") % {"amount": yuan(max_amount)}
