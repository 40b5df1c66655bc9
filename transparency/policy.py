"""The county's disclosure rules: its DisclosurePolicy row, or the defaults when it has none."""

from __future__ import annotations

from transparency.models import DisclosurePolicy


def policy_for(county) -> DisclosurePolicy:
    """The rules in force in ``county`` (a Region or its id); an unsaved row with the defaults when none is kept."""
    county_id = getattr(county, "pk", county)
    found = DisclosurePolicy.objects.filter(county_id=county_id).first()
    return found if found is not None else DisclosurePolicy(county_id=county_id)
