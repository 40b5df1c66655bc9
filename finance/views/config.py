"""The configuration: the county's categories, the approval chains of a county or township, the posts of a
village. Read only on GET: a county's defaults are installed when it is created (finance.plug)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.roles import Action
from core.views import api_twin, messages_from, require_action, submit
from finance import selectors, services
from finance.forms import (
    CategoryForm,
    PostForm,
)
from finance.models import Post
from finance.views.common import _render
from regions.models import Region, RegionLevel

# -- configuration --------------------------------------------------------------------------------------------


MAX_STEPS = 8
MAX_BANDS = 5


def _bands_from_post(post) -> list[dict]:
    bands = []
    for i in range(MAX_BANDS):
        posts = [post.get(f"band_{i}_step_{j}", "") for j in range(MAX_STEPS)]
        posts = [p for p in posts if p]
        limit = (post.get(f"band_{i}_max") or "").strip()
        if not posts and not limit:
            continue
        bands.append(
            {"max_amount": limit or None, "posts": posts, "needs_deliberation": bool(post.get(f"band_{i}_delib"))}
        )
    return bands


def _band_table(bands) -> list[dict]:
    rows = []
    for i in range(MAX_BANDS):
        band = bands[i] if i < len(bands) else None
        posts = list(band.posts) if band else []
        rows.append(
            {
                "i": i,
                "max": f"{band.max_amount:.2f}" if band and band.max_amount is not None else "",
                "steps": [{"j": j, "post": posts[j] if j < len(posts) else ""} for j in range(MAX_STEPS)],
                "delib": bool(band and band.needs_deliberation),
            }
        )
    return rows


@login_required
@require_action(Action.FINANCE_CONFIGURE)
@api_twin(
    "POST /api/finance/categories",
    "PUT /api/finance/categories/{category_id}",
    "PUT /api/finance/chains/{region_id}",
    "DELETE /api/finance/chains/{region_id}",
    "POST /api/finance/posts",
    "POST /api/finance/posts/{assignment_id}/end",
)
def config(request):
    actor = request.user
    regions = list(selectors.config_regions(actor))
    region = next((r for r in regions if str(r.pk) == (request.POST.get("region") or request.GET.get("region"))), None)
    region = region or (regions[0] if regions else None)
    if region is None:
        raise PermissionDenied()
    county = Region.objects.get(pk=region.county_id or region.pk)
    villages = [
        v
        for v in selectors.villages(actor, Action.FINANCE_CONFIGURE)
        if region.level == RegionLevel.COUNTY or v.township_id == region.pk
    ]
    village = next(
        (v for v in villages if str(v.pk) == (request.POST.get("village") or request.GET.get("village"))), None
    )
    village = village or (villages[0] if villages else None)
    all_categories = selectors.categories(county.pk, active_only=False)
    parents = [c for c in all_categories if c.parent_id is None and c.is_active]
    category_form = CategoryForm(prefix="cat", parents=parents)
    people = []
    if village is not None:
        ids = village.ancestor_ids()
        user_model = get_user_model()
        people = list(
            user_model.objects.filter(is_active=True)
            .filter(
                Q(assignments__region_id=ids["village"])
                | Q(assignments__region_id=ids["township"])
                | Q(assignments__region_id=ids["county"])
            )
            .exclude(assignments__role__in=["villager", "grid_worker", "shopkeeper", "credit_partner"])
            .distinct()
            .order_by("username")
        )
    post_form = PostForm(prefix="post", people=people)
    action = request.POST.get("do", "")
    if request.method == "POST":
        try:
            if action == "category_add":
                category_form = CategoryForm(request.POST, prefix="cat", parents=parents)
                done = submit(
                    request,
                    category_form,
                    lambda data: services.category_save(actor=actor, county=county, **data),
                    done=_("Category added."),
                    to=_config_url(region, village, "categories"),
                )
                if done:
                    return done
            elif action == "category_change":
                found = next((c for c in all_categories if str(c.pk) == request.POST.get("category")), None)
                if found is None:
                    raise Http404()
                services.category_save(
                    actor=actor,
                    county=county,
                    category=found,
                    code=found.code,
                    name=request.POST.get("name", found.name),
                    is_welfare=bool(request.POST.get("is_welfare")),
                    is_active=bool(request.POST.get("is_active")),
                )
                messages.success(request, _("Category saved."))
                return redirect(_config_url(region, village, "categories"))
            elif action == "chain_save":
                services.chain_save(actor=actor, region=region, bands=_bands_from_post(request.POST))
                messages.success(request, _("Approval chain saved. Expenses already submitted keep their chain."))
                return redirect(_config_url(region, village, "chains"))
            elif action == "chain_reset":
                services.chain_reset(actor=actor, region=region)
                messages.success(request, _("The township uses its county's chain again."))
                return redirect(_config_url(region, village, "chains"))
            elif action == "post_assign" and village is not None:
                post_form = PostForm(request.POST, prefix="post", people=people)
                done = submit(
                    request,
                    post_form,
                    lambda data: services.post_assign(
                        actor=actor,
                        village=village,
                        post=data["post"],
                        user=next((u for u in people if u.pk == data["user"]), None),
                    ),
                    done=_("Post assigned."),
                    to=_config_url(region, village, "posts"),
                )
                if done:
                    return done
            elif action == "post_end" and village is not None:
                found = next(
                    (p for p in selectors.posts_of(village.pk) if str(p.pk) == request.POST.get("assignment")), None
                )
                if found is None:
                    raise Http404()
                services.post_end(actor=actor, assignment=found)
                messages.success(request, _("Post holding ended."))
                return redirect(_config_url(region, village, "posts"))
        except DomainError as exc:
            messages_from(request, exc)
    own_bands = selectors.bands_of(region)
    effective = own_bands or selectors.bands_of(county)
    context = {
        "regions": regions,
        "region": region,
        "county": county,
        "villages": villages,
        "village": village,
        "categories": all_categories,
        "category_form": category_form,
        "band_rows": _band_table(effective),
        "own_bands": bool(own_bands),
        "step_range": range(1, MAX_STEPS + 1),
        "posts": Post.choices,
        "holders": selectors.posts_of(village.pk) if village else [],
        "post_form": post_form,
        "is_township": region.level == RegionLevel.TOWNSHIP,
        "bands_error": "",
    }
    return _render(request, "finance/config.html", context)


def _config_url(region, village, anchor: str) -> str:
    query = {"region": region.pk}
    if village is not None:
        query["village"] = village.pk
    return reverse("finance:config") + "?" + urlencode(query) + f"#{anchor}"
