"""Issue 6, Done when 1: a draw with avoidance, an online decline and replacement, an online
acceptance with the no-conflict declaration and scores, the printed record, verification."""

import re
import subprocess
import urllib.request

import pytest

from conftest import ARTIFACTS, PASSWORD, click, confirm, log_in, page_text, submit
from experts.choices import MemberRole
from experts.models import Draw, Expert, ExpertSpecialty, Review, Specialty
from kejiju.choices import Role

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def wait_for_path(driver, live_server, prefix):
    from selenium.webdriver.support.wait import WebDriverWait

    WebDriverWait(driver, 10).until(
        lambda d: d.current_url.removeprefix(live_server.url).startswith(prefix)
    )


def text(driver) -> str:
    return page_text(driver)


def test_draw_decline_replace_accept_score_print_and_verify(
    browser,
    live_server,
    users,
    make_user,
    enterprise,
    audit_log_flushable,  # noqa: F811
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    root = Specialty.objects.create(name="工业与制造")
    leaf = Specialty.objects.create(name="汽车零部件", parent=root)
    experts = []
    for i in range(10):
        expert = Expert.objects.create(
            name=f"专家{'甲乙丙丁戊己庚辛壬癸'[i]}",
            employer="温州大学",
            title="senior",
            specialties="汽车零部件",
            mobile=f"1370577{i:04d}",
        )
        ExpertSpecialty.objects.create(expert=expert, specialty=leaf)
        experts.append(expert)
    insider = experts[0]
    insider.employer, insider.employer_enterprise = enterprise.name, enterprise
    insider.save()

    # staff draw 5 main + 2 backup experts
    log_in(browser, live_server, users[Role.STAFF].username, PASSWORD)
    wait_for_path(browser, live_server, "/staff/")
    browser.get(f"{live_server.url}/experts/draws/new/")
    Select(browser.find_element(By.ID, "id_purpose")).select_by_visible_text("企业申报评审")
    browser.find_element(By.ID, "id_subject").send_keys(f"{enterprise.name} 高新技术企业认定申请")
    Select(browser.find_element(By.ID, "id_specialties")).select_by_visible_text("工业与制造")
    browser.find_element(By.ID, "id_applicants").send_keys(enterprise.credit_code)
    browser.find_element(By.ID, "id_supervisor").send_keys("纪检组 陈监督")
    browser.save_screenshot(str(ARTIFACTS / "experts-1-draw-form.png"))
    button = browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]")
    click(browser, button)
    wait_for_path(browser, live_server, "/experts/draws/")
    page = text(browser)
    browser.save_screenshot(str(ARTIFACTS / "experts-2-drawn.png"))
    assert "已抽取正选 5 人、备选 2 人" in page
    assert f"{insider.name}（{enterprise.name}）" in page and "现在或近三年在申报单位任职" in page
    record = Draw.objects.get()
    assert insider.pk not in record.pool

    # a drawn expert declines online and the first backup replaces them
    decliner = record.members.get(role=MemberRole.MAIN, position=1)
    make_user(Role.EXPERT, username="decliner", expert=decliner.expert)
    log_in(browser, live_server, "decliner", PASSWORD)
    wait_for_path(browser, live_server, "/experts/my/")
    browser.get(f"{live_server.url}/experts/my/{decliner.pk}/")
    browser.find_element(By.ID, "id_reason").send_keys("在外地出差")
    confirm(browser, browser.find_element(By.CSS_SELECTOR, "button[name=decline]"))
    wait_for_path(browser, live_server, "/experts/my/")
    backup = record.members.get(role=MemberRole.BACKUP, position=1)
    assert backup.replacing.replaced == decliner

    # another expert accepts, declares no conflict and scores
    scorer = record.members.get(role=MemberRole.MAIN, position=2)
    make_user(Role.EXPERT, username="scorer", expert=scorer.expert)
    log_in(browser, live_server, "scorer", PASSWORD)
    wait_for_path(browser, live_server, "/experts/my/")
    browser.get(f"{live_server.url}/experts/my/{scorer.pk}/")
    assert "评分与意见" not in text(browser)  # nothing to see before the declaration
    click(browser, browser.find_element(By.ID, "id_no_conflict"))
    submit(browser, browser.find_element(By.CSS_SELECTOR, "button[name=declare]"))
    wait_for_path(browser, live_server, f"/experts/my/{scorer.pk}/")
    for index, score in enumerate(("90", "85", "80", "75", "70")):
        browser.find_element(By.ID, f"id_score_{index}").send_keys(score)
    browser.find_element(By.ID, "id_comment").send_keys("技术先进，建议通过。")
    browser.save_screenshot(str(ARTIFACTS / "experts-3-scoring.png"))
    confirm(browser, browser.find_element(By.CSS_SELECTOR, "button[name=score]"))
    wait_for_path(browser, live_server, f"/experts/my/{scorer.pk}/")
    assert "已提交" in text(browser)
    assert Review.objects.get(member=scorer).total == 80

    # staff see it all, verify, and print the record
    log_in(browser, live_server, users[Role.STAFF].username, PASSWORD)
    wait_for_path(browser, live_server, "/staff/")
    browser.get(f"{live_server.url}/experts/draws/{record.pk}/")
    page = text(browser)
    assert (
        f"由备选 {backup.expert.name} 递补" in page
        and "在外地出差" in page
        and "评审得分 80.00" in page
    )
    submit(browser, browser.find_element(By.XPATH, "//button[contains(., '核验抽取结果')]"))
    wait_for_path(browser, live_server, f"/experts/draws/{record.pk}/")
    browser.save_screenshot(str(ARTIFACTS / "experts-4-verified.png"))
    assert "核验通过" in text(browser)

    cookie = browser.get_cookie("sessionid")["value"]
    request = urllib.request.Request(
        f"{live_server.url}/experts/draws/{record.pk}/record.pdf",
        headers={"Cookie": f"sessionid={cookie}"},
    )
    pdf = urllib.request.urlopen(request).read()
    (ARTIFACTS / "experts-draw-record.pdf").write_bytes(pdf)
    printed = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    printed = re.sub(r"\s+", "", printed)
    for expected in (
        "专家随机抽取记录",
        "纪检组陈监督",
        "在外地出差",
        f"递补{decliner.expert.name}",
        insider.name,
        "现在或近三年在申报单位任职",
        "通过：按记录的种子",
        record.seed[:40],
    ):
        assert expected in printed, expected
