"""Script in user data comes out as text: in every page, fragment and JSON a role can reach, in
the xlsx and docx exports and in the PDFs.

A world of records is built through the apps' services; then every free-text column of every
domain model (each CharField and TextField without choices, found from the models, so a new
field is covered without a change here) is overwritten with a payload that names the column by
a number: ``<script>alert(17)</script>`` and, where the column is long enough, an ``<img
onerror>`` breaking out of an attribute, ``</textarea>``, template syntax and a ``javascript:``
URL. Each role then follows every link and htmx request from its home page. No response may hold
the payload raw, and every column must be seen escaped on some page, or be listed in
``NOT_SHOWN`` with the reason.
"""

import datetime as dt
import io
import re
import shutil
import subprocess
from collections import deque
from decimal import Decimal
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from kejiju.choices import Role
from tests.access_world import (
    approved_project,
    hnte_applications,
    jpeg_upload,
    make_account,
    open_call,
    pdf_upload,
    project_under_review,
    rolled_back,
)

pytestmark = pytest.mark.django_db

DOMAIN_APPS = (
    "kejiju",
    "enterprises",
    "experts",
    "patents",
    "projects",
    "screening",
    "seismic",
    "reports",
    "notifications",
)

# Columns that are not free text for people to read: codes checked by their check digits or
# used as keys by the code, secrets, and what the server itself writes.
NOT_FREE_TEXT = {
    "kejiju.User": {"password", "username"},
    "kejiju.PlanCategory": {"code"},
    "kejiju.ImportJob": {"layout"},
    "kejiju.AuditEvent": {"path"},
    "enterprises.Enterprise": {"credit_code", "credit_code_override"},
    "enterprises.AccountRequest": {"credit_code", "password", "username"},
    "enterprises.Attachment": {"sha256", "content_type"},
    "enterprises.RuleSet": {"version"},
    "experts.Draw": {"pool_fingerprint", "seed", "method"},
    # the pinyin readings are written on save from the name and employer, for sorting
    "experts.Expert": {"mobile", "specialties", "name_pinyin", "employer_pinyin"},
    "patents.Patent": {"application_number", "applicant_credit_code"},
    "projects.ProjectDocument": {"sha256", "content_type", "kind"},
    "projects.Call": {"template_type", "required_attachments"},
    "projects.ProjectEvent": {"action"},
    "projects.DraftDocument": {"sha256", "content_type", "kind"},
    "projects.InspectionPhoto": {"sha256", "content_type"},
    "projects.TaskBook": {"pdf_sha256"},
    "screening.IntegrityRecord": {"decision_sha256", "decision_type"},
    "screening.TownRecommendation": {"letter_sha256"},
    # what the server writes: the kind and key of a notification, its link and the SMS gateway's
    # error
    "notifications.Notification": {"kind", "key", "link", "sms_error"},
    "notifications.Preference": {"kind"},
    "reports.IndicatorValue": {"key"},
    "reports.YearTarget": {"indicator_key"},
    "reports.SummaryRender": {"stage", "error"},
}

# Free-text columns no page shows (checked by the coverage test: a column listed here that a
# page does show fails it too, so the list stays true).
ADMIN_ONLY = "only in the Django admin, whose templates escape every value"
NOT_SHOWN = {
    "enterprises.InnovationPlatform.note": ADMIN_ONLY,
    "enterprises.Qualification.certificate_no": ADMIN_ONLY,
    "enterprises.RuleSet.source": ADMIN_ONLY,
    "experts.DrawPolicy.basis": ADMIN_ONLY,
    "experts.Relation.note": ADMIN_ONLY,
    "experts.Relation.organisation": ADMIN_ONLY,
    "kejiju.CalendarDay.note": ADMIN_ONLY,
    "projects.AuctionDeal.achievement": ADMIN_ONLY,
    "projects.AuctionDeal.event": ADMIN_ONLY,
    "projects.AuctionDeal.winner": ADMIN_ONLY,
    "projects.TechContract.buyer": ADMIN_ONLY,
    "projects.TechContract.name": ADMIN_ONLY,
    "projects.TechContract.registration_no": ADMIN_ONLY,
    "projects.TechContract.seller": ADMIN_ONLY,
    "seismic.MonthlyReport.description": ADMIN_ONLY,
    "seismic.MonthlyReport.follow_up": ADMIN_ONLY,
    "seismic.Volunteer.name": ADMIN_ONLY,
    "seismic.Volunteer.phone": ADMIN_ONLY,
    "seismic.Volunteer.skills": ADMIN_ONLY,
    "experts.Draw.void_reason": "shown once a draw is voided and drawn again (experts tests)",
    "experts.Rating.note": "the panel shows a rating's scores, the note only in the admin",
    "kejiju.AuditEvent.user_agent": "the audit list shows who, when and from where; not the browser",
    "projects.Call.template_name": "the file name of the template download, not shown on a page",
    "screening.IntegrityRule.basis": ADMIN_ONLY,
    "reports.IndicatorValue.label": "the dashboard labels a figure as its indicator declares it; "
    "the label kept with the value is in the Excel export (checked below)",
}

RAW = re.compile(
    r"<script>alert\(|<img src=x onerror|(?:href|src|action)\s*=\s*[\"']?\s*javascript:"
)
SEEN = re.compile(
    r"(?:&lt;|\\u003C)(?:script(?:&gt;|\\u003E)alert|img src=x onerror=alert)\((\d+)\)"
)


def payload(number: int, room: int | None) -> str | None:
    """The longest payload that fits ``room`` characters, naming the column by ``number``."""
    candidates = [
        f'</textarea>"><img src=x onerror=alert({number})><script>alert({number})</script>'
        f"{{{{7*7}}}} javascript:alert({number})",
        f'"><img src=x onerror=alert({number})><script>alert({number})</script>',
        f"<script>alert({number})</script>",
    ]
    return next((c for c in candidates if room is None or len(c) <= room), None)


# Exactly these: subclasses such as experts.models.IdListField store data, not text.
TEXT_FIELDS = (models.CharField, models.TextField, models.EmailField, models.URLField)


def free_text_fields() -> list[tuple[type[models.Model], models.Field]]:
    fields = []
    for name in DOMAIN_APPS:
        for model in apps.get_app_config(name).get_models():
            skip = NOT_FREE_TEXT.get(model._meta.label, set())
            for field in model._meta.concrete_fields:
                if type(field) in TEXT_FIELDS and not field.choices and field.name not in skip:
                    fields.append((model, field))
    return fields


def unique_columns(model) -> set[str]:
    names = {f.name for f in model._meta.concrete_fields if f.unique}
    for constraint in model._meta.constraints:
        names.update(getattr(constraint, "fields", ()) or ())
    for together in model._meta.unique_together:
        names.update(together)
    return names


# Tables that only take new rows (the audit trail): a new row carries their payloads.
APPEND_ONLY = {"kejiju.AuditEvent": {"action": "login"}}


def plant() -> dict[int, str]:
    """Overwrites every free-text column of every row; returns number → "app.Model.field"."""
    planted = {}
    appended: dict[type[models.Model], dict] = {}
    for number, (model, field) in enumerate(free_text_fields(), start=1):
        text = payload(number, field.max_length)
        if text is None or not model._default_manager.exists():
            continue
        planted[number] = f"{model._meta.label}.{field.name}"
        if model._meta.label in APPEND_ONLY:
            appended.setdefault(model, dict(APPEND_ONLY[model._meta.label]))[field.name] = text
        elif field.name in unique_columns(model):
            for pk in model._default_manager.values_list("pk", flat=True):
                value = payload(number, (field.max_length or 999) - len(str(pk))) + str(pk)
                model._default_manager.filter(pk=pk).update(**{field.name: value})
        else:
            try:
                with transaction.atomic():
                    model._default_manager.update(**{field.name: text})
            except IntegrityError:
                # a constraint ties the column to the row's state (an early end's reason is
                # empty until the record is ended): the rows that hold a value take the payload
                model._default_manager.exclude(**{field.name: ""}).update(**{field.name: text})
    for model, values in appended.items():
        model._default_manager.create(**values)
    return planted


# ---- the world -------------------------------------------------------------------------------


def account(role: str, username: str, **extra):
    return make_account(role, username, first_name="用户", **extra)


def build_world() -> dict:
    """Records of every kind a page shows, made through the apps' services where they exist."""
    from enterprises import services as enterprise_services
    from enterprises.models import (
        Enterprise,
        InnovationPlatform,
        PlatformMembership,
        Qualification,
        RDInstitution,
    )
    from enterprises.tests.factories import licence
    from experts import services as expert_services
    from experts.models import DrawExclusion, Expert, ExpertSpecialty, Relation, Specialty
    from kejiju.audit import record as audit
    from kejiju.codes import make_credit_code
    from kejiju.imports.models import ImportJob
    from kejiju.models import CalendarDay, Town
    from patents.models import DisputeCase, IPActivity
    from patents.tests.factories import make_patent
    from projects import services as project_services
    from projects.models import (
        AuctionDeal,
        Commissioner,
        Disbursement,
        FinancialAudit,
        Objection,
        ProjectChange,
        TechContract,
        Tranche,
    )
    from reports.models import (
        Honour,
        IndicatorSnapshot,
        IndicatorValue,
        NarrativeParagraph,
        YearTarget,
    )
    from seismic import services as seismic_services
    from seismic.models import (
        Assistant,
        DemoSite,
        Drill,
        EmergencyPlan,
        MonthlyReport,
        ObservationPoint,
        PlanVersion,
        SeismicActivity,
        SiteInspection,
        Station,
        StationMilestone,
        Volunteer,
        VolunteerTeam,
    )

    w: dict = {}
    today = timezone.localdate()
    now = timezone.now()
    town = Town.objects.get(name="安阳街道")
    enterprise = Enterprise.objects.create(
        credit_code=make_credit_code(9301),
        name="瑞安样例科技有限公司",
        town=town,
        industry="专用设备制造业",
        contact="陈经办",
        phone="0577-65800001",
        email="a@example.cn",
        address="安阳街道万松路 1 号",
    )
    Qualification.objects.create(
        enterprise=enterprise, kind="hnte", level="national", recognized_on=dt.date(2023, 12, 1)
    )
    RDInstitution.objects.create(
        enterprise=enterprise,
        name="样例研究院",
        kind="key_institute",
        level="national",
        recognized_on=dt.date(2023, 6, 1),
    )
    platform = InnovationPlatform.objects.create(kind="incubator", name="样例孵化器", note="备注")
    PlatformMembership.objects.create(platform=platform, enterprise=enterprise)

    specialty = Specialty.objects.create(name="样例专业")
    expert_users = []
    for i in range(5):
        expert = Expert.objects.create(
            name=f"样例专家{i}",
            employer="温州大学",
            title="senior",
            specialties=specialty.name,
            mobile=f"1360000{i:04d}",
            email=f"x{i}@example.cn",
        )
        ExpertSpecialty.objects.create(expert=expert, specialty=specialty)
        Relation.objects.create(
            expert=expert, kind="employment", organisation="某单位", note="说明"
        )
        expert_users.append(account(Role.EXPERT, f"xss-expert{i}", expert=expert))

    staff = account(Role.STAFF, "xss-staff")
    actors = {
        "staff": staff,
        "leader": account(Role.LEADER, "xss-leader"),
        "auditor": account(Role.AUDITOR, "xss-auditor"),
        "enterprise": account(Role.ENTERPRISE, "xss-owner", enterprise=enterprise),
    }
    owner = actors["enterprise"]

    _, _, w["application"] = hnte_applications(enterprise=enterprise, by=owner)
    declined = enterprise_services.request_account(
        credit_code=make_credit_code(9304),
        password="Kejiju-xss-2026!",
        enterprise_name="瑞安被拒开户有限公司",
        town=town,
        contact="李四",
        phone="13700001112",
        email="declined@example.com",
        username="xss-declined",
        licence=licence(),
    )
    enterprise_services.decline_account(declined, by=staff, note="材料不全")
    enterprise_services.request_account(
        credit_code=make_credit_code(9303),
        password="Kejiju-xss-2026!",
        enterprise_name="瑞安申请开户有限公司",
        town=town,
        contact="张三",
        phone="13700001111",
        email="apply@example.com",
        username="xss-applicant",
        licence=licence(),
        legal_representative=False,
        authorization=pdf_upload("授权委托书.pdf"),
    )

    project = project_under_review(
        call=open_call(title="关于组织申报样例项目的通知", by=staff),
        enterprise=enterprise,
        name="样例电机控制器研发",
        specialty=specialty,
        owner=owner,
        staff=staff,
    )
    member = expert_services.active_panel(project.draw)[0]
    by_expert = {u.expert_id: u for u in expert_users}
    actors["expert"] = by_expert[member.expert_id]
    expert_services.declare_no_conflict(member=member, user=actors["expert"])
    expert_services.submit_review(
        member=member, scores={"创新性": 80, "可行性": 80}, comment="同意"
    )
    expert_services.record_response(
        member=expert_services.active_panel(project.draw)[1],
        kind="declined",
        reason="出差",
        recorded_by=staff,
    )
    w["project"] = project
    w["draw"] = project.draw
    tranche = Tranche.objects.create(
        project=project, position=1, amount=Decimal("20"), due="approval"
    )
    Disbursement.objects.create(
        project=project,
        tranche=tranche,
        amount=Decimal("10"),
        paid_on=today,
        voucher_no="凭证1",
        recorded_by=staff,
    )
    Objection.objects.create(
        project=project,
        received_on=today,
        text="异议",
        answer="答复",
        answered_at=now,
        recorded_by=staff,
        raised_by="某人",
    )
    DrawExclusion.objects.create(
        draw=project.draw, expert=Expert.objects.first(), rule="employment", detail="同单位"
    )
    expert_services.rate_expert(
        member=type(member).objects.get(pk=member.pk),
        timeliness=5,
        quality=5,
        note="认真",
        rated_by=staff,
    )
    ProjectChange.objects.create(
        project=project,
        kind="change",
        previous_end=today,
        new_end=today + dt.timedelta(days=90),
        reason="延期",
        approved_by=staff,
    )
    FinancialAudit.objects.create(
        project=project,
        firm="某事务所",
        audited_expenditure=Decimal("30"),
        findings="无问题",
        audited_on=today,
        recorded_by=staff,
    )
    Commissioner.objects.create(
        name="特派员",
        employer="温州大学",
        specialty="机械",
        batch="第一批",
        town=town,
        starts_on=dt.date(2023, 1, 1),
        ends_on=dt.date(2025, 12, 31),
    )
    TechContract.objects.create(
        registration_no="330381000001",
        name="技术开发合同",
        kind="development",
        seller="温州大学",
        buyer="样例公司",
        amount=Decimal("120"),
        registered_on=dt.date(2023, 5, 1),
    )
    AuctionDeal.objects.create(
        achievement="成果",
        winner="样例公司",
        amount=Decimal("50"),
        dealt_on=dt.date(2023, 6, 1),
        event="竞价会",
    )

    # an approved project whose 任务书 is signed, with an indicator's actual entered, patents
    # counted at the acceptance application (one unticked), and an acceptance inspection
    executing = approved_project(enterprise=enterprise, owner=owner, staff=staff)
    w["executing"] = executing
    # an application draft of the owner's with its required file kept, to a call that asks for it
    draft_call = open_call(title="关于组织申报样例草稿项目的通知", by=staff)
    draft_call.required_attachments = "申报书"
    draft_call.save()
    draft = project_services.save_draft(
        call=draft_call, enterprise=enterprise, by=owner, data={"name": "样例申报草稿"}
    )
    project_services._keep_document(draft, "申报书", pdf_upload("草稿申报书.pdf"), owner)

    # screening: integrity records (one ended early), a duplicate pair found and decided, and
    # a town's recommendation of an application to a call that asks for one
    from projects.screening import services as screening_services
    from projects.screening.models import DuplicatePair

    screening_services.add_record(
        decision_upload=pdf_upload("处理决定书.pdf"),
        by=staff,
        subject_kind="enterprise",
        enterprise=enterprise,
        kind="false_material",
        severity="general",
        facts="提供虚假材料。",
        decision_no="瑞科〔2026〕1号",
        starts_on=dt.date(2026, 1, 1),
        reason="依规登记。",
    )
    person = screening_services.add_record(
        decision_upload=pdf_upload("处理决定书.pdf"),
        by=staff,
        subject_kind="person",
        person_name="失信人",
        kind="false_material",
        severity="general",
        facts="冒用他人成果。",
        decision_no="瑞科〔2026〕2号",
        starts_on=dt.date(2026, 1, 1),
        reason="依规登记。",
    )
    screening_services.end_record(record=person, kind="appeal", reason="申诉成立", by=staff)
    actors["town"] = account(Role.TOWN, "xss-town", town=town)
    town_call = open_call(title="须镇街推荐的样例通知", by=staff)
    town_call.requires_town_recommendation = True
    town_call.save()
    town_project = project_services.file_application(
        call=town_call,
        enterprise=enterprise,
        name="样例镇街推荐的申报",
        summary="镇街推荐。",
        budget=project_services.Budget(
            total=Decimal("50"), self_raised=Decimal("30"), requested=Decimal("20")
        ),
        by=owner,
    )
    screening_services.recommend(
        project=town_project, decision="recommended", opinion="同意推荐。", by=actors["town"]
    )
    pair = DuplicatePair.objects.create(
        project=town_project,
        other=project,
        kind="similar",
        name_similarity=Decimal("0.6"),
        summary_similarity=Decimal("0.1"),
        found_at=now,
        found_during="申报提交",
    )
    screening_services.decide_pair(pair=pair, decision="not_duplicate", reason="内容不同", by=staff)

    # the notification centre: a notification of the owner's
    from kejiju.notifications.services import notify

    notify([owner], kind="notifications.message", text="样例消息", link="/enterprise/")

    make_patent(9301, enterprise=enterprise, applicants=enterprise.name)
    DisputeCase.objects.create(
        case_number="瑞知纠〔2024〕1号",
        accepted_on=dt.date(2024, 3, 1),
        outcome="mediated",
        cause="侵权",
        parties="甲、乙",
    )
    IPActivity.objects.create(
        held_on=dt.date(2024, 4, 26), kind="training", title="知识产权培训", location="会议室"
    )

    job = ImportJob(layout="patents", original_name="p.xlsx", user=staff, total=1, done=1)
    job.file.save("p.xlsx", ContentFile(b""), save=False)
    job.state = ImportJob.State.FAILED
    job.message = "发现 1 处错误"
    job.errors = [{"row": 2, "column": "专利名称", "message": "<script>alert(0)</script>"}]
    job.save()

    # the dashboard opens on the current year; the exports and summaries below read 2024
    for year in sorted({2023, 2024, today.year}):
        snapshot = IndicatorSnapshot.objects.create(year=year, computed_at=now)
        IndicatorValue.objects.create(
            snapshot=snapshot,
            key="hnte.new",
            label="新增高新技术企业",
            unit="家",
            section="enterprise",
            value=Decimal("28"),
            computed_at=now,
        )
        YearTarget.objects.create(year=year, label="发明专利授权", minimum=150, maximum=200)
        Honour.objects.create(year=year, text="全省科技进步先进县")
        NarrativeParagraph.objects.create(year=year, section="overview", text="全年工作稳步推进。")
        NarrativeParagraph.objects.create(
            year=year, section="enterprise", text="企业主体作用增强。"
        )

    town_activity = SeismicActivity.objects.create(
        name="防灾减灾日宣传",
        kind="publicity",
        held_on=dt.date(2024, 5, 12),
        town=town,
        place="广场",
    )
    seismic_services.add_photo(activity=town_activity, upload=jpeg_upload(), caption="现场")
    drill_activity = SeismicActivity.objects.create(
        name="应急演练", kind="drill", held_on=dt.date(2024, 9, 1), town=town, place="学校"
    )
    plan = EmergencyPlan.objects.create(name="地震应急预案", scope="全县")
    version = PlanVersion.objects.create(
        plan=plan,
        version="2023版",
        approved_on=dt.date(2023, 3, 1),
        issuing_office="市政府办公室",
        document_no="瑞政办〔2023〕1号",
    )
    Drill.objects.create(plan=plan, version=version, activity=drill_activity, evaluation="良好")
    site = DemoSite.objects.create(
        name="示范学校", kind="school", town=town, applied_on=dt.date(2023, 1, 1), contact="李四"
    )
    SiteInspection.objects.create(
        site=site,
        inspected_on=dt.date(2024, 1, 1),
        inspectors="检查组",
        score=Decimal("90"),
        conclusion="合格",
    )
    point = ObservationPoint.objects.create(
        code="MX-01",
        name="观测点",
        kind="well",
        location="村口水井",
        town=town,
        observer="王五",
        observer_phone="13700002222",
    )
    MonthlyReport.objects.create(
        point=point,
        month=dt.date(2024, 5, 1),
        anomaly=True,
        description="井水变浑",
        follow_up="已复核",
        reported_on=dt.date(2024, 6, 2),
    )
    Assistant.objects.create(name="助理员", town=town, phone="13700003333")
    team = VolunteerTeam.objects.create(name="志愿队", leader="队长", phone="13700004444")
    Volunteer.objects.create(team=team, name="志愿者", phone="13700005555", skills="救护")
    CalendarDay.objects.create(date=dt.date(2030, 10, 1), is_workday=False, note="国庆节")
    station = Station.objects.create(
        code="MX-ST", name="台站", kind="strong_motion", site="安阳", status="building"
    )
    StationMilestone.objects.create(
        station=station, stage="survey", planned_on=dt.date(2024, 6, 1), note="勘选"
    )

    audit("login", user=staff, detail="登录")
    w["actors"] = actors
    w["planted"] = plant()
    return w


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    with rolled_back(django_db_blocker, tmp_path_factory.mktemp("xss-media")):
        yield build_world()


# ---- the crawl -------------------------------------------------------------------------------

# Followed links that render a PDF are checked by the slow tests below.
SKIPPED = re.compile(r"^/(static|admin|accounts/logout)/|pdf")
CHECKED_TYPES = ("text/html", "application/json", "text/plain", "text/javascript")
LINK = re.compile(r"""(?:href|hx-get|data-url)\s*=\s*["']([^"'#]+)""")
PER_PATH = 3  # query-string variants of one path (pages, filters)


def crawl(client: Client, start: str) -> dict[str, object]:
    """Every same-site URL reachable by GET from ``start``: url → response."""
    seen: dict[str, object] = {}
    variants: dict[str, int] = {}
    queue = deque([start])
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        path = urlsplit(url).path
        if variants.get(path, 0) >= PER_PATH:
            continue
        variants[path] = variants.get(path, 0) + 1
        response = client.get(url)
        seen[url] = response
        content_type = response.get("Content-Type", "")
        if response.status_code in (301, 302):
            links = [response["Location"]]
        elif response.status_code == 200 and content_type.startswith("text/html"):
            links = LINK.findall(response.content.decode())
        else:
            continue
        for link in links:
            target = urljoin(url, unescape(link))
            parts = urlsplit(target)
            if parts.netloc or not parts.path.startswith("/") or SKIPPED.search(parts.path):
                continue
            try:
                resolve(parts.path)
            except Resolver404:
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return seen


@pytest.fixture(scope="module")
def crawled(world, django_db_blocker):
    results = {}
    with django_db_blocker.unblock():
        for actor, user in world["actors"].items():
            client = Client()
            client.force_login(user)
            results[actor] = crawl(client, reverse("home"))
    return results


def checked(response) -> bool:
    return response.get("Content-Type", "").startswith(CHECKED_TYPES)


def test_no_page_holds_the_payload_raw(crawled):
    problems = []
    pages = 0
    for actor, responses in crawled.items():
        for url, response in responses.items():
            if response.status_code >= 500:
                problems.append(f"{actor} {url}: {response.status_code}")
            if not checked(response):
                continue
            pages += 1
            raw = RAW.search(response.content.decode())
            if raw:
                problems.append(f"{actor} {url}: raw {raw.group(0)!r}")
    assert pages > 100
    assert problems == []


def test_every_free_text_column_is_shown_escaped_somewhere(world, crawled):
    seen = set()
    for responses in crawled.values():
        for response in responses.values():
            if checked(response):
                seen.update(int(n) for n in SEEN.findall(response.content.decode()))
    planted = world["planted"]
    shown = {planted[n] for n in seen if n in planted}
    # History tables are copies of the records; the pages showing history are checked for raw
    # payloads like every page, but a column needs to be seen in one place only.
    current = {label for label in planted.values() if ".Historical" not in label}
    never = sorted(current - shown - set(NOT_SHOWN))
    assert never == [], "\n".join(never)
    assert sorted(shown & set(NOT_SHOWN)) == []


def test_every_free_text_column_of_the_domain_is_planted(world):
    """A model without records in the world would escape the check: every model with free
    text has some."""
    labels = {
        f"{m._meta.label}.{f.name}"
        for m, f in free_text_fields()
        if not m.__name__.startswith("Historical")
    }
    too_short = {
        f"{m._meta.label}.{f.name}"
        for m, f in free_text_fields()
        if payload(0, f.max_length) is None
    }
    assert sorted(labels - too_short - set(world["planted"].values())) == []


# ---- exports and printed documents ---------------------------------------------------------------


def payloads_in(text: str) -> set[int]:
    """Numbers of the payloads found as literal text (whitespace from line breaks removed)."""
    flat = re.sub(r"\s+", "", text)
    return {int(n) for n in re.findall(r"<script>alert\((\d+)\)</script>", flat)}


def planted_number(world, label: str) -> int:
    return next(n for n, name in world["planted"].items() if name == label)


def test_xlsx_exports_hold_the_payload_as_literal_text(world, django_db_blocker):
    from openpyxl import load_workbook

    with django_db_blocker.unblock():
        client = Client()
        client.force_login(world["actors"]["staff"])
        patents = client.get(reverse("patents:list"), {"export": "xlsx"})
        client.force_login(world["actors"]["leader"])
        dashboard = client.get(reverse("reports:export_xlsx"), {"year": 2024})
    for response, label in (
        (patents, "patents.Patent.title"),
        (dashboard, "reports.IndicatorValue.label"),
    ):
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        text = "\n".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row)
        assert planted_number(world, label) in payloads_in(text), label


@pytest.mark.slow
def test_word_summary_holds_the_payload_as_literal_text(world, django_db_blocker):
    from docx import Document

    from reports.render import render

    with django_db_blocker.unblock():
        document = Document(io.BytesIO(render(2024, "docx")))
    text = "\n".join(p.text for p in document.paragraphs)
    found = payloads_in(text)
    for label in ("reports.Honour.text", "reports.NarrativeParagraph.text"):
        assert planted_number(world, label) in found, label


def pdf_text(pdf: bytes, tmp_path) -> tuple[str, str]:
    """(text, image list) of a PDF, from poppler's pdftotext and pdfimages."""
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    images = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, check=True, text=True
    ).stdout
    return text, images


@pytest.fixture
def pdf_tools():
    if not (shutil.which("pdftotext") and shutil.which("pdfimages")):
        pytest.fail("poppler-utils is missing: apt-get install poppler-utils")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("document", "labels"),
    [
        (
            "application",
            ["enterprises.Enterprise.name", "enterprises.ApplicationTransition.comment"],
        ),
        ("draw", ["experts.Draw.subject", "experts.Draw.supervisor", "experts.Expert.employer"]),
        ("summary", ["reports.Honour.text", "reports.NarrativeParagraph.text"]),
    ],
)
def test_pdfs_print_the_payload_as_text_and_load_nothing(
    document, labels, world, django_db_blocker, pdf_tools, tmp_path, caplog
):
    from reports.render import render

    with django_db_blocker.unblock():
        if document == "summary":
            pdf = render(2024, "pdf")
        else:
            client = Client()
            client.force_login(world["actors"]["staff"])
            url = {
                "application": reverse(
                    "enterprises:application_pdf", args=[world["application"].pk]
                ),
                "draw": reverse("experts:draw_pdf", args=[world["draw"].pk]),
            }[document]
            response = client.get(url)
            assert response.status_code == 200
            pdf = response.content
    text, images = pdf_text(pdf, tmp_path)
    found = payloads_in(text)
    for label in labels:
        assert planted_number(world, label) in found, label
    # The <img> of the payload is text on the page, not an image WeasyPrint tried to load.
    assert "<imgsrc=xonerror=alert(" in re.sub(r"\s+", "", text)
    assert len(images.strip().splitlines()) == 2  # the header lines of an empty list
    assert not [r for r in caplog.records if "image" in r.getMessage().lower()]
