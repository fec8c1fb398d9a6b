"""Project pages: the public portal, applying, the staff's queue and actions, access rules and
the query counts of the lists."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enterprises.tests.factories import PDF_BYTES as PDF
from experts.services import active_panel, declare_no_conflict, submit_review
from kejiju.choices import Role
from kejiju.models import PlanCategory, Town
from projects import services
from projects.choices import Stage
from projects.models import ApplicationDraft, Call, Commissioner, Project

from .conftest import score, through_notice

pytestmark = pytest.mark.django_db


def application_data(**extra):
    today = timezone.localdate()
    data = {
        "name": "高效电机控制器研发",
        "summary": "研发新一代电机控制器。",
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=700)).isoformat(),
        "budget_total": "100",
        "self_raised": "60",
        "requested": "40",
    }
    data.update(extra)
    return data


def test_anonymous_home_is_the_public_portal(client, call, staff, file_app, reviewers, to_review):
    project = file_app()
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert call.title in page and "登录" in page
    assert project.name not in page  # an application is not public
    assert client.get(reverse("projects:public_call", args=[call.pk])).status_code == 200


def test_logged_in_users_still_go_to_their_home(login, users):
    response = login(users[Role.ENTERPRISE]).get("/")
    assert response.status_code == 302 and response["Location"] == reverse("enterprise_home")


def test_portal_shows_notice_and_approved_list(client, call, staff, file_app, reviewers, to_review):
    project = through_notice(file_app(), call, staff, reviewers, to_review)
    page = client.get(reverse("projects:portal")).content.decode()
    assert "拟立项公示" in page and project.name in page
    services.approve(
        project=project,
        number="GY-PUB-1",
        grant=Decimal("30"),
        funding_mode="upfront",
        by=staff,
        today=timezone.localdate() + dt.timedelta(days=15),
    )
    page = client.get("/").content.decode()
    assert "GY-PUB-1" in page and "30.00" in page


def test_enterprise_applies_online_with_attachments(login, applicant, call, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call.required_attachments = "营业执照"
    call.save()
    client = login(applicant)
    url = reverse("projects:apply", args=[call.pk])
    assert "营业执照" in client.get(url).content.decode()
    response = client.post(url, application_data())
    assert "请上传「营业执照」" in response.content.decode()
    draft = ApplicationDraft.objects.get()
    data = application_data(attachment_0=SimpleUploadedFile("执照.pdf", PDF))
    response = client.post(reverse("projects:draft", args=[draft.pk]), data)
    confirm = reverse("projects:draft_confirm", args=[draft.pk])
    assert response["Location"] == confirm
    assert not Project.objects.exists()
    response = client.post(confirm)
    project = Project.objects.get()
    assert response["Location"] == reverse("projects:detail", args=[project.pk])
    page = client.get(response["Location"]).content.decode()
    assert "提交申报" in page and "执照.pdf" in page
    doc = project.documents.get()
    download = client.get(reverse("projects:document", args=[project.pk, doc.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_application_refusals_show_at_the_field(login, applicant, call):
    client = login(applicant)
    url = reverse("projects:apply", args=[call.pk])
    page = client.post(url, application_data(requested="70", budget_total="130")).content.decode()
    assert "超过本通知单个项目上限 60.00 万元" in page
    page = client.post(url, application_data(self_raised="-1")).content.decode()
    assert "金额不能为负数" in page
    page = client.post(url, application_data(budget_total="99")).content.decode()
    assert "总预算应等于自筹资金与申请资助之和" in page
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    page = client.post(url, application_data()).content.decode()
    assert "截止受理" in page
    assert not Project.objects.exists()


def test_staff_publish_a_call(login, staff):
    client = login(staff)
    assert client.get(reverse("projects:call_add")).status_code == 200
    now = timezone.localtime()
    data = {
        "category": PlanCategory.objects.get(code="social").pk,
        "year": now.year,
        "title": "社会发展科技项目申报通知",
        "text": "请各单位申报。",
        "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "budget_cap": "200",
        "max_request": "300",
        "max_per_enterprise": "2",
        "required_attachments": "",
    }
    page = client.post(reverse("projects:call_add"), data).content.decode()
    assert "截止时间应晚于开始时间" in page and "单个项目上限不能超过资金总额" in page
    data.update(
        closes_at=(now + dt.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"), max_request="50"
    )
    data["template"] = SimpleUploadedFile("模板.pdf", PDF)
    response = client.post(reverse("projects:call_add"), data)
    call = Call.objects.get()
    assert response["Location"] == reverse("projects:call_detail", args=[call.pk])
    assert call.template_name == "模板.pdf"
    assert client.get(reverse("projects:call_list")).status_code == 200
    anonymous = client.__class__()
    download = anonymous.get(reverse("projects:call_template", args=[call.pk]))
    assert download.status_code == 200


def test_staff_actions_on_the_project_page(login, staff, applicant, file_app):
    project = file_app()
    client = login(staff)
    url = reverse("projects:detail", args=[project.pk])
    page = client.get(url).content.decode()
    assert "形式审查" in page and "确认形式审查" in page
    page = client.post(url, {"action": "formal", "formal-decision": "return", "formal-comment": ""})
    assert "退回修改时请写明" in page.content.decode()
    response = client.post(
        url, {"action": "formal", "formal-decision": "return", "formal-comment": "补充材料"}
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.stage == Stage.RETURNED
    # The enterprise sees the comment and sends it back.
    owner = login(applicant)
    assert "补充材料" in owner.get(url).content.decode()
    owner.post(url, {"action": "resubmit"})
    project.refresh_from_db()
    assert project.stage == Stage.SUBMITTED
    # An enterprise cannot use the staff's actions.
    assert owner.post(url, {"action": "formal", "formal-decision": "pass"}).status_code == 404


def test_scores_hidden_until_review_closes(login, staff, call, file_app, to_review, reviewers):
    project = file_app()
    to_review(project)
    project.refresh_from_db()
    score(project, (77, 77), reviewers)
    client = login(staff)
    page = client.get(reverse("projects:call_detail", args=[call.pk])).content.decode()
    assert "77.00" not in page and "结束前不显示专家评分" in page
    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "77.00" not in page and "已评分" in page
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    client.post(reverse("projects:call_detail", args=[call.pk]), {"action": "close_review"})
    page = client.get(reverse("projects:call_detail", args=[call.pk])).content.decode()
    assert "77.00" in page and "确定拟立项名单" in page


def test_enterprise_sees_only_its_own_projects(
    login, applicant, other_enterprise, make_user, file_app, call
):
    mine = file_app()
    other_user = make_user(Role.ENTERPRISE, username="other-ent", enterprise=other_enterprise)
    theirs = file_app(enterprise=other_enterprise, user=other_user, name="别人的项目")
    client = login(applicant)
    assert client.get(reverse("projects:detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("projects:detail", args=[theirs.pk])).status_code == 404
    page = client.get(reverse("projects:my_projects")).content.decode()
    assert mine.name in page and theirs.name not in page
    assert client.get(reverse("projects:project_list")).status_code == 403
    assert client.get(reverse("projects:call_detail", args=[call.pk])).status_code == 403


def test_reviewer_sees_only_drawn_applications_after_declaring(
    login, staff, file_app, to_review, reviewers, make_user, other_enterprise
):
    project = file_app()
    to_review(project)
    project.refresh_from_db()
    panel = active_panel(project.draw)
    by_expert = {u.expert_id: u for u in reviewers}
    drawn = by_expert[panel[0].expert_id]
    not_drawn = next(u for u in reviewers if u.expert_id not in {m.expert_id for m in panel})
    url = reverse("projects:review_material", args=[panel[0].pk])
    client = login(drawn)
    assert client.get(url).status_code == 404  # before the declaration
    declare_no_conflict(member=panel[0], user=drawn)
    page = client.get(url).content.decode()
    assert project.name in page and project.summary in page
    assert client.get(reverse("projects:review_tasks")).status_code == 200
    assert login(not_drawn).get(url).status_code == 404
    # A second drawn expert does not see the first one's score on any page of his.
    second = panel[1]
    submit_review(member=panel[0], scores={"创新性": 67.5}, comment="首位专家的保密意见")
    other = login(by_expert[second.expert_id])
    declare_no_conflict(member=second, user=by_expert[second.expert_id])
    for page_url in (
        reverse("projects:review_material", args=[second.pk]),
        reverse("experts:my_review", args=[second.pk]),
    ):
        page = other.get(page_url).content.decode()
        assert "67.5" not in page and "首位专家的保密意见" not in page
    assert other.get(reverse("projects:detail", args=[project.pk])).status_code == 403


def test_access_matrix(login, users, file_app):
    project = file_app()
    expected = {
        Role.STAFF: 200,
        Role.ADMIN: 200,
        Role.LEADER: 200,
        Role.AUDITOR: 403,  # the audit log and nothing else
        Role.ENTERPRISE: 200,
        Role.EXPERT: 403,
    }
    for role, status in expected.items():
        client = login(users[role])
        assert client.get(reverse("projects:detail", args=[project.pk])).status_code == status, role
    for role in (Role.ENTERPRISE, Role.EXPERT):
        assert login(users[role]).get(reverse("projects:call_list")).status_code == 403


def _many_projects(n, enterprise):
    category = PlanCategory.objects.get(code="industrial")
    town = Town.objects.first()
    Project.objects.bulk_create(
        Project(
            number=f"GY-{i:04d}",
            name=f"项目{i}",
            category=category,
            undertaker=enterprise.name,
            enterprise=enterprise,
            town=town,
            applied_on=dt.date(2024, 1, 1),
            status="approved",
            approved_on=dt.date(2024, 3, 1),
            funding=Decimal("10"),
            stage=Stage.EXECUTING,
            ends_on=dt.date(2025, 1, 1),
        )
        for i in range(n)
    )


def test_project_list_query_count_does_not_grow(login, staff, enterprise):
    _many_projects(120, enterprise)
    client = login(staff)
    url = reverse("projects:project_list")
    counts = []
    for size in (20, 100):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, {"per_page": size, "overdue": "true"})
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    assert "逾期" in response.content.decode()
    page = client.get(url, {"overdue": "false"}).content.decode()
    assert "没有符合条件的项目" in page


def test_project_list_filters_by_enterprise_without_listing_the_registry(
    login, staff, enterprise, other_enterprise
):
    _many_projects(3, enterprise)
    Project.objects.create(
        number="GY-OTHER",
        name="另一家的项目",
        category=PlanCategory.objects.get(code="industrial"),
        undertaker=other_enterprise.name,
        enterprise=other_enterprise,
        applied_on=dt.date(2024, 2, 1),
        status="applied",
    )
    client = login(staff)
    url = reverse("projects:project_list")
    page = client.get(url).content.decode()
    assert "另一家的项目" in page and "项目0" in page
    # no <option> per enterprise: the registry of a county has 20,000 of them
    assert f'<option value="{other_enterprise.pk}">{other_enterprise.name}' not in page
    by_name = client.get(url, {"enterprise_name": "另一家"}).content.decode()
    assert "另一家的项目" in by_name and "项目0" not in by_name
    by_code = client.get(url, {"enterprise_name": other_enterprise.credit_code.lower()})
    assert "另一家的项目" in by_code.content.decode()
    by_pk = client.get(url, {"enterprise": enterprise.pk}).content.decode()
    assert "项目0" in by_pk and "另一家的项目" not in by_pk
    # the id travels in a hidden field of the filter bar, with no label of its own
    assert f'type="hidden" name="enterprise" value="{enterprise.pk}"' in by_pk
    assert 'for="id_enterprise"' not in by_pk


def test_commissioners_list(login, staff, enterprise):
    town = Town.objects.first()
    for i in range(30):
        Commissioner.objects.create(
            name=f"特派员{i}",
            batch="2023年第一批",
            town=town,
            starts_on=dt.date(2023, 1, 1),
            ends_on=dt.date(2025, 12, 31),
        )
    client = login(staff)
    url = reverse("projects:commissioner_list")
    counts = []
    for size in (20, 100):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"per_page": size}).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    assert "特派员1" in client.get(url).content.decode()


def test_demo_call_and_commissioners_load_twice(client):
    from projects import demo

    demo.load()
    demo.load()
    assert Call.objects.count() == 1
    assert Commissioner.objects.count() == len(demo.COMMISSIONERS)
    assert Project.objects.filter(commissioner__isnull=False).count() == len(demo.COMMISSIONERS)
    page = client.get("/").content.decode()
    assert Call.objects.get().title in page
