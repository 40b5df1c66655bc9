from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def labelled(rows, flow):
    """The rows with their state's label, their page and whether they are late (a deadline passed counts before
    the scheduled run has flagged it)."""
    rows, now = list(rows), timezone.now()
    for row in rows:
        row.state_label = flow.state_label(row.state)
        row.url = row.get_absolute_url()
        row.late = row.overdue or (row.closed_at is None and row.deadline_at is not None and row.deadline_at < now)
    return rows


@register.inclusion_tag("doorstep/_subnav.html", takes_context=True)
def doorstep_subnav(context):
    """The links between the doorstep's pages the actor may open."""
    from doorstep.views.requests import links

    request = context.get("request")
    return {"doorstep_links": links(request) if request is not None and request.user.is_authenticated else []}
