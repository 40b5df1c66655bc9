"""A realistic default catalogue of grid matters (网格事项清单) for a county, with its departments (责任单位) and
triage rules (分级分流规则). The demo and the county-scale generator install it; a county keeps its own
catalogue afterwards (admitted and retired on the catalogue pages).

Sources: SPEC §4; seed 003 #8 (罗江: 全科网格, 网格事项由8项调整至43项, each with its 主体 and 配合 bodies; 五步闭环),
#12 (圣灯: the 村务助理's five central tasks 疫情防控、森林防火、环保、巡河、禁毒反诈, and 安全隐患、矛盾纠纷排查、
特殊困难群体关爱), #10 (西昌: farmland misuse). 43 matters in 8 groups.

The rules: by default a matter is handled in its village within 5 working days (小事不出村); a serious one goes
to the township with 3 working days, an urgent one to the township within 1 working day (大事不出镇); the
matters only a county department can handle (a permit, an enforcement power, a utility) go to their
responsible department (urgent ones within 1 or 2 working days); the township's own matters stay with the
township whatever their severity (urgent ones within 1 working day).

``install_catalogue(actor=…, county=…)`` writes all of it through ``incidents.services`` (department_save,
matter_admit, rule_save: scope check, audit event each) and skips what the county already has (by code, and by
matter × severity for rules), so it can run again.
"""

from __future__ import annotations

from dataclasses import dataclass

from incidents import services
from incidents.models import Department, GridMatter, Level, Severity, TriageRule

# code, name, duty phone
DEPARTMENTS: list[tuple[str, str, str]] = [
    ("ZJ", "县住建局", "0812-8100101"),
    ("HB", "县生态环境局", "0812-8100102"),
    ("SW", "县水务局", "0812-8100103"),
    ("JT", "县交通运输局", "0812-8100104"),
    ("ZR", "县自然资源局", "0812-8100105"),
    ("NY", "县农业农村局", "0812-8100106"),
    ("YJ", "县应急管理局", "0812-8100107"),
    ("SJ", "县市场监管局", "0812-8100108"),
    ("MZ", "县民政局", "0812-8100109"),
    ("GA", "县公安局派出所", "110"),
    ("WJ", "县卫生健康局", "0812-8100111"),
    ("RS", "县人力资源社会保障局", "0812-8100112"),
    ("LC", "县林业和草原局", "0812-8100113"),
    ("SF", "县司法局", "0812-8100114"),
    ("GD", "国网县供电公司", "95598"),
]


@dataclass(frozen=True)
class MatterTemplate:
    code: str
    name: str
    group: str
    level: str  # where a general case of it is handled (the rule; the village default needs no rule)
    responsible: str = ""  # department code (主体)
    assisting: tuple[str, ...] = ()  # department codes (配合)
    days: int = 5  # working days of its own rule (when it has one)
    urgent_days: int = 0  # working days of an urgent case of a county matter (0: URGENT_COUNTY_DAYS)
    weight: float = 1.0  # how often grid workers report it, relatively (for generated data)
    examples: tuple[str, ...] = ()  # what a report typically says (generated data and the demo)


URGENT_COUNTY_DAYS = 2

V, T, C = Level.VILLAGE, Level.TOWNSHIP, Level.COUNTY

MATTERS: list[MatterTemplate] = [
    # 矛盾纠纷 (矛盾纠纷排查: 小事不出村)
    MatterTemplate(
        "MD01",
        "邻里纠纷",
        "矛盾纠纷",
        V,
        weight=9,
        examples=("两户因排水沟堵塞发生争吵，需村调委会调解。", "邻居因院坝界线发生口角，情绪激动。"),
    ),
    MatterTemplate(
        "MD02",
        "婚姻家庭纠纷",
        "矛盾纠纷",
        V,
        weight=4,
        examples=("夫妻因赡养老人问题多次争吵。", "兄弟之间因老人赡养费分摊发生矛盾。"),
    ),
    MatterTemplate(
        "MD03",
        "土地承包经营纠纷",
        "矛盾纠纷",
        V,
        "NY",
        weight=3,
        examples=("两户对承包地边界有争议，互不相让。", "流转土地租金未按时支付，农户要求解决。"),
    ),
    MatterTemplate(
        "MD04",
        "宅基地及相邻权纠纷",
        "矛盾纠纷",
        V,
        "ZR",
        weight=3,
        examples=("新建房屋滴水影响邻居，双方发生争执。", "宅基地通行道路被堵，邻户无法通行。"),
    ),
    MatterTemplate(
        "MD05",
        "拖欠农民工工资",
        "矛盾纠纷",
        C,
        "RS",
        ("ZJ",),
        weight=2,
        examples=("本村多名务工人员反映工地拖欠工资三个月。", "施工队拖欠零工工资，工人聚集讨薪。"),
    ),
    MatterTemplate(
        "MD06",
        "山林权属纠纷",
        "矛盾纠纷",
        T,
        "LC",
        ("ZR",),
        days=10,
        weight=1,
        examples=("两个村民小组对一片林地权属有争议。",),
    ),
    # 安全隐患 (安全隐患排查)
    MatterTemplate(
        "AQ01",
        "农村房屋安全隐患",
        "安全隐患",
        T,
        "ZJ",
        weight=3,
        examples=("独居老人土坯房墙体开裂，雨季有倒塌风险。", "房屋屋顶漏雨，木梁腐朽。"),
    ),
    MatterTemplate(
        "AQ02",
        "地质灾害隐患点异常",
        "安全隐患",
        C,
        "ZR",
        ("YJ",),
        urgent_days=1,
        weight=1.5,
        examples=("隐患点后山出现新的裂缝，有小规模滑塌。", "连续降雨后坡体有落石。"),
    ),
    MatterTemplate(
        "AQ03",
        "道路交通安全隐患",
        "安全隐患",
        C,
        "JT",
        ("GA",),
        weight=2,
        examples=("急弯处护栏缺失，夜间车辆容易冲出路面。", "村道路口视线被树木遮挡，缺少警示标志。"),
    ),
    MatterTemplate(
        "AQ04",
        "燃气使用安全隐患",
        "安全隐患",
        C,
        "ZJ",
        ("YJ",),
        urgent_days=1,
        weight=1,
        examples=("餐馆液化气罐放在厨房灶台旁，软管老化。",),
    ),
    MatterTemplate(
        "AQ05",
        "用电安全隐患",
        "安全隐患",
        C,
        "GD",
        weight=2.5,
        examples=("电线杆倾斜，电线离地面过低。", "村民私拉乱接电线给电动车充电。"),
    ),
    MatterTemplate(
        "AQ06",
        "森林防火隐患",
        "安全隐患",
        T,
        "LC",
        ("YJ",),
        days=3,
        weight=2,
        examples=("有人在林区边缘烧荒，已劝阻。", "上坟祭祀燃放鞭炮，林下可燃物多。"),
    ),
    MatterTemplate(
        "AQ07",
        "危险化学品及烟花爆竹隐患",
        "安全隐患",
        C,
        "YJ",
        ("GA",),
        urgent_days=1,
        weight=0.5,
        examples=("村内小卖部违规储存烟花爆竹。",),
    ),
    MatterTemplate(
        "AQ08",
        "溺水隐患",
        "安全隐患",
        V,
        weight=1.5,
        examples=("村里山坪塘无防护栏、无警示牌，常有儿童玩耍。",),
    ),
    MatterTemplate(
        "AQ09",
        "食品安全隐患",
        "安全隐患",
        C,
        "SJ",
        weight=1,
        examples=("坝坝宴厨师无健康证，食材来源不明。", "小卖部销售过期食品。"),
    ),
    MatterTemplate(
        "AQ10",
        "自建房违规改扩建",
        "安全隐患",
        C,
        "ZJ",
        ("ZR",),
        weight=1,
        examples=("临街自建房加盖第四层用于经营，未经审批。",),
    ),
    # 环境卫生 (环保、巡河)
    MatterTemplate(
        "HJ01",
        "垃圾乱堆乱放",
        "环境卫生",
        V,
        weight=14,
        examples=("村道边堆放生活垃圾，气味难闻。", "垃圾池已满未及时清运。", "建筑垃圾倾倒在路边沟渠。"),
    ),
    MatterTemplate(
        "HJ02",
        "河道污染及乱排乱放",
        "环境卫生",
        C,
        "HB",
        ("SW",),
        weight=2,
        examples=("河道有油污漂浮，疑似上游排放。", "养殖场废水直排入河。"),
    ),
    MatterTemplate(
        "HJ03",
        "焚烧秸秆及垃圾",
        "环境卫生",
        T,
        "HB",
        ("NY",),
        days=2,
        weight=3,
        examples=("农户在田间焚烧秸秆，烟雾较大。",),
    ),
    MatterTemplate(
        "HJ04",
        "畜禽养殖污染",
        "环境卫生",
        C,
        "NY",
        ("HB",),
        weight=1.5,
        examples=("养猪场粪污外溢，周边农户反映臭味严重。",),
    ),
    MatterTemplate(
        "HJ05",
        "生活污水乱排",
        "环境卫生",
        V,
        weight=3,
        examples=("农户生活污水直排路边水沟。",),
    ),
    MatterTemplate(
        "HJ06",
        "河湖四乱问题",
        "环境卫生",
        C,
        "SW",
        ("HB",),
        weight=1.5,
        examples=("巡河发现河道内乱堆砂石。", "河滩有人违规搭建棚屋。"),
    ),
    MatterTemplate(
        "HJ07",
        "噪声及油烟扰民",
        "环境卫生",
        C,
        "HB",
        ("SJ",),
        weight=1,
        examples=("夜间加工厂机器噪声扰民。",),
    ),
    # 治安防控 (禁毒反诈)
    MatterTemplate(
        "ZA01",
        "治安隐患及可疑情况",
        "治安防控",
        C,
        "GA",
        urgent_days=1,
        weight=1.5,
        examples=("夜间有陌生车辆在村内徘徊。", "村内发生多起偷盗鸡鸭事件。"),
    ),
    MatterTemplate(
        "ZA02",
        "电信网络诈骗线索",
        "治安防控",
        C,
        "GA",
        urgent_days=1,
        weight=1,
        examples=("村民接到冒充客服电话，已转账两千元。",),
    ),
    MatterTemplate(
        "ZA03",
        "涉毒线索",
        "治安防控",
        C,
        "GA",
        urgent_days=1,
        weight=0.3,
        examples=("群众反映有人在山地种植疑似罂粟。",),
    ),
    MatterTemplate(
        "ZA04",
        "特殊人群动态异常",
        "治安防控",
        T,
        "SF",
        ("GA",),
        days=2,
        weight=0.7,
        examples=("一名社区矫正对象近期未按时报到。",),
    ),
    # 民生服务 (特殊困难群体关爱)
    MatterTemplate(
        "MS01",
        "困难群众救助需求",
        "民生服务",
        C,
        "MZ",
        weight=3,
        examples=("独居老人因病致贫，申请临时救助。", "家庭突发变故，生活困难，需要救助。"),
    ),
    MatterTemplate(
        "MS02",
        "留守老人儿童关爱需求",
        "民生服务",
        V,
        "MZ",
        weight=3,
        examples=("留守老人独居，行动不便，需要定期探访。", "留守儿童辍学在家，需要关爱帮扶。"),
    ),
    MatterTemplate(
        "MS03",
        "就业及社保求助",
        "民生服务",
        T,
        "RS",
        weight=2,
        examples=("返乡人员咨询养老保险续缴。", "脱贫户希望参加技能培训。"),
    ),
    MatterTemplate(
        "MS04",
        "残疾人帮扶需求",
        "民生服务",
        C,
        "MZ",
        weight=1,
        examples=("残疾人申请辅具适配。",),
    ),
    MatterTemplate(
        "MS05",
        "传染病及疫情防控",
        "民生服务",
        C,
        "WJ",
        urgent_days=1,
        weight=0.8,
        examples=("村内多名儿童发热出疹，疑似传染病。",),
    ),
    MatterTemplate(
        "MS06",
        "便民代办",
        "民生服务",
        V,
        weight=5,
        examples=("老人需要代办高龄津贴申领。", "村民需要代办医保缴费。"),
    ),
    # 基础设施
    MatterTemplate(
        "JS01",
        "农村道路损毁",
        "基础设施",
        T,
        "JT",
        weight=4,
        examples=("村道路面塌陷形成大坑。", "暴雨后道路被冲毁一段。"),
    ),
    MatterTemplate(
        "JS02",
        "饮水安全及供水故障",
        "基础设施",
        C,
        "SW",
        urgent_days=1,
        weight=2,
        examples=("集中供水点停水两天。", "自来水浑浊发黄。"),
    ),
    MatterTemplate(
        "JS03",
        "路灯及公共设施损坏",
        "基础设施",
        V,
        weight=5,
        examples=("村口路灯不亮已一周。", "健身器材损坏存在安全隐患。"),
    ),
    MatterTemplate(
        "JS04",
        "农田水利设施损坏",
        "基础设施",
        T,
        "SW",
        ("NY",),
        weight=2,
        examples=("灌溉渠道垮塌，影响下游农田用水。",),
    ),
    MatterTemplate(
        "JS05",
        "桥梁涵洞安全",
        "基础设施",
        C,
        "JT",
        urgent_days=1,
        weight=0.7,
        examples=("便民桥桥墩被冲刷，桥面出现裂缝。",),
    ),
    # 自然资源和农业 (耕地保护)
    MatterTemplate(
        "ZY01",
        "违法占用耕地",
        "自然资源",
        C,
        "ZR",
        ("NY",),
        days=10,
        weight=1.5,
        examples=("有人在基本农田上堆土建房。", "耕地被占用修建晒坝。"),
    ),
    MatterTemplate(
        "ZY02",
        "耕地撂荒",
        "自然资源",
        T,
        "NY",
        weight=1.5,
        examples=("组内有十余亩耕地连续两年撂荒。",),
    ),
    MatterTemplate(
        "ZY03",
        "违规采砂采石",
        "自然资源",
        C,
        "ZR",
        ("SW",),
        weight=0.7,
        examples=("河道内夜间有人违规采砂。",),
    ),
    MatterTemplate(
        "ZY04",
        "动物疫病及病死畜禽",
        "自然资源",
        C,
        "NY",
        urgent_days=1,
        weight=1,
        examples=("养殖户家中生猪异常死亡多头。", "路边发现随意丢弃的病死禽。"),
    ),
    # 政策宣传
    MatterTemplate(
        "ZC01",
        "政策咨询及群众诉求",
        "政策宣传",
        V,
        weight=6,
        examples=("村民询问耕地地力保护补贴发放情况。", "群众建议增设村内公交站点。"),
    ),
]

# County-wide rules besides the matters' own: the default, and serious / urgent to the township.
GENERAL_RULES: list[tuple[str, str, int, str]] = [
    # severity, level, days, note
    ("", V, 5, "默认：小事不出村，村级5个工作日内办结"),
    (Severity.SERIOUS, T, 3, "较重事项：镇街3个工作日内办结"),
    (Severity.URGENT, T, 1, "紧急事项：镇街1个工作日内处置"),
]


def _department_codes() -> set[str]:
    return {code for code, _name, _phone in DEPARTMENTS}


def check() -> None:
    """The template is consistent (a test runs this): unique codes, known departments, sane rules."""
    codes = [m.code for m in MATTERS]
    assert len(codes) == len(set(codes)), "duplicate matter code"
    known = _department_codes()
    for m in MATTERS:
        assert {m.responsible, *m.assisting} - {""} <= known, m.code
        assert m.responsible not in m.assisting, m.code
        assert m.level != C or m.responsible, f"{m.code}: a county matter needs its responsible department"
        assert 1 <= m.days <= 60 and 0 <= m.urgent_days <= 60, m.code
        assert m.examples, m.code


def install_catalogue(*, actor, county) -> dict[str, int]:
    """Install the departments, matters and rules the county does not have yet, through the services.
    ``actor`` keeps the county's catalogue (a county administrator). Returns what was added, by kind."""
    added = {"departments": 0, "matters": 0, "rules": 0}
    departments = {d.code: d for d in Department.objects.filter(county=county)}
    for code, name, phone in DEPARTMENTS:
        if code not in departments:
            departments[code] = services.department_save(actor=actor, county=county, name=name, code=code, phone=phone)
            added["departments"] += 1
    matters = {m.code: m for m in GridMatter.objects.filter(county=county)}
    for t in MATTERS:
        if t.code in matters:
            continue
        matters[t.code] = services.matter_admit(
            actor=actor,
            county=county,
            code=t.code,
            name=t.name,
            group=t.group,
            description="；".join(t.examples),
            responsible=departments[t.responsible] if t.responsible else None,
            assisting=[departments[c] for c in t.assisting],
        )
        added["matters"] += 1
    existing = set(TriageRule.objects.filter(county=county).values_list("matter_id", "severity"))

    def _rule(matter, severity, level, days, note):
        if (getattr(matter, "pk", None), severity) in existing:
            return
        services.rule_save(
            actor=actor, county=county, matter=matter, severity=severity, level=level, days=days, note=note
        )
        existing.add((getattr(matter, "pk", None), severity))
        added["rules"] += 1

    for severity, level, days, note in GENERAL_RULES:
        _rule(None, severity, level, days, note)
    for t in MATTERS:
        matter = matters[t.code]
        if t.level == T:
            _rule(matter, "", T, t.days, "镇街统筹办理")
            _rule(matter, Severity.URGENT, T, 1, "紧急：镇街1个工作日内处置")
        elif t.level == C:
            name = departments[t.responsible].name
            _rule(matter, "", C, t.days, f"{name}牵头办理")
            urgent = t.urgent_days or URGENT_COUNTY_DAYS
            _rule(matter, Severity.URGENT, C, urgent, f"紧急：{name}{urgent}个工作日内处置")
    return added


def matter_weights() -> dict[str, float]:
    return {m.code: m.weight for m in MATTERS}


def examples_of(code: str) -> tuple[str, ...]:
    for m in MATTERS:
        if m.code == code:
            return m.examples
    return ()
