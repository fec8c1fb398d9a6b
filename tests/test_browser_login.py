"""Logging in through the real form in headless Chromium (Debian's, never a downloaded one)."""

import shutil
import tempfile
from pathlib import Path

import pytest

from conftest import PASSWORD
from kejiju.choices import Role

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

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


@pytest.fixture(scope="module")
def browser():
    for path in (CHROMIUM, CHROMEDRIVER):
        if not Path(path).exists():
            pytest.fail(f"{path} is missing: apt-get install chromium chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="kejiju-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--lang=en-US",  # the portal stays Chinese whatever the browser prefers
        "--window-size=1280,800",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)
    ARTIFACTS.mkdir(exist_ok=True)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def log_in(browser, live_server, username: str, password: str) -> None:
    from selenium.webdriver.common.by import By

    browser.delete_all_cookies()
    browser.get(f"{live_server.url}/accounts/login/")
    browser.find_element(By.ID, "id_username").send_keys(username)
    browser.find_element(By.ID, "id_password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()


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
