"""The default small-power list a county starts from: the 4 classes and 13 key powers of seed 004 五
(留坝: 村级重大事项决策权、惠民政策提名权、党员干部管理权、村级事务管理权 4大类13项重点权力).

The seed names the classes and the count; the powers are filled in from the matters the seeds name
elsewhere (003 #11: 低保、医疗救助、救灾补助、宅基地 pass the 党群议事会; 003 依法议事清单: 低保户确定、
宅基地分配、救灾物资发放; 000 六权议事决策) and the matters the Organic Law (Art. 24) reserves for the
村民会议. The county administrator changes the list afterwards.

The texts are the county's data (in Chinese, as a county would write them), not interface strings.
"""

from __future__ import annotations

from powers.models import Applicant, PowerClass, Template

D, B, C, A = PowerClass.DECISION, PowerClass.BENEFIT, PowerClass.CADRE, PowerClass.AFFAIRS
HH, VIL = Applicant.HOUSEHOLD, Applicant.VILLAGE

ORGANIC_24 = "《村民委员会组织法》第二十四条（须经村民会议或其授权的村民代表会议讨论决定的事项）"
ASSIST = "《社会救助暂行办法》；《最低生活保障审核确认办法》（民发〔2021〕57号）"

DEFAULT_POWERS = [
    {
        "code": "major-decision",
        "name": "村级重大事项决策",
        "power_class": D,
        "template": Template.GENERAL,
        "applicant": VIL,
        "legal_basis": ORGANIC_24 + "；“六权议事决策机制”“五议一审两公开”",
        "documents": "事项方案\n两委商议记录",
        "procedure": "党组织提议 → 两委商议 → 党员大会审议 → 村民（代表）会议决议 → 决议公开 → 实施结果公开",
        "supervision": "村务监督委员会全程监督；决议和实施结果在村务公开栏公开",
    },
    {
        "code": "asset-disposal",
        "name": "集体资产处置（出租、出售、出借）",
        "power_class": D,
        "template": Template.ASSET,
        "applicant": VIL,
        "legal_basis": ORGANIC_24 + "（借贷、租赁或者以其他方式处分村集体财产）；《农村集体经济组织法》",
        "documents": "资产处置方案\n资产评估报告\n两委商议记录",
        "procedure": "两委商议 → 村民会议或代表会议决议 → 公示 → 评估、公开交易 → 合同签订 → 结果公开",
        "supervision": "村务监督委员会监督交易全过程；合同存村级档案（组织法第三十四条）",
    },
    {
        "code": "works-project",
        "name": "村级工程项目建设",
        "power_class": D,
        "template": Template.GENERAL,
        "applicant": VIL,
        "legal_basis": ORGANIC_24 + "（村公益事业的兴办和筹资筹劳方案及建设承包方案）",
        "documents": "项目方案及预算\n村民（代表）会议决议",
        "procedure": "两委商议 → 村民（代表）会议决议 → 公开招标或比选 → 施工监督 → 竣工验收 → 结果公开",
        "supervision": "村务监督委员会参与验收；工程款走银行转账",
    },
    {
        "code": "land-compensation",
        "name": "土地征收补偿费分配使用",
        "power_class": D,
        "template": Template.GENERAL,
        "applicant": VIL,
        "legal_basis": ORGANIC_24 + "（征地补偿费的使用、分配方案）",
        "documents": "征收补偿协议\n分配方案",
        "procedure": "两委商议 → 村民会议决议 → 分配方案公示 → 乡镇备案 → 发放结果公开",
        "supervision": "村务监督委员会监督发放；分配方案和发放结果公开",
    },
    {
        "code": "dibao",
        "name": "低保评议",
        "power_class": B,
        "template": Template.DIBAO,
        "applicant": HH,
        "legal_basis": ASSIST + "；党群议事会评定（种子文件003第十一条）",
        "documents": "户口簿\n身份证\n家庭收入和财产申报表\n授权核查家庭经济状况的声明",
        "procedure": "户申请 → 村入户调查 → 党群议事会（村民代表）民主评议 → 村内公示（不少于7天）→ 乡镇审核 → "
        "县民政审批 → 结果公开",
        "supervision": "公示期内受理异议并答复；公示不显示身份证号、银行账号",
        "publicity_days": 7,
    },
    {
        "code": "medical-aid",
        "name": "医疗救助申请",
        "power_class": B,
        "template": Template.DIBAO,
        "applicant": HH,
        "legal_basis": ASSIST + "；党群议事会评定（种子文件003第十一条）",
        "documents": "户口簿\n身份证\n医疗费用票据\n诊断证明",
        "procedure": "户申请 → 村入户核实 → 党群议事会评议 → 村内公示 → 乡镇审核 → 县民政审批 → 结果公开",
        "supervision": "公示期内受理异议并答复",
        "publicity_days": 7,
    },
    {
        "code": "disaster-relief",
        "name": "救灾补助",
        "power_class": B,
        "template": Template.DIBAO,
        "applicant": HH,
        "legal_basis": "《自然灾害救助条例》；党群议事会评定（种子文件003第十一条）",
        "documents": "户口簿\n受灾情况照片",
        "procedure": "户申请 → 村入户核灾 → 党群议事会评议 → 村内公示 → 乡镇审核 → 县审批 → 结果公开",
        "supervision": "救灾物资发放在村务公开栏公开",
        "publicity_days": 7,
    },
    {
        "code": "homestead",
        "name": "宅基地申请",
        "power_class": B,
        "template": Template.HOMESTEAD,
        "applicant": HH,
        "legal_basis": "《土地管理法》第六十二条；《农村宅基地审批管理办法》；党群议事会评定（种子文件003第十一条）",
        "documents": "农村宅基地和建房（规划许可）申请表\n户口簿\n身份证\n承诺书",
        "procedure": "户申请 → 村民小组会议讨论 → 村级审查并公示 → 乡镇审核（农业农村、自然资源意见）→ 乡镇审批 → "
        "开工查验 → 竣工验收",
        "supervision": "一户一宅；公示期内受理异议并答复",
        "publicity_days": 7,
    },
    {
        "code": "party-admission",
        "name": "发展党员",
        "power_class": C,
        "template": Template.GENERAL,
        "applicant": HH,
        "legal_basis": "《中国共产党发展党员工作细则》",
        "documents": "入党申请书",
        "procedure": "递交申请 → 确定积极分子 → 确定发展对象 → 支部大会讨论 → 乡镇党委审批 → 公示",
        "supervision": "发展对象和预备党员公示",
    },
    {
        "code": "allowance",
        "name": "村干部误工补贴人员及标准",
        "power_class": C,
        "template": Template.GENERAL,
        "applicant": VIL,
        "legal_basis": ORGANIC_24 + "（享受误工补贴的人员及补贴标准）",
        "documents": "误工补贴方案",
        "procedure": "两委商议 → 村民会议决议 → 公开",
        "supervision": "村务监督委员会监督；按季公开",
    },
    {
        "code": "cadre-review",
        "name": "党员干部民主评议",
        "power_class": C,
        "template": Template.GENERAL,
        "applicant": VIL,
        "legal_basis": "《村民委员会组织法》第三十三条（每年至少一次民主评议）",
        "documents": "述职报告",
        "procedure": "述职 → 村民代表测评 → 结果公开 → 报乡镇",
        "supervision": "评议结果在村务公开栏公开",
    },
    {
        "code": "village-finance",
        "name": "村级财务收支审批",
        "power_class": A,
        "template": Template.GENERAL,
        "applicant": VIL,
        "legal_basis": "村账乡镇代管；月公示、季审计、年决算（种子文件003第四条）",
        "documents": "原始凭证\n经办人、证明人签字",
        "procedure": "经办人填报 → 两委商议 → 村民代表审议 → 监委会审核 → 逐级签批 → 银行转账 → 公开",
        "supervision": "民主理财小组审核；按月公开",
    },
    {
        "code": "seal-certificate",
        "name": "村级印章使用及证明出具",
        "power_class": A,
        "template": Template.GENERAL,
        "applicant": HH,
        "legal_basis": "村级印章管理制度；“最多跑一次”便民代办",
        "documents": "身份证\n证明事项材料",
        "procedure": "申请 → 村两委核实 → 用印登记 → 出具证明",
        "supervision": "用印登记簿备查",
    },
]
