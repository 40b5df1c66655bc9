"""The default service catalogue a county starts from: the items a Sichuan county moves down to its township
centres and village service rooms (seed 003 #14, 罗江 "三办三化": 108 items to townships and villages, 31 village
agency items, village certificates cut to 4), the "一件事一次办" bundles of three life events, and the 4 kinds
of certificate a village may issue.

The texts are the county's data (in Chinese, as a county would write them), not interface strings; the county
administrator edits them afterwards (doorstep.catalogue). ``install`` adds what the county does not have yet, by
code, so it can run again (the management command ``install_service_catalogue``, a data migration, a demo).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from core import audit, scope
from core.errors import NotFound
from core.roles import Action
from doorstep.audit_labels import AuditAction
from doorstep.models import VERSION_FIELDS, Bundle, Category, CertificateKind, Item, ItemVersion, Level
from regions.models import Region, RegionLevel

V, T, C = Level.VILLAGE, Level.TOWNSHIP, Level.COUNTY
SI, MI, CA, DIS = Category.SOCIAL_INSURANCE, Category.MEDICAL_INSURANCE, Category.CIVIL_AFFAIRS, Category.DISABILITY
HR, HOUSING, FUN, AGR = Category.HOUSEHOLD_REGISTER, Category.HOUSING, Category.FUNERAL, Category.AGRICULTURE
EMP, FAM, VET, CERT = Category.EMPLOYMENT, Category.FAMILY, Category.VETERANS, Category.CERTIFICATE

VILLAGE_ROOM = "村（社区）便民服务室"
TOWNSHIP_CENTRE = "乡镇便民服务中心"
COUNTY_CENTRE = "县政务服务中心"

SOCIAL_INSURANCE_LAW = "《中华人民共和国社会保险法》"
RURAL_PENSION = "《国务院关于建立统一的城乡居民基本养老保险制度的意见》（国发〔2014〕8号）"
ASSISTANCE = "《社会救助暂行办法》"
HOUSEHOLD_REGISTER = "《中华人民共和国户口登记条例》"
HOMESTEAD = (
    "《中华人民共和国土地管理法》第六十二条；"
    "《农业农村部 自然资源部关于规范农村宅基地审批管理的通知》（农经发〔2019〕6号）"
)

ID = "居民身份证"
HOUSEHOLD_BOOK = "户口簿"
BANK = "本人社会保障卡或银行账户（惠民惠农“一卡通”）"
PHOTO = "近期免冠彩色证件照"
DEATH = "居民死亡医学证明（推断）书或火化证明"
PARENTS_ID = "父母双方居民身份证"
PARENTS_BOOK = "父母双方户口簿"
MARRIAGE = "结婚证（如有）"


def _item(
    code,
    name,
    level,
    category,
    materials,
    days,
    upstream,
    basis,
    *,
    place="",
    agent=True,
    online=True,
    fee="",
    notes="",
    certificate="",
):
    return {
        "code": code,
        "name": name,
        "level": level,
        "category": category,
        "materials": list(materials),
        "time_limit_days": days,
        "place": place or {V: VILLAGE_ROOM, T: TOWNSHIP_CENTRE, C: COUNTY_CENTRE}[level],
        "agent_may": agent,
        "online": online,
        "fee": fee,
        "legal_basis": basis,
        "upstream_office": upstream,
        "notes": notes,
        "certificate": certificate,
    }


# -- the certificates a village may issue (罗江 cut them to 4) --------------------------------------------------

CERTIFICATE_KINDS = [
    {
        "code": "residence",
        "name": "居住证明",
        "basis": "《居住证暂行条例》第九条；本村村民委员会依据户籍和网格登记据实出具",
    },
    {
        "code": "kinship",
        "name": "亲属关系证明",
        "basis": (
            "《中华人民共和国民法典》第一千零四十五条；"
            "依据户籍登记的家庭关系出具，户籍无法反映的由公安机关或公证机构证明"
        ),
    },
    {
        "code": "household_members",
        "name": "家庭成员情况证明",
        "basis": "《社会救助暂行办法》第十一条；依据户籍登记的家庭成员出具，收入和财产情况以民政部门核对为准",
    },
    {
        "code": "collective_member",
        "name": "集体经济组织成员身份证明",
        "basis": "《中华人民共和国农村集体经济组织法》；依据本集体经济组织成员名册出具",
    },
]

_CERT_NOTES = (
    "村级证明仅限县级保留清单所列4项，其他证明事项不再由村（社区）出具；"
    "证明由系统依据户籍登记生成，不需另行提供证明材料。"
)

CERTIFICATE_ITEMS = [
    _item(
        "cert_residence",
        "开具居住证明",
        V,
        CERT,
        [ID, HOUSEHOLD_BOOK],
        1,
        "",
        "《居住证暂行条例》第九条",
        notes=_CERT_NOTES,
        certificate="residence",
    ),
    _item(
        "cert_kinship",
        "开具亲属关系证明",
        V,
        CERT,
        [ID, HOUSEHOLD_BOOK],
        1,
        "",
        "《中华人民共和国民法典》第一千零四十五条",
        notes=_CERT_NOTES,
        certificate="kinship",
    ),
    _item(
        "cert_household_members",
        "开具家庭成员情况证明",
        V,
        CERT,
        [ID, HOUSEHOLD_BOOK],
        1,
        "",
        "《社会救助暂行办法》第十一条",
        notes=_CERT_NOTES,
        certificate="household_members",
    ),
    _item(
        "cert_collective_member",
        "开具集体经济组织成员身份证明",
        V,
        CERT,
        [ID, HOUSEHOLD_BOOK],
        1,
        "",
        "《中华人民共和国农村集体经济组织法》",
        notes=_CERT_NOTES,
        certificate="collective_member",
    ),
]

# -- the items ---------------------------------------------------------------------------------------------------

ITEMS = [
    # 社保
    _item(
        "pension_enrol",
        "城乡居民基本养老保险参保登记",
        V,
        SI,
        [ID, HOUSEHOLD_BOOK],
        5,
        "县人社局（县社保中心）",
        f"{SOCIAL_INSURANCE_LAW}第二十条；{RURAL_PENSION}",
        notes="年满16周岁（不含在校学生）、非国家机关和事业单位工作人员、未参加职工基本养老保险的本县户籍居民。",
    ),
    _item(
        "pension_contribution",
        "城乡居民养老保险缴费档次变更",
        V,
        SI,
        [ID],
        3,
        "县人社局（县社保中心）",
        RURAL_PENSION,
        notes="每年可调整一次缴费档次。",
    ),
    _item(
        "pension_certification",
        "城乡居民养老保险待遇领取资格认证",
        V,
        SI,
        [ID],
        1,
        "县人社局（县社保中心）",
        f"{SOCIAL_INSURANCE_LAW}；{RURAL_PENSION}",
        notes="可在手机上刷脸认证；行动不便的老人由代办员上门协助认证。",
    ),
    _item(
        "pension_claim",
        "城乡居民养老保险待遇领取申请",
        V,
        SI,
        [ID, HOUSEHOLD_BOOK, BANK],
        10,
        "县人社局（县社保中心）",
        f"{SOCIAL_INSURANCE_LAW}第二十一条；{RURAL_PENSION}",
        notes="年满60周岁、累计缴费满15年的参保人。",
    ),
    _item(
        "pension_survivor",
        "城乡居民养老保险待遇停发及丧葬补助金、个人账户余额继承",
        V,
        SI,
        [DEATH, "继承人居民身份证", "继承人与参保人关系证明", "继承人银行账户"],
        15,
        "县人社局（县社保中心）",
        f"{SOCIAL_INSURANCE_LAW}第十四条、第十七条；{RURAL_PENSION}",
    ),
    _item(
        "social_card",
        "社会保障卡申领、补换",
        V,
        SI,
        ["居民身份证或户口簿", "近期免冠彩色证件照（或现场采集）"],
        10,
        "县人社局（县社保中心）",
        f"{SOCIAL_INSURANCE_LAW}第五十八条",
        notes="补换卡按合作银行规定收取工本费，首次申领免费。",
    ),
    _item(
        "pension_transfer",
        "养老保险关系转移接续",
        C,
        SI,
        [ID, "参保缴费凭证"],
        15,
        "县人社局（县社保中心）",
        f"{SOCIAL_INSURANCE_LAW}第十九条；《城乡养老保险制度衔接暂行办法》",
    ),
    # 医保
    _item(
        "medical_enrol",
        "城乡居民基本医疗保险参保登记及缴费",
        V,
        MI,
        [ID, HOUSEHOLD_BOOK],
        1,
        "县医保局",
        f"{SOCIAL_INSURANCE_LAW}第二十五条",
        notes="每年集中征缴期内缴纳次年费用；低保、特困等对象个人缴费部分按规定资助。",
    ),
    _item(
        "newborn_medical",
        "新生儿参加城乡居民医疗保险",
        V,
        MI,
        ["出生医学证明", PARENTS_BOOK, PARENTS_ID],
        1,
        "县医保局",
        f"{SOCIAL_INSURANCE_LAW}第二十五条",
        notes="出生90天内参保，自出生之日起享受待遇。",
    ),
    _item(
        "medical_transfer_filing",
        "异地就医备案",
        V,
        MI,
        [ID, "社会保障卡"],
        1,
        "县医保局",
        "《国家医保局 财政部关于进一步做好基本医疗保险跨省异地就医直接结算工作的通知》（医保发〔2022〕22号）",
    ),
    _item(
        "medical_manual_claim",
        "医疗费用手工（零星）报销",
        T,
        MI,
        ["社会保障卡或居民身份证", "医疗费用发票原件", "费用明细清单", "出院小结或门诊病历", BANK],
        20,
        "县医保局",
        f"{SOCIAL_INSURANCE_LAW}第二十八条、第二十九条",
        online=False,
    ),
    _item(
        "chronic_disease",
        "门诊慢特病待遇认定",
        T,
        MI,
        [ID, "二级及以上医疗机构诊断证明", "相关病历和检查报告"],
        15,
        "县医保局",
        f"{SOCIAL_INSURANCE_LAW}第二十八条",
    ),
    _item(
        "medical_assistance",
        "医疗救助申请",
        T,
        MI,
        ["申请书", ID, HOUSEHOLD_BOOK, "医疗费用发票及结算单", "低保、特困等救助对象证明（如有）"],
        15,
        "县医保局、县民政局",
        f"{ASSISTANCE}第二十七条至第三十二条",
    ),
    # 民政
    _item(
        "senior_allowance",
        "高龄津贴申请",
        V,
        CA,
        [ID, HOUSEHOLD_BOOK, BANK],
        10,
        "县民政局",
        "《中华人民共和国老年人权益保障法》第三十三条",
        notes="本县户籍年满80周岁老年人，按月发放。",
    ),
    _item(
        "dibao_apply",
        "最低生活保障申请（代办）",
        T,
        CA,
        ["申请书", ID, HOUSEHOLD_BOOK, "家庭收入和财产状况声明", "家庭经济状况核对授权书", "残疾人证、病历等（如有）"],
        30,
        "县民政局",
        f"{ASSISTANCE}第九条至第十三条；《最低生活保障审核确认办法》（民发〔2021〕57号）",
        notes="由乡镇人民政府受理，经入户调查、民主评议和公示后由县民政局审核确认。",
    ),
    _item(
        "tekun_apply",
        "特困人员救助供养申请（代办）",
        T,
        CA,
        ["申请书", ID, HOUSEHOLD_BOOK, "残疾人证或医疗诊断（如有）", "家庭经济状况核对授权书"],
        30,
        "县民政局",
        f"{ASSISTANCE}第十四条至第二十条；《特困人员认定办法》（民发〔2021〕43号）",
    ),
    _item(
        "temporary_relief",
        "临时救助申请",
        T,
        CA,
        ["申请书", ID, HOUSEHOLD_BOOK, "遭遇困难的相关证明（医疗票据、事故证明等）"],
        10,
        "乡镇人民政府、县民政局",
        f"{ASSISTANCE}第四十七条至第五十二条；《国务院关于全面建立临时救助制度的通知》（国发〔2014〕47号）",
        notes="情况紧急的可先行救助，事后补办手续。",
    ),
    _item(
        "elderly_care_subsidy",
        "经济困难老年人养老服务补贴申请",
        T,
        CA,
        [ID, HOUSEHOLD_BOOK, "老年人能力评估结果"],
        20,
        "县民政局",
        "《中华人民共和国老年人权益保障法》第三十三条",
    ),
    _item(
        "marriage_register",
        "结婚登记",
        C,
        CA,
        [HOUSEHOLD_BOOK, ID, "双方近期2寸半身免冠合影照片3张"],
        1,
        "县民政局婚姻登记处",
        "《婚姻登记条例》第四条、第五条",
        place="县民政局婚姻登记处",
        agent=False,
        online=False,
        notes="须男女双方本人共同到场办理。",
    ),
    # 残联
    _item(
        "disability_subsidies",
        "残疾人两项补贴（困难残疾人生活补贴和重度残疾人护理补贴）申请",
        T,
        DIS,
        [ID, HOUSEHOLD_BOOK, "第二代残疾人证", "低保或特困证明（申请生活补贴时）", BANK],
        20,
        "县残联、县民政局",
        "《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》（国发〔2015〕52号）",
    ),
    _item(
        "disability_card",
        "残疾人证申领、换领",
        C,
        DIS,
        [ID, HOUSEHOLD_BOOK, f"{PHOTO}3张"],
        20,
        "县残联",
        "《中华人民共和国残疾人保障法》；《中华人民共和国残疾人证管理办法》",
        online=False,
        notes="申请人须到指定医疗机构进行残疾评定；行动不便的可申请上门评定。",
    ),
    # 户籍
    _item(
        "birth_register",
        "出生登记（新生儿落户）",
        T,
        HR,
        ["出生医学证明", PARENTS_ID, PARENTS_BOOK, MARRIAGE],
        1,
        "派出所",
        f"{HOUSEHOLD_REGISTER}第七条",
        place="乡镇便民服务中心公安窗口（派出所）",
        notes="婴儿出生后一个月以内申报出生登记。",
    ),
    _item(
        "death_cancel",
        "死亡注销户口",
        T,
        HR,
        [DEATH, "死者户口簿", "死者居民身份证（收缴）", "经办人居民身份证"],
        1,
        "派出所",
        f"{HOUSEHOLD_REGISTER}第八条",
        place="乡镇便民服务中心公安窗口（派出所）",
    ),
    _item(
        "household_move",
        "户口迁移（县内、省内迁移）",
        T,
        HR,
        [ID, "迁出地和迁入地户口簿", "迁移理由证明（结婚证、房屋权属证明等）"],
        5,
        "派出所",
        f"{HOUSEHOLD_REGISTER}第十条",
        place="乡镇便民服务中心公安窗口（派出所）",
        agent=False,
    ),
    _item(
        "id_card",
        "居民身份证申领、换领、补领",
        T,
        HR,
        [HOUSEHOLD_BOOK, "原居民身份证（换领时）"],
        20,
        "派出所",
        "《中华人民共和国居民身份证法》第八条、第十一条",
        place="乡镇便民服务中心公安窗口（派出所）",
        agent=False,
        online=False,
        fee="换领、补领工本费按规定收取（首次申领免费）",
        notes="须本人到场采集人像和指纹。",
    ),
    # 农村建房、宅基地
    _item(
        "homestead_apply",
        "农村宅基地和建房（规划许可）审批",
        T,
        HOUSING,
        [
            "农村宅基地和建房（规划许可）申请表",
            HOUSEHOLD_BOOK,
            ID,
            "村民小组会议讨论通过记录",
            "建房设计图或选用的通用图",
            "农村宅基地使用承诺书",
        ],
        20,
        "乡镇农业综合服务中心、乡镇自然资源所",
        HOMESTEAD,
        agent=False,
        online=False,
        notes="一户只能拥有一处宅基地；经村民小组讨论、村级审查公示后报乡镇审批。",
    ),
    _item(
        "house_completion",
        "农村建房竣工验收",
        T,
        HOUSING,
        ["农村宅基地批准书", "乡村建设规划许可证", "竣工照片"],
        10,
        "乡镇农业综合服务中心、乡镇自然资源所",
        "《中华人民共和国城乡规划法》第四十一条；农经发〔2019〕6号",
    ),
    _item(
        "property_register",
        "农村宅基地使用权及房屋所有权首次登记",
        C,
        HOUSING,
        ["不动产登记申请书", ID, HOUSEHOLD_BOOK, "农村宅基地批准书", "竣工验收意见", "房屋平面图和宗地图"],
        5,
        "县不动产登记中心",
        "《不动产登记暂行条例》第十四条",
        place="县政务服务中心不动产登记窗口",
        online=False,
    ),
    _item(
        "house_safety",
        "农村低收入群体危房改造申请",
        T,
        HOUSING,
        ["申请书", ID, HOUSEHOLD_BOOK, "房屋现状照片"],
        20,
        "县住建局",
        "《住房和城乡建设部 财政部 民政部 国家乡村振兴局"
        "关于做好农村低收入群体等重点对象住房安全保障工作的实施意见》（建村〔2021〕35号）",
    ),
    # 殡葬
    _item(
        "funeral_subsidy",
        "惠民殡葬补贴（基本殡葬服务费用减免）申请",
        V,
        FUN,
        [DEATH, "死者户口簿", "经办人居民身份证", "经办人银行账户"],
        10,
        "县民政局",
        "《殡葬管理条例》；《民政部等关于推行惠民殡葬政策的指导意见》（民发〔2012〕211号）",
    ),
    # 农业
    _item(
        "farmland_subsidy",
        "耕地地力保护补贴申报核实",
        V,
        AGR,
        [ID, "农村土地承包经营权证或承包合同", BANK],
        10,
        "乡镇农业综合服务中心",
        "《财政部 农业部关于全面推开农业“三项补贴”改革工作的通知》（财农〔2016〕26号）",
        notes="补贴面积以核实后的承包耕地面积为准，通过“一卡通”发放。",
    ),
    _item(
        "machinery_subsidy",
        "农机购置补贴申请",
        T,
        AGR,
        [ID, "购机发票", "农机具合格证", "人机合影照片", BANK],
        15,
        "县农业农村局",
        "《中华人民共和国农业机械化促进法》第二十七条",
    ),
    _item(
        "land_transfer_filing",
        "土地经营权流转合同备案",
        V,
        AGR,
        [ID, "土地经营权流转合同", "农村土地承包经营权证"],
        5,
        "乡镇农业综合服务中心",
        "《中华人民共和国农村土地承包法》第三十六条",
    ),
    _item(
        "timber_permit",
        "林木采伐许可",
        T,
        AGR,
        ["采伐申请书", ID, "林权证或承包合同", "采伐作业设计（按规定需要时）"],
        10,
        "县林业局（乡镇林业站）",
        "《中华人民共和国森林法》第五十六条",
        online=False,
    ),
    # 就业
    _item(
        "employment_register",
        "就业登记、失业登记",
        V,
        EMP,
        [ID, "劳动合同或就业证明（就业登记时）"],
        1,
        "乡镇劳动保障所、县人社局",
        "《中华人民共和国就业促进法》；《就业服务与就业管理规定》",
    ),
    _item(
        "start_up_loan",
        "创业担保贷款申请",
        C,
        EMP,
        [ID, HOUSEHOLD_BOOK, "营业执照", "创业项目计划书"],
        15,
        "县人社局（县就业服务中心）",
        "《中华人民共和国就业促进法》第二十四条",
        online=False,
    ),
    # 生育
    _item(
        "birth_service_register",
        "生育登记服务",
        V,
        FAM,
        [PARENTS_ID, "父母双方户口簿或居住证", MARRIAGE],
        1,
        "乡镇卫生健康办",
        "《中华人民共和国人口与计划生育法》；《四川省人口与计划生育条例》",
    ),
    _item(
        "family_planning_reward",
        "农村部分计划生育家庭奖励扶助申报",
        V,
        FAM,
        ["夫妻双方居民身份证", HOUSEHOLD_BOOK, "结婚证", "独生子女父母光荣证或相关证明"],
        20,
        "县卫生健康局",
        "《中华人民共和国人口与计划生育法》第三十一条",
    ),
    # 退役军人
    _item(
        "veteran_card",
        "退役军人优待证申领",
        V,
        VET,
        [ID, "退役证件（退伍证、转业证等）", PHOTO],
        20,
        "县退役军人事务局",
        "《中华人民共和国退役军人保障法》第六十一条；《退役军人、其他优抚对象优待证管理办法（试行）》",
        place="村（社区）退役军人服务站",
    ),
    _item(
        "veteran_pension",
        "优抚对象定期抚恤补助申请",
        T,
        VET,
        [ID, HOUSEHOLD_BOOK, "退役证件", BANK],
        20,
        "县退役军人事务局",
        "《军人抚恤优待条例》",
    ),
]

# -- 一件事一次办 --------------------------------------------------------------------------------------------------

BUNDLES = [
    {
        "code": "newborn",
        "name": "新生儿出生一件事",
        "description": (
            "出生登记落户、新生儿参保、社会保障卡申领和生育登记一次办：出生医学证明、户口簿和父母身份证只交一次。"
        ),
        "items": ["birth_register", "newborn_medical", "social_card", "birth_service_register"],
    },
    {
        "code": "elder_death",
        "name": "老人身故一件事",
        "description": (
            "死亡注销户口、养老保险待遇停发及丧葬补助金、惠民殡葬补贴一次办：死亡证明和经办人身份证只交一次。"
        ),
        "items": ["death_cancel", "pension_survivor", "funeral_subsidy"],
    },
    {
        "code": "new_house",
        "name": "新建住房一件事",
        "description": "宅基地和建房审批、竣工验收、不动产首次登记一次申请，村里代为跟进。",
        "items": ["homestead_apply", "house_completion", "property_register"],
    },
]


def all_items() -> list[dict]:
    return [*ITEMS, *CERTIFICATE_ITEMS]


def check() -> None:
    """The default catalogue is consistent (a test runs this): unique codes, known levels and categories, sane
    limits, bundles naming items that exist, each certificate kind with its village item."""
    from doorstep.catalogue import MAX_DAYS, clean_item

    items = all_items()
    codes = [i["code"] for i in items]
    assert len(codes) == len(set(codes)), "duplicate item code"
    for i in items:
        cleaned = clean_item({k: i[k] for k in VERSION_FIELDS})
        assert 1 <= cleaned["time_limit_days"] <= MAX_DAYS, i["code"]
        assert cleaned["materials"] == i["materials"], i["code"]
    for b in BUNDLES:
        assert set(b["items"]) <= set(codes), b["code"]
    kinds = {k["code"] for k in CERTIFICATE_KINDS}
    assert kinds == {i["certificate"] for i in CERTIFICATE_ITEMS}


def _may_install(actor, county) -> None:
    if county is None or county.level != RegionLevel.COUNTY:
        raise NotFound()
    if actor is not None and not scope.region_in_scope(actor, Action.SERVICE_CONFIGURE, county):
        raise NotFound()


def install(county, *, actor=None, today: date | None = None) -> dict[str, int]:
    """Install the default certificate kinds, items and bundles the county does not have yet (by code); what it
    has, edited or not, is left as it is. ``actor`` (a county administrator) or None for the system (the command,
    a migration). The items are admitted on ``today`` (default: today). Returns what was added, by kind."""
    _may_install(actor, county)
    today = today or timezone.localdate()
    added = {"certificate_kinds": 0, "items": 0, "bundles": 0}
    user = actor if getattr(actor, "pk", None) else None
    with transaction.atomic():
        Region.objects.select_for_update().filter(pk=county.pk).first()  # one installer at a time per county
        kinds = {k.code: k for k in CertificateKind.objects.filter(county=county)}
        for data in CERTIFICATE_KINDS:
            if data["code"] not in kinds:
                kinds[data["code"]] = CertificateKind.objects.create(county=county, admitted_on=today, **data)
                added["certificate_kinds"] += 1
        items = {i.code: i for i in Item.objects.filter(county=county)}
        order = max((i.order for i in items.values()), default=0)
        for data in all_items():
            if data["code"] in items:
                continue
            order += 10
            kind = kinds.get(data["certificate"]) if data["certificate"] else None
            item = Item.objects.create(
                county=county, code=data["code"], admitted_on=today, certificate=kind, order=order
            )
            version = ItemVersion.objects.create(
                item=item, number=1, created_by=user, **{k: data[k] for k in VERSION_FIELDS}
            )
            item.current = version
            item.save(update_fields=["current"])
            items[item.code] = item
            added["items"] += 1
        existing = set(Bundle.objects.filter(county=county).values_list("code", flat=True))
        for data in BUNDLES:
            if data["code"] in existing:
                continue
            bundle = Bundle.objects.create(
                county=county, code=data["code"], name=data["name"], description=data["description"]
            )
            bundle.items.set([items[code] for code in data["items"] if code in items])
            added["bundles"] += 1
        if any(added.values()):
            audit.record(
                user,
                AuditAction.CATALOGUE_INSTALL,
                county,
                after={**added, "admitted_on": today.isoformat()},
                region=county,
            )
    return added
