"""In headless Chromium: the enterprise fills and submits its 任务书 (first with a budget that
does not add up), staff sign it, and a disbursement is then allowed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import ARTIFACTS, PASSWORD, confirm, log_in, page_text
from kejiju.choices import Role
from projects import services
from projects.choices import FundingMode
from projects.task_book_models import TaskBookStatus

from .conftest import through_notice
from .test_browser_journey import fill, submit_action, wait_for_path

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def shot(driver, name):
    driver.save_screenshot(str(ARTIFACTS / f"task-book-{name}.png"))


def test_task_book_filled_submitted_signed_then_disbursed(
    browser, live_server, users, call, reviewers, specialty, file_app, to_review,
    audit_log_flushable,
):  # fmt: skip
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    staff, owner = users[Role.STAFF], users[Role.ENTERPRISE]
    today = timezone.localdate()
    project = through_notice(file_app(), call, staff, reviewers, to_review)
    project = services.approve(
        project=project,
        number="GY2026-0301",
        grant=Decimal("40"),
        funding_mode=FundingMode.TRANCHES,
        by=staff,
        today=today + dt.timedelta(days=15),
        ends_on=today + dt.timedelta(days=400),
    )
    url = f"{live_server.url}/projects/{project.pk}/task-book/"

    # 1. The enterprise fills the 任务书; a budget that does not add up is refused at the table.
    log_in(browser, live_server, owner.username, PASSWORD)
    wait_for_path(browser, live_server, "/enterprise/")
    browser.get(f"{live_server.url}/projects/{project.pk}/")
    browser.find_element(By.LINK_TEXT, "任务书").click()
    wait_for_path(browser, live_server, f"/projects/{project.pk}/task-book/")
    fill(browser, "id_tb-objectives", "研制新一代高效电机控制器，效率提升 5%，形成量产能力。")
    fill(browser, "id_tb-starts_on", today.isoformat())
    fill(browser, "id_ms-0-due_on", (today + dt.timedelta(days=180)).isoformat())
    fill(browser, "id_ms-0-content", "完成样机试制与测试")
    fill(browser, "id_ms-1-due_on", (today + dt.timedelta(days=390)).isoformat())
    fill(browser, "id_ms-1-content", "小批量试产，通过用户验证")
    Select(browser.find_element(By.ID, "id_ind-0-kind")).select_by_visible_text("发明专利申请")
    fill(browser, "id_ind-0-unit", "件")
    fill(browser, "id_ind-0-target", "2")
    Select(browser.find_element(By.ID, "id_ind-1-kind")).select_by_visible_text("新增销售收入")
    fill(browser, "id_ind-1-unit", "万元")
    fill(browser, "id_ind-1-target", "800")
    fill(browser, "id_bg-grant_equipment", "25")
    fill(browser, "id_bg-self_equipment", "40")
    fill(browser, "id_bg-grant_material", "10")
    fill(browser, "id_bg-self_labor", "15")
    shot(browser, "01-fill")
    confirm(browser, browser.find_element(By.CSS_SELECTOR, "[data-testid=submit-task-book]"))
    refused = browser.find_element(By.CSS_SELECTOR, "[data-testid=budget-errors]")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", refused)
    errors = refused.text
    assert "财政资助合计 35.00 万元，应等于批准的资助金额 40.00 万元" in errors
    assert "自筹合计 55.00 万元" in errors
    shot(browser, "02-budget-refused")
    project.task_books.get(status=TaskBookStatus.DRAFT)  # nothing submitted
    fill(browser, "id_bg-grant_material", "15")
    fill(browser, "id_bg-self_labor", "20")
    confirm(browser, browser.find_element(By.CSS_SELECTOR, "[data-testid=submit-task-book]"))
    assert "任务书已提交" in page_text(browser)
    book = project.task_books.get()
    assert book.status == TaskBookStatus.SUBMITTED and book.submitted_by == owner

    # 2. Staff find money refused, then sign the 任务书.
    log_in(browser, live_server, staff.username, PASSWORD)
    wait_for_path(browser, live_server, "/staff/")
    browser.get(f"{live_server.url}/projects/{project.pk}/")
    first = project.tranches.first()
    Select(browser.find_element(By.ID, "id_disburse-tranche")).select_by_value(str(first.pk))
    fill(browser, "id_disburse-amount", "20")
    fill(browser, "id_disburse-paid_on", today.isoformat())
    fill(browser, "id_disburse-voucher_no", "RA-2026-0301")
    confirm(browser, browser.find_element(By.CSS_SELECTOR, "[data-testid=submit-disburse]"))
    assert "任务书尚未签订" in page_text(browser)
    assert not project.disbursements.exists()
    browser.get(url)
    shot(browser, "03-staff-review")
    fill(browser, "id_rv-comment", "同意签订")
    confirm(browser, browser.find_element(By.CSS_SELECTOR, "[data-testid=sign-task-book]"))
    assert "任务书已审核签订" in page_text(browser)
    book.refresh_from_db()
    assert book.status == TaskBookStatus.SIGNED and len(book.pdf_sha256) == 64
    assert (
        book.pdf_sha256
        in browser.find_element(By.CSS_SELECTOR, "[data-testid=task-book-versions]").text
    )
    shot(browser, "04-signed")

    # 3. The disbursement is now allowed.
    browser.get(f"{live_server.url}/projects/{project.pk}/")
    Select(browser.find_element(By.ID, "id_disburse-tranche")).select_by_value(str(first.pk))
    submit_action(
        browser,
        live_server,
        project.pk,
        "disburse",
        {
            "id_disburse-amount": "20",
            "id_disburse-paid_on": today.isoformat(),
            "id_disburse-voucher_no": "RA-2026-0301",
        },
    )
    assert (
        "RA-2026-0301" in browser.find_element(By.CSS_SELECTOR, "[data-testid=disbursements]").text
    )
    project.refresh_from_db()
    assert project.disbursed == 20
    shot(browser, "05-disbursed")
