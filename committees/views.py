"""A village's committees and who sits on them (kept by the village's cadres, the township and the county)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from committees import selectors, services
from committees.forms import CommitteeForm, SeatForm, SectorForm
from committees.models import CommitteeKind
from core.roles import Action
from core.views import api_twin, post_back, submit
from regions.models import Grid, Region, RegionLevel
from regions.selectors import villages


def _village(request, keeps):
    """The village the page shows: ``?village=`` among those the actor may read, else the first of them."""
    readable = villages(request.user) | keeps
    chosen = request.GET.get("village") or request.POST.get("village")
    found = readable.filter(pk=chosen).first() if str(chosen or "").isdigit() else None
    return found or keeps.first() or readable.first()


def _sector_form(village, data=None, *, initial=None, prefix="r"):
    from registry.models import PartyMember

    members = (
        PartyMember.objects.filter(person__village_id=village.pk).select_related("person").order_by("person__name")
    )
    grids = Grid.objects.filter(village=village, is_active=True).order_by("code")
    return SectorForm(data, prefix=prefix, members=members, grids=grids, initial=initial)


@login_required
@api_twin("POST /api/committees", "POST /api/committees/{committee_id}/members", "POST /api/committees/sectors")
def home(request):
    actor = request.user
    keeps = villages(actor, Action.COMMITTEES_MANAGE)
    village = _village(request, keeps)
    if village is None:
        raise PermissionDenied()
    editable = keeps.filter(pk=village.pk).exists()
    if request.method == "POST" and not editable:
        raise PermissionDenied()
    found = list(selectors.committees(actor, village.pk))
    rows = {c.kind: c for c in found}
    board = [
        {
            "kind": kind,
            "label": label,
            "committee": rows.get(kind),
            "seats": list(rows[kind].members.current().select_related("user", "group").order_by("post", "name"))
            if kind in rows
            else [],
        }
        for kind, label in CommitteeKind.choices
    ]
    to = f"{reverse('committees:home')}?village={village.pk}"
    committee_form = seat_form = sector_form = None
    done = None
    if editable:
        posted = request.POST if request.method == "POST" else None
        which = (posted or {}).get("form")
        groups = Region.objects.filter(parent=village, level=RegionLevel.GROUP).order_by("code")
        committee_form = CommitteeForm(posted if which == "committee" else None, prefix="c")
        seat_form = SeatForm(posted if which == "seat" else None, prefix="s", committees=found, groups=groups)
        sector_form = _sector_form(village, posted if which == "sector" else None)
        if which == "committee":
            done = submit(
                request,
                committee_form,
                lambda d: services.committee_set(actor=actor, village=village, **d),
                done=_("Saved."),
                to=to,
            )
        elif which == "seat":

            def write(data):
                committee = selectors.managed(actor, data.pop("committee"))
                return services.member_add(actor=actor, committee=committee, **data)

            done = submit(request, seat_form, write, done=_("The member is seated."), to=to)
        elif which == "sector":
            done = submit(
                request,
                sector_form,
                lambda d: services.sector_set(actor=actor, village=village, **d),
                done=_("Saved."),
                to=to,
            )
    return done or render(
        request,
        "committees/home.html",
        {
            "village": village,
            "choices": (villages(actor) | keeps).order_by("code"),
            "board": board,
            "editable": editable,
            "committee_form": committee_form,
            "seat_form": seat_form,
            "sector_form": sector_form,
            "sectors": list(selectors.sectors(village.pk)),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
@api_twin("POST /api/committees/members/{member_id}/end")
def seat_end(request, pk):
    member = selectors.managed_member(request.user, pk)
    return post_back(
        request,
        lambda: services.member_end(actor=request.user, member=member, ended_on=request.POST.get("ended_on") or None),
        done=_("The seat is ended."),
        to=f"{reverse('committees:home')}?village={member.committee.village_id}",
    )


@login_required
@api_twin("POST /api/committees/sectors/{sector_id}")
def sector(request, pk):
    """Change a sector: its name, leader, phone, duties, grids, or take it out of use."""
    found = selectors.managed_sector(request.user, pk)
    village = found.village
    initial = {
        "name": found.name,
        "leader": found.leader_id,
        "phone": found.phone,
        "duties": found.duties,
        "grids": list(found.grids.values_list("pk", flat=True)),
        "active": found.active,
    }
    form = _sector_form(village, request.POST or None, initial=initial, prefix="")
    done = submit(
        request,
        form,
        lambda d: services.sector_set(actor=request.user, village=village, sector=found, **d),
        done=_("Saved."),
        to=f"{reverse('committees:home')}?village={village.pk}",
    )
    return done or render(
        request,
        "committees/sector.html",
        {"sector": found, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def grid_notice(request, village_code):
    """网格公示 without login: the village's sectors and grids with whom to call, printable for the notice board."""
    from django.http import Http404

    from core.errors import NotFound
    from regions.selectors import public_village

    try:
        village = public_village(village_code)
    except NotFound:
        raise Http404() from None
    response = render(request, "committees/grid_notice.html", {"village": village, **selectors.grid_notice(village)})
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
