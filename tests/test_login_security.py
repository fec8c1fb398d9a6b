"""Password spraying, registration, 忘记密码 and the second factor (TOTP and backup codes).

Spraying (one address, one password, many user names) is never seen by the lockout, which counts
per user name + address: failures are also counted per address, and over the threshold every
login from that address must answer the picture captcha. The address is not locked out, and the
accounts keep logging in from elsewhere without one.
"""

import io
import re
import runpy
from datetime import timedelta
from pathlib import Path

import pytest
from captcha.models import CaptchaStore
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from enterprises.tests.factories import pdf
from kejiju.choices import AuditAction, Role
from kejiju.models import AuditEvent

ROOT = Path(__file__).resolve().parent.parent
LOGIN = "/accounts/login/"
SPRAYER = "198.51.100.7"
ELSEWHERE = "203.0.113.20"

pytestmark = pytest.mark.django_db


def post_login(client, username, password, address=SPRAYER, **extra):
    return client.post(
        LOGIN, {"username": username, "password": password, **extra}, REMOTE_ADDR=address
    )


def spray(times: int, address: str = SPRAYER) -> None:
    """One password tried against ``times`` different user names from one address."""
    for i in range(times):
        post_login(Client(), f"clerk{i:03d}", "Spring-2026!", address=address)


def captcha_on(page: str) -> tuple[str, str] | None:
    """(hash key, right answer) of the captcha on a login page, or None without one."""
    found = re.search(r'name="captcha_0" value="([0-9a-f]+)"', page)
    if not found:
        return None
    return found.group(1), CaptchaStore.objects.get(hashkey=found.group(1)).response


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# ---- password spraying -------------------------------------------------------------------------


def test_spraying_from_one_address_brings_the_captcha_there_and_nowhere_else(users):
    staff = users[Role.STAFF]
    spray(19)
    assert captcha_on(Client().get(LOGIN, REMOTE_ADDR=SPRAYER).content.decode()) is None
    spray(1)  # the 20th failure from this address, all with different user names

    page = Client().get(LOGIN, REMOTE_ADDR=SPRAYER).content.decode()
    assert captcha_on(page) is not None and "图形验证码" in page
    assert AuditEvent.objects.filter(action=AuditAction.CAPTCHA_REQUIRED).count() == 1
    assert SPRAYER in AuditEvent.objects.get(action=AuditAction.CAPTCHA_REQUIRED).detail

    # The right password alone no longer logs in from that address: not even tried.
    client = Client()
    response = post_login(client, staff.username, PASSWORD)
    assert response.status_code == 200 and not logged_in(client)
    assert "请输入图形验证码" in response.content.decode()
    # A wrong answer is refused too, and the picture is used up (no second try with it).
    key, answer = captcha_on(client.get(LOGIN, REMOTE_ADDR=SPRAYER).content.decode())
    response = post_login(client, staff.username, PASSWORD, captcha_0=key, captcha_1="ZZZZ")
    assert response.status_code == 200 and not logged_in(client)
    assert "图形验证码不正确" in response.content.decode()
    response = post_login(client, staff.username, PASSWORD, captcha_0=key, captcha_1=answer)
    assert not logged_in(client)
    failed = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, username=staff.username)
    assert failed.filter(detail__contains="图形验证码").count() == 3

    # With the answer the person reads from the picture (any case), the login goes through.
    key, answer = captcha_on(client.get(LOGIN, REMOTE_ADDR=SPRAYER).content.decode())
    response = post_login(client, staff.username, PASSWORD, captcha_0=key, captcha_1=answer.upper())
    assert response.status_code == 302 and logged_in(client)

    # The same account from another address: no captcha, no lockout.
    other = Client()
    assert captcha_on(other.get(LOGIN, REMOTE_ADDR=ELSEWHERE).content.decode()) is None
    assert post_login(other, staff.username, PASSWORD, address=ELSEWHERE).status_code == 302
    assert logged_in(other)


def test_the_office_behind_one_address_is_not_locked_out(users):
    """Over the threshold every login from the address needs a captcha, and that is all."""
    spray(25)
    for role in (Role.STAFF, Role.LEADER, Role.ENTERPRISE):
        client = Client()
        key, answer = captcha_on(client.get(LOGIN, REMOTE_ADDR=SPRAYER).content.decode())
        response = post_login(
            client, users[role].username, PASSWORD, captcha_0=key, captcha_1=answer
        )
        assert response.status_code == 302 and logged_in(client), role


def test_threshold_and_window_are_settings(users, settings, monkeypatch):
    settings.KEJIJU_CAPTCHA_AFTER_FAILURES = 3
    settings.KEJIJU_CAPTCHA_WINDOW_MINUTES = 15
    spray(3)
    assert captcha_on(Client().get(LOGIN, REMOTE_ADDR=SPRAYER).content.decode())
    # 16 minutes later the failures have left the window.
    later = timezone.now() + timedelta(minutes=16)
    monkeypatch.setattr("kejiju.accounts.limits.timezone.now", lambda: later)
    assert captcha_on(Client().get(LOGIN, REMOTE_ADDR=SPRAYER).content.decode()) is None
    assert post_login(Client(), users[Role.STAFF].username, PASSWORD).status_code == 302


def test_the_admin_login_page_is_the_same_login(users):
    spray(20)
    page = Client().get("/admin/login/?next=/admin/", REMOTE_ADDR=SPRAYER)
    assert page.status_code == 200 and captcha_on(page.content.decode())
    client = Client()
    client.post(
        "/admin/login/?next=/admin/",
        {"username": users[Role.STAFF].username, "password": PASSWORD},
        REMOTE_ADDR=SPRAYER,
    )
    assert not logged_in(client)


def test_the_captcha_picture_is_served_by_the_portal(client):
    key = CaptchaStore.generate_key()
    response = client.get(reverse("captcha-image", args=[key]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"


def test_the_per_user_lockout_still_works(users):
    staff = users[Role.STAFF]
    for _ in range(5):
        post_login(Client(), staff.username, "wrong-password-1")
    response = post_login(Client(), staff.username, PASSWORD)
    assert response.status_code == 429 and "账户已被临时锁定" in response.content.decode()
    assert post_login(Client(), staff.username, PASSWORD, address=ELSEWHERE).status_code == 302


def test_captcha_settings_read_the_environment(monkeypatch):
    monkeypatch.setenv("KEJIJU_CAPTCHA_AFTER_FAILURES", "30")
    monkeypatch.setenv("KEJIJU_CAPTCHA_WINDOW_MINUTES", "60")
    monkeypatch.setenv("KEJIJU_OTP_REQUIRED_ROLES", "admin,auditor,leader")
    fresh = runpy.run_path(str(ROOT / "kejiju" / "settings.py"))
    assert fresh["KEJIJU_CAPTCHA_AFTER_FAILURES"] == 30
    assert fresh["KEJIJU_CAPTCHA_WINDOW_MINUTES"] == 60
    assert fresh["KEJIJU_OTP_REQUIRED_ROLES"] == ["admin", "auditor", "leader"]


# ---- registration ------------------------------------------------------------------------------


def registration(town, username: str, n: int) -> dict:
    from kejiju.codes import make_credit_code

    return {
        "credit_code": make_credit_code(7000 + n),
        "enterprise_name": f"瑞安注册测试{n}号有限公司",
        "town": town.pk,
        "contact": "李四",
        "phone": "13900000000",
        "email": f"apply{n}@example.com",
        "username": username,
        "password1": "Zhuce-2026-abc!",
        "password2": "Zhuce-2026-abc!",
        "legal_representative": "on",
        "licence": pdf("营业执照.pdf"),
    }


def register(data, address=SPRAYER):
    return Client().post(reverse("enterprises:register"), data, REMOTE_ADDR=address, follow=True)


@pytest.fixture
def registration_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_taken_user_name_gets_the_same_answer_as_a_free_one(
    users, town, django_capture_on_commit_callbacks, registration_media
):
    from enterprises.models import AccountRequest

    with django_capture_on_commit_callbacks(execute=True):
        taken = register(registration(town, users[Role.STAFF].username, 1))
        free = register(registration(town, "xinqiye", 2))
        pending = register(registration(town, "XINQIYE", 3))  # pending already, another case

    pages = [
        re.sub(r'"X-CSRFToken": "\w+"', "", r.content.decode()) for r in (taken, free, pending)
    ]
    assert [r.redirect_chain for r in (taken, free, pending)] == [
        [(reverse("enterprises:register_done"), 302)]
    ] * 3
    assert pages[0] == pages[1] == pages[2]
    assert "该用户名已被使用" not in pages[0]
    # Only the free name is filed; the others learn why in their own mailbox.
    assert list(AccountRequest.objects.values_list("username", flat=True)) == ["xinqiye"]
    told = {m.to[0]: m.body for m in mail.outbox}
    assert set(told) == {"apply1@example.com", "apply3@example.com"}
    assert "已被使用或正在审核中" in told["apply1@example.com"]
    events = AuditEvent.objects.filter(action=AuditAction.REGISTRATION_REQUESTED)
    assert events.count() == 3 and set(events.values_list("ip_address", flat=True)) == {SPRAYER}


def test_registration_is_rate_limited_per_address(town, settings, registration_media):
    from enterprises.models import AccountRequest

    settings.KEJIJU_REGISTRATION_PER_HOUR = 5
    for n in range(5):
        assert register(registration(town, f"qiye{n}", n)).status_code == 200
    response = register(registration(town, "qiye5", 5))
    assert response.status_code == 429
    assert "过于频繁" in response.content.decode()
    assert AccountRequest.objects.count() == 5
    assert AuditEvent.objects.filter(action=AuditAction.RATE_LIMITED).exists()
    # Another address is not affected.
    assert register(registration(town, "qiye6", 6), address=ELSEWHERE).status_code == 200
    assert AccountRequest.objects.count() == 6


# ---- 忘记密码 ----------------------------------------------------------------------------------


def ask_reset(email, address=SPRAYER):
    return Client().post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


@pytest.fixture
def holder(make_user):
    return make_user(Role.STAFF, "holder", email="holder@example.com")


def test_reset_answers_the_same_and_its_link_sets_a_new_password(holder, client):
    known, unknown = ask_reset("Holder@Example.com"), ask_reset("nobody@example.com")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["holder@example.com"]
    body = mail.outbox[0].body
    assert "holder" in body and "找回密码" in mail.outbox[0].subject
    assert AuditEvent.objects.filter(
        action=AuditAction.PASSWORD_RESET_REQUESTED, user=holder
    ).exists()
    done = client.get(reverse("password_reset_done")).content.decode()
    assert "如果该邮箱对应有效账号" in done

    link = re.search(r"http://testserver(/accounts/password/reset/\S+)", body).group(1)
    form_page = client.get(link, follow=True)
    assert "设置新密码" in form_page.content.decode()
    new = "Kejiju-reset-2027!"
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_complete")
    holder.refresh_from_db()
    assert holder.check_password(new)
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_RESET, user=holder).exists()
    # The link works once.
    assert "链接已失效" in client.get(link, follow=True).content.decode()
    assert post_login(Client(), "holder", new).status_code == 302


def test_reset_links_expire(holder, client, settings, monkeypatch):
    from kejiju.accounts.tokens import reset_token_generator

    settings.KEJIJU_PASSWORD_RESET_LINK_MINUTES = 60
    token = reset_token_generator.make_token(holder)
    assert reset_token_generator.check_token(holder, token)
    later = reset_token_generator._now() + timedelta(minutes=61)
    monkeypatch.setattr(reset_token_generator, "_now", lambda: later)
    assert not reset_token_generator.check_token(holder, token)


def test_reset_mails_are_limited_per_account_without_changing_the_answer(holder, settings):
    settings.KEJIJU_PASSWORD_RESET_PER_ACCOUNT = 3
    answers = {
        ask_reset("holder@example.com", address=f"192.0.2.{i}")["Location"] for i in range(5)
    }
    assert answers == {reverse("password_reset_done")}
    assert len(mail.outbox) == 3
    assert AuditEvent.objects.filter(action=AuditAction.RATE_LIMITED, user=holder).count() == 2


def test_reset_requests_are_limited_per_address(holder, settings):
    settings.KEJIJU_PASSWORD_RESET_PER_HOUR = 4
    for i in range(4):
        assert ask_reset(f"someone{i}@example.com").status_code == 302
    response = ask_reset("holder@example.com")
    assert response.status_code == 429 and "过于频繁" in response.content.decode()
    assert not mail.outbox
    assert ask_reset("holder@example.com", address=ELSEWHERE).status_code == 302


# ---- the second factor -------------------------------------------------------------------------


def required_roles(settings) -> list[str]:
    return [role for role in Role.values if role in settings.KEJIJU_OTP_REQUIRED_ROLES]


def code_of(device) -> str:
    device.refresh_from_db()
    return str(totp(device.bin_key, device.step, device.t0, device.digits, device.drift)).zfill(6)


def enrol(client, next_url="/"):
    """Enrols the logged-in user through the setup page; returns the device and backup codes."""
    page = client.get(reverse("otp_setup"), {"next": next_url})
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user_id=client.session["_auth_user_id"], confirmed=False)
    response = client.post(reverse("otp_setup"), {"token": code_of(device), "next": next_url})
    assert response.status_code == 302, response.content.decode()
    codes_page = client.get(response["Location"]).content.decode()
    codes = re.findall(
        r'<span class="border rounded px-2 user-select-all">(\w+)</span>', codes_page
    )
    device.refresh_from_db()
    return device, codes


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    # django-otp waits 1, 2, 4 … s after a wrong code; tests of it switch it back on.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def test_admin_auditor_and_security_administrator_need_it_by_default(settings):
    assert {"admin", "auditor", "security_admin"} <= set(settings.KEJIJU_OTP_REQUIRED_ROLES)
    assert {Role.ADMIN, Role.AUDITOR} <= set(required_roles(settings))


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AUDITOR])
def test_a_privileged_role_reaches_no_page_before_enrolling(make_user, settings, role):
    user = make_user(role, f"new-{role}")
    client = Client()
    response = post_login(client, user.username, PASSWORD, address=ELSEWHERE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp_setup") + "?next=")
    for path in (
        "/",
        "/admin/",
        "/audit/",
        "/staff/",
        "/accounts/password/change/",
        reverse("two_factor"),
        reverse("otp_backup_codes"),
        "/enterprises/",
    ):
        answer = client.get(path)
        assert answer.status_code == 302, path
        assert answer["Location"].startswith(reverse("otp_setup")), path
    assert client.post("/accounts/password/change/").status_code == 302

    page = client.get(reverse("otp_setup")).content.decode()
    assert "<svg" in page and "otp-secret" in page and "必须启用两步验证" in page
    assert 'class="nav-link' not in page  # no menu: every page leads back here
    device, codes = enrol(client, next_url="/audit/")
    assert device.confirmed and len(codes) == 10
    assert StaticToken.objects.filter(device__user=user).count() == 10
    assert AuditEvent.objects.filter(action=AuditAction.OTP_ENROLLED, user=user).exists()
    assert client.get("/").status_code == 302
    assert client.get(reverse("two_factor")).status_code == 200


def test_an_enrolled_administrator_verifies_with_the_app(make_user):
    admin = make_user(Role.ADMIN, "root-admin")
    device = TOTPDevice.objects.create(user=admin, name="验证器应用", confirmed=True)
    client = Client()
    response = post_login(client, admin.username, PASSWORD, address=ELSEWHERE)
    assert response["Location"].startswith(reverse("otp_verify") + "?next=")
    assert client.get("/admin/").status_code == 302

    wrong = f"{(int(code_of(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("otp_verify"), {"token": wrong})
    assert response.status_code == 200 and "验证器应用验证码不正确" in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.OTP_FAILED, user=admin).exists()
    assert client.get("/admin/").status_code == 302

    code = code_of(device)
    response = client.post(reverse("otp_verify"), {"token": code, "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.OTP_VERIFIED, user=admin).exists()

    # The same code does not serve twice.
    again = Client()
    post_login(again, admin.username, PASSWORD, address=ELSEWHERE)
    assert again.post(reverse("otp_verify"), {"token": code}).status_code == 200
    assert again.get("/admin/").status_code == 302


def test_wrong_codes_are_slowed_down(make_user, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 1
    admin = make_user(Role.ADMIN, "slow-admin")
    device = TOTPDevice.objects.create(user=admin, name="验证器应用", confirmed=True)
    client = Client()
    post_login(client, admin.username, PASSWORD)
    client.post(reverse("otp_verify"), {"token": "000000"})
    response = client.post(reverse("otp_verify"), {"token": code_of(device)})
    assert "验证失败次数过多" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_backup_codes_work_once(make_user):
    auditor = make_user(Role.AUDITOR, "audit-2")
    client = Client()
    post_login(client, auditor.username, PASSWORD)
    _, codes = enrol(client)
    client.post("/accounts/logout/")

    for expected in (302, 200):
        client = Client()
        post_login(client, auditor.username, PASSWORD)
        response = client.post(reverse("otp_verify"), {"token": codes[0].upper()})
        assert response.status_code == expected
    assert client.get("/audit/").status_code == 302
    assert "备用验证码不正确" in response.content.decode()
    used = AuditEvent.objects.get(action=AuditAction.OTP_BACKUP_USED, user=auditor)
    assert "剩余 9 个" in used.detail

    # Regenerating voids the old set.
    client.post(reverse("otp_verify"), {"token": codes[1]})
    assert client.get("/audit/").status_code == 200
    client.post(reverse("otp_backup_codes"))
    fresh = client.get(reverse("otp_backup_codes")).content.decode()
    assert codes[2] not in fresh
    assert not StaticToken.objects.filter(token=codes[2]).exists()
    assert StaticToken.objects.filter(device__user=auditor).count() == 10
    assert AuditEvent.objects.filter(action=AuditAction.OTP_BACKUP_REGENERATED).exists()


def test_another_role_may_enrol_and_is_then_asked_for_it(users, unverified_login):
    staff = users[Role.STAFF]
    client = unverified_login(staff)
    assert client.get("/staff/").status_code == 200  # not required for staff
    assert "未启用" in client.get(reverse("two_factor")).content.decode()
    device, codes = enrol(client)
    assert "已启用" in client.get(reverse("two_factor")).content.decode()

    again = Client()
    response = post_login(again, staff.username, PASSWORD, address=ELSEWHERE)
    assert response["Location"].startswith(reverse("otp_verify"))
    assert again.get("/staff/").status_code == 302
    again.post(reverse("otp_verify"), {"token": codes[0]})
    assert again.get("/staff/").status_code == 200

    # Switched off with the password; the next login asks for the password only.
    assert again.post(reverse("otp_disable"), {"password": "wrong"}).status_code == 302
    assert TOTPDevice.objects.filter(user=staff).exists()
    again.post(reverse("otp_disable"), {"password": PASSWORD})
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert not StaticDevice.objects.filter(user=staff).exists()
    assert AuditEvent.objects.filter(action=AuditAction.OTP_DISABLED, user=staff).exists()
    third = Client()
    assert post_login(third, staff.username, PASSWORD)["Location"] == "/"


def test_a_required_role_cannot_switch_it_off(users, login):
    admin = users[Role.ADMIN]
    client = login(admin)
    response = client.post(reverse("otp_disable"), {"password": PASSWORD}, follow=True)
    assert "不能停用" in response.content.decode()
    assert TOTPDevice.objects.filter(user=admin, confirmed=True).exists()


def test_one_setting_requires_it_for_more_roles(users, settings):
    settings.KEJIJU_OTP_REQUIRED_ROLES = [*settings.KEJIJU_OTP_REQUIRED_ROLES, Role.LEADER]
    client = Client()
    response = post_login(client, users[Role.LEADER].username, PASSWORD)
    assert response["Location"].startswith(reverse("otp_setup"))
    assert client.get("/leader/").status_code == 302


def test_an_expired_password_is_changed_after_the_second_factor(make_user, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    admin = make_user(Role.ADMIN, "old-admin")
    admin.password_changed_at = timezone.now() - timedelta(days=91)
    admin.save()
    client = Client()
    post_login(client, admin.username, PASSWORD)
    assert client.get(reverse("otp_setup")).status_code == 200
    enrol(client)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"] == "/accounts/password/change/"


def test_the_login_fixture_passes_the_second_factor(users, login):
    """The rest of the suite logs privileged users in with force_login, as before."""
    assert login(users[Role.AUDITOR]).get("/audit/").status_code == 200


def test_an_operator_resets_a_lost_authenticator(users, login):
    admin = users[Role.ADMIN]
    client = login(admin)
    assert client.get("/admin/").status_code == 200
    out = io.StringIO()
    call_command("reset_second_factor", admin.username, "--reason", "手机丢失", stdout=out)
    assert "已重置" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=admin).exists()
    assert "手机丢失" in AuditEvent.objects.get(action=AuditAction.OTP_DISABLED, user=admin).detail
    # The session verified by the removed device is no longer verified.
    assert client.get("/admin/")["Location"].startswith(reverse("otp_setup"))


def test_demo_otp_prints_the_code_of_a_demo_account_only(users, tmp_path, monkeypatch):
    import json

    from django.core.management.base import CommandError

    from kejiju import demo

    logins = tmp_path / "demo-logins.json"
    logins.write_text(json.dumps({users[Role.ADMIN].username: "x"}))
    monkeypatch.setattr(demo, "LOGINS_FILE", logins)
    device = TOTPDevice.objects.create(user=users[Role.ADMIN], confirmed=False)
    out = io.StringIO()
    call_command("demo_otp", users[Role.ADMIN].username, stdout=out)
    assert code_of(device) in out.getvalue()
    with pytest.raises(CommandError, match="不是演示账号"):
        call_command("demo_otp", users[Role.AUDITOR].username, stdout=io.StringIO())


def test_load_demo_says_how_the_demo_administrators_log_in(tmp_path, monkeypatch):
    from kejiju import demo

    monkeypatch.setattr(demo, "LOGINS_FILE", tmp_path / "demo-logins.json")
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    assert "须使用两步验证" in text and "manage.py demo_otp" in text
