"""Issue 9: the portal's three users, each in one continuous story through the real pages of
headless Chromium, with a numbered screenshot of every step in
``tests/artifacts/journeys/<journey>/`` (kept by the CI run):

- ``clerk``: a 高新科 clerk imports an enterprise spreadsheet, finds and corrects one of the
  imported enterprises, then approves a submitted application from the review queue;
- ``enterprise``: an enterprise registers, is activated by staff, files a 科技型中小企业评价
  application with an attachment, is returned for revision, resubmits and downloads its documents;
- ``leader``: the leader opens the dashboard of the demo county, switches years and downloads the
  annual summary as PDF and Word.

Downloads are saved by the browser itself (Chrome's download behaviour) into ``downloads/`` next
to the screenshots, so what is checked is the file the user gets."""

import base64
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command

from conftest import ARTIFACTS, PASSWORD, SEED_FIGURES_2023, click, confirm, log_in, page_text
from conftest import submit as submit_form
from enterprises import services as enterprise_services
from enterprises.forms import HNTEForm
from enterprises.models import AccountRequest, Application, Enterprise
from enterprises.tests.factories import hnte_post
from kejiju.choices import ReportSection, Role
from kejiju.codes import make_credit_code
from patents.tests.factories import write_xlsx

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

JOURNEYS = ARTIFACTS / "journeys"
WINDOW = (1366, 900)


# ---- the browser as a user drives it ---------------------------------------------------------


class Journey:
    """One user's story: the browser, where it is served, and the numbered screenshots."""

    def __init__(self, browser, live_server, name: str):
        self.browser, self.url = browser, live_server.url
        self.live_server = live_server
        self.folder = JOURNEYS / name
        shutil.rmtree(self.folder, ignore_errors=True)  # the screenshots of this run only
        self.folder.mkdir(parents=True)
        self.downloads = self.folder / "downloads"
        self.step = 0

    # what the user sees

    def text(self) -> str:
        return page_text(self.browser)

    def wait_for(self, condition, seconds: float = 15) -> None:
        from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
        from selenium.webdriver.support.wait import WebDriverWait

        WebDriverWait(
            self.browser,
            seconds,
            ignored_exceptions=[StaleElementReferenceException, WebDriverException],
        ).until(condition)

    def see(self, *phrases: str) -> str:
        """Waits until the page shows every phrase; returns its text."""
        self.wait_for(lambda d: all(p in page_text(d) for p in phrases))
        return self.text()

    def at(self, path: str) -> None:
        self.wait_for(lambda d: d.current_url.removeprefix(self.url).startswith(path))

    def shot(self, name: str) -> Path:
        """The whole page, beyond the window, as ``NN-name.png``."""
        self.step += 1
        path = self.folder / f"{self.step:02d}-{name}.png"
        # from the top, so that sticky parts of the page sit where a reader first sees them
        self.browser.execute_script("window.scrollTo({top: 0, left: 0, behavior: 'instant'});")
        size = self.browser.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
        # the whole height is shown without a scrollbar: the page is as wide as the window
        width = max(size["width"], self.browser.execute_script("return window.innerWidth;"))
        image = self.browser.execute_cdp_cmd(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {
                    "x": 0,
                    "y": 0,
                    "width": width,
                    "height": min(size["height"], 6000),
                    "scale": 1,
                },
            },
        )
        path.write_bytes(base64.b64decode(image["data"]))
        return path

    # what the user does

    def find(self, by, value):
        return self.browser.find_element(by, value)

    def link(self, text: str, within=None) -> None:
        """Clicks the first link of the page's content (not of the menu bar), or of ``within``,
        whose text contains ``text``."""
        from selenium.webdriver.common.by import By

        scope = within or self.find(By.TAG_NAME, "main")
        click(self.browser, scope.find_element(By.PARTIAL_LINK_TEXT, text))

    def menu(self, group: str, item: str | None = None) -> None:
        """A top menu entry, or an item of one of its dropdowns."""
        from selenium.webdriver.common.by import By

        header = self.find(By.CSS_SELECTOR, "[data-testid=menu]")
        click(self.browser, header.find_element(By.LINK_TEXT, group))
        if item is not None:
            entry = header.find_element(By.LINK_TEXT, item)
            self.wait_for(lambda d: entry.is_displayed())
            entry.click()

    def button(self, text: str, within=None):
        from selenium.webdriver.common.by import By

        scope = within or self.browser
        return scope.find_element(By.XPATH, f".//button[normalize-space()='{text}']")

    def press(self, text: str, within=None) -> None:
        """Clicks a form's button and waits for the answer page."""
        submit_form(self.browser, self.button(text, within))

    def fill(self, values: dict) -> None:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import Select

        # the page's own fields, not the search box of the top bar (also named q)
        mains = self.browser.find_elements(By.TAG_NAME, "main")
        scope = mains[0] if mains else self.browser
        for name, value in values.items():
            element = scope.find_element(By.NAME, name)
            kind = element.get_attribute("type")
            if element.tag_name == "select":
                Select(element).select_by_visible_text(str(value))
            elif kind == "checkbox":
                if element.is_selected() != bool(value):
                    click(self.browser, element)
            elif kind == "file":
                element.send_keys(str(value))
            else:
                element.clear()
                element.send_keys(str(value))

    def log_in(self, username: str, password: str = PASSWORD) -> None:
        log_in(self.browser, self.live_server, username, password)

    def log_out(self) -> None:
        from selenium.webdriver.common.by import By

        self.press("退出", within=self.find(By.TAG_NAME, "header"))
        self.at("/accounts/login/")

    def download(self, text: str, name: str, within=None) -> bytes:
        """Clicks a download link and waits for the browser to finish writing the file (Chrome
        writes ``name.crdownload`` first and renames it when the download is complete)."""
        self.downloads.mkdir(exist_ok=True)
        self.browser.execute_cdp_cmd(
            "Browser.setDownloadBehavior",
            {"behavior": "allow", "downloadPath": str(self.downloads)},
        )
        target = self.downloads / name
        target.unlink(missing_ok=True)
        self.link(text, within)
        self.wait_for(lambda d: target.exists() and target.stat().st_size > 0, seconds=30)
        return target.read_bytes()


@pytest.fixture
def journey(browser, live_server, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    before = browser.get_window_size()
    browser.set_window_size(*WINDOW)

    def start(name: str) -> Journey:
        return Journey(browser, live_server, name)

    yield start
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "default"})
    browser.set_window_size(before["width"], before["height"])


def pdf_text(data: bytes) -> str:
    """The text of a PDF as pdftotext reads it, without whitespace."""
    assert data.startswith(b"%PDF-"), data[:20]
    result = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return re.sub(r"\s+", "", result.stdout.decode())


def pdf_pages(data: bytes, prefix: Path) -> list[Path]:
    """Renders every page of a PDF to ``<prefix>-N.png`` at 60 dpi (poppler's pdftoppm)."""
    source = prefix.with_suffix(".pdf")
    source.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(source), str(prefix)], check=True)
    source.unlink()
    return sorted(prefix.parent.glob(f"{prefix.name}-*.png"))


def one_page_pdf(text: str) -> bytes:
    """A small, well-formed one-page PDF showing ``text`` (ASCII) in Helvetica."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


# ---- 1. the bureau clerk -----------------------------------------------------------------------

IMPORTED = [
    {
        "统一社会信用代码": make_credit_code(7101),
        "企业名称": "瑞安市东山精密轴承有限公司",
        "所属镇街": "安阳街道",
        "行业类别": "通用设备制造业",
        "技术领域": "新材料",
        "成立日期": "2012-05-18",
        "注册资本(万元)": 800,
        "从业人数": 86,
        "联系人": "林工",
        "联系电话": "0577-65100001",
    },
    {
        "统一社会信用代码": make_credit_code(7102),
        "企业名称": "瑞安市飞云汽配科技有限公司",
        "所属镇街": "塘下镇",
        "行业类别": "汽车制造业",
        "技术领域": "",
        "成立日期": "2016-09-01",
        "注册资本(万元)": 1200,
        "从业人数": 140,
        "联系人": "周经理",
        "联系电话": "0577-65100002",
    },
    {
        "统一社会信用代码": make_credit_code(7103),
        "企业名称": "瑞安市云江新能源有限公司",
        "所属镇街": "安阳街道",
        "行业类别": "电气机械和器材制造业",
        "技术领域": "",
        "成立日期": "2019-03-12",
        "注册资本(万元)": 500,
        "从业人数": 45,
        "联系人": "黄工",
        "联系电话": "0577-65100003",
    },
]


def test_clerk_imports_corrects_and_reviews(
    journey, make_user, users, enterprise, tmp_path, audit_log_flushable
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    clerk = make_user(Role.STAFF, "gaoxinke", last_name="王", first_name="科员")
    # what is waiting for review: an enterprise's 高新技术企业 application, submitted
    owner = users[Role.ENTERPRISE]
    form = HNTEForm(hnte_post(), enterprise=enterprise)
    assert form.is_valid(), form.errors
    application = enterprise_services.save_application(
        enterprise=enterprise,
        kind="hnte",
        year=form.cleaned_data["year"],
        recognition=form.cleaned_data["recognition"],
        figures=form.figures(),
        by=owner,
    )
    enterprise_services.submit(application, by=owner)
    sheet = write_xlsx(tmp_path / "企业名录（新增）.xlsx", IMPORTED)
    j = journey("clerk")

    # 1. the clerk logs in and lands on the staff home with the to-do list
    j.log_in(clerk.username)
    j.at("/staff/")
    j.see("工作台", "待办事项", "企业申报待审核")
    j.shot("staff-home")

    # 2. imports the spreadsheet: upload, check, see the preview, confirm
    j.menu("数据维护", "表格导入")
    j.at("/imports/")
    Select(j.find(By.NAME, "layout")).select_by_value("enterprises")
    j.find(By.NAME, "file").send_keys(str(sheet))
    j.shot("import-form")
    j.press("上传并校验")
    page = j.see("数据预览", "确认导入（新增 3 行，更新 0 行）")
    assert "瑞安市东山精密轴承有限公司" in page and "已校验，尚未写入" in page
    assert not Enterprise.objects.filter(credit_code=IMPORTED[0]["统一社会信用代码"]).exists()
    j.shot("import-checked")
    j.press("确认导入（新增 3 行，更新 0 行）")
    j.wait_for(lambda d: "尚未写入" not in page_text(d))
    message = j.find(By.CSS_SELECTOR, "[data-testid=job-message]").text
    assert "新增 3" in message, message
    assert Enterprise.objects.filter(name__startswith="瑞安市").count() == 3
    j.shot("import-done")

    # 3. finds one imported enterprise through the registry's search
    j.menu("企业", "企业名录")
    j.at("/enterprises/")
    j.fill({"q": "东山精密"})
    j.press("查询")
    rows = j.find(By.CSS_SELECTOR, "table.kj-table tbody").text
    assert "瑞安市东山精密轴承有限公司" in rows and "飞云汽配" not in rows
    j.shot("registry-search")

    # 4. opens it and corrects its headcount and phone through the edit form
    j.link("瑞安市东山精密轴承有限公司")
    j.see("统一社会信用代码", IMPORTED[0]["统一社会信用代码"], "86")
    j.shot("enterprise-imported")
    j.link("修改")
    j.see("修改企业信息：瑞安市东山精密轴承有限公司")
    j.fill({"staff_count": "92", "phone": "0577-65100009"})
    j.shot("enterprise-edit")
    j.press("保存")
    page = j.see("企业信息已保存。")
    assert "0577-65100009" in page and "92" in page
    history = j.find(By.XPATH, "//h2[text()='修改记录']/following-sibling::ul").text
    assert "王科员 已创建 表格导入" in history and "王科员 已修改 科技局修改" in history, history
    corrected = Enterprise.objects.get(credit_code=IMPORTED[0]["统一社会信用代码"])
    assert (corrected.staff_count, corrected.phone) == (92, "0577-65100009")
    j.shot("enterprise-corrected")

    # 5. back on the home page, the to-do list leads to the review queue
    j.menu("工作台")
    j.at("/staff/")
    j.link("企业申报待审核")
    j.at("/enterprises/review/")
    queue = j.find(By.CSS_SELECTOR, "table.kj-table tbody").text
    assert enterprise.name in queue and "已提交" in queue
    j.shot("review-queue")

    # 6. reviews the application: reads it, approves it with the confirmation step
    j.link("高新技术企业认定")
    j.see("审核", "预审结果")
    j.fill({"action": "审核通过（推荐上报）", "comment": "材料齐全，同意推荐上报。"})
    j.shot("application-review")
    confirm(j.browser, j.find(By.ID, "review-submit"))
    j.see("已审核通过（推荐上报）")
    assert j.find(By.CSS_SELECTOR, "[data-testid=status]").text == "审核通过（推荐上报）"
    assert "材料齐全，同意推荐上报。" in j.find(By.CSS_SELECTOR, "[data-testid=timeline]").text
    application.refresh_from_db()
    assert application.status == "approved"
    j.shot("application-approved")


# ---- 2. the enterprise -------------------------------------------------------------------------

ENTERPRISE_PASSWORD = "Qiye-Zhuce-2026!"
SME_FIGURES = {
    "staff_total": "80",
    "st_staff": "16",
    "sales": "3200",
    "assets": "4500",
    "rd": "260",
    "cost_total": "2900",
    "ip_class1": "2",
    "ip_class2": "5",
}


def test_enterprise_registers_applies_revises_and_downloads(
    journey, make_user, town, tmp_path, audit_log_flushable
):
    from selenium.webdriver.common.by import By

    staff = make_user(Role.STAFF, "gaoxinke", last_name="王", first_name="科员")
    code = make_credit_code(8321)
    licence = tmp_path / "营业执照.pdf"
    licence.write_bytes(one_page_pdf("Business licence 913303"))
    j = journey("enterprise")

    # 1. the enterprise registers on the public page, reached from the login page
    j.browser.delete_all_cookies()
    j.browser.get(f"{j.url}/accounts/login/")
    j.link("企业用户注册")
    j.at("/enterprises/register/")
    j.fill(
        {
            "credit_code": code,
            "enterprise_name": "瑞安市华瓯智能科技有限公司",
            "town": town.name,
            "contact": "陈经理",
            "phone": "13957700321",
            "email": "chen@huaou.example.com",
            "username": "huaou",
            "password1": ENTERPRISE_PASSWORD,
            "password2": ENTERPRISE_PASSWORD,
            "legal_representative": True,
            "licence": licence,
        }
    )
    j.shot("register")
    j.press("提交注册申请")
    j.see("注册申请已提交")
    assert AccountRequest.objects.get().status == "pending"
    j.shot("registered")

    # 2. staff activate the account from their to-do list
    j.log_in(staff.username)
    j.at("/staff/")
    j.link("企业账号待激活")
    j.at("/enterprises/accounts/")
    j.see("瑞安市华瓯智能科技有限公司", code, "新建企业", "营业执照")
    j.shot("staff-account-requests")
    confirm(j.browser, j.find(By.CSS_SELECTOR, "[data-testid=activate-huaou]"))
    j.see("已为「瑞安市华瓯智能科技有限公司」开通账号 huaou。")
    assert [m.subject for m in mail.outbox if "chen@huaou.example.com" in m.to] == [
        "【科技局】企业账号已开通"
    ]
    j.shot("staff-activated")
    j.log_out()

    # 3. the enterprise logs in and files a 科技型中小企业评价 application
    j.log_in("huaou", ENTERPRISE_PASSWORD)
    j.at("/enterprise/")
    j.see("企业工作台", "瑞安市华瓯智能科技有限公司")
    j.shot("enterprise-home")
    j.menu("认定申报")
    j.at("/enterprises/applications/")
    j.link("新建：科技型中小企业评价")
    j.see("新建申报：科技型中小企业评价")
    j.fill(
        {
            "year": "2026",
            "resident_taxed": True,
            "not_restricted": True,
            "no_violation": True,
            **SME_FIGURES,
        }
    )
    # the pre-check pane follows the figures as they are typed in
    click(j.browser, j.find(By.NAME, "ip_class2"))
    j.wait_for(lambda d: "预审结果" in d.find_element(By.ID, "precheck-pane").text)
    pane = j.find(By.ID, "precheck-pane").text
    assert "符合" in pane, pane
    j.shot("application-live-precheck")
    j.press("保存草稿")
    j.see("申报已保存为草稿")
    application = Application.objects.get(enterprise__credit_code=code)
    assert (application.kind, application.status) == ("tech_sme", "draft")

    # 4. attaches its licence and submits
    j.fill({"description": "营业执照", "file": licence})
    j.press("上传")
    j.see("材料已上传。")
    assert "营业执照.pdf" in j.find(By.CSS_SELECTOR, "[data-testid=attachments]").text
    j.shot("application-draft-with-attachment")
    j.link("检查并提交")
    j.see("已检查全部申报数据和材料，没有发现问题", "营业执照.pdf")
    j.shot("application-confirm")
    assert Application.objects.get(pk=application.pk).status == "draft"
    j.press("确认提交")
    j.see("申报已提交，请等待科技局审核。")
    j.shot("application-submitted")
    j.log_out()

    # 5. a staff reviewer returns it for revision with a comment
    j.log_in(staff.username)
    j.at("/staff/")
    j.link("企业申报待审核")
    j.at("/enterprises/review/")
    j.link("2026年科技型中小企业评价")
    j.fill({"action": "退回修改", "comment": "科技人员数与社保缴纳名单不符，请核实后重新填报。"})
    j.shot("staff-return")
    confirm(j.browser, j.find(By.ID, "review-submit"))
    j.see("已退回修改。")
    j.log_out()

    # 6. the enterprise sees the return on its home page, revises and resubmits
    j.log_in("huaou", ENTERPRISE_PASSWORD)
    j.at("/enterprise/")
    worklist = j.find(By.CSS_SELECTOR, "[data-testid=worklist]").text
    assert "被退回修改的认定申报\n1" in worklist, worklist
    j.shot("enterprise-home-returned")
    j.link("被退回修改的认定申报")
    j.see("退回修改")
    j.link("2026年科技型中小企业评价")
    notice = j.find(By.CSS_SELECTOR, "[data-testid=review-comment]").text
    assert "科技局已退回修改" in notice
    assert "科技人员数与社保缴纳名单不符，请核实后重新填报。" in notice
    j.shot("application-returned")
    j.link("修改数据")
    # a slip on the first try: the message at its field, nothing submitted
    j.fill({"st_staff": "十四"})
    j.press("检查并提交")
    j.see("请按红字提示修改")
    j.shot("application-errors")
    assert Application.objects.get(pk=application.pk).status == "returned"
    j.fill({"st_staff": "14"})
    j.press("检查并提交")
    j.see("已检查全部申报数据和材料，没有发现问题")
    j.press("确认提交")
    j.see("申报已提交，请等待科技局审核。")
    timeline = j.find(By.CSS_SELECTOR, "[data-testid=timeline]").text
    for step in ("草稿 → 已提交", "已提交 → 退回修改", "退回修改 → 已提交"):
        assert step in timeline, timeline
    application.refresh_from_db()
    assert (application.status, application.figures["st_staff"]) == ("submitted", 14)
    j.shot("application-resubmitted")

    # 7. downloads its documents: the application as a PDF, and its attachment
    printed = pdf_text(j.download("下载申报书（PDF）", "2026年科技型中小企业评价申报书.pdf"))
    assert "瑞安市华瓯智能科技有限公司" in printed and code in printed
    attachment = j.download("营业执照.pdf", "营业执照.pdf")
    assert attachment == licence.read_bytes()
    assert "Businesslicence913303" in pdf_text(attachment)
    j.shot("documents-downloaded")


# ---- 3. the leader -----------------------------------------------------------------------------


def charts_drawn(driver) -> bool:
    """Every chart of the page is drawn by ECharts, on a canvas, and its animation is over."""
    return driver.execute_script(
        """
        var charts = document.querySelectorAll(".kj-chart");
        return charts.length > 0 && Array.prototype.every.call(charts, function (el) {
          var chart = window.echarts && echarts.getInstanceByDom(el);
          return !!chart && !!el.querySelector("canvas") && chart.getZr().animation.isFinished();
        });
        """
    )


# the demo county's 2023 figures (seed/README.md) as the summary words them
COUNTY_FIGURES = [
    # 258,310 万元: a leader reads 亿元
    f"技术市场实现交易额{SEED_FIGURES_2023['techmarket.turnover'] / 10000:.2f}亿元",
    f"发明专利申请量达{SEED_FIGURES_2023['patent.invention.applications']:,}件",
    f"发明专利授权量达{SEED_FIGURES_2023['patent.invention.grants']}件",
]


def test_leader_reads_the_dashboard_and_downloads_the_summary(
    journey, make_user, monkeypatch, tmp_path, audit_log_flushable
):
    from selenium.webdriver.common.by import By

    from kejiju import demo

    monkeypatch.setattr(demo, "LOGINS_FILE", tmp_path / "demo-logins.json")
    call_command("load_demo", "--quiet-logins", stdout=io.StringIO())
    leader = make_user(Role.LEADER, "zhaojuzhang", last_name="赵", first_name="局长")
    j = journey("leader")

    # 1. the leader logs in; the home page is the dashboard of the current year, compared with
    # the same months of last year, with figures (the demo county runs up to yesterday)
    from django.utils import timezone

    from reports.dashboard import period_of

    today = timezone.localdate()
    j.log_in(leader.username)
    j.at("/reports/")
    j.menu("领导驾驶舱")
    j.see(f"{today.year}年度科技工作指标", f"{today.year}年目标完成情况")
    j.see(period_of(today.year).comparison)
    j.wait_for(charts_drawn)
    j.shot("dashboard-current-year")
    j.fill({"year": "2023年"})
    j.see("2023年度科技工作指标", "2023年目标完成情况")
    j.wait_for(charts_drawn)
    titles = [
        c.get_attribute("aria-label") for c in j.browser.find_elements(By.CSS_SELECTOR, ".kj-chart")
    ]
    assert titles == [f"{section.label}近五年趋势" for section in ReportSection]
    figures = j.find(By.CSS_SELECTOR, "[data-testid=key-figures]").text
    assert f"{SEED_FIGURES_2023['patent.invention.applications']:,}" in figures
    # the leader reads indicators by name; their codes are for the staff who write the summary
    assert "patent.invention.applications" not in j.text()
    j.shot("dashboard-2023")

    # 2. the year selector switches the year
    j.fill({"year": "2022年"})
    j.see("2022年度科技工作指标")
    assert j.find(By.CSS_SELECTOR, "[data-testid=key-figures]").text != figures
    j.wait_for(charts_drawn)
    j.shot("dashboard-2022")
    j.fill({"year": "2023年"})
    j.see("2023年度科技工作指标")

    # 3. starts the annual summary as a PDF, waits for it, downloads it
    j.link("年度工作总结")
    j.see("2023年度工作总结")
    j.shot("summary-page")
    j.press("生成 PDF 版")
    j.wait_for(
        lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid=jobs] tr[data-state=succeeded]"),
        seconds=120,
    )
    j.shot("summary-pdf-ready")
    summary_pdf = j.download("下载", "2023年度工作总结.pdf")
    printed = pdf_text(summary_pdf)
    assert "瑞安市科学技术局2023年工作总结" in printed
    # every page of the summary as a picture beside the screenshots, to be looked at
    pages = pdf_pages(summary_pdf, j.folder / f"{j.step + 1:02d}-summary-pdf")
    assert len(pages) >= 3
    for sentence in COUNTY_FIGURES:
        assert sentence in printed, sentence

    # 4. and as Word
    j.press("生成 Word 版")
    j.wait_for(
        lambda d: (
            len(d.find_elements(By.CSS_SELECTOR, "[data-testid=jobs] tr[data-state=succeeded]"))
            == 2
        ),
        seconds=120,
    )
    j.shot("summary-word-ready")
    row = j.find(By.CSS_SELECTOR, "[data-testid=jobs] tr[data-state=succeeded]")
    assert "Word" in row.text and "赵局长" in row.text
    word = j.download("下载", "2023年度工作总结.docx", within=row)
    with zipfile.ZipFile(io.BytesIO(word)) as document:
        body = re.sub(r"<[^>]+>", "", document.read("word/document.xml").decode())
    for sentence in COUNTY_FIGURES:
        assert sentence in body, sentence
