"""Pages of mediation (矛盾纠纷调解): the mediator's queue, the supervisors' board of high-risk disputes, a party's
own disputes, recording a dispute (or a villager's application), a dispute with its steps and timeline, the
printable agreement (调解协议书), and the bodies with their mediator pools and expert banks. Thin: reads through
mediation.selectors, writes through mediation.services; a dispute's steps are taken by casework's one step view."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from casework import steps
from core import scope
from core.errors import NotFound
from core.params import id_param
from core.roles import Action
from core.views import api_twin, download_response, file_response, submit
from mediation import documents, people, selectors, services, statistics, subsidies
from mediation.flows import MEDIATION
from mediation.forms import BodyForm, DisputeForm, LocalKindForm, MediatorForm, SubsidyRateForm
from mediation.models import AgreementForm, Body, Difficulty, LocalKind, Mediator, SubsidyRate

INTAKE = (Action.MEDIATION_INTAKE, Action.MEDIATION_APPLY)


def _require_any(actor, *actions) -> None:
    if not any(scope.can(actor, a) for a in actions):
        raise PermissionDenied()


@login_required
def home(request):
    actor = request.user
    counts = selectors.may_count(actor)
    return render(
        request,
        "mediation/home.html",
        {
            "queue": selectors.working_queue(actor)[:200],
            "board": selectors.risk_board(actor)[:200],
            "mine": selectors.my_disputes(actor)[:50],
            "recorded": selectors.recorded_by_me(actor)[:50],
            "flow": MEDIATION,
            "can_record": any(scope.can(actor, a) for a in INTAKE),
            "staff": scope.can(actor, Action.MEDIATION_INTAKE),
            "can_configure": any(scope.can(actor, a) for a in (*INTAKE, Action.MEDIATION_CONFIGURE)),
            "can_count": counts,
            "can_subsidies": counts or bool(scope.targets(actor, "county", Action.MEDIATION_CONFIGURE)),
        },
    )


def _dispute_form(request, data=None):
    actor = request.user
    villages = selectors.intake_villages(actor)
    if not villages:
        raise PermissionDenied()
    own = not scope.can(actor, Action.MEDIATION_INTAKE)
    chosen = next((v for v in villages if str(v.pk) == str((data or request.GET).get("village"))), villages[0])
    bodies = list(services.intake_bodies(chosen))
    mediators = selectors.pool(actor).filter(body__in=bodies, active=True, available=True).exclude(title="expert")
    return DisputeForm(data, villages=villages, bodies=bodies, mediators=mediators, own=own), villages, own


@login_required
@api_twin("POST /api/mediation/disputes")
def record(request):
    """登记纠纷: a dispute recorded by staff, or a villager's application for their own dispute."""
    form, villages, own = _dispute_form(request, request.POST if request.method == "POST" else None)
    incident = id_param(request.GET.get("incident") or request.POST.get("incident"))
    if incident and request.method == "GET":
        # a grid incident that turns out to be a dispute: nothing is typed again, the incident stays linked
        from incidents import selectors as incident_selectors

        found = incident_selectors.get(request.user, incident)
        form.initial.update(village=found.village_id, title=found.matter.name[:100], facts=found.description)
    elif request.method == "GET" and request.GET.get("facts"):
        # a household visit's finding: nothing typed again
        village = id_param(request.GET.get("village"))
        form.initial.update(facts=request.GET["facts"][:4000], **({"village": village} if village else {}))

    def write(data):
        village = next(v for v in villages if str(v.pk) == str(data["village"]))
        return services.dispute_record(
            actor=request.user,
            village=village,
            title=data["title"],
            kind=data["kind"],
            facts=data["facts"],
            claims=data.get("claims") or "",
            amount=data.get("amount"),
            source=data.get("source") or "",
            referral_body=data.get("referral_body") or "",
            referral_number=data.get("referral_number") or "",
            received_on=data.get("received_on"),
            body=data.get("body") or None,
            preferred=data.get("preferred") or None,
            parties=form.parties(),
            incident=incident,
        )

    done = submit(request, form, write, done=_("The dispute is recorded."), to=_after_record(request, own))
    status = 400 if request.method == "POST" else 200
    return done or render(
        request, "mediation/record.html", {"form": form, "own": own, "incident": incident}, status=status
    )


def _after_record(request, own):
    def to(dispute):
        # the person who recorded it sees it only as a party or one of its mediators (人民调解法 Art. 15)
        if own or people.is_leader(request.user, dispute) or people.is_mediator(request.user, dispute):
            return dispute.get_absolute_url()
        return reverse("mediation:home")

    return to


@login_required
def case(request, pk):
    return case_page(request, selectors.dispute_for(request.user, pk))


def case_page(request, case, *, failed=None, status=200):
    """The dispute's page (Flow.page): what casework draws again, with the refused step's form, after a refusal."""
    actor = request.user
    return render(
        request,
        "mediation/case.html",
        {
            "case": case,
            "flow": MEDIATION,
            "state_label": MEDIATION.state_label(case.state),
            "parties": list(case.parties.all()),
            "mediators": list(case.mediators.select_related("body")),
            "steps": steps.panels(actor, case, MEDIATION, failed=failed),
            "timeline": steps.timeline(case, MEDIATION),
            "working": people.is_leader(actor, case) or people.is_mediator(actor, case),
        },
        status=status,
    )


def _agreement_of(request, pk):
    case = selectors.dispute_for(request.user, pk)
    if not case.terms or case.agreement_form != AgreementForm.WRITTEN:
        raise NotFound()
    return case


@login_required
def agreement(request, pk):
    """调解协议书 (Art. 29), generated from the case: one copy per party and one for the file, A4, with places for
    signatures, thumbprints and the committee's seal; also as PDF and .docx."""
    case = _agreement_of(request, pk)
    kind = request.GET.get("format")
    if kind == "pdf":
        return download_response(
            documents.agreement_pdf(case),
            name=f"{case.number}-调解协议书.pdf",
            fallback="agreement.pdf",
            content_type="application/pdf",
        )
    if kind == "docx":
        return download_response(
            documents.agreement_docx(case),
            name=f"{case.number}-调解协议书.docx",
            fallback="agreement.docx",
            content_type=DOCX,
        )
    return render(request, "mediation/agreement.html", documents.agreement_context(case))


@login_required
def case_file(request, pk):
    """The archived case file (卷宗), assembled when the file was closed and kept as it was."""
    case = selectors.dispute_for(request.user, pk)
    if not case.case_file:
        raise NotFound()
    return file_response(
        case.case_file, content_type="application/pdf", name=f"{case.number}-卷宗.pdf", cache_private=True
    )


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# -- statistics (aggregates only) ----------------------------------------------------------------------------------


@login_required
def stats(request):
    if not selectors.may_count(request.user):
        raise PermissionDenied()
    start, end, by = statistics.period(request.GET)
    if request.GET.get("format") == "xlsx":
        from registry.views_excel import xlsx_response

        result = statistics.table(selectors.statistics_scope(request.user), start=start, end=end, by=by)
        name = f"调解统计-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
        return xlsx_response(statistics.xlsx(result), name, f"mediation-{start:%Y%m%d}-{end:%Y%m%d}.xlsx")
    result = statistics.cached_table(request.user, selectors.statistics_scope, start=start, end=end, by=by)
    return render(
        request,
        "mediation/statistics.html",
        {
            "result": result,
            "dimensions": [(key, title) for key, (title, _path, _labels) in statistics.DIMENSIONS.items()],
            "columns": statistics.COLUMNS,
            "rates": statistics.RATES,
            "definitions": statistics.DEFINITIONS,
            "query": request.GET.urlencode(),
        },
    )


# -- per-case subsidies (以案定补) -----------------------------------------------------------------------------------


@login_required
@api_twin("PUT /api/mediation/subsidy-rates")
def subsidy_list(request):
    actor = request.user
    if not selectors.may_list_subsidies(actor):
        raise PermissionDenied()
    month = subsidies.month_param(request.GET.get("month"))
    counties = selectors.subsidy_counties(actor)
    form = SubsidyRateForm(request.POST or None) if counties else None
    if request.method == "POST" and form is None:
        raise PermissionDenied()
    done = form is not None and submit(
        request,
        form,
        lambda d: services.subsidy_rate_set(actor=actor, county=counties[0], **d),
        done=_("Saved."),
        to=f"{reverse('mediation:subsidies')}?month={month:%Y-%m}",
    )
    if done:
        return done
    result = subsidies.month_list(selectors.subsidy_scope(actor), month)
    if request.GET.get("format") == "xlsx":
        from registry.views_excel import xlsx_response

        return xlsx_response(
            subsidies.xlsx(result), f"调解个案补贴-{month:%Y-%m}.xlsx", f"mediation-subsidies-{month:%Y-%m}.xlsx"
        )
    order = {value: i for i, value in enumerate(Difficulty.values)}
    rates = sorted(
        SubsidyRate.objects.filter(county__in=counties), key=lambda r: (r.kind != "", r.kind, order[r.difficulty])
    )
    return render(
        request,
        "mediation/subsidies.html",
        {"result": result, "rates": rates, "form": form, "month": month},
        status=400 if request.method == "POST" else 200,
    )


# -- bodies, mediators and experts ------------------------------------------------------------------------------


@login_required
@api_twin("POST /api/mediation/bodies", "PUT /api/mediation/dispute-types")
def bodies(request):
    """The county's bodies (and adding one), and the types of dispute the county added (its administrator)."""
    actor = request.user
    regions = selectors.configurable_regions(actor)
    counties = selectors.subsidy_counties(actor)
    posted = request.POST if request.method == "POST" else None
    which = (posted or {}).get("form", "body")
    form = BodyForm(posted if which == "body" else None, regions=regions) if regions else None
    kind_form = LocalKindForm(posted if which == "kind" else None, prefix="k") if counties else None
    if posted is not None and (which == "body" and form is None or which == "kind" and kind_form is None):
        raise PermissionDenied()

    def write(data):
        region = next(r for r in regions if str(r.pk) == str(data["region"]))
        return services.body_create(actor=actor, region=region, **{k: v for k, v in data.items() if k != "region"})

    done = None
    if which == "body" and form is not None:
        done = submit(
            request, form, write, done=_("The body is added."), to=lambda b: reverse("mediation:body", args=[b.pk])
        )
    elif which == "kind" and kind_form is not None:
        done = submit(
            request,
            kind_form,
            lambda d: services.local_kind_set(actor=actor, county=counties[0], **d),
            done=_("Saved."),
            to=reverse("mediation:bodies") + "#kinds",
        )
    rows = selectors.bodies(actor).order_by("township_id", "village_id", "kind", "name")
    return done or render(
        request,
        "mediation/bodies.html",
        {
            "bodies": rows,
            "form": form,
            "kind_form": kind_form,
            "local_kinds": LocalKind.objects.filter(county__in=counties) if counties else [],
        },
        status=400 if posted is not None else 200,
    )


@login_required
@api_twin("PUT /api/mediation/bodies/{body_id}", "POST /api/mediation/bodies/{body_id}/mediators")
def body(request, pk):
    actor = request.user
    found: Body = selectors.body(actor, pk)
    editable = selectors.can_configure(actor, found)
    if request.method == "POST" and not editable:
        raise PermissionDenied()
    body_form = mediator_form = None
    done = None
    if editable:
        initial = {k: getattr(found, k) for k in ("name", "field", "address", "phone", "active")}
        posted = request.POST if request.method == "POST" else None
        which = (posted or {}).get("form")
        body_form = BodyForm(posted if which == "body" else None, initial=initial, editing=True, prefix="b")
        mediator_form = MediatorForm(posted if which == "mediator" else None, prefix="m")
        to = reverse("mediation:body", args=[found.pk])
        if which == "body":
            done = submit(
                request,
                body_form,
                lambda d: services.body_update(actor=actor, body=found, **d),
                done=_("Saved."),
                to=to,
            )
        elif which == "mediator":
            done = submit(
                request,
                mediator_form,
                lambda d: services.mediator_add(actor=actor, body=found, **d),
                done=_("The mediator is added to the pool."),
                to=to,
            )
    return done or render(
        request,
        "mediation/body.html",
        {
            "body": found,
            "pool": selectors.pool(actor, body_id=found.pk),
            "editable": editable,
            "body_form": body_form,
            "mediator_form": mediator_form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@api_twin("PUT /api/mediation/mediators/{mediator_id}")
def mediator(request, pk):
    actor = request.user
    found: Mediator = selectors.mediator(actor, pk)
    if not selectors.can_configure(actor, found.body):
        raise PermissionDenied()
    initial = {k: getattr(found, k) for k in ("name", "title", "phone", "expertise", "profile", "available", "active")}
    initial["username"] = found.user.username if found.user else ""
    form = MediatorForm(request.POST or None, initial=initial)
    done = submit(
        request,
        form,
        lambda d: services.mediator_update(actor=actor, mediator=found, **d),
        done=_("Saved."),
        to=reverse("mediation:body", args=[found.body_id]),
    )
    return done or render(
        request,
        "mediation/mediator.html",
        {"mediator": found, "form": form},
        status=400 if request.method == "POST" else 200,
    )
