"""Demo meetings for the first demo village, written through the services at the moments they would have happened:

- the rosters: villagers' representatives (one per about 10 households, women a third and more), the two
  committees (7), the 党群议事会 (24);
- a 村民会议 held two months ago that adopted the delegation of 公益事业筹资筹劳 to the representatives (recorded);
- a 村民代表会议 held two weeks ago: sign-in, a roll-call vote (adopted), a show of hands under the delegation
  (adopted), minutes;
- a 村民会议 in session now, noticed 11 days ago, its motion on the 村规民约 open for votes: the demo villager signs
  in and votes on the phone;
- a 党群议事会 noticed for next week.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from meetings import rules, services
from meetings.models import Body, Meeting, MeetingKind, VoteMethod
from regions.models import Region, RegionLevel
from registry.models import Gender, Household, Person

DEMO_TITLE = "第三季度村民代表会议"


def _roster_empty(village, body) -> bool:
    from meetings.models import RosterMember

    return not RosterMember.objects.filter(village=village, body=body, until__isnull=True).exists()


def _adults(village, day):
    cutoff = day.replace(year=day.year - rules.ADULT_AGE)
    return Person.objects.filter(village=village, is_deceased=False, birth_date__lte=cutoff).order_by(
        "household__number", "id"
    )


def _one_per_household(people, count, *, women_share=0.4, skip=()):
    """``count`` adults of different households, about ``women_share`` of them women."""
    women_wanted = round(count * women_share)
    chosen, seen = [], set(skip)
    women = [p for p in people if p.gender == Gender.FEMALE]
    men = [p for p in people if p.gender != Gender.FEMALE]
    for pool, wanted in ((women, women_wanted), (men, count - women_wanted)):
        taken = 0
        for p in pool:
            if taken >= wanted:
                break
            if p.household_id in seen:
                continue
            seen.add(p.household_id)
            chosen.append(p)
            taken += 1
    return chosen


def _hold(cadre, meeting, *, sign_in, at, motions):
    """Open ``meeting`` at ``at``, sign in ``sign_in`` entries, decide ``motions`` [(motion, method, choices)]."""
    services.meeting_step(actor=cadre, meeting=meeting, step="open", now=at)
    services.attendance_sign_in_by_clerk(actor=cadre, meeting=meeting, entries=sign_in, now=at + timedelta(minutes=10))
    moment = at + timedelta(minutes=40)
    for motion, method, choices in motions:
        services.motion_open(actor=cadre, motion=motion, method=method)
        if method == VoteMethod.HANDS:
            services.motion_record_totals(actor=cadre, motion=motion, **choices, now=moment)
        else:
            for entry, choice in zip(sign_in, choices, strict=False):
                services.vote_record_by_clerk(actor=cadre, motion=motion, entry=entry, choice=choice, now=moment)
            services.motion_close(actor=cadre, motion=motion, now=moment + timedelta(minutes=5))
        moment += timedelta(minutes=20)
    services.meeting_step(actor=cadre, meeting=meeting, step="close", now=moment)
    return moment


@transaction.atomic
def seed(county) -> str:
    users = get_user_model()
    cadre = users.objects.filter(username="cadre").first()
    township = Region.objects.filter(level=RegionLevel.TOWNSHIP, county=county).order_by("code").first()
    village = Region.objects.filter(level=RegionLevel.VILLAGE, township=township).order_by("code").first()
    if cadre is None or village is None or Meeting.objects.filter(village=village, title=DEMO_TITLE).exists():
        return ""
    now = timezone.now()
    today = timezone.localdate()
    adults = list(_adults(village, today).select_related("household"))
    households = Household.objects.filter(village=village).count()
    if len(adults) < 40:
        return ""
    villager = users.objects.filter(username="villager").first()
    villager_households = {a.household_id for a in villager.assignments.all()} if villager else set()

    term = today.replace(year=today.year - 1, month=1, day=1)  # elected in the 2025 general election
    # -- rosters ---------------------------------------------------------------------------------------------
    reps = _one_per_household(adults, max(3, households // 10), skip=villager_households)
    for p in reps if _roster_empty(village, Body.REPRESENTATIVES) else []:
        services.roster_add(
            actor=cadre,
            village=village,
            body=Body.REPRESENTATIVES,
            person=p,
            households=10,
            post="村民代表",
            since=term,
        )
    posts = [
        "村党支部书记、村委会主任",
        "村党支部副书记",
        "村委会副主任",
        "村委委员（妇联主席）",
        "村委委员",
        "村委委员",
        "村务专干",
    ]
    committee = (
        _one_per_household(adults[::-1], 7, women_share=0.3) if _roster_empty(village, Body.TWO_COMMITTEES) else []
    )
    for p, post in zip(committee, posts, strict=False):
        services.roster_add(actor=cadre, village=village, body=Body.TWO_COMMITTEES, person=p, post=post, since=term)
    masses = _one_per_household(adults[len(adults) // 3 :], 24, women_share=0.4)
    for p in masses if _roster_empty(village, Body.PARTY_MASSES) else []:
        services.roster_add(actor=cadre, village=village, body=Body.PARTY_MASSES, person=p, since=term)

    # -- a 村民会议 two months ago: delegation of 公益事业筹资筹劳 to the representatives ---------------------------
    held = now - timedelta(days=60)
    assembly = services.meeting_create(
        actor=cadre,
        village=village,
        kind=MeetingKind.VILLAGERS_ASSEMBLY,
        title="村民会议：授权村民代表会议决定公益事业筹资筹劳",
        starts_at=held,
        place="村文化广场",
        agenda="一、审议授权村民代表会议决定本年度公益事业筹资筹劳事项\n二、通报上半年村务",
        now=held - timedelta(days=13),
    )
    assembly = services.meeting_notice(actor=cadre, meeting=assembly, now=held - timedelta(days=12))
    grant = services.motion_add(
        actor=cadre,
        meeting=assembly,
        title="授权村民代表会议决定本年度公益事业筹资筹劳方案",
        text="授权期限一年。筹资筹劳方案经村民代表会议表决后张榜公布。",
    )
    entries = list(assembly.register.all())
    present = entries[: len(entries) * 3 // 5]
    n = len(present)
    _hold(
        cadre,
        assembly,
        sign_in=present,
        at=held,
        motions=[
            (
                grant,
                VoteMethod.HANDS,
                {"votes_for": n - n // 8, "votes_against": n // 10, "votes_abstain": n // 8 - n // 10},
            ),
        ],
    )
    services.meeting_step(
        actor=cadre,
        meeting=assembly,
        step="minutes",
        data={
            "minutes": "会议以举手方式表决，通过授权村民代表会议决定本年度公益事业筹资筹劳方案，授权一年。",
            "chair": "村委会主任",
            "recorder": "村务专干",
        },
        now=held + timedelta(hours=3),
    )
    grant.refresh_from_db()
    services.delegation_create(
        actor=cadre,
        motion=grant,
        matter="public_works",
        valid_from=held.date(),
        valid_until=held.date() + timedelta(days=365),
    )

    # -- a 村民代表会议 two weeks ago -------------------------------------------------------------------------------
    held = now - timedelta(days=14)
    reps_meeting = services.meeting_create(
        actor=cadre,
        village=village,
        kind=MeetingKind.REPRESENTATIVES,
        title=DEMO_TITLE,
        starts_at=held,
        place="村委会会议室",
        agenda="一、审议村道亮化工程实施方案\n二、表决2026年公益事业筹资筹劳方案（经村民会议授权）",
        now=held - timedelta(days=6),
    )
    reps_meeting = services.meeting_notice(actor=cadre, meeting=reps_meeting, now=held - timedelta(days=5))
    lights = services.motion_add(
        actor=cadre,
        meeting=reps_meeting,
        title="村道亮化工程实施方案",
        text="安装太阳能路灯 60 盏，预算 18 万元，由镇财政所代管资金。",
    )
    works = services.motion_add(
        actor=cadre,
        meeting=reps_meeting,
        title="2026年公益事业筹资筹劳方案",
        text="每户筹劳 2 个工日用于水渠清淤，不筹资。",
        reserved_matter="public_works",
    )
    entries = list(reps_meeting.register.all())
    present = entries[: max(len(entries) * 5 // 6, rules.need_two_thirds(len(entries)))]
    n = len(present)
    choices = ["for"] * (n - 3) + ["against", "abstain", "for"]
    end = _hold(
        cadre,
        reps_meeting,
        sign_in=present,
        at=held,
        motions=[
            (lights, VoteMethod.BALLOT, choices),
            (works, VoteMethod.HANDS, {"votes_for": n - 2, "votes_against": 1, "votes_abstain": 1}),
        ],
    )
    services.meeting_step(
        actor=cadre,
        meeting=reps_meeting,
        step="minutes",
        data={
            "minutes": (
                f"会议由村委会主任主持，应到代表 {len(entries)} 人，实到 {n} 人，符合法定人数。\n"
                "一、村道亮化工程实施方案：记名表决通过，由村委会组织实施，结果公开。\n"
                "二、2026年公益事业筹资筹劳方案：依村民会议授权，举手表决通过，张榜公布。"
            ),
            "chair": "村委会主任",
            "recorder": "村务专干",
        },
        now=end + timedelta(hours=1),
    )

    # -- a 村民会议 in session now: the demo villager signs in and votes -------------------------------------------
    starts = now + timedelta(minutes=30)
    current = services.meeting_create(
        actor=cadre,
        village=village,
        kind=MeetingKind.VILLAGERS_ASSEMBLY,
        title="村民会议：修订村规民约",
        starts_at=starts,
        place="村文化广场",
        agenda="一、审议《村规民约（修订草案）》（已经镇政府审核）\n二、通报村务",
        now=now - timedelta(days=12),
    )
    current = services.meeting_notice(actor=cadre, meeting=current, now=now - timedelta(days=11))
    rules_motion = services.motion_add(
        actor=cadre,
        meeting=current,
        title="《村规民约（修订草案）》",
        text="新增“红白事简办”“门前三包”两条，删去罚款条款（不得滥用强制处罚）。",
        reserved_matter="village_rules",
    )
    services.motion_add(actor=cadre, meeting=current, title="村级公益岗位设置（意见征集后再议）")
    services.meeting_step(actor=cadre, meeting=current, step="open")
    others = list(
        current.register.exclude(household_id__in=villager_households).exclude(
            person__household_id__in=villager_households
        )
    )
    services.attendance_sign_in_by_clerk(
        actor=cadre, meeting=current, entries=others[: rules.need_more_than_half(current.register_size)]
    )
    services.motion_open(actor=cadre, motion=rules_motion, method=VoteMethod.BALLOT)

    # -- a 党群议事会 next week -----------------------------------------------------------------------------------
    nxt = now + timedelta(days=7)
    council = services.meeting_create(
        actor=cadre,
        village=village,
        kind=MeetingKind.PARTY_MASSES,
        title="党群议事会：低保评议与宅基地申请初审意见",
        starts_at=nxt.replace(hour=1, minute=30, second=0, microsecond=0),  # 09:30 Beijing time
        place="党群服务中心",
        agenda="一、评议新申请低保 3 户\n二、宅基地申请初审意见 2 户",
    )
    services.motion_add(actor=cadre, meeting=council, title="新申请低保户评议意见")
    services.meeting_notice(actor=cadre, meeting=council)
    return (
        f"Meetings: rosters, 4 meetings in {village.name} (a 村民代表会议 held with votes and minutes, a 村民会议 in "
        "session the demo villager can sign in to and vote at)."
    )
