"""The demo expert pool (DESIGN.md §6): 573 experts 在库 at the end of 2023, 20–30 per specialty.

The platform's demo expert account (mobile 13900000001, 机械制造) is one of them; the others have
mobiles 13857701000 onwards. Loading twice changes nothing: experts are keyed by mobile.
"""

from __future__ import annotations

import random
from datetime import date

from django.db import transaction

from enterprises.demo import create_missing
from kejiju.choices import Role

from .choices import ExpertStatus, Gender, Title
from .models import Expert

DEMO_MOBILE = "13900000001"
FIRST_MOBILE = 13857701000

# specialty → experts 在库 at the end of 2023 (the platform's demo expert is the 机械制造 one extra).
SPECIALTIES = {
    "机械制造": 29, "汽车零部件": 30, "电子信息": 30, "软件与信息服务": 28, "新材料": 29,
    "生物医药": 25, "化学化工": 24, "节能环保": 28, "新能源": 23, "电气自动化": 29,
    "光电与激光": 22, "轻工制鞋": 24, "纺织服装": 21, "食品加工": 22, "现代农业": 30,
    "园艺与林业": 25, "水产养殖": 20, "畜牧兽医": 21, "医疗卫生": 29, "建筑与土木": 24,
    "财务审计": 30, "知识产权": 30,
}  # fmt: skip
# 入库日期 of the active pool: blank for those carried over from the paper register, then by year.
ENTERED = {None: 39, 2019: 341, 2020: 50, 2021: 50, 2022: 50, 2023: 42}
ENTERED_2024 = 15  # joined after the year the seed reports on
INACTIVE = 12  # suspended or withdrawn: never counted

EMPLOYERS = {
    "机械制造": ["浙江工业大学", "温州大学", "瑞安市质量技术监督检测院"],
    "汽车零部件": ["温州大学", "浙江汽车零部件质检中心", "瑞安市汽摩配行业协会"],
    "电子信息": ["温州大学", "杭州电子科技大学", "温州职业技术学院"],
    "软件与信息服务": ["温州大学", "浙江工业大学", "瑞安市大数据发展中心"],
    "新材料": ["温州大学", "中国科学院宁波材料技术与工程研究所", "浙江理工大学"],
    "生物医药": ["温州医科大学", "浙江省医学科学院", "瑞安市人民医院"],
    "化学化工": ["浙江工业大学", "温州大学", "瑞安市环境监测站"],
    "节能环保": ["浙江大学", "温州大学", "瑞安市生态环境分局"],
    "新能源": ["浙江大学", "温州大学", "国网瑞安市供电公司"],
    "电气自动化": ["浙江工业大学", "温州职业技术学院", "国网瑞安市供电公司"],
    "光电与激光": ["温州大学", "中国计量大学", "瑞安市激光应用工程示范中心"],
    "轻工制鞋": ["温州大学", "温州职业技术学院", "瑞安市鞋革行业协会"],
    "纺织服装": ["浙江理工大学", "温州大学", "瑞安市纤维检验所"],
    "食品加工": ["浙江工商大学", "温州科技职业学院", "瑞安市市场监督管理局"],
    "现代农业": ["温州科技职业学院", "温州市农业科学研究院", "瑞安市农业农村局"],
    "园艺与林业": ["浙江农林大学", "温州市农业科学研究院", "瑞安市林业总站"],
    "水产养殖": ["浙江海洋大学", "温州市海洋与渔业研究所", "瑞安市渔业技术推广站"],
    "畜牧兽医": ["浙江农林大学", "温州科技职业学院", "瑞安市畜牧兽医站"],
    "医疗卫生": ["温州医科大学", "瑞安市人民医院", "瑞安市中医院"],
    "建筑与土木": ["温州大学", "瑞安市建筑设计院", "瑞安市住房和城乡建设局"],
    "财务审计": ["瑞安市审计局", "瑞安华信会计师事务所", "温州大学商学院"],
    "知识产权": ["浙江省知识产权研究与服务中心", "瑞安市知识产权维权援助中心", "温州大学法学院"],
}
SURNAMES = "陈 林 王 张 李 黄 周 吴 郑 潘 金 叶 孙 胡 徐 朱 蔡 郭 何 章 余 谢 杨 刘 池 戴".split()
GIVEN_MALE = (
    "建华 志刚 晓明 国强 海峰 文斌 立军 永安 伟东 振宇 宏伟 家豪 子健 明远 浩然 海波 国良 俊杰 建平 卫东 成林"
).split()
GIVEN_FEMALE = "丽娟 海燕 晓燕 秀芳 静 慧敏 雪梅 玉兰 春华 佳怡 思雨 婷婷 美玲 文静 晓红".split()
TITLES = [Title.SENIOR] * 3 + [Title.ASSOCIATE] * 5 + [Title.INTERMEDIATE] * 2 + [Title.OTHER]


def _entry_dates(rng: random.Random) -> list[date | None]:
    dates: list[date | None] = []
    for year, count in ENTERED.items():
        for _ in range(count):
            dates.append(
                None if year is None else date(year, rng.randint(1, 12), rng.randint(1, 28))
            )
    rng.shuffle(dates)
    return dates


def _experts() -> list[Expert]:
    rng = random.Random(573)
    specialties = [s for s, count in SPECIALTIES.items() for _ in range(count)]
    rng.shuffle(specialties)
    # the platform's demo expert fills one 机械制造 place of the 573
    specialties.remove("机械制造")
    rows: list[tuple[str, date | None, str]] = [
        (specialty, entered, ExpertStatus.ACTIVE)
        for specialty, entered in zip(specialties, _entry_dates(rng), strict=True)
    ]
    pool = list(SPECIALTIES)
    rows += [
        (rng.choice(pool), date(2024, rng.randint(1, 6), rng.randint(1, 28)), ExpertStatus.ACTIVE)
        for _ in range(ENTERED_2024)
    ]
    rows += [
        (
            rng.choice(pool),
            date(rng.randint(2019, 2022), rng.randint(1, 12), rng.randint(1, 28)),
            ExpertStatus.SUSPENDED if n % 3 == 0 else ExpertStatus.RETIRED,
        )
        for n in range(INACTIVE)
    ]
    names = {
        gender: [surname + given for surname in SURNAMES for given in pool]
        for gender, pool in ((Gender.MALE, GIVEN_MALE), (Gender.FEMALE, GIVEN_FEMALE))
    }
    for pool in names.values():
        rng.shuffle(pool)
    result = []
    for number, (specialty, entered, status) in enumerate(rows):
        gender = Gender.FEMALE if number % 10 < 3 else Gender.MALE
        result.append(
            Expert(
                name=names[gender].pop(),
                employer=rng.choice(EMPLOYERS[specialty]),
                title=rng.choice(TITLES),
                specialties=specialty,
                mobile=str(FIRST_MOBILE + number),
                gender=gender,
                birth_year=rng.randint(1958, 1990),
                status=status,
                entered_on=entered,
            )
        )
    return result


def demo_expert() -> Expert:
    """The expert of the demo account ``expert`` (kejiju.demo)."""
    expert, _ = Expert.objects.get_or_create(
        mobile=DEMO_MOBILE,
        defaults={
            "name": "张专家",
            "employer": "温州大学",
            "title": "senior",
            "specialties": "机械制造",
        },
    )
    return expert


def link_demo_account(user) -> None:
    """The demo expert account stands for the demo expert."""
    if user.role == Role.EXPERT:
        user.expert = demo_expert()


@transaction.atomic
def load() -> None:
    demo_expert()
    create_missing(Expert, _experts(), key=lambda e: e.mobile)
    _link_specialties()


# The two-level tree: discipline → the specialties of the demo pool.
DISCIPLINES = {
    "工业与制造": [
        "机械制造",
        "汽车零部件",
        "电气自动化",
        "光电与激光",
        "轻工制鞋",
        "纺织服装",
        "食品加工",
    ],
    "信息技术": ["电子信息", "软件与信息服务"],
    "材料与化工": ["新材料", "化学化工"],
    "能源与环境": ["节能环保", "新能源"],
    "生物医药与卫生": ["生物医药", "医疗卫生"],
    "农业": ["现代农业", "园艺与林业", "水产养殖", "畜牧兽医"],
    "建设工程": ["建筑与土木"],
    "财务与知识产权": ["财务审计", "知识产权"],
}


def _link_specialties() -> None:
    """Builds the specialty tree and links every expert to the specialty their record names."""
    from .models import ExpertSpecialty, Specialty

    by_name = {}
    for order, (discipline, children) in enumerate(DISCIPLINES.items()):
        root, _ = Specialty.objects.get_or_create(
            name=discipline, parent=None, defaults={"order": order}
        )
        for child_order, name in enumerate(children):
            node, _ = Specialty.objects.get_or_create(
                name=name, parent=root, defaults={"order": child_order}
            )
            by_name[name] = node
    linked = set(ExpertSpecialty.objects.values_list("expert_id", "specialty_id"))
    ExpertSpecialty.objects.bulk_create(
        ExpertSpecialty(expert_id=pk, specialty_id=by_name[text].pk)
        for pk, text in Expert.objects.values_list("pk", "specialties")
        if text in by_name and (pk, by_name[text].pk) not in linked
    )
