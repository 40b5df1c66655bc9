"""Points pages: the home page, schemes and their rule books."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core import scope
from core.params import year_param
from core.roles import Action
from core.views import api_twin, require_action, submit
from points import selectors, services
from points import standings as calc
from points.forms import (
    AdoptForm,
    RuleBookForm,
    RuleItemForm,
    SchemeForm,
)
from regions import selectors as region_selectors


def _year_quarter(request):
    today = timezone.localdate()
    year = year_param(request.GET.get("year"), today.year)
    quarter = request.GET.get("quarter", str(calc.quarter_of(today)))
    quarter = int(quarter) if quarter in {"1", "2", "3", "4"} else None
    return year, quarter


@login_required
def points_home(request):
    if not scope.can(request.user, Action.POINTS_VIEW):
        if scope.can(request.user, Action.POINTS_VIEW_OWN):
            return redirect("points:me")
        raise PermissionDenied()
    return render(
        request,
        "points/home.html",
        {
            "schemes": selectors.schemes_with_counts(request.user),
            "can_configure": scope.can(request.user, Action.POINTS_CONFIGURE),
            "can_record": scope.can(request.user, Action.POINTS_RECORD),
            "can_review": scope.can(request.user, Action.POINTS_REVIEW),
            "appeals": selectors.appeal_counts(request.user),
            "can_county_ranking": bool(scope.targets(request.user, "county", Action.POINTS_VIEW)),
        },
    )


@login_required
@require_action(Action.POINTS_CONFIGURE)
@api_twin("POST /api/points/schemes")
def scheme_create(request):
    villages = region_selectors.villages(request.user, Action.POINTS_CONFIGURE)
    form = SchemeForm(request.POST or None, villages=villages)
    done = submit(
        request,
        form,
        lambda data: services.scheme_create(actor=request.user, **form.scheme_fields()),
        done=_("Scheme created. Now give it a rule book."),
        to=lambda scheme: ("points:rulebook_create", {"scheme_id": scheme.pk}),
    )
    return done or render(request, "points/scheme_form.html", {"form": form})


@login_required
@require_action(Action.POINTS_VIEW)
def scheme_detail(request, scheme_id):
    scheme = selectors.access_scheme(request.user, scheme_id)
    year, quarter = _year_quarter(request)
    return render(
        request,
        "points/scheme_detail.html",
        {
            "scheme": scheme,
            "rulebooks": scheme.rulebooks.all(),
            "in_force": services.rulebook_in_force(scheme, timezone.localdate()),
            "publications": scheme.publications.all()[:8],
            "signoffs": scheme.signoffs.order_by("-year", "-quarter")[:8],
            "list_rules": scheme.list_rules.prefetch_related("consequences"),
            "can_configure": scope.in_scope(request.user, Action.POINTS_CONFIGURE, scheme),
            "can_review": scope.in_scope(request.user, Action.POINTS_REVIEW, scheme),
            "pending": selectors.pending_claims(request.user, scheme).count()
            if scope.in_scope(request.user, Action.POINTS_REVIEW, scheme)
            else None,
            "year": year,
            "quarter": quarter,
        },
    )


@login_required
@require_action(Action.POINTS_CONFIGURE)
@api_twin("POST /api/points/schemes/{scheme_id}/rulebooks")
def rulebook_create(request, scheme_id):
    scheme = selectors.access_scheme(request.user, scheme_id, Action.POINTS_CONFIGURE)
    versions = list(scheme.rulebooks.all())
    form = RuleBookForm(
        request.POST or None,
        versions=versions,
        initial={"title": f"{scheme.village.name}{scheme.name}细则", "effective_from": timezone.localdate()},
    )

    def write(data):
        start = data["start"]
        return services.rulebook_create(
            actor=request.user,
            scheme=scheme,
            title=data["title"],
            effective_from=data["effective_from"],
            template=start.split(":", 1)[1] if start.startswith("template:") else None,
            copy_from=next((v for v in versions if start == f"copy:{v.pk}"), None),
        )

    done = submit(
        request,
        form,
        write,
        done=_("Draft rule book created. Check its items, then adopt it."),
        to=lambda book: ("points:rulebook_detail", {"rulebook_id": book.pk}),
    )
    return done or render(request, "points/rulebook_form.html", {"form": form, "scheme": scheme})


@login_required
@require_action(Action.POINTS_VIEW)
@api_twin("POST /api/points/rulebooks/{rulebook_id}/items", "POST /api/points/rulebooks/{rulebook_id}/adopt")
def rulebook_detail(request, rulebook_id):
    book = selectors.access_rulebook(request.user, rulebook_id)
    can_edit = not book.is_adopted and scope.in_scope(request.user, Action.POINTS_CONFIGURE, book.scheme)
    item_form = RuleItemForm(prefix="item")
    adopt_form = AdoptForm(prefix="adopt")
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied()
        back = ("points:rulebook_detail", {"rulebook_id": book.pk})
        if "adopt" in request.POST:
            adopt_form = AdoptForm(request.POST, prefix="adopt")
            done = submit(
                request,
                adopt_form,
                lambda data: services.rulebook_adopt(actor=request.user, rulebook=book, **data),
                done=_("Rule book adopted."),
                to=back,
            )
        else:
            item_form = RuleItemForm(request.POST, prefix="item")
            done = submit(
                request,
                item_form,
                lambda data: services.rule_item_save(
                    actor=request.user, rulebook=book, item=book.items.filter(code=data["code"]).first(), **data
                ),
                done=_("Item saved."),
                to=back,
            )
        if done:
            return done
    categories = book.categories.prefetch_related("items")
    return render(
        request,
        "points/rulebook_detail.html",
        {
            "book": book,
            "categories": categories,
            "can_edit": can_edit,
            "item_form": item_form,
            "adopt_form": adopt_form,
            "item_count": book.items.count(),
        },
    )
