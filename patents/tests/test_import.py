import datetime as dt

import pytest
from django.core.management import call_command

from kejiju.codes import make_credit_code
from patents.models import DisputeCase, Patent

from .factories import app_number, patent_row, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def run(layout, path, *args):
    """import_sheet's exit status and its stderr lines."""
    import io

    err = io.StringIO()
    out = io.StringIO()
    try:
        call_command("import_sheet", layout, str(path), *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return exc.code, err.getvalue().splitlines()
    return 0, out.getvalue().splitlines()


def test_importing_the_same_file_twice_keeps_one_row_per_patent(tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", [patent_row(i) for i in range(1, 51)])
    assert run("patents", path)[0] == 0
    assert Patent.objects.count() == 50
    status, lines = run("patents", path)
    assert status == 0
    assert "新增 0 行，更新 0 行，无变化 50 行" in lines[-1]
    assert Patent.objects.count() == 50


def test_reimport_updates_by_natural_key(tmp_path):
    run("patents", write_xlsx(tmp_path / "a.xlsx", [patent_row(1)]))
    changed = patent_row(1, 专利名称="改过的名称", 授权公告日="2024-01-05")
    # the same number written differently is the same patent
    changed["申请号"] = "CN" + changed["申请号"].replace(".", "")
    status, _ = run("patents", write_xlsx(tmp_path / "b.xlsx", [changed]))
    assert status == 0
    patent = Patent.objects.get()
    assert patent.title == "改过的名称"
    assert patent.granted_on == dt.date(2024, 1, 5)
    assert patent.legal_status == "granted"
    assert patent.history.count() == 2


def test_one_bad_row_among_a_thousand_writes_nothing(tmp_path):
    rows = [patent_row(i) for i in range(1, 1001)]
    rows.insert(500, patent_row(5000, 申请号="201410123456.8"))
    status, lines = run("patents", write_xlsx(tmp_path / "p.xlsx", rows))
    assert status == 1
    assert Patent.objects.count() == 0
    assert lines[0] == "第 502 行，列「申请号」：申请号「201410123456.8」校验位错误：应为 7，实为 8"
    assert "未写入任何数据" in lines[-1]


def test_accepted_numbers_are_stored_normalised(tmp_path):
    values = ["201410123456.7", "201710601862.3", "CN2017106018623", "95115608.X"]
    rows = [patent_row(0, 申请号=v, 申请日="1995-01-01") for v in values[:2] + values[3:]]
    status, _ = run("patents", write_xlsx(tmp_path / "p.xlsx", rows))
    assert status == 0
    assert set(Patent.objects.values_list("application_number", flat=True)) == {
        "201410123456.7",
        "201710601862.3",
        "95115608.X",
    }
    status, lines = run(
        "patents", write_xlsx(tmp_path / "q.xlsx", [patent_row(0, 申请号=values[2])])
    )
    assert status == 0 and "新增 0 行，更新 1 行" in lines[-1]


@pytest.mark.parametrize(
    ("overrides", "column", "message"),
    [
        ({"申请号": "201410123456.8"}, "申请号", "应为 7"),
        ({"申请号": "201450123456.1"}, "申请号", "类型位为 5"),
        ({"专利类型": "外观设计"}, "专利类型", "与填写的「外观设计」不符"),
        ({"授权公告日": "2022-01-01"}, "授权公告日", "早于申请日"),
        ({"申请日": "2023-13-45"}, "申请日", "无法识别的日期"),
        ({"申请日": "去年"}, "申请日", "无法识别的日期"),
        ({"申请日": ""}, "申请日", "必填"),
        ({"法律状态": "有效"}, "法律状态", "不是可选的值"),
        (
            {"申请人统一社会信用代码": "91330381MA2XXXXXX1"},
            "申请人统一社会信用代码",
            "统一社会信用代码",
        ),
    ],
)
def test_bad_cells_are_reported_at_row_and_column(tmp_path, overrides, column, message):
    rows = [patent_row(1), patent_row(2, **overrides)]
    status, lines = run("patents", write_xlsx(tmp_path / "p.xlsx", rows))
    assert status == 1
    assert lines[0].startswith(f"第 3 行，列「{column}」：")
    assert message in lines[0]
    assert not Patent.objects.exists()


def test_duplicate_number_inside_one_file(tmp_path):
    rows = [patent_row(1), patent_row(2), patent_row(1, 专利名称="重复")]
    status, lines = run("patents", write_xlsx(tmp_path / "p.xlsx", rows))
    assert status == 1
    assert lines[0] == "第 4 行，列「申请号」：与第 2 行重复"


def test_missing_required_column_fails_naming_it(tmp_path):
    rows = [{k: v for k, v in patent_row(1).items() if k != "申请日"}]
    with pytest.raises(Exception, match="申请日"):
        run("patents", write_xlsx(tmp_path / "p.xlsx", rows))


def test_headers_in_any_order_and_extra_columns_ignored(tmp_path):
    row = patent_row(1)
    shuffled = {"备注": "随便", **dict(reversed(list(row.items())))}
    status, _ = run("patents", write_xlsx(tmp_path / "p.xlsx", [shuffled]))
    assert status == 0
    assert Patent.objects.get().title == row["专利名称"]


@pytest.mark.parametrize(
    "cell", ["2023-05-01", "2023/5/1", "2023年5月1日", dt.datetime(2023, 5, 1), dt.date(2023, 5, 1)]
)
def test_date_formats(tmp_path, cell):
    status, _ = run("patents", write_xlsx(tmp_path / "p.xlsx", [patent_row(1, 申请日=cell)]))
    assert status == 0
    assert Patent.objects.get().filed_on == dt.date(2023, 5, 1)


def test_type_is_derived_and_a_matching_stated_type_passes(tmp_path):
    rows = [
        patent_row(1),
        patent_row(2, 申请号=app_number(2, type_digit="2"), 专利类型="实用新型"),
        patent_row(3, 申请号=app_number(3, type_digit="3")),
        patent_row(4, 申请号=app_number(4, type_digit="8")),
        patent_row(5, 申请号=app_number(5, type_digit="9")),
    ]
    assert run("patents", write_xlsx(tmp_path / "p.xlsx", rows))[0] == 0
    kinds = dict(Patent.objects.values_list("application_number", "kind"))
    assert [kinds[r["申请号"]] for r in rows] == [
        "invention",
        "utility",
        "design",
        "invention",
        "utility",
    ]


def test_enterprise_link_by_code_then_by_name(tmp_path, enterprise, other_enterprise):
    rows = [
        patent_row(1, 申请人="写错的名字", 申请人统一社会信用代码=enterprise.credit_code),
        patent_row(2, 申请人=f"张三；{other_enterprise.name}"),
        patent_row(3, 申请人="不在名录里的公司"),
    ]
    assert run("patents", write_xlsx(tmp_path / "p.xlsx", rows))[0] == 0
    links = dict(Patent.objects.values_list("application_number", "enterprise_id"))
    assert [links[r["申请号"]] for r in rows] == [enterprise.pk, other_enterprise.pk, None]


def test_csv_utf8_with_and_without_bom_and_gb18030(tmp_path):
    for i, encoding in enumerate(["utf-8", "utf-8-sig", "gb18030"], start=1):
        path = write_csv(tmp_path / f"p{i}.csv", [patent_row(i, 专利名称="一种镕铸装置")], encoding)
        assert run("patents", path)[0] == 0, encoding
    assert Patent.objects.count() == 3
    assert set(Patent.objects.values_list("title", flat=True)) == {"一种镕铸装置"}


def test_csv_in_unsupported_encoding_is_refused(tmp_path):
    path = write_csv(tmp_path / "p.csv", [patent_row(1)], "utf-16")
    with pytest.raises(Exception, match="UTF-16"):
        run("patents", path)


def test_file_that_is_not_what_its_extension_says(tmp_path):
    fake = tmp_path / "p.xlsx"
    fake.write_text("申请号,专利名称\n", encoding="utf-8")
    with pytest.raises(Exception, match="不是 Excel 工作簿"):
        run("patents", fake)
    xlsx_as_csv = write_xlsx(tmp_path / "real.xlsx", [patent_row(1)])
    renamed = tmp_path / "p.csv"
    renamed.write_bytes(xlsx_as_csv.read_bytes())
    with pytest.raises(Exception, match="不是文本表格"):
        run("patents", renamed)


def test_dry_run_writes_nothing(tmp_path):
    status, lines = run("patents", write_xlsx(tmp_path / "p.xlsx", [patent_row(1)]), "--dry-run")
    assert status == 0 and "新增 1 行" in lines[-1] and "校验通过（未写入）" in lines[-1]
    assert not Patent.objects.exists()


def test_dispute_layout(tmp_path):
    rows = [
        {
            "案件编号": "RA-2023-001",
            "案由": "侵犯实用新型专利权",
            "当事人": "甲公司；乙公司",
            "受理日期": "2023/3/1",
            "结案日期": "2023年4月2日",
            "处理结果": "调解结案",
        },
        {"案件编号": "RA-2023-002", "受理日期": "2023-05-01", "结案日期": "2023-04-01"},
    ]
    status, lines = run("patent_disputes", write_xlsx(tmp_path / "d.xlsx", rows))
    assert status == 1
    assert lines == [
        "第 3 行，列「结案日期」：结案日期 2023-04-01 早于受理日期 2023-05-01",
        "共 2 行，发现 1 处错误，未写入任何数据。",
    ]
    rows[1]["结案日期"] = ""
    assert run("patent_disputes", write_xlsx(tmp_path / "e.xlsx", rows))[0] == 0
    case = DisputeCase.objects.get(case_number="RA-2023-001")
    assert (case.outcome, case.closed_on) == ("mediated", dt.date(2023, 4, 2))
    assert DisputeCase.objects.get(case_number="RA-2023-002").outcome == "pending"


def test_credit_codes_link_case_insensitively(tmp_path, enterprise):
    code = make_credit_code(9001)
    rows = [patent_row(1, 申请人="某", 申请人统一社会信用代码=code.lower())]
    assert run("patents", write_xlsx(tmp_path / "p.xlsx", rows))[0] == 0
    assert Patent.objects.get().enterprise == enterprise
