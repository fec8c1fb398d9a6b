"""Demo enterprises of the county with qualifications and R&D institutions (DESIGN.md §6).

The records reproduce the seed document's 2023 figures (seed/README.md) and grow plausibly over
2019–2023, with a few 2024 records. Names are invented; credit codes use serials 1000–1439 and pass
their check digits. Loading twice changes nothing: only records missing by natural key are created.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Hashable, Iterable
from datetime import date, timedelta
from functools import cache

from django.db import models, transaction
from simple_history.utils import bulk_create_with_history

from kejiju.choices import Level, Role
from kejiju.codes import make_credit_code
from kejiju.models import TechField, Town

from . import demo_reminders
from .choices import InstitutionType, QualificationType, RecognitionKind
from .models import Enterprise, Qualification, RDInstitution
from .querysets import HNTE_VALIDITY_YEARS

FIRST_SERIAL = 1000
ENTERPRISE_COUNT = 440
CHANGE_REASON = "载入演示数据"

BRANDS = (
    "恒达 瑞丰 永固 立信 宏泰 华宇 凯迪 正泰 联创 博远 鑫源 天成 中科 金瑞 嘉诚 明泰 汇通 宏盛 "
    "力升 东耀 海川 安泰 德润 新亚 宝隆 远航 美康 三禾 普瑞 长荣 万豪 圣达 锦龙 华特 信宇 奥力 "
    "星辰 云帆 康德 天瑞 卓越 精工 富强 耀华 惠通 宏达 中盛 鼎新 泰瑞 明峰 荣兴 德力 合力 盛泰 "
    "金马 欣达 华鹰 众和 伟业 方圆"
).split()

# (name stem, 行业类别, 技术领域)
LINES = [
    ("汽车部件", "汽车零部件及配件制造", "先进制造与自动化"),
    ("汽摩配件", "汽车零部件及配件制造", "先进制造与自动化"),
    ("制动系统", "汽车零部件及配件制造", "先进制造与自动化"),
    ("机械", "通用设备制造业", "先进制造与自动化"),
    ("包装机械", "专用设备制造业", "先进制造与自动化"),
    ("智能装备", "专用设备制造业", "先进制造与自动化"),
    ("电子", "计算机、通信和其他电子设备制造业", "电子信息"),
    ("电器", "电气机械和器材制造业", "新能源与节能"),
    ("光电科技", "计算机、通信和其他电子设备制造业", "电子信息"),
    ("激光科技", "专用设备制造业", "先进制造与自动化"),
    ("新材料", "橡胶和塑料制品业", "新材料"),
    ("塑胶", "橡胶和塑料制品业", "新材料"),
    ("合成革", "皮革、毛皮、羽毛及其制品和制鞋业", "新材料"),
    ("鞋业", "皮革、毛皮、羽毛及其制品和制鞋业", "新材料"),
    ("药业", "医药制造业", "生物与新医药"),
    ("生物科技", "医药制造业", "生物与新医药"),
    ("信息技术", "软件和信息技术服务业", "电子信息"),
    ("环保科技", "生态保护和环境治理业", "资源与环境"),
    ("新能源", "电气机械和器材制造业", "新能源与节能"),
    ("轴承", "通用设备制造业", "先进制造与自动化"),
    ("阀门", "通用设备制造业", "先进制造与自动化"),
    ("检测技术", "专业技术服务业", "高技术服务"),
]

SURNAMES = "陈 林 王 张 李 黄 周 吴 郑 潘 金 叶 孙 胡 徐 朱 蔡 郭 何 章".split()
GIVEN = "建国 海燕 志强 晓东 丽华 伟 敏 秀英 国平 小红 文杰 春燕 永明 素芬 立新 晓峰".split()

# Plan of qualifications per year: year → count. Chains of 高新技术企业 certificates are valid
# three years; an enterprise is re-recognised (重新认定) when its certificate runs out.
HNTE_FIRST = {
    2014: 12, 2015: 14, 2016: 16, 2017: 18, 2018: 20, 2019: 22,
    2020: 24, 2021: 26, 2022: 25, 2023: 28, 2024: 6,
}  # fmt: skip
HNTE_RENEWED = {2017: 10, 2018: 12, 2019: 14, 2020: 20, 2021: 18, 2022: 15, 2023: 20, 2024: 5}
TECH_SME_NEW = {2018: 25, 2019: 30, 2020: 35, 2021: 45, 2022: 80, 2023: 95, 2024: 10}
# Cohort year → (how many lost the qualification, the date it ended).
TECH_SME_ENDED = {2018: (10, date(2021, 12, 30)), 2019: (5, date(2023, 6, 30))}
CITY_TECH_NEW = {2019: 60, 2020: 70, 2021: 78, 2022: 85, 2023: 94, 2024: 8}
TOP100 = {2019: 18, 2020: 19, 2021: 20, 2022: 21, 2023: 22}
PATENT_DEMO = {
    Level.PROVINCIAL: {2019: 3, 2020: 4, 2021: 4, 2022: 5, 2023: 6, 2024: 1},
    Level.CITY: {2019: 4, 2020: 4, 2021: 5, 2022: 5, 2023: 6},
    Level.COUNTY: {2019: 12, 2020: 15, 2021: 16, 2022: 18, 2023: 21},
}
# R&D institutions: (kind, level) → {year: count}.
RD_INSTITUTIONS = {
    (InstitutionType.KEY_INSTITUTE, Level.PROVINCIAL): {2021: 1, 2024: 1},
    (InstitutionType.INSTITUTE, Level.PROVINCIAL): {2016: 1, 2018: 1, 2020: 1, 2022: 1, 2023: 1},
    (InstitutionType.HNTE_CENTER, Level.PROVINCIAL): {
        2013: 2, 2014: 2, 2015: 2, 2016: 2, 2017: 2, 2018: 2, 2019: 2, 2020: 2, 2021: 2,
        2022: 3, 2023: 4, 2024: 1,
    },
    (InstitutionType.TECH_CENTER, Level.CITY): {
        2015: 2, 2016: 3, 2017: 3, 2018: 4, 2019: 5, 2020: 6, 2021: 7, 2022: 9, 2023: 17,
        2024: 2,
    },
    (InstitutionType.ENGINEERING_CENTER, Level.COUNTY): {2020: 1, 2022: 1, 2023: 1},
}  # fmt: skip
INSTITUTION_NAMES = {
    (InstitutionType.KEY_INSTITUTE, Level.PROVINCIAL): "浙江省{}重点企业研究院",
    (InstitutionType.INSTITUTE, Level.PROVINCIAL): "浙江省{}企业研究院",
    (InstitutionType.HNTE_CENTER, Level.PROVINCIAL): "浙江省{}高新技术企业研究开发中心",
    (InstitutionType.TECH_CENTER, Level.CITY): "温州市{}企业技术研发中心",
    (InstitutionType.ENGINEERING_CENTER, Level.COUNTY): "瑞安市{}工程技术研究中心",
}


def create_missing(
    model: type[models.Model], objs: Iterable[models.Model], key: Callable[[models.Model], Hashable]
) -> int:
    """Creates the objects whose natural key is not in the database yet, with their history."""
    existing = {key(obj) for obj in model.objects.all()}
    missing, seen = [], set(existing)
    for obj in objs:
        if key(obj) not in seen:
            seen.add(key(obj))
            missing.append(obj)
    if missing:
        bulk_create_with_history(
            missing, model, batch_size=500, default_change_reason=CHANGE_REASON
        )
    return len(missing)


@cache
def enterprise_names() -> list[tuple[str, str, str]]:
    """(short name, 行业类别, 技术领域) of every demo enterprise, the same on every call."""
    pairs = [(brand, line) for line in LINES for brand in BRANDS]
    random.Random(20231231).shuffle(pairs)
    return [(brand + line[0], line[1], line[2]) for brand, line in pairs[:ENTERPRISE_COUNT]]


def enterprise_name(index: int) -> str:
    short, _, _ = enterprise_names()[index]
    prefix = "浙江" if index % 5 == 0 else "瑞安市"
    suffix = "股份有限公司" if index % 7 == 0 else "有限公司"
    return f"{prefix}{short}{suffix}"


def credit_code(index: int) -> str:
    return make_credit_code(FIRST_SERIAL + index)


def _enterprises() -> list[Enterprise]:
    towns = list(Town.objects.order_by("order", "name"))
    fields = {field.name: field for field in TechField.objects.all()}
    rng = random.Random(1000)
    result = []
    for index, (_short, industry, field) in enumerate(enterprise_names()):
        person = rng.choice(SURNAMES) + rng.choice(GIVEN)
        result.append(
            Enterprise(
                credit_code=credit_code(index),
                name=enterprise_name(index),
                # the industrial towns north of the river host most enterprises
                town=towns[(index * 7) % len(towns)] if index % 3 else towns[10 + index % 3],
                industry=industry,
                tech_field=fields.get(field),
                founded_on=date(1988 + index % 25, 1 + index % 12, 1 + index % 28),
                registered_capital=rng.choice([500, 800, 1000, 1200, 2000, 3000, 5000, 8800]),
                staff_count=rng.randint(30, 900),
                contact=person,
                phone=f"0577-658{index:05d}",
            )
        )
    return result


def _year_dates(year: int, *month_days: tuple[int, int]) -> list[date]:
    return [date(year, month, day) for month, day in month_days]


def _qualification(enterprise_id, kind, level, on, *, renewal=False, until=None, number=""):
    return Qualification(
        enterprise_id=enterprise_id,
        kind=kind,
        level=level,
        recognition=RecognitionKind.RENEWAL if renewal else RecognitionKind.FIRST,
        recognized_on=on,
        valid_until=until,
        certificate_no=number,
    )


def three_years_from(day: date) -> date:
    return day.replace(year=day.year + HNTE_VALIDITY_YEARS) - timedelta(days=1)


def _hnte(ids: list[int]) -> list[Qualification]:
    """Chains of certificates: first recognitions, then renewals three years later."""
    by_year: dict[int, list[int]] = {}
    result, next_index = [], 0
    for year in sorted(HNTE_FIRST):
        batches = _year_dates(year, (11, 24), (12, 16))
        renewing = sorted(
            random.Random(year).sample(by_year.get(year - 3, []), HNTE_RENEWED.get(year, 0))
        )
        firsts = list(range(next_index, next_index + HNTE_FIRST[year]))
        next_index += HNTE_FIRST[year]
        by_year[year] = renewing + firsts
        for position, index in enumerate(renewing + firsts):
            on = batches[position % 2]
            result.append(
                _qualification(
                    ids[index],
                    QualificationType.HNTE,
                    Level.NATIONAL,
                    on,
                    renewal=index in renewing,
                    until=three_years_from(on),
                    number=f"GR{year}33{1001 + position:06d}",
                )
            )
    return result


def _yearly(
    ids: list[int],
    kind,
    level,
    plan: dict[int, int],
    first: int,
    dates: tuple[tuple[int, int], ...],
) -> list[Qualification]:
    """Each year's recognitions go to the next enterprises of the list, starting at ``first``."""
    result, index = [], first
    for year in sorted(plan):
        for position in range(plan[year]):
            on = date(year, *dates[position % len(dates)])
            result.append(_qualification(ids[index % len(ids)], kind, level, on))
            index += 1
    return result


def _tech_sme(ids: list[int]) -> list[Qualification]:
    result = _yearly(
        ids, QualificationType.TECH_SME, Level.PROVINCIAL, TECH_SME_NEW, 100, ((6, 18), (10, 26))
    )
    for cohort, (count, ended) in TECH_SME_ENDED.items():
        for qualification in [q for q in result if q.recognized_on.year == cohort][:count]:
            qualification.valid_until = ended
    return result


def _sampled(ids: list[int], kind, level, plan: dict[int, int], pool: range, month_day, seed):
    """Yearly lists (百强, 示范企业) drawn from ``pool``; an enterprise may recur across years."""
    result = []
    for year, count in sorted(plan.items()):
        chosen = random.Random(seed * 10000 + year).sample(list(pool), count)
        result += [_qualification(ids[i], kind, level, date(year, *month_day)) for i in chosen]
    return result


def _institutions(ids: list[int]) -> list[RDInstitution]:
    names = enterprise_names()
    result = []
    for offset, ((kind, level), plan) in enumerate(RD_INSTITUTIONS.items()):
        index = offset * 3
        for year, count in sorted(plan.items()):
            for position in range(count):
                short = names[index][0]
                result.append(
                    RDInstitution(
                        enterprise_id=ids[index],
                        name=INSTITUTION_NAMES[kind, level].format(short),
                        kind=kind,
                        level=level,
                        recognized_on=date(
                            year, 12 if level == Level.PROVINCIAL else 9, 10 + position
                        ),
                    )
                )
                index += 2
    return result


def demo_enterprise() -> Enterprise:
    """The enterprise of the demo account ``enterprise`` (kejiju.demo)."""
    enterprise, _ = Enterprise.objects.get_or_create(
        credit_code=make_credit_code(1),
        defaults={
            "name": "瑞安华科智能装备有限公司",
            "town": Town.objects.get(name="安阳街道"),
            "industry": "专用设备制造业",
            "contact": "陈经办",
            "phone": "0577-65800001",
        },
    )
    return enterprise


def link_demo_account(user) -> None:
    """The demo enterprise account stands for the demo enterprise."""
    if user.role == Role.ENTERPRISE:
        user.enterprise = demo_enterprise()


@transaction.atomic
def load() -> None:
    create_missing(Enterprise, _enterprises(), key=lambda e: e.credit_code)
    by_code = dict(Enterprise.objects.values_list("credit_code", "pk"))
    ids = [by_code[credit_code(index)] for index in range(ENTERPRISE_COUNT)]
    qualifications = [
        *_hnte(ids),
        *_tech_sme(ids),
        *_yearly(
            ids,
            QualificationType.TECH_ENTERPRISE,
            Level.CITY,
            CITY_TECH_NEW,
            30,
            ((8, 30),),
        ),
        *_sampled(ids, QualificationType.TOP100, Level.CITY, TOP100, range(0, 80), (4, 10), 1),
    ]
    for number, (level, plan) in enumerate(PATENT_DEMO.items()):
        month_day = {Level.PROVINCIAL: (11, 15), Level.CITY: (9, 1)}.get(level, (7, 1))
        qualifications += _sampled(
            ids, QualificationType.PATENT_DEMO, level, plan, range(0, 300), month_day, 2 + number
        )
    create_missing(
        Qualification,
        qualifications,
        key=lambda q: (q.enterprise_id, str(q.kind), str(q.level), q.recognized_on),
    )
    create_missing(RDInstitution, _institutions(ids), key=lambda i: i.name)
    demo_reminders.load()  # a certificate ending in 60 days: the 消息中心 has something to show
