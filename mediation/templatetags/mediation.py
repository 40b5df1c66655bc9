from django import template
from django.utils import timezone

from mediation.models import DisputeKind, LocalKind

register = template.Library()


@register.filter
def labelled(rows, flow):
    """The rows with their state's label and whether they are late (a dispute list shows where each one stands;
    a deadline passed counts before the scheduled run has flagged it)."""
    rows, now = list(rows), timezone.now()
    kinds = dict(DisputeKind.choices)
    kinds.update(LocalKind.objects.filter(code__in={r.kind for r in rows} - set(kinds)).values_list("code", "name"))
    for row in rows:
        row.state_label = flow.state_label(row.state)
        row.kind_label = kinds.get(row.kind, row.kind)
        row.url = row.get_absolute_url()
        row.late = row.overdue or (row.closed_at is None and row.deadline_at is not None and row.deadline_at < now)
    return rows


@register.filter
def get(mapping, key):
    return mapping.get(key)
