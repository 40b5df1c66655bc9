"""The consequences a red or black list may carry, as the county keeps them (县级负面清单).

A list may only carry consequences decided by the village itself (its own public-welfare posts, its own
subsidies, honours and publicity). It may never touch statutory entitlements — minimum living allowance,
pensions, farm subsidies, compulsory schooling, land contracts, medical insurance — whatever the village
rules say. ``ensure_default_consequences`` gives a county these defaults once: it is the points app's
``core.plugins.CountySetup`` (points.plug), run when a county is created, and migration 0010 ran it for the
counties that existed. The county administrator then keeps the list on the policy page, which only reads.

Names and legal notes are data (shown as stored), not interface text.
"""

from __future__ import annotations

from django.db import transaction

from core import audit
from points.models import ConsequenceType
from regions.models import Region, RegionLevel

ALLOWED = [
    ("暂停公益岗位资格", "村级公益性岗位由村集体按程序安排，可依村规民约暂缓安排；不含按政策认定的就业援助岗位。"),
    ("暂停享受村级优惠补助政策", "仅限村集体经济组织自主出资的奖励、补助；国家和上级政策性补贴不在此列。"),
    ("黑榜公示", "公示时姓名脱敏（如 王*户），不公开身份证号、电话、家庭成员等个人信息；公示期内可申请复议。"),
    ("1对1联系帮扶", "由党员、干部结对联系帮扶，定期走访，帮助转化升级。"),
    ("取消评先评优资格", "当期不参加村级文明户、星级户、好媳妇好婆婆等评选。"),
]

FORBIDDEN = [
    (
        "取消低保待遇",
        "最低生活保障依《社会救助暂行办法》按家庭收入和财产状况审核确定，不得以积分、村规民约为由取消或降低。",
    ),
    ("停发养老金", "城乡居民基本养老保险待遇依《社会保险法》按规定按月发放，任何组织不得以积分为由停发、扣减。"),
    (
        "停发种粮直补等惠农补贴",
        "耕地地力保护补贴等惠农补贴由财政直接发放到户，村级组织无权截留、停发或附加条件。",
    ),
    ("限制子女入学", "《义务教育法》保障适龄儿童、少年平等接受义务教育的权利，不得因家庭积分限制入学。"),
    (
        "收回土地承包经营权",
        "《农村土地承包法》规定承包期内发包方不得收回、违法调整承包地，村规民约不得作为收回依据。",
    ),
    ("停止医保报销", "基本医疗保险待遇依《社会保险法》和医保政策享受，不得以积分为由停止报销。"),
]

DEFAULTS: list[tuple[str, bool, str]] = [(n, False, note) for n, note in ALLOWED] + [
    (n, True, note) for n, note in FORBIDDEN
]


def install_defaults(model, county_id) -> list:
    """The default rows ``county_id`` does not have yet, created with ``model`` (the live ConsequenceType, or
    the historical one in a data migration); never changes an existing row. Returns the rows it created."""
    have = set(model.objects.filter(county_id=county_id).values_list("name", flat=True))
    created = []
    for name, forbidden, note in DEFAULTS:
        if name in have:
            continue
        obj, was_created = model.objects.get_or_create(
            county_id=county_id, name=name, defaults={"forbidden": forbidden, "legal_note": note}
        )
        if was_created:
            created.append(obj)
    return created


@transaction.atomic
def ensure_default_consequences(county: Region) -> list[ConsequenceType]:
    """Create the default consequences the county does not have yet; never changes an existing row.

    Idempotent: a county administrator's later choices (a different note, a consequence marked forbidden)
    stay as they are. Returns the rows it created.
    """
    if county is None or county.level != RegionLevel.COUNTY:
        return []
    created = install_defaults(ConsequenceType, county.pk)
    if created:
        audit.record(
            None,
            "points.consequence.defaults",
            None,
            region=county,
            target_label=county.name,
            after={"created": [c.name for c in created]},
        )
    return created
