"""The county's catalogue of grid matters (网格事项清单: 准入/退出), its departments and triage rules (分级分流规则).

Everyone working or living in the county may read them (which matters grid workers take is public knowledge);
only the county administrator (Action.INCIDENT_CATALOGUE) changes them, through incidents.services.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import scope
from core.errors import DomainError, NotFound
from core.roles import Action
from core.views import api_twin, apply_domain_errors, paginate, post_back, require_action, submit
from incidents import selectors, services
from incidents.catalogue_forms import DepartmentForm, MatterForm, RetireForm, RuleForm, TryForm
from incidents.models import Department, GridMatter, Level, Severity, TriageRule

STATUSES = [
    ("current", gettext_lazy("In the catalogue")),
    ("retired", gettext_lazy("Retired")),
    ("all", gettext_lazy("All")),
]
SEVERITY_ORDER = {"": 0, **{value: i + 1 for i, value in enumerate(Severity.values)}}


def _pick(counties, wanted):
    for county in counties:
        if str(county.pk) == str(wanted or ""):
            return county
    return counties[0] if counties else None


def _reading_county(request):
    """The county whose catalogue the page shows (the actor's; ?county= when they work in several)."""
    counties = list(selectors.counties(request.user))
    return _pick(counties, request.GET.get("county")), counties


def _managed_county(request, row=None):
    """The county the administrator changes: the row's, or the one chosen (?county=) among theirs."""
    counties = list(selectors.counties_managed(request.user))
    if row is not None:
        county = next((c for c in counties if c.pk == row.county_id), None)
    else:
        county = _pick(counties, request.GET.get("county"))
    if county is None:
        raise NotFound()
    return county


def _can_manage(request, county) -> bool:
    return county is not None and scope.region_in_scope(request.user, Action.INCIDENT_CATALOGUE, county)


def _county_page(request, template, county, counties, **context):
    """A page of a county's catalogue: the county shown, the counties to pick from, whether the actor changes it."""
    context.update(county=county, counties=counties, can_manage=_can_manage(request, county))
    return render(request, template, context)


def _form_page(request, form, write, *, done, to, template, **context):
    """A change page of the catalogue: a valid post goes to the service through core.views.submit (the form's
    fields are the service's keywords); otherwise the page shows the form with ``context``."""
    return submit(request, form, write, done=done, to=to) or render(request, template, {"form": form, **context})


# -- the catalogue of grid matters ------------------------------------------------------------------------


@login_required
def matter_list(request):
    county, counties = _reading_county(request)
    status = request.GET.get("status", "current")
    if status not in dict(STATUSES):
        status = "current"
    group = request.GET.get("group", "").strip()
    text = request.GET.get("q", "").strip()
    if county is None:
        rows, groups = selectors.matters(request.user).none(), []
    else:
        rows = selectors.catalogue(request.user, county, status=status, group=group, text=text)
        groups = sorted(set(selectors.matters(request.user, county=county).values_list("group", flat=True)))
    return _county_page(
        request,
        "incidents/catalogue_list.html",
        county,
        counties,
        page=paginate(request, rows, 50),
        statuses=STATUSES,
        status=status,
        groups=groups,
        group=group,
        q=text,
    )


def _matter_form(request, county, *, matter=None):
    departments = selectors.departments(request.user).filter(county=county)
    if matter is None:
        departments = departments.filter(is_active=True)
    groups = sorted(set(selectors.matters(request.user, county=county).values_list("group", flat=True)))
    initial = None
    if matter is not None:
        initial = {
            "name": matter.name,
            "group": matter.group,
            "description": matter.description,
            "responsible": matter.responsible_id,
            "assisting": [d.pk for d in matter.assisting.all()],
        }
    return MatterForm(
        request.POST or None, departments=departments, groups=groups, editing=matter is not None, initial=initial
    )


@login_required
@require_action(Action.INCIDENT_CATALOGUE)
@api_twin("POST /api/incidents/matters")
def matter_create(request):
    county = _managed_county(request)
    form = _matter_form(request, county)
    if request.method == "POST" and form.is_valid():
        try:
            matter = services.matter_admit(actor=request.user, county=county, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("%(matter)s was admitted to the catalogue.") % {"matter": matter})
            return redirect("incidents:matter_list")
    return render(request, "incidents/catalogue_form.html", {"form": form, "county": county, "matter": None})


@login_required
@require_action(Action.INCIDENT_CATALOGUE)
@api_twin("PUT /api/incidents/matters/{matter_id}")
def matter_edit(request, pk):
    matter = selectors.managed(request.user, GridMatter, pk)
    county = _managed_county(request, matter)
    return _form_page(
        request,
        _matter_form(request, county, matter=matter),
        lambda data: services.matter_update(actor=request.user, matter=matter, **data),
        done=_("The matter was saved."),
        to="incidents:matter_list",
        template="incidents/catalogue_form.html",
        county=county,
        matter=matter,
    )


@login_required
@require_action(Action.INCIDENT_CATALOGUE)
@api_twin("POST /api/incidents/matters/{matter_id}/retire")
def matter_retire(request, pk):
    matter = selectors.managed(request.user, GridMatter, pk)
    if not matter.is_current:
        messages.info(request, _("This matter has already been retired."))
        return redirect(reverse("incidents:matter_list") + "?status=retired")
    return _form_page(
        request,
        RetireForm(request.POST or None),
        lambda data: services.matter_retire(actor=request.user, matter=matter, **data),
        done=_("%(matter)s was retired from the catalogue.") % {"matter": matter},
        to="incidents:matter_list",
        template="incidents/catalogue_retire.html",
        matter=matter,
    )


@login_required
@require_action(Action.INCIDENT_CATALOGUE)
@api_twin("POST /api/incidents/matters/{matter_id}/readmit")
def matter_readmit(request, pk):
    matter = selectors.managed(request.user, GridMatter, pk)
    if request.method == "POST":
        return post_back(
            request,
            lambda: services.matter_readmit(actor=request.user, matter=matter),
            done=_("%(matter)s was admitted to the catalogue again.") % {"matter": matter},
            to="incidents:matter_list",
        )
    return render(request, "incidents/catalogue_readmit.html", {"matter": matter})


# -- departments ------------------------------------------------------------------------------------------


@login_required
def department_list(request):
    county, counties = _reading_county(request)
    rows = selectors.departments(request.user)
    rows = rows.filter(county=county) if county is not None else rows.none()
    show_members = scope.can(request.user, Action.INCIDENT_VIEW) or scope.can(request.user, Action.INCIDENT_CATALOGUE)
    if show_members:
        rows = rows.prefetch_related("members")
    return _county_page(
        request, "incidents/department_list.html", county, counties, departments=rows, show_members=show_members
    )


def _department_form(request, county, department=None):
    initial = {"is_active": True}
    if department is not None:
        initial = {
            "name": department.name,
            "code": department.code,
            "phone": department.phone,
            "is_active": department.is_active,
            "members": [u.pk for u in department.members.all()],
        }
    return DepartmentForm(request.POST or None, staff=selectors.department_staff(county), initial=initial)


def _create_and_edit(noun: str, model, form, save, done, *, create_api: str, edit_api: str):
    """The new and edit pages of a county's ``noun`` (a department, a triage rule): one form page each, saved by
    ``save`` (its service) with the row (None for a new one), back to the list (``incidents:<noun>_list``)."""

    def page(request, county, row):
        return _form_page(
            request,
            form(request, county, row),
            lambda data: save(actor=request.user, county=county, **{noun: row}, **data),
            done=done,
            to=f"incidents:{noun}_list",
            template=f"incidents/{noun}_form.html",
            county=county,
            **{noun: row},
        )

    @login_required
    @require_action(Action.INCIDENT_CATALOGUE)
    @api_twin(create_api)
    def create(request):
        return page(request, _managed_county(request), None)

    @login_required
    @require_action(Action.INCIDENT_CATALOGUE)
    @api_twin(edit_api)
    def edit(request, pk):
        row = selectors.managed(request.user, model, pk)
        return page(request, _managed_county(request, row), row)

    return create, edit


department_create, department_edit = _create_and_edit(
    "department",
    Department,
    _department_form,
    services.department_save,
    gettext_lazy("The department was saved."),
    create_api="POST /api/incidents/departments",
    edit_api="PUT /api/incidents/departments/{department_id}",
)


# -- triage rules -----------------------------------------------------------------------------------------


def _shown(decision) -> dict:
    """A triage decision as the page shows it."""
    return {
        "level": decision.level,
        "level_label": Level(decision.level).label,
        "department": decision.department,
        "days": decision.days,
        "rule": decision.rule,
        "reason": decision.reason,
    }


@login_required
def rule_list(request):
    county, counties = _reading_county(request)
    rules, table, current = [], [], selectors.matters(request.user).none()
    if county is not None:
        rules = sorted(
            selectors.rules(request.user).filter(county=county),
            key=lambda r: (r.matter is None, r.matter.code if r.matter else "", SEVERITY_ORDER.get(r.severity, 9)),
        )
        table = selectors.triage_table(request.user, county)
        current = selectors.matters(request.user, county=county, current_only=True)
    try_form = TryForm(request.GET if "try-matter" in request.GET else None, matters=current)
    decision = None
    if try_form.is_bound and try_form.is_valid():
        decision = selectors.triage_decision(
            request.user, matter=try_form.cleaned_data["matter"], severity=try_form.cleaned_data["severity"]
        )
    table = [
        {
            "matter": row["matter"],
            "decisions": [
                dict(_shown(d), severity_label=label)
                for d, (_value, label) in zip(row["decisions"], Severity.choices, strict=True)
            ],
        }
        for row in table
    ]
    trying = request.headers.get("HX-Request") and "try-matter" in request.GET
    return _county_page(
        request,
        "incidents/rule_try.html" if trying else "incidents/rule_list.html",
        county,
        counties,
        rules=rules,
        table=table,
        severities=Severity.choices,
        try_form=try_form,
        decision=_shown(decision) if decision else None,
        county_level=Level.COUNTY,
    )


def _rule_form(request, county, rule):
    matters = selectors.matters(request.user, county=county)
    if rule is None:
        matters = matters.filter(retired_on__isnull=True)
    departments = selectors.departments(request.user).filter(county=county)
    initial = None
    if rule is not None:
        initial = {
            "matter": rule.matter_id,
            "severity": rule.severity,
            "level": rule.level,
            "department": rule.department_id,
            "days": rule.days,
            "note": rule.note,
        }
    return RuleForm(request.POST or None, matters=matters, departments=departments, initial=initial)


rule_create, rule_edit = _create_and_edit(
    "rule",
    TriageRule,
    _rule_form,
    services.rule_save,
    gettext_lazy("The triage rule was saved."),
    create_api="POST /api/incidents/rules",
    edit_api="PUT /api/incidents/rules/{rule_id}",
)


@login_required
@require_action(Action.INCIDENT_CATALOGUE)
@api_twin("DELETE /api/incidents/rules/{rule_id}")
def rule_delete(request, pk):
    rule = selectors.managed(request.user, TriageRule, pk)
    if request.method == "POST":
        services.rule_delete(actor=request.user, rule=rule)
        messages.success(request, _("The triage rule was deleted."))
        return redirect("incidents:rule_list")
    return render(request, "incidents/rule_delete.html", {"rule": rule})
