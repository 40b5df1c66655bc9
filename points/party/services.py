"""Party points (双项积分、三色预警、四方督评, seed 001 篇四 2): services and selectors.

How this module reads the seed
------------------------------
- 双项积分: two kinds of scheme, one scoring 农村党员 (subjects: residents who are party members), one scoring
  农村（社区）党组织 (subjects: the village's party branches). Their rule books start from
  ``points.party.templates``; entries are recorded, reviewed and kept in the ordinary points ledger.
- 三色预警 ("每季度 … 由低到高对应划出红色提醒线、黄色提质线、蓝色提升线进行预警, 作出提醒、提质、提升的相应安排"):
  each scheme carries three lines, red < yellow < blue. A subject's quarterly score (``points.standings``:
  base score + points of the quarter) is compared with them:
    score < red            → 红色提醒 (remind: talk with the member or branch),
    red  <= score < yellow → 黄色提质 (improve quality),
    yellow <= score < blue → 蓝色提升 (raise the level),
    score >= blue          → 达标 (meets the standard: nothing to arrange).
  A score exactly on a line is not below it, so it belongs to the colour above the line.
- 季度小结和年度总评: the yearly total used for awards is the sum of the quarterly scores of the year (each
  quarter is scored from the base score, like the quarterly 小结); for the running year only the quarters
  that have begun count. Subjects are ranked by it (ties share the rank). A subject with a 一票否决 entry in
  the year that has not been corrected is marked as vetoed: not eligible for awards whatever its total.
- 四方督评 ("县督县评、乡督乡评、村督村评、民督民评"): each quarter, one evaluation per level per subject, 0–100.
  County level: a county official or administrator of the scheme's county; township level: a township
  official of its township; village level: a village cadre of its village; villagers' level (民督民评): entered
  by a village cadre from the tally of a democratic appraisal (民主测评), whose comment must say which one.
  The quarter's combined evaluation is the plain average of the levels entered so far (missing levels are
  left out, not counted as zero); the yearly evaluation is the average of the quarters' combined values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import audit, scope
from core.errors import DomainError, NotFound, PermissionDenied
from core.roles import Action, Role
from points import services
from points import standings as calc
from points.models import (
    EntryKind,
    Evaluation,
    EvaluatorLevel,
    LedgerEntry,
    RuleCategory,
    RuleItem,
    Scheme,
    SchemeKind,
    SubjectKind,
)
from points.party.templates import PARTY_TEMPLATES
from points.subjects import subjects_of_scheme

PARTY_SUBJECTS = {SchemeKind.PARTY_MEMBER: SubjectKind.PERSON, SchemeKind.PARTY_BRANCH: SubjectKind.PARTY_BRANCH}
PARTY_KINDS = tuple(PARTY_SUBJECTS)
DEFAULT_BASE_SCORE = Decimal("60")
DEFAULT_NAMES = {SchemeKind.PARTY_MEMBER: "党员积分", SchemeKind.PARTY_BRANCH: "党支部积分"}
DEFAULT_LINES = {
    SchemeKind.PARTY_MEMBER: {"red": 65, "yellow": 75, "blue": 85},
    SchemeKind.PARTY_BRANCH: {"red": 70, "yellow": 80, "blue": 90},
}
PARTY_RECORDERS = [Role.VILLAGE_CADRE, Role.REVIEWER]
LINE_KEYS = ("red", "yellow", "blue")
TWO_PLACES = Decimal("0.01")


RED, YELLOW, BLUE, MET = "red", "yellow", "blue", "met"
WARNING_LABELS = {
    RED: gettext_lazy("Red: reminder"),
    YELLOW: gettext_lazy("Yellow: improve quality"),
    BLUE: gettext_lazy("Blue: raise the level"),
    MET: gettext_lazy("Meets the standard"),
}

# Who may enter which level of 四方督评: (level of the grant, roles), the grant's region must be the
# scheme's county / township / village.
EVALUATORS = {
    EvaluatorLevel.COUNTY: ("county", {Role.COUNTY_ADMIN, Role.COUNTY_OFFICIAL}),
    EvaluatorLevel.TOWNSHIP: ("township", {Role.TOWNSHIP_OFFICIAL}),
    EvaluatorLevel.VILLAGE: ("village", {Role.VILLAGE_CADRE}),
    EvaluatorLevel.VILLAGERS: ("village", {Role.VILLAGE_CADRE}),
}
LEVEL_ORDER = [EvaluatorLevel.COUNTY, EvaluatorLevel.TOWNSHIP, EvaluatorLevel.VILLAGE, EvaluatorLevel.VILLAGERS]


# -- three-colour warning -----------------------------------------------------------------------------------


def _number(value, field_name: str) -> Decimal:
    try:
        result = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError({field_name: _("Enter a number.")}) from None
    if not result.is_finite() or abs(result) >= Decimal("100000"):
        raise DomainError({field_name: _("Enter a number.")})
    return result.quantize(TWO_PLACES)


def check_warning_lines(lines) -> dict:
    """{"red": x, "yellow": y, "blue": z} with red < yellow < blue, as numbers for the JSON field."""
    if not isinstance(lines, dict):
        raise DomainError({"warning_lines": _("Give the red, yellow and blue lines.")})
    errors, values = {}, {}
    for key in LINE_KEYS:
        if lines.get(key) in (None, ""):
            errors[key] = _("This line is required.")
            continue
        try:
            values[key] = _number(lines[key], key)
        except DomainError as exc:
            errors.update(exc.message_dict)
    if not errors and not values["red"] < values["yellow"] < values["blue"]:
        errors["warning_lines"] = _(
            "The lines go from low to high: red (reminder) below yellow (improve quality) below blue (raise the level)."
        )
    if errors:
        raise DomainError(errors)
    return {k: float(v) if v != v.to_integral_value() else int(v) for k, v in values.items()}


def lines_of(scheme: Scheme) -> dict[str, Decimal] | None:
    """The scheme's lines as Decimals, or None when they are missing or malformed (no classification)."""
    raw = scheme.warning_lines or {}
    try:
        lines = {k: Decimal(str(raw[k])) for k in LINE_KEYS}
    except (KeyError, InvalidOperation, TypeError, ValueError):
        return None
    if not lines["red"] < lines["yellow"] < lines["blue"]:
        return None
    return lines


def classify(score: Decimal, lines: dict | None) -> str | None:
    """The warning colour of a quarterly score; a score exactly on a line belongs to the colour above it."""
    if not lines:
        return None
    score = Decimal(str(score))
    if score < Decimal(str(lines["red"])):
        return RED
    if score < Decimal(str(lines["yellow"])):
        return YELLOW
    if score < Decimal(str(lines["blue"])):
        return BLUE
    return MET


@transaction.atomic
def warning_lines_set(*, actor, scheme: Scheme, lines: dict) -> Scheme:
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    if not scope.in_scope(actor, Action.POINTS_CONFIGURE, scheme):
        raise NotFound()
    if scheme.kind not in PARTY_KINDS:
        raise DomainError(_("Three-colour warning lines belong to party points schemes."))
    before = dict(scheme.warning_lines or {})
    scheme.warning_lines = check_warning_lines(lines)
    scheme.save(update_fields=["warning_lines"])
    audit.record(
        actor,
        "points.party.warning_lines",
        scheme,
        before={"warning_lines": before},
        after={"warning_lines": scheme.warning_lines},
    )
    return scheme


# -- creating a party scheme with its template rule book ------------------------------------------------


@transaction.atomic
def party_scheme_create(
    *,
    actor,
    village,
    kind: str,
    name: str = "",
    base_score=None,
    warning_lines: dict | None = None,
    effective_from: date | None = None,
    decision_ref: str = "",
) -> Scheme:
    """A party-member or party-branch scheme with its template rule book in one call.

    The rule book is a draft unless ``decision_ref`` names the meeting decision that adopts it; it applies
    from 1 January of the running year unless ``effective_from`` says otherwise.
    """
    if kind not in PARTY_SUBJECTS:
        raise DomainError({"kind": _("Choose party member points or party branch points.")})
    lines = check_warning_lines(DEFAULT_LINES[kind] if warning_lines is None else warning_lines)
    template = PARTY_TEMPLATES[kind]
    scheme = services.scheme_create(
        actor=actor,
        village=village,
        name=(name or "").strip() or DEFAULT_NAMES[kind],
        kind=kind,
        subject_kind=PARTY_SUBJECTS[kind],
        base_score=DEFAULT_BASE_SCORE if base_score in (None, "") else base_score,
        warning_lines=lines,
    )
    today = timezone.localdate()
    book = services.rulebook_create(
        actor=actor,
        scheme=scheme,
        title=f"{village.name}{template['title']}",
        effective_from=effective_from or date(today.year, 1, 1),
        template=None,
    )
    services._fill_from_template(book, template)
    veto_name = template.get("negative_category")
    if veto_name:
        RuleCategory.objects.filter(rulebook=book, name="负面清单").update(name=veto_name)
    RuleItem.objects.filter(rulebook=book).update(recorder_roles=list(PARTY_RECORDERS))
    if (decision_ref or "").strip():
        services.rulebook_adopt(actor=actor, rulebook=book, decision_ref=decision_ref)
    audit.record(
        actor,
        "points.party.scheme.create",
        scheme,
        after={"template": kind, "rulebook": book.pk, "items": book.items.count(), "adopted": book.is_adopted},
    )
    return scheme


# -- 四方督评 -------------------------------------------------------------------------------------------------


def evaluator_levels(actor, scheme: Scheme) -> list[str]:
    """The levels of 四方督评 the actor may enter for this scheme."""
    ids = {"county": scheme.county_id, "township": scheme.township_id, "village": scheme.village_id}
    grants = scope.grants(actor)
    out = []
    for level in LEVEL_ORDER:
        grant_level, roles = EVALUATORS[level]
        if any(g.role in roles and g.level == grant_level and g.target_id == ids[grant_level] for g in grants):
            out.append(level)
    return out


def _check_quarter(year, quarter) -> tuple[int, int]:
    try:
        year, quarter = int(year), int(quarter)
    except (TypeError, ValueError):
        raise DomainError({"quarter": _("Choose a quarter.")}) from None
    if quarter not in (1, 2, 3, 4) or not 2000 <= year <= 2100:
        raise DomainError({"quarter": _("Choose a quarter.")})
    if calc.period_bounds(year, quarter)[0] > timezone.localdate():
        raise DomainError({"quarter": _("This quarter has not begun yet.")})
    return year, quarter


def _check_score(value) -> Decimal:
    score = _number(value, "score")
    if not Decimal("0") <= score <= Decimal("100"):
        raise DomainError({"score": _("The evaluation is a score from 0 to 100.")})
    return score


def _evaluation_checks(actor, scheme: Scheme, level: str) -> None:
    if scheme.kind not in PARTY_KINDS:
        raise DomainError(_("Evaluations belong to party points schemes."))
    if level not in EvaluatorLevel.values:
        raise DomainError({"level": _("Choose who evaluates.")})
    if level not in evaluator_levels(actor, scheme):
        if not evaluator_levels(actor, scheme) and not scope.in_scope(actor, Action.POINTS_VIEW, scheme):
            raise NotFound()
        raise PermissionDenied()


@transaction.atomic
def evaluations_save(*, actor, scheme: Scheme, year, quarter, level: str, rows: list[tuple[str, object, str]]):
    """Enter one level's evaluations of a quarter for several subjects; any bad row refuses them all.

    ``rows``: (subject key, score 0–100, comment). A subject already evaluated at this level for this
    quarter is refused: the evaluation is entered once.
    """
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    _evaluation_checks(actor, scheme, level)
    year, quarter = _check_quarter(year, quarter)
    if not rows:
        raise DomainError(_("Enter at least one score."))
    subjects = {s.key: s for s in subjects_of_scheme(scheme)}
    done = set(
        Evaluation.objects.filter(scheme=scheme, year=year, quarter=quarter, level=level).values_list(
            "subject_key", flat=True
        )
    )
    problems, prepared, seen = [], [], set()
    for key, raw_score, comment in rows:
        subject = subjects.get(key)
        label = subject.label if subject else key
        try:
            if subject is None:
                raise DomainError(_("not a subject of this scheme."))
            if key in done or key in seen:
                raise DomainError(_("already evaluated at this level for this quarter."))
            score = _check_score(raw_score)
            comment = (comment or "").strip()[:300]
            if level == EvaluatorLevel.VILLAGERS and not comment:
                raise DomainError(
                    _("say which democratic appraisal (民主测评) the score comes from: its date and the ballots.")
                )
        except DomainError as exc:
            problems.append(_("%(who)s: %(what)s") % {"who": label, "what": " ".join(exc.messages)})
            continue
        seen.add(key)
        prepared.append(
            Evaluation(
                scheme=scheme,
                subject_key=key,
                subject_label=label[:100],
                year=year,
                quarter=quarter,
                level=level,
                score=score,
                comment=comment,
                evaluated_by=actor,
            )
        )
    if problems:
        raise DomainError(problems)
    saved = []
    for evaluation in prepared:
        try:
            with transaction.atomic():
                evaluation.save()
        except IntegrityError:
            raise DomainError(
                _("%(who)s was evaluated at this level meanwhile; reload the page.") % {"who": evaluation.subject_label}
            ) from None
        audit.record(
            actor,
            "points.party.evaluate",
            scheme,
            target_label=f"{evaluation.subject_label} {year}Q{quarter}",
            after={
                "evaluation": evaluation.pk,
                "subject": evaluation.subject_key,
                "year": year,
                "quarter": quarter,
                "level": level,
                "score": str(evaluation.score),
                "comment": evaluation.comment,
            },
        )
        saved.append(evaluation)
    return saved


def evaluation_save(
    *, actor, scheme: Scheme, subject_key: str, year, quarter, level: str, score, comment=""
) -> Evaluation:
    """One evaluation (see ``evaluations_save``); errors name the field where they can."""
    scheme_row = Scheme.objects.get(pk=scheme.pk)
    _evaluation_checks(actor, scheme_row, level)
    _check_quarter(year, quarter)
    _check_score(score)
    return evaluations_save(
        actor=actor, scheme=scheme, year=year, quarter=quarter, level=level, rows=[(subject_key, score, comment)]
    )[0]


def combined(evaluations) -> Decimal | None:
    """The plain average of the levels present, to two places; None when no level has evaluated."""
    scores = [Decimal(e.score if hasattr(e, "score") else e) for e in evaluations]
    if not scores:
        return None
    return (sum(scores) / len(scores)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


# -- selectors ------------------------------------------------------------------------------------------------


def party_schemes(actor) -> QuerySet[Scheme]:
    return scope.scope_filter(
        actor, Action.POINTS_VIEW, Scheme.objects.filter(kind__in=PARTY_KINDS).select_related("village")
    ).order_by("village__code", "name")


def access_party_scheme(actor, scheme_id, action: str = Action.POINTS_VIEW) -> Scheme:
    try:
        scheme = Scheme.objects.select_related("village", "township").get(pk=scheme_id, kind__in=PARTY_KINDS)
    except (Scheme.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not scope.in_scope(actor, action, scheme):
        raise NotFound()
    return scheme


class Warned:
    """A row or cell with a warning colour (``warning``: red, yellow, blue or None)."""

    @property
    def warning_label(self) -> str:
        return str(WARNING_LABELS[self.warning]) if self.warning else ""


@dataclass
class QuarterRow(Warned):
    rank: int
    key: str
    label: str
    score: Decimal
    warning: str | None
    evaluations: dict[str, Evaluation] = field(default_factory=dict)
    combined: Decimal | None = None
    vetoed: bool = False
    branch: str = ""

    @property
    def evaluation_list(self) -> list[tuple[str, Evaluation | None]]:
        """(level label, evaluation or None) in the order county, township, village, villagers."""
        return [(EvaluatorLevel(level).label, self.evaluations.get(level)) for level in LEVEL_ORDER]


@dataclass
class QuarterCell(Warned):
    quarter: int
    score: Decimal
    warning: str | None
    combined: Decimal | None


@dataclass
class YearRow:
    rank: int
    key: str
    label: str
    branch: str
    quarters: list[QuarterCell]
    total: Decimal
    evaluation: Decimal | None
    vetoed: bool
    red_quarters: int = 0


def _vetoed_keys(scheme: Scheme, start: date, end: date) -> set[str]:
    """Subjects with an uncorrected 一票否决 (negative-list) entry in the period."""
    return set(
        LedgerEntry.objects.filter(
            scheme=scheme,
            kind=EntryKind.AWARD,
            item__negative_list=True,
            occurred_on__gte=start,
            occurred_on__lte=end,
            reversed_by__isnull=True,
        ).values_list("subject_key", flat=True)
    )


def _branches(scheme: Scheme) -> dict[str, str]:
    """subject key → the member's branch name, for party-member schemes."""
    if scheme.kind != SchemeKind.PARTY_MEMBER:
        return {}
    from registry.models import PartyMember

    return {
        f"p:{person_id}": name
        for person_id, name in PartyMember.objects.filter(village_id=scheme.village_id).values_list(
            "person_id", "branch__name"
        )
    }


def _evaluations(scheme: Scheme, year: int, quarter: int | None = None) -> dict[tuple[str, int], dict[str, Evaluation]]:
    qs = Evaluation.objects.filter(scheme=scheme, year=year).select_related("evaluated_by")
    if quarter:
        qs = qs.filter(quarter=quarter)
    out: dict[tuple[str, int], dict[str, Evaluation]] = {}
    for e in qs:
        out.setdefault((e.subject_key, e.quarter), {})[e.level] = e
    return out


def quarter_table(scheme: Scheme, year: int, quarter: int) -> list[QuarterRow]:
    """Each subject's quarterly score, warning colour, the four evaluations and their combined value."""
    lines = lines_of(scheme)
    evaluations = _evaluations(scheme, year, quarter)
    vetoed = _vetoed_keys(scheme, *calc.period_bounds(year, quarter))
    branches = _branches(scheme)
    rows = []
    for s in calc.standings(scheme, year, quarter):
        evals = evaluations.get((s.key, quarter), {})
        rows.append(
            QuarterRow(
                rank=s.rank,
                key=s.key,
                label=s.label,
                score=s.score,
                warning=classify(s.score, lines),
                evaluations=evals,
                combined=combined(evals.values()),
                vetoed=s.key in vetoed,
                branch=branches.get(s.key, ""),
            )
        )
    return rows


def counted_quarters(year: int, today: date | None = None) -> list[int]:
    """The quarters of a year that count for its total: all four for a past year, those begun so far."""
    today = today or timezone.localdate()
    return [q for q in (1, 2, 3, 4) if calc.period_bounds(year, q)[0] <= today]


def year_table(scheme: Scheme, year: int, today: date | None = None) -> list[YearRow]:
    """年度总评: the sum of the quarterly scores, ranked, with each quarter's colour and evaluation."""
    quarters = counted_quarters(year, today)
    lines = lines_of(scheme)
    evaluations = _evaluations(scheme, year)
    vetoed = _vetoed_keys(scheme, *calc.period_bounds(year))
    branches = _branches(scheme)
    labels: dict[str, str] = {}
    cells: dict[str, list[QuarterCell]] = {}
    if quarters:
        for q in quarters:
            for s in calc.standings(scheme, year, q):
                labels[s.key] = s.label
                c = combined(evaluations.get((s.key, q), {}).values())
                cells.setdefault(s.key, []).append(QuarterCell(q, s.score, classify(s.score, lines), c))
    else:
        for s in subjects_of_scheme(scheme):
            labels[s.key] = s.label
            cells[s.key] = []
    totals = [(key, sum((c.score for c in cells[key]), Decimal("0"))) for key in sorted(labels, key=labels.get)]
    rows = []
    for position, key, total in calc.rank(totals):
        per_quarter = [c.combined for c in cells[key] if c.combined is not None]
        rows.append(
            YearRow(
                rank=position,
                key=key,
                label=labels[key],
                branch=branches.get(key, ""),
                quarters=cells[key],
                total=total,
                evaluation=combined(per_quarter),
                vetoed=key in vetoed,
                red_quarters=sum(1 for c in cells[key] if c.warning == RED),
            )
        )
    return rows


def warning_counts(rows) -> dict[str, int]:
    counts = {RED: 0, YELLOW: 0, BLUE: 0, MET: 0}
    for row in rows:
        if row.warning:
            counts[row.warning] += 1
    return counts
