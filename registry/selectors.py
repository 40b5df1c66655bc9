"""Reads of the registry, always scoped to the acting user."""

from __future__ import annotations

import re

from django.db.models import Count, Q, QuerySet

from core import crypto, scope
from core.errors import NotFound
from core.roles import Action
from regions.models import Grid
from registry.models import Household, Organization, PartyBranch, Person, Tag

_ID_LIKE = re.compile(r"^\d{17}[\dXx]$")
_PHONE_LIKE = re.compile(r"^1\d{10}$")
_HAS_DIGIT = re.compile(r"\d")
# The last digits staff type: 4 (手机尾号, or an ID number's last 4, which may end in X) or 6 (an ID number's).
_TAIL4 = re.compile(r"^\d{3}[\dXx]$")
_TAIL6 = re.compile(r"^\d{5}[\dXx]$")


def _identifier_q(q: str, prefix: str = "") -> Q | None:
    """Residents whose identifier matches ``q``: a whole ID number or phone (exact digest), or the last 4 digits
    of a phone / 4 or 6 characters of an ID number (tail digests); None when ``q`` is none of these. Nothing is
    compared in the clear (core.crypto)."""
    if _ID_LIKE.match(q):
        return Q(**{f"{prefix}id_number_digest": crypto.digest(q)})
    if _PHONE_LIKE.match(q):
        return Q(**{f"{prefix}phone_digest": crypto.digest(q)})
    if _TAIL4.match(q):
        tail = Q(**{f"{prefix}id_tail4_digest": crypto.tail_digest("id4", q)})
        if q.isdigit():
            tail |= Q(**{f"{prefix}phone_tail_digest": crypto.tail_digest("phone4", q)})
        return tail
    if _TAIL6.match(q):
        return Q(**{f"{prefix}id_tail6_digest": crypto.tail_digest("id6", q)})
    return None


def _visible_households(actor) -> QuerySet[Household]:
    """Households the actor may see: registry staff by region/grid, a villager their own household."""
    qs = Household.objects.all()
    return qs.filter(
        scope.scope_q(actor, Action.REGISTRY_VIEW, Household)
        | scope.scope_q(actor, Action.REGISTRY_VIEW_OWN, Household)
    )


def placed_households(actor, village_id: int) -> QuerySet[Household]:
    """The households of a village the actor may see that are placed on the map (the one map's household layer)."""
    return _visible_households(actor).filter(village_id=village_id, latitude__isnull=False, longitude__isnull=False)


def household_search(
    actor,
    *,
    q: str = "",
    village_id: int | None = None,
    grid_id: int | None = None,
    tag: str = "",
    address: str = "",
) -> QuerySet[Household]:
    """Find households by head or member name, household number, a member's ID number or phone (whole, or the
    last 4 digits of the phone / 4 or 6 of the ID number), part of the address, grid, tag."""
    qs = _visible_households(actor).select_related("village", "grid", "group")
    q = (q or "").strip()
    address = (address or "").strip()
    if q:
        # Only residents the actor may see (the same scope as their households): the subquery then reads
        # the (county|village, name, household) index of the actor's region, not every county's residents.
        visible_people = scope.scope_q(actor, Action.REGISTRY_VIEW, Person) | scope.scope_q(
            actor, Action.REGISTRY_VIEW_OWN, Person
        )
        identifier = _identifier_q(q)
        if identifier is not None and (_ID_LIKE.match(q) or _PHONE_LIKE.match(q)):
            qs = qs.filter(id__in=Person.objects.filter(identifier).values("household_id"))
        elif identifier is not None:
            # a tail (by its digest index) or the start of a household number ("0012")
            tail_households = Person.objects.filter(visible_people, identifier).values("household_id")
            qs = qs.filter(Q(number__startswith=q) | Q(id__in=tail_households))
        else:
            member_households = Person.objects.filter(visible_people, name__contains=q).values("household_id")
            # head_name is always a member's name (the head), so the member subquery covers it; a household
            # number has digits, so a text without any is a name only. Without the OR the database can walk the
            # households in page order and stop at the page's end.
            if _HAS_DIGIT.search(q):
                qs = qs.filter(Q(number__startswith=q) | Q(id__in=member_households))
            else:
                qs = qs.filter(id__in=member_households)
    if address:
        # an address is not an identifier: kept in the clear, matched as typed (a trigram index on PostgreSQL)
        qs = qs.filter(address__icontains=address)
    if village_id:
        qs = qs.filter(village_id=village_id)
    if grid_id:
        qs = qs.filter(grid_id=grid_id)
    if tag:
        # Only tags the actor may see: filtering by a restricted tag must not reveal who has it.
        allowed = tag_choices(actor).filter(code=tag)
        tag_households = Person.objects.filter(tags__in=allowed).values("household_id")
        qs = qs.filter(id__in=tag_households)
    return qs.order_by("village_id", "number")


def with_member_counts(households) -> list[Household]:
    """Attach ``member_count`` to an already-sliced page of households (one query for the page only)."""
    households = list(households)
    counts = dict(
        Person.objects.filter(household__in=[h.pk for h in households])
        .values_list("household_id")
        .annotate(n=Count("id"))
    )
    for h in households:
        h.member_count = counts.get(h.pk, 0)
    return households


def access_household(actor, household_id: int) -> Household:
    """The household if the actor may see it; NotFound for missing and out-of-scope alike."""
    try:
        return _visible_households(actor).select_related("village", "township", "grid", "group").get(pk=household_id)
    except (Household.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def access_household_for_change(actor, household_id: int) -> Household:
    household = access_household(actor, household_id)
    if not scope.in_scope(actor, Action.REGISTRY_CHANGE, household):
        raise NotFound()
    return household


def household_members(actor, household: Household) -> list[Person]:
    return list(visible_people_tags(actor, household.members.order_by("id")))


def visible_tags(actor, person: Person) -> list[Tag]:
    """A person's tags the actor may see: restricted tags only with the right."""
    tags = list(person.tags.all())
    if scope.in_scope(actor, Action.VIEW_RESTRICTED_TAGS, person):
        return tags
    return [t for t in tags if not t.restricted]


def visible_people_tags(actor, qs: QuerySet[Person]) -> QuerySet[Person]:
    return qs.prefetch_related("tags")


def tag_choices(actor, village=None) -> QuerySet[Tag]:
    """Tags the actor may assign/see in forms and filters."""
    qs = Tag.objects.all()
    may_restricted = (
        scope.region_in_scope(actor, Action.VIEW_RESTRICTED_TAGS, village)
        if village is not None
        else scope.can(actor, Action.VIEW_RESTRICTED_TAGS)
    )
    return qs if may_restricted else qs.filter(restricted=False)


def person_search(actor, *, q: str = "", village_id: int | None = None, address: str = "") -> QuerySet[Person]:
    """Find residents by name, ID number or phone (whole, or the last 4 digits of the phone / 4 or 6 of the ID
    number), part of their household's address."""
    qs = Person.objects.filter(
        scope.scope_q(actor, Action.REGISTRY_VIEW, Person) | scope.scope_q(actor, Action.REGISTRY_VIEW_OWN, Person)
    ).select_related("household", "village")
    q = (q or "").strip()
    address = (address or "").strip()
    if q:
        identifier = _identifier_q(q)
        qs = qs.filter(identifier if identifier is not None else Q(name__contains=q))
    if address:
        qs = qs.filter(household__address__icontains=address)
    if village_id:
        qs = qs.filter(village_id=village_id)
    return qs.order_by("village_id", "household_id", "id")


def access_person(actor, person_id: int) -> Person:
    try:
        return (
            Person.objects.filter(
                scope.scope_q(actor, Action.REGISTRY_VIEW, Person)
                | scope.scope_q(actor, Action.REGISTRY_VIEW_OWN, Person)
            )
            .select_related("household", "village")
            .get(pk=person_id)
        )
    except (Person.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def organization_list(actor, *, q: str = "", kind: str = "") -> QuerySet[Organization]:
    qs = scope.scope_filter(actor, Action.REGISTRY_VIEW, Organization.objects.select_related("village", "grid"))
    if q:
        qs = qs.filter(name__contains=q.strip())
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def access_organization(actor, org_id: int) -> Organization:
    try:
        return organization_list(actor).get(pk=org_id)
    except (Organization.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def party_branches(actor) -> QuerySet[PartyBranch]:
    return scope.scope_filter(
        actor, Action.REGISTRY_VIEW, PartyBranch.objects.select_related("village", "secretary")
    ).annotate(member_count=Count("members"))


def access_party_branch(actor, branch_id: int) -> PartyBranch:
    try:
        return party_branches(actor).get(pk=branch_id)
    except (PartyBranch.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def grids_for_choice(actor, village=None) -> QuerySet[Grid]:
    qs = scope.scope_filter(actor, Action.REGISTRY_VIEW, Grid.objects.filter(is_active=True))
    if village is not None:
        qs = qs.filter(village=village)
    return qs


def party_member_people(actor, branch: PartyBranch | None) -> QuerySet[Person]:
    """Members of a branch, as residents (to choose its secretary)."""
    if branch is None:
        return Person.objects.none()
    return Person.objects.filter(party_membership__branch=branch).order_by("name")
