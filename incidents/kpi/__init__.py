"""考核指标: the performance figures of the incident loop and the grid workers' monthly assessment.

Every figure is a count of cases computed by the database (``COUNT(*) FILTER (WHERE …)`` grouped by township,
village, department or reporter), never by loading cases into Python; the definitions are in docs/incidents.md
("Performance figures (KPIs)", "Grid worker assessment") and on the pages. Reads are limited to what the actor
may see with ``Action.INCIDENT_KPI``; a grid worker sees their own assessment line only.

The package, by topic (the periods and rates are ``core.periods``): ``figures``
(the KPI table by township, village, department or grid worker), ``worker_assessment`` (the grid workers' monthly
assessment) and ``exports`` (both as .xlsx). Everything is importable from ``incidents.kpi`` as before.
"""

from __future__ import annotations

from core.periods import (
    CUSTOM,
    FIRST_YEAR,
    MAX_PERIOD_DAYS,
    MONTH,
    PERIOD_KINDS,
    QUARTER,
    YEAR,
    Period,
    Rate,
    month_period,
    parse_month,
    parse_period,
    quarter_period,
    year_period,
)
from incidents.kpi.exports import (
    ASSESSMENT_COLUMNS,
    KPI_COLUMNS,
    KPI_DEFINITIONS,
    XLSX_GROUPING,
    XLSX_NO_DEPARTMENT,
    XLSX_TOTAL,
    XLSX_UNIT,
    assessment_definitions,
    assessment_xlsx,
    kpi_xlsx,
)
from incidents.kpi.figures import (
    COUNTS,
    DEPARTMENT,
    GRID_WORKER,
    GROUP_COLUMN,
    GROUPINGS,
    SATISFIED,
    TOWNSHIP,
    VILLAGE,
    KpiRow,
    KpiTable,
    cases_in_scope,
    count_expressions,
    groupings_for,
    kpi_table,
    kpi_tables,
)
from incidents.kpi.worker_assessment import (
    CENT,
    DEFAULT_POLICY,
    VALID_STATES,
    Assessment,
    AssessmentLine,
    AssessmentPolicy,
    assessment,
    is_grid_worker,
    may_assess,
    own_assessment,
)

__all__ = [
    "MONTH",
    "QUARTER",
    "YEAR",
    "CUSTOM",
    "PERIOD_KINDS",
    "MAX_PERIOD_DAYS",
    "FIRST_YEAR",
    "Period",
    "month_period",
    "quarter_period",
    "year_period",
    "parse_month",
    "parse_period",
    "Rate",
    "TOWNSHIP",
    "VILLAGE",
    "DEPARTMENT",
    "GRID_WORKER",
    "GROUPINGS",
    "GROUP_COLUMN",
    "SATISFIED",
    "COUNTS",
    "count_expressions",
    "KpiRow",
    "KpiTable",
    "groupings_for",
    "cases_in_scope",
    "kpi_table",
    "kpi_tables",
    "AssessmentPolicy",
    "DEFAULT_POLICY",
    "CENT",
    "VALID_STATES",
    "AssessmentLine",
    "Assessment",
    "may_assess",
    "is_grid_worker",
    "assessment",
    "own_assessment",
    "XLSX_GROUPING",
    "XLSX_UNIT",
    "XLSX_TOTAL",
    "XLSX_NO_DEPARTMENT",
    "KPI_COLUMNS",
    "KPI_DEFINITIONS",
    "kpi_xlsx",
    "ASSESSMENT_COLUMNS",
    "assessment_definitions",
    "assessment_xlsx",
]
