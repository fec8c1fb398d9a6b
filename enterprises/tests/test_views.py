"""Enterprise pages: registration, applications with the pre-check, the workflow, attachments."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from enterprises import services
from enterprises.models import AccountRequest, Application, Attachment, Enterprise
from enterprises.tests.factories import hnte_post, licence, pdf
from kejiju.codes import make_credit_code
from kejiju.models import Town, User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def owner(make_user, enterprise):
    return make_user("enterprise", "owner", enterprise=enterprise, email="owner@example.com")


@pytest.fixture
def staff(make_user):
    return make_user("staff", "clerk")


def create_application(client, **changes):
    response = client.post(
        reverse("enterprises:application_new", args=["hnte"]), hnte_post(**changes)
    )
    assert response.status_code == 302, response.context["form"].errors
    return Application.objects.latest("pk")


# ---- registration ------------------------------------------------------------------------


REGISTRATION = {
    "enterprise_name": "瑞安新注册科技有限公司",
    "contact": "李四",
    "phone": "13900000000",
    "email": "li@example.com",
    "username": "xinzhuce",
    "password1": "Zhuce-2026-abc!",
    "password2": "Zhuce-2026-abc!",
    "legal_representative": "on",
}


def registration(**changes) -> dict:
    """The registration form as posted, with its 营业执照."""
    return {**REGISTRATION, "licence": pdf("营业执照.pdf"), **changes}


def test_register_then_staff_activate_creates_enterprise_and_user(
    client, staff, town, django_capture_on_commit_callbacks
):
    code = make_credit_code(5555)
    response = client.post(
        reverse("enterprises:register"), registration(credit_code=code, town=town.pk)
    )
    assert response.status_code == 302
    account = AccountRequest.objects.get()
    assert account.status == "pending" and account.password != REGISTRATION["password1"]
    assert not Enterprise.objects.filter(credit_code=code).exists()

    client.force_login(staff)
    page = client.get(reverse("enterprises:account_requests"))
    assert "瑞安新注册科技有限公司" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("enterprises:account_activate", args=[account.pk]))
    user = User.objects.get(username="xinzhuce")
    assert user.enterprise.credit_code == code and user.role == "enterprise"
    assert user.check_password(REGISTRATION["password1"])
    assert any("已开通" in m.subject for m in mail.outbox)


def test_a_second_user_joins_an_existing_enterprise_only_with_consent(
    client, staff, enterprise, owner, town
):
    client.post(
        reverse("enterprises:register"),
        registration(credit_code=enterprise.credit_code, town=town.pk),
    )
    account = AccountRequest.objects.get()
    with pytest.raises(ValidationError):
        services.activate_account(account, by=staff)
    assert set(enterprise.users.values_list("username", flat=True)) == {"owner"}
    services.approve_join(account, by=owner)
    assert set(enterprise.users.values_list("username", flat=True)) == {"owner", "xinzhuce"}
    assert Enterprise.objects.filter(credit_code=enterprise.credit_code).count() == 1


def test_registration_wrong_check_digit_names_the_expected_character(client, town):
    code = make_credit_code(5555)
    wrong = code[:-1] + ("1" if code[-1] != "1" else "2")
    response = client.post(
        reverse("enterprises:register"), registration(credit_code=wrong, town=town.pk)
    )
    assert response.status_code == 200
    assert f"应为 {code[-1]}" in response.context["form"].errors["credit_code"][0]
    assert not AccountRequest.objects.exists()


# ---- profile ---------------------------------------------------------------------------


def test_enterprise_edits_its_profile_but_not_its_verified_fields(client, owner, enterprise):
    client.force_login(owner)
    response = client.post(
        reverse("enterprises:profile"),
        {
            "contact": "王五",
            "phone": "0577-1234",
            "name": "改名",
            "credit_code": make_credit_code(1),
        },
    )
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.contact == "王五"
    assert enterprise.name == "瑞安测试科技有限公司"
    assert enterprise.credit_code == make_credit_code(9001)


def test_profile_without_contact_and_phone_is_refused_at_the_fields(client, owner, enterprise):
    client.force_login(owner)
    response = client.post(reverse("enterprises:profile"), {"contact": " ", "industry": "制造业"})
    errors = response.context["form"].errors
    assert "请填写联系人" in errors["contact"][0]
    assert "请填写联系电话" in errors["phone"][0]
    enterprise.refresh_from_db()
    assert enterprise.industry != "制造业"


def test_profile_future_founding_date_is_refused_at_the_field(client, owner):
    client.force_login(owner)
    response = client.post(reverse("enterprises:profile"), {"founded_on": "2999-01-01"})
    assert "成立日期不能晚于今天" in response.context["form"].errors["founded_on"][0]


# ---- applications --------------------------------------------------------------------------


def test_precheck_button_shows_the_result_without_saving(client, owner):
    client.force_login(owner)
    response = client.post(
        reverse("enterprises:application_new", args=["hnte"]), {**hnte_post(), "precheck": "1"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "预审结果" in body and "符合条件" in body
    assert "（档次未经核实）" not in body  # the internal note is for the bureau only
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"rd_domestic": "800"}, "rd_domestic", "不能大于研发费用合计"),
        ({"sales_3": "-1"}, "sales_3", "大于或等于"),
        ({"sales_3": "很多"}, "sales_3", "数字"),
        ({"st_staff": "200"}, "st_staff", "不能多于职工总数"),
        ({"hitech_revenue": "6000"}, "hitech_revenue", "不能大于总收入"),
        ({"registered_on": "2999-01-01"}, "registered_on", "不能晚于今天"),
    ],
)
def test_bad_figures_are_refused_at_the_field_and_nothing_is_saved(
    client, owner, changes, field, message
):
    client.force_login(owner)
    response = client.post(
        reverse("enterprises:application_new", args=["hnte"]), hnte_post(**changes)
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Application.objects.exists()


def test_ratio_outside_0_100_is_refused(client, owner):
    client.force_login(owner)
    data = {
        "year": "2024",
        "institution_name": "测试研发中心",
        "institution_kind": "tech_center",
        "leader": "张三",
        "rd_staff": "12",
        "rd_ratio": "120",
        "equipment_value": "300",
        "floor_area": "500",
    }
    response = client.post(reverse("enterprises:application_new", args=["rd_institution"]), data)
    assert "比例应在 0–100% 之间" in response.context["form"].errors["rd_ratio"][0]
    response = client.post(
        reverse("enterprises:application_new", args=["rd_institution"]), {**data, "rd_ratio": "3.5"}
    )
    assert response.status_code == 302


def test_tech_sme_application_records_evaluation_and_data_year(client, owner):
    client.force_login(owner)
    data = {
        "year": "2024",
        "resident_taxed": "on",
        "not_restricted": "on",
        "no_violation": "on",
        "staff_total": "100",
        "st_staff": "5",
        "sales": "5000",
        "assets": "8000",
        "rd": "400",
        "cost_total": "4000",
        "ip_class1": "1",
        "ip_class2": "0",
    }
    response = client.post(reverse("enterprises:application_new", args=["tech_sme"]), data)
    assert response.status_code == 302
    application = Application.objects.get()
    assert (
        application.figures["evaluation_year"] == 2024 and application.figures["data_year"] == 2023
    )
    assert application.verdict == "fail"  # 科技人员 5%: its score is 0


def test_the_whole_workflow_with_timeline_and_mail(
    client, owner, staff, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    application = create_application(client)
    assert application.verdict == "pass" and application.status == "draft"
    response = client.post(
        reverse("enterprises:attachment_add", args=[application.pk]),
        {"description": "营业执照", "file": pdf()},
    )
    assert response.status_code == 302
    client.post(reverse("enterprises:application_submit", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == "submitted"
    # Submitted: no more edits or uploads by the enterprise
    response = client.get(reverse("enterprises:application_edit", args=[application.pk]))
    assert response.status_code == 302

    client.force_login(staff)
    queue = client.get(reverse("enterprises:review_queue"))
    assert application.enterprise.name in queue.content.decode()
    response = client.post(
        reverse("enterprises:application_review", args=[application.pk]), {"action": "return"}
    )
    application.refresh_from_db()
    assert application.status == "submitted"  # a return needs a comment
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("enterprises:application_review", args=[application.pk]),
            {"action": "return", "comment": "请补充近三年财务审计报告。"},
        )
    application.refresh_from_db()
    assert application.status == "returned"
    assert any("退回修改" in m.subject and "owner@example.com" in m.to for m in mail.outbox)

    client.force_login(owner)
    response = client.post(
        reverse("enterprises:application_edit", args=[application.pk]), hnte_post(conversions="16")
    )
    assert response.status_code == 302
    client.post(reverse("enterprises:application_submit", args=[application.pk]))
    client.force_login(staff)
    client.post(
        reverse("enterprises:application_review", args=[application.pk]),
        {"action": "approve", "comment": "同意推荐"},
    )
    application.refresh_from_db()
    assert application.status == "approved"
    steps = list(application.transitions.values_list("to_status", "by__username", "comment"))
    assert steps == [
        ("submitted", "owner", ""),
        ("returned", "clerk", "请补充近三年财务审计报告。"),
        ("submitted", "owner", ""),
        ("approved", "clerk", "同意推荐"),
    ]
    client.force_login(owner)
    page = client.get(
        reverse("enterprises:application_detail", args=[application.pk])
    ).content.decode()
    assert "请补充近三年财务审计报告。" in page and "审核通过（推荐上报）" in page
    assert "<td>5000.00</td>" in page  # 销售收入 最近一年, 万元 with 2 decimals


def test_withdraw_before_review(client, owner):
    client.force_login(owner)
    application = create_application(client)
    client.post(reverse("enterprises:application_submit", args=[application.pk]))
    client.post(reverse("enterprises:application_withdraw", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == "withdrawn" and application.editable
    assert application.transitions.last().comment == "企业撤回"


def test_attachments_are_frozen_while_submitted_and_open_again_when_withdrawn(client, owner):
    client.force_login(owner)
    application = create_application(client)
    add = reverse("enterprises:attachment_add", args=[application.pk])
    client.post(add, {"description": "营业执照", "file": pdf()})
    attachment = Attachment.objects.get()
    client.post(reverse("enterprises:application_submit", args=[application.pk]))

    response = client.post(add, {"description": "审计报告", "file": pdf("审计报告.pdf")})
    assert response.status_code == 400 and "不能再上传材料" in response.content.decode()
    response = client.post(
        reverse("enterprises:attachment_delete", args=[attachment.pk]), follow=True
    )
    assert "不能删除材料" in response.content.decode()
    assert list(Attachment.objects.all()) == [attachment]

    client.post(reverse("enterprises:application_withdraw", args=[application.pk]))
    assert (
        client.post(add, {"description": "审计报告", "file": pdf("审计报告.pdf")}).status_code
        == 302
    )
    assert Attachment.objects.count() == 2


def test_staff_override_needs_a_reason_and_is_recorded(client, owner, staff):
    client.force_login(owner)
    application = create_application(client, st_staff="5")
    assert application.verdict == "fail"
    client.force_login(staff)
    client.post(
        reverse("enterprises:application_override", args=[application.pk]), {"verdict": "pass"}
    )
    application.refresh_from_db()
    assert application.override_verdict == ""
    client.post(
        reverse("enterprises:application_override", args=[application.pk]),
        {"verdict": "pass", "reason": "科技人员按全年平均数核实为 12%"},
    )
    application.refresh_from_db()
    assert application.override_verdict == "pass" and application.override_by == staff
    assert application.effective_verdict == "pass"


def test_reviewer_scores_within_the_band_decide_the_score(client, owner, staff):
    client.force_login(owner)
    application = create_application(client, ip_score="18", org_score="10")
    assert application.verdict == "uncertain"  # 18 + 25–30 + 10 + 12–14 = 65–72
    client.force_login(staff)
    client.post(
        reverse("enterprises:application_scores", args=[application.pk]),
        {"conversion": "30", "growth": "14"},
    )
    application.refresh_from_db()
    assert application.scores == {"conversion": 30, "growth": 14}
    assert application.precheck["score_low"] == application.precheck["score_high"] == 72
    assert application.verdict == "pass"


def test_renamed_exe_upload_is_refused_and_nothing_is_stored(client, owner, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(owner)
    application = create_application(client)
    exe = SimpleUploadedFile("申报书.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    response = client.post(
        reverse("enterprises:attachment_add", args=[application.pk]),
        {"description": "申报书", "file": exe},
    )
    assert response.status_code == 400
    assert "文件内容不是允许的类型" in response.content.decode()
    assert not Attachment.objects.exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_attachment_is_stored_under_a_server_name_and_downloaded_with_its_own(client, owner):
    client.force_login(owner)
    application = create_application(client)
    client.post(
        reverse("enterprises:attachment_add", args=[application.pk]),
        {"description": "营业执照", "file": pdf("../../营业执照.PDF")},
    )
    attachment = Attachment.objects.get()
    assert (
        attachment.file.name.startswith("applications/") and "营业执照" not in attachment.file.name
    )
    response = client.get(reverse("enterprises:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


# ---- staff pages -----------------------------------------------------------------------


def test_enterprise_list_filters_and_query_count(client, staff, django_assert_num_queries, town):
    other_town = Town.objects.exclude(pk=town.pk).first()
    Enterprise.objects.bulk_create(
        Enterprise(
            credit_code=make_credit_code(3000 + n),
            name=f"企业{n:03d}",
            town=town if n % 2 else other_town,
        )
        for n in range(120)
    )
    client.force_login(staff)
    url = reverse("enterprises:list")

    def count(per_page):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, {"per_page": per_page})
        assert response.status_code == 200
        assert len(response.context["page"].object_list) == per_page
        return len(ctx.captured_queries)

    assert count(20) == count(100)
    response = client.get(url, {"town": town.pk})
    assert response.context["paginator"].count == 60
    response = client.get(url, {"q": "企业007"})
    assert [e.name for e in response.context["page"]] == ["企业007"]
    response = client.get(url, {"q": make_credit_code(3008)[-6:]})
    assert response.context["paginator"].count >= 1


def test_enterprise_list_filter_by_qualification_and_institution(
    client, staff, enterprise, other_enterprise
):
    from datetime import date

    from enterprises.models import Qualification, RDInstitution

    Qualification.objects.create(
        enterprise=enterprise, kind="hnte", level="national", recognized_on=date(2023, 1, 1)
    )
    RDInstitution.objects.create(
        enterprise=other_enterprise,
        name="研究院",
        kind="institute",
        level="provincial",
        recognized_on=date(2023, 1, 1),
    )
    client.force_login(staff)
    url = reverse("enterprises:list")
    assert [e.pk for e in client.get(url, {"qualification": "hnte"}).context["page"]] == [
        enterprise.pk
    ]
    assert [e.pk for e in client.get(url, {"institution": "institute"}).context["page"]] == [
        other_enterprise.pk
    ]
    assert client.get(url, {"level": "provincial"}).context["paginator"].count == 1


def test_enterprise_list_counts_per_row_without_grouping_the_registry(
    client, staff, owner, enterprise, other_enterprise
):
    from datetime import date

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from enterprises.models import Qualification, RDInstitution

    for kind in ("hnte", "tech_sme"):
        Qualification.objects.create(
            enterprise=enterprise, kind=kind, level="national", recognized_on=date(2023, 1, 1)
        )
    RDInstitution.objects.create(
        enterprise=enterprise,
        name="研究院",
        kind="institute",
        level="provincial",
        recognized_on=date(2023, 1, 1),
    )
    client.force_login(staff)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("enterprises:list"))
    rows = {e.pk: e for e in response.context["page"]}
    assert (rows[enterprise.pk].qualification_count, rows[enterprise.pk].institution_count) == (
        2,
        1,
    )
    assert rows[enterprise.pk].has_users and not rows[other_enterprise.pk].has_users
    assert (
        rows[other_enterprise.pk].qualification_count,
        rows[other_enterprise.pk].institution_count,
    ) == (0, 0)
    # the page count is a plain COUNT(*): a GROUP BY over the joins read the whole registry
    counts = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert counts and not [sql for sql in counts if "GROUP BY" in sql]


def test_enterprise_detail_gathers_everything(client, staff, owner, enterprise):
    from datetime import date

    from enterprises.models import Qualification
    from patents.models import Patent

    Qualification.objects.create(
        enterprise=enterprise, kind="hnte", level="national", recognized_on=date(2023, 1, 1)
    )
    client.force_login(owner)
    create_application(client)
    client.force_login(staff)
    page = client.get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
    assert (
        "高新技术企业" in page and "2024年高新技术企业认定（首次认定）" in page and "owner" in page
    )
    assert Patent._meta.get_field("enterprise")  # patents and projects are listed from their FKs


def test_staff_edits_verified_fields_with_an_override_reason(client, staff, enterprise):
    client.force_login(staff)
    legacy = make_credit_code(4242)[:-1] + ("0" if make_credit_code(4242)[-1] != "0" else "1")
    data = {"credit_code": legacy, "name": "新名称", "town": enterprise.town_id}
    response = client.post(reverse("enterprises:edit", args=[enterprise.pk]), data)
    assert "校验位不正确" in response.context["form"].errors["credit_code"][0]
    response = client.post(
        reverse("enterprises:edit", args=[enterprise.pk]),
        {**data, "credit_code_override": "2015 年试点代码，工商登记如此"},
    )
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.credit_code == legacy and enterprise.name == "新名称"
    assert enterprise.history.first().history_change_reason == "科技局修改"


def test_application_pdf_renders(client, owner):
    client.force_login(owner)
    application = create_application(client)
    response = client.get(reverse("enterprises:application_pdf", args=[application.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_staff_decline_needs_a_reason(client, staff, town):
    account = services.request_account(
        credit_code=make_credit_code(6001),
        password="x-Password-1",
        enterprise_name="甲",
        town=town,
        contact="乙",
        phone="1",
        email="a@example.com",
        username="jia",
        licence=licence(),
    )
    client.force_login(staff)
    client.post(reverse("enterprises:account_decline", args=[account.pk]), {"note": " "})
    account.refresh_from_db()
    assert account.status == "pending"
    client.post(
        reverse("enterprises:account_decline", args=[account.pk]), {"note": "代码与名称不符"}
    )
    account.refresh_from_db()
    assert account.status == "declined" and account.handled_by == staff
    assert "代码与名称不符" in client.get(reverse("enterprises:account_requests")).content.decode()


@pytest.mark.parametrize("model", ["enterprise", "qualification", "rdinstitution"])
def test_admin_offers_each_layouts_import_template(client, make_user, model):
    admin = make_user("admin", "root", is_superuser=True)
    client.force_login(admin)
    response = client.get(reverse(f"admin:enterprises_{model}_import_template"))
    assert response.status_code == 200
    assert response.content[:2] == b"PK"  # an xlsx workbook


def test_staff_invite_a_user_who_sets_their_own_password(client, staff, enterprise):
    client.force_login(staff)
    response = client.post(
        reverse("enterprises:invite", args=[enterprise.pk]),
        {"username": "caiwu", "name": "赵会计", "email": "zhao@example.com"},
    )
    assert response.status_code == 302
    user = User.objects.get(username="caiwu")
    assert user.enterprise == enterprise and user.role == "enterprise"
    assert not user.has_usable_password()
    assert any("zhao@example.com" in m.to for m in mail.outbox)
    response = client.post(
        reverse("enterprises:invite", args=[enterprise.pk]),
        {"username": "caiwu", "name": "重复", "email": "x@example.com"},
    )
    assert User.objects.filter(username="caiwu").count() == 1


def test_review_queue_filters_and_query_count(client, staff, owner, enterprise):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    Application.objects.bulk_create(
        Application(
            enterprise=enterprise,
            kind="hnte" if n % 2 else "tech_sme",
            year=2024,
            status="submitted",
            verdict="pass",
            created_by=owner,
        )
        for n in range(110)
    )
    client.force_login(staff)
    url = reverse("enterprises:review_queue")

    def queries(per_page):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, {"per_page": per_page})
        assert len(response.context["page"].object_list) == per_page
        return len(ctx.captured_queries)

    assert queries(20) == queries(100)
    assert client.get(url, {"kind": "hnte"}).context["paginator"].count == 55
    assert client.get(url, {"q": enterprise.credit_code}).context["paginator"].count == 110
    assert client.get(url, {"status": "approved"}).context["paginator"].count == 0


def test_leader_reads_the_registry_but_not_the_applications(client, make_user, owner, enterprise):
    client.force_login(owner)
    application = create_application(client)
    leader = make_user("leader", "boss")
    client.force_login(leader)
    page = client.get(reverse("enterprises:detail", args=[enterprise.pk]))
    assert page.status_code == 200 and application.title not in page.content.decode()
    detail = reverse("enterprises:application_detail", args=[application.pk])
    assert client.get(detail).status_code == 403


def test_live_precheck_pane_while_filling(client, owner):
    client.force_login(owner)
    url = reverse("enterprises:precheck_live", args=["hnte"])
    body = client.post(url, hnte_post()).content.decode()
    assert "预审结果" in body and "研发费用 720.00万元" in body
    body = client.post(url, hnte_post(rd_domestic="9999")).content.decode()
    assert "预审需要完整、正确的数据" in body and "近三年在中国境内发生的研发费用合计" in body
    assert not Application.objects.exists()
    form = client.get(reverse("enterprises:application_new", args=["hnte"])).content.decode()
    assert f'hx-post="{url}"' in form
