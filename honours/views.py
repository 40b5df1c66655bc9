"""The honours' pages: my nominations, nominate (a phone page: the board, the person or household, the deeds), a
nomination's page (its steps are casework's; objections during the notice), the panel's list (evaluate, publish the
quarter, answer objections), the quarter's boards of a village and the county's boards. Reads through
honours.selectors, writes through honours.services."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from casework import steps
from core import scope
from core.errors import DomainError, NotFound
from core.params import id_param
from core.roles import Action
from core.views import api_twin, post_back, section_links, submit
from honours import quarters, selectors, services
from honours.flows import HONOUR
from honours.forms import BoardAddForm, BoardForm, NominateForm, ObjectionForm
from honours.models import Subject
from regions.models import Region

LINKS = [
    ("honours:home", gettext_lazy("Honours"), (Action.POINTS_DECLARE, Action.POINTS_RECORD, Action.POINTS_VIEW)),
    ("honours:nominate", gettext_lazy("Nominate"), (Action.POINTS_DECLARE, Action.POINTS_RECORD)),
    ("honours:boards", gettext_lazy("The quarter's boards"), (Action.POINTS_DECLARE, Action.POINTS_VIEW)),
    ("honours:settings", gettext_lazy("The county's boards"), (Action.POINTS_POLICY, Action.POINTS_VIEW)),
]


def _links(request) -> list[dict]:
    links = section_links(request, LINKS)
    if selectors.evaluates(request.user):
        url = reverse("honours:panel")
        links.insert(min(2, len(links)), {"url": url, "label": _("Evaluate"), "active": request.path == url})
    return links


def _render(request, template, context, status=200):
    return render(request, template, {**context, "links": _links(request)}, status=status)


def _labelled(rows):
    for n in rows:
        n.state_label = HONOUR.state_label(n.state)
    return rows


def _reads(actor) -> bool:
    return selectors.may_nominate(actor) or scope.can(actor, Action.POINTS_VIEW) or selectors.evaluates(actor)


@login_required
def home(request):
    actor = request.user
    if not _reads(actor):
        raise PermissionDenied()
    return _render(
        request,
        "honours/home.html",
        {
            "mine": _labelled(list(selectors.mine(actor)[:50])),
            "nominates": selectors.may_nominate(actor),
            "evaluates": selectors.evaluates(actor),
            "waiting": selectors.to_evaluate(actor).count() if selectors.evaluates(actor) else 0,
        },
    )


# -- nominate ---------------------------------------------------------------------------------------------------


@login_required
@api_twin("POST /api/honours/nominations")
def nominate(request):
    """提名 in three taps on a phone: the board, the person or household (searched by name in the village), the
    deeds."""
    from registry.models import Household, Person

    actor = request.user
    if not selectors.may_nominate(actor):
        raise PermissionDenied()
    boards = list(selectors.boards_for_nominating(actor))
    board_id = id_param(request.GET.get("board") or request.POST.get("board"))
    board = next((b for b in boards if b.pk == board_id), None)
    if board is None:
        return _render(request, "honours/nominate_board.html", {"boards": boards})
    nominee_id = id_param(request.GET.get("nominee") or request.POST.get("nominee"))
    reach = selectors.nominating_villages(actor).values_list("pk", flat=True)
    nominee = None
    if nominee_id:
        model = Person if board.subject == Subject.PERSON else Household
        nominee = model.objects.filter(pk=nominee_id, village_id__in=reach).select_related("village").first()
    if nominee is None:
        q = (request.GET.get("q") or "").strip()[:20]
        return _render(
            request,
            "honours/nominate_pick.html",
            {"board": board, "q": q, "candidates": selectors.candidates(actor, board, q), "searched": bool(q)},
        )
    groups = list(selectors.nominating_groups(actor, nominee.village))
    form = NominateForm(request.POST or None, request.FILES or None, groups=groups)
    target = {"person": nominee} if board.subject == Subject.PERSON else {"household": nominee}
    done = submit(
        request,
        form,
        lambda data: services.nomination_create(
            actor=actor,
            board=board,
            deeds=data["deeds"],
            group=data.get("group") or None,
            photos=data.get("photos") or (),
            **target,
        ),
        done=lambda n: (
            _("Nominated: %(name)s for %(board)s (%(number)s). The village's panel evaluates it.")
            % {"name": n.name, "board": board.name, "number": n.number}
        ),
        to=lambda n: n.get_absolute_url(),
    )
    return done or _render(
        request,
        "honours/nominate.html",
        {"board": board, "nominee": nominee, "form": form},
        status=400 if request.method == "POST" else 200,
    )


# -- a nomination -----------------------------------------------------------------------------------------------


@login_required
def nomination(request, pk):
    return case_page(request, selectors.nomination_for(request.user, pk))


def case_page(request, case, *, failed=None, status=200):
    """The nomination's page (Flow.page): the deeds, the panel's evaluation, the objections, the steps the actor
    may take, the timeline."""
    actor = request.user
    may_object = (
        case.state == "published"
        and (case.deadline_at is None or timezone.now() <= case.deadline_at)
        and services.may_object(actor, case)
    )
    return _render(
        request,
        "honours/nomination.html",
        {
            "case": case,
            "state_label": HONOUR.state_label(case.state),
            "objections": selectors.objections_of(actor, case),
            "objection_form": ObjectionForm() if may_object else None,
            "steps": steps.panels(actor, case, HONOUR, failed=failed),
            "timeline": steps.timeline(case, HONOUR),
        },
        status=status,
    )


@login_required
@api_twin("POST /api/honours/nominations/{nomination_id}/objections")
def object_(request, pk):
    """异议: a villager of the village (or its staff) objects to an honour on public notice (reached from the public
    board); only the panel reads it."""
    from honours.models import Nomination

    actor = request.user
    case = Nomination.objects.filter(pk=pk, state="published").select_related("board", "village").first()
    if case is None or not services.may_object(actor, case):
        raise NotFound()
    form = ObjectionForm(request.POST or None)
    back = (
        case.get_absolute_url() if _visible(actor, pk) else reverse("honours_public:boards", args=[case.village.code])
    )
    done = submit(
        request,
        form,
        lambda data: services.objection_file(actor=actor, nomination=case, text=data["text"]),
        done=_("Your objection is with the panel, which answers it before the honour is confirmed."),
        to=back,
    )
    return done or _render(
        request,
        "honours/object.html",
        {"case": case, "form": form, "back": back},
        status=400 if request.method == "POST" else 200,
    )


def _visible(actor, pk) -> bool:
    return selectors.visible(actor).filter(pk=pk).exists()


# -- the panel --------------------------------------------------------------------------------------------------


def _batches(rows) -> list[dict]:
    """Selected nominations grouped by village and quarter (each batch published at once)."""
    out: dict[tuple, dict] = {}
    for n in rows:
        batch = out.setdefault(
            (n.village_id, n.year, n.quarter),
            {"village": n.village, "year": n.year, "quarter": n.quarter, "rows": []},
        )
        batch["rows"].append(n)
    for batch in out.values():
        batch["label"] = quarters.label(batch["year"], batch["quarter"])
        batch["key"] = quarters.key(batch["year"], batch["quarter"])
    return list(out.values())


@login_required
def panel(request):
    actor = request.user
    if not selectors.evaluates(actor):
        raise PermissionDenied()
    return _render(
        request,
        "honours/panel.html",
        {
            "to_evaluate": _labelled(list(selectors.to_evaluate(actor)[:200])),
            "batches": _batches(selectors.to_publish(actor)[:500]),
            "on_notice": _labelled(list(selectors.on_notice(actor)[:200])),
            "objections": list(selectors.objections_to_answer(actor)[:100]),
        },
    )


@login_required
@require_POST
@api_twin("POST /api/honours/quarters/publish")
def publish(request):
    actor = request.user
    if not selectors.evaluates(actor):
        raise PermissionDenied()
    village = id_param(request.POST.get("village"))
    try:
        year, quarter = quarters.parse(request.POST.get("quarter"), default=quarters.of(timezone.localdate()))
    except DomainError:
        raise NotFound() from None
    return post_back(
        request,
        lambda: services.quarter_publish(actor=actor, village=village or 0, year=year, quarter=quarter),
        done=lambda rows: _("%(n)s honourees are on public notice.") % {"n": len(rows)},
        to=reverse("honours:panel"),
    )


# -- the quarter's boards ---------------------------------------------------------------------------------------


def _board_villages(actor):
    from regions.selectors import villages

    ids = set(selectors.nominating_villages(actor).values_list("pk", flat=True))
    ids.update(selectors.evaluating_villages(actor).values_list("pk", flat=True))
    ids.update(villages(actor, Action.POINTS_VIEW).values_list("pk", flat=True))
    return Region.objects.filter(pk__in=ids).order_by("code")


@login_required
def boards(request):
    actor = request.user
    readable = _board_villages(actor)
    if not readable.exists():
        raise PermissionDenied()
    chosen = id_param(request.GET.get("village"))
    village = (readable.filter(pk=chosen).first() if chosen else None) or readable.first()
    today = timezone.localdate()
    try:
        year, quarter = quarters.parse(request.GET.get("quarter"), default=quarters.of(today))
    except DomainError:
        year, quarter = quarters.of(today)
    rows = selectors.quarter_boards(village, year, quarter)
    if request.GET.get("format") == "xlsx":
        from core.views import download_response
        from core.xlsx import Sheet, workbook

        label = quarters.label(year, quarter)
        sheet = Sheet(
            label,
            f"{village.name} · {label}",
            [_("Board"), _("Rank"), _("Honouree"), _("Deeds"), _("State")],
            [
                [r["board"].name, n.rank, n.name, n.deeds, str(HONOUR.state_label(n.state))]
                for r in rows
                for n in r["honourees"]
            ],
        )
        return download_response(
            workbook(sheet),
            name=f"{village.name}{label}.xlsx",
            fallback=f"honours-{year}-{quarter}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    return _render(
        request,
        "honours/boards.html",
        {
            "village": village,
            "choices": readable[:300],
            "rows": rows,
            "quarter_label": quarters.label(year, quarter),
            "quarter_key": quarters.key(year, quarter),
            "quarters": [(quarters.key(*q), quarters.label(*q)) for q in quarters.recent(today)],
        },
    )


# -- the county's boards ----------------------------------------------------------------------------------------


@login_required
@api_twin("POST /api/honours/boards", "PATCH /api/honours/boards/{board_id}")
def settings_page(request):
    actor = request.user
    counties = scope.county_ids(actor, Action.POINTS_POLICY) or scope.county_ids(actor, Action.POINTS_VIEW)
    if not counties:
        raise PermissionDenied()
    county = Region.objects.get(pk=counties[0])
    keeps = selectors.keeps_boards(actor, county.pk)
    rows = list(selectors.boards(county.pk))
    editing = id_param(request.GET.get("board") or request.POST.get("board"))
    edited = next((b for b in rows if b.pk == editing), None)
    form = add_form = None
    if keeps:
        if edited is not None:
            initial = {k: getattr(edited, k) for k in ("name", "subject", "description", "places", "publicity_days")}
            initial.update(order=edited.order, active=edited.active)
            form = BoardForm(request.POST or None, initial=initial)
        else:
            add_form = BoardAddForm(request.POST or None, initial={"places": 10, "publicity_days": 5, "active": True})
    elif request.method == "POST":
        raise PermissionDenied()
    done = None
    if form is not None:
        done = submit(
            request,
            form,
            lambda data: services.board_change(actor=actor, board=edited, **data),
            done=lambda b: _("Board saved: %(name)s.") % {"name": b.name},
            to=reverse("honours:settings"),
        )
    elif add_form is not None:
        done = submit(
            request,
            add_form,
            lambda data: services.board_add(actor=actor, county=county, **data),
            done=lambda b: _("Board added: %(name)s.") % {"name": b.name},
            to=reverse("honours:settings"),
        )
    return done or _render(
        request,
        "honours/settings.html",
        {"county": county, "rows": rows, "keeps": keeps, "form": form, "add_form": add_form, "edited": edited},
        status=400 if request.method == "POST" else 200,
    )


urlpatterns = [
    path("", home, name="home"),
    path("nominate/", nominate, name="nominate"),
    path("<int:pk>/", nomination, name="nomination"),
    path("<int:pk>/object/", object_, name="object"),
    path("panel/", panel, name="panel"),
    path("panel/publish/", publish, name="publish"),
    path("boards/", boards, name="boards"),
    path("settings/", settings_page, name="settings"),
]
