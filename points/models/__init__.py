"""The points system (积分制): schemes, versioned rule books, claims under review, the append-only
ledger, quarterly publications, appeals, red/black lists and the points shop.

Money-like numbers are ``Decimal`` with two places. A subject is a household, a person, an
organization or a party branch; ``subject_key`` ("h:12", "p:7", "o:3", "b:2") groups the ledger by
subject whatever its kind.

One module per domain (schemes, ledger, lists, shop, party, credit; rollups beside the ledger), all of the
points app; every model is imported from here.
"""

from points.models.credit import (  # noqa: F401
    Consent,
    CreditPartner,
)
from points.models.ledger import (  # noqa: F401
    DEFAULT_APPEAL_ANSWER_DAYS,
    Appeal,
    AppealStatus,
    Claim,
    ClaimSource,
    ClaimStatus,
    CountyPointsSettings,
    EntryKind,
    Honour,
    LedgerEntry,
    Publication,
    QuarterSignoff,
    SubjectRow,
)
from points.models.lists import (  # noqa: F401
    ConsequenceType,
    ListKind,
    ListMethod,
    ListRule,
    Mentorship,
)
from points.models.party import (  # noqa: F401
    Evaluation,
    EvaluatorLevel,
)
from points.models.rollups import HouseholdMonth  # noqa: F401
from points.models.schemes import (  # noqa: F401
    POINTS,
    CapPeriod,
    RuleBook,
    RuleCategory,
    RuleItem,
    Scheme,
    SchemeKind,
    SubjectKind,
)
from points.models.shop import (  # noqa: F401
    Good,
    Redemption,
    RedemptionStatus,
    Shop,
)
