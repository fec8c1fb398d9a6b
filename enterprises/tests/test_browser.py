"""Issue 5, Done when 1: an enterprise registers, staff activate it, it files a 高新技术企业
application with its figures, sees the pre-check, attaches a PDF and submits; staff return it with
a comment; the enterprise revises and resubmits; staff approve; the enterprise sees the timeline."""

import pytest

from conftest import ARTIFACTS, PASSWORD, click, confirm, log_in, page_text, submit
from enterprises.models import Application
from enterprises.tests.factories import PDF_BYTES, hnte_post
from kejiju.codes import make_credit_code

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ENTERPRISE_PASSWORD = "Qiye-Zhuce-2026!"


def wait_for(driver, condition, seconds=10):
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.support.wait import WebDriverWait

    # The page may be replaced between finding the body and reading it: try again.
    WebDriverWait(
        driver, seconds, ignored_exceptions=[StaleElementReferenceException, WebDriverException]
    ).until(condition)


def body(driver) -> str:
    return page_text(driver)


def fill(driver, values: dict) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    for name, value in values.items():
        element = driver.find_element(By.NAME, name)
        kind = element.get_attribute("type")
        if element.tag_name == "select":
            Select(element).select_by_value(str(value))
        elif kind == "checkbox":
            if element.is_selected() != (value == "on"):
                click(driver, element)
        elif kind == "date":
            driver.execute_script("arguments[0].value = arguments[1];", element, value)
        elif kind == "file":
            element.send_keys(str(value))
        else:
            element.clear()
            element.send_keys(str(value))


def shot(driver, name: str) -> None:
    driver.save_screenshot(str(ARTIFACTS / f"enterprises-{name}.png"))


def test_register_activate_apply_return_revise_approve(
    browser, live_server, make_user, town, audit_log_flushable, tmp_path, settings
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    settings.MEDIA_ROOT = tmp_path / "media"
    staff = make_user("staff", "gaoxinke")
    url = live_server.url
    code = make_credit_code(8123)

    # 1. the enterprise registers on the public page, with its 营业执照
    licence = tmp_path / "营业执照.pdf"
    licence.write_bytes(PDF_BYTES)
    browser.delete_all_cookies()
    browser.get(f"{url}/accounts/login/")
    click(browser, browser.find_element(By.LINK_TEXT, "企业用户注册"))
    fill(
        browser,
        {
            "credit_code": code,
            "enterprise_name": "瑞安浏览器测试新材料有限公司",
            "contact": "陈经理",
            "phone": "13957700000",
            "email": "chen@example.com",
            "username": "xincailiao",
            "password1": ENTERPRISE_PASSWORD,
            "password2": ENTERPRISE_PASSWORD,
            "legal_representative": "on",
            "licence": licence,
        },
    )
    Select(browser.find_element(By.NAME, "town")).select_by_visible_text(town.name)
    shot(browser, "1-register")
    click(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    wait_for(browser, lambda d: "注册申请已提交" in body(d))

    # 2. staff activate the account
    log_in(browser, live_server, staff.username, PASSWORD)
    wait_for(browser, lambda d: "/staff/" in d.current_url)
    browser.get(f"{url}/enterprises/accounts/")
    assert "瑞安浏览器测试新材料有限公司" in body(browser)
    shot(browser, "2-account-requests")
    confirm(browser, browser.find_element(By.CSS_SELECTOR, "[data-testid=activate-xincailiao]"))
    wait_for(browser, lambda d: "已为「瑞安浏览器测试新材料有限公司」开通账号" in body(d))

    # 3. the enterprise files a 高新技术企业 application and sees the pre-check
    log_in(browser, live_server, "xincailiao", ENTERPRISE_PASSWORD)
    wait_for(browser, lambda d: "/enterprise/" in d.current_url)
    click(browser, browser.find_element(By.LINK_TEXT, "认定申报"))
    click(browser, browser.find_element(By.PARTIAL_LINK_TEXT, "高新技术企业认定"))
    figures = hnte_post(ip_score="18", org_score="12")
    fill(browser, figures)
    # the pane follows the figures as they are typed in…
    click(browser, browser.find_element(By.NAME, "conversions"))
    wait_for(browser, lambda d: "预审结果" in d.find_element(By.ID, "precheck-pane").text)
    shot(browser, "3-live-precheck")
    # …and the button shows the same on a fresh page
    click(browser, browser.find_element(By.CSS_SELECTOR, "button[name=precheck]"))
    wait_for(browser, lambda d: "预审结果" in body(d))
    precheck = browser.find_element(By.CSS_SELECTOR, "[data-testid=precheck]").text
    assert "研发费用 720.00万元 / 销售收入 13500.00万元 = 5.33%" in precheck
    assert "（档次未经核实）" not in precheck  # the internal note is for the bureau only
    score = browser.find_element(By.CSS_SELECTOR, "[data-testid=score]").text
    assert score == "67–74"  # 18 + 25–30 + 12 + 12–14
    shot(browser, "3-precheck")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "button[name=save]"))
    wait_for(browser, lambda d: "申报已保存为草稿" in body(d))

    # 4. attaches a PDF and submits
    document = tmp_path / "营业执照.pdf"
    document.write_bytes(PDF_BYTES)
    browser.find_element(By.NAME, "description").send_keys("营业执照")
    browser.find_element(By.NAME, "file").send_keys(str(document))
    submit(browser, browser.find_element(By.XPATH, "//button[text()='上传']"))
    wait_for(browser, lambda d: "材料已上传" in body(d))
    assert "营业执照.pdf" in browser.find_element(By.CSS_SELECTOR, "[data-testid=attachments]").text
    shot(browser, "4-draft-with-attachment")
    # the server checks everything before the confirmation page shows what will be submitted
    click(browser, browser.find_element(By.LINK_TEXT, "检查并提交"))
    wait_for(browser, lambda d: "已检查全部申报数据和材料，没有发现问题" in body(d))
    submit(browser, browser.find_element(By.XPATH, "//button[text()='确认提交']"))
    wait_for(browser, lambda d: "申报已提交" in body(d))
    application = Application.objects.get()
    assert application.status == "submitted"

    # 5. staff return it with a comment
    log_in(browser, live_server, staff.username, PASSWORD)
    wait_for(browser, lambda d: "/staff/" in d.current_url)
    browser.get(f"{url}/enterprises/review/")
    click(browser, browser.find_element(By.PARTIAL_LINK_TEXT, "高新技术企业认定"))
    wait_for(browser, lambda d: "审核" in body(d))
    shot(browser, "5-staff-review")
    Select(browser.find_element(By.NAME, "action")).select_by_value("return")
    browser.find_element(By.NAME, "comment").send_keys("请补充近三年审计报告，并核实科技人员数。")
    confirm(browser, browser.find_element(By.ID, "review-submit"))
    wait_for(browser, lambda d: "已退回修改" in body(d))

    # 6. the enterprise revises and resubmits
    log_in(browser, live_server, "xincailiao", ENTERPRISE_PASSWORD)
    wait_for(browser, lambda d: "/enterprise/" in d.current_url)
    browser.get(f"{url}/enterprises/applications/{application.pk}/")
    assert "请补充近三年审计报告" in body(browser)
    click(browser, browser.find_element(By.LINK_TEXT, "修改数据"))
    fill(browser, {"st_staff": "32", "org_score": "16"})
    submit(browser, browser.find_element(By.CSS_SELECTOR, "button[name=save]"))
    wait_for(browser, lambda d: "申报已保存为草稿" in body(d))
    click(browser, browser.find_element(By.LINK_TEXT, "检查并提交"))
    wait_for(browser, lambda d: "没有发现问题" in body(d))
    submit(browser, browser.find_element(By.XPATH, "//button[text()='确认提交']"))
    wait_for(browser, lambda d: "申报已提交" in body(d))

    # 7. staff approve
    log_in(browser, live_server, staff.username, PASSWORD)
    wait_for(browser, lambda d: "/staff/" in d.current_url)
    browser.get(f"{url}/enterprises/applications/{application.pk}/")
    Select(browser.find_element(By.NAME, "action")).select_by_value("approve")
    browser.find_element(By.NAME, "comment").send_keys("材料齐全，同意推荐上报。")
    confirm(browser, browser.find_element(By.ID, "review-submit"))
    wait_for(browser, lambda d: "已审核通过" in body(d))

    # 8. the enterprise sees the timeline
    log_in(browser, live_server, "xincailiao", ENTERPRISE_PASSWORD)
    wait_for(browser, lambda d: "/enterprise/" in d.current_url)
    browser.get(f"{url}/enterprises/applications/{application.pk}/")
    timeline = browser.find_element(By.CSS_SELECTOR, "[data-testid=timeline]")
    shot(browser, "6-approved")
    # A viewport shot, not timeline.screenshot(): after an element screenshot headless Chromium
    # returns blank pages for every later screenshot of the session.
    browser.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", timeline
    )
    shot(browser, "7-timeline")
    text = timeline.text
    for step in (
        "草稿 → 已提交",
        "已提交 → 退回修改",
        "请补充近三年审计报告，并核实科技人员数。",
        "退回修改 → 已提交",
        "已提交 → 审核通过（推荐上报）",
        "材料齐全，同意推荐上报。",
    ):
        assert step in text
    assert (
        browser.find_element(By.CSS_SELECTOR, "[data-testid=status]").text == "审核通过（推荐上报）"
    )
