from django import template

from core import formats
from core.audit_labels import action_label

register = template.Library()


@register.filter
def audit_action(code: str) -> str:
    """The readable name of an audit action code."""
    return action_label(code)


@register.filter
def date_range(start, end):
    """``{{ start|date_range:end }}``: "2026-12-06 至 2026-12-08", or one date when both are the same day."""
    return formats.date_range(start, end)


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template, '' when missing."""
    return mapping.get(key, "") if hasattr(mapping, "get") else ""
