"""Pages of the county's service catalogue: the service guide (办事指南, by level and category, printable as the
village's guide), one item with its versions, the county administrator's pages to admit, change (a new version),
retire and readmit items, the "一件事一次办" bundles and the list of certificates a village may issue. Thin: reads
and writes through doorstep.catalogue."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import scope
from core.errors import NotFound
from core.roles import Action
from core.views import api_twin, post_back, require_action, submit
from doorstep import catalogue, catalogue_selectors, people
from doorstep.catalogue_forms import BundleForm, CertificateKindForm, ItemForm, ReadmitForm, RetireForm
from doorstep.models import VERSION_FIELDS, Category, Level

STATUS_CHOICES = [
    ("current", gettext_lazy("In the catalogue")),
    ("retired", gettext_lazy("Retired from the catalogue")),
    ("all", gettext_lazy("All")),
]


def _pick(counties, wanted):
    return next((c for c in counties if str(c.pk) == str(wanted or "")), counties[0] if counties else None)


def _reading_county(request):
    if not catalogue_selectors.may_read(request.user):
        raise PermissionDenied()
    counties = list(catalogue_selectors.reading_counties(request.user))
    return _pick(counties, request.GET.get("county")), counties


def _managed_county(request, row=None):
    counties = list(catalogue_selectors.managed_counties(request.user))
    if row is not None:
        county = next((c for c in counties if c.pk == row.county_id), None)
    else:
        county = _pick(counties, request.GET.get("county") or request.POST.get("county"))
    if county is None:
        raise NotFound()
    return county


def apply_url(actor, item) -> str | None:
    """Where the actor applies for the item (the request page, ?item=), when they may: a villager for an item
    applied for on the phone, an agent for an item an agent may take, the counter for any item in force."""
    if item.current_id is None or not item.in_force(timezone.localdate()):
        return None
    version = item.current
    may = (
        scope.can(actor, Action.SERVICE_HANDLE)
        or (version.agent_may and bool(people.serving_villages(actor)))
        or (version.online and scope.can(actor, Action.SERVICE_APPLY))
    )
    return f"{reverse('doorstep:new')}?item={item.pk}" if may else None


@login_required
def guide(request):
    """办事指南: the county's items by level and category, with materials, time limit, fee, where, 可代办 and
    可掌上办; filters; printed as the village's guide (事项名称、所需材料、办理时限)."""
    actor = request.user
    county, counties = _reading_county(request)
    can_manage = catalogue_selectors.may_configure(actor, county)
    level = request.GET.get("level", "")
    level = level if level in Level.values else ""
    category = request.GET.get("category", "")
    category = category if category in Category.values else ""
    text = request.GET.get("q", "").strip()[:80]
    status = request.GET.get("status", "current")
    status = status if can_manage and status in catalogue_selectors.STATUSES else "current"
    today = timezone.localdate()
    village = catalogue_selectors.home_village(actor)
    rows = list(
        catalogue_selectors.items(actor, county, level=level, category=category, text=text, status=status, day=today)
    )
    for row in rows:
        row.retired_now = not row.in_force(today)
    return render(
        request,
        "doorstep/catalogue.html",
        {
            "county": county,
            "counties": counties,
            "can_manage": can_manage,
            "groups": catalogue_selectors.guide(rows),
            "count": len(rows),
            "levels": Level.choices,
            "categories": Category.choices,
            "statuses": STATUS_CHOICES,
            "level": level,
            "category": category,
            "q": text,
            "status": status,
            "filtered": bool(level or category or text or status != "current"),
            "today": today,
            "village": village,
            "point": catalogue_selectors.village_point(village),
        },
    )


@login_required
def item_page(request, pk):
    actor = request.user
    if not catalogue_selectors.may_read(actor):
        raise PermissionDenied()
    item = catalogue_selectors.item_for(actor, pk)
    today = timezone.localdate()
    can_manage = catalogue_selectors.may_configure(actor, item.county)
    return render(
        request,
        "doorstep/catalogue_item.html",
        {
            "item": item,
            "version": item.current,
            "versions": list(catalogue_selectors.versions(item)),
            "in_force": item.in_force(today),
            "apply_url": apply_url(actor, item),
            "bundles": [b for b in catalogue_selectors.bundles(actor, item.county_id) if item in b.items.all()],
            "can_manage": can_manage,
            "retire_form": RetireForm() if can_manage and item.retired_on is None else None,
            "readmit_form": ReadmitForm() if can_manage and item.retired_on is not None else None,
        },
    )


def _kinds(county):
    from doorstep.models import CertificateKind

    return CertificateKind.objects.filter(county=county).order_by("code")


@login_required
@require_action(Action.SERVICE_CONFIGURE)
@api_twin("POST /api/doorstep/catalogue")
def item_new(request):
    """准入: a new item of the county's catalogue."""
    county = _managed_county(request)
    form = ItemForm(request.POST or None, kinds=_kinds(county), initial={"admitted_on": timezone.localdate()})

    def write(data):
        return catalogue.item_create(request.user, county, **data)

    done = submit(
        request,
        form,
        write,
        done=lambda item: _("“%(name)s” was added to the catalogue.") % {"name": item},
        to=lambda item: reverse("doorstep:item", args=[item.pk]),
    )
    status = 400 if request.method == "POST" else 200
    return done or render(
        request, "doorstep/catalogue_form.html", {"form": form, "county": county, "item": None}, status=status
    )


@login_required
@require_POST
@require_action(Action.SERVICE_CONFIGURE)
@api_twin("POST /api/doorstep/catalogue/install")
def install(request):
    """The county administrator installs the default catalogue: what the county lacks, by code."""
    from doorstep import defaults

    county = _managed_county(request)
    return post_back(
        request,
        lambda: defaults.install(county, actor=request.user),
        done=lambda added: (
            _("Installed: %(items)s items, %(kinds)s kinds of certificate, %(bundles)s bundles.")
            % {"items": added["items"], "kinds": added["certificate_kinds"], "bundles": added["bundles"]}
        ),
        to=reverse("doorstep:catalogue") + f"?county={county.pk}",
    )


@login_required
@require_action(Action.SERVICE_CONFIGURE)
@api_twin("POST /api/doorstep/catalogue/{item_id}/versions")
def item_edit(request, pk):
    """A change of an item: saved as a new version; requests already made keep theirs."""
    item = catalogue_selectors.item_for(request.user, pk)
    county = _managed_county(request, item)
    version = item.current
    initial = {field: getattr(version, field) for field in VERSION_FIELDS}
    initial["materials"] = "\n".join(version.materials)
    form = ItemForm(request.POST or None, editing=True, initial=initial)

    def write(data):
        return catalogue.item_change(request.user, item, **data)

    done = submit(
        request,
        form,
        write,
        done=lambda changed: _("Saved as version %(n)s.") % {"n": changed.current.number},
        to=lambda changed: reverse("doorstep:item", args=[changed.pk]),
    )
    status = 400 if request.method == "POST" else 200
    return done or render(
        request,
        "doorstep/catalogue_form.html",
        {"form": form, "county": county, "item": item, "version": version},
        status=status,
    )


def _dated(request, pk, form_class, field, write, done):
    """Retire or admit again an item on a date (the form's, or the posted text for the service to refuse)."""
    item = catalogue_selectors.item_for(request.user, pk)
    _managed_county(request, item)
    to = reverse("doorstep:item", args=[item.pk])
    if request.method != "POST":
        return redirect(to)
    form = form_class(request.POST)
    day = form.cleaned_data.get(field) if form.is_valid() else request.POST.get(field)
    return post_back(request, lambda: write(request.user, item, day), done=done, to=to)


@login_required
@require_action(Action.SERVICE_CONFIGURE)
@api_twin("POST /api/doorstep/catalogue/{item_id}/retire")
def item_retire(request, pk):
    return _dated(
        request,
        pk,
        RetireForm,
        "retired_on",
        catalogue.item_retire,
        lambda found: _("“%(name)s” is retired from %(day)s.") % {"name": found, "day": found.retired_on},
    )


@login_required
@require_action(Action.SERVICE_CONFIGURE)
@api_twin("POST /api/doorstep/catalogue/{item_id}/readmit")
def item_readmit(request, pk):
    return _dated(
        request,
        pk,
        ReadmitForm,
        "admitted_on",
        catalogue.item_readmit,
        lambda found: _("“%(name)s” is in the catalogue again.") % {"name": found},
    )


@login_required
@api_twin("POST /api/doorstep/bundles")
def bundles(request):
    """一件事一次办: the county's bundles with the items each opens and the materials asked for once; the county
    administrator adds or changes them."""
    from doorstep.services import checklist

    actor = request.user
    county, counties = _reading_county(request)
    can_manage = catalogue_selectors.may_configure(actor, county)
    if request.method == "POST" and not can_manage:
        raise NotFound()
    rows = list(catalogue_selectors.bundles(actor, county, status="all" if can_manage else "current"))
    today = timezone.localdate()
    for bundle in rows:
        listed = [i for i in bundle.items.all() if i.current_id]
        bundle.listed = listed
        bundle.stale = [i for i in listed if not i.in_force(today)]
        bundle.checklist = checklist(listed)
        bundle.days = max((i.current.time_limit_days for i in listed), default=0)
    form = None
    if can_manage:
        choices = list(catalogue_selectors.items(actor, county))
        initial = {"active": True}
        editing = next((b for b in rows if b.code == request.GET.get("edit")), None)
        if editing is not None:
            initial = {
                "code": editing.code,
                "name": editing.name,
                "description": editing.description,
                "items": [i.pk for i in editing.listed],
                "active": editing.active,
            }
        form = BundleForm(request.POST or None, items=choices, initial=initial)
        done = submit(
            request,
            form,
            lambda data: catalogue.bundle_set(actor, county, **data),
            done=lambda bundle: _("“%(name)s” was saved.") % {"name": bundle.name},
            to=lambda bundle: reverse("doorstep:bundles") + f"?county={county.pk}#bundle-{bundle.pk}",
        )
        if done:
            return done
    status = 400 if request.method == "POST" else 200
    may_apply = scope.can(actor, Action.SERVICE_APPLY) or scope.can(actor, Action.SERVICE_HANDLE)
    apply = reverse("doorstep:new") if may_apply else None
    return render(
        request,
        "doorstep/bundles.html",
        {"county": county, "counties": counties, "rows": rows, "form": form, "can_manage": can_manage, "apply": apply},
        status=status,
    )


@login_required
@api_twin("POST /api/doorstep/certificate-kinds")
def certificate_kinds(request):
    """村级证明: the county's list of the certificates a village may issue (罗江 cut them to 4), with the item that
    asks for each; the county administrator keeps the list."""
    actor = request.user
    county, counties = _reading_county(request)
    can_manage = catalogue_selectors.may_configure(actor, county)
    if request.method == "POST" and not can_manage:
        raise NotFound()
    today = timezone.localdate()
    rows = list(catalogue_selectors.certificate_kinds(actor, county, status="all" if can_manage else "current"))
    listed = {i.certificate_id: i for i in catalogue_selectors.items(actor, county, category=Category.CERTIFICATE)}
    for kind in rows:
        kind.in_force_now = kind.in_force(today)
        kind.item = listed.get(kind.pk)
    form = None
    if can_manage:
        codes = catalogue.certificate_codes()
        initial = {"admitted_on": today}
        editing = next((k for k in rows if k.code == request.GET.get("edit")), None)
        if editing is not None:
            initial = {
                "code": editing.code,
                "name": editing.name,
                "basis": editing.basis,
                "admitted_on": editing.admitted_on,
                "retired_on": editing.retired_on,
            }
        form = CertificateKindForm(request.POST or None, codes=codes, initial=initial)
        done = submit(
            request,
            form,
            lambda data: catalogue.certificate_kind_set(actor, county, **data),
            done=lambda kind: _("“%(name)s” was saved.") % {"name": kind.name},
            to=lambda kind: reverse("doorstep:certificate_kinds") + f"?county={county.pk}",
        )
        if done:
            return done
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "doorstep/catalogue_certificates.html",
        {"county": county, "counties": counties, "rows": rows, "form": form, "can_manage": can_manage},
        status=status,
    )


# the guide is "catalogue" (the page a villager opens); an item's page "item"
urlpatterns = [
    path("catalogue/", guide, name="catalogue"),
    path("catalogue/install/", install, name="catalogue_install"),
    path("catalogue/new/", item_new, name="item_new"),
    path("catalogue/<int:pk>/", item_page, name="item"),
    path("catalogue/<int:pk>/edit/", item_edit, name="item_edit"),
    path("catalogue/<int:pk>/retire/", item_retire, name="item_retire"),
    path("catalogue/<int:pk>/readmit/", item_readmit, name="item_readmit"),
    path("bundles/", bundles, name="bundles"),
    path("certificate-kinds/", certificate_kinds, name="certificate_kinds"),
]
