"""Demo mutual aid (called by seed_demo after committees.demo): in the first village, the bands of the association, a
fund raised from the three sources (群众帮一点、政府补一点、社会捐一点) over the last months, and applications in every
state of the procedure (paid and published, approved, waiting for each check, declined); in the village of the
demo account ``cadre2``, its bands, its fund and one application waiting. Everything goes through the services and
the declared steps, by the demo accounts who hold the seats (committees.demo: ``cadre`` chairs the association,
``gridworker`` sits on it and leads the first village group)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from committees import selectors as committees
from committees.models import CommitteeKind
from core.roles import Action
from mutualaid import people, services
from mutualaid.models import Application, Band, Reason, Source
from regions.models import Region, RegionLevel
from regions.selectors import villages
from registry.models import Person

BANDS = [
    ("小额救助", "500", "互助会核实后决定"),
    ("中额救助", "2000", "村“两委”审核"),
    ("大额救助", "5000", "村“两委”审核，村民代表知晓"),
]

CONTRIBUTIONS = [
    (Source.MASSES, "3260", 80, "全村群众自愿捐款（春节募集）"),
    (Source.MASSES, "1850", 40, "在外务工人员捐款"),
    (Source.GOVERNMENT, "10000", 60, "镇政府互助资金补助"),
    (Source.SOCIETY, "5000", 50, "米易县某农业公司捐赠"),
    (Source.SOCIETY, "1200", 20, "爱心人士捐赠"),
    (Source.MASSES, "680", 6, "村民小组募集"),
]

# reason, amount asked, amount approved, the step it stops after, the situation
STORIES = [
    (Reason.ILLNESS, "3000", "3000", "pay", "户主突发脑梗住院，医保报销后自付部分较多，家中缺少劳动力。"),
    (Reason.DISASTER, "800", "800", "pay", "暴雨导致厨房后墙垮塌，需购买材料修复。"),
    (Reason.ACCIDENT, "1500", "1200", "approve", "家中老人摔伤骨折，行动不便需要护理。"),
    (Reason.HARDSHIP, "600", None, "association_verify", "独居老人冬季取暖和生活用品困难。"),
    (Reason.ILLNESS, "2000", None, "group_verify", "孩子患病长期服药，家庭开支紧张。"),
    (Reason.OTHER, "300", None, "decline_at_association", "申请购买农机配件。"),
]


def _accounts(*names):
    found = {u.username: u for u in User.objects.filter(username__in=names)}
    return [found.get(n) for n in names]


def _seed_fund(actor, village, *, scale=Decimal(1)):
    if Band.objects.filter(village=village).exists():
        return
    for name, up_to, note in BANDS:
        services.band_add(actor=actor, village=village, name=name, up_to=up_to, note=note)
    today = timezone.localdate()
    for source, amount, days_ago, donor in CONTRIBUTIONS:
        services.contribution_record(
            actor=actor,
            village=village,
            source=source,
            amount=str((Decimal(amount) * scale).quantize(Decimal("0.01"))),
            on=today - timedelta(days=days_ago),
            donor=donor,
        )


def _verifier(village, person, cadre):
    """Who checks first for this person's group: its leader's account, or the cadre when the group has none."""
    group_id = person.household.group_id
    if group_id is None:
        return cadre
    ids = committees.member_user_ids(village.pk, CommitteeKind.GROUP_LEADERS, group_id=group_id)
    if not ids:
        return cadre
    return User.objects.filter(pk=ids[0]).first()


def _people(village, cadre, villager, count):
    """Residents to help: the demo villager's household first, then heads of households whose group's check one of
    the demo accounts can take."""
    found = []
    rows = Person.objects.filter(village=village, is_deceased=False, relation="head").select_related("household")
    for person in rows.order_by("household__number")[:200]:
        if villager is not None and person.household_id == _household_of(villager):
            continue
        verifier = _verifier(village, person, cadre)
        if verifier is not None and verifier.username in ("cadre", "gridworker"):
            found.append((person, verifier))
        if len(found) == count:
            break
    return found


def _household_of(user):
    from core import scope

    ids = scope.targets(user, "household")
    return ids[0] if ids else None


def _take(actor, case, name, **data):
    case = Application.objects.get(pk=case.pk)
    return services.application_step(actor=actor, case=case, step=name, data=data)


def _story(case, until, approved, cadre, gridworker, verifier):
    today = timezone.localdate().isoformat()
    path = [
        (verifier, "group_verify", {"finding": "经入户核实，情况属实。"}),
        (gridworker, "association_verify", {"finding": "互助会成员走访核实，情况属实。"}),
        (cadre, "approve", {"approved_amount": approved, "opinion": "同意救助。"}),
        (cadre, "pay", {"paid_on": today, "how": "转账至本人账户"}),
    ]
    if until == "decline_at_association":
        _take(verifier, case, "group_verify", finding="经入户核实，情况属实。")
        _take(gridworker, case, "decline_at_association", reason="不属于互助会救助范围，建议申请农机购置补贴。")
        return
    for actor, name, data in path:
        _take(actor, case, name, **data)
        if name == until:
            return


def seed(county: Region) -> str:
    cadre, cadre2, gridworker, villager = _accounts("cadre", "cadre2", "gridworker", "villager")
    if cadre is None or gridworker is None:
        return ""
    village = villages(cadre, Action.AID_HANDLE).filter(county=county, level=RegionLevel.VILLAGE).first()
    if village is None or Application.objects.filter(village=village).exists():
        return ""
    if not people.is_member(gridworker, village.pk):
        return ""
    _seed_fund(cadre, village)
    made = 0
    for (reason, asked, approved, until, situation), (person, verifier) in zip(
        STORIES, _people(village, cadre, villager, len(STORIES)), strict=False
    ):
        case = services.application_make(
            actor=cadre, person=person, reason=reason, amount_asked=asked, situation=situation
        )
        _story(case, until, approved, cadre, gridworker, verifier)
        made += 1
    if villager is not None:
        own = Person.objects.filter(household_id=_household_of(villager), is_deceased=False).order_by("pk").first()
        if own is not None:
            services.application_make(
                actor=villager,
                person=own,
                reason=Reason.HARDSHIP,
                amount_asked="400",
                situation="家中老人长期卧床，近期收入减少。",
            )
            made += 1
    if cadre2 is not None:
        other = villages(cadre2, Action.AID_HANDLE).filter(county=county).first()
        if other is not None and not Band.objects.filter(village=other).exists():
            _seed_fund(cadre2, other, scale=Decimal("0.6"))
            person = Person.objects.filter(village=other, is_deceased=False, relation="head").order_by("pk").first()
            if person is not None:
                services.application_make(
                    actor=cadre2, person=person, reason=Reason.DISASTER, amount_asked="1000", situation="冰雹砸坏屋顶。"
                )
                made += 1
    return (
        f"Mutual aid: {made} applications and the funds of {village.name}{' and one more village' if cadre2 else ''}."
    )
