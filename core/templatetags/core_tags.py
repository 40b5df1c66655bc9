from django import template

from core.audit_labels import action_label

register = template.Library()


@register.filter
def audit_action(code: str) -> str:
    """The readable name of an audit action code."""
    return action_label(code)


@register.filter
def audit_pairs(value) -> list[tuple[str, object]]:
    """A before/after dict as (field, value) pairs for display; other values as one pair."""
    if isinstance(value, dict):
        return [(k, "—" if v in (None, "") else v) for k, v in value.items()]
    if value in (None, ""):
        return []
    return [("", value)]


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template, '' when missing."""
    return mapping.get(key, "") if hasattr(mapping, "get") else ""
