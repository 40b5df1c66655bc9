"""Writes of 入户走访: the county's visit frequencies (one per tag) and a visit recorded at the door, with the case
opened from it linked back. Every write checks scope, runs in a transaction and leaves an audit event."""

from __future__ import annotations

import os
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.attachments import prepare_photos
from core import audit
from core.errors import DomainError, NotFound
from core.fields import Choice, Date, clean_text, clean_value
from core.params import id_param
from regions.models import Region, RegionLevel
from visits import selectors
from visits.audit_labels import AuditAction
from visits.models import FollowUp, Frequency, How, Period, Visit, VisitPhoto

MAX_DAYS_BACK = 60  # a visit is recorded within two months of it, or not at all
MAX_PHOTOS = 6


def _day(value, field: str, *, required: bool = True) -> date | None:
    cleaned = clean_value(Date(field, field, required=required), value)
    return date.fromisoformat(cleaned) if cleaned else None


# -- the county's frequencies ------------------------------------------------------------------------------------


@transaction.atomic
def frequency_set(*, actor, county: Region, tag, period, since=None, active=True, note: str = "") -> Frequency:
    """The county's rule for one tag: people carrying it are visited at least once each ``period`` (or, with
    ``active`` false, no longer). Setting it again changes the one rule of the tag."""
    from registry.models import Tag

    if county is None or county.level != RegionLevel.COUNTY or not selectors.sets_frequencies(actor, county.pk):
        raise NotFound()
    tag_id = id_param(getattr(tag, "pk", tag))
    found = Tag.objects.filter(pk=tag_id).first() if tag_id else None
    if found is None:
        raise DomainError({"tag": _("Choose a tag of the registry.")})
    period = clean_value(Choice("period", "period", options=list(Period.choices)), period)
    day = _day(since, "since", required=False) or timezone.localdate()
    note = clean_text(note, "note", max_length=200, required=False)
    Region.objects.select_for_update().filter(pk=county.pk).first()
    row = Frequency.objects.filter(county=county, tag=found).first()
    before = None
    if row is None:
        row = Frequency(county=county, tag=found)
    else:
        before = {"period": row.period, "since": row.since.isoformat(), "active": row.active, "note": row.note}
    row.period, row.since, row.active, row.note, row.set_by = period, day, bool(active), note, actor
    row.save()
    audit.record(
        actor,
        AuditAction.FREQUENCY_SET,
        row,
        region=county,
        before=before,
        after={"tag": found.name, "period": period, "since": day.isoformat(), "active": row.active, "note": note},
    )
    return row


# -- visits ---------------------------------------------------------------------------------------------------------


@transaction.atomic
def visit_record(
    *,
    actor,
    household,
    visited_on,
    found,
    how=How.HOME,
    problem=False,
    follow_up="",
    person=None,
    photos=(),
    client_key="",
    now=None,
) -> Visit:
    """A visit to ``household`` on ``visited_on`` (today or within the last 60 days, never a day to come). The
    same ``client_key`` again (a form resent by the phone's offline queue) returns the visit already stored."""
    from registry.models import Household, Person

    client_key = (client_key or "").strip()[:64]
    if client_key:
        existing = Visit.objects.filter(by=actor, client_key=client_key).first()
        if existing is not None:
            return existing

    hh_id = id_param(getattr(household, "pk", household))
    hh = Household.objects.filter(pk=hh_id).select_related("village").first() if hh_id else None
    if hh is None or not selectors.may_record(actor, hh):
        raise NotFound()
    today = timezone.localdate(now) if now else timezone.localdate()
    day = _day(visited_on, "visited_on")
    if day > today:
        raise DomainError(
            {
                "visited_on": _("A visit cannot be dated after today (%(today)s): record it once it has happened.")
                % {"today": today.isoformat()}
            }
        )
    if day < today - timedelta(days=MAX_DAYS_BACK):
        raise DomainError({"visited_on": _("Record a visit within %(days)s days of it.") % {"days": MAX_DAYS_BACK}})
    how = clean_value(Choice("how", "how", options=list(How.choices)), how or How.HOME)
    text = clean_text(found, "found", max_length=2000)
    follow_up = (
        clean_value(
            Choice("follow_up", "follow_up", options=[c for c in FollowUp.choices if c[0]], required=False), follow_up
        )
        or ""
    )
    problem = bool(problem) or bool(follow_up)
    photos = prepare_photos(photos, max_count=MAX_PHOTOS)
    visited = None
    if person not in (None, ""):
        person_id = id_param(getattr(person, "pk", person))
        visited = Person.objects.filter(pk=person_id, household=hh, is_deceased=False).first() if person_id else None
        if visited is None:
            raise DomainError({"person": _("Choose a living member of this household.")})
    visit = Visit(
        household=hh,
        person=visited,
        visited_on=day,
        how=how,
        found=text,
        problem=problem,
        follow_up=follow_up,
        by=actor,
        client_key=client_key,
    )
    visit.place_in(hh.village)
    try:
        with transaction.atomic():
            visit.save()
    except IntegrityError:
        existing = Visit.objects.filter(by=actor, client_key=client_key).first() if client_key else None
        if existing is not None:  # the same form, sent again meanwhile
            return existing
        raise DomainError(
            {"visited_on": _("You have recorded a visit to this household on that day already.")}
        ) from None
    for upload in photos:
        VisitPhoto.objects.create(
            visit=visit,
            file=upload,
            thumbnail=upload.thumbnail,
            name=os.path.basename(upload.name)[:200],
            content_type=upload.content_type,
            size=upload.size or 0,
        )
    audit.record(
        actor,
        AuditAction.VISIT_RECORD,
        visit,
        region=hh.village,
        after={
            "household": hh.pk,
            "visited_on": day.isoformat(),
            "how": how,
            "problem": problem,
            "follow_up": follow_up,
            "photos": len(photos),
        },
    )
    return visit


@transaction.atomic
def visit_link(*, actor, visit, reference) -> Visit:
    """Note on the visit the number of the case opened from it (an incident, a dispute, a service request)."""
    found = Visit.objects.select_for_update().filter(pk=getattr(visit, "pk", visit)).first()
    if found is None or not (found.by_id == actor.pk or selectors.may_record(actor, found.household)):
        raise NotFound()
    if not found.problem:
        raise DomainError(_("No problem was found on this visit: there is nothing to follow up."))
    reference = clean_text(reference, "reference", max_length=60)
    before = {"reference": found.reference}
    found.reference = reference
    found.save(update_fields=["reference"])
    audit.record(
        actor,
        AuditAction.VISIT_FOLLOW_UP,
        found,
        region=found.village,
        before=before,
        after={"reference": reference},
    )
    return found
