"""Spreadsheets shaped the way county offices keep them, through ``import_sheet`` and the
stored records: title rows, 序号 and 合计, hidden and merged rows, .xls and .ods, the data on
another sheet, rows without references, headers and labels as clerks write them, partial
re-imports that erase nothing."""

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from enterprises.models import Enterprise, Qualification
from experts.models import Expert, ExpertSpecialty, Specialty
from kejiju.codes import make_credit_code
from kejiju.imports import AmbiguousSheet, SheetError, run_import
from kejiju.models import Town
from kejiju.tests.office import SheetSpec, write_book, write_csv, write_xlsx
from patents.models import Patent
from patents.tests.factories import app_number

pytestmark = pytest.mark.django_db

CODES = [make_credit_code(serial) for serial in range(1, 6)]
FORMATS = [".xlsx", ".xls", ".ods"]


def run(path, layout="enterprises", *args):
    """(exit status, stdout, stderr) of ``import_sheet``."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_sheet", layout, str(path), *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return exc.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def towns():
    return list(Town.objects.values_list("name", flat=True)[:2])


def office_list(towns) -> list[list]:
    """企业名录 as an office keeps it: a title, a 填报单位 line, headers written their own way,
    a 序号 column, a town merged down two rows, a hidden (注销) row and a 合计 row."""
    return [
        ["2023年度高新技术企业名单"],
        ["填报单位：科技局", None, None, None, None, "填报日期：2024年1月5日"],
        [
            "序号",
            "统一社会信用代码",
            "企业名称",
            "镇街",
            "成立时间",
            "注册资本（万元）",
            "从业\n人员",
            "备注",
        ],
        [1, CODES[0], "瑞安市甲（机械）有限公司", towns[0], dt.date(2010, 1, 2), 100, 50, "x"],
        [2, CODES[1], "瑞安市乙有限公司", None, dt.date(2011, 3, 4), 200.5, 60, None],
        [3, CODES[2], "瑞安市丙有限公司", towns[1], dt.date(2012, 5, 6), 300, 70, "注销，勿报"],
        [4, CODES[3], "瑞安市丁有限公司", towns[1], dt.date(2013, 7, 8), 400, 80, None],
        ["合计", None, None, None, None, 1000.5, 260, None],
    ]


@pytest.mark.parametrize("suffix", FORMATS)
def test_title_rows_total_hidden_and_merged_rows(tmp_path, towns, suffix):
    sheet = SheetSpec("名单", office_list(towns), hidden_rows={6}, merged=["A1:H1", "D4:D5"])
    path = write_book(
        tmp_path / f"名单{suffix}", [SheetSpec("填报说明", [["按要求填写"]]), sheet], active=1
    )
    status, out, err = run(path)
    assert status == 0, err
    stored = {e.credit_code: e for e in Enterprise.objects.select_related("town")}
    assert set(stored) == {CODES[0], CODES[1], CODES[3]}  # the hidden row is not a record
    first, second = stored[CODES[0]], stored[CODES[1]]
    assert first.name == "瑞安市甲（机械）有限公司" and first.founded_on == dt.date(2010, 1, 2)
    assert first.registered_capital == Decimal("100.00") and first.staff_count == 50
    assert second.town.name == towns[0]  # merged down from the row above
    assert second.registered_capital == Decimal("200.50")
    assert "读取工作表「名单」（当前工作表）；第 3 行为列名" in out
    assert (
        "标题行（未导入）：第 1 行「2023年度高新技术企业名单」；第 2 行「填报单位：科技局」" in out
    )
    assert "第 6 行为隐藏行，已跳过。" in out
    assert "第 8 行为合计行，已跳过。" in out
    assert "未识别的列（已忽略）：第 H 列「备注」" in out
    assert "不导入的列：「序号」" in out
    assert "新增 3 行" in out.splitlines()[-1] and "跳过 2 行" in out.splitlines()[-1]


def test_the_only_sheet_with_a_header_is_read_and_several_are_a_question(tmp_path, towns):
    rows = office_list(towns)[2:4]
    path = write_xlsx(
        tmp_path / "两表.xlsx", [SheetSpec("说明", [["说明"]]), SheetSpec("2023", rows)], active=0
    )
    status, out, _ = run(path)
    assert status == 0 and "读取工作表「2023」（唯一含有列名的工作表）" in out
    Enterprise.objects.all().delete()

    other = [rows[0], [9, CODES[4], "瑞安市戊有限公司", towns[0]]]
    path = write_xlsx(tmp_path / "多表.xlsx", [SheetSpec("2022", other), SheetSpec("2023", rows)])
    with pytest.raises(CommandError, match="多个工作表都含有本格式的列名：「2022」、「2023」"):
        run(path)
    assert not Enterprise.objects.exists()
    status, out, _ = run(path, "enterprises", "--sheet", "2022")
    assert status == 0 and list(Enterprise.objects.values_list("credit_code", flat=True)) == [
        CODES[4]
    ]
    with pytest.raises(CommandError, match="没有名为「2024」的工作表"):
        run(path, "enterprises", "--sheet", "2024")


def test_rows_without_references_read_like_any_workbook(tmp_path, towns):
    import zipfile

    table = office_list(towns)
    rows = [table[0], table[2], table[3], table[6]]
    path = write_xlsx(
        tmp_path / "无行号.xlsx",
        [SheetSpec("Sheet1", rows, hidden_rows={3})],
        without_row_refs=True,
    )
    assert b' r="' not in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    status, out, _ = run(path)
    assert status == 0 and "第 3 行为隐藏行，已跳过。" in out
    assert set(Enterprise.objects.values_list("credit_code", flat=True)) == {CODES[3]}


@pytest.mark.parametrize("suffix", FORMATS)
def test_a_hidden_column_is_not_read_and_a_hidden_required_one_refuses(tmp_path, towns, suffix):
    rows = office_list(towns)[2:4]
    path = write_book(tmp_path / f"隐藏列{suffix}", [SheetSpec("名单", rows, hidden_columns={6})])
    status, out, _ = run(path)
    assert status == 0 and "第 G 列「从业\n人员」为隐藏列，已跳过。" in out
    assert Enterprise.objects.get(credit_code=CODES[0]).staff_count is None

    path = write_book(tmp_path / f"隐藏代码{suffix}", [SheetSpec("名单", rows, hidden_columns={1})])
    with pytest.raises(CommandError, match="必填列「统一社会信用代码」所在的列被隐藏了"):
        run(path)


def test_a_partial_reimport_keeps_every_value_it_does_not_name(tmp_path, towns):
    rows = office_list(towns)[2:4]
    rows[0] = [*rows[0][:7], "行业类别", "技术领域", "联系人", "联系电话"]
    rows[1] = [*rows[1][:7], "通用设备制造业", None, "王五", "0577-65812345"]
    assert run(write_xlsx(tmp_path / "全.xlsx", [SheetSpec("名单", rows[:2])]))[0] == 0
    before = Enterprise.objects.values().get(credit_code=CODES[0])

    # The bureau's contact list: the required columns are there, only 联系人 is filled.
    partial = [["统一社会信用代码", "企业名称", "所属镇街", "联系人"], [CODES[0], "", "", "李四"]]
    status, out, _ = run(write_csv(tmp_path / "补充.csv", partial))
    assert status == 0
    after = Enterprise.objects.values().get(credit_code=CODES[0])
    assert after["contact"] == "李四"
    assert {k: v for k, v in after.items() if k != "contact"} == {
        k: v for k, v in before.items() if k != "contact"
    }
    assert "第 2 行（" + CODES[0] + "）联系人：王五 → 李四" in out

    cleared = [
        ["统一社会信用代码", "企业名称", "所属镇街", "联系电话"],
        [CODES[0], "", "", "<清空>"],
    ]
    status, out, _ = run(write_csv(tmp_path / "清空.csv", cleared))
    assert status == 0
    assert Enterprise.objects.get(credit_code=CODES[0]).phone == ""
    assert "联系电话：0577-65812345 → （空）" in out

    refused = [
        ["统一社会信用代码", "企业名称", "所属镇街"],
        [CODES[0], "<清空>", towns[0]],
        [CODES[4], "", towns[0]],  # a new enterprise needs its name
    ]
    status, _, err = run(write_csv(tmp_path / "拒绝.csv", refused))
    assert status == 1 and "第 2 行，列「企业名称」：必填列不能清空（<清空>）" in err
    assert "第 3 行，列「企业名称」：必填，不能为空" in err
    assert Enterprise.objects.count() == 1


def test_clerk_labels_and_parentheses(tmp_path, towns):
    Enterprise.objects.create(
        credit_code=CODES[0], name="瑞安市甲（机械）有限公司", town=Town.objects.get(name=towns[0])
    )
    quals = [
        ["统一社会信用代码", "企业名称", "资质类型", "级别", "认定类型", "认定日期", "有效期至"],
        [CODES[0], "瑞安市甲(机械)有限公司", "高企", "国家", "首次", "2023-12-08", "2026-12-07"],
        [CODES[0], "瑞安市甲 (机械) 有限公司", "省科技型中小企业", "", "", "2023-05-01", ""],
    ]
    status, _, err = run(write_csv(tmp_path / "资质.csv", quals), "qualifications")
    assert status == 0, err
    assert set(Qualification.objects.values_list("kind", "level", "recognition")) == {
        ("hnte", "national", "first"),
        ("tech_sme", "provincial", "first"),
    }
    conflict = [quals[0], [CODES[0], "", "省科技型中小企业", "国家级", "", "2023-06-01", ""]]
    status, _, err = run(write_csv(tmp_path / "冲突.csv", conflict), "qualifications")
    assert status == 1 and "表示省级，与填写的「国家级」不符" in err

    patents = [
        ["申请号", "名称", "专利类型", "申请(专利权)人", "申请日", "授权公告日", "法律状态/事件"],
        [
            app_number(1),
            "一种装置",
            "发明专利",
            "瑞安市甲(机械)有限公司",
            "2023-01-05",
            "2024-02-01",
            "有权",
        ],
        [
            app_number(2),
            "另一装置",
            "",
            "某大学；瑞安市甲（机械）有限公司",
            "2023-02-05",
            "",
            "实质审查",
        ],
        [app_number(3), "第三装置", "发明", "个人", "2020-02-05", "2021-02-01", "专利权终止"],
        [
            app_number(4, type_digit="2"),
            "第四装置",
            "实用新型专利",
            "个人",
            "2022-02-05",
            "",
            "公开",
        ],
    ]
    status, out, err = run(write_csv(tmp_path / "专利.csv", patents), "patents")
    assert status == 0, err
    stored = {p.application_number: p for p in Patent.objects.all()}
    linked = Enterprise.objects.get(credit_code=CODES[0]).pk
    assert [stored[app_number(i)].legal_status for i in (1, 2, 3)] == [
        "granted",
        "pending",
        "lapsed",
    ]
    assert stored[app_number(4, type_digit="2")].kind == "utility"
    assert stored[app_number(1)].enterprise_id == linked == stored[app_number(2)].enterprise_id
    assert "「申请(专利权)人」→「申请人」" in out and "「法律状态/事件」→「法律状态」" in out

    unknown = [patents[0], [app_number(5), "第五装置", "", "个人", "2022-02-05", "", "不知道"]]
    status, _, err = run(write_csv(tmp_path / "未知.csv", unknown), "patents")
    assert status == 1 and "「不知道」不是可选的值（可选：审中、授权、驳回、撤回、失效）" in err


def test_a_patent_reimport_without_status_keeps_the_stored_one(tmp_path):
    header = ["申请号", "专利名称", "申请人", "申请日", "授权公告日", "法律状态"]
    first = [header, [app_number(1), "一种装置", "个人", "2020-01-05", "2021-01-05", "失效"]]
    assert run(write_csv(tmp_path / "a.csv", first), "patents")[0] == 0
    again = [header[:4], [app_number(1), "一种装置（改）", "个人", "2020-01-05"]]
    assert run(write_csv(tmp_path / "b.csv", again), "patents")[0] == 0
    patent = Patent.objects.get()
    assert (patent.title, patent.legal_status) == ("一种装置（改）", "lapsed")
    assert patent.granted_on == dt.date(2021, 1, 5)


@pytest.mark.parametrize(
    ("cell", "suffix"), [(913303812345678000, ".xlsx"), ("9.13304E+17", ".csv")]
)
def test_a_code_excel_turned_into_a_number_is_named_as_such(tmp_path, towns, cell, suffix):
    rows = [["统一社会信用代码", "企业名称", "所属镇街"], [cell, "瑞安市甲有限公司", towns[0]]]
    status, _, err = run(write_book(tmp_path / f"数字{suffix}", [SheetSpec("名单", rows)]))
    assert status == 1
    assert "统一社会信用代码被 Excel 转成了数字" in err and "设置为“文本”格式" in err
    assert "校验位" not in err
    assert not Enterprise.objects.exists()


def test_experts_import_on_a_fresh_install_files_new_specialties(tmp_path):
    Specialty.objects.all().delete()
    rows = [
        ["序号", "姓名", "单位", "职称", "专业", "手机号码", "性别"],
        [1, "林建华", "温州大学", "教授级高工", "机械制造；新材料", "139 0577 0001", "男"],
        [2, "陈静", "浙江工业大学", "副教授", "机械制造", "１３９０５７７０００２", "女"],
    ]
    path = write_book(tmp_path / "专家库.xls", [SheetSpec("专家", rows)])
    status, out, err = run(path, "experts", "--dry-run")
    assert status == 0, err
    assert "将新增专业领域 2 个（归入「待归类」" in out and not Specialty.objects.exists()
    status, out, err = run(path, "experts")
    assert status == 0, err
    assert (
        "已新增专业领域 2 个（归入「待归类」，可在后台“专业领域”中调整归类）：机械制造、新材料"
        in out
    )
    unfiled = Specialty.objects.get(name="待归类", parent=None)
    assert set(unfiled.children.values_list("name", flat=True)) == {"机械制造", "新材料"}
    lin = Expert.objects.get(mobile="13905770001")
    assert lin.title == "senior" and Expert.objects.get(mobile="13905770002").title == "associate"
    assert set(
        ExpertSpecialty.objects.filter(expert=lin).values_list("specialty__name", flat=True)
    ) == {"机械制造", "新材料"}
    assert run(path, "experts")[0] == 0  # again: nothing new to file
    assert Specialty.objects.filter(name="机械制造").count() == 1


def test_tab_separated_text_and_unicode_text(tmp_path, towns):
    rows = [["统一社会信用代码", "企业名称", "所属镇街"], [CODES[0], "瑞安市甲有限公司", towns[0]]]
    assert run(write_csv(tmp_path / "制表符.txt", rows, delimiter="\t"))[0] == 0
    assert Enterprise.objects.count() == 1
    path = write_csv(tmp_path / "unicode.txt", rows, encoding="utf-16", delimiter="\t")
    with pytest.raises(CommandError, match="UTF-16 编码（Excel 另存为“Unicode 文本”时即为此编码）"):
        run(path)


def test_header_not_found_names_the_row_that_looks_like_it(tmp_path):
    rows = [["2023年名单"], ["统一社会信用代码", "名称", "地址"], ["x", "y", "z"]]
    with pytest.raises(SheetError, match="第 2 行像是列名行，但缺少必填列：「所属镇街」"):
        run_import("enterprises", write_csv(tmp_path / "a.csv", rows), "a.csv")
    unit = [["统一社会信用代码", "企业名称", "所属镇街", "注册资本(元)"], ["x", "y", "z", 1]]
    report = run_import("enterprises", write_csv(tmp_path / "b.csv", unit), "b.csv", dry_run=True)
    assert any(
        "「注册资本(元)」（单位与本格式的「注册资本(万元)」不同" in line
        for line in report.details()
    )


def test_ambiguous_sheets_are_an_error_the_upload_page_shows_at_the_sheet_field(
    tmp_path, towns, login, users
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from kejiju.choices import Role

    rows = office_list(towns)[2:4]
    path = write_xlsx(tmp_path / "多表.xlsx", [SheetSpec("甲", rows), SheetSpec("乙", rows)])
    with pytest.raises(AmbiguousSheet):
        run_import("enterprises", path, path.name)
    client = login(users[Role.STAFF])
    response = client.post(
        reverse("imports:upload"),
        {"layout": "enterprises", "file": SimpleUploadedFile(path.name, path.read_bytes())},
    )
    assert response.status_code == 200
    assert "多个工作表都含有本格式的列名" in response.context["form"].errors["sheet"][0]
    response = client.post(
        reverse("imports:upload"),
        {
            "layout": "enterprises",
            "sheet": "乙",
            "file": SimpleUploadedFile(path.name, path.read_bytes()),
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "读取工作表「乙」（按指定）" in page


def test_the_web_preview_shows_title_rows_skipped_rows_and_changes(tmp_path, towns, login, users):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from kejiju.choices import Role

    Enterprise.objects.create(
        credit_code=CODES[3],
        name="瑞安市丁有限公司",
        town=Town.objects.get(name=towns[1]),
        staff_count=12,
    )
    sheet = SheetSpec("名单", office_list(towns), hidden_rows={6}, merged=["A1:H1", "D4:D5"])
    path = write_book(tmp_path / "名单.xls", [sheet])
    client = login(users[Role.STAFF])
    response = client.post(
        reverse("imports:upload"),
        {"layout": "enterprises", "file": SimpleUploadedFile(path.name, path.read_bytes())},
    )
    page = client.get(response["Location"]).content.decode()
    assert "旧版 Excel（.xls，Excel 97-2003）" in page
    assert "标题行（未导入）：第 1 行「2023年度高新技术企业名单」" in page
    assert "第 6 行为隐藏行，已跳过。" in page and "第 8 行为合计行，已跳过。" in page
    assert "未识别的列（已忽略）：第 H 列「备注」" in page
    assert "从业人数：" in page and "12" in page and "<strong>80</strong>" in page
    assert Enterprise.objects.get(credit_code=CODES[3]).staff_count == 12  # a preview only


def test_the_template_explains_title_rows_and_the_clearing_marker(login, users):
    from django.urls import reverse
    from openpyxl import load_workbook

    from kejiju.choices import Role

    response = login(users[Role.STAFF]).get(reverse("imports:template", args=["enterprises"]))
    workbook = load_workbook(io.BytesIO(response.content))
    notes = " ".join(str(row[0].value) for row in workbook["填写说明"].iter_rows())
    assert "<清空>" in notes and "空白单元格保留原值" in notes and "合计行不会导入" in notes
    assert [c.value for c in workbook.worksheets[0][1]][:3] == [
        "统一社会信用代码*",
        "企业名称*",
        "所属镇街*",
    ]


FILES = Path(__file__).parent / "files"


@pytest.mark.parametrize("suffix", FORMATS)
def test_files_libreoffice_saved_import_and_a_partial_reimport_keeps_the_rest(suffix):
    """Files written by LibreOffice itself (see files/README.md), not by the tests' writers."""
    status, out, err = run(FILES / f"libreoffice-名单{suffix}")
    assert status == 0, err
    for line in (
        "读取工作表「名单」；第 3 行为列名。",
        "标题行（未导入）：第 1 行「2024年度科技型企业名单」；第 2 行「填报单位：科技局」",
        "第 6 行为隐藏行，已跳过。",
        "第 7 行为合计行，已跳过。",
        "不导入的列：「序号」",
    ):
        assert line in out, line
    first = Enterprise.objects.get(credit_code=make_credit_code(61))
    assert (first.name, first.town.name, first.founded_on, first.phone) == (
        "瑞安市甲（机械）有限公司",
        "安阳街道",
        dt.date(2010, 1, 2),
        "0577-1",
    )
    assert not Enterprise.objects.filter(credit_code=make_credit_code(63)).exists()

    before = Enterprise.objects.values().get(pk=first.pk)
    status, out, err = run(FILES / "libreoffice-联系人.xls")
    assert status == 0, err
    after = Enterprise.objects.values().get(pk=first.pk)
    assert after.pop("contact") == "李四" and before.pop("contact") == ""
    assert after == before
    assert f"第 2 行（{make_credit_code(61)}）联系人：（空） → 李四" in out
