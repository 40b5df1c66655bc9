"""Writes of the points system. Every function checks the actor's scope, runs in one transaction and
records an audit event; bad input raises DomainError with a Chinese message and writes nothing.

One module per topic (base, rulebooks, claims, ledger, appeals, quarters, lists, honours); everything is
imported from here.
"""

from django.utils import timezone  # noqa: F401 - tests patch points.services.timezone.localdate

from points.services.appeals import (  # noqa: F401
    appeal_answer_days,
    appeal_decide,
    appeal_file,
    county_settings_save,
)
from points.services.base import (  # noqa: F401
    DEFAULT_RECORDERS,
    _decimal,
    _require_in_village,
    _scheme_locked,
    subject_for_actor,
)
from points.services.claims import (  # noqa: F401
    _SCHEME_FOR_RECORDING_SQL,
    _cap_window,
    _check_claim,
    _existing_by_key,
    _resent_form_returns_first_entry,
    _roles_in_scope,
    _save_claim,
    _scheme_for_recording,
    claim_declare,
    claim_record,
    claims_bulk_record,
)
from points.services.honours import (  # noqa: F401
    HONOUR_TITLES,
    honour_grant,
)
from points.services.ledger import (  # noqa: F401
    _append,
    _subject_fields,
    claims_review,
    entry_reverse,
)
from points.services.lists import (  # noqa: F401
    consequence_save,
    list_rule_save,
    mentorship_update,
)
from points.services.quarters import (  # noqa: F401
    _mask,
    build_snapshot,
    publish_due,
    quarter_publish,
    quarter_signoff,
)
from points.services.rulebooks import (  # noqa: F401
    _adopting_decision,
    _check_star_rules,
    _copy_items,
    _draft,
    _fill_from_template,
    rule_item_save,
    rulebook_adopt,
    rulebook_create,
    rulebook_in_force,
    scheme_create,
)
