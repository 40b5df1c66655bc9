"""Points pages: thin translations of HTTP into selectors and services. One module per topic (schemes and
rule books, recording and review, standings and quarters, appeals, the lists and their mentorships, the grid's
monthly ledger); every view is imported from here. The public notice (no login) is points/public_views.py.
"""

from points.views.appeals import (  # noqa: F401
    appeal_detail,
    appeal_file,
    appeal_list,
    appeal_page,
    entry_reverse,
)
from points.views.grid_ledger import ledger, ledger_print, ledger_xlsx  # noqa: F401
from points.views.lists import list_rules, mentorship_detail, policy  # noqa: F401
from points.views.recording import (  # noqa: F401
    bulk_record,
    declare,
    record,
    record_household_search,
    review,
)
from points.views.schemes import (  # noqa: F401
    points_home,
    rulebook_create,
    rulebook_detail,
    scheme_create,
    scheme_detail,
)
from points.views.standings import (  # noqa: F401
    STANDINGS_PAGE_SIZE,
    county_ranking,
    honours,
    my_points,
    quarter,
    standings,
)
