"""Fixtures shared by every app's tests: one user per role, logged-in clients, and the services."""

import os
import shutil
import socket
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

from kejiju.choices import Role, Section

PASSWORD = "Kejiju-test-2026!"

# The seed document's figures for 2023, as the indicators of DESIGN.md §4 (seed/README.md).
SEED_FIGURES_2023 = {
    "techmarket.turnover": 258310,
    "patent.invention.applications": 1125,
    "patent.invention.grants": 171,
    "hnte.new": 28,
    "hnte.rerecognized": 20,
    "hnte.total": 132,
    "tech_sme.new": 95,
    "tech_sme.total": 295,
    "city_tech.new": 94,
    "top100.count": 22,
    "rd.institute.new": 1,
    "rd.institute.total": 5,
    "rd.hnte_center.new": 4,
    "rd.hnte_center.total": 25,
    "rd.city_center.new": 17,
    "rd.city_center.total": 56,
    "projects.torch.applied": 20,
    "projects.torch.approved": 12,
    "projects.prov_major.applied": 6,
    "projects.prov_major.approved": 1,
    "projects.prov_new_product.applied": 310,
    "projects.prov_new_product.approved": 240,
    "projects.agri_major.approved": 3,
    "projects.agri_major.funding": 60,
    "projects.prov_agri_transfer.applied": 3,
    "projects.prov_agri_transfer.approved": 1,
    "projects.prov_agri_transfer.funding": 30,
    "projects.commissioner.approved": 21,
    "projects.commissioner.funding": 136,
    "patent_demo.provincial.new": 6,
    "patent_demo.city.new": 6,
    "patent_demo.county.new": 21,
    "patent.disputes.mediated": 17,
    "auction.enterprises": 7,
    "auction.deals": 7,
    "auction.amount": 2350,
    "experts.total": 573,
    "seismic.publicity.participants": 150000,
    "seismic.publicity.materials": 1000,
}


def service_reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    """Skips a test whose service is missing, except on CI (CI=true), where that is a failure."""
    if not service_reachable(host, port):
        message = f"{name} is not reachable at {host}:{port}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def redis_service():
    require_service("Redis", "127.0.0.1", 6379)
    return "redis://127.0.0.1:6379/15"


@pytest.fixture
def town(db):
    from kejiju.models import Town

    return Town.objects.get(name="安阳街道")


@pytest.fixture
def enterprise(db, town):
    from enterprises.models import Enterprise
    from kejiju.codes import make_credit_code

    return Enterprise.objects.create(
        credit_code=make_credit_code(9001), name="瑞安测试科技有限公司", town=town
    )


@pytest.fixture
def other_enterprise(db, town):
    from enterprises.models import Enterprise
    from kejiju.codes import make_credit_code

    return Enterprise.objects.create(
        credit_code=make_credit_code(9002), name="瑞安另一家机械有限公司", town=town
    )


@pytest.fixture
def expert_record(db):
    from experts.models import Expert

    return Expert.objects.create(
        name="测试专家",
        employer="温州大学",
        title="senior",
        specialties="新材料",
        mobile="13800000009",
    )


@pytest.fixture
def make_user(db):
    from kejiju.models import User

    def make(role: str, username: str | None = None, **extra):
        user = User(username=username or f"{role}-user", role=role, **extra)
        if role == Role.STAFF and "section" not in extra:
            user.section = Section.HIGH_TECH
        user.set_password(PASSWORD)
        user.save()
        return user

    return make


@pytest.fixture
def users(make_user, enterprise, expert_record):
    """One user per role."""
    return {
        Role.STAFF: make_user(Role.STAFF),
        Role.ENTERPRISE: make_user(Role.ENTERPRISE, enterprise=enterprise),
        Role.EXPERT: make_user(Role.EXPERT, expert=expert_record),
        Role.LEADER: make_user(Role.LEADER),
        Role.ADMIN: make_user(Role.ADMIN),
        Role.SECURITY_ADMIN: make_user(Role.SECURITY_ADMIN),
        Role.AUDITOR: make_user(Role.AUDITOR),
    }


@pytest.fixture
def login(client):
    """Logs ``user`` in; a user who needs the second factor has passed it (see below)."""

    def do(user):
        client.force_login(user)
        return client

    return do


@pytest.fixture(scope="session", autouse=True)
def _force_login_passes_the_second_factor():
    """``Client.force_login`` stands for a completed login, so for a user whose role needs the
    second factor (KEJIJU_OTP_REQUIRED_ROLES) it also marks the session verified, as
    ``django_otp.login`` does after a right code. Tests of the second factor itself log in
    through the form, or with ``unverified_login``."""
    from django.test.client import ClientMixin

    original = ClientMixin.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        from kejiju.accounts.testing import mark_verified, needs_second_factor

        if needs_second_factor(user):
            mark_verified(self, user)

    ClientMixin.force_login = force_login
    ClientMixin.force_login_unverified = original
    yield
    ClientMixin.force_login = original
    del ClientMixin.force_login_unverified


@pytest.fixture
def unverified_login(client):
    """Logs ``user`` in with the password step only: the second factor is still to come."""

    def do(user):
        client.force_login_unverified(user)
        return client

    return do


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def audit_log_flushable(transactional_db):
    """For transactional tests that write audit events on SQLite: the append-only triggers would
    stop the flush at the end of the test, so the rows are removed with the triggers briefly off.
    (PostgreSQL flushes with TRUNCATE, which row triggers do not see.)"""
    yield
    from importlib import import_module

    from django.db import connection

    if connection.vendor != "sqlite":
        return
    migration = import_module("kejiju.migrations.0006_audit_retention")
    with connection.cursor() as cursor:
        for op in ("update", "delete"):
            cursor.execute(f"DROP TRIGGER IF EXISTS kejiju_auditevent_no_{op}")
        cursor.execute("DELETE FROM kejiju_auditevent")
    with connection.schema_editor() as editor:
        migration.retention_triggers(None, editor)


# ---- headless Chromium from Debian (never a downloaded browser) --------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
ARTIFACTS = Path(__file__).resolve().parent / "tests" / "artifacts"


@pytest.fixture(scope="session", autouse=True)
def _live_server_closes_connections():
    """The test server answers HTTP/1.0: each request's thread ends with its response. With
    keep-alive, Chromium's idle connections kept request threads alive past their test, and they
    failed closing the test's SQLite connection once the next test had taken it back."""
    from django.core.servers.basehttp import WSGIRequestHandler

    WSGIRequestHandler.protocol_version = "HTTP/1.0"


@contextmanager
def chromium(prefix: str = "kejiju-chromium-", capabilities: dict | None = None):
    """Debian's headless Chromium through its chromedriver, with a profile of its own that is
    removed afterwards; ``capabilities`` are added to the options (e.g. the console log)."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not Path(path).exists():
            pytest.fail(f"{path} is missing: apt-get install chromium chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix=prefix)
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
    for name, value in (capabilities or {}).items():
        options.set_capability(name, value)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def browser():
    with chromium() as driver:
        driver.implicitly_wait(5)
        ARTIFACTS.mkdir(exist_ok=True)
        yield driver


def log_in(browser, live_server, username: str, password: str) -> None:
    """Logs in through the form; a user who needs the second factor then types a backup code
    made for the purpose at the verification page, as a person without their phone would."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    from kejiju.accounts.testing import fresh_backup_code, needs_second_factor
    from kejiju.models import User

    user = User.objects.filter(username=username).first()
    code = fresh_backup_code(user) if user is not None and needs_second_factor(user) else None
    browser.delete_all_cookies()
    browser.get(f"{live_server.url}/accounts/login/")
    browser.find_element(By.ID, "id_username").send_keys(username)
    browser.find_element(By.ID, "id_password").send_keys(password)
    button = browser.find_element(By.CSS_SELECTOR, "button[type=submit]")
    button.click()
    # wait for the answer to the form, so that the next step never cuts the request short
    WebDriverWait(browser, 15).until(lambda driver: replaced(button))
    if code and "/accounts/two-factor/verify/" in browser.current_url:
        browser.find_element(By.ID, "id_token").send_keys(code)
        button = browser.find_element(By.CSS_SELECTOR, "form button[type=submit].btn-primary")
        button.click()
        WebDriverWait(browser, 15).until(lambda driver: replaced(button))


def replaced(element) -> bool:
    """Whether the page holding ``element`` has been replaced by the next one."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    try:
        element.is_enabled()
    except (StaleElementReferenceException, WebDriverException):
        # Chromium also answers "Node ... does not belong to the document" for a replaced page
        return True
    return False


def page_text(browser) -> str:
    """The visible text of the page; read again when the page is replaced while it is read."""
    import time

    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.common.by import By

    for _ in range(50):
        try:
            return browser.find_element(By.TAG_NAME, "body").text
        except (StaleElementReferenceException, WebDriverException):
            time.sleep(0.1)
    return browser.find_element(By.TAG_NAME, "body").text


def click(browser, element) -> None:
    """Scrolls an element to the middle of the window, then clicks it like a person would."""
    browser.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element
    )
    element.click()


def submit(browser, button) -> None:
    """Clicks a form's button and waits for the answer page, so that the next step never cuts
    the request short (a wait for the URL passes at once when the answer has the same URL)."""
    from selenium.webdriver.support.wait import WebDriverWait

    click(browser, button)
    WebDriverWait(browser, 15).until(lambda driver: replaced(button))


def confirm(browser, button) -> None:
    """Clicks a button that asks for confirmation, accepts, and waits for the answer page."""
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.wait import WebDriverWait

    click(browser, button)
    WebDriverWait(browser, 10).until(expected_conditions.alert_is_present())
    browser.switch_to.alert.accept()
    WebDriverWait(browser, 15).until(lambda driver: replaced(button))
