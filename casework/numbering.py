"""Case numbers: ``<prefix><sequence>`` (a dispute's ``510422-2026-00012``, a service request's, a certificate's),
the next one given under a lock on the region whose sequence it is, so two made at the same moment get consecutive
numbers (a unique constraint on the number catches anything else)."""

from __future__ import annotations

from django.db.models.functions import Length


def next_number(model, *, region_id: int, prefix: str, width: int, field: str = "number") -> str:
    """The next number of ``model`` starting with ``prefix``; call inside the transaction that saves it. A sequence
    that outgrows ``width`` keeps counting (numbers are compared by length first)."""
    from regions.models import Region

    Region.objects.select_for_update().get(pk=region_id)
    last = (
        model.objects.filter(**{f"{field}__startswith": prefix})
        .order_by(Length(field).desc(), f"-{field}")
        .values_list(field, flat=True)
        .first()
    )
    seq = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{seq:0{width}d}"
