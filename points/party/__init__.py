"""党建双项积分 (party points: 双项积分、三色预警、四方督评), a domain of the points app.

services.py (schemes from templates, warning lines, evaluations, the quarter and year tables), templates.py
(the two scheme templates), views.py, api.py, urls.py (also the credit pages, under /points/party/). The
models are in points.models.party. ``from points import party`` gives the services.
"""

from points.party.services import (  # noqa: F401
    BLUE,
    DEFAULT_BASE_SCORE,
    DEFAULT_LINES,
    DEFAULT_NAMES,
    EVALUATORS,
    LEVEL_ORDER,
    LINE_KEYS,
    MET,
    PARTY_KINDS,
    PARTY_RECORDERS,
    PARTY_SUBJECTS,
    RED,
    TWO_PLACES,
    WARNING_LABELS,
    YELLOW,
    QuarterCell,
    QuarterRow,
    YearRow,
    access_party_scheme,
    check_warning_lines,
    classify,
    combined,
    counted_quarters,
    evaluation_save,
    evaluations_save,
    evaluator_levels,
    lines_of,
    party_scheme_create,
    party_schemes,
    quarter_table,
    warning_counts,
    warning_lines_set,
    year_table,
)
