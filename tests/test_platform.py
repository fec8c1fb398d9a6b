import pytest
from django.conf import settings
from django.urls import reverse

from kejiju.accounts.testing import mark_verified
from kejiju.choices import AuditAction, Role, Section
from kejiju.models import AuditEvent, PlanCategory, TechField, Town

HOMES = {
    Role.STAFF: "/staff/",
    Role.ENTERPRISE: "/enterprise/",
    Role.EXPERT: "/expert/",
    Role.LEADER: "/leader/",
    Role.ADMIN: "/admin/",
    Role.SECURITY_ADMIN: "/security/",
    Role.AUDITOR: "/audit/",
}


@pytest.mark.django_db
def test_reference_data_is_loaded_by_migrations():
    assert Town.objects.count() == 20
    assert Town.objects.filter(name="塘下镇").exists()
    assert PlanCategory.objects.get(code="torch").name == "国家火炬计划"
    assert PlanCategory.objects.filter(legacy=True).count() == 2
    assert TechField.objects.count() == 8


@pytest.mark.parametrize("role", list(HOMES))
def test_each_role_lands_on_its_home(client, users, role):
    from conftest import PASSWORD

    response = client.post(
        reverse("login"), {"username": users[role].username, "password": PASSWORD}
    )
    assert response.status_code == 302
    if role in settings.KEJIJU_OTP_REQUIRED_ROLES:
        # The first login of a privileged role enrols its second factor before any page.
        assert response["Location"].startswith(reverse("otp_setup"))
        mark_verified(client, users[role])
        response = client.get("/")
        assert response.status_code == 302 and response["Location"] == HOMES[role]
        return
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == HOMES[role]


@pytest.mark.django_db
def test_login_page_is_chinese(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="zh-CN">' in content
    assert "用户登录" in content


@pytest.mark.django_db
def test_wrong_password_gets_chinese_message_and_is_audited(client, users):
    response = client.post(
        reverse("login"), {"username": "staff-user", "password": "wrong-password-1"}
    )
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditAction.LOGIN_FAILED, username="staff-user"
    ).exists()


def test_other_roles_page_is_forbidden_and_audited(login, users):
    client = login(users[Role.ENTERPRISE])
    response = client.get("/audit/")
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.PERMISSION_DENIED)
    assert event.user == users[Role.ENTERPRISE]
    assert event.path == "/audit/"


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client):
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_admin_site_is_for_staff_and_admins_only(login, users):
    for role in (Role.STAFF, Role.ADMIN, Role.SECURITY_ADMIN):
        assert login(users[role]).get("/admin/").status_code == 200
    for role in (Role.ENTERPRISE, Role.EXPERT, Role.LEADER, Role.AUDITOR):
        response = login(users[role]).get("/admin/")
        assert response.status_code == 302, role


def test_menu_shows_each_role_only_its_entries(login, users):
    auditor_page = login(users[Role.AUDITOR]).get("/audit/").content.decode()
    assert "审计日志" in auditor_page
    assert "后台管理" not in auditor_page
    staff_page = login(users[Role.STAFF]).get("/staff/").content.decode()
    assert "后台管理" in staff_page
    assert 'href="/audit/"' not in staff_page


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] == "eager"


def test_staff_home_lists_the_work_waiting_of_the_staff_members_section(
    login, users, town, make_user
):
    from datetime import date

    from seismic.models import MonthlyReport, ObservationPoint

    point = ObservationPoint.objects.create(
        code="HG-09", name="测试点", kind="well", location="井", town=town, observer="观测员"
    )
    MonthlyReport.objects.create(
        point=point,
        month=date(2024, 5, 1),
        reported_on=date(2024, 6, 1),
        anomaly=True,
        description="水位异常",
    )
    seismic_clerk = make_user(Role.STAFF, username="seismic-clerk", section=Section.SEISMIC)
    page = login(seismic_clerk).get("/staff/").content.decode()
    assert 'data-testid="worklist"' in page
    assert "宏观观测异常待核实" in page
    # each section's staff get their own section's work only (high_tech staff: no seismic items)
    page = login(users[Role.STAFF]).get("/staff/").content.decode()
    assert 'data-testid="worklist"' in page
    assert "宏观观测异常待核实" not in page


def test_password_change_is_audited_and_audited_users_cannot_be_deleted(login, users):
    from django.db.models import ProtectedError

    staff = users[Role.STAFF]
    client = login(staff)
    from conftest import PASSWORD

    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Xin-Mima-2026!",
            "new_password2": "Xin-Mima-2026!",
        },
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGED, user=staff).exists()
    with pytest.raises(ProtectedError):
        staff.delete()


def test_enterprise_home_lists_its_own_work_only(login, users, enterprise, other_enterprise):
    from enterprises.models import Application

    owner = users[Role.ENTERPRISE]
    for company, status in (
        (enterprise, "returned"),
        (other_enterprise, "returned"),
        (enterprise, "draft"),
    ):
        Application.objects.create(
            enterprise=company,
            kind="hnte",
            year=2024,
            status=status,
            verdict="pass",
            created_by=owner,
        )
    page = login(owner).get("/enterprise/").content.decode()
    assert "被退回修改的认定申报" in page and "尚未提交的申报草稿" in page
    # one returned application is theirs; the other enterprise's is not counted
    import re

    assert re.search(r"被退回修改的认定申报</a>\s*<span[^>]*>1<", page)
    staff_page = login(users[Role.STAFF]).get("/staff/").content.decode()
    assert "被退回修改的认定申报" not in staff_page
