"""Registry pages: thin translations of HTTP into selector reads and service writes."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import plugins, scope
from core.errors import DomainError
from core.errors import PermissionDenied as DomainPermissionDenied
from core.roles import Action
from core.views import api_twin, paginate, require_action, submit
from regions import selectors as region_selectors
from registry import selectors, services
from registry.forms import (
    HouseholdForm,
    HouseholdSearchForm,
    OrganizationForm,
    PartyBranchForm,
    PartyMemberForm,
    PersonForm,
)


@login_required
@require_action(Action.REGISTRY_VIEW)
def household_list(request):
    villages = region_selectors.villages(request.user)
    grids = region_selectors.grids(request.user)
    form = HouseholdSearchForm(
        request.GET or None, villages=villages, grids=grids, tags=selectors.tag_choices(request.user)
    )
    filters = {"q": "", "village_id": None, "grid_id": None, "tag": "", "address": ""}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "q": data["q"],
            "address": data["address"],
            "village_id": getattr(data["village"], "pk", None),
            "grid_id": getattr(data["grid"], "pk", None),
            "tag": data["tag"],
        }
    page = paginate(request, selectors.household_search(request.user, **filters), decorate=selectors.with_member_counts)
    template = "registry/_household_rows.html" if request.htmx else "registry/household_list.html"
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "can_change": scope.can(request.user, Action.REGISTRY_CHANGE),
            "can_export": scope.can(request.user, Action.REGISTRY_EXPORT),
            "query": request.GET.urlencode(),
        },
    )


def _household_form(request, *, household=None, data=None, initial=None):
    villages = region_selectors.villages(request.user, Action.REGISTRY_CHANGE)
    village = household.village if household else None
    grids = region_selectors.grids(request.user, Action.REGISTRY_CHANGE)
    groups = region_selectors.village_groups(request.user, Action.REGISTRY_CHANGE)
    if village is not None:
        grids, groups = grids.filter(village=village), groups.filter(parent=village)
    elif villages.count() == 1:
        initial = {**(initial or {}), "village": villages.first()}
    return HouseholdForm(
        data, initial=initial, villages=villages, grids=grids, groups=groups, fixed_village=household is not None
    )


@login_required
@require_action(Action.REGISTRY_CHANGE)
@api_twin("POST /api/households")
def household_create(request):
    form = _household_form(request, data=request.POST or None)
    done = submit(
        request,
        form,
        lambda data: services.household_create(actor=request.user, **data),
        done=_("Household created. Now add its members."),
        to=lambda household: ("registry:person_create", {"household_id": household.pk}),
    )
    return done or render(request, "registry/household_form.html", {"form": form, "household": None})


@login_required
def household_detail(request, household_id):
    household = selectors.access_household(request.user, household_id)
    members = selectors.household_members(request.user, household)
    rows = [
        {
            "person": p,
            "tags": selectors.visible_tags(request.user, p),
            "can_reveal_id": scope.in_scope(request.user, Action.REVEAL_ID_NUMBER, p),
            "can_reveal_phone": scope.in_scope(request.user, Action.REVEAL_PHONE, p),
        }
        for p in members
    ]
    return render(
        request,
        "registry/household_detail.html",
        {
            "household": household,
            "rows": rows,
            "can_change": scope.in_scope(request.user, Action.REGISTRY_CHANGE, household),
            "staff": list(household.grid.staff.all()) if household.grid_id else [],
            "can_view_grid": scope.can(request.user, Action.REGISTRY_VIEW),
            "can_reveal_any": any(r["can_reveal_id"] or r["can_reveal_phone"] for r in rows),
            # what the other apps show of the household (points of the year, its incidents), core.plugins
            "panels": plugins.household_panels(request.user, household),
        },
    )


@login_required
def my_household(request):
    own = selectors.household_search(request.user).filter(pk__in=scope.targets(request.user, "household"))
    household = own.first()
    if household is None:
        raise Http404()
    return redirect("registry:household_detail", household_id=household.pk)


@login_required
@require_action(Action.REGISTRY_CHANGE)
@api_twin("PATCH /api/households/{household_id}")
def household_edit(request, household_id):
    household = selectors.access_household_for_change(request.user, household_id)
    initial = {f: getattr(household, f) for f in services.HOUSEHOLD_FIELDS}
    initial["village"] = household.village
    form = _household_form(request, household=household, data=request.POST or None, initial=initial)
    done = submit(
        request,
        form,
        lambda data: services.household_update(
            actor=request.user,
            household=household,
            **{k: v for k, v in data.items() if k in services.HOUSEHOLD_FIELDS},
        ),
        done=_("Household saved."),
        to=("registry:household_detail", {"household_id": household.pk}),
    )
    return done or render(request, "registry/household_form.html", {"form": form, "household": household})


@login_required
@require_action(Action.REGISTRY_CHANGE)
@api_twin("POST /api/households/{household_id}/members")
def person_create(request, household_id):
    household = selectors.access_household_for_change(request.user, household_id)
    tags = selectors.tag_choices(request.user, household.village)
    form = PersonForm(request.POST or None, tags=tags)
    done = submit(
        request,
        form,
        lambda data: services.person_create(actor=request.user, household=household, **data),
        done=_("Member added."),
        to=(
            "registry:person_create" if "add_another" in request.POST else "registry:household_detail",
            {"household_id": household.pk},
        ),
    )
    return done or render(request, "registry/person_form.html", {"form": form, "household": household, "person": None})


@login_required
@require_action(Action.REGISTRY_CHANGE)
@api_twin("PATCH /api/people/{person_id}")
def person_edit(request, person_id):
    person = selectors.access_person(request.user, person_id)
    if not scope.in_scope(request.user, Action.REGISTRY_CHANGE, person):
        raise Http404()
    tags = selectors.tag_choices(request.user, person.village)
    initial = {
        "name": person.name,
        "relation": person.relation,
        "gender": person.gender,
        "birth_date": person.birth_date,
        "tags": [t for t in person.tags.all() if t in tags],
        "is_deceased": person.is_deceased,
    }
    form = PersonForm(request.POST or None, initial=initial, tags=tags, editing=True)
    done = submit(
        request,
        form,
        lambda data: services.person_update(
            actor=request.user,
            person=person,
            **{**data, "id_number": data["id_number"] or None, "phone": data["phone"] or None},
        ),
        done=_("Resident saved."),
        to=("registry:household_detail", {"household_id": person.household_id}),
    )
    return done or render(
        request, "registry/person_form.html", {"form": form, "household": person.household, "person": person}
    )


@login_required
@require_POST
@api_twin("POST /api/people/{person_id}/reveal/{field}")
def person_reveal(request, person_id, field):
    person = selectors.access_person(request.user, person_id)
    try:
        value = services.person_reveal(actor=request.user, person=person, field=field)
    except (DomainPermissionDenied, DomainError):
        raise PermissionDenied() from None
    return render(request, "registry/_revealed.html", {"value": value})


@login_required
@require_action(Action.REGISTRY_VIEW)
def person_list(request):
    q, address = request.GET.get("q", "")[:50], request.GET.get("address", "")[:100]
    page = paginate(request, selectors.person_search(request.user, q=q, address=address).prefetch_related("tags"))
    return render(request, "registry/person_list.html", {"page": page, "q": q, "address": address})


@login_required
@require_action(Action.REGISTRY_VIEW)
def organization_list(request):
    q, kind = request.GET.get("q", ""), request.GET.get("kind", "")
    page = paginate(request, selectors.organization_list(request.user, q=q, kind=kind))
    from registry.models import OrganizationKind

    return render(
        request,
        "registry/organization_list.html",
        {
            "page": page,
            "q": q,
            "kind": kind,
            "kinds": OrganizationKind.choices,
            "can_change": scope.can(request.user, Action.REGISTRY_CHANGE),
        },
    )


def _organization_form(request, organization=None, data=None, initial=None):
    villages = region_selectors.villages(request.user, Action.REGISTRY_CHANGE)
    grids = region_selectors.grids(request.user, Action.REGISTRY_CHANGE)
    if organization is not None:
        grids = grids.filter(village=organization.village)
    elif villages.count() == 1:
        initial = {**(initial or {}), "village": villages.first()}
    return OrganizationForm(
        data, initial=initial, villages=villages, grids=grids, fixed_village=organization is not None
    )


def _organization_page(request, org=None):
    """The form of a new organization (``org`` None) or of an organization's change."""
    fields = ["village", "name", "kind", "credit_code", "legal_representative", "contact_phone", "address", "grid"]
    initial = {f: getattr(org, f) for f in fields} if org is not None else None
    form = _organization_form(request, org, request.POST or None, initial)

    def write(data):
        if org is None:
            return services.organization_create(actor=request.user, **data)
        changes = {k: v for k, v in data.items() if k != "village"}
        return services.organization_update(actor=request.user, organization=org, **changes)

    done = submit(request, form, write, done=_("Organization saved."), to="registry:organization_list")
    return done or render(request, "registry/organization_form.html", {"form": form, "organization": org})


@login_required
@require_action(Action.REGISTRY_CHANGE)
@api_twin("POST /api/organizations")
def organization_create(request):
    return _organization_page(request)


@login_required
@require_action(Action.REGISTRY_CHANGE)
@api_twin("PATCH /api/organizations/{org_id}")
def organization_edit(request, org_id):
    org = selectors.access_organization(request.user, org_id)
    if not scope.in_scope(request.user, Action.REGISTRY_CHANGE, org):
        raise Http404()
    return _organization_page(request, org)


@login_required
@require_action(Action.REGISTRY_VIEW)
def party_list(request):
    return render(
        request,
        "registry/party_list.html",
        {
            "branches": selectors.party_branches(request.user),
            "can_change": scope.can(request.user, Action.REGISTRY_CHANGE),
        },
    )


@login_required
@require_action(Action.REGISTRY_VIEW)
def party_detail(request, branch_id):
    branch = selectors.access_party_branch(request.user, branch_id)
    members = branch.members.select_related("person", "person__household").prefetch_related("linked_households")
    return render(
        request,
        "registry/party_detail.html",
        {
            "branch": branch,
            "members": members,
            "can_change": scope.in_scope(request.user, Action.REGISTRY_CHANGE, branch),
        },
    )


@login_required
@require_action(Action.REGISTRY_CHANGE)
@api_twin("POST /api/party-branches", "PATCH /api/party-branches/{branch_id}")
def party_branch_form(request, branch_id=None):
    branch = selectors.access_party_branch(request.user, branch_id) if branch_id else None
    if branch is not None and not scope.in_scope(request.user, Action.REGISTRY_CHANGE, branch):
        raise Http404()
    villages = region_selectors.villages(request.user, Action.REGISTRY_CHANGE)
    members = selectors.party_member_people(request.user, branch)
    initial = {"village": branch.village, "name": branch.name, "secretary": branch.secretary} if branch else None
    if branch is None and villages.count() == 1:
        initial = {"village": villages.first()}
    form = PartyBranchForm(
        request.POST or None, initial=initial, villages=villages, members=members, fixed_village=branch is not None
    )

    def write(data):
        if branch is None:
            return services.party_branch_create(actor=request.user, village=data["village"], name=data["name"])
        services.party_branch_update(actor=request.user, branch=branch, name=data["name"], secretary=data["secretary"])
        return branch

    done = submit(
        request,
        form,
        write,
        done=_("Party branch saved."),
        to=lambda saved: ("registry:party_detail", {"branch_id": saved.pk}),
    )
    return done or render(request, "registry/party_branch_form.html", {"form": form, "branch": branch})


@login_required
@require_action(Action.REGISTRY_CHANGE)
@api_twin("POST /api/party-branches/{branch_id}/members", "PATCH /api/party-branches/{branch_id}/members/{member_id}")
def party_member_form(request, branch_id, member_id=None):
    branch = selectors.access_party_branch(request.user, branch_id)
    if not scope.in_scope(request.user, Action.REGISTRY_CHANGE, branch):
        raise Http404()
    member = get_object_or_404(branch.members.select_related("person"), pk=member_id) if member_id else None
    people = selectors.person_search(request.user, village_id=branch.village_id).filter(
        party_membership__isnull=True, is_deceased=False
    )
    households = selectors.household_search(request.user, village_id=branch.village_id)
    initial = None
    if member is not None:
        initial = {"joined_on": member.joined_on, "linked_households": list(member.linked_households.all())}
    form = PartyMemberForm(
        request.POST or None, initial=initial, people=people, households=households, editing=member is not None
    )

    def write(data):
        if member is None:
            services.party_member_add(
                actor=request.user,
                branch=branch,
                person=data["person"],
                joined_on=data["joined_on"],
                linked_households=list(data["linked_households"]),
            )
        else:
            services.party_member_update(
                actor=request.user,
                member=member,
                joined_on=data["joined_on"],
                linked_households=list(data["linked_households"]),
            )

    done = submit(
        request,
        form,
        write,
        done=_("Party member saved."),
        to=("registry:party_detail", {"branch_id": branch.pk}),
    )
    return done or render(
        request, "registry/party_member_form.html", {"form": form, "branch": branch, "member": member}
    )
