"""Pages of party points (双项积分、三色预警、四方督评)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import scope
from core.errors import DomainError
from core.roles import Action
from core.views import api_twin, require_action, submit
from points import party
from points import standings as calc
from points.forms import choose_among
from points.models import EvaluatorLevel, SchemeKind
from regions import selectors as region_selectors

# -- forms -------------------------------------------------------------------------------------------------


class LinesForm(forms.Form):
    red = forms.DecimalField(label=gettext_lazy("Red line (reminder)"), max_digits=7, decimal_places=2)
    yellow = forms.DecimalField(label=gettext_lazy("Yellow line (improve quality)"), max_digits=7, decimal_places=2)
    blue = forms.DecimalField(label=gettext_lazy("Blue line (raise the level)"), max_digits=7, decimal_places=2)

    def lines(self) -> dict:
        return {k: self.cleaned_data[k] for k in party.LINE_KEYS}


class PartySchemeForm(LinesForm):
    village = forms.ModelChoiceField(label=gettext_lazy("Village"), queryset=None)
    kind = forms.ChoiceField(
        label=gettext_lazy("Scheme"),
        choices=[
            (SchemeKind.PARTY_MEMBER, gettext_lazy("Party member points (参加组织生活, 先锋模范作用, 一票否决)")),
            (
                SchemeKind.PARTY_BRANCH,
                gettext_lazy("Party branch points (基本制度坚持, 战斗堡垒作用, 党员群众评议评价, 一票否决)"),
            ),
        ],
    )
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("Leave empty for 党员积分 or 党支部积分."),
    )
    base_score = forms.DecimalField(
        label=gettext_lazy("Base score each quarter"), max_digits=7, decimal_places=2, initial=party.DEFAULT_BASE_SCORE
    )
    effective_from = forms.DateField(
        label=gettext_lazy("Rules apply from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    decision_ref = forms.CharField(
        label=gettext_lazy("Adopting decision"),
        max_length=200,
        required=False,
        help_text=gettext_lazy(
            "If the party branch meeting has already adopted the rules, name its decision; otherwise the rule "
            "book stays a draft you can edit and adopt later."
        ),
    )

    field_order = ["village", "kind", "name", "base_score", "red", "yellow", "blue", "effective_from", "decision_ref"]

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        choose_among(self.fields["village"], villages)
        for key in party.LINE_KEYS:
            self.fields[key].required = False
        self.fields["blue"].help_text = gettext_lazy(
            "Leave the three lines empty for the defaults: party members 65, 75, 85; party branches 70, 80, 90."
        )

    def lines(self) -> dict | None:
        """None (the kind's defaults) when all three are empty; a partial set is checked by the service."""
        values = {k: self.cleaned_data.get(k) for k in party.LINE_KEYS}
        return None if all(v is None for v in values.values()) else values

    def scheme_fields(self) -> dict:
        """What ``party_scheme_create`` takes: the fields as cleaned, the three lines as ``warning_lines``."""
        fields = {k: v for k, v in self.cleaned_data.items() if k not in party.LINE_KEYS}
        return {**fields, "warning_lines": self.lines()}


# -- helpers -----------------------------------------------------------------------------------------------


def _year(request) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or today.year)
    except ValueError:
        return today.year
    return year if 2000 <= year <= today.year else today.year


def _quarter(request, year: int) -> int:
    today = timezone.localdate()
    raw = request.GET.get("quarter") or request.POST.get("quarter") or ""
    quarter = int(raw) if raw in {"1", "2", "3", "4"} else (calc.quarter_of(today) if year == today.year else 4)
    if year == today.year:
        quarter = min(quarter, calc.quarter_of(today))
    return quarter


def _years():
    today = timezone.localdate()
    return range(today.year, today.year - 5, -1)


def _multi_branch(rows) -> bool:
    """Show each member's branch only when the village has more than one."""
    return len({r.branch for r in rows}) > 1


def _level_labels():
    return [(level, EvaluatorLevel(level).label) for level in party.LEVEL_ORDER]


# -- party points pages ------------------------------------------------------------------------------------


@login_required
@require_action(Action.POINTS_VIEW)
def party_home(request):
    today = timezone.localdate()
    quarter = calc.quarter_of(today)
    rows = []
    for scheme in party.party_schemes(request.user):
        table = party.quarter_table(scheme, today.year, quarter)
        rows.append({"scheme": scheme, "subjects": len(table), "counts": party.warning_counts(table)})
    return render(
        request,
        "points/party/home.html",
        {
            "rows": rows,
            "year": today.year,
            "quarter": quarter,
            "can_create": scope.can(request.user, Action.POINTS_CONFIGURE),
            "can_policy": scope.can(request.user, Action.POINTS_POLICY),
        },
    )


@login_required
@require_action(Action.POINTS_CONFIGURE)
@api_twin("POST /api/points/party/schemes")
def party_scheme_create(request):
    villages = region_selectors.villages(request.user, Action.POINTS_CONFIGURE)
    today = timezone.localdate()
    initial = {"kind": SchemeKind.PARTY_MEMBER, "effective_from": today.replace(month=1, day=1)}
    form = PartySchemeForm(request.POST or None, villages=villages, initial=initial)
    done = submit(
        request,
        form,
        lambda data: party.party_scheme_create(actor=request.user, **form.scheme_fields()),
        done=_("Party points scheme created with its template rule book."),
        to=lambda scheme: ("points:party_scheme", {"scheme_id": scheme.pk}),
    )
    return done or render(request, "points/party/scheme_form.html", {"form": form})


@login_required
@require_action(Action.POINTS_VIEW)
def party_scheme(request, scheme_id):
    """The quarter: each subject's score, warning colour, the four evaluations and the combined one."""
    scheme = party.access_party_scheme(request.user, scheme_id)
    year = _year(request)
    quarter = _quarter(request, year)
    table = party.quarter_table(scheme, year, quarter)
    return render(
        request,
        "points/party/scheme.html",
        {
            "scheme": scheme,
            "table": table,
            "year": year,
            "quarter": quarter,
            "years": _years(),
            "quarters": [1, 2, 3, 4],
            "lines": party.lines_of(scheme),
            "counts": party.warning_counts(table),
            "multi_branch": _multi_branch(table),
            "levels": _level_labels(),
            "my_levels": party.evaluator_levels(request.user, scheme),
            "can_configure": scope.in_scope(request.user, Action.POINTS_CONFIGURE, scheme),
            "book": scheme.rulebooks.order_by("-version").first(),
        },
    )


@login_required
@require_action(Action.POINTS_CONFIGURE)
@api_twin("PUT /api/points/party/schemes/{scheme_id}/warning-lines")
def party_lines(request, scheme_id):
    scheme = party.access_party_scheme(request.user, scheme_id, Action.POINTS_CONFIGURE)
    current = party.lines_of(scheme) or party.DEFAULT_LINES.get(scheme.kind, {})
    form = LinesForm(request.POST or None, initial=current)
    done = submit(
        request,
        form,
        lambda data: party.warning_lines_set(actor=request.user, scheme=scheme, lines=form.lines()),
        done=_("Warning lines saved."),
        to=("points:party_scheme", {"scheme_id": scheme.pk}),
    )
    return done or render(request, "points/party/lines.html", {"form": form, "scheme": scheme})


@login_required
@api_twin("POST /api/points/party/schemes/{scheme_id}/evaluations")
def party_evaluate(request, scheme_id):
    """四方督评: one level's scores of a quarter for every subject; what is entered stays entered."""
    scheme = party.access_party_scheme(request.user, scheme_id)
    my_levels = party.evaluator_levels(request.user, scheme)
    if not my_levels:
        raise PermissionDenied()
    year = _year(request)
    quarter = _quarter(request, year)
    level = request.POST.get("level") or request.GET.get("level") or my_levels[0]
    if level not in my_levels:
        raise PermissionDenied()
    table = party.quarter_table(scheme, year, quarter)
    errors: list[str] = []
    posted = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        rows = []
        common = (request.POST.get("comment_all") or "").strip()
        for row in table:
            raw = (request.POST.get(f"score_{row.key}") or "").strip()
            if raw and level not in row.evaluations:
                rows.append((row.key, raw, (request.POST.get(f"comment_{row.key}") or "").strip() or common))
        try:
            saved = party.evaluations_save(
                actor=request.user, scheme=scheme, year=year, quarter=quarter, level=level, rows=rows
            )
        except DomainError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("%(n)s evaluations saved.") % {"n": len(saved)})
            return redirect(f"{request.path}?year={year}&quarter={quarter}&level={level}")
    entry_rows = [
        {
            "row": row,
            "existing": row.evaluations.get(level),
            "score": posted.get(f"score_{row.key}", ""),
            "comment": posted.get(f"comment_{row.key}", ""),
        }
        for row in table
    ]
    return render(
        request,
        "points/party/evaluate.html",
        {
            "scheme": scheme,
            "rows": entry_rows,
            "year": year,
            "quarter": quarter,
            "years": _years(),
            "quarters": [1, 2, 3, 4],
            "level": level,
            "level_label": EvaluatorLevel(level).label,
            "my_levels": [(lv, EvaluatorLevel(lv).label) for lv in my_levels],
            "errors": errors,
            "comment_all": posted.get("comment_all", ""),
            "villagers_level": level == EvaluatorLevel.VILLAGERS,
            "multi_branch": _multi_branch(table),
        },
    )


@login_required
@require_action(Action.POINTS_VIEW)
def party_year(request, scheme_id):
    """年度总评 / 党员民主评议: yearly totals, the colours of each quarter and the evaluations."""
    scheme = party.access_party_scheme(request.user, scheme_id)
    year = _year(request)
    rows = party.year_table(scheme, year)
    context = {
        "scheme": scheme,
        "rows": rows,
        "year": year,
        "years": _years(),
        "quarters": party.counted_quarters(year),
        "lines": party.lines_of(scheme),
        "today": timezone.localdate(),
        "member_scheme": scheme.kind == SchemeKind.PARTY_MEMBER,
        "multi_branch": _multi_branch(rows),
    }
    template = "points/party/year_print.html" if request.GET.get("print") else "points/party/year.html"
    return render(request, template, context)
