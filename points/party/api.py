"""Party points endpoints under /api/points (党建双项积分): the same services and selectors as the pages."""

from datetime import date
from decimal import Decimal
from typing import Annotated

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Router, Schema

from core import scope
from core.api_types import Id, Points, Quarter, Score100, Year
from core.errors import DomainError
from core.roles import Action
from points import party
from points import standings as calc
from points.api import new_row_village
from points.models import EvaluatorLevel

# A warning line is a score (points.party.services checks |line| < 100000).
WarningLine = Annotated[Decimal, Field(ge=Decimal("-99999.99"), le=Decimal("99999.99"))]

router = Router(tags=["points"])


# -- schemas -------------------------------------------------------------------------------------------------


class PartyWarningLines(Schema):
    red: WarningLine
    yellow: WarningLine
    blue: WarningLine


class PartySchemeOut(Schema):
    id: int
    name: str
    kind: str
    village_id: int
    village_name: str
    base_score: Decimal
    warning_lines: dict

    @staticmethod
    def resolve_village_name(scheme) -> str:
        return scheme.village.name

    @staticmethod
    def resolve_warning_lines(scheme) -> dict:
        return scheme.warning_lines or {}


class PartySchemeIn(Schema):
    village_id: Id
    kind: str
    name: str = ""
    base_score: Points | None = None
    warning_lines: PartyWarningLines | None = None
    effective_from: date | None = None
    decision_ref: str = ""


class PartyEvaluationOut(Schema):
    level: str
    score: Decimal
    comment: str


class PartyQuarterRowOut(Schema):
    rank: int
    subject_key: str
    label: str
    branch: str
    score: Decimal
    warning: str | None
    vetoed: bool
    evaluations: list[PartyEvaluationOut]
    combined: Decimal | None


class PartyQuarterOut(Schema):
    scheme_id: int
    year: int
    quarter: int
    warning_lines: dict
    rows: list[PartyQuarterRowOut]


class PartyQuarterCellOut(Schema):
    quarter: int
    score: Decimal
    warning: str | None
    combined: Decimal | None


class PartyYearRowOut(Schema):
    rank: int
    subject_key: str
    label: str
    branch: str
    quarters: list[PartyQuarterCellOut]
    total: Decimal
    evaluation: Decimal | None
    vetoed: bool


class PartyYearOut(Schema):
    scheme_id: int
    year: int
    rows: list[PartyYearRowOut]


class PartyEvaluationIn(Schema):
    subject_key: str
    year: Year
    quarter: Quarter
    level: str
    score: Score100
    comment: str = ""


class PartyEvaluationSaved(Schema):
    id: int
    subject_key: str
    year: int
    quarter: int
    level: str
    score: Decimal


# -- helpers -------------------------------------------------------------------------------------------------


def _period(year: int | None, quarter: int | None) -> tuple[int, int]:
    today = timezone.localdate()
    year = year or today.year
    quarter = quarter or (calc.quarter_of(today) if year == today.year else 4)
    if quarter not in (1, 2, 3, 4):
        raise DomainError({"quarter": _("Choose a quarter.")})
    return year, quarter


# -- party points --------------------------------------------------------------------------------------------


@router.get("/party/schemes", response=list[PartySchemeOut], summary=gettext_lazy("Party points schemes in scope"))
def party_scheme_list(request):
    scope.require(request.user, Action.POINTS_VIEW)
    return list(party.party_schemes(request.user))


@router.post(
    "/party/schemes",
    response={201: PartySchemeOut},
    summary=gettext_lazy("Create a party points scheme from its template"),
)
def party_scheme_create(request, payload: PartySchemeIn):
    village = new_row_village(request.user, Action.POINTS_CONFIGURE, payload.village_id)
    return 201, party.party_scheme_create(actor=request.user, village=village, **payload.dict(exclude={"village_id"}))


@router.put(
    "/party/schemes/{int:scheme_id}/warning-lines",
    response=PartySchemeOut,
    summary=gettext_lazy("Set the warning lines"),
)
def party_lines_set(request, scheme_id: Id, payload: PartyWarningLines):
    scheme = party.access_party_scheme(request.user, scheme_id, Action.POINTS_CONFIGURE)
    return party.warning_lines_set(actor=request.user, scheme=scheme, lines=payload.dict())


@router.get(
    "/party/schemes/{int:scheme_id}/quarter",
    response=PartyQuarterOut,
    summary=gettext_lazy("A quarter: scores, colours, evaluations"),
)
def party_quarter(request, scheme_id: Id, year: Year | None = None, quarter: Quarter | None = None):
    scheme = party.access_party_scheme(request.user, scheme_id)
    year, quarter = _period(year, quarter)
    rows = [
        {
            "rank": r.rank,
            "subject_key": r.key,
            "label": r.label,
            "branch": r.branch,
            "score": r.score,
            "warning": r.warning,
            "vetoed": r.vetoed,
            "evaluations": [
                {"level": e.level, "score": e.score, "comment": e.comment}
                for level in party.LEVEL_ORDER
                if (e := r.evaluations.get(level)) is not None
            ],
            "combined": r.combined,
        }
        for r in party.quarter_table(scheme, year, quarter)
    ]
    return {
        "scheme_id": scheme.pk,
        "year": year,
        "quarter": quarter,
        "warning_lines": scheme.warning_lines,
        "rows": rows,
    }


@router.get(
    "/party/schemes/{int:scheme_id}/year",
    response=PartyYearOut,
    summary=gettext_lazy("Yearly appraisal: totals for awards"),
)
def party_year(request, scheme_id: Id, year: Year | None = None):
    scheme = party.access_party_scheme(request.user, scheme_id)
    year = year or timezone.localdate().year
    rows = [
        {
            "rank": r.rank,
            "subject_key": r.key,
            "label": r.label,
            "branch": r.branch,
            "quarters": [
                {"quarter": c.quarter, "score": c.score, "warning": c.warning, "combined": c.combined}
                for c in r.quarters
            ],
            "total": r.total,
            "evaluation": r.evaluation,
            "vetoed": r.vetoed,
        }
        for r in party.year_table(scheme, year)
    ]
    return {"scheme_id": scheme.pk, "year": year, "rows": rows}


@router.post(
    "/party/schemes/{int:scheme_id}/evaluations",
    response={201: PartyEvaluationSaved},
    summary=gettext_lazy("Enter one evaluation"),
)
def party_evaluation_create(request, scheme_id: Id, payload: PartyEvaluationIn):
    scheme = party.access_party_scheme(request.user, scheme_id)
    if payload.level not in EvaluatorLevel.values:
        raise DomainError({"level": _("Choose who evaluates.")})
    return 201, party.evaluation_save(actor=request.user, scheme=scheme, **payload.dict())
