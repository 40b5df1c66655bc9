"""积分公示 over the API: a village's published notices, frozen snapshots with masked names, no login."""

from datetime import datetime

from django.utils.translation import gettext_lazy
from ninja import Router, Schema

from core.api_types import RegionCode
from core.errors import NotFound
from points.models import Publication
from points.public_views import public_snapshot
from regions.models import Region, RegionLevel

router = Router(tags=["points"])


class PublicationOut(Schema):
    id: int
    village_code: str
    village: str
    scheme: str
    year: int
    quarter: int
    published_at: datetime
    snapshot: dict


@router.get(
    "/public/{village_code}/publications",
    auth=None,
    response=list[PublicationOut],
    summary=gettext_lazy(
        "A village's points notices (积分公示): frozen snapshots with masked names, latest first; no login"
    ),
)
def public_publications(request, village_code: RegionCode):
    village = Region.objects.filter(code=village_code, level=RegionLevel.VILLAGE).first()
    if village is None:
        raise NotFound()
    publications = (
        Publication.objects.filter(scheme__village=village)
        .select_related("scheme")
        .order_by("-year", "-quarter", "scheme__name", "scheme_id")
    )
    return [
        {
            "id": p.pk,
            "village_code": village.code,
            "village": village.name,
            "scheme": p.scheme.name,
            "year": p.year,
            "quarter": p.quarter,
            "published_at": p.published_at,
            "snapshot": public_snapshot(p.snapshot),
        }
        for p in publications
    ]
