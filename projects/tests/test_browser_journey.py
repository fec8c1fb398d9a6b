"""Issue 7, Done when 1: an application carried from the call to acceptance in headless
Chromium, with the enterprise's timeline showing every step."""

import datetime as dt

import pytest
from django.utils import timezone

from conftest import ARTIFACTS, PASSWORD, click, confirm, log_in, page_text, submit
from experts.services import active_panel
from kejiju.choices import Role
from projects.models import Call, Project

from .conftest import sign_task_book

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def wait_for_path(driver, live_server, prefix):
    from selenium.webdriver.support.wait import WebDriverWait

    WebDriverWait(driver, 10).until(
        lambda d: d.current_url.removeprefix(live_server.url).startswith(prefix)
    )


def body(driver) -> str:
    return page_text(driver)


def fill(driver, field_id: str, value: str) -> None:
    from selenium.webdriver.common.by import By

    element = driver.find_element(By.ID, field_id)
    if element.get_attribute("type") == "date":
        # Chromium's date widget reads keys in the browser's locale; set the ISO value instead.
        driver.execute_script("arguments[0].value = arguments[1];", element, value)
    else:
        element.clear()
        element.send_keys(value)


def submit_action(driver, live_server, project_pk, name, fields: dict, selects: dict = ()):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    for field_id, value in dict(selects).items():
        Select(driver.find_element(By.ID, field_id)).select_by_visible_text(value)
    for field_id, value in fields.items():
        fill(driver, field_id, value)
    confirm(driver, driver.find_element(By.CSS_SELECTOR, f"[data-testid=submit-{name}]"))
    wait_for_path(driver, live_server, f"/projects/{project_pk}/")


def shot(driver, name):
    driver.save_screenshot(str(ARTIFACTS / f"projects-{name}.png"))


def test_application_to_acceptance(
    browser, live_server, users, call, reviewers, specialty, settings, audit_log_flushable
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    settings.PROJECT_AUDIT_THRESHOLD = "30"
    staff = users[Role.STAFF]
    enterprise_user = users[Role.ENTERPRISE]
    today = timezone.localdate()

    # The public portal lists the open call without login.
    browser.get(f"{live_server.url}/")
    assert call.title in body(browser)
    shot(browser, "01-portal")

    # 1. The enterprise applies.
    log_in(browser, live_server, enterprise_user.username, PASSWORD)
    wait_for_path(browser, live_server, "/enterprise/")
    browser.get(f"{live_server.url}/projects/my/")
    click(browser, browser.find_element(By.LINK_TEXT, "申报"))
    wait_for_path(browser, live_server, f"/projects/calls/{call.pk}/apply/")
    for field_id, value in {
        "id_name": "高效永磁电机控制器研发",
        "id_summary": "研发新一代高效永磁电机控制器，效率提升 5%。",
        "id_starts_on": today.isoformat(),
        "id_ends_on": (today + dt.timedelta(days=540)).isoformat(),
        "id_budget_total": "120",
        "id_self_raised": "80",
        "id_requested": "40",
    }.items():
        fill(browser, field_id, value)
    shot(browser, "02-apply")
    # A first try over the call's cap and with a total that does not add up: both messages at
    # once, nothing filed; the typed values stay in the form (now a draft).
    fill(browser, "id_requested", "70")
    submit(browser, browser.find_element(By.ID, "check-application"))
    page = body(browser)
    assert "共 2 处需要修改" in page and "超过本通知单个项目上限" in page
    assert "总预算应等于自筹资金与申请资助之和" in page and not Project.objects.exists()
    shot(browser, "02b-apply-errors")
    fill(browser, "id_requested", "40")
    submit(browser, browser.find_element(By.ID, "check-application"))
    wait_for_path(browser, live_server, "/projects/drafts/")
    assert "已检查全部内容，没有发现问题" in body(browser) and not Project.objects.exists()
    shot(browser, "02c-apply-confirm")
    submit(browser, browser.find_element(By.ID, "confirm-application"))
    wait_for_path(browser, live_server, "/projects/")
    project = Project.objects.get()
    assert "申报已提交" in body(browser)

    # 2. Staff pass the formal review and draw the experts.
    log_in(browser, live_server, staff.username, PASSWORD)
    wait_for_path(browser, live_server, "/staff/")
    browser.get(f"{live_server.url}/projects/{project.pk}/")
    submit_action(
        browser,
        live_server,
        project.pk,
        "formal",
        {"id_formal-comment": "材料齐全"},
        {"id_formal-decision": "通过"},
    )
    assert "形式审查通过" in body(browser)
    Select(browser.find_element(By.ID, "id_draw-specialties")).select_by_visible_text(
        specialty.name
    )
    submit_action(
        browser,
        live_server,
        project.pk,
        "draw",
        {"id_draw-main": "3", "id_draw-backups": "1", "id_draw-supervisor": "纪检组 陈监督"},
    )
    assert "进入专家评审" in body(browser)
    project.refresh_from_db()

    # 3. Two drawn experts declare no conflict, read the material and score online.
    by_expert = {u.expert_id: u for u in reviewers}
    for member, marks in zip(active_panel(project.draw), ("88", "92"), strict=False):
        user = by_expert[member.expert_id]
        log_in(browser, live_server, user.username, PASSWORD)
        wait_for_path(browser, live_server, "/experts/my/")
        browser.get(f"{live_server.url}/experts/my/{member.pk}/")
        click(browser, browser.find_element(By.ID, "id_no_conflict"))
        submit(browser, browser.find_element(By.CSS_SELECTOR, "button[name=declare]"))
        wait_for_path(browser, live_server, f"/experts/my/{member.pk}/")
        browser.get(f"{live_server.url}/projects/review/{member.pk}/")
        assert "效率提升 5%" in body(browser)
        click(browser, browser.find_element(By.LINK_TEXT, "去评分"))
        for index in range(5):
            fill(browser, f"id_score_{index}", marks)
        fill(browser, "id_comment", "技术路线可行，建议立项。")
        confirm(browser, browser.find_element(By.CSS_SELECTOR, "button[name=score]"))
        wait_for_path(browser, live_server, f"/experts/my/{member.pk}/")
        assert "已提交" in body(browser)
    shot(browser, "03-expert-scored")

    # 4. After the call closes, staff end the review, see the ranking and propose the list.
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    log_in(browser, live_server, staff.username, PASSWORD)
    wait_for_path(browser, live_server, "/staff/")
    browser.get(f"{live_server.url}/projects/calls/{call.pk}/")
    assert "88" not in browser.find_element(By.CSS_SELECTOR, "[data-testid=queue]").text
    confirm(browser, browser.find_element(By.CSS_SELECTOR, "button[value=close_review]"))
    ranking = browser.find_element(By.CSS_SELECTOR, "[data-testid=ranking]").text
    assert "90.00" in ranking and "高效永磁电机控制器研发" in ranking
    shot(browser, "04-ranking")
    confirm(browser, browser.find_element(By.CSS_SELECTOR, "button[value=propose]"))
    confirm(browser, browser.find_element(By.CSS_SELECTOR, "button[value=notice]"))
    assert "已发布拟立项公示" in body(browser)
    browser.get(f"{live_server.url}/projects/public/")
    assert (
        "高效永磁电机控制器研发"
        in browser.find_element(By.CSS_SELECTOR, "[data-testid=notices]").text
    )

    # 5. The notice period passes: move it into the past.
    call.refresh_from_db()
    shift = (call.notice_ends_on - today).days + 1
    Call.objects.filter(pk=call.pk).update(
        notice_starts_on=call.notice_starts_on - dt.timedelta(days=shift),
        notice_ends_on=call.notice_ends_on - dt.timedelta(days=shift),
    )

    # 6. Approval with 分期拨付, then the first tranche.
    browser.get(f"{live_server.url}/projects/{project.pk}/")
    submit_action(
        browser,
        live_server,
        project.pk,
        "approve",
        {
            "id_approve-number": "GY2026-0001",
            "id_approve-grant": "40",
            "id_approve-first_tranche": "24",
            "id_approve-ends_on": (today + dt.timedelta(days=540)).isoformat(),
        },
        {"id_approve-funding_mode": "分期拨付"},
    )
    assert "已立项" in body(browser)
    project.refresh_from_db()
    assert (project.status, project.funding, project.approved_on) == ("approved", 40, today)
    first, final = project.tranches.all()
    # The 任务书 is signed before any money (its own journey: test_task_book_browser.py).
    sign_task_book(project, enterprise_user, staff)
    browser.refresh()
    Select(browser.find_element(By.ID, "id_disburse-tranche")).select_by_value(str(first.pk))
    submit_action(
        browser,
        live_server,
        project.pk,
        "disburse",
        {
            "id_disburse-amount": "24",
            "id_disburse-paid_on": today.isoformat(),
            "id_disburse-voucher_no": "RA-2026-0088",
        },
    )
    assert (
        "RA-2026-0088" in browser.find_element(By.CSS_SELECTOR, "[data-testid=disbursements]").text
    )

    # 7. The enterprise applies for acceptance.
    log_in(browser, live_server, enterprise_user.username, PASSWORD)
    wait_for_path(browser, live_server, "/enterprise/")
    browser.get(f"{live_server.url}/projects/{project.pk}/")
    submit_action(
        browser,
        live_server,
        project.pk,
        "acceptance",
        {"id_acceptance-summary": "各项指标均已完成，产品已量产。"},
    )

    # 8. Staff record the audit, accept, and pay the final tranche.
    log_in(browser, live_server, staff.username, PASSWORD)
    wait_for_path(browser, live_server, "/staff/")
    browser.get(f"{live_server.url}/projects/{project.pk}/")
    submit_action(
        browser,
        live_server,
        project.pk,
        "audit",
        {
            "id_audit-firm": "瑞安某会计师事务所",
            "id_audit-audited_expenditure": "118.5",
            "id_audit-audited_on": today.isoformat(),
            "id_audit-findings": "专款专用，支出合规。",
        },
    )
    submit_action(
        browser,
        live_server,
        project.pk,
        "decide",
        {"id_decide-comment": "同意通过验收"},
        {"id_decide-result": "通过"},
    )
    Select(browser.find_element(By.ID, "id_disburse-tranche")).select_by_value(str(final.pk))
    submit_action(
        browser,
        live_server,
        project.pk,
        "disburse",
        {
            "id_disburse-amount": "16",
            "id_disburse-paid_on": today.isoformat(),
            "id_disburse-voucher_no": "RA-2026-0199",
        },
    )
    shot(browser, "05-staff-project")
    project.refresh_from_db()
    assert project.disbursed == 40 and project.status == "accepted"

    # 9. The enterprise's timeline shows every step.
    log_in(browser, live_server, enterprise_user.username, PASSWORD)
    wait_for_path(browser, live_server, "/enterprise/")
    browser.get(f"{live_server.url}/projects/{project.pk}/")
    timeline = browser.find_element(By.CSS_SELECTOR, "[data-testid=timeline]").text
    shot(browser, "06-enterprise-timeline")
    steps = [
        "提交申报",
        "形式审查通过",
        "进入专家评审",
        "列入拟立项名单",
        "拟立项公示",
        "立项",
        "拨付第1期资金",
        "申请验收",
        "财务审计",
        "验收通过",
        "拨付第2期资金",
    ]
    lines = [line.strip() for line in timeline.splitlines()]
    assert [line for line in lines if line in steps] == steps
    assert "验收通过" in browser.find_element(By.CSS_SELECTOR, "[data-testid=stage]").text
