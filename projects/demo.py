"""Demo projects, technology contracts and auction deals (DESIGN.md §6).

2023 reproduces the seed document's figures (seed/README.md); 2019–2022 grow towards them and a few
2024 applications are on file. Loading twice changes nothing: records are keyed by their numbers.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from enterprises.demo import ENTERPRISE_COUNT, create_missing, credit_code, enterprise_name
from enterprises.models import Enterprise
from kejiju.models import PlanCategory, Town

from . import demo_reminders
from .choices import ContractType, FundingMode, ProjectStatus
from .models import AuctionDeal, Project, TechContract

# code → number prefix, and year → (applied, approved, total funding in 万元 or None).
PLAN = {
    "torch": ("HJ", {2019: (15, 9, None), 2020: (16, 10, None), 2021: (18, 10, None),
                     2022: (18, 11, None), 2023: (20, 12, None)}),
    "spark": ("XH", {2013: (4, 2, None), 2014: (3, 2, None)}),
    "prov_major": ("ZD", {2019: (4, 1, 200), 2020: (5, 1, 300), 2021: (5, 1, 250),
                          2022: (5, 1, 300), 2023: (6, 1, 400)}),
    "prov_new_product": ("XCP", {2019: (250, 190, None), 2020: (265, 205, None),
                                 2021: (280, 215, None), 2022: (295, 228, None),
                                 2023: (310, 240, None)}),
    "prov_agri_transfer": ("NZ", {2019: (2, 1, 25), 2020: (2, 1, 25), 2021: (3, 1, 30),
                                  2022: (2, 1, 30), 2023: (3, 1, 30)}),
    "industrial_major": ("GZ", {2019: (12, 7, 280), 2020: (13, 8, 320), 2021: (14, 8, 340),
                                2022: (15, 9, 380), 2023: (16, 9, 420), 2024: (12, 0, None)}),
    "industrial": ("GY", {2019: (38, 22, 110), 2020: (40, 24, 120), 2021: (42, 25, 130),
                          2022: (45, 27, 140), 2023: (48, 28, 150), 2024: (25, 0, None)}),
    "agri_major": ("NY", {2019: (5, 2, 40), 2020: (6, 3, 50), 2021: (6, 3, 55), 2022: (7, 3, 55),
                          2023: (8, 3, 60), 2024: (4, 0, None)}),
    "commissioner": ("TP", {2019: (18, 15, 90), 2020: (20, 17, 102), 2021: (22, 18, 110),
                            2022: (22, 19, 118), 2023: (24, 21, 136)}),
    "social": ("SF", {2019: (20, 10, 50), 2020: (22, 11, 55), 2021: (24, 12, 60),
                      2022: (25, 13, 65), 2023: (26, 14, 70), 2024: (8, 0, None)}),
}  # fmt: skip
AGRICULTURAL = {"prov_agri_transfer", "agri_major", "commissioner"}

# year → (contracts registered, 成交金额 in 万元)
CONTRACTS = {
    2019: (310, 150600),
    2020: (340, 172800),
    2021: (370, 198500),
    2022: (395, 231450),
    2023: (420, 258310),
    2024: (25, 12000),
}
# year → (deals, distinct winning enterprises, amount in 万元)
AUCTIONS = {
    2019: (3, 2, 640),
    2020: (4, 4, 860),
    2021: (4, 4, 1150),
    2022: (6, 5, 1680),
    2023: (7, 7, 2350),
    2024: (1, 1, 180),
}

PRODUCTS = (
    "高精度汽车制动卡钳 新能源汽车电机控制器 电子驻车制动系统 轻量化铝合金转向节 高效节能空压机 "
    "全自动高速制袋机 智能无菌灌装生产线 多工位伺服冲压装备 激光精密切割系统 车用高压线束 "
    "水性聚氨酯合成革 超纤环保鞋材 高阻隔食品包装膜 医用输注泵 缓释微丸制剂 "
    "工业物联网数据采集终端 智能配电监测装置 锂电池热管理模块 高性能密封轴承 智能燃气调压阀 "
    "汽车尾气后处理装置 工业机器人末端执行器 光伏组件自动清洗装置 电动汽车充电连接器"
).split()
PRODUCT_VERBS = ["研发及产业化", "关键技术研究", "设计与制造", "智能化升级", "产业化应用"]
CROPS = (
    "优质早熟梨 高山云雾茶 铁皮石斛 杨梅 瓯柑 稻鱼共生 设施蔬菜 食用菌 瑞安清明早茶 番薯 "
    "葡萄 花椰菜 甜玉米 西兰花"
).split()
AGRI_VERBS = [
    "新品种引进与示范推广",
    "绿色高效栽培技术集成与示范",
    "标准化生产技术推广",
    "病虫害绿色防控技术示范",
]
AGRI_UNITS = (
    "瑞安市高楼农业开发有限公司 瑞安市马屿果蔬专业合作社 瑞安市湖岭茶叶专业合作社 "
    "瑞安市曹村农业科技有限公司 瑞安市陶山甘蔗专业合作社 瑞安市桐浦家庭农场 "
    "瑞安市平阳坑石斛专业合作社 瑞安市芳庄生态农业有限公司 瑞安市飞云现代农业发展有限公司"
).split()
SOCIAL_TOPICS = [
    ("基层慢病智能随访管理", "瑞安市人民医院"),
    ("饮用水源地水质在线监测", "瑞安市环境监测站"),
    ("中小学生近视防控干预", "瑞安市妇幼保健院"),
    ("城市内涝风险预警", "瑞安市水利局"),
    ("老年认知障碍早期筛查", "瑞安市中医院"),
    ("农村生活污水生态处理", "瑞安市农业农村局"),
    ("地震预警信息发布终端应用", "瑞安市应急管理局"),
]
BUYERS = (
    "上海精工汽车技术有限公司 杭州云联信息科技有限公司 宁波华瑞模具有限公司 苏州新峰电子有限公司 "
    "江西赣锋材料有限公司 福建闽新机械有限公司 温州鹿城鞋业有限公司 台州三友阀门有限公司 "
    "安徽中鼎新材料有限公司 重庆长江汽配有限公司 广东顺德智能装备有限公司 山东潍坊动力有限公司"
).split()
UNIVERSITIES = [
    "浙江大学",
    "浙江工业大学",
    "温州大学",
    "温州医科大学",
    "中国计量大学",
    "浙江理工大学",
]
CONTRACT_KINDS = (
    [ContractType.DEVELOPMENT] * 9
    + [ContractType.SERVICE] * 6
    + [
        ContractType.TRANSFER,
        ContractType.TRANSFER,
        ContractType.CONSULTING,
        ContractType.CONSULTING,
        ContractType.LICENSE,
    ]
)
AUCTION_EVENTS = [
    ((6, 18), "浙江省网上技术市场科技成果竞价（拍卖）会"),
    ((9, 26), "温州市科技成果竞价（拍卖）活动"),
]
ACHIEVEMENTS = (
    "高强度铝合金压铸成型工艺 汽车制动盘激光熔覆技术 无溶剂聚氨酯合成革制备技术 "
    "食品包装机械视觉检测系统 可降解聚乳酸薄膜改性技术 智能电网故障定位算法 高效永磁同步电机设计 "
    "医用导管表面亲水涂层技术 低温余热发电技术 工业废水膜分离回用技术 轴承钢真空热处理工艺 "
    "电动汽车电池包轻量化结构 纺织印染废水脱色技术 精密齿轮冷挤压成形技术 柔性光伏组件封装技术 "
    "阀门密封面激光强化工艺 石斛多糖提取纯化技术 智能仓储调度系统 新型环保发泡鞋底材料 "
    "汽车线束自动压接装备 高精度三维激光扫描测量技术 农产品冷链保鲜技术 医疗器械注塑模具温控技术 "
    "机器人柔性抓取技术 车载毫米波雷达天线设计"
).split()


def split(total: int, parts: int, rng: random.Random) -> list[Decimal]:
    """``parts`` positive amounts (万元, whole or halves) that add up to ``total`` exactly."""
    weights = [rng.uniform(0.6, 1.4) for _ in range(parts)]
    amounts = [Decimal(round(2 * total * w / sum(weights))) / 2 for w in weights[:-1]]
    amounts.append(Decimal(total) - sum(amounts, Decimal(0)))
    return amounts


def _date(year: int, rng: random.Random, months: tuple[int, int]) -> date:
    return date(year, rng.randint(*months), rng.randint(1, 28))


def _undertaker(code: str, number: int, rng: random.Random) -> tuple[str, int | None, str]:
    """(承担单位, index of a demo enterprise or None, project name)."""
    if code in AGRICULTURAL:
        crop = rng.choice(CROPS)
        return rng.choice(AGRI_UNITS), None, f"{crop}{rng.choice(AGRI_VERBS)}"
    if code == "social":
        topic, unit = SOCIAL_TOPICS[number % len(SOCIAL_TOPICS)]
        return unit, None, f"{topic}技术研究与应用"
    index = rng.randrange(ENTERPRISE_COUNT)
    product = rng.choice(PRODUCTS)
    return enterprise_name(index), index, f"{product}{rng.choice(PRODUCT_VERBS)}"


def _funding_mode(year: int) -> str:
    # the county moved to post-subsidies and tranches in 2023 (试行科技资金后补助)
    if year >= 2023:
        return FundingMode.POST_SUBSIDY
    return FundingMode.UPFRONT


def _projects(enterprise_ids: dict[int, int]) -> list[Project]:
    categories = {c.code: c for c in PlanCategory.objects.filter(code__in=PLAN)}
    towns = list(Town.objects.order_by("order", "name"))
    result = []
    for code, (prefix, years) in PLAN.items():
        if code not in categories:
            continue
        for year, (applied, approved, funding) in sorted(years.items()):
            rng = random.Random(f"{code}-{year}")
            grants = split(funding, approved, rng) if funding and approved else [None] * approved
            for number in range(1, applied + 1):
                unit, index, name = _undertaker(code, number, rng)
                applied_on = _date(year, rng, (2, 5))
                is_approved = number <= approved
                if not is_approved:
                    status = ProjectStatus.APPLIED if year >= 2024 else ProjectStatus.REJECTED
                elif year <= 2021:
                    status = ProjectStatus.TERMINATED if number == 5 else ProjectStatus.ACCEPTED
                else:
                    status = ProjectStatus.APPROVED
                grant = grants[number - 1] if is_approved else None
                result.append(
                    Project(
                        number=f"{prefix}{year}{number:04d}",
                        name=name,
                        category=categories[code],
                        undertaker=unit,
                        enterprise_id=enterprise_ids.get(index),
                        applied_on=applied_on,
                        status=status,
                        approved_on=_date(year, rng, (7, 11)) if is_approved else None,
                        funding=grant,
                        funding_mode=_funding_mode(year) if grant else "",
                        town=towns[rng.randrange(len(towns))],
                    )
                )
    return result


def _contracts() -> list[TechContract]:
    result = []
    for year, (count, total) in sorted(CONTRACTS.items()):
        rng = random.Random(f"contracts-{year}")
        weights = [rng.lognormvariate(0, 1.1) for _ in range(count)]
        amounts = [
            Decimal(round(total * w / sum(weights), 2)).quantize(Decimal("0.01")) for w in weights
        ]
        largest = amounts.index(max(amounts))
        amounts[largest] += Decimal(total) - sum(amounts, Decimal(0))
        for number, amount in enumerate(amounts, start=1):
            kind = rng.choice(CONTRACT_KINDS)
            index = rng.randrange(ENTERPRISE_COUNT)
            seller = (
                rng.choice(UNIVERSITIES)
                if kind == ContractType.CONSULTING
                else enterprise_name(index)
            )
            months = (1, 2) if year >= 2024 else (1, 12)
            result.append(
                TechContract(
                    registration_no=f"{year}330381{number:06d}",
                    name=f"{rng.choice(PRODUCTS)}{kind.label}合同",
                    kind=kind,
                    seller=seller,
                    buyer=rng.choice(BUYERS),
                    amount=amount,
                    tech_amount=(amount * Decimal(rng.uniform(0.6, 1))).quantize(Decimal("0.01")),
                    registered_on=_date(year, rng, months),
                )
            )
    return result


def _auction_deals(enterprise_ids: dict[int, int]) -> list[AuctionDeal]:
    result, achievement = [], 0
    for year, (deals, winners, total) in sorted(AUCTIONS.items()):
        rng = random.Random(f"auction-{year}")
        chosen = rng.sample(range(ENTERPRISE_COUNT), winners)
        for number, amount in enumerate(split(total, deals, rng)):
            index = chosen[number % winners]
            (month, day), event = AUCTION_EVENTS[number % 2]
            result.append(
                AuctionDeal(
                    achievement=ACHIEVEMENTS[achievement],
                    winner=enterprise_name(index),
                    enterprise_id=enterprise_ids.get(index),
                    amount=amount,
                    dealt_on=date(year, month, day),
                    event=f"{year}年{event}",
                )
            )
            achievement += 1
    return result


@transaction.atomic
def load() -> None:
    # Link to the demo enterprises when they are loaded (enterprises come first in load_demo).
    by_code = dict(Enterprise.objects.values_list("credit_code", "pk"))
    enterprise_ids = {
        index: by_code[credit_code(index)]
        for index in range(ENTERPRISE_COUNT)
        if credit_code(index) in by_code
    }
    create_missing(Project, _projects(enterprise_ids), key=lambda p: p.number)
    create_missing(TechContract, _contracts(), key=lambda c: c.registration_no)
    create_missing(AuctionDeal, _auction_deals(enterprise_ids), key=lambda d: d.achievement)
    load_calls_and_commissioners()
    demo_reminders.load()  # a project overdue for acceptance: the 消息中心 has something to show


COMMISSIONERS = [
    ("陈立农", "浙江省农业科学院", "水稻栽培", "湖岭镇"),
    ("林茶生", "温州市农业科学研究院", "茶叶加工", "高楼镇"),
    ("周果园", "浙江农林大学", "杨梅种植", "马屿镇"),
    ("黄水产", "温州科技职业学院", "海水养殖", "北麂乡"),
    ("吴菌菇", "温州市农业科学研究院", "食用菌", "曹村镇"),
    ("郑机械", "温州大学", "农业机械", "陶山镇"),
]


def load_calls_and_commissioners(today: date | None = None) -> None:
    """An open call of this year for the public portal, and the science commissioners of the
    2023 batch with their special projects."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from .models import Call, Commissioner

    today = today or timezone.localdate()
    title = f"关于组织申报{today.year}年度瑞安市一般工业科技项目的通知"
    if not Call.objects.filter(title=title).exists():
        opens = timezone.make_aware(datetime.combine(today - timedelta(days=7), time(8, 30)))
        Call.objects.create(
            category=PlanCategory.objects.get(code="industrial"),
            year=today.year,
            title=title,
            text=(
                "各镇街、有关企业：\n为推动企业技术创新，现组织申报本年度一般工业科技项目。"
                "项目实施期一般不超过两年，资助采取分期拨付方式，立项后拨付首期，验收通过后拨付余额。"
                "请于截止时间前登录本平台在线申报。"
            ),
            opens_at=opens,
            closes_at=opens + timedelta(days=45),
            budget_cap=Decimal("300"),
            max_request=Decimal("30"),
            max_per_enterprise=1,
            required_attachments="营业执照\n项目可行性研究报告",
        )
    towns = dict(Town.objects.values_list("name", "pk"))
    for name, employer, specialty, town in COMMISSIONERS:
        if town not in towns:
            continue
        commissioner, _ = Commissioner.objects.get_or_create(
            name=name,
            batch="2023年第一批",
            defaults={
                "employer": employer,
                "specialty": specialty,
                "town_id": towns[town],
                "starts_on": date(2023, 3, 1),
                "ends_on": date(2025, 2, 28),
            },
        )
        # Each commissioner leads one of the 2023 科技特派员专项 projects.
        first = (
            Project.objects.filter(
                category__code="commissioner", applied_on__year=2023, commissioner__isnull=True
            )
            .order_by("number")
            .first()
        )
        if first is not None and not commissioner.projects.exists():
            Project.objects.filter(pk=first.pk).update(commissioner=commissioner)


REVIEW_TASK_NAME = "高精度伺服电机控制器研发及产业化"


def _demo_pdf(name: str):
    """A one-page PDF upload standing for an attachment, inspected as the forms do."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from pypdf import PdfWriter

    from kejiju.uploads import inspect

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    upload = SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")
    upload.inspected = inspect(upload)
    upload.seek(0)
    return upload


def load_review_task(today: date | None = None) -> Project | None:
    """A project of the demo enterprise under expert review, with the demo expert on its
    panel, so that the demo ``expert`` account has a review to try. Filed, checked and drawn
    through the services like any other; the draw's seed is the first of a fixed series that
    puts the demo expert among the main experts, so the record verifies like any draw."""
    import hashlib

    from django.utils import timezone

    from enterprises.demo import demo_enterprise
    from experts import draw as method
    from experts import services as expert_services
    from experts.demo import demo_expert
    from experts.models import DrawMember, ExpertSpecialty
    from kejiju.choices import Role, Section
    from kejiju.models import User

    from . import services
    from .models import Call

    today = today or timezone.localdate()
    expert = demo_expert()
    if DrawMember.objects.filter(expert=expert).exists():
        return None
    staff = (
        User.objects.filter(role=Role.STAFF, section=Section.HIGH_TECH, is_active=True)
        .order_by("pk")
        .first()
    )
    specialties = list(
        ExpertSpecialty.objects.filter(expert=expert).values_list("specialty_id", flat=True)
    )
    now = timezone.now()
    call = (
        Call.objects.filter(opens_at__lte=now, closes_at__gt=now, category__code="industrial")
        .order_by("-opens_at")
        .first()
    )
    if staff is None or not specialties or call is None:
        return None
    enterprise = demo_enterprise()
    owner = User.objects.filter(role=Role.ENTERPRISE, enterprise=enterprise).order_by("pk").first()
    project = Project.objects.filter(call=call, name=REVIEW_TASK_NAME).first()
    if project is None:
        project = services.file_application(
            call=call,
            enterprise=enterprise,
            name=REVIEW_TASK_NAME,
            summary="研制高精度伺服电机控制器，定位精度达到 ±0.01°，实现小批量生产。",
            budget=services.Budget(
                total=Decimal("80"), self_raised=Decimal("55"), requested=Decimal("25")
            ),
            documents={kind: _demo_pdf(f"{kind}.pdf") for kind in call.required_attachments.split()}
            | {"申报书": _demo_pdf("申报书.pdf")},
            by=owner,
        )
    if project.stage == "submitted":
        project = services.formal_review(project=project, passed=True, comment="材料齐全", by=staff)
    criteria = expert_services.Criteria(specialties=specialties, main=3, backups=1)
    pool, _ = expert_services.eligible_pool(
        criteria,
        applicants=[enterprise],
        applicant_names=[project.undertaker],
        named=[],
        today=today,
    )
    for attempt in range(10_000):
        seed = hashlib.sha256(f"kejiju-demo-review-{attempt}".encode()).hexdigest()
        main, _ = method.select(seed, pool.eligible, criteria.main, criteria.backups)
        if expert.pk in main:
            break
    else:
        return None
    project = services.start_expert_review(
        project=project, criteria=criteria, supervisor="纪检组 陈监督", by=staff, seed=seed
    )
    # Drawn three days before the demo day and not yet answered, so that the demo expert and
    # the pool's staff find the reminder of an unanswered place (experts/deadlines.py) in their
    # 消息中心 once send_reminders has run; the selection and its verification do not use the time.
    from experts.models import Draw

    Draw.objects.filter(members__expert=expert).update(
        created_at=timezone.now() - timedelta(days=3)
    )
    return project


def after_accounts() -> None:
    """Called by load_demo once the demo accounts exist."""
    load_review_task()
    from .task_book_demo import load_examples

    load_examples()
