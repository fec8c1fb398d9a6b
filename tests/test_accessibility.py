"""WCAG 2.1 AA in the browser: every role's main pages, on the demo county, checked by axe-core
(tests/assets/axe-core, the npm package vendored; injected by the test, never from a CDN) with no
critical or serious violation, at 1,366 px and at 390 px. The same journey takes screenshots at
1,366, 1,100 and 390 px into var/screenshots/ (ignored by git) for a person to look at, and
checks what small screens need: the top menu expanded at 1,100 px and collapsed at 390 px, dates
on one line, the home page's 登录 on one line, nothing wider than the window at 390 px.

Refresh axe-core with ``make axe-core``."""

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from conftest import log_in

# serialized_rollback: a transactional test without it ends with a flush that makes the content
# types again under new ids, and every later test that restores the reference data fails on them.
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE = Path(__file__).resolve().parent / "assets" / "axe-core" / "axe.min.js"
SHOTS = Path(settings.VAR_DIR) / "screenshots"
WIDTHS = (1366, 1100, 390)
AXE_WIDTHS = (1366, 390)
BLOCKING = {"critical", "serious"}

# Each role's home and main lists (the demo accounts of kejiju/demo.py).
PAGES = {
    None: ["/", "/accounts/login/"],
    "staff": [
        "/staff/",
        "/enterprises/",
        "/enterprises/review/",
        "/projects/",
        "/projects/calls/",
        "/patents/",
        "/experts/",
        "/experts/draws/",
        "/seismic/",
        "/seismic/sites/",
        "/seismic/plans/",
        "/search/?q=瑞安",
    ],
    "ipclerk": ["/staff/", "/patents/", "/patents/statistics/", "/patents/disputes/"],
    "enterprise": [
        "/enterprise/",
        "/enterprises/my/",
        "/enterprises/applications/",
        "/enterprises/applications/new/hnte/",
        "/projects/my/",
        "/patents/",
    ],
    "expert": ["/experts/my/"],
    "leader": ["/reports/", "/enterprises/", "/projects/", "/patents/statistics/"],
    "admin": ["/admin/", "/staff/", "/admin/kejiju/user/"],
    "auditor": ["/audit/"],
    "security": ["/security/"],
}

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def run_axe(browser) -> list[dict]:
    if not browser.execute_script("return typeof window.axe !== 'undefined'"):
        browser.execute_script(AXE.read_text(encoding="utf-8"))
    result = browser.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "axe.run(document, arguments[0]).then(function (r) { done(r.violations); },"
        " function (e) { done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]); });",
        AXE_OPTIONS,
    )
    return [v for v in result if v.get("impact") in BLOCKING]


def describe(url, width, violations) -> str:
    lines = []
    for v in violations:
        targets = [", ".join(n.get("target", [])) for n in v.get("nodes", [])][:5]
        lines.append(f"{url} @{width}px [{v['impact']}] {v['id']}: {v['help']} — {targets}")
    return "\n".join(lines)


# The dates (2024-05-24) of the page's tables whose text takes more than one line.
WRAPPED_DATES = """
return Array.from(document.querySelectorAll("table.kj-table td")).filter(function (td) {
  if (!/^\\d{4}-\\d{2}-\\d{2}$/.test(td.innerText.trim()) || !td.getClientRects().length) return false;
  var range = document.createRange();
  range.selectNodeContents(td);
  var lines = new Set(Array.from(range.getClientRects()).map(function (r) { return Math.round(r.top); }));
  return lines.size > 1;
}).map(function (td) { return td.innerText.trim(); }).slice(0, 3);
"""


def overflow(browser) -> int:
    """How many pixels the page is wider than the window (horizontal scrolling of the page
    itself; a table scrolls inside its wrapper and does not count)."""
    return browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def shot_name(role, url, width) -> str:
    slug = url.strip("/").replace("/", "-").replace("?", "_").replace("=", "-") or "home"
    return f"{role or 'anonymous'}--{slug}--{width}.png"


def loaded(browser) -> bool:
    return browser.execute_script("return document.readyState") == "complete"


def open_page(browser, url: str) -> None:
    """Opens ``url`` and waits until it has loaded. On a machine this busy the live server
    now and then leaves a page load hanging: stopped and loaded once more."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.wait import WebDriverWait

    for attempt in (1, 2):
        try:
            browser.get(url)
            WebDriverWait(browser, 60).until(loaded)
            return
        except TimeoutException:
            browser.execute_script("window.stop()")
            if attempt == 2:
                raise


def test_every_roles_main_pages_pass_axe_and_fit_small_screens(
    live_server, browser, monkeypatch, tmp_path, audit_log_flushable
):
    from selenium.webdriver.common.by import By

    from kejiju import demo

    assert AXE.exists(), "tests/assets/axe-core/axe.min.js is missing: make axe-core"
    monkeypatch.setattr(demo, "LOGINS_FILE", tmp_path / "demo-logins.json")
    call_command("load_demo", "--quiet-logins", stdout=io.StringIO())
    passwords = json.loads((tmp_path / "demo-logins.json").read_text())
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.set_script_timeout(60)
    browser.set_page_load_timeout(120)
    progress = SHOTS / "progress.txt"
    progress.write_text("")

    problems, layout = [], []
    try:
        for role, urls in PAGES.items():
            browser.set_window_size(1366, 900)
            browser.delete_all_cookies()
            if role is not None:
                log_in(browser, live_server, role, passwords[role])
            for url in urls:
                for width in WIDTHS:
                    browser.set_window_size(width, 900)
                    with progress.open("a") as log:
                        log.write(f"{role} {url} {width}\n")
                    open_page(browser, live_server.url + url)
                    assert "/accounts/login/" not in browser.current_url or role is None, (
                        f"{role} was sent to log in at {url}"
                    )
                    browser.save_screenshot(str(SHOTS / shot_name(role, url, width)))
                    if "系统暂时无法处理您的请求" in browser.page_source:
                        layout.append(f"{role} {url}: the error page")
                        continue
                    if width in AXE_WIDTHS:
                        found = run_axe(browser)
                        if found:
                            problems.append(describe(url, width, found))
                    if overflow(browser) > 1:
                        layout.append(f"{role} {url} @{width}px: {overflow(browser)} px too wide")
                    header = browser.find_elements(By.CSS_SELECTOR, "#kj-nav")
                    if header and not url.startswith("/admin/"):
                        toggler = browser.find_element(By.CSS_SELECTOR, ".navbar-toggler")
                        if width >= 1024 and toggler.is_displayed():
                            layout.append(f"{role} {url} @{width}px: the menu is collapsed")
                        if width < 992 and not toggler.is_displayed():
                            layout.append(f"{role} {url} @{width}px: the menu is not collapsed")
                    wrapped = browser.execute_script(WRAPPED_DATES)
                    if wrapped:
                        layout.append(f"{role} {url} @{width}px: dates broken over lines {wrapped}")
    finally:
        browser.set_window_size(1280, 800)
        browser.set_page_load_timeout(300)
    report = (["axe-core found critical or serious violations:"] if problems else []) + problems
    report += (["layout:"] if layout else []) + layout
    assert not report, "\n".join(report)


def test_the_home_login_button_stays_on_one_line_at_390(live_server, browser):
    from selenium.webdriver.common.by import By

    browser.delete_all_cookies()
    browser.set_window_size(390, 844)
    try:
        browser.get(live_server.url + "/")
        button = browser.find_element(By.LINK_TEXT, "登录")
        assert button.size["height"] < 48, button.size
        assert overflow(browser) <= 1
    finally:
        browser.set_window_size(1280, 800)
