"""按年表彰: honours of a year, granted from the yearly standings."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core import audit
from core.errors import DomainError
from core.roles import Action
from points.models import (
    Honour,
    Scheme,
)
from points.services.base import _decimal, _scheme_locked
from points.standings import standings

HONOUR_TITLES = ["十星家庭户", "文明家庭", "创业致富能手", "遵纪守法企业", "最佳经营土地能手", "优秀志愿者"]


@transaction.atomic
def honour_grant(
    *, actor, scheme: Scheme, year: int, title: str, subject_key: str, award_yuan=0, note: str = ""
) -> Honour:
    """按年表彰: the score and rank are taken from the year's standings, never typed."""
    scheme = _scheme_locked(actor, Action.POINTS_CONFIGURE, scheme)
    title = (title or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("Name the honour.")
    award = _decimal(award_yuan or 0, "award_yuan")
    if award < 0 or award > 100000:
        errors["award_yuan"] = _("The award must be between 0 and 100,000 yuan.")
    row = next((s for s in standings(scheme, year) if s.key == subject_key), None)
    if row is None:
        errors["subject_key"] = _("Choose a subject ranked in this year.")
    if errors:
        raise DomainError(errors)
    if Honour.objects.filter(scheme=scheme, year=year, title=title, subject_key=subject_key).exists():
        raise DomainError(_("%(who)s already has this honour for %(year)s.") % {"who": row.label, "year": year})
    honour = Honour.objects.create(
        scheme=scheme,
        year=year,
        title=title,
        subject_key=subject_key,
        subject_label=row.label,
        household_id=row.household_id,
        score=row.score,
        rank=row.rank,
        award_yuan=award,
        note=(note or "").strip(),
        granted_by=actor,
    )
    audit.record(
        actor,
        "points.honour.grant",
        scheme,
        target_label=str(honour),
        after={
            "year": year,
            "title": title,
            "subject": subject_key,
            "score": str(row.score),
            "rank": row.rank,
            "award_yuan": str(award),
        },
    )
    return honour
