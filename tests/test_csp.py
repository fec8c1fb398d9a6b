"""The Content-Security-Policy (settings.CONTENT_SECURITY_POLICY, sent by django-csp).

- Every response carries the policy: each role's home and the pages it links to, the admin,
  static files, and the error pages (403, the CSRF failure, 404, 500).
- No template holds code the policy would refuse: an inline <script> (other than a JSON data
  block or one with a nonce), an on…= event handler, a javascript: URL, an htmx hx-on attribute,
  or a <style> element (templates rendered to PDF by WeasyPrint aside). The templates are read
  from disk, so a new one is checked without a change here; the crawled pages are checked too,
  which covers markup written by Python code.
- In Chromium (slow) the main pages of every role, the charts with their tooltips, a declined
  confirmation, a year selector and the admin's import and export pages run under the policy
  without a single violation in the console.
"""

import re
import time
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse
from django.template import Context, Template
from django.templatetags.static import static
from django.test import Client
from django.urls import Resolver404, path, resolve, reverse

from conftest import PASSWORD, chromium, click, log_in
from kejiju.choices import Role
from kejiju.imports.admin import LayoutAdmin
from tests.access_world import build_world, client_for, rolled_back, session_key

pytestmark = pytest.mark.django_db

HEADER = "Content-Security-Policy"
EXPECTED = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "style-src-attr": {"'unsafe-inline'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
}
NONCE = re.compile(r"'nonce-([A-Za-z0-9+/=]+)'")


def policy(response) -> dict[str, set[str]]:
    """The response's policy as directive → sources, nonces left out."""
    header = response.get(HEADER)
    assert header, f"{response.status_code} {getattr(response, 'url', '')}: no {HEADER}"
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = {s for s in sources if not NONCE.fullmatch(s)}
    return directives


# ---- what the policy refuses, found in markup ------------------------------------------------

TEMPLATE_CODE = re.compile(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}|\{#.*?#\}", re.S)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href"}
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


class InlineCode(HTMLParser):
    """Collects what a Content-Security-Policy without 'unsafe-inline' refuses to run."""

    def __init__(self, *, styles: bool = True):
        super().__init__(convert_charrefs=True)
        self.styles = styles
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = {name: (value or "") for name, value in attrs}
        line = self.getpos()[0]
        for name, value in names.items():
            if name.startswith("on") or name.startswith(("hx-on", "data-hx-on")):
                self.found.append(f"line {line}: <{tag} {name}=…> (inline event handler)")
            elif name in URL_ATTRIBUTES and value.strip().lower().startswith("javascript:"):
                self.found.append(f"line {line}: <{tag} {name}=javascript:…>")
        if "nonce" in names:
            return
        if tag == "script" and "src" not in names:
            if names.get("type", "").strip().lower() not in DATA_SCRIPT_TYPES:
                self.found.append(f"line {line}: inline <script> without a nonce")
        elif tag == "style" and self.styles:
            self.found.append(f"line {line}: <style> element without a nonce")


def inline_code(html: str, *, styles: bool = True) -> list[str]:
    parser = InlineCode(styles=styles)
    parser.feed(html)
    parser.close()
    return parser.found


def template_markup(source: str) -> str:
    """A template's markup with the template language taken out: comments dropped, tags
    replaced by a space (they sit between attributes) and variables by a word."""
    source = TEMPLATE_CODE.sub("", source)
    source = re.sub(r"\{%.*?%\}", " ", source, flags=re.S)
    return re.sub(r"\{\{.*?\}\}", "x", source, flags=re.S)


def repository_templates() -> list[Path]:
    base = Path(settings.BASE_DIR)
    skip = {"var", "node_modules", "staticfiles"}
    return sorted(
        template
        for top in base.iterdir()
        if top.is_dir() and not top.name.startswith(".") and top.name not in skip
        for template in top.rglob("*.html")
        if "templates" in template.relative_to(base).parts
    )


def pdf_template(template: Path) -> bool:
    """Rendered to PDF by WeasyPrint, never sent to a browser: its <style> is its style sheet."""
    return template.name.endswith("_pdf.html")


def test_the_scanner_finds_what_the_policy_refuses():
    refused = [
        '<button onclick="return confirm(1)">',
        "<form ONSUBMIT='x()'>",
        '<a href=" javascript:alert(1)">',
        '<div hx-on:click="alert(1)">',
        '<div data-hx-on-click="alert(1)">',
        "<script>alert(1)</script>",
        '<script type="text/javascript">alert(1)</script>',
        "<style>body{}</style>",
    ]
    allowed = [
        '<script src="/static/js/kejiju.js"></script>',
        '<script type="application/json" id="d">{"a": 1}</script>',
        '<script nonce="abc">run()</script>',
        '<style nonce="abc">body{}</style>',
        '<select data-autosubmit><option value="1" selected>1</option></select>',
        '<button data-confirm="确认？" type="submit">提交</button>',
        '<div class="one" style="height: 30px">',
    ]
    for html in refused:
        assert len(inline_code(html)) == 1, html
    for html in allowed:
        assert inline_code(html) == [], html
    markup = template_markup(
        '{# <script>x()</script> #}{% comment %}<b onclick="x">{% endcomment %}'
        '<option value="{{ y }}"{% if y == year %} selected{% endif %}>'
    )
    assert inline_code(markup) == []


def test_no_template_holds_inline_code():
    templates = repository_templates()
    assert len(templates) > 80
    assert Path(settings.BASE_DIR, "templates", "base.html") in templates
    problems = []
    for template in templates:
        markup = template_markup(template.read_text(encoding="utf-8"))
        for finding in inline_code(markup, styles=not pdf_template(template)):
            problems.append(f"{template.relative_to(settings.BASE_DIR)} {finding}")
    assert problems == [], "\n".join(problems)


def test_the_admin_export_page_is_django_import_exports_own_without_the_handler():
    """templates/admin/import_export/export.html copies the package's content block to take out
    an inline onchange handler; after an upgrade of django-import-export it must be copied again."""
    import import_export

    def content_block(text: str) -> str:
        block = re.search(r"\{% block content %\}.*\{% endblock %\}", text, re.S).group(0)
        block = re.sub(r'\s+onchange="onSelectToggleChange\(event\)"', "", block)
        return re.sub(r"\s+", " ", block)

    package = Path(import_export.__file__).parent / "templates/admin/import_export/export.html"
    ours = Path(settings.BASE_DIR, "templates/admin/import_export/export.html")
    assert "onSelectToggleChange(event)" in package.read_text()
    assert content_block(ours.read_text()) == content_block(package.read_text())


# ---- the header on every response ------------------------------------------------------------

SKIPPED = re.compile(r"^/(static|accounts/logout)/|pdf")
LINK = re.compile(r"""(?:href|hx-get|action)\s*=\s*["']([^"'#]+)""")


def linked_pages(url: str, html: str) -> list[str]:
    pages = []
    for link in LINK.findall(html):
        target = urljoin(url, unescape(link))
        parts = urlsplit(target)
        if parts.netloc or not parts.path.startswith("/") or SKIPPED.search(parts.path):
            continue
        try:
            resolve(parts.path)
        except Resolver404:
            continue
        pages.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return list(dict.fromkeys(pages))


def visit_home_and_its_links(client: Client) -> dict[str, object]:
    """The role's home (after its redirects) and every page it links to: url → response."""
    responses = {}
    url = reverse("home")
    for _ in range(5):
        response = responses[url] = client.get(url)
        if response.status_code not in (301, 302):
            break
        url = response["Location"]
    if response.get("Content-Type", "").startswith("text/html"):
        for link in linked_pages(url, response.content.decode()):
            if link not in responses:
                responses[link] = client.get(link)
    return responses


@pytest.fixture(scope="class")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The access matrix's world of records (tests/access_world.py), for the class below only:
    the browser test needs the database without its open transaction."""
    with rolled_back(django_db_blocker, tmp_path_factory.mktemp("csp-media")):
        yield build_world()


@pytest.fixture(scope="class")
def sessions(world, django_db_blocker):
    with django_db_blocker.unblock():
        return {actor: session_key(user) for actor, user in world["actors"].items()}


class TestEveryRoleAndErrorPage:
    def test_every_page_a_role_reaches_from_its_home_has_the_policy(self, world, sessions):
        """Every actor of the world (a new one included) and the anonymous visitor."""
        problems, pages = [], 0
        for actor in ["anon", *world["actors"]]:
            responses = visit_home_and_its_links(client_for(sessions, actor))
            pages += len(responses)
            for url, response in responses.items():
                if response.status_code >= 500:
                    problems.append(f"{actor} {url}: {response.status_code}")
                if policy(response) != EXPECTED:
                    problems.append(f"{actor} {url}: {response[HEADER]}")
                if response.get("Content-Type", "").startswith("text/html"):
                    found = inline_code(response.content.decode())
                    problems += [f"{actor} {url} {f}" for f in found]
        assert pages > 50
        assert problems == [], "\n".join(problems)

    def test_the_error_pages_have_the_policy(self, world, sessions):
        anon, owner = client_for(sessions, "anon"), client_for(sessions, "owner")
        not_found = anon.get("/no-such-page/")
        assert not_found.status_code == 404 and policy(not_found) == EXPECTED
        not_found = owner.get("/no-such-page/")
        assert not_found.status_code == 404 and policy(not_found) == EXPECTED
        forbidden = owner.get(reverse("audit_log"))
        assert forbidden.status_code == 403 and policy(forbidden) == EXPECTED
        csrf = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "x"})
        assert csrf.status_code == 403 and policy(csrf) == EXPECTED


@pytest.fixture
def superuser(make_user):
    return make_user(Role.ADMIN, username="csp-root", is_superuser=True)


def layout_admin_model():
    return next(m for m, a in admin.site._registry.items() if isinstance(a, LayoutAdmin))


def test_the_admin_pages_have_the_policy_and_no_inline_code(login, superuser):
    """The spreadsheet layout's pages (django-import-export's import and export among them) and
    every model's list, each open or refused to this account as its role decides."""
    from django.contrib.admin.templatetags.admin_urls import admin_urlname

    client = login(superuser)
    opts = layout_admin_model()._meta
    layout = [reverse("admin:index")] + [
        reverse(admin_urlname(opts, view)) for view in ("changelist", "add", "import", "export")
    ]
    lists = [reverse(admin_urlname(m._meta, "changelist")) for m in admin.site._registry]
    for url in layout + lists:
        response = client.get(url)
        allowed = (200,) if url in layout else (200, 403)
        assert response.status_code in allowed, url
        assert policy(response) == EXPECTED, url
        assert inline_code(response.content.decode()) == [], url


def test_static_files_have_the_policy():
    response = Client().get(static("js/kejiju.js"))
    assert response.status_code == 200
    assert policy(response) == EXPECTED


def fails(request):
    raise RuntimeError("the 500 page under the policy")


def uses_a_nonce(request):
    html = Template('<script nonce="{{ request.csp_nonce }}">run()</script>').render(
        Context({"request": request})
    )
    return HttpResponse(html)


def plain(request):
    return HttpResponse("<p>没有脚本</p>")


urlpatterns = [path("fails/", fails), path("nonce/", uses_a_nonce), path("plain/", plain)]


@pytest.mark.urls("tests.test_csp")
def test_the_server_error_page_has_the_policy():
    response = Client(raise_request_exception=False).get("/fails/")
    assert response.status_code == 500
    assert policy(response) == EXPECTED


@pytest.mark.urls("tests.test_csp")
def test_a_script_that_must_stay_inline_runs_by_its_nonce():
    response = Client().get("/nonce/")
    nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
    sources = response[HEADER].split("script-src ")[1].split(";")[0].split()
    assert f"'nonce-{nonce}'" in sources and "'self'" in sources
    assert policy(response) == EXPECTED
    # a page that uses no nonce names none
    assert "nonce-" not in Client().get("/plain/")[HEADER]


# ---- in Chromium -----------------------------------------------------------------------------

CSP_MESSAGE = re.compile(r"Content.Security.Policy|Refused to", re.I)


@pytest.fixture(scope="module")
def console_browser():
    """Chromium (Debian's) that keeps the console, like conftest's ``browser`` otherwise."""
    with chromium("kejiju-chromium-csp-", {"goog:loggingPrefs": {"browser": "ALL"}}) as driver:
        driver.implicitly_wait(0)  # pages are read once loaded; most have no chart to wait for
        yield driver


class Console:
    """Pages opened in the browser, and every console entry about the policy."""

    def __init__(self, browser, live_server):
        self.browser, self.url = browser, live_server.url
        self.violations: list[str] = []
        self.pages = 0

    def read(self, where: str) -> None:
        for entry in self.browser.get_log("browser"):
            if CSP_MESSAGE.search(entry["message"]):
                self.violations.append(f"{where}: {entry['message']}")

    def open(self, path: str) -> None:
        from selenium.webdriver.support.wait import WebDriverWait

        self.browser.get(self.url + path)
        WebDriverWait(self.browser, 15).until(
            lambda d: d.execute_script("return document.readyState") == "complete"
        )
        self.pages += 1
        if not self.hover_charts():
            self.violations.append(f"{path}: a chart showed no tooltip")
        self.read(path)

    def hover_charts(self) -> bool:
        """Points at every chart, so that ECharts writes its tooltip (HTML with style
        attributes); whether a tooltip showed (true on a page without charts)."""
        from selenium.common.exceptions import TimeoutException
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.wait import WebDriverWait

        canvases = self.browser.find_elements(By.CSS_SELECTOR, "[_echarts_instance_] canvas")
        for canvas in canvases:
            self.browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", canvas)
            ActionChains(self.browser).move_to_element(canvas).perform()
        if not canvases:
            return True
        try:
            WebDriverWait(self.browser, 5).until(
                lambda d: d.execute_script(
                    "return [...document.querySelectorAll('[_echarts_instance_] > div')]"
                    ".some(e => e.textContent.trim() && getComputedStyle(e).display !== 'none')"
                )
            )
        except TimeoutException:
            return False
        return True

    def menu_pages(self) -> list[str]:
        from selenium.webdriver.common.by import By

        links = self.browser.find_elements(By.CSS_SELECTOR, "[data-testid=menu] a[href]")
        hrefs = [link.get_attribute("href") for link in links]
        return list(
            dict.fromkeys(
                href.removeprefix(self.url)
                for href in hrefs
                if href.startswith(self.url) and not href.endswith("#")
            )
        )


@pytest.fixture
def console(console_browser, live_server, transactional_db):
    console = Console(console_browser, live_server)
    console_browser.get_log("browser")  # what an earlier test left
    yield console
    # No request of this test's pages (a late favicon) may reach the server after the test, when
    # the next one has the database.
    console_browser.get("about:blank")
    time.sleep(0.5)


def chart_data():
    """A snapshot and a target for this year, so that the dashboard draws its charts and a
    progress bar; an account request waiting, so that the staff have a confirmation to decline."""
    from django.utils import timezone

    from enterprises import services as enterprise_services
    from enterprises.tests.factories import licence
    from kejiju.codes import make_credit_code
    from kejiju.models import Town
    from reports.models import YearTarget
    from reports.services import compute_indicators

    year = timezone.localdate().year
    compute_indicators(year)
    YearTarget.objects.create(
        year=year, label="发明专利授权", indicator_key="patent.invention.grants", minimum=10
    )
    enterprise_services.request_account(
        credit_code=make_credit_code(9301),
        password=PASSWORD,
        enterprise_name="瑞安待开户有限公司",
        town=Town.objects.get(name="安阳街道"),
        contact="张三",
        phone="13700001111",
        email="csp@example.com",
        username="csp-applicant",
        licence=licence(),
    )
    return year


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_main_pages_of_every_role_run_without_a_violation(
    console_browser, console, live_server, users, make_user, audit_log_flushable, settings, tmp_path
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.select import Select
    from selenium.webdriver.support.wait import WebDriverWait

    from enterprises.models import AccountRequest

    browser = console_browser
    settings.MEDIA_ROOT = tmp_path / "media"
    year = chart_data()

    for role in (Role.STAFF, Role.ENTERPRISE, Role.EXPERT, Role.LEADER, Role.ADMIN, Role.AUDITOR):
        log_in(browser, live_server, users[role].username, PASSWORD)
        console.read(f"{role} logging in")
        console.open("/")
        for page in console.menu_pages():
            console.open(page)

    # the charts with their tooltips, and the year selectors
    log_in(browser, live_server, users[Role.LEADER].username, PASSWORD)
    console.open(f"/reports/?year={year}")
    assert browser.find_elements(By.CSS_SELECTOR, ".kj-chart canvas")
    assert browser.find_elements(By.CSS_SELECTOR, "[data-testid=targets] .progress-bar")
    log_in(browser, live_server, users[Role.STAFF].username, PASSWORD)
    for page in ("/patents/statistics/", "/seismic/"):
        console.open(page)
        assert browser.find_elements(By.CSS_SELECTOR, "[_echarts_instance_] canvas"), page
    select = Select(browser.find_element(By.CSS_SELECTOR, "select[data-autosubmit]"))
    other = next(o.get_attribute("value") for o in select.options if not o.is_selected())
    select.select_by_value(other)
    WebDriverWait(browser, 15).until(lambda d: f"year={other}" in d.current_url)
    console.read("the seismic year selector")

    # a declined confirmation sends nothing
    console.open("/enterprises/accounts/")
    button = browser.find_element(By.CSS_SELECTOR, "[data-testid=activate-csp-applicant]")
    click(browser, button)
    WebDriverWait(browser, 10).until(expected_conditions.alert_is_present())
    assert "开通账号" in browser.switch_to.alert.text
    browser.switch_to.alert.dismiss()
    time.sleep(1)  # time enough for a submission, had one started, to reach the server
    assert button.is_displayed()  # still the same page
    assert AccountRequest.objects.get(username="csp-applicant").status == "pending"
    console.read("a declined confirmation")

    # the admin: its index, a spreadsheet layout's list, import and export pages
    root = make_user(Role.ADMIN, username="csp-root", is_superuser=True)
    log_in(browser, live_server, root.username, PASSWORD)
    opts = layout_admin_model()._meta
    console.open("/admin/")
    for view in ("changelist", "add", "import", "export"):
        console.open(reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}"))
    toggle = browser.find_element(By.CSS_SELECTOR, "input.select-toggle")
    fields = ".selectable-field-export-row input[type=checkbox]"
    click(browser, toggle)
    assert not any(box.is_selected() for box in browser.find_elements(By.CSS_SELECTOR, fields))
    click(browser, toggle)
    assert all(box.is_selected() for box in browser.find_elements(By.CSS_SELECTOR, fields))
    console.read("the export page's select-all")

    assert console.pages > 25
    assert console.violations == [], "\n".join(console.violations)
