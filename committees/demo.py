"""Demo committees: every demo village has its council (红白理事会), mutual-aid association, seven goods inspection
team and a leader for each village group, seated from its own residents; in the first village the demo accounts sit
on them (``cadre`` chairs, ``gridworker`` is a member and leads the first group), so their procedures can be tried."""

from datetime import date

from django.db import transaction

from accounts.models import User
from committees import services
from committees.models import Committee, CommitteeKind, Post
from regions.models import Region, RegionLevel
from registry.models import Person

SEATED = (CommitteeKind.CUSTOMS_COUNCIL, CommitteeKind.MUTUAL_AID, CommitteeKind.INSPECTION_TEAM)


def seed(county: Region) -> str:
    admin = User.objects.filter(username="county_admin").first()
    if admin is None or Committee.objects.filter(county=county).exists():
        return ""
    accounts = {u.username: u for u in User.objects.filter(username__in=["cadre", "gridworker"])}
    villages = list(Region.objects.filter(county=county, level=RegionLevel.VILLAGE).order_by("code"))
    since = date(date.today().year, 1, 1)
    with transaction.atomic():
        for index, village in enumerate(villages):
            elders = list(Person.objects.filter(village=village, birth_date__lt=date(1970, 1, 1)).order_by("pk")[:12])
            for offset, kind in enumerate(SEATED):
                committee = services.committee_set(actor=admin, village=village, kind=kind)
                seats = elders[offset * 4 : offset * 4 + 3]
                if index == 0:
                    services.member_add(
                        actor=admin,
                        committee=committee,
                        name=accounts["cadre"].display_name or "村支书",
                        post=Post.CHAIR,
                        username="cadre",
                        started_on=since,
                    )
                    services.member_add(
                        actor=admin,
                        committee=committee,
                        name=accounts["gridworker"].display_name or "网格员",
                        username="gridworker",
                        started_on=since,
                    )
                    seats = seats[:2]
                for n, person in enumerate(seats):
                    post = Post.CHAIR if index and n == 0 else Post.MEMBER
                    services.member_add(
                        actor=admin,
                        committee=committee,
                        name=person.name,
                        person=person.pk,
                        post=post,
                        started_on=since,
                    )
            leaders = services.committee_set(actor=admin, village=village, kind=CommitteeKind.GROUP_LEADERS)
            groups = Region.objects.filter(parent=village, level=RegionLevel.GROUP).order_by("code")
            for n, group in enumerate(groups):
                if index == 0 and n == 0:
                    services.member_add(
                        actor=admin,
                        committee=leaders,
                        name=accounts["gridworker"].display_name or "网格员",
                        username="gridworker",
                        group=group.pk,
                        post=Post.CHAIR,
                        started_on=since,
                    )
                    continue
                head = Person.objects.filter(household__group=group).order_by("pk").first()
                if head is not None:
                    services.member_add(
                        actor=admin,
                        committee=leaders,
                        name=head.name,
                        person=head.pk,
                        group=group.pk,
                        post=Post.CHAIR,
                        started_on=since,
                    )
        sectors = seed_sectors(county, admin)
    return (
        f"committees: {Committee.objects.filter(county=county).count()} in {len(villages)} villages, {sectors} sectors"
    )


def seed_sectors(county: Region, admin) -> int:
    """Two sectors in the first village, each led by one of its party members, over half of its grids each."""
    from committees.models import Sector
    from regions.models import Grid
    from registry.models import PartyMember

    village = Region.objects.filter(county=county, level=RegionLevel.VILLAGE).order_by("code").first()
    if village is None or Sector.objects.filter(village=village).exists():
        return 0
    members = list(PartyMember.objects.filter(person__village=village).select_related("person").order_by("pk")[:2])
    grids = list(Grid.objects.filter(village=village, is_active=True).order_by("code"))
    if len(members) < 2 or not grids:
        return 0
    half = (len(grids) + 1) // 2
    for n, (member, part) in enumerate(zip(members, (grids[:half], grids[half:]), strict=True)):
        services.sector_set(
            actor=admin,
            village=village,
            name=("一片区", "二片区")[n],
            leader=member.person_id,
            phone=f"1390834{1000 + n:04d}",
            duties="政策宣传员、党群联络员、矛盾调解员、困难群众服务员、集体经济引导员",
            grids=[g.pk for g in part],
        )
    return 2
