"""The application forms say everything at once, keep the files already chosen, save drafts and
ask for confirmation only after the server has checked what will be filed: the project
application against a call, and the enterprise's 认定申报."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kejiju.choices import Role
from kejiju.models import PlanCategory
from projects.models import ApplicationDraft, Call, DraftDocument, Project
from tests.access_world import PDF_BYTES

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def applicant(users):
    return users[Role.ENTERPRISE]


@pytest.fixture
def call(users):
    now = timezone.now()
    return Call.objects.create(
        category=PlanCategory.objects.get(code="industrial"),
        year=now.year,
        title="关于组织申报一般工业科技项目的通知",
        text="各有关单位：现组织申报。",
        opens_at=now - dt.timedelta(days=10),
        closes_at=now + dt.timedelta(days=10),
        budget_cap=Decimal("100"),
        max_request=Decimal("60"),
        max_per_enterprise=1,
        required_attachments="申报书\n营业执照",
        created_by=users[Role.STAFF],
    )


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def good(**extra):
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


def errors_at(page: str, field_id: str) -> list[str]:
    """The messages listed under the field with id ``field_id``."""
    match = re.search(rf'<ul class="errorlist" id="{field_id}-errors">(.*?)</ul>', page, re.S)
    return re.findall(r"<li>(.*?)</li>", match.group(1)) if match else []


def test_every_problem_in_one_response_and_the_files_stay(login, applicant, call):
    """Dates in the wrong order, a missing attachment, a request over the call's cap and a
    budget that does not add up: all four messages at their fields in the first answer; the
    attachment chosen is kept with the draft and shown by name."""
    client = login(applicant)
    data = good(
        ends_on=(timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        requested="70",
        budget_total="99",
        attachment_0=pdf("申报书-终稿.pdf"),
        check="1",
    )
    response = client.post(reverse("projects:apply", args=[call.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert errors_at(page, "id_ends_on") == ["计划完成日期不能早于开始日期。"]
    assert errors_at(page, "id_requested") == [
        "申请资助 70 万元超过本通知单个项目上限 60.00 万元。"
    ]
    assert "总预算应等于自筹资金与申请资助之和" in errors_at(page, "id_budget_total")[0]
    assert errors_at(page, "id_attachment_1") == ["请上传「营业执照」。"]
    assert errors_at(page, "id_attachment_0") == []
    assert "共 4 处需要修改" in page
    assert not Project.objects.exists()
    draft = ApplicationDraft.objects.get()
    assert draft.enterprise == applicant.enterprise and draft.data["requested"] == "70"
    kept = draft.documents.get()
    assert (kept.kind, kept.original_name) == ("申报书", "申报书-终稿.pdf")
    assert "申报书-终稿.pdf" in page
    assert f'action="{reverse("projects:draft", args=[draft.pk])}"' in page

    # The second round: only the fixes and the missing file; the kept file is not sent again.
    fixed = good(attachment_1=pdf("执照.pdf"), check="1")
    response = client.post(reverse("projects:draft", args=[draft.pk]), fixed)
    assert response["Location"] == reverse("projects:draft_confirm", args=[draft.pk])
    assert sorted(draft.documents.values_list("kind", flat=True)) == ["申报书", "营业执照"]


def test_the_confirmation_shows_what_is_filed_and_only_its_post_files(login, applicant, call):
    client = login(applicant)
    data = good(attachment_0=pdf("申报书.pdf"), attachment_1=pdf("执照.pdf"), check="1")
    response = client.post(reverse("projects:apply", args=[call.pk]), data)
    draft = ApplicationDraft.objects.get()
    confirm = reverse("projects:draft_confirm", args=[draft.pk])
    assert response["Location"] == confirm
    assert not Project.objects.exists()
    page = client.get(confirm).content.decode()
    assert "已检查全部内容，没有发现问题" in page
    for text in ("高效电机控制器研发", "自筹 60.00 万元", "申请资助 40.00 万元", "执照.pdf"):
        assert text in page
    assert not Project.objects.exists()  # looking at the confirmation files nothing
    response = client.post(confirm)
    project = Project.objects.get()
    assert response["Location"] == reverse("projects:detail", args=[project.pk])
    assert project.stage == "submitted" and project.requested == Decimal("40")
    documents = {d.kind: d for d in project.documents.all()}
    assert documents["营业执照"].original_name == "执照.pdf"
    assert documents["申报书"].file.read() == PDF_BYTES
    assert not ApplicationDraft.objects.exists() and not DraftDocument.objects.exists()
    assert client.get(confirm).status_code == 404


def test_a_draft_saves_and_is_submitted_later(login, applicant, call):
    client = login(applicant)
    response = client.post(
        reverse("projects:apply", args=[call.pk]),
        {"name": "半成品申报", "requested": "abc", "attachment_0": pdf("申报书.pdf"), "save": "1"},
    )
    draft = ApplicationDraft.objects.get()
    assert response["Location"] == reverse("projects:draft", args=[draft.pk])
    listing = client.get(reverse("projects:my_projects")).content.decode()
    assert "未提交的申报草稿" in listing and "半成品申报" in listing
    again = client.get(reverse("projects:apply", args=[call.pk])).content.decode()
    assert "贵单位已有本通知的申报草稿" in again and "半成品申报" in again
    page = client.get(reverse("projects:draft", args=[draft.pk])).content.decode()
    assert 'value="半成品申报"' in page and "申报书.pdf" in page
    assert "errorlist" not in page  # a saved draft is not scolded until it is submitted
    # later: complete it, replace the kept 申报书 and submit
    client.post(
        reverse("projects:draft", args=[draft.pk]),
        good(attachment_0=pdf("申报书-第二稿.pdf"), attachment_1=pdf("执照.pdf"), check="1"),
    )
    assert draft.documents.get(kind="申报书").original_name == "申报书-第二稿.pdf"
    assert draft.documents.count() == 2
    client.post(reverse("projects:draft_confirm", args=[draft.pk]))
    project = Project.objects.get()
    assert project.name == "高效电机控制器研发"
    assert project.documents.get(kind="申报书").original_name == "申报书-第二稿.pdf"


def test_a_kept_file_can_be_removed(login, applicant, call, django_capture_on_commit_callbacks):
    client = login(applicant)
    client.post(
        reverse("projects:apply", args=[call.pk]),
        good(attachment_0=pdf("申报书.pdf"), save="1"),
    )
    draft = ApplicationDraft.objects.get()
    stored = draft.documents.get().file.name
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            reverse("projects:draft", args=[draft.pk]), good(remove_0="on", check="1")
        ).content.decode()
    assert not draft.documents.exists()
    assert errors_at(page, "id_attachment_0") == ["请上传「申报书」。"]
    from django.core.files.storage import default_storage

    assert not default_storage.exists(stored)


def test_a_refused_file_is_named_at_its_field_and_the_others_stay(login, applicant, call):
    client = login(applicant)
    data = good(
        attachment_0=pdf("申报书.pdf"),
        attachment_1=SimpleUploadedFile("执照.pdf", b"MZ\x90\x00 not a pdf"),
        check="1",
    )
    page = client.post(reverse("projects:apply", args=[call.pk]), data).content.decode()
    refusal = errors_at(page, "id_attachment_1")
    assert len(refusal) == 1 and "请上传" not in refusal[0]
    draft = ApplicationDraft.objects.get()
    assert list(draft.documents.values_list("kind", flat=True)) == ["申报书"]
    # 保存草稿 with a refused file stays on the form and says so
    page = client.post(
        reverse("projects:draft", args=[draft.pk]),
        good(attachment_1=SimpleUploadedFile("执照.pdf", b"not a pdf"), save="1"),
    ).content.decode()
    assert errors_at(page, "id_attachment_1") and "申报书.pdf" in page
    assert draft.documents.count() == 1


def test_the_call_and_quota_are_checked_with_everything_else(login, applicant, call):
    client = login(applicant)
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    page = client.post(
        reverse("projects:apply", args=[call.pk]), good(requested="-1", check="1")
    ).content.decode()
    assert "截止受理" in page and "金额不能为负数。" in errors_at(page, "id_requested")
    assert errors_at(page, "id_attachment_0") == ["请上传「申报书」。"]


def test_the_server_checks_again_when_confirming(login, applicant, call):
    client = login(applicant)
    client.post(
        reverse("projects:apply", args=[call.pk]),
        good(attachment_0=pdf("a.pdf"), attachment_1=pdf("b.pdf"), check="1"),
    )
    draft = ApplicationDraft.objects.get()
    Call.objects.filter(pk=call.pk).update(max_request=Decimal("30"))
    response = client.post(reverse("projects:draft_confirm", args=[draft.pk]))
    assert response.status_code == 200
    assert "超过本通知单个项目上限 30.00 万元" in response.content.decode()
    assert not Project.objects.exists() and ApplicationDraft.objects.exists()


def test_drafts_are_the_enterprises_own(login, applicant, call, make_user, other_enterprise, users):
    owner = login(applicant)
    owner.post(reverse("projects:apply", args=[call.pk]), good(attachment_0=pdf("a.pdf"), save="1"))
    draft = ApplicationDraft.objects.get()
    document = draft.documents.get()
    stranger = make_user(Role.ENTERPRISE, username="stranger", enterprise=other_enterprise)
    client = login(stranger)
    urls = [
        reverse("projects:draft", args=[draft.pk]),
        reverse("projects:draft_confirm", args=[draft.pk]),
        reverse("projects:draft_document", args=[draft.pk, document.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    for url in [*urls[:2], reverse("projects:draft_delete", args=[draft.pk])]:
        assert client.post(url, good(check="1")).status_code == 404, url
    assert "a.pdf" not in client.get(reverse("projects:my_projects")).content.decode()
    staff = login(users[Role.STAFF])
    assert staff.get(urls[0]).status_code == 403
    draft.refresh_from_db()
    assert draft.data["name"] == "高效电机控制器研发" and not Project.objects.exists()
    # the owner deletes it, with its file
    owner = login(applicant)
    response = owner.post(reverse("projects:draft_delete", args=[draft.pk]))
    assert response["Location"] == reverse("projects:my_projects")
    assert not ApplicationDraft.objects.exists() and not DraftDocument.objects.exists()


def test_one_file_per_kind_is_a_database_rule(applicant, call):
    from django.db import IntegrityError, transaction

    draft = ApplicationDraft.objects.create(
        call=call, enterprise=applicant.enterprise, created_by=applicant
    )
    fields = {
        "draft": draft,
        "kind": "申报书",
        "file": "projects/x.pdf",
        "original_name": "x.pdf",
        "content_type": "application/pdf",
        "size": 1,
        "sha256": "0" * 64,
        "uploaded_by": applicant,
    }
    DraftDocument.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        DraftDocument.objects.create(**fields)


# ---- the enterprise's 认定申报 ------------------------------------------------------------


@pytest.fixture
def hnte_draft(client, applicant):
    from enterprises.models import Application
    from enterprises.tests.factories import hnte_post

    client.force_login(applicant)
    response = client.post(reverse("enterprises:application_new", args=["hnte"]), hnte_post())
    assert response.status_code == 302
    return Application.objects.get()


def require_materials(*names):
    from enterprises.models import RuleSet

    rules = RuleSet.objects.effective_on("hnte", timezone.localdate())
    rules.thresholds["required_attachments"] = list(names)
    rules.save()


def test_enterprise_application_says_everything_and_keeps_the_file(client, hnte_draft):
    from enterprises.tests.factories import hnte_post

    require_materials("营业执照", "财务审计报告")
    edit = reverse("enterprises:application_edit", args=[hnte_draft.pk])
    data = hnte_post(
        st_staff="abc",
        sales_1="-5",
        submit="1",
        **{"material-description": "营业执照", "material-file": pdf("执照.pdf")},
    )
    response = client.post(edit, data)
    assert response.status_code == 200
    page = response.content.decode()
    form = response.context["form"]
    assert "st_staff" in form.errors and "sales_1" in form.errors
    material = response.context["material"]
    assert material.errors["file"] == ["请上传「财务审计报告」（材料名称填写「财务审计报告」）。"]
    assert "执照.pdf" in page  # kept with the draft though the figures were refused
    assert list(hnte_draft.attachments.values_list("description", flat=True)) == ["营业执照"]
    hnte_draft.refresh_from_db()
    assert hnte_draft.status == "draft"
    # the missing material and corrected figures: on to the confirmation, nothing submitted yet
    data = hnte_post(
        submit="1",
        **{"material-description": "财务审计报告", "material-file": pdf("审计.pdf")},
    )
    response = client.post(edit, data)
    confirm = reverse("enterprises:application_submit", args=[hnte_draft.pk])
    assert response["Location"] == confirm
    hnte_draft.refresh_from_db()
    assert hnte_draft.status == "draft"
    page = client.get(confirm).content.decode()
    assert "已检查全部申报数据和材料，没有发现问题" in page and "审计.pdf" in page
    assert client.post(confirm)["Location"] == reverse(
        "enterprises:application_detail", args=[hnte_draft.pk]
    )
    hnte_draft.refresh_from_db()
    assert hnte_draft.status == "submitted"


def test_enterprise_confirmation_checks_before_showing(client, hnte_draft):
    require_materials("营业执照")
    confirm = reverse("enterprises:application_submit", args=[hnte_draft.pk])
    response = client.get(confirm)
    assert response.status_code == 200
    assert "没有发现问题" not in response.content.decode()
    assert response.context["material"].errors["file"][0].startswith("请上传「营业执照」")
    response = client.post(confirm)
    hnte_draft.refresh_from_db()
    assert response.status_code == 200 and hnte_draft.status == "draft"


def test_enterprise_refused_file_at_its_field_figures_saved(client, hnte_draft):
    from enterprises.tests.factories import hnte_post

    edit = reverse("enterprises:application_edit", args=[hnte_draft.pk])
    bad = SimpleUploadedFile("执照.pdf", b"MZ\x90\x00 not a pdf")
    response = client.post(
        edit,
        hnte_post(
            st_staff="31", save="1", **{"material-description": "执照", "material-file": bad}
        ),
    )
    assert response.status_code == 200 and response.context["material"].errors["file"]
    hnte_draft.refresh_from_db()
    assert hnte_draft.figures["st_staff"] == 31 and not hnte_draft.attachments.exists()


def test_enterprise_drafts_are_their_own(client, hnte_draft, make_user, other_enterprise, users):
    stranger = make_user(Role.ENTERPRISE, username="stranger2", enterprise=other_enterprise)
    client.force_login(stranger)
    for url in (
        reverse("enterprises:application_submit", args=[hnte_draft.pk]),
        reverse("enterprises:application_edit", args=[hnte_draft.pk]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"submit": "1"}).status_code == 404
    client.force_login(users[Role.STAFF])
    assert (
        client.post(reverse("enterprises:application_submit", args=[hnte_draft.pk])).status_code
        == 403
    )
    hnte_draft.refresh_from_db()
    assert hnte_draft.status == "draft"
