"""Logging in through the real form in headless Chromium (Debian's, never a downloaded one)."""

import pytest

from conftest import ARTIFACTS, PASSWORD, log_in
from kejiju.choices import Role

# Where each role lands, by path prefix and heading. The leader's home may hand over to the
# reports dashboard once that exists, so either is accepted.
LANDINGS = {
    Role.STAFF: (("/staff/",), "工作台"),
    Role.ENTERPRISE: (("/enterprise/",), "企业工作台"),
    Role.EXPERT: (("/expert/", "/experts/my/"), "我的评审任务"),
    Role.LEADER: (("/leader/", "/reports/"), None),
    Role.ADMIN: (("/admin/",), "数据与用户管理"),
    Role.AUDITOR: (("/audit/",), "审计日志"),
}

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("role", list(LANDINGS))
def test_each_role_logs_in_and_lands_on_its_home(
    browser, live_server, users, audit_log_flushable, role
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.wait import WebDriverWait

    log_in(browser, live_server, users[role].username, PASSWORD)
    WebDriverWait(browser, 10).until(
        expected_conditions.none_of(expected_conditions.url_contains("/accounts/login/"))
    )
    prefixes, heading = LANDINGS[role]
    path = browser.current_url.removeprefix(live_server.url)
    browser.save_screenshot(str(ARTIFACTS / f"login-{role}.png"))

    assert path.startswith(prefixes), path
    # the portal's pages say zh-CN; Django's admin templates say the language code, zh-hans
    expected = "zh-hans" if path.startswith("/admin/") else "zh-CN"
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == expected
    if heading:
        assert heading in browser.find_element(By.TAG_NAME, "body").text


def test_a_wrong_password_is_told_in_chinese(browser, live_server, users, audit_log_flushable):
    from selenium.webdriver.common.by import By

    log_in(browser, live_server, users[Role.STAFF].username, "wrong-password-1")
    alert = browser.find_element(By.CSS_SELECTOR, ".alert-danger").text
    browser.save_screenshot(str(ARTIFACTS / "login-wrong-password.png"))
    assert "用户名" in alert and "密码" in alert
    assert browser.current_url.endswith("/accounts/login/")


def test_a_locked_account_sees_the_lockout_page(browser, live_server, users, audit_log_flushable):
    from selenium.webdriver.common.by import By

    for _ in range(5):
        log_in(browser, live_server, users[Role.EXPERT].username, "wrong-password-1")
    log_in(browser, live_server, users[Role.EXPERT].username, PASSWORD)
    browser.save_screenshot(str(ARTIFACTS / "login-locked-out.png"))
    assert "账户已被临时锁定" in browser.find_element(By.TAG_NAME, "body").text


def test_an_administrator_enrols_the_second_factor_on_first_login(
    browser, live_server, make_user, audit_log_flushable
):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from selenium.webdriver.common.by import By

    from conftest import submit

    admin = make_user(Role.ADMIN, "first-admin")
    browser.delete_all_cookies()
    browser.get(f"{live_server.url}/accounts/login/")
    browser.find_element(By.ID, "id_username").send_keys(admin.username)
    browser.find_element(By.ID, "id_password").send_keys(PASSWORD)
    submit(browser, browser.find_element(By.CSS_SELECTOR, "form button[type=submit]"))
    assert "/accounts/two-factor/setup/" in browser.current_url
    qr = browser.find_element(By.CSS_SELECTOR, "[data-testid=otp-qr] svg")
    assert qr.size["width"] >= 150
    secret = browser.find_element(By.CSS_SELECTOR, "[data-testid=otp-secret]").text
    browser.save_screenshot(str(ARTIFACTS / "otp-setup.png"))

    # Any page before enrolment comes back here.
    browser.get(f"{live_server.url}/admin/")
    assert "/accounts/two-factor/setup/" in browser.current_url
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    assert secret.replace(" ", "") in device.config_url
    code = str(totp(device.bin_key, device.step, device.t0, device.digits)).zfill(6)
    browser.find_element(By.ID, "id_token").send_keys(code)
    submit(browser, browser.find_element(By.CSS_SELECTOR, "form button.btn-primary"))
    codes = browser.find_elements(By.CSS_SELECTOR, "[data-testid=backup-code-list] li")
    assert len(codes) == 10
    browser.save_screenshot(str(ARTIFACTS / "otp-backup-codes.png"))
    browser.find_element(By.LINK_TEXT, "我已保存，继续").click()
    assert browser.current_url.removeprefix(live_server.url).startswith("/admin/")
    assert "数据与用户管理" in browser.find_element(By.TAG_NAME, "body").text


def test_after_spraying_the_login_page_shows_a_captcha_that_works(
    browser, live_server, users, audit_log_flushable
):
    from captcha.models import CaptchaStore
    from django.test import Client
    from selenium.webdriver.common.by import By

    from conftest import submit

    for i in range(20):  # one password, twenty user names, from the browser's address
        Client().post(
            "/accounts/login/",
            {"username": f"clerk{i}", "password": "Spring-2026!"},
            REMOTE_ADDR="127.0.0.1",
        )
    browser.delete_all_cookies()
    browser.get(f"{live_server.url}/accounts/login/")
    image = browser.find_element(By.CSS_SELECTOR, "[data-testid=captcha-image]")
    assert browser.execute_script("return arguments[0].naturalWidth", image) > 0
    browser.save_screenshot(str(ARTIFACTS / "login-captcha.png"))
    key = browser.find_element(By.NAME, "captcha_0").get_attribute("value")
    answer = CaptchaStore.objects.get(hashkey=key).response
    browser.find_element(By.ID, "id_username").send_keys(users[Role.STAFF].username)
    browser.find_element(By.ID, "id_password").send_keys(PASSWORD)
    browser.find_element(By.NAME, "captcha_1").send_keys(answer)
    submit(browser, browser.find_element(By.CSS_SELECTOR, "form button[type=submit]"))
    assert browser.current_url.removeprefix(live_server.url).startswith("/staff/")
