"""The one map's dispute layer (core.plugins.MapLayer): disputes as counts per village only — how many were
received in the last twelve months and how many are still being mediated — drawn at the village's centre. A
dispute's place, parties or matter never reach the map (SPEC §12; 人民调解法 Art. 15: mediation respects privacy)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import maps
from mediation.models import Dispute
from regions.selectors import village_centres


def dispute_layer(actor, region) -> list[dict]:
    since = timezone.localdate() - timedelta(days=365)
    rows = (
        Dispute.objects.filter(**{f"{region.level}_id": region.pk}, received_on__gte=since, village__isnull=False)
        .values("village_id", "village__name")
        .annotate(received=Count("pk"), open=Count("pk", filter=Q(closed_at__isnull=True)))
        .order_by()
    )
    rows = list(rows)
    centres = village_centres([r["village_id"] for r in rows])
    return [
        maps.feature(
            maps.point(*centres[r["village_id"]]),
            kind="count",
            count=r["received"],
            label=_("%(village)s: %(received)s disputes received in the last 12 months, %(open)s being mediated")
            % {"village": r["village__name"], "received": r["received"], "open": r["open"]},
        )
        for r in rows
        if r["village_id"] in centres
    ]
