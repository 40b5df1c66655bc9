import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder

register = template.Library()


@register.filter
def map_json(value) -> str:
    """A value as JSON text for a data- attribute (autoescaping makes it attribute-safe); '' for nothing."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
