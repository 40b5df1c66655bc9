"""Money on the ledger's pages: ``{{ amount|yuan }}`` → 12,345.60 (to the cent, never rounded)."""

from decimal import Decimal, InvalidOperation

from django import template

from finance.rules import yuan as _yuan

register = template.Library()


@register.filter
def yuan(value):
    try:
        return _yuan(Decimal(value))
    except (InvalidOperation, TypeError, ValueError):
        return ""


@register.filter
def signed_yuan(entry):
    """An entry's amount as it counts: a reversal in red with a minus sign is shown by the template."""
    return _yuan(entry.signed_amount)
