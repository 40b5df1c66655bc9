"""A quarter's sign-off by the party branch and its publication (积分公示)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.errors import DomainError
from core.roles import Action
from points.models import (
    Claim,
    ClaimStatus,
    ListKind,
    Mentorship,
    Publication,
    QuarterSignoff,
    Scheme,
)
from points.services.base import _scheme_locked
from points.standings import apply_lists, corrections, period_bounds, publication_day, quarter_of, standings

# -- quarter: sign-off and publication -------------------------------------------------------------------


@transaction.atomic
def quarter_signoff(*, actor, scheme: Scheme, year: int, quarter: int, note: str = "") -> QuarterSignoff:
    """党支部审定: refused while entries of the quarter still wait for review."""
    scheme = _scheme_locked(actor, Action.POINTS_SIGNOFF, scheme)
    if quarter not in (1, 2, 3, 4):
        raise DomainError({"quarter": _("Choose a quarter.")})
    start, end = period_bounds(year, quarter)
    pending = Claim.objects.filter(
        scheme=scheme, status=ClaimStatus.PENDING, occurred_on__gte=start, occurred_on__lte=end
    ).count()
    if pending:
        raise DomainError(_("%(n)s entries of this quarter still wait for review.") % {"n": pending})
    if QuarterSignoff.objects.filter(scheme=scheme, year=year, quarter=quarter).exists():
        raise DomainError(_("This quarter is already signed off."))
    signoff = QuarterSignoff.objects.create(scheme=scheme, year=year, quarter=quarter, signed_by=actor, note=note)
    audit.record(actor, "points.quarter.signoff", scheme, after={"year": year, "quarter": quarter})
    return signoff


def _mask(label: str) -> str:
    from core.masking import mask_name

    return mask_name(label.removesuffix("户")) + ("户" if label.endswith("户") else "")


def build_snapshot(scheme: Scheme, year: int, quarter: int) -> dict:
    """The frozen content of a notice: masked names, scores, stars, ranks and lists; nothing personal else."""
    table = standings(scheme, year, quarter)
    lists = apply_lists(scheme, table)
    rules = {r.kind: r for r in scheme.list_rules.filter(is_active=True).prefetch_related("consequences")}
    grids = dict(scheme.village.grids.values_list("pk", "name")) if hasattr(scheme.village, "grids") else {}
    numbers = _household_numbers(scheme)
    return {
        "scheme": scheme.name,
        "village": scheme.village.name,
        "year": year,
        "quarter": quarter,
        "rows": [
            {
                "rank": s.rank,
                "name": _mask(s.label),
                "grid": grids.get(s.grid_id, ""),
                "score": str(s.score),
                "stars": s.stars,
                "lists": s.lists,
                # 户号: so a villager finds their own row among the masked names (searched on the notice page)
                "number": numbers.get(s.household_id, ""),
            }
            for s in table
        ],
        "corrections": _corrections(scheme, year, quarter, grids),
        "lists": {
            kind: {
                "names": [_mask(s.label) for s in members],
                "consequences": [c.name for c in rules[kind].consequences.all() if not c.forbidden]
                if kind in rules
                else [],
                "consequence_text": rules[kind].consequence_text if kind in rules else "",
                "duration_quarters": rules[kind].duration_quarters if kind in rules else 0,
            }
            for kind, members in lists.items()
        },
        "_black_keys": [(s.key, s.label, s.household_id) for s in lists[ListKind.BLACK]],
    }


def _household_numbers(scheme: Scheme) -> dict[int, str]:
    if scheme.subject_kind != "household":
        return {}
    from registry.models import Household

    return dict(Household.objects.filter(village_id=scheme.village_id).values_list("pk", "number"))


def _corrections(scheme: Scheme, year: int, quarter: int, grids: dict) -> list[dict]:
    """更正: the corrections counted in this quarter that undo entries of earlier quarters, each naming the
    entry it undoes (its number and date) and the notice that entry was counted in, if it was published."""
    rows = corrections(scheme, year, quarter)
    periods = {(c.entry_date.year, quarter_of(c.entry_date)) for c in rows}
    published = {
        (p.year, p.quarter): p.pk
        for p in Publication.objects.filter(scheme=scheme, year__in={y for y, _q in periods}).only(
            "pk", "year", "quarter"
        )
        if (p.year, p.quarter) in periods
    }
    return [
        {
            "name": _mask(c.label),
            "grid": grids.get(c.grid_id, ""),
            "points": str(c.points),
            "entry": c.entry_id,
            "entry_date": c.entry_date.isoformat(),
            "year": c.entry_date.year,
            "quarter": quarter_of(c.entry_date),
            "publication": published.get((c.entry_date.year, quarter_of(c.entry_date))),
        }
        for c in rows
    ]


@transaction.atomic
def quarter_publish(*, actor, scheme: Scheme, year: int, quarter: int, system: bool = False) -> Publication:
    """公示: freeze the quarter's standings; black-listed households get a mentorship to be assigned."""
    if system:
        scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    else:
        scheme = _scheme_locked(actor, Action.POINTS_SIGNOFF, scheme)
    if not QuarterSignoff.objects.filter(scheme=scheme, year=year, quarter=quarter).exists():
        raise DomainError(_("The party branch has not signed off this quarter yet."))
    if Publication.objects.filter(scheme=scheme, year=year, quarter=quarter).exists():
        raise DomainError(_("This quarter is already published."))
    snapshot = build_snapshot(scheme, year, quarter)
    black = snapshot.pop("_black_keys")
    publication = Publication.objects.create(
        scheme=scheme, year=year, quarter=quarter, snapshot=snapshot, published_by=None if system else actor
    )
    started = min(timezone.localdate(), publication_day(scheme, year, quarter))
    for key, label, household_id in black:
        Mentorship.objects.create(
            scheme=scheme,
            publication=publication,
            subject_key=key,
            subject_label=label,
            household_id=household_id,
            started_on=started,
        )
    audit.record(
        None if system else actor,
        "points.quarter.publish",
        scheme,
        after={
            "year": year,
            "quarter": quarter,
            "rows": len(snapshot["rows"]),
            "black": len(black),
            "corrections": len(snapshot["corrections"]),
        },
    )
    return publication


def publish_due(today: date | None = None) -> list[Publication]:
    """The scheduled task: publish every signed-off quarter whose publication day has come."""
    today = today or timezone.localdate()
    done = []
    for signoff in QuarterSignoff.objects.select_related("scheme").filter(scheme__is_active=True):
        if Publication.objects.filter(scheme=signoff.scheme, year=signoff.year, quarter=signoff.quarter).exists():
            continue
        if today >= publication_day(signoff.scheme, signoff.year, signoff.quarter):
            done.append(
                quarter_publish(
                    actor=None, scheme=signoff.scheme, year=signoff.year, quarter=signoff.quarter, system=True
                )
            )
    return done
