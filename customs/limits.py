"""What a village limits for weddings, funerals and other feasts (婚丧嫁娶简办标准, from its 村规民约): the measures
are fixed here, the numbers are each village's data (``LimitSet.values``), and an event is checked against them.

A limit left blank does not apply. ``performers`` is a count: 0 means none allowed (不请演艺团队)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

WEDDING, FUNERAL, FEAST = "wedding", "funeral", "feast"
ALL = (WEDDING, FUNERAL, FEAST)


@dataclass(frozen=True)
class Measure:
    key: str
    label: object
    unit: object
    kinds: tuple
    money: bool = False  # in yuan (decimal), else a whole count


MEASURES = (
    Measure("tables", _("Tables at the feast"), pgettext_lazy("unit", "tables"), ALL),
    Measure("table_cost", _("Cost per table"), pgettext_lazy("unit", "yuan"), ALL, money=True),
    Measure("gift", _("Gift money per guest"), pgettext_lazy("unit", "yuan"), ALL, money=True),
    Measure("days", _("Days the event lasts"), pgettext_lazy("unit", "days"), ALL),
    Measure("performers", _("Hired performance troupes"), pgettext_lazy("unit", "troupes"), ALL),
    Measure("cars", _("Wedding cars"), pgettext_lazy("unit", "cars"), (WEDDING,)),
    Measure("bride_price", _("Betrothal gift (彩礼)"), pgettext_lazy("unit", "yuan"), (WEDDING,), money=True),
    Measure("bearers", _("Coffin bearers"), pgettext_lazy("unit", "people"), (FUNERAL,)),
    Measure("bearer_pay", _("Pay per coffin bearer"), pgettext_lazy("unit", "yuan"), (FUNERAL,), money=True),
)
BY_KEY = {m.key: m for m in MEASURES}
MAX_VALUE = Decimal("10000000")  # a limit or a figure above ten million yuan (or tables) is a typing error


def measures_for(kind: str) -> list[Measure]:
    return [m for m in MEASURES if kind in m.kinds]


def field_name(kind: str, key: str) -> str:
    return f"{kind}__{key}"


def plain(value) -> str:
    """A number as people write it: 30, 200, 99.5."""
    number = Decimal(str(value))
    return format(number.quantize(Decimal(1)) if number == number.to_integral() else number.normalize(), "f")


@dataclass(frozen=True)
class Breach:
    key: str
    label: str
    limit: str
    value: str
    unit: str


def breaches(limits: dict | None, kind: str, values: dict) -> list[Breach]:
    """The measures of ``values`` (what happened) above the village's limits for ``kind``."""
    found = []
    kind_limits = (limits or {}).get(kind) or {}
    for m in measures_for(kind):
        limit, value = kind_limits.get(m.key), values.get(m.key)
        if limit is None or value is None:
            continue
        if Decimal(str(value)) > Decimal(str(limit)):
            found.append(Breach(m.key, str(m.label), plain(limit), plain(value), str(m.unit)))
    return found
