"""A breach of the village's limits reaches the points system only as a claim its review group decides: the item
is one of the negative items of the household scheme's rule book in force on the day of the event, recorded through
points.services (its caps, evidence rules and recorder roles apply), once per event (``Event.claim``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.errors import DomainError


def _scheme(case):
    from points.models import Scheme, SchemeKind, SubjectKind

    return (
        Scheme.objects.filter(
            village_id=case.village_id, kind=SchemeKind.CIVILITY, subject_kind=SubjectKind.HOUSEHOLD, is_active=True
        )
        .order_by("pk")
        .first()
    )


def negative_items(case) -> list:
    from points.services import rulebook_in_force

    scheme = _scheme(case)
    book = rulebook_in_force(scheme, case.event_date) if scheme else None
    if book is None:
        return []
    return list(book.items.filter(points__lt=0).order_by("category__order", "order", "pk"))


def refer_to_points(actor, case, item_id, *, evidence=None):
    from points.services import claim_record
    from points.subjects import subject_of

    item = next((i for i in negative_items(case) if str(i.pk) == str(item_id)), None)
    if item is None:
        raise DomainError({"item": _("Choose a negative item of the village's rule book in force on the day.")})
    what = "；".join(f"{b['label']} {b['value']}{b['unit']}（标准 {b['limit']}）" for b in case.breaches)
    return claim_record(
        actor=actor,
        scheme=_scheme(case),
        subject=subject_of(case.household),
        item=item,
        occurred_on=case.event_date,
        evidence=evidence,
        note=_("%(number)s assessed above the village's limits: %(what)s") % {"number": case.number, "what": what},
    )
