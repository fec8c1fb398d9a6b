"""Enterprise accounts only with the enterprise's consent.

The first account of an enterprise is opened by staff on its 营业执照 (and an 授权委托书 when the
applicant is not the legal representative) and becomes the enterprise's administrator; anyone
else joins only when that administrator agrees, or when staff open it with a recorded reason;
every user of the enterprise is told, and the administrator removes users."""

from io import BytesIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from conftest import PASSWORD
from enterprises.models import AccountRequest, Application, Enterprise
from enterprises.tests.factories import PDF_BYTES
from kejiju.choices import AuditAction, Role
from kejiju.codes import make_credit_code
from kejiju.models import AuditEvent, User
from kejiju.notifications.models import Notification

pytestmark = pytest.mark.django_db

PASSWORD_NEW = "Zhuce-2026-abc!"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def licence(name="营业执照.pdf", data=PDF_BYTES, content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def registration(town, code, username="xinren", **changes) -> dict:
    data = {
        "credit_code": code,
        "enterprise_name": "瑞安新注册科技有限公司",
        "town": town.pk,
        "contact": "李四",
        "phone": "13900000000",
        "email": f"{username}@example.com",
        "username": username,
        "password1": PASSWORD_NEW,
        "password2": PASSWORD_NEW,
        "legal_representative": "on",
        "licence": licence(),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def register(town, code, **changes):
    return Client().post(reverse("enterprises:register"), registration(town, code, **changes))


@pytest.fixture
def owner(make_user, enterprise):
    """The enterprise's first user, so its administrator."""
    return make_user(Role.ENTERPRISE, "owner", enterprise=enterprise, email="owner@example.com")


@pytest.fixture
def colleague(make_user, enterprise, owner):
    return make_user(Role.ENTERPRISE, "colleague", enterprise=enterprise, email="col@example.com")


@pytest.fixture
def foreign_admin(make_user, other_enterprise):
    return make_user(Role.ENTERPRISE, "foreign", enterprise=other_enterprise)


@pytest.fixture
def staff(make_user):
    return make_user(Role.STAFF, "clerk")


@pytest.fixture
def join_request(town, enterprise, owner, colleague):
    assert register(town, enterprise.credit_code, username="joiner").status_code == 302
    return AccountRequest.objects.get(username="joiner")


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def cannot_log_in(username: str, password: str = PASSWORD_NEW) -> bool:
    response = Client().post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 200 and "_auth_user_id" not in response.wsgi_request.session


# ---- registration: the documents ----------------------------------------------------------


def test_the_first_user_of_an_enterprise_is_its_administrator(owner, colleague, enterprise):
    enterprise.refresh_from_db()
    assert enterprise.administrator == owner


def test_registration_without_the_licence_is_refused_at_the_field(town, settings):
    response = register(town, make_credit_code(5555), licence=None)
    assert response.status_code == 200
    assert response.context["form"].errors["licence"] == ["请上传企业营业执照（PDF 或图片）。"]
    assert not AccountRequest.objects.exists() and not stored_files(settings)


def test_an_agent_needs_the_authorization(town, settings):
    response = register(town, make_credit_code(5555), legal_representative=None)
    assert response.status_code == 200
    assert "授权委托书" in response.context["form"].errors["authorization"][0]
    assert not AccountRequest.objects.exists() and not stored_files(settings)

    buffer = BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, "PNG")
    authorization = SimpleUploadedFile("委托书.png", buffer.getvalue(), content_type="image/png")
    response = register(
        town, make_credit_code(5555), legal_representative=None, authorization=authorization
    )
    assert response.status_code == 302
    account = AccountRequest.objects.get()
    assert not account.legal_representative
    assert account.licence.name.endswith(".pdf") and account.authorization.name.endswith(".png")
    assert account.licence_name == "营业执照.pdf" and account.authorization_name == "委托书.png"
    assert len(stored_files(settings)) == 2


@pytest.mark.parametrize(
    "upload",
    [
        licence("营业执照.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"),
        licence("营业执照.docx", b"PK\x03\x04not really a package", "application/octet-stream"),
        licence("营业执照.pdf", b"%PDF-1.4\n<html>not a pdf</html>", "application/pdf"),
    ],
    ids=["html", "zip", "pdf-polyglot"],
)
def test_a_licence_that_is_not_a_pdf_or_image_is_refused(town, settings, upload):
    response = register(town, make_credit_code(5555), licence=upload)
    assert response.status_code == 200
    assert response.context["form"].errors["licence"]
    assert not AccountRequest.objects.exists() and not stored_files(settings)


def test_the_database_refuses_an_agent_without_authorization(town):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        AccountRequest.objects.create(
            credit_code=make_credit_code(5555),
            enterprise_name="x",
            town=town,
            contact="x",
            phone="1",
            email="x@example.com",
            username="x",
            password="x",
            legal_representative=False,
        )


# ---- the first account -----------------------------------------------------------------------


def test_staff_open_a_first_account_on_its_licence_and_it_administers(
    town, staff, django_capture_on_commit_callbacks
):
    code = make_credit_code(5555)
    assert register(town, code).status_code == 302
    account = AccountRequest.objects.get()
    assert cannot_log_in("xinren")

    page = as_user(staff).get(reverse("enterprises:account_requests")).content.decode()
    assert "新建企业" in page and reverse("enterprises:account_licence", args=[account.pk]) in page

    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(staff).post(reverse("enterprises:account_activate", args=[account.pk]))
    assert response.status_code == 302
    account.refresh_from_db()
    enterprise = Enterprise.objects.get(credit_code=code)
    assert account.status == "activated" and account.consent == "first"
    assert enterprise.administrator == account.user
    assert AuditEvent.objects.filter(
        action=AuditAction.ACCOUNT_ENABLED, user=staff, detail__contains="首个账号"
    ).exists()
    assert not cannot_log_in("xinren")


def test_an_old_request_without_licence_cannot_open_a_first_account(town, staff):
    account = AccountRequest.objects.create(
        credit_code=make_credit_code(5555),
        enterprise_name="旧申请",
        town=town,
        contact="x",
        phone="1",
        email="x@example.com",
        username="jiushenqing",
        password="x",
    )
    response = as_user(staff).post(
        reverse("enterprises:account_activate", args=[account.pk]), follow=True
    )
    assert "没有上传营业执照" in response.content.decode()
    account.refresh_from_db()
    assert account.status == "pending" and not User.objects.filter(username="jiushenqing").exists()


def test_the_documents_are_served_to_staff_only_as_attachments(town, staff, owner, settings):
    register(town, make_credit_code(5555))
    account = AccountRequest.objects.get()
    url = reverse("enterprises:account_licence", args=[account.pk])
    response = as_user(staff).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert as_user(owner).get(url).status_code == 403
    assert Client().get(url).status_code == 302  # to the login page
    # no 授权委托书 uploaded: nothing to serve
    no_file = reverse("enterprises:account_authorization", args=[account.pk])
    assert as_user(staff).get(no_file).status_code == 404


# ---- joining an enterprise that has users ----------------------------------------------------


def test_a_join_request_gives_no_access_until_the_administrator_agrees(
    join_request, owner, colleague, enterprise, staff
):
    """Knowing the credit code is not enough: the request is pending, no account exists, the
    applicant cannot log in, and staff cannot open it in one click."""
    assert cannot_log_in("joiner")
    assert not User.objects.filter(username="joiner").exists()
    # the administrator is told there is a request, the other users are not (yet)
    told = Notification.objects.filter(kind="enterprises.join_requested")
    assert list(told.values_list("recipient__username", flat=True)) == ["owner"]

    # staff's queue says it joins an enterprise and lists its users
    page = as_user(staff).get(reverse("enterprises:account_requests")).content.decode()
    assert "加入已有企业" in page and "owner" in page and "colleague" in page

    # staff opening it without a reason: the answer is at the field, nothing is written
    response = as_user(staff).post(reverse("enterprises:account_activate", args=[join_request.pk]))
    assert response.status_code == 400
    assert "必须填写理由" in response.content.decode()
    assert 'data-testid="reason-error"' in response.content.decode()
    join_request.refresh_from_db()
    assert join_request.status == "pending" and join_request.user is None
    assert not User.objects.filter(username="joiner").exists()
    assert not AuditEvent.objects.filter(action=AuditAction.ACCOUNT_ENABLED).exists()
    assert cannot_log_in("joiner")


def test_the_administrator_agrees_and_every_user_is_told(
    join_request, owner, colleague, enterprise, django_capture_on_commit_callbacks
):
    client = as_user(owner)
    page = client.get(reverse("enterprises:profile")).content.decode()
    assert "待您同意的加入申请" in page and "joiner" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("enterprises:join_approve", args=[join_request.pk]))
    assert response.status_code == 302
    join_request.refresh_from_db()
    joiner = User.objects.get(username="joiner")
    assert join_request.status == "activated" and join_request.consent == "admin"
    assert join_request.handled_by == owner and join_request.user == joiner
    assert joiner.enterprise == enterprise and joiner.is_active
    enterprise.refresh_from_db()
    assert enterprise.administrator == owner  # unchanged

    joined = Notification.objects.filter(kind="enterprises.member_joined")
    assert sorted(joined.values_list("recipient__username", flat=True)) == ["colleague", "owner"]
    assert all("joiner" in n.text for n in joined)
    subjects = {(m.to[0], m.subject) for m in mail.outbox}
    assert ("owner@example.com", "【科技局】本企业新增平台用户") in subjects
    assert ("col@example.com", "【科技局】本企业新增平台用户") in subjects
    assert ("joiner@example.com", "【科技局】企业账号已开通") in subjects
    assert AuditEvent.objects.filter(
        action=AuditAction.ACCOUNT_ENABLED, user=owner, detail__contains="joiner"
    ).exists()
    assert not cannot_log_in("joiner")


def test_only_the_enterprises_own_administrator_decides(
    join_request, owner, colleague, foreign_admin, staff
):
    approve = reverse("enterprises:join_approve", args=[join_request.pk])
    decline = reverse("enterprises:join_decline", args=[join_request.pk])
    # another enterprise's administrator, and a plain user of this one: not found
    for user in (foreign_admin, colleague):
        assert as_user(user).post(approve).status_code == 404
        assert as_user(user).post(decline, {"note": "不认识"}).status_code == 404
        page = as_user(user).get(reverse("enterprises:profile")).content.decode()
        assert "joiner" not in page
    # staff decide on the queue, not here
    assert as_user(staff).post(approve).status_code == 403
    join_request.refresh_from_db()
    assert join_request.status == "pending" and not User.objects.filter(username="joiner").exists()


def test_the_administrator_declines_with_a_reason(
    join_request, owner, django_capture_on_commit_callbacks
):
    url = reverse("enterprises:join_decline", args=[join_request.pk])
    response = as_user(owner).post(url, {"note": "  "})
    assert response.status_code == 400
    assert "这个字段是必填项" in response.content.decode()
    join_request.refresh_from_db()
    assert join_request.status == "pending"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert as_user(owner).post(url, {"note": "非本企业人员"}).status_code == 302
    join_request.refresh_from_db()
    assert join_request.status == "declined" and join_request.handled_by == owner
    assert not User.objects.filter(username="joiner").exists()
    assert any("非本企业人员" in m.body for m in mail.outbox if m.to == ["joiner@example.com"])


def test_staff_open_a_join_only_with_a_recorded_reason(
    join_request, owner, colleague, staff, django_capture_on_commit_callbacks
):
    url = reverse("enterprises:account_activate", args=[join_request.pk])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(staff).post(url, {"reason": "企业管理员已离职，经企业来函确认"})
    assert response.status_code == 302
    join_request.refresh_from_db()
    assert join_request.status == "activated" and join_request.consent == "override"
    assert join_request.note == "企业管理员已离职，经企业来函确认"
    event = AuditEvent.objects.get(action=AuditAction.ACCOUNT_ENABLED, user=staff)
    assert "未经企业管理员同意" in event.detail and "企业来函确认" in event.detail
    joined = Notification.objects.filter(kind="enterprises.member_joined")
    assert sorted(joined.values_list("recipient__username", flat=True)) == ["colleague", "owner"]
    assert {m.to[0] for m in mail.outbox if "新增平台用户" in m.subject} == {
        "owner@example.com",
        "col@example.com",
    }
    page = as_user(staff).get(reverse("enterprises:account_requests")).content.decode()
    assert "科技局代为开通（已记录理由）" in page


def test_staff_invite_into_an_enterprise_with_users_needs_a_reason(
    owner, enterprise, staff, django_capture_on_commit_callbacks
):
    url = reverse("enterprises:invite", args=[enterprise.pk])
    data = {"username": "yaoqing", "name": "王五", "email": "wang@example.com"}
    response = as_user(staff).post(url, data, follow=True)
    assert "必须填写理由" in response.content.decode()
    assert not User.objects.filter(username="yaoqing").exists()
    with django_capture_on_commit_callbacks(execute=True):
        as_user(staff).post(url, {**data, "reason": "企业书面申请"})
    assert User.objects.filter(username="yaoqing", enterprise=enterprise).exists()
    assert Notification.objects.filter(kind="enterprises.member_joined", recipient=owner).exists()
    assert AuditEvent.objects.filter(detail__contains="企业书面申请").exists()


# ---- the enterprise's users: removal and hand-over -------------------------------------------


def test_the_administrator_removes_a_user_who_then_cannot_log_in(
    owner, colleague, make_user, enterprise, django_capture_on_commit_callbacks
):
    make_user(Role.ENTERPRISE, "third", enterprise=enterprise, email="third@example.com")
    removed = as_user(colleague)
    assert removed.get(reverse("enterprises:my_applications")).status_code == 200
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(owner).post(reverse("enterprises:member_remove", args=[colleague.pk]))
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert not colleague.is_active
    # the open session ends, and the password no longer logs in
    assert removed.get(reverse("enterprises:my_applications")).status_code == 302
    assert cannot_log_in("colleague", PASSWORD)
    told = Notification.objects.filter(kind="enterprises.member_removed")
    assert sorted(told.values_list("recipient__username", flat=True)) == ["owner", "third"]
    assert "col@example.com" in {m.to[0] for m in mail.outbox}
    assert AuditEvent.objects.filter(
        action=AuditAction.ACCOUNT_DISABLED, user=owner, detail__contains="colleague"
    ).exists()
    page = as_user(owner).get(reverse("enterprises:profile")).content.decode()
    assert "已移除" in page


def test_removal_only_by_the_own_administrator_and_never_oneself(
    owner, colleague, foreign_admin, staff, enterprise
):
    url = reverse("enterprises:member_remove", args=[colleague.pk])
    assert as_user(foreign_admin).post(url).status_code == 404
    assert (
        as_user(colleague).post(reverse("enterprises:member_remove", args=[owner.pk])).status_code
        == 403
    )
    assert as_user(staff).post(url).status_code == 403
    assert (
        as_user(owner).post(reverse("enterprises:member_remove", args=[owner.pk])).status_code
        == 404
    )
    assert User.objects.filter(pk__in=[owner.pk, colleague.pk], is_active=True).count() == 2


def test_every_user_sees_the_users_the_administrator_has_the_buttons(owner, colleague):
    admin_page = as_user(owner).get(reverse("enterprises:profile")).content.decode()
    plain_page = as_user(colleague).get(reverse("enterprises:profile")).content.decode()
    remove = reverse("enterprises:member_remove", args=[colleague.pk])
    assert remove in admin_page and "企业管理员" in admin_page
    assert "owner" in plain_page and "colleague" in plain_page
    assert "member_remove" not in plain_page and "/remove/" not in plain_page
    assert "待您同意的加入申请" not in plain_page


def test_the_administrator_hands_over(join_request, owner, colleague, enterprise):
    client = as_user(owner)
    assert (
        client.post(reverse("enterprises:member_hand_over", args=[colleague.pk])).status_code == 302
    )
    enterprise.refresh_from_db()
    assert enterprise.administrator == colleague
    assert enterprise.history.first().history_change_reason.startswith("企业管理员由 owner")
    assert Notification.objects.filter(kind="enterprises.admin_handed_over").count() == 2
    # the former administrator is a plain user now; the new one decides
    approve = reverse("enterprises:join_approve", args=[join_request.pk])
    assert client.post(approve).status_code == 404
    assert as_user(colleague).post(approve).status_code == 302
    assert User.objects.filter(username="joiner", enterprise=enterprise).exists()


def test_a_plain_user_cannot_hand_over(owner, colleague, enterprise, foreign_admin):
    assert (
        as_user(colleague)
        .post(reverse("enterprises:member_hand_over", args=[owner.pk]))
        .status_code
        == 403
    )
    assert (
        as_user(foreign_admin)
        .post(reverse("enterprises:member_hand_over", args=[colleague.pk]))
        .status_code
        == 404
    )
    enterprise.refresh_from_db()
    assert enterprise.administrator == owner


def test_an_approved_joiner_reads_the_enterprise_a_pending_one_nothing(
    join_request, owner, enterprise
):
    assert not User.objects.filter(username="joiner").exists()
    as_user(owner).post(reverse("enterprises:join_approve", args=[join_request.pk]))
    joiner = User.objects.get(username="joiner")
    assert as_user(joiner).get(reverse("enterprises:my_applications")).status_code == 200
    assert list(Application.objects.visible_to(joiner)) == list(
        Application.objects.filter(enterprise=enterprise)
    )


def test_the_administrators_worklist_counts_the_requests(join_request, owner, colleague):
    home = reverse("enterprise_home")
    page = as_user(owner).get(home).content.decode()
    assert "待您同意的加入本企业申请" in page
    assert "待您同意的加入本企业申请" not in as_user(colleague).get(home).content.decode()
