"""Red and black lists: the county's consequences, a scheme's list rules, mentorships (1对1联系帮扶)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, scope
from core.errors import DomainError, NotFound
from core.roles import Action
from points.models import (
    ConsequenceType,
    ListKind,
    ListMethod,
    ListRule,
    Mentorship,
    Scheme,
)
from points.services.base import _decimal, _scheme_locked
from regions.models import Region, RegionLevel

# -- lists and their consequences -----------------------------------------------------------------------


@transaction.atomic
def consequence_save(*, actor, county: Region, name: str, forbidden: bool, legal_note: str = "") -> ConsequenceType:
    if county.level != RegionLevel.COUNTY or not scope.region_in_scope(actor, Action.POINTS_POLICY, county):
        raise NotFound()
    name = (name or "").strip()
    if not name:
        raise DomainError({"name": _("The name is required.")})
    consequence, created = ConsequenceType.objects.get_or_create(
        county=county, name=name, defaults={"forbidden": forbidden, "legal_note": legal_note}
    )
    if not created:
        consequence.forbidden, consequence.legal_note = forbidden, legal_note
        consequence.save(update_fields=["forbidden", "legal_note"])
    audit.record(
        actor,
        "points.consequence.save",
        consequence,
        region=county,
        after={"name": name, "forbidden": forbidden, "legal_note": legal_note},
    )
    return consequence


@transaction.atomic
def list_rule_save(
    *,
    actor,
    scheme: Scheme,
    kind: str,
    method: str,
    value,
    consequences: list[ConsequenceType],
    consequence_text: str = "",
    duration_quarters: int = 1,
    rule: ListRule | None = None,
) -> ListRule:
    scheme = _scheme_locked(actor, Action.POINTS_CONFIGURE, scheme)
    errors = {}
    if kind not in ListKind.values:
        errors["kind"] = _("Choose red or black list.")
    if method not in ListMethod.values:
        errors["method"] = _("Choose how subjects are put on the list.")
    number = _decimal(value, "value")
    if method in (ListMethod.TOP_SHARE, ListMethod.BOTTOM_SHARE) and not 0 < number <= 50:
        errors["value"] = _("A share must be between 0 and 50 per cent.")
    forbidden = [c.name for c in consequences if c.forbidden or c.county_id != scheme.county_id]
    if forbidden:
        errors["consequences"] = _(
            "The county does not allow these consequences (they touch statutory entitlements): %(names)s"
        ) % {"names": "、".join(forbidden)}
    if not 1 <= int(duration_quarters or 0) <= 4:
        errors["duration_quarters"] = _("A list lasts one to four quarters.")
    if errors:
        raise DomainError(errors)
    if rule is None:
        rule = ListRule(scheme=scheme)
    elif rule.scheme_id != scheme.pk:
        raise NotFound()
    rule.kind, rule.method, rule.value = kind, method, number
    rule.consequence_text, rule.duration_quarters = (consequence_text or "").strip(), duration_quarters
    rule.save()
    rule.consequences.set(consequences)
    audit.record(
        actor,
        "points.list_rule.save",
        scheme,
        after={
            "rule": rule.pk,
            "kind": kind,
            "method": method,
            "value": str(number),
            "consequences": [c.name for c in consequences],
        },
    )
    return rule


@transaction.atomic
def mentorship_update(
    *,
    actor,
    mentorship: Mentorship,
    mentor=None,
    visit_note: str = "",
    visited_on: date | None = None,
    upgraded: bool = False,
) -> Mentorship:
    """Assign the 1-to-1 mentor, log a visit (a dated line added to the notes; today when no date is given),
    and record the way back (转化升级)."""
    m = Mentorship.objects.select_for_update().select_related("scheme").get(pk=mentorship.pk)
    if not scope.in_scope(actor, Action.POINTS_CONFIGURE, m.scheme):
        raise NotFound()
    if mentor is not None and mentor.village_id != m.scheme.village_id:
        raise DomainError({"mentor": _("The mentor must live in the village.")})
    if mentor is not None:
        m.mentor = mentor
    note = (visit_note or "").strip()
    if note:
        line = f"{visited_on or timezone.localdate():%Y-%m-%d} {note}"
        m.notes = (f"{m.notes}\n{line}" if m.notes else line).strip()
    if upgraded and m.upgraded_on is None:
        m.upgraded_on = timezone.localdate()
    m.save()
    audit.record(
        actor,
        "points.mentorship.update",
        m.scheme,
        after={
            "mentorship": m.pk,
            "mentor": getattr(m.mentor, "pk", None),
            "upgraded_on": m.upgraded_on.isoformat() if m.upgraded_on else None,
        },
    )
    return m
