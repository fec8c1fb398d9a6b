"""三员分立: the system administrator, the security administrator and the security auditor are
separate people, none doing the others' work, and the superuser flag gives nothing (the access
matrix checks every page for every role with and without the flag; this file checks the rest:
model permissions, the admin's user pages, the security page, the auditor's reach, the
first-administrator command, the demo accounts)."""

import io
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from kejiju.choices import AuditAction, Role
from kejiju.models import AuditEvent, User
from kejiju.navigation import flat_menu_for
from kejiju.permissions import NO_ROLE_MESSAGE

pytestmark = pytest.mark.django_db


@pytest.fixture
def security(make_user):
    return make_user(Role.SECURITY_ADMIN, username="security-user")


@pytest.fixture
def root(make_user):
    """A superuser without a role, as createsuperuser makes one."""
    return make_user("", username="root", is_superuser=True)


def labels(user) -> set[str]:
    return {entry["label"] for entry in flat_menu_for(user)}


# ---- the role decides, never the flag --------------------------------------------------------


def test_has_role_ignores_the_superuser_flag(make_user, root):
    admin = make_user(Role.ADMIN, username="root-admin", is_superuser=True)
    assert not root.has_role(*Role.values)
    assert admin.has_role(Role.ADMIN)
    assert not admin.has_role(Role.AUDITOR, Role.SECURITY_ADMIN, Role.STAFF)
    assert not root.is_bureau_staff and not root.is_staff


def test_createsuperuser_makes_an_account_that_can_do_nothing(client, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Gen-Root-2026!x")
    call_command(
        "createsuperuser",
        interactive=False,
        username="root",
        email="root@example.com",
        stdout=io.StringIO(),
    )
    user = User.objects.get(username="root")
    assert user.is_superuser and user.role == "" and not user.is_staff
    assert user.get_all_permissions() == set() and not user.has_perm("kejiju.change_user")
    assert labels(user) == set()
    client.force_login(user)
    home = client.get("/")
    assert home.status_code == 403 and NO_ROLE_MESSAGE in home.content.decode()
    for url in ("/audit/", "/audit/?export=xlsx", "/security/", "/staff/", "/projects/"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert NO_ROLE_MESSAGE in response.content.decode(), url
    assert client.get("/admin/")["Location"].startswith(reverse("admin:login"))
    assert client.get(reverse("password_change")).status_code == 200


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SECURITY_ADMIN, Role.STAFF, Role.LEADER])
def test_no_one_but_the_auditor_reads_or_exports_the_audit_log_superuser_or_not(
    make_user, login, role
):
    client = login(make_user(role, username=f"super-{role}", is_superuser=True))
    for query in ({}, {"export": "xlsx"}):
        response = client.get("/audit/", query)
        assert response.status_code == 403, (role, query)
        assert "需要角色：安全审计员" in response.content.decode()


# ---- the auditor: the audit log and nothing else -----------------------------------------------


def test_the_auditor_has_the_audit_log_and_nothing_else(login, users):
    auditor = users[Role.AUDITOR]
    assert labels(auditor) == {"审计日志"}
    client = login(auditor)
    assert "科技项目" not in client.get("/audit/").content.decode()
    for url in (
        "/projects/",
        "/projects/?export=xlsx",
        "/projects/calls/",
        "/projects/commissioners/",
        "/patents/",
        "/enterprises/",
        "/reports/",
        "/security/",
    ):
        assert client.get(url).status_code == 403, url
    assert client.get("/admin/")["Location"].startswith(reverse("admin:login"))
    assert auditor.get_all_permissions() == set()
    assert client.get("/audit/?export=xlsx").status_code == 200


def test_a_group_gives_the_auditor_nothing(users):
    auditor = users[Role.AUDITOR]
    group = Group.objects.create(name="全部权限")
    group.permissions.set(Permission.objects.all())
    auditor.groups.add(group)
    auditor = User.objects.get(pk=auditor.pk)
    assert auditor.get_all_permissions() == set()


# ---- model permissions by role ---------------------------------------------------------------


def test_each_role_holds_the_model_permissions_of_its_duty(make_user, users, security):
    admin = User.objects.get(pk=users[Role.ADMIN].pk)
    assert admin.has_perms(["kejiju.change_user", "kejiju.change_town", "patents.change_patent"])
    assert not any(p.startswith("axes.") for p in admin.get_all_permissions())
    assert not admin.has_perm("kejiju.view_auditevent")
    assert not admin.has_module_perms("axes")

    assert security.has_perms(["axes.view_accessattempt", "axes.delete_accessattempt"])
    assert all(p.startswith("axes.") for p in security.get_all_permissions())
    assert not security.has_perm("kejiju.change_user")

    for role in (Role.LEADER, Role.ENTERPRISE, Role.EXPERT, Role.AUDITOR):
        assert users[role].get_all_permissions() == set(), role


def test_staff_get_what_a_group_grants_but_never_accounts_or_lockouts(users):
    staff = users[Role.STAFF]
    group = Group.objects.create(name="专利维护")
    group.permissions.set(
        Permission.objects.filter(
            Q(content_type__app_label__in=("patents", "axes", "auth"))
            | Q(codename__in=("change_user", "view_auditevent"))
        )
    )
    staff.groups.add(group)
    staff = User.objects.get(pk=staff.pk)
    assert staff.has_perm("patents.change_patent")
    assert not staff.has_perm("kejiju.change_user")
    assert not staff.has_perm("auth.change_group")
    assert not staff.has_perm("axes.delete_accessattempt")
    assert not staff.has_perm("kejiju.view_auditevent")


def test_the_superuser_flag_adds_no_model_permission(make_user):
    plain = make_user(Role.SECURITY_ADMIN, username="sec-plain")
    flagged = make_user(Role.SECURITY_ADMIN, username="sec-flagged", is_superuser=True)
    assert flagged.get_all_permissions() == plain.get_all_permissions()
    assert not flagged.has_perm("kejiju.change_user")


# ---- the admin site: the system administrator's user pages -------------------------------------


def test_the_system_administrator_neither_gives_nor_edits_the_other_duties(login, users, security):
    client = login(users[Role.ADMIN])
    add_page = client.get(reverse("admin:kejiju_user_add")).content.decode()
    assert 'value="admin"' in add_page
    assert 'value="security_admin"' not in add_page and 'value="auditor"' not in add_page
    change_page = client.get(reverse("admin:kejiju_user_change", args=[users[Role.STAFF].pk]))
    assert change_page.status_code == 200
    assert 'name="is_superuser"' not in change_page.content.decode()
    assert 'name="is_staff"' not in change_page.content.decode()

    for account in (users[Role.AUDITOR], security):
        # seen, not changed: no password, no role, no state
        view = client.get(reverse("admin:kejiju_user_change", args=[account.pk]))
        assert view.status_code == 200 and 'name="username"' not in view.content.decode()
        response = client.post(
            reverse("admin:kejiju_user_change", args=[account.pk]),
            {"username": account.username, "role": Role.ADMIN, "is_active": "on"},
        )
        assert response.status_code == 403
        password = reverse("admin:auth_user_password_change", args=[account.pk])
        assert client.get(password).status_code == 403
        assert (
            client.post(
                password, {"password1": "Neue-Mima-2026!", "password2": "Neue-Mima-2026!"}
            ).status_code
            == 403
        )
        version = account.history.earliest()
        revert = reverse("admin:kejiju_user_simple_history", args=[account.pk, version.history_id])
        assert (
            client.post(revert, {"username": account.username, "role": Role.ADMIN}).status_code
            == 403
        )
        account.refresh_from_db()
        assert account.check_password(PASSWORD) and account.role != Role.ADMIN


def test_the_system_administrator_cannot_make_an_auditor(login, users):
    client = login(users[Role.ADMIN])
    response = client.post(
        reverse("admin:kejiju_user_add"),
        {
            "username": "new-auditor",
            "password1": "Neue-Mima-2026!",
            "password2": "Neue-Mima-2026!",
            "usable_password": "true",
            "role": Role.AUDITOR,
        },
    )
    assert response.status_code == 200  # the form again, with the error at the role
    assert not User.objects.filter(username="new-auditor").exists()


def test_the_security_administrator_sees_only_the_lockout_records_in_the_admin(login, security):
    client = login(security)
    index = client.get(reverse("admin:index")).content.decode()
    assert "/admin/axes/accessattempt/" in index
    assert "/admin/kejiju/user/" not in index
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 200
    assert client.get(reverse("admin:kejiju_user_changelist")).status_code == 403


# ---- the security page ------------------------------------------------------------------------


def lock(username: str, failures: int = 5) -> AccessAttempt:
    return AccessAttempt.objects.create(
        username=username,
        ip_address="10.0.0.7",
        user_agent="test",
        http_accept="*/*",
        path_info="/accounts/login/",
        get_data="",
        post_data="",
        failures_since_start=failures,
    )


def test_the_security_page_lists_accounts_with_their_lock_state_and_the_policy(
    login, users, security, settings
):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    lock(users[Role.STAFF].username)
    lock(users[Role.LEADER].username, failures=2)
    client = login(security)
    page = client.get(reverse("security")).content.decode()
    assert "安全管理" in page and "已锁定" in page
    assert "连续失败 5 次后锁定 30 分钟" in page
    assert "30 分钟无操作自动退出" in page and "90 天" in page
    assert users[Role.AUDITOR].username in page
    locked = client.get(reverse("security"), {"state": "locked"}).context["accounts"]
    assert [account.username for account, _ in locked] == [users[Role.STAFF].username]
    failing = client.get(reverse("security"), {"state": "failing"}).context["accounts"]
    assert {a.username for a, _ in failing} == {
        users[Role.STAFF].username,
        users[Role.LEADER].username,
    }
    assert labels(security) == {"安全管理", "后台管理"}


def test_unlocking_an_account_clears_its_failures_and_is_audited(login, users, security):
    staff = users[Role.STAFF]
    lock(staff.username)
    response = login(security).post(reverse("security_unlock", args=[staff.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("security")
    assert not AccessAttempt.objects.filter(username=staff.username).exists()
    event = AuditEvent.objects.get(action=AuditAction.ACCOUNT_UNLOCKED)
    assert event.user == security and staff.username in event.detail


def test_disabling_an_account_ends_its_use_and_is_audited(login, users, security):
    admin = users[Role.ADMIN]
    admin_client = Client()
    admin_client.force_login(admin)
    assert admin_client.get("/admin/").status_code == 200
    client = login(security)
    assert (
        client.post(reverse("security_active", args=[admin.pk]), {"active": "0"}).status_code == 302
    )
    admin.refresh_from_db()
    assert not admin.is_active
    assert AuditEvent.objects.filter(
        action=AuditAction.ACCOUNT_DISABLED, user=security, detail__contains=admin.username
    ).exists()
    # the open session ends at its next request
    assert admin_client.get("/admin/")["Location"].startswith(reverse("admin:login"))
    client.post(reverse("security_active", args=[admin.pk]), {"active": "1"})
    admin.refresh_from_db()
    assert admin.is_active
    assert AuditEvent.objects.filter(action=AuditAction.ACCOUNT_ENABLED).exists()


def test_the_security_administrator_does_not_disable_their_own_account(login, security):
    client = login(security)
    response = client.post(
        reverse("security_active", args=[security.pk]), {"active": "0"}, follow=True
    )
    assert "不能停用或启用自己的账号" in response.content.decode()
    security.refresh_from_db()
    assert security.is_active


def test_the_security_administrator_reads_no_audit_log_and_no_business_page(login, security):
    client = login(security)
    for url in ("/audit/", "/projects/", "/staff/", "/enterprises/"):
        assert client.get(url).status_code == 403, url
    assert client.get("/")["Location"] == reverse("security")


# ---- manage.py create_admin -------------------------------------------------------------------


def create_admin(*args):
    out = io.StringIO()
    call_command("create_admin", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_create_admin_for_scripts(monkeypatch):
    monkeypatch.setenv("KEJIJU_ADMIN_PASSWORD", "Sys-Admin-2026!x")
    out = create_admin("--noinput", "--role", "admin", "--username", "wangsys", "--name", "王系统")
    assert "已创建系统管理员账号 wangsys" in out
    user = User.objects.get(username="wangsys")
    assert user.role == Role.ADMIN and not user.is_superuser and user.is_staff
    assert user.get_full_name() == "王系统" and user.check_password("Sys-Admin-2026!x")
    assert user.password_changed_at is not None

    with pytest.raises(CommandError, match="系统管理员已有账号（wangsys）"):
        create_admin("--noinput", "--role", "admin", "--username", "lisys")
    create_admin("--noinput", "--role", "admin", "--username", "lisys", "--force")
    assert User.objects.filter(role=Role.ADMIN).count() == 2

    create_admin("--noinput", "--role", "auditor", "--username", "zhaoaudit")
    auditor = User.objects.get(username="zhaoaudit")
    assert auditor.role == Role.AUDITOR and not auditor.is_staff and not auditor.is_superuser


def test_create_admin_refuses_what_it_should(monkeypatch):
    with pytest.raises(CommandError, match="KEJIJU_ADMIN_PASSWORD"):
        create_admin("--noinput", "--role", "admin", "--username", "x1")
    with pytest.raises(CommandError, match="--role"):
        create_admin("--noinput")
    monkeypatch.setenv("KEJIJU_ADMIN_PASSWORD", "12345678")
    with pytest.raises(CommandError, match="密码不符合要求"):
        create_admin("--noinput", "--role", "admin", "--username", "x1")
    monkeypatch.setenv("KEJIJU_ADMIN_PASSWORD", "Sys-Admin-2026!x")
    create_admin(
        "--noinput", "--role", "admin", "--username", "x1", "--email", "one@example.gov.cn"
    )
    with pytest.raises(CommandError, match="三员应由不同人员担任"):
        create_admin(
            "--noinput",
            "--role",
            "auditor",
            "--username",
            "x2",
            "--email",
            "ONE@example.gov.cn",
        )
    with pytest.raises(CommandError, match="已被使用"):
        create_admin("--noinput", "--role", "security_admin", "--username", "X1")
    assert not User.objects.filter(is_superuser=True).exists()


def test_create_admin_asks_for_the_three_roles_in_turn(monkeypatch):
    from kejiju.management.commands import create_admin as command

    answers = iter(["", "王系统", "", "secadmin2", "李安全", "", "", "赵审计", ""])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    monkeypatch.setattr(command.getpass, "getpass", lambda prompt="": "Kejiju-Three-2026!")
    out = create_admin()
    assert out.count("已创建") == 3
    made = dict(User.objects.values_list("username", "role"))
    assert made == {
        "sysadmin": Role.ADMIN,
        "secadmin2": Role.SECURITY_ADMIN,
        "auditor": Role.AUDITOR,
    }
    # a second run finds the three and makes nothing
    again = create_admin()
    assert "没有创建新账号" in again and again.count("跳过") == 3


# ---- the demo accounts -------------------------------------------------------------------------


def test_the_demo_has_a_security_administrator_and_no_superuser(monkeypatch, tmp_path):
    from kejiju import demo

    monkeypatch.setattr(demo, "LOGINS_FILE", tmp_path / "demo-logins.json")
    passwords = demo.load()
    assert "security" in passwords
    assert User.objects.get(username="security").role == Role.SECURITY_ADMIN
    assert not User.objects.filter(is_superuser=True).exists()
    assert {role for _, role, *_ in demo.ACCOUNTS} == set(Role.values)


def test_a_lockout_older_than_the_cool_off_is_not_shown_as_locked(login, users, security):
    attempt = lock(users[Role.STAFF].username)
    AccessAttempt.objects.filter(pk=attempt.pk).update(
        attempt_time=timezone.now() - timedelta(hours=2)
    )
    page = login(security).get(reverse("security"), {"state": "locked"})
    assert list(page.context["accounts"]) == []


def test_an_earlier_createsuperuser_account_becomes_the_system_administrator(make_user):
    """Before the flag stopped counting, createsuperuser gave the default role 局机关工作人员 without
    a section; the migration makes such an account a 系统管理员 and leaves everyone else alone."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("kejiju.migrations.0011_superusers_become_administrators")
    legacy = make_user(Role.STAFF, username="legacy-root", section="", is_superuser=True)
    clerk = make_user(Role.STAFF, username="clerk", is_superuser=True)  # has a section
    nobody = make_user("", username="new-root", is_superuser=True)
    migration.superusers_become_administrators(apps, None)
    for user in (legacy, clerk, nobody):
        user.refresh_from_db()
    assert legacy.role == Role.ADMIN and legacy.is_staff
    assert clerk.role == Role.STAFF and nobody.role == ""
