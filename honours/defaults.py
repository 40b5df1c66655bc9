"""The boards a new county gets (seed 003, 西昌: "先锋、致富、善行、乡贤、新风、孝老、学子、巧妇" 八榜, each with
about ten places per village; plus 最美家庭 and 最美庭院 for households). The county keeps them on its settings page."""

# code, name, subject, who it honours
DEFAULT_BOARDS = [
    ("pioneer", "先锋榜", "person", "党员干部、退役军人中带头干事、服务群众的先锋模范"),
    ("prosper", "致富榜", "person", "勤劳致富、带动乡邻增收的种养能手和创业带头人"),
    ("kindness", "善行榜", "person", "见义勇为、扶危济困、热心公益的好人好事"),
    ("worthy", "乡贤榜", "person", "德高望重、反哺家乡、调解纠纷的乡贤能人"),
    ("newstyle", "新风榜", "person", "移风易俗、婚丧简办、崇尚文明新风的带头人"),
    ("filial", "孝老榜", "person", "孝敬老人、赡养父母、敬老爱亲的孝子孝媳"),
    ("scholar", "学子榜", "person", "考入大中专院校或学业优异、品学兼优的学子"),
    ("homemaker", "巧妇榜", "person", "持家有方、手艺精巧、勤劳能干的妇女"),
    ("family", "最美家庭", "household", "家庭和睦、邻里团结、家风淳朴的家庭"),
    ("courtyard", "最美庭院", "household", "庭院整洁、绿化美化、环境卫生好的农户"),
]
DEFAULT_PLACES = 10
DEFAULT_PUBLICITY_DAYS = 5  # working days: a calendar week
EVALUATE_DAYS = 10  # working days the panel has to evaluate a nomination
