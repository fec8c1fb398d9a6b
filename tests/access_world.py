"""One "world" of records for the access-control matrix: an object of every kind a URL can point
at, owned by one enterprise (the owner) with a second enterprise (the foreign one) beside it,
and a project under expert review whose panel holds one expert account (the drawn expert) and
leaves out another (the undrawn expert).

It is built once per test module through the apps' own services, inside a transaction that is
rolled back when the module is done; each test runs in a savepoint of its own on top of it.
"""

import datetime as dt
import io
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from enterprises.tests.factories import PDF_BYTES, pdf
from kejiju.choices import Role, Section

PASSWORD = "Kejiju-matrix-2026!"


def pdf_upload(name: str) -> SimpleUploadedFile:
    """A small valid PDF upload, already inspected as the attachment forms do."""
    from kejiju.uploads import inspect

    upload = pdf(name)
    upload.inspected = inspect(upload)
    upload.seek(0)
    return upload


def jpeg_upload() -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "JPEG")
    return SimpleUploadedFile("现场.jpg", buffer.getvalue(), content_type="image/jpeg")


def make_account(role: str, username: str, **extra):
    from kejiju.models import User

    if role == Role.STAFF:
        extra.setdefault("section", Section.HIGH_TECH)
    user = User(username=username, role=role, **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


def session_key(user) -> str:
    """The key of a fresh session logged in as ``user``."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def hnte_applications(*, enterprise, by) -> tuple:
    """(draft, its attachment, submitted): two high-tech applications of ``enterprise``."""
    from enterprises import services as enterprise_services
    from enterprises.forms import HNTEForm
    from enterprises.tests.factories import hnte_post

    form = HNTEForm(hnte_post())
    assert form.is_valid(), form.errors

    def application():
        return enterprise_services.save_application(
            enterprise=enterprise,
            kind="hnte",
            year=2024,
            figures=form.figures(),
            recognition="first",
            by=by,
        )

    draft = application()
    attachment = enterprise_services.add_attachment(
        draft, file=pdf_upload("营业执照.pdf"), description="营业执照", by=by
    )
    submitted = application()
    enterprise_services.submit(submitted, by=by)
    return draft, attachment, submitted


def open_call(*, title: str, by):
    """An industrial call open from ten days ago to ten days ahead, with a PDF template."""
    from kejiju.models import PlanCategory
    from projects.models import Call

    now = timezone.now()
    call = Call.objects.create(
        category=PlanCategory.objects.get(code="industrial"),
        year=now.year,
        title=title,
        text="各有关单位：现组织申报。",
        opens_at=now - dt.timedelta(days=10),
        closes_at=now + dt.timedelta(days=10),
        budget_cap=Decimal("100"),
        max_request=Decimal("60"),
        max_per_enterprise=2,
        created_by=by,
    )
    call.template_name = "申报书模板.pdf"
    call.template_type = "application/pdf"
    call.template_file.save("calls/template.pdf", ContentFile(PDF_BYTES), save=True)
    return call


def project_under_review(*, call, enterprise, name: str, specialty, owner, staff):
    """A project filed by ``owner`` with its application form, passed by ``staff``'s formal
    review, and under expert review by a panel of 3 + 1 drawn from ``specialty``."""
    from experts import services as expert_services
    from projects import services as project_services

    project = project_services.file_application(
        call=call,
        enterprise=enterprise,
        name=name,
        summary="研发新一代电机控制器。",
        budget=project_services.Budget(
            total=Decimal("100"), self_raised=Decimal("60"), requested=Decimal("40")
        ),
        documents={"申报书": pdf_upload("申报书.pdf")},
        by=owner,
    )
    project_services.formal_review(project=project, passed=True, comment="材料齐全", by=staff)
    return project_services.start_expert_review(
        project=project,
        criteria=expert_services.Criteria(specialties=[specialty.pk], main=3, backups=1),
        supervisor="纪检组 陈监督",
        by=staff,
    )


def approved_project(*, enterprise, owner, staff):
    """A project of its own call carried through review, notice and approval; its 任务书 signed
    with a comment, an indicator's actual entered with a note, the acceptance applied for with
    a patent of the period counted and unticked with a reason, and an acceptance inspection
    with a photo. The panel is drawn from five experts of a specialty of its own."""
    from experts import services as expert_services
    from experts.models import Expert, ExpertSpecialty, Specialty
    from patents.tests.factories import make_patent
    from projects import services as project_services
    from projects import task_books
    from projects.choices import FundingMode
    from projects.models import AcceptancePatent, Call
    from projects.task_books import BudgetLine, Contents, Indicator, Milestone

    today = timezone.localdate()
    specialty = Specialty.objects.create(name="立项样例专业")
    expert_users = []
    for i in range(5):
        expert = Expert.objects.create(
            name=f"立项样例专家{i}",
            employer="浙江工业大学",
            title="senior",
            specialties=specialty.name,
            mobile=f"1350000{i:04d}",
        )
        ExpertSpecialty.objects.create(expert=expert, specialty=specialty)
        expert_users.append(make_account(Role.EXPERT, f"approved-expert{i}", expert=expert))
    call = open_call(title="关于组织申报样例立项项目的通知", by=staff)
    project = project_under_review(
        call=call,
        enterprise=enterprise,
        name="样例立项执行的项目",
        specialty=specialty,
        owner=owner,
        staff=staff,
    )
    by_expert = {u.expert_id: u for u in expert_users}
    for member in expert_services.active_panel(project.draw)[:2]:
        expert_services.declare_no_conflict(member=member, user=by_expert[member.expert_id])
        expert_services.submit_review(
            member=member, scores={"创新性": 85, "可行性": 85}, comment="同意"
        )
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    call.refresh_from_db()
    project_services.close_review(call=call, by=staff)
    project_services.propose(call=call, projects=[project], by=staff)
    project_services.start_notice(call=call, by=staff)
    project.refresh_from_db()
    project = project_services.approve(
        project=project,
        number="GY-XSS-1",
        grant=Decimal("40"),
        funding_mode=FundingMode.TRANCHES,
        by=staff,
        today=today + dt.timedelta(days=15),
        ends_on=today + dt.timedelta(days=400),
    )
    book = task_books.open_version(project)
    task_books.save_task_book(
        task_book=book,
        contents=Contents(
            objectives="研制新一代高效电机控制器。",
            starts_on=today - dt.timedelta(days=30),
            ends_on=today + dt.timedelta(days=400),
            milestones=[Milestone(today + dt.timedelta(days=180), "完成样机")],
            indicators=[
                Indicator("invention_filed", "", "件", Decimal("1")),
                Indicator("new_sales", "", "万元", Decimal("500")),
            ],
            lines=[BudgetLine("equipment", book.grant, book.self_raised, note="购置设备")],
        ),
        by=owner,
        submit=True,
    )
    book = task_books.sign_task_book(task_book=book, by=staff, comment="同意签订")
    task_books.record_actual(
        indicator=book.indicators.get(kind="new_sales"),
        actual=Decimal("400"),
        note="见审计报告",
        evidence=pdf_upload("销售收入.pdf"),
        by=owner,
    )
    make_patent(
        9302, year=today.year, enterprise=enterprise, applicants=enterprise.name, filed_on=today
    )
    project_services.apply_for_acceptance(project=project, summary="已完成全部任务", by=owner)
    task_books.sync_patents(project)
    task_books.set_patent_counted(
        row=AcceptancePatent.objects.get(indicator__task_book__project=project),
        counted=False,
        reason="属于另一项目",
        by=staff,
    )
    project.refresh_from_db()
    task_books.record_inspection(
        project=project,
        occasion="acceptance",
        inspected_on=today,
        staff=[staff],
        experts=[],
        checked="核查设备与产品。",
        findings="与申报一致。",
        conclusion="true",
        photos=[jpeg_upload()],
        by=staff,
    )
    return project


def build_world() -> dict:
    """Every object the URL configuration can point at, keyed by the names the matrix uses."""
    from enterprises import services as enterprise_services
    from enterprises.models import Enterprise
    from experts import services as expert_services
    from experts.models import Expert, ExpertSpecialty, Specialty
    from kejiju.codes import make_credit_code
    from kejiju.imports.models import ImportJob
    from kejiju.models import Town
    from patents.models import DisputeCase, IPActivity
    from patents.tests.factories import make_patent
    from projects import services as project_services
    from reports.models import (
        Honour,
        IndicatorSnapshot,
        NarrativeParagraph,
        SummaryRender,
        YearTarget,
    )
    from seismic import services as seismic_services
    from seismic.models import (
        DemoSite,
        EmergencyPlan,
        MonthlyReport,
        ObservationPoint,
        PlanVersion,
        SeismicActivity,
        Station,
        StationMilestone,
    )

    w: dict = {}
    town = Town.objects.get(name="安阳街道")
    owner_enterprise = Enterprise.objects.create(
        credit_code=make_credit_code(9101), name="瑞安矩阵科技有限公司", town=town
    )
    foreign_enterprise = Enterprise.objects.create(
        credit_code=make_credit_code(9102), name="瑞安别家机械有限公司", town=town
    )
    w["enterprise"] = owner_enterprise

    # the experts: five in one specialty, each with an account; a draw of 3 + 1 leaves one out
    specialty = Specialty.objects.create(name="矩阵测试专业")
    expert_users = []
    for i in range(5):
        expert = Expert.objects.create(
            name=f"矩阵专家{i}",
            employer="温州大学",
            title="senior",
            specialties=specialty.name,
            mobile=f"1370000{i:04d}",
        )
        ExpertSpecialty.objects.create(expert=expert, specialty=specialty)
        expert_users.append(make_account(Role.EXPERT, f"matrix-expert{i}", expert=expert))
    pool_only = Expert.objects.create(
        name="未开通专家", employer="浙江大学", title="senior", mobile="13700009999"
    )
    w["expert"] = pool_only

    actors = {
        "staff": make_account(Role.STAFF, "matrix-staff"),
        "leader": make_account(Role.LEADER, "matrix-leader"),
        "admin": make_account(Role.ADMIN, "matrix-admin"),
        "auditor": make_account(Role.AUDITOR, "matrix-auditor"),
        "security": make_account(Role.SECURITY_ADMIN, "matrix-security"),
        # a superuser without a role, as createsuperuser makes it: the flag gives nothing
        "root": make_account("", "matrix-root", is_superuser=True),
        "owner": make_account(Role.ENTERPRISE, "matrix-owner", enterprise=owner_enterprise),
        "foreign": make_account(Role.ENTERPRISE, "matrix-foreign", enterprise=foreign_enterprise),
    }
    staff, owner = actors["staff"], actors["owner"]

    # enterprises: a draft and a submitted application with an attachment, an account request
    w["application"], w["attachment"], w["submitted"] = hnte_applications(
        enterprise=owner_enterprise, by=owner
    )
    w["account_request"] = enterprise_services.request_account(
        credit_code=make_credit_code(9103),
        password=PASSWORD,
        enterprise_name="瑞安申请开户有限公司",
        town=town,
        contact="张三",
        phone="13700001111",
        email="apply@example.com",
        username="matrix-applicant",
        licence=pdf_upload("营业执照.pdf"),
    )
    # the owner administers its enterprise (its first user); a colleague, and a request to join
    w["colleague"] = make_account(Role.ENTERPRISE, "matrix-colleague", enterprise=owner_enterprise)
    w["join_request"] = enterprise_services.request_account(
        credit_code=owner_enterprise.credit_code,
        password=PASSWORD,
        enterprise_name=owner_enterprise.name,
        town=town,
        contact="李四",
        phone="13700002222",
        email="join@example.com",
        username="matrix-joiner",
        legal_representative=False,
        licence=pdf_upload("营业执照.pdf"),
        authorization=pdf_upload("授权委托书.pdf"),
    )
    w["kind"] = "hnte"
    w["uidb64"], w["token"] = "MQ", "set-password"  # an invitation link that is not valid
    w["account"] = actors["leader"]  # an account the security administrator unlocks or disables

    # projects: an open call with a template, one application under expert review
    now = timezone.now()
    call = open_call(title=f"关于组织申报{now.year}年度矩阵测试项目的通知", by=staff)
    w["call"] = call
    project = project_under_review(
        call=call,
        enterprise=owner_enterprise,
        name="矩阵电机控制器研发",
        specialty=specialty,
        owner=owner,
        staff=staff,
    )
    w["project"] = project
    returned = project_services.file_application(
        call=call,
        enterprise=owner_enterprise,
        name="矩阵退回修改的申报",
        summary="材料不全，退回修改。",
        budget=project_services.Budget(
            total=Decimal("50"), self_raised=Decimal("30"), requested=Decimal("20")
        ),
        by=owner,
    )
    w["returned"] = project_services.formal_review(
        project=returned, passed=False, comment="请补充材料", by=staff
    )
    w["document"] = project.documents.get()
    # an application draft of the owner's against the call, with one kept file
    w["draft"] = project_services.save_draft(
        call=call, enterprise=owner_enterprise, by=owner, data={"name": "矩阵申报草稿"}
    )
    w["draft_document"] = project_services._keep_document(
        w["draft"], "申报书", pdf_upload("草稿申报书.pdf"), owner
    )

    # screening: an integrity record, a duplicate pair, a call that asks for the town's
    # recommendation with one application waiting and one recommended; a town user of the owning
    # enterprise's town and one of another town
    from projects.screening import services as screening_services
    from projects.screening.models import DuplicatePair

    w["integrity"] = screening_services.add_record(
        decision_upload=pdf_upload("处理决定书.pdf"),
        by=staff,
        subject_kind="enterprise",
        enterprise=foreign_enterprise,
        kind="false_material",
        severity="general",
        facts="提供虚假材料。",
        decision_no="瑞科〔2026〕1号",
        starts_on=dt.date(2026, 1, 1),
        reason="依规登记。",
    )
    w["pair"] = DuplicatePair.objects.create(
        project=returned,
        other=project,
        kind="similar",
        name_similarity=Decimal("0.6"),
        summary_similarity=Decimal("0.1"),
        found_at=now,
        found_during="申报提交",
    )
    actors["town"] = make_account(Role.TOWN, "matrix-town", town=town)
    actors["town_other"] = make_account(
        Role.TOWN, "matrix-town-other", town=Town.objects.get(name="玉海街道")
    )
    town_call = open_call(title="须镇街推荐的矩阵测试通知", by=staff)
    town_call.requires_town_recommendation = True
    town_call.save()
    town_filed = [
        project_services.file_application(
            call=town_call,
            enterprise=owner_enterprise,
            name=name,
            summary="镇街推荐测试。",
            budget=project_services.Budget(
                total=Decimal("50"), self_raised=Decimal("30"), requested=Decimal("20")
            ),
            by=owner,
        )
        for name in ("矩阵待推荐的申报", "矩阵已推荐的申报")
    ]
    w["town_project"] = town_filed[0]
    screening_services.recommend(
        project=town_filed[1], decision="recommended", opinion="同意推荐。", by=actors["town"]
    )
    w["recommended"] = town_filed[1]
    panel = expert_services.active_panel(project.draw)
    drawn_ids = set(project.draw.members.values_list("expert_id", flat=True))
    by_expert = {u.expert_id: u for u in expert_users}
    member = panel[0]
    actors["drawn"] = by_expert[member.expert_id]
    actors["undrawn"] = next(u for u in expert_users if u.expert_id not in drawn_ids)
    expert_services.declare_no_conflict(member=member, user=actors["drawn"])
    w["draw"] = project.draw
    w["member"] = member

    # patents
    w["patent"] = make_patent(9101, enterprise=owner_enterprise, applicants=owner_enterprise.name)
    w["dispute"] = DisputeCase.objects.create(
        case_number="瑞知纠〔2024〕1号", accepted_on=dt.date(2024, 3, 1), outcome="mediated"
    )
    IPActivity.objects.create(held_on=dt.date(2024, 4, 26), kind="training", title="知识产权培训")

    # imports and reports
    job = ImportJob(layout="patents", original_name="p.xlsx", user=staff, total=1, done=1)
    job.file.save("p.xlsx", ContentFile(b""), save=False)
    job.state = ImportJob.State.SUCCEEDED
    job.save()
    w["import_job"] = job
    w["layout"] = "patents"
    IndicatorSnapshot.objects.create(year=2023, computed_at=now)
    summary = SummaryRender(year=2023, format="pdf", state="succeeded", requested_by=staff)
    summary.file.save("summary-2023.pdf", ContentFile(PDF_BYTES), save=False)
    summary.save()
    w["summary"] = summary
    w["target"] = YearTarget.objects.create(
        year=2024, label="发明专利授权", minimum=150, maximum=200
    )
    w["honour"] = Honour.objects.create(year=2024, text="全省科技进步先进县")
    w["paragraph"] = NarrativeParagraph.objects.create(
        year=2024, section="overview", text="全年科技工作稳步推进。"
    )

    # seismic
    activity = SeismicActivity.objects.create(
        name="防灾减灾日宣传", kind="publicity", held_on=dt.date(2024, 5, 12), town=town
    )
    w["activity"] = activity
    w["photo"] = seismic_services.add_photo(activity=activity, upload=jpeg_upload(), caption="现场")
    plan = EmergencyPlan.objects.create(name="瑞安市矩阵地震应急预案")
    PlanVersion.objects.create(
        plan=plan, version="2023版", approved_on=dt.date(2023, 3, 1), issuing_office="市政府办公室"
    )
    w["plan"] = plan
    w["site"] = DemoSite.objects.create(
        name="矩阵示范学校", kind="school", town=town, applied_on=dt.date(2023, 1, 1)
    )
    point = ObservationPoint.objects.create(
        code="MX-01",
        name="矩阵观测点",
        kind="well",
        location="村口水井",
        town=town,
        observer="王五",
    )
    w["point"] = point
    w["report"] = MonthlyReport.objects.create(
        point=point,
        month=dt.date(2024, 5, 1),
        anomaly=True,
        description="井水变浑",
        reported_on=dt.date(2024, 6, 2),
    )
    station = Station.objects.create(
        code="MX-ST", name="矩阵台站", kind="strong_motion", site="安阳", status="building"
    )
    w["station"] = station
    w["milestone"] = StationMilestone.objects.create(
        station=station, stage="survey", planned_on=dt.date(2024, 6, 1)
    )
    # the notification centre: one notification of the owner's
    from kejiju.notifications.services import notify

    w["notification"] = notify(
        [owner], kind="notifications.message", text="矩阵测试消息", link="/enterprise/"
    )[0]
    # A picture of the login captcha, as the login page makes one for an address over the limit
    from captcha.models import CaptchaStore

    w["captcha_key"] = CaptchaStore.generate_key()
    w["actors"] = actors
    return w


@contextmanager
def rolled_back(django_db_blocker, media):
    """A module's transaction, rolled back at its end, with uploads kept under ``media``."""
    with (
        override_settings(
            MEDIA_ROOT=media,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once per module and rolled back at its end."""
    with rolled_back(django_db_blocker, tmp_path_factory.mktemp("matrix-media")):
        yield build_world()


# Rows these tables gain on any request, whoever makes it: the audit trail, sessions, and the
# log-in guard's records.
UNTRACKED_TABLES = ("kejiju_auditevent", "django_session")


def fingerprint() -> dict[str, int]:
    """The row count of every table, history tables included: a write of a domain model adds a
    history row, so two equal fingerprints mean nothing was created, changed or deleted."""
    from django.apps import apps
    from django.db import connection

    tables = sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed
            and model._meta.db_table not in UNTRACKED_TABLES
            and not model._meta.db_table.startswith("axes_")
        }
    )
    quote = connection.ops.quote_name
    sql = " UNION ALL ".join(f"SELECT '{t}', COUNT(*) FROM {quote(t)}" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(cursor.fetchall())


@pytest.fixture(scope="module")
def sessions(world, django_db_blocker):
    """A session key per logged-in actor, made once: each test sends it in a fresh client."""
    with django_db_blocker.unblock():
        return {actor: session_key(user) for actor, user in world["actors"].items()}


def client_for(sessions: dict, actor: str, **options) -> Client:
    client = Client(**options)
    if actor != "anon":
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions[actor]
    return client


def url_of(row, world: dict) -> str:
    kwargs = {arg: getattr(world[key], "pk", world[key]) for arg, key in row.kwargs.items()}
    return reverse(row.name, kwargs=kwargs)


def drain(response) -> None:
    """Reads a file download to its end, which closes the file. (Closing the response directly
    would also send request_finished, and with it close the database connection under the
    test's transaction on PostgreSQL.)"""
    if response.streaming:
        b"".join(response.streaming_content)


def answer(response) -> str:
    """The response in the matrix's terms."""
    if response.status_code == 302:
        login = resolve_url(settings.LOGIN_URL)
        return "login" if response["Location"].startswith(login) else "302"
    return str(response.status_code)


# ---- the URL configuration ---------------------------------------------------------------------

ADMIN_PREFIX = "admin/"


def url_patterns(patterns=None, prefix: str = "", namespace: str | None = None):
    """(qualified name or None, route, pattern) for every pattern of the URL configuration."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            qualified = f"{namespace}:{inner}" if namespace and inner else inner or namespace
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), qualified)
        else:
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield name, prefix + str(pattern.pattern), pattern


def portal_patterns() -> list:
    return [(n, r, p) for n, r, p in url_patterns() if not r.startswith(ADMIN_PREFIX)]


def admin_patterns() -> list:
    return [(n, r, p) for n, r, p in url_patterns() if r.startswith(ADMIN_PREFIX)]


def takes_post(callback) -> bool:
    """Whether a view does something with a POST, read from the view itself: a class-based view
    with a post() method, a function wrapped in require_POST (require_http_methods), or one that
    reads ``request.POST`` or compares ``request.method`` with "POST". Read from the compiled
    code, not the source file, which may change on disk while the tests run."""
    import inspect

    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return hasattr(view_class, "post") and "post" in view_class.http_method_names
    wrapper = callback
    while wrapper is not None:
        allowed = inspect.getclosurevars(wrapper).nonlocals.get("request_method_list")
        if allowed and "POST" in allowed:
            return True
        wrapper = getattr(wrapper, "__wrapped__", None)
    codes = [inspect.unwrap(callback).__code__]
    names, constants = set(), set()
    while codes:
        code = codes.pop()
        names.update(code.co_names)
        for constant in code.co_consts:
            if inspect.iscode(constant):
                codes.append(constant)
            elif isinstance(constant, str):
                constants.add(constant)
    return "POST" in names or ("method" in names and "POST" in constants)
