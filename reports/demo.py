"""Demo data of the reports app: the targets of the seed document's plan (for 2024 and every year
since), the 2023 honours, 2023 summary paragraphs adapted from the seed, and the snapshots of 2019
up to the current year computed from the other apps' demo records (they are loaded first: reports
comes last in INSTALLED_APPS).

Before the snapshots, every app's ``demo_recent.py`` carries its records on from mid-2024 up to
yesterday, so the demo county is never stuck in 2024; 2023 still reproduces the seed exactly."""

from __future__ import annotations

import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from kejiju.demo_recent import yesterday
from kejiju.discovery import app_modules

from .choices import NarrativeSection as S
from .models import Honour, NarrativeParagraph, YearTarget
from .services import compute_indicators

logger = logging.getLogger(__name__)

FIRST_SNAPSHOT_YEAR = 2019
PLAN_YEAR = 2024  # the seed document's plan year; its targets are set again every year since

# (label, indicator key or "" for a target no indicator measures, minimum, maximum, unit)
TARGETS_2024 = [
    ("培育高新技术企业", "hnte.new", 35, None, "家"),
    ("申报省级科技型中小企业", "tech_sme.new", 120, 125, "家"),
    ("新增市级企业技术研发中心", "rd.city_center.new", 10, 15, "家"),
    ("新增省级高新技术企业研究开发中心", "rd.hnte_center.new", 2, 3, "家"),
    ("新增省级研究院和省级重点研究院", "", 1, 2, "家"),
    ("实施重大工业科技项目", "projects.industrial_major.approved", 10, None, "项"),
    ("实施一般工业科技项目", "projects.industrial.approved", 30, None, "项"),
    ("安排科技项目经费", "", 700, None, "万元"),
    ("创建防震减灾示范基地", "", 3, 4, "个"),
    ("设立地震宏观观测点", "", 5, None, "个"),
]

HONOURS_2023 = [
    "科技进步综合评价位居全省第6、所在地级市第2，均创历史最好成绩",
    "成功获批国家知识产权试点城市",
    "成功获批省创新型试点城市",
    "创成省级科技企业孵化器",
    "荣获科技进步目标责任制考核优秀单位",
]

PARAGRAPHS_2023 = [
    (
        S.OVERVIEW,
        "2023年，我市科技工作深入贯彻创新驱动发展战略，以加快建设创新型城市为目标，紧紧抓住促进科技与"
        "经济紧密结合这一核心问题，着力提升企业自主创新能力和产业核心竞争力。全年技术市场实现交易额"
        "{techmarket.turnover}万元；发明专利授权量达{patent.invention.grants}件；新增高新技术企业"
        "{hnte.new}家，总数达{hnte.total}家；新增省科技型中小企业{tech_sme.new}家，总数达"
        "{tech_sme.total}家。成功获批国家知识产权试点城市、省创新型试点城市，创成省级科技企业孵化器。",
    ),
    (
        S.REFORM,
        "一是试行科技资金后补助。出台科技创新专项资金管理办法，科技资金拨付分事后补助、分期拨付两种方式，"
        "提高财政科技资金使用绩效。二是进一步完善科技项目管理。先后出台科技项目管理实施细则、科技项目验收"
        "财务审计管理办法等文件，促进项目管理的科学化、规范化、制度化。三是完成科技项目网评、验收专家库建设。"
        "现入库专家达到{experts.total}人，每个专业专家达到20—30人，通过随机抽取功能，使项目评审、验收更加"
        "公平、公正。",
    ),
    (
        S.ENTERPRISE,
        "一是积极申报上级科技计划项目。全年申报国家火炬计划项目{projects.torch.applied}项，立项"
        "{projects.torch.approved}项；申报省重大科技专项{projects.prov_major.applied}项，立项"
        "{projects.prov_major.approved}项；申报省级新产品{projects.prov_new_product.applied}项，立项"
        "{projects.prov_new_product.approved}项。二是加大高新技术企业、科技型企业培育力度。新认定高新技术"
        "企业{hnte.new}家，通过重新认定{hnte.rerecognized}家，高新技术企业总数达{hnte.total}家；新增省科技型"
        "中小企业{tech_sme.new}家，总数达{tech_sme.total}家；新增市科技型企业{city_tech.new}家；"
        "{top100.count}家企业入选科技创新百强企业。三是引导企业加大研发投入和研发机构建设力度。新增省级企业"
        "研究院{rd.institute.new}家，总数达{rd.institute.total}家；新增省级高新技术企业研究开发中心"
        "{rd.hnte_center.new}家，总数达{rd.hnte_center.total}家；新增市级企业技术研发中心"
        "{rd.city_center.new}家，总数达{rd.city_center.total}家。",
    ),
    (
        S.IP,
        "一是发明专利申请与授权量取得较快增长。发明专利申请量达{patent.invention.applications}件，同比增长"
        "{patent.invention.applications.yoy}%；发明专利授权量达{patent.invention.grants}件，同比增长"
        "{patent.invention.grants.yoy}%。二是实施专利示范企业培育工程。新增省级专利示范企业"
        "{patent_demo.provincial.new}家、市级专利示范企业{patent_demo.city.new}家、县级专利示范企业"
        "{patent_demo.county.new}家。三是加大执法维权力度，成功调解专利侵权纠纷案件"
        "{patent.disputes.mediated}件。四是开展4·26世界知识产权日宣传、知识产权战略和管理培训等活动，"
        "营造崇尚创新的社会氛围。",
    ),
    (
        S.COOPERATION,
        "一是开展科技合作交流活动，组织企业参加各类科技博览会，促进企业与科研院校的交流。二是加快科技成果"
        "登记和转化。组织{auction.enterprises}家企业参加省、市科技成果竞价（拍卖）活动，成交项目"
        "{auction.deals}项，成交金额达{auction.amount}万元；全年登记技术合同{techmarket.contracts}项，技术"
        "市场实现交易额{techmarket.turnover}万元。三是支持以企业为主体的创新平台建设，加快建设科技企业孵化器，"
        "成功创建省级科技企业孵化器。",
    ),
    (
        S.AGRICULTURE,
        "一是组织实施农业重大科技项目。确定{projects.agri_major.approved}项农业重大科技计划项目，安排科技"
        "经费{projects.agri_major.funding}万元；申报{projects.prov_agri_transfer.applied}项省农业科技成果"
        "转化资金项目，立项{projects.prov_agri_transfer.approved}项，获经费支持"
        "{projects.prov_agri_transfer.funding}万元。二是开展科技富民强镇专项行动。三是深化农村科技特派员"
        "制度，继续实施科技特派员专项，立项{projects.commissioner.approved}项，安排补助经费"
        "{projects.commissioner.funding}万元。",
    ),
    (
        S.SEISMIC,
        "一是修订地震应急预案，提高对地震灾害的综合防御和应急处置能力。二是开展地震安全示范社区创建工作。"
        "三是开展5·12防灾减灾日系列宣传活动，组织有奖问答、地震应急演练、防震减灾知识讲座等活动，参与人次达"
        "{seismic.publicity.participants}，发放资料{seismic.publicity.materials}余份，全年开展地震应急演练"
        "{seismic.drills}次。四是完成国家级强震台站迁建工作。",
    ),
    (
        S.PROBLEMS,
        "一是企业研发投入总体偏低，规模以上工业企业研发经费支出占营业收入比重与先进地区相比仍有差距，"
        "部分企业创新主体意识不强。二是高层次创新平台和创新人才不足，省级重点企业研究院数量偏少，"
        "引进的科技人才与产业需求结合不够紧密。三是科技成果转化渠道不够畅通，科技中介服务机构规模小、"
        "服务能力弱。四是基层防震减灾工作力量较为薄弱，示范创建的覆盖面有待进一步扩大。",
    ),
    (
        S.PLAN,
        "2024年，我们将继续深入实施创新驱动发展战略，抓重点、攻难点、创亮点。加快出台高新技术企业培育"
        "工作行动实施方案，计划培育高新技术企业35家，申报省级科技型中小企业120—125家；新增市级企业技术研发"
        "中心10—15家、省级高新技术企业研究开发中心2—3家、省级研究院和省级重点研究院1—2家；计划实施重大工业"
        "科技项目10项、一般工业科技项目30项，安排科技项目经费700万元；加快创建3—4个防震减灾示范基地，设立"
        "5个地震宏观观测点。",
    ),
]


def _number(value) -> Decimal | None:
    return None if value is None else Decimal(value)


@transaction.atomic
def load_entries() -> None:
    years = range(PLAN_YEAR, yesterday().year + 1)
    targets = [(year, row) for year in years for row in enumerate(TARGETS_2024, start=1)]
    for year, (order, (label, key, minimum, maximum, unit)) in targets:
        YearTarget.objects.update_or_create(
            year=year,
            label=label,
            defaults={
                "indicator_key": key,
                "minimum": _number(minimum),
                "maximum": _number(maximum),
                "unit": unit,
                "order": order,
            },
        )
    for order, text in enumerate(HONOURS_2023, start=1):
        Honour.objects.update_or_create(year=2023, text=text, defaults={"order": order})
    for order, (section, text) in enumerate(PARAGRAPHS_2023, start=1):
        try:
            NarrativeParagraph.objects.update_or_create(
                year=2023, section=section, order=order, defaults={"text": text}
            )
        except ValidationError as error:
            # An app whose indicators are not installed: leave its paragraph out, not the demo.
            logger.warning("demo paragraph %s skipped: %s", section, error.messages)


def load_recent_records() -> None:
    """Each app's records from mid-2024 up to yesterday (its ``demo_recent.load``)."""
    until = yesterday()
    for _config, module in app_modules("demo_recent", platform=False):
        with transaction.atomic():
            module.load(until)


def load() -> None:
    load_entries()
    load_recent_records()
    for year in range(FIRST_SNAPSHOT_YEAR, yesterday().year + 1):
        compute_indicators(year)
