"""The amount bands the association sets (救助标准档次): which band an amount falls in, and the refusal of an amount
above the highest band (or of any amount while the village has no band)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from core.errors import DomainError
from mutualaid.models import Band


def of_village(village_id) -> list[Band]:
    return list(Band.objects.filter(village_id=village_id).order_by("up_to"))


def ceiling(village_id) -> Decimal | None:
    top = Band.objects.filter(village_id=village_id).order_by("-up_to").values_list("up_to", flat=True).first()
    return top


def band_for(village_id, amount: Decimal) -> Band | None:
    """The lowest band whose ``up_to`` reaches ``amount`` (None above the highest)."""
    return Band.objects.filter(village_id=village_id, up_to__gte=amount).order_by("up_to").first()


def check_amount(village_id, amount: Decimal, *, field: str) -> Band:
    """The band of a positive ``amount``, or DomainError on ``field`` with a Chinese message."""
    if amount is None or amount <= 0:
        raise DomainError({field: _("The amount must be more than zero.")})
    top = ceiling(village_id)
    if top is None:
        raise DomainError({field: _("The association has not set its amount bands for this village yet.")})
    if amount > top:
        raise DomainError(
            {
                field: _("%(amount)s yuan is above the highest band the association set (%(top)s yuan).")
                % {"amount": amount, "top": top}
            }
        )
    return band_for(village_id, amount)
