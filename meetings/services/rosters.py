"""Rosters: representatives, the two committees, the 党群议事会 and collective bodies."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.errors import DomainError
from core.fields import clean_text as _text
from meetings import rules
from meetings.models import Body, RosterMember
from meetings.services._common import _day, _lock, _village
from registry.models import Person

# -- rosters --------------------------------------------------------------------------------------------------


def roster_add(*, actor, village, body, person, post="", households=None, since=None) -> RosterMember:
    """Put a resident on a roster from ``since`` (today by default; an earlier day records an existing term)."""
    _village(actor, village)
    since = timezone.localdate() if since in (None, "") else _day(since, "since")
    if since > timezone.localdate():
        raise DomainError({"since": _("A roster entry starts today or earlier.")})
    if body not in Body.values:
        raise DomainError({"body": _("Choose the roster.")})
    person = person if isinstance(person, Person) else Person.objects.filter(pk=person).first()
    if person is None or person.village_id != village.pk:
        raise DomainError({"person": _("Choose a resident of this village.")})
    if person.is_deceased:
        raise DomainError({"person": _("This resident is recorded as deceased.")})
    if not rules.is_adult(person.birth_date, timezone.localdate()):
        raise DomainError({"person": _("Only residents aged 18 or over can be on a roster.")})
    post = _text(post, "post", max_length=50, required=False)
    if households in ("", None):
        households = None
    else:
        try:
            households = int(households)
        except (TypeError, ValueError):
            raise DomainError({"households": _("Give a whole number.")}) from None
        if not 1 <= households <= 500:
            raise DomainError({"households": _("Give a number between 1 and 500.")})
    with transaction.atomic():
        if RosterMember.objects.filter(body=body, person=person, until__isnull=True).exists():
            raise DomainError({"person": _("%(name)s is already on this roster.") % {"name": person.name}})
        member = RosterMember(body=body, person=person, post=post, households=households, since=since, added_by=actor)
        member.place_in(village)
        try:
            with transaction.atomic():
                member.save()
        except IntegrityError:
            raise DomainError({"person": _("%(name)s is already on this roster.") % {"name": person.name}}) from None
        audit.record(
            actor, "meetings.roster.add", member, after=audit.snapshot(member, ["body", "person", "post", "households"])
        )
    return member


def roster_remove(*, actor, member) -> RosterMember:
    with transaction.atomic():
        locked = _lock(actor, member, model=RosterMember)
        if locked.until is not None:
            raise DomainError(_("Already removed from the roster."))
        locked.until = timezone.localdate()
        locked.save(update_fields=["until"])
        audit.record(actor, "meetings.roster.remove", locked, after={"until": locked.until.isoformat()})
    return locked
