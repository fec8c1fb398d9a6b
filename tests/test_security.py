"""The security baseline of issue 2: lockout, audit log access, passwords, idle sessions, error
pages, production settings."""

import os
import runpy
import secrets
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.test import Client
from django.utils import timezone, translation

from conftest import PASSWORD
from kejiju.choices import AuditAction, Role
from kejiju.middleware import LAST_SEEN_KEY
from kejiju.models import AuditEvent

ROOT = Path(__file__).resolve().parent.parent
LOGIN = "/accounts/login/"


def attempt(client, username, password, address="10.0.0.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


# Lockout ----------------------------------------------------------------------------------------


def test_sixth_attempt_is_refused_even_with_the_right_password(client, users, login):
    staff = users[Role.STAFF]
    for _ in range(5):
        response = attempt(client, staff.username, "wrong-password-1")
    response = attempt(client, staff.username, PASSWORD)

    assert response.status_code == 429
    page = response.content.decode()
    assert "账户已被临时锁定" in page
    assert "30 分钟后重试" in page
    assert "_auth_user_id" not in client.session

    # The same user from another address, and another user from this one, are not locked.
    assert attempt(Client(), staff.username, PASSWORD, address="10.0.0.8").status_code == 302
    assert attempt(Client(), users[Role.LEADER].username, PASSWORD).status_code == 302

    failures = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, username=staff.username)
    assert failures.count() >= 5
    assert set(failures.values_list("ip_address", flat=True)) == {"10.0.0.7"}
    assert AuditEvent.objects.filter(action=AuditAction.LOCKOUT, username=staff.username).exists()

    audit_page = login(users[Role.AUDITOR]).get("/audit/", {"username": staff.username})
    content = audit_page.content.decode()
    assert audit_page.status_code == 200
    assert "登录失败" in content and "账户锁定" in content and "10.0.0.7" in content


def test_cool_off_is_configurable(client, users, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=5)
    for _ in range(6):
        response = attempt(client, users[Role.STAFF].username, "wrong-password-1")
    assert "5 分钟后重试" in response.content.decode()


def test_the_address_behind_a_trusted_proxy_is_the_forwarded_one(client, users, settings):
    settings.KEJIJU_TRUSTED_PROXIES = 1
    client.post(
        LOGIN,
        {"username": "nobody", "password": "wrong-password-1"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9",
    )
    assert AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED).ip_address == "203.0.113.9"


# The audit log ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", [Role.STAFF, Role.ADMIN, Role.LEADER, Role.ENTERPRISE, Role.EXPERT]
)
def test_only_the_auditor_reads_the_audit_log(login, users, role):
    response = login(users[role]).get("/audit/")
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditAction.PERMISSION_DENIED, user=users[role], path="/audit/"
    ).exists()


def test_the_auditor_exports_the_selected_events_with_typed_names_as_text(client, login, users):
    import io

    from openpyxl import load_workbook

    attempt(client, '=HYPERLINK("http://x")', "wrong")
    attempt(client, users[Role.STAFF].username, "wrong")
    auditor = login(users[Role.AUDITOR])
    page = auditor.get("/audit/", {"action": AuditAction.LOGIN_FAILED}).content.decode()
    assert "导出 Excel" in page

    response = auditor.get("/audit/", {"action": AuditAction.LOGIN_FAILED, "export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["时间", "事件", "用户名", "IP 地址", "访问路径", "浏览器", "说明"]
    assert {row[1] for row in rows[1:]} == {"登录失败"}
    assert sorted(row[2] for row in rows[1:]) == sorted(
        ['\'=HYPERLINK("http://x")', users[Role.STAFF].username]
    )
    assert all(row[3] == "10.0.0.7" for row in rows[1:])


def test_the_admin_site_does_not_expose_the_audit_log(login, users):
    admin = login(users[Role.ADMIN])
    assert admin.get("/admin/").status_code == 200
    assert "审计日志" not in admin.get("/admin/").content.decode()
    for url in ("/admin/kejiju/auditevent/", "/admin/kejiju/auditevent/1/delete/"):
        assert admin.get(url).status_code == 404


def test_audit_events_cannot_be_changed_or_deleted(users):
    event = AuditEvent.objects.create(action=AuditAction.LOGIN, username="x")
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


def test_login_and_logout_are_audited(client, users):
    attempt(client, users[Role.LEADER].username, PASSWORD)
    client.post("/accounts/logout/")
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {AuditAction.LOGIN, AuditAction.LOGOUT} <= actions


# Passwords --------------------------------------------------------------------------------------


@pytest.mark.django_db
@translation.override("zh-hans")
def test_password_policy_by_default():
    with pytest.raises(ValidationError, match="至少 10 个字符"):
        validate_password("Ab1!short")
    with pytest.raises(ValidationError, match="太常见"):
        validate_password("1234567890")
    validate_password("lowercaseonlywords")  # no complexity rule by default


@pytest.mark.django_db
@translation.override("zh-hans")
def test_password_complexity_can_be_switched_on(settings):
    settings.AUTH_PASSWORD_VALIDATORS = [
        *settings.AUTH_PASSWORD_VALIDATORS,
        {"NAME": "kejiju.validators.ComplexityValidator"},
    ]
    with pytest.raises(ValidationError, match="三类"):
        validate_password("lowercaseonlywords")
    validate_password("Lower-and-UPPER-2026")


def test_complexity_setting_reads_the_environment(monkeypatch):
    monkeypatch.setenv("KEJIJU_PASSWORD_COMPLEXITY", "1")
    fresh = runpy.run_path(str(ROOT / "kejiju" / "settings.py"))
    assert fresh["AUTH_PASSWORD_VALIDATORS"][-1]["NAME"] == "kejiju.validators.ComplexityValidator"


def test_password_rotation_is_off_by_default(login, users):
    users[Role.STAFF].password_changed_at = timezone.now() - timedelta(days=3650)
    users[Role.STAFF].save()
    assert login(users[Role.STAFF]).get("/staff/").status_code == 200


def test_an_expired_password_must_be_changed_first(login, users, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    staff = users[Role.STAFF]
    staff.password_changed_at = timezone.now() - timedelta(days=91)
    staff.save()
    client = login(staff)

    response = client.get("/staff/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/password/change/"
    page = response.content.decode()
    assert "修改密码" in page and "已超过 90 天未修改" in page

    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert response.status_code == 200
    assert "至少 10 个字符" in response.content.decode()

    new = "Kejiju-new-pass-2027"
    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        follow=True,
    )
    assert "密码已修改" in response.content.decode()
    assert client.get("/staff/").status_code == 200


# Idle sessions ----------------------------------------------------------------------------------


def idle_for(client, seconds: int) -> None:
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - seconds
    session.save()


def test_an_idle_session_is_ended_with_a_message(client, users, settings):
    attempt(client, users[Role.STAFF].username, PASSWORD)
    assert client.get("/staff/").status_code == 200
    idle_for(client, settings.SESSION_IDLE_TIMEOUT + 60)

    response = client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/staff/")
    page = client.get(response["Location"]).content.decode()
    assert "30 分钟未操作" in page and "已自动退出" in page
    assert client.get("/staff/").status_code == 302
    assert AuditEvent.objects.filter(
        action=AuditAction.SESSION_EXPIRED, user=users[Role.STAFF]
    ).exists()


def test_a_session_used_within_the_limit_stays(client, users, settings):
    attempt(client, users[Role.STAFF].username, PASSWORD)
    idle_for(client, settings.SESSION_IDLE_TIMEOUT - 60)
    assert client.get("/staff/").status_code == 200
    assert not AuditEvent.objects.filter(action=AuditAction.SESSION_EXPIRED).exists()


# Error pages ------------------------------------------------------------------------------------


def test_error_pages_are_chinese_without_debug(login, users, settings):
    settings.DEBUG = False
    client = login(users[Role.ENTERPRISE])
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()

    response = client.get("/staff/")
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()
    assert "需要角色" in response.content.decode()


def test_server_error_page_is_chinese(client, settings):
    from django.template.loader import render_to_string

    page = render_to_string("500.html")
    assert "系统暂时无法处理您的请求" in page and 'lang="zh-hans"' in page


@pytest.mark.django_db
def test_csrf_failure_page_is_chinese():
    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN, {"username": "staff", "password": "x"})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()


# Production settings ----------------------------------------------------------------------------


def test_production_settings_pass_the_deployment_checks():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kejiju.settings_production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "kejiju.example.gov.cn",
        "DATABASE_URL": "postgres://kejiju:secret@127.0.0.1:5432/kejiju",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_require_a_secret_key(monkeypatch):
    monkeypatch.delenv("DJANGO_SECRET_KEY", raising=False)
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "kejiju.example.gov.cn")
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY"):
        runpy.run_module("kejiju.settings_production")


def test_accounts_are_deactivated_not_deleted(login, users):
    admin = login(users[Role.ADMIN])
    leader = users[Role.LEADER]
    AuditEvent.objects.create(action=AuditAction.LOGIN, user=leader, username=leader.username)
    delete_url = f"/admin/kejiju/user/{leader.pk}/delete/"
    response = admin.get(delete_url)
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()
    assert delete_url not in admin.get(f"/admin/kejiju/user/{leader.pk}/change/").content.decode()
