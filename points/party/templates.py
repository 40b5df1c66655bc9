"""Rule-book templates for party points (双项积分, seed 001 篇四 2).

The seed names the categories and nothing more: 农村党员 are scored on 参加党的组织生活, 先锋模范作用 and
一票否决; 农村（社区）党组织 on 基本制度坚持, 战斗堡垒作用, 党员群众评议评价 and 一票否决. The items below are
written in the spirit of that passage (三会一课, 主题党日, 党费, 联户, 四议两公开, 集体经济 …) and are meant to be
edited by each village before adoption.

Same format as ``points.rulebook_templates.ANJIA``: each item is (text, points, cap per month or None,
evidence required, villagers may declare). The 一票否决 items form the negative list and cost
``negative_points`` (−100): one such entry takes a quarter far below every warning line, and the yearly
appraisal marks the subject as vetoed (not eligible for awards) whatever its total. ``negative_category``
names that category (``_fill_from_template`` calls it 负面清单 unless it honours this key).

Deductions that are not a veto (无故缺席组织生活 …) are ordinary items with negative points.
"""

VETO_POINTS = "-100"

PARTY_MEMBER = {
    "title": "农村党员积分管理细则",
    "categories": [
        (
            "参加组织生活",
            [
                ("按时参加支部党员大会", "2", 1, False, False),
                ("按时参加党小组会", "1", 1, False, False),
                ("参加主题党日活动", "2", 1, False, False),
                ("参加党课学习并完成学习笔记", "2", 1, True, False),
                ("参加组织生活会，认真开展批评与自我批评", "3", 1, False, False),
                ("按时足额交纳党费", "1", 1, False, False),
                ("参加远程教育、“学习强国”等学习达到要求", "1", 1, True, False),
                ("无故缺席组织生活（每次）", "-2", 3, False, False),
                ("未按时交纳党费", "-2", 1, False, False),
            ],
        ),
        (
            "先锋模范作用",
            [
                ("走访联系户，帮助解决实际困难", "1", 4, True, False),
                ("带头参加志愿服务、公益活动", "1", 4, False, False),
                ("带头发展产业，带动群众增收致富", "3", None, True, False),
                ("带头移风易俗，婚事新办、丧事简办", "2", None, True, False),
                ("参与调解矛盾纠纷，维护和谐稳定", "2", 2, True, False),
                ("在防汛、防火等急难险重任务中带头值守", "3", None, True, False),
                ("在人居环境整治中带头示范", "1", 2, False, False),
                ("为村发展建言献策被采纳", "2", 2, True, False),
                ("受到乡镇级及以上表彰", "3", None, True, False),
                ("经核实群众反映的不作为、不担当问题", "-3", None, True, False),
            ],
        ),
    ],
    "negative_category": "一票否决",
    "negative_list": [
        "违反政治纪律，发表违背党的路线方针政策的言论",
        "受到党纪政务处分或被追究刑事责任",
        "参与黑恶势力、黄赌毒、邪教或封建迷信活动",
        "连续六个月不参加党的组织生活、不交纳党费或不做党所分配的工作",
        "组织或参与缠访闹访、聚众滋事",
        "违规建房、侵占集体资产资源",
    ],
    "negative_points": VETO_POINTS,
}

PARTY_BRANCH = {
    "title": "农村（社区）党组织积分管理细则",
    "categories": [
        (
            "基本制度坚持",
            [
                ("落实“三会一课”，按时召开支部党员大会、支委会、党小组会", "3", 1, True, False),
                ("按时讲党课", "2", 1, True, False),
                ("开展主题党日活动", "2", 1, True, False),
                ("召开组织生活会，开展民主评议党员", "5", None, True, False),
                ("落实“四议两公开”，重大事项决策程序规范", "3", 2, True, False),
                ("按时公开党务、村务、财务", "2", 1, True, False),
                ("规范发展党员，按计划完成", "2", None, True, False),
                ("党费收缴、使用、管理规范", "1", 1, False, False),
                ("党建台账资料完整规范", "1", 1, False, False),
                ("未按规定召开“三会一课”", "-3", 1, False, False),
            ],
        ),
        (
            "战斗堡垒作用",
            [
                ("完成乡镇党委部署的重点任务", "3", 2, True, False),
                ("发展壮大村级集体经济，集体收入增长", "5", None, True, False),
                ("矛盾纠纷就地化解，无越级上访", "2", 1, False, False),
                ("人居环境整治、乡风文明建设成效明显", "2", 1, True, False),
                ("落实网格化管理和党员联户，服务群众到位", "2", 1, False, False),
                ("在防汛、防火等急难险重任务中发挥作用", "3", None, True, False),
                ("获得县级及以上表彰", "5", None, True, False),
                ("重点任务未按期完成被通报", "-3", None, True, False),
            ],
        ),
        (
            "党员群众评议评价",
            [
                ("党员群众满意度测评达到90%以上", "5", None, True, False),
                ("党员群众满意度测评达到80%至90%", "3", None, True, False),
                ("群众反映问题按时办结、回访满意", "1", 4, False, False),
                ("党员群众满意度测评低于60%", "-5", None, True, False),
                ("经查实的群众有效投诉", "-2", None, True, False),
            ],
        ),
    ],
    "negative_category": "一票否决",
    "negative_list": [
        "班子成员出现严重违纪违法问题",
        "发生重大安全责任事故或群体性事件且负有责任",
        "严重违反“四议两公开”，侵害群众利益",
        "换届选举中出现拉票贿选等违规行为",
        "意识形态工作出现严重问题",
        "发生恶性案件并造成重大社会影响且负有责任",
    ],
    "negative_points": VETO_POINTS,
}

PARTY_TEMPLATES = {"party_member": PARTY_MEMBER, "party_branch": PARTY_BRANCH}
