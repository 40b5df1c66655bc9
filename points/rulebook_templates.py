"""Ready rule books villages can start from.

ANJIA follows 安家村's 《村民（单位）日常积分管理细则》 (seed 003 #16): 6 categories, 34 items worth 0.4 to 3
points, and a negative list of 10 items at −5 each. The item texts are written in the spirit of that
passage (the seed names the categories 遵纪守法, 环境卫生, 日常行为, 社会服务 and the examples 参与迷信活动,
故意损坏公共设施, 乐于公益事业, 主动参与村级事务管理).
Each item: (text, points, cap per month or None, evidence required, villagers may declare).
"""

from points.party.templates import PARTY_BRANCH, PARTY_MEMBER  # noqa: E402

ANJIA = {
    "title": "安家村村民（单位）日常积分管理细则",
    "categories": [
        (
            "遵纪守法",
            [
                ("主动参与法治宣传教育活动", "0.5", 2, False, True),
                ("协助调解邻里矛盾纠纷并达成和解", "2", 2, True, True),
                ("主动举报违法犯罪线索经查属实", "3", None, True, True),
                ("按时足额缴纳城乡居民医保", "1", 1, True, False),
                ("积极配合禁毒、反诈宣传并签订承诺书", "0.5", 1, False, True),
            ],
        ),
        (
            "环境卫生",
            [
                ("房前屋后干净整洁、无乱堆乱放", "1", 1, False, False),
                ("垃圾分类投放规范", "0.5", 1, False, False),
                ("参加村组环境集中整治活动", "1", 4, False, True),
                ("主动清理公共区域垃圾、沟渠", "0.8", 4, True, True),
                ("庭院绿化美化、创建美丽庭院", "2", 1, True, True),
                ("畜禽规范圈养、粪污无害化处理", "0.6", 1, False, False),
                ("农药包装废弃物、农膜及时回收", "0.4", 2, False, True),
            ],
        ),
        (
            "日常行为",
            [
                ("孝敬老人、赡养义务履行到位", "1", 1, False, False),
                ("家庭和睦、邻里团结互助", "0.8", 1, False, False),
                ("婚事新办、丧事简办，按规定向红白理事会申报", "2", None, True, True),
                ("拒绝高价彩礼、不大操大办", "2", None, True, True),
                ("参加村民会议、院坝说事会", "0.5", 2, False, False),
                ("主动参与村级事务管理、为村发展建言献策被采纳", "1.5", 2, True, True),
                ("子女按时入学、无辍学", "0.5", 1, False, False),
                ("文明驾驶、遵守交通规则", "0.4", 1, False, False),
            ],
        ),
        (
            "社会服务",
            [
                ("参加志愿服务活动（每次）", "0.5", 4, False, True),
                ("乐于公益事业，捐资捐物支持村公益", "2", 2, True, True),
                ("参与防汛、防火、疫情防控等应急值守", "1.5", 4, True, True),
                ("帮扶困难群众、留守老人儿童", "1", 2, True, True),
                ("无偿献血", "3", None, True, True),
                ("参与义务植树、河道巡护", "0.8", 2, False, True),
            ],
        ),
        (
            "产业发展",
            [
                ("带动村民发展产业、吸纳本村劳动力就业", "3", None, True, True),
                ("规范经营、诚信守法，无欺诈行为", "1", 1, False, False),
                ("参加农业技术培训", "0.5", 2, True, True),
                ("土地流转、规模经营示范", "2", None, True, True),
            ],
        ),
        (
            "荣誉表彰",
            [
                ("获得镇级表彰", "1", None, True, True),
                ("获得区（县）级表彰", "2", None, True, True),
                ("获得市级及以上表彰", "3", None, True, True),
                ("子女考入大学或参军入伍", "1", None, True, True),
            ],
        ),
    ],
    "negative_list": [
        "参与封建迷信活动",
        "故意损坏公共设施",
        "违规建房、私搭乱建",
        "乱砍滥伐、非法占用耕地",
        "聚众赌博",
        "酗酒滋事、打架斗殴",
        "不赡养老人、虐待家庭成员",
        "无理缠访闹访",
        "焚烧秸秆、垃圾",
        "散布谣言、造谣生事",
    ],
    "negative_points": "-5",
}

TEMPLATES = {"anjia": ANJIA, "party_member": PARTY_MEMBER, "party_branch": PARTY_BRANCH}
