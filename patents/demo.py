"""Demo patents, dispute cases and IP activities of the county (DESIGN.md §6).

The figures reproduce the seed document: 发明专利申请 1125 in 2023 (513 in 2022, +119.3%),
发明专利授权 171 (99, +72.73%), 调解专利纠纷 17; earlier years grow plausibly so that the
five-year statistics have a trend. Everything is generated from a fixed seed, so loading twice
creates nothing new: rows are matched by application number or case number.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction

from kejiju.imports.resources import copy_to_history

from . import numbers
from .choices import ActivityKind, DisputeOutcome, LegalStatus, PatentType
from .models import DisputeCase, IPActivity, Patent

CHANGE_REASON = "载入演示数据"
SEED = 20230426

INVENTION_FILINGS = {
    2016: 290,
    2017: 320,
    2018: 350,
    2019: 388,
    2020: 427,
    2021: 466,
    2022: 513,
    2023: 1125,
}
INVENTION_GRANTS = {2019: 64, 2020: 78, 2021: 86, 2022: 99, 2023: 171}
UTILITY_FILINGS = {2019: 2104, 2020: 2356, 2021: 2518, 2022: 2687, 2023: 2961}
DESIGN_FILINGS = {2019: 903, 2020: 962, 2021: 1011, 2022: 1047, 2023: 1183}
TYPE_DIGIT = {PatentType.INVENTION: "1", PatentType.UTILITY: "2", PatentType.DESIGN: "3"}
LINKED_SHARE = 0.65
MEDIATED = {2019: 8, 2020: 10, 2021: 11, 2022: 13, 2023: 17}

ADJECTIVES = "高效 节能 智能 便携 自动 多功能 新型 精密 低噪音 耐磨 防水 可折叠 模块化 环保".split()
OBJECTS = (
    "汽车制动钳 刹车片 汽车空调压缩机 包装机 制袋机 注塑模具 轴承 阀门 电机控制器 传感器 "
    "合成革涂层 鞋底 LED 灯具 激光切割头 数控机床夹具 液压缸 齿轮箱 过滤装置 检测装置 "
    "输送装置 清洗设备 印刷机 分切机 电路板 储能电池 温控系统"
).split()
SUFFIXES = ["", "及其制备方法", "的控制方法", "及其使用方法", "组件", "系统"]
OTHER_APPLICANTS = [
    "温州大学",
    "浙江工业大学",
    "温州医科大学",
    "瑞安市人民医院",
    "瑞安市塘下某汽配厂",
    "瑞安市飞云某鞋材厂",
    "瑞安市马屿某机械厂",
    "陈国强",
    "林晓东",
    "黄建新",
    "周海燕",
    "瑞安市某包装机械研究所",
    "瑞安市莘塍某电器厂",
]


def _date_in(rng: random.Random, year: int, earliest: date | None = None) -> date:
    start = max(date(year, 1, 1), earliest or date(year, 1, 1))
    span = (date(year, 12, 31) - start).days
    return start + timedelta(days=rng.randint(0, max(span, 0)))


def _title(rng: random.Random, kind: str) -> str:
    thing = rng.choice(OBJECTS)
    if kind == PatentType.DESIGN:
        return f"{thing}（{rng.choice(['A', 'B', 'C', '一', '二'])}型）"
    suffix = rng.choice(SUFFIXES) if kind == PatentType.INVENTION else ""
    return f"一种{rng.choice(ADJECTIVES)}{thing}{suffix}"


def _number(year: int, kind: str, index: int) -> str:
    body = f"{year}{TYPE_DIGIT[kind]}{1_000_000 + index * 7:07d}"
    return f"{body}.{numbers.check_character(body)}"


def _patents(enterprises: list[tuple[int, str, str]]) -> list[Patent]:
    rng = random.Random(SEED)
    patents: list[Patent] = []

    def make(year: int, kind: str, index: int) -> Patent:
        if enterprises and rng.random() < LINKED_SHARE:
            pk, name, code = rng.choice(enterprises)
            applicant, credit_code, enterprise_id = name, code, pk
        else:
            applicant, credit_code, enterprise_id = rng.choice(OTHER_APPLICANTS), "", None
        return Patent(
            application_number=_number(year, kind, index),
            kind=kind,
            title=_title(rng, kind),
            applicants=applicant,
            applicant_credit_code=credit_code,
            enterprise_id=enterprise_id,
            filed_on=_date_in(rng, year),
            legal_status=LegalStatus.PENDING,
        )

    inventions: dict[int, list[Patent]] = {}
    for year, count in INVENTION_FILINGS.items():
        inventions[year] = [make(year, PatentType.INVENTION, i) for i in range(count)]
        patents.extend(inventions[year])
    for year, count in INVENTION_GRANTS.items():
        pool = [
            p for y in (year - 3, year - 2, year - 1) for p in inventions[y] if not p.granted_on
        ]
        for patent in rng.sample(pool, count):
            patent.granted_on = _date_in(rng, year)
            patent.legal_status = (
                LegalStatus.LAPSED if year <= 2020 and rng.random() < 0.08 else LegalStatus.GRANTED
            )
    for year in (2016, 2017, 2018, 2019):
        for patent in inventions[year]:
            if not patent.granted_on:
                patent.legal_status = rng.choice(
                    [LegalStatus.REJECTED, LegalStatus.WITHDRAWN, LegalStatus.PENDING]
                )
    for kind, filings, share, months in (
        (PatentType.UTILITY, UTILITY_FILINGS, 0.88, (4, 11)),
        (PatentType.DESIGN, DESIGN_FILINGS, 0.92, (3, 7)),
    ):
        for year, count in filings.items():
            for index in range(count):
                patent = make(year, kind, index)
                if rng.random() < share:
                    granted = patent.filed_on + timedelta(days=30 * rng.randint(*months))
                    if granted <= date(2023, 12, 31):
                        patent.granted_on = granted
                        patent.legal_status = LegalStatus.GRANTED
                patents.append(patent)
    return patents


def _disputes() -> list[DisputeCase]:
    rng = random.Random(SEED + 1)
    cases = []
    for year, mediated in MEDIATED.items():
        outcomes = [DisputeOutcome.MEDIATED] * mediated + [
            DisputeOutcome.TRANSFERRED,
            DisputeOutcome.WITHDRAWN,
            DisputeOutcome.REJECTED,
        ]
        if year == 2023:
            outcomes += [DisputeOutcome.PENDING] * 3
        for index, outcome in enumerate(outcomes, start=1):
            accepted = _date_in(rng, year)
            closed = None
            if outcome != DisputeOutcome.PENDING:
                closed = min(accepted + timedelta(days=rng.randint(10, 60)), date(year, 12, 31))
                accepted = min(accepted, closed)
            plaintiff, defendant = rng.sample(
                OTHER_APPLICANTS[4:7]
                + ["瑞安某汽配有限公司", "温州某电器有限公司", "瑞安某鞋业有限公司"],
                2,
            )
            cases.append(
                DisputeCase(
                    case_number=f"瑞知维〔{year}〕{index:03d}号",
                    cause=rng.choice(
                        [
                            "侵犯实用新型专利权纠纷",
                            "侵犯外观设计专利权纠纷",
                            "侵犯发明专利权纠纷",
                            "假冒专利",
                        ]
                    ),
                    parties=f"{plaintiff}；{defendant}",
                    accepted_on=accepted,
                    closed_on=closed,
                    outcome=outcome,
                )
            )
    return cases


def _activities() -> list[IPActivity]:
    rows = []
    for year in range(2019, 2024):
        rows += [
            IPActivity(
                held_on=date(year, 4, 26),
                kind=ActivityKind.WORLD_IP_DAY,
                title=f"{year} 年“4·26”全国知识产权宣传周广场宣传活动",
                location="安阳街道万松广场",
                participants=800 + (year - 2019) * 120,
            ),
            IPActivity(
                held_on=date(year, 6, 18),
                kind=ActivityKind.TRAINING,
                title=f"{year} 年企业专利申请与布局实务培训班",
                location="市科技局会议室",
                participants=120 + (year - 2019) * 15,
            ),
            IPActivity(
                held_on=date(year, 10, 20),
                kind=ActivityKind.COMPETITION,
                title=f"{year} 年瑞安市专利创新创业大赛",
                location="瑞安市科创园",
                participants=60 + (year - 2019) * 10,
            ),
        ]
    return rows


@transaction.atomic
def load() -> None:
    from enterprises.models import Enterprise

    enterprises = list(Enterprise.objects.order_by("pk").values_list("pk", "name", "credit_code"))
    existing = set(Patent.objects.values_list("application_number", flat=True))
    _create([p for p in _patents(enterprises) if p.application_number not in existing])
    existing = set(DisputeCase.objects.values_list("case_number", flat=True))
    _create([c for c in _disputes() if c.case_number not in existing])
    existing = set(IPActivity.objects.values_list("held_on", "title"))
    _create([a for a in _activities() if (a.held_on, a.title) not in existing])


def _create(objects: list) -> None:
    """bulk_create, and the history rows copied in SQL (tens of thousands of patents)."""
    if not objects:
        return
    model = type(objects[0])
    created = model.objects.bulk_create(objects, batch_size=2000)
    pks = [obj.pk for obj in created]
    if not (all(pks) and copy_to_history(model, pks, "+", reason=CHANGE_REASON)):
        model.history.bulk_history_create(created, default_change_reason=CHANGE_REASON)
