"""A clerk imports the list an office sent: an Excel 97-2003 (.xls) file with a title, a
填报单位 line, a 序号 column, a hidden (注销) row and a 合计 row, updating an enterprise already on
the registry. The preview says what was read and skipped and which stored values change; the
screenshots at 1,366, 1,100 and 390 px wide are kept in ``tests/artifacts/journeys/import/``."""

import datetime as dt

import pytest

from enterprises.models import Enterprise
from kejiju.choices import Role
from kejiju.codes import make_credit_code
from kejiju.models import Town
from kejiju.tests.office import SheetSpec, write_xls
from tests.test_journeys import journey  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = (1366, 1100, 390)


def test_clerk_imports_an_office_xls_with_title_rows(
    journey,  # noqa: F811
    make_user,
    tmp_path,
    audit_log_flushable,
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    towns = list(Town.objects.values_list("name", flat=True)[:2])
    codes = [make_credit_code(serial) for serial in (41, 42, 43)]
    Enterprise.objects.create(
        credit_code=codes[0],
        name="瑞安市东山精密轴承有限公司",
        town=Town.objects.get(name=towns[0]),
        staff_count=120,
        phone="0577-65810001",
    )
    rows = [
        ["2023年度高新技术企业名单"],
        ["填报单位：瑞安市科学技术局", None, None, None, None, "填报日期：2024年1月5日"],
        ["序号", "统一社会信用代码", "企业名称", "镇街", "成立时间", "从业人员", "联系电话"],
        [1, codes[0], "瑞安市东山精密轴承有限公司", towns[0], None, 135, None],
        [2, codes[1], "瑞安市飞云汽配有限公司", towns[1], dt.date(2012, 5, 6), 80, "0577-65810002"],
        [3, codes[2], "瑞安市已注销机械厂", towns[1], dt.date(2001, 1, 1), 5, None],
        ["合计", None, None, None, None, 220, None],
    ]
    sheet = write_xls(
        tmp_path / "2023年度高企名单.xls",
        [
            SheetSpec("填报说明", [["请按模板填写"]]),
            SheetSpec("名单", rows, hidden_rows={6}, merged=["A1:G1"]),
        ],
        active=1,
    )
    clerk = make_user(Role.STAFF, "gaoxinke2", last_name="王", first_name="科员")
    j = journey("import")
    j.log_in(clerk.username)
    j.at("/staff/")
    j.browser.get(f"{j.url}/imports/")
    Select(j.find(By.NAME, "layout")).select_by_value("enterprises")
    j.find(By.NAME, "file").send_keys(str(sheet))
    j.press("上传并校验")
    page = j.see("读取情况", "更新的记录", "确认导入（新增 1 行，更新 1 行）")
    for phrase in (
        "旧版 Excel（.xls，Excel 97-2003）；读取工作表「名单」（当前工作表）；第 3 行为列名。",
        "标题行（未导入）：第 1 行「2023年度高新技术企业名单」；第 2 行「填报单位：瑞安市科学技术局」",
        "第 6 行为隐藏行，已跳过。",
        "第 7 行为合计行，已跳过。",
        "不导入的列：「序号」",
        "「从业人员」→「从业人数」",
    ):
        assert phrase in page, phrase
    changes = j.find(By.CSS_SELECTOR, "[data-testid=job-changes]").text
    assert "从业人数：120 → 135" in changes and "联系电话" not in changes
    for width in WIDTHS:
        j.browser.set_window_size(width, 900)
        j.shot(f"preview-{width}")
    j.browser.set_window_size(1366, 900)
    j.press("确认导入（新增 1 行，更新 1 行）")
    j.see("导入完成")
    kept = Enterprise.objects.get(credit_code=codes[0])
    assert (kept.staff_count, kept.phone) == (135, "0577-65810001")  # blank cells kept
    assert not Enterprise.objects.filter(credit_code=codes[2]).exists()  # the hidden row
    j.shot("imported")
