"""积分授信 (credit use of points with the household's consent), a domain of the points app.

services.py (partners, consents, the audited summary a partner reads), views.py, api.py. The models are in
points.models.credit. ``from points import credit`` gives the services.
"""

from points.credit.services import (  # noqa: F401
    PARTNER_KINDS,
    READ_ACTION,
    access_consent,
    access_partner,
    consent_grant,
    consent_revoke,
    consents_in_scope,
    consents_of_household,
    county_partners,
    credit_summary,
    household_for_cadre,
    may_manage_consents,
    partner_create,
    partner_of,
    partner_set_active,
    partners,
    partners_for_household,
    policy_counties,
    recent_reads,
    villager_household,
)
