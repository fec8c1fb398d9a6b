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
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-hans"
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
