"""The office-shaped test spreadsheets (kejiju.tests.office) are what they claim to be.

Each file is read back by a reader that shares nothing with its writer: openpyxl for .xlsx,
xlrd for .xls, python-calamine for the values of all three, and lxml over the raw XML of the
.ods parts.
"""

import datetime as dt
import io
import math
import struct
import zipfile

import pytest
import xlrd
from lxml import etree
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook
from xlrd.compdoc import CompDoc

from kejiju.tests.office import (
    SheetSpec,
    write_book,
    write_csv,
    write_ods,
    write_xls,
    write_xlsx,
)

TITLE = "瑞安市2023年度高新技术企业研发投入汇总表"
HEADER = [
    "序号",
    "企业名称",
    "统一社会信用代码",
    "成立日期",
    "研发投入",
    "是否高新",
    "备注（内部）",
]
HOSTILE = '瑞安"甲&乙"<科技>有限公司'

# The data sheet as a township office keeps it: a merged title, a merged "filled in by" line,
# an empty hidden row, the header, data rows (one hidden: a deregistered enterprise), two
# empty rows and a merged 合计 row. Column G is an internal note column, hidden; column C
# holds credit codes formatted as text.
DATA = SheetSpec(
    "2023年度",
    rows=[
        [TITLE, None, None, None, None, None, None],
        ["填报单位：塘下镇人民政府", None, None, None, "单位：万元"],
        [],
        HEADER,
        [1, HOSTILE, 330381001, dt.date(2023, 5, 1), 12.5, True, "核实中"],
        [2, "第一行\n第二行", "91330381MA2ABCDE1X", dt.datetime(2021, 1, 2, 8, 30, 5), 3, False],
        [3, "=SUM(A1)", 12.0, dt.date(2020, 2, 29), 0.1, None, "  两  空格 "],
        [4, "已注销企业", "91330381MA2XXXXX0Y", dt.date(2019, 12, 31), 0, False, "删"],
        [],
        [],
        ["合计", "不写入（被合并）", None, None, 15.6],
    ],
    hidden_rows={3, 8, 13},
    hidden_columns={6},
    merged=["A1:G1", "A2:C2", "A11:D11"],
    text_columns={2},
)
NOTES = SheetSpec("填表说明", [["请在第二页填写"], ["金额单位：万元"]])
SHEETS = [NOTES, DATA]
EMPTY = [None] * 7

# What every reader must find on the data sheet, row by row (trailing empty rows left out).
EXPECTED = [
    [TITLE, *[None] * 6],
    ["填报单位：塘下镇人民政府", None, None, None, "单位：万元", None, None],
    EMPTY,
    HEADER,
    [1, HOSTILE, "330381001", dt.date(2023, 5, 1), 12.5, True, "核实中"],
    [2, "第一行\n第二行", "91330381MA2ABCDE1X", dt.datetime(2021, 1, 2, 8, 30, 5), 3, False, None],
    [3, "=SUM(A1)", "12", dt.date(2020, 2, 29), 0.1, None, "  两  空格 "],
    [4, "已注销企业", "91330381MA2XXXXX0Y", dt.date(2019, 12, 31), 0, False, "删"],
    EMPTY,
    EMPTY,
    ["合计", None, None, None, 15.6, None, None],
]


def typed(grid):
    """Cells compared with their kind: True is not 1, a date is not a midnight date-time."""

    def kind(value):
        if isinstance(value, bool):
            return ("bool", value)
        if isinstance(value, int | float):
            return ("number", float(value))
        return (type(value).__name__, value)

    rows = [[kind(v) for v in row] for row in grid]
    while rows and all(v == ("NoneType", None) for v in rows[-1]):
        rows.pop()
    return rows


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    folder = tmp_path_factory.mktemp("office")
    return {
        "xlsx": write_xlsx(folder / "汇总.xlsx", SHEETS, active=1),
        "bare.xlsx": write_xlsx(folder / "bare.xlsx", SHEETS, active=1, without_row_refs=True),
        "xls": write_xls(folder / "汇总.xls", SHEETS, active=1),
        "ods": write_ods(folder / "汇总.ods", SHEETS, active=1),
    }


# --------------------------------------------------------------------------------------------
# .xlsx through openpyxl


def openpyxl_grid(sheet):
    def value(cell):
        if getattr(cell, "is_date", False) and cell.number_format == "yyyy-mm-dd":
            return cell.value.date()
        return cell.value

    return [[value(cell) for cell in row] for row in sheet.iter_rows(max_col=7)]


def openpyxl_layout(sheet):
    hidden_rows = {r for r, dim in sheet.row_dimensions.items() if dim.hidden}
    hidden_columns = {
        c - 1
        for dim in sheet.column_dimensions.values()
        if dim.hidden
        for c in range(dim.min, dim.max + 1)
    }
    merged = {str(r) for r in sheet.merged_cells.ranges}
    return hidden_rows, hidden_columns, merged


def test_xlsx_reads_back_in_openpyxl(books):
    book = load_workbook(books["xlsx"])
    assert book.sheetnames == ["填表说明", "2023年度"]
    assert book.active.title == "2023年度"
    assert [s.sheet_view.tabSelected for s in book.worksheets] == [False, True]
    sheet = book["2023年度"]
    assert typed(openpyxl_grid(sheet)) == typed(EXPECTED)
    assert openpyxl_layout(sheet) == ({3, 8, 13}, {6}, {"A1:G1", "A2:C2", "A11:D11"})
    assert sheet["D5"].number_format == "yyyy-mm-dd"
    assert sheet["D6"].number_format == "yyyy-mm-dd hh:mm:ss"
    assert sheet["D6"].value == dt.datetime(2021, 1, 2, 8, 30, 5)
    assert (sheet["C5"].data_type, sheet["C5"].number_format) == ("s", "@")
    assert sheet["B7"].data_type == "s"  # "=SUM(A1)" is text, not a formula
    assert book["填表说明"]["A2"].value == "金额单位：万元"


def test_xlsx_without_row_refs(books):
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    with zipfile.ZipFile(books["bare.xlsx"]) as archive:
        parts = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(parts) == 2
        for part in parts:
            root = etree.fromstring(archive.read(part))
            assert root.xpath("//m:row", namespaces={"m": main})
            assert not root.xpath("//m:row[@r] | //m:c[@r]", namespaces={"m": main})

    plain, bare = load_workbook(books["xlsx"]), load_workbook(books["bare.xlsx"])
    assert bare.active.title == "2023年度"
    for name in plain.sheetnames:
        assert openpyxl_grid(bare[name]) == openpyxl_grid(plain[name])
    assert typed(openpyxl_grid(bare["2023年度"])) == typed(EXPECTED)
    assert openpyxl_layout(bare["2023年度"]) == openpyxl_layout(plain["2023年度"])


# --------------------------------------------------------------------------------------------
# .xls through xlrd


def xlrd_grid(book, sheet):
    def value(cell):
        if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
            return None
        if cell.ctype == xlrd.XL_CELL_BOOLEAN:
            return bool(cell.value)
        if cell.ctype == xlrd.XL_CELL_DATE:
            moment = xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
            return moment.date() if xlrd_format(book, cell) == "YYYY-MM-DD" else moment
        return cell.value

    return [[value(sheet.cell(r, c)) for c in range(7)] for r in range(sheet.nrows)]


def xlrd_format(book, cell):
    return book.format_map[book.xf_list[cell.xf_index].format_key].format_str


def window1(path):
    """(active sheet, first visible tab) from the workbook's WINDOW1 record."""
    stream = CompDoc(path.read_bytes()).get_named_stream("Workbook")
    pos = 0
    while pos + 4 <= len(stream):
        code, length = struct.unpack_from("<HH", stream, pos)
        if code == 0x003D:
            return struct.unpack_from("<HH", stream, pos + 4 + 10)
        pos += 4 + length
    raise AssertionError("no WINDOW1 record")


def test_xls_reads_back_in_xlrd(books):
    book = xlrd.open_workbook(books["xls"], formatting_info=True)
    assert book.sheet_names() == ["填表说明", "2023年度"]
    assert window1(books["xls"]) == (1, 0)
    assert [(s.sheet_selected, s.sheet_visible) for s in book.sheets()] == [(0, 0), (1, 1)]
    sheet = book.sheet_by_name("2023年度")
    assert typed(xlrd_grid(book, sheet)) == typed(EXPECTED)
    assert {r + 1 for r, info in sheet.rowinfo_map.items() if info.hidden} == {3, 8, 13}
    assert {c for c, info in sheet.colinfo_map.items() if info.hidden} == {6}
    assert sorted(sheet.merged_cells) == [(0, 1, 0, 7), (1, 2, 0, 3), (10, 11, 0, 4)]
    assert xlrd_format(book, sheet.cell(4, 3)) == "YYYY-MM-DD"
    assert xlrd_format(book, sheet.cell(5, 3)) == "YYYY-MM-DD HH:MM:SS"
    assert sheet.cell(4, 2).ctype == xlrd.XL_CELL_TEXT
    assert xlrd_format(book, sheet.cell(4, 2)) == "@"


def test_xls_refuses_more_rows_than_the_format_holds(tmp_path):
    with pytest.raises(ValueError, match="65,536"):
        write_xls(tmp_path / "big.xls", [SheetSpec("大表", [[1]] * 65_537)])


# --------------------------------------------------------------------------------------------
# All three through python-calamine


@pytest.mark.parametrize("kind", ["xlsx", "bare.xlsx", "xls", "ods"])
def test_calamine_reads_the_same_cells(books, kind):
    book = CalamineWorkbook.from_path(books[kind])
    assert book.sheet_names == ["填表说明", "2023年度"]
    grid = book.get_sheet_by_name("2023年度").to_python(skip_empty_area=False)
    grid = [[None if v == "" else v for v in row] for row in grid]
    assert typed(grid) == typed(EXPECTED)
    notes = book.get_sheet_by_name("填表说明").to_python(skip_empty_area=False)
    assert notes == [["请在第二页填写"], ["金额单位：万元"]]


# --------------------------------------------------------------------------------------------
# .ods through its XML

ODF = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "config": "urn:oasis:names:tc:opendocument:xmlns:config:1.0",
    "manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
}


def q(name):
    prefix, local = name.split(":")
    return f"{{{ODF[prefix]}}}{local}"


def ods_parts(path):
    with zipfile.ZipFile(path) as archive:
        return archive.infolist(), {n: archive.read(n) for n in archive.namelist()}


def ods_table(content, name):
    (table,) = etree.fromstring(content).xpath(
        "//table:table[@table:name=$name]", namespaces=ODF, name=name
    )
    return table


def repeat(element, what):
    return int(element.get(q(f"table:number-{what}-repeated"), "1"))


def expanded_rows(table):
    """One (row element, [cell elements]) a sheet row, repeats unrolled."""
    rows = []
    for row in table.iter(q("table:table-row")):
        cells = [cell for cell in row for _ in range(repeat(cell, "columns"))]
        rows += [(row, cells)] * repeat(row, "rows")
    return rows


def odf_text(cell):
    """The string a string cell holds: text:p elements are lines, text:s spaces, text:tab tabs."""

    def paragraph(p):
        out = [p.text or ""]
        for child in p:
            if child.tag == q("text:s"):
                out.append(" " * int(child.get(q("text:c"), "1")))
            elif child.tag == q("text:tab"):
                out.append("\t")
            out.append(child.tail or "")
        return "".join(out)

    return "\n".join(paragraph(p) for p in cell.iter(q("text:p")))


def test_ods_package(books):
    infos, parts = ods_parts(books["ods"])
    assert infos[0].filename == "mimetype"
    assert infos[0].compress_type == zipfile.ZIP_STORED
    assert not infos[0].extra
    assert parts["mimetype"] == b"application/vnd.oasis.opendocument.spreadsheet"
    manifest = etree.fromstring(parts["META-INF/manifest.xml"])
    listed = manifest.xpath("//manifest:file-entry/@manifest:full-path", namespaces=ODF)
    assert sorted(listed) == ["/", "content.xml", "meta.xml", "settings.xml", "styles.xml"]
    for name in ("styles.xml", "meta.xml"):
        etree.fromstring(parts[name])
    settings = etree.fromstring(parts["settings.xml"])
    active = settings.xpath(
        "//config:config-item[@config:name='ActiveTable' and @config:type='string']/text()",
        namespaces=ODF,
    )
    assert active == ["2023年度"]
    # config:name="ooo:view-settings" is a QName: its prefix must be declared to count
    (view_settings,) = settings.xpath(
        "//config:config-item-set[@config:name='ooo:view-settings']", namespaces=ODF
    )
    assert view_settings.nsmap["ooo"] == "http://openoffice.org/2004/office"


def test_ods_layout(books):
    _, parts = ods_parts(books["ods"])
    table = ods_table(parts["content.xml"], "2023年度")

    columns = [c for c in table.iter(q("table:table-column")) for _ in range(repeat(c, "columns"))]
    hidden = [c.get(q("table:visibility")) == "collapse" for c in columns]
    assert hidden == [False] * 6 + [True]

    rows = expanded_rows(table)
    assert len(rows) == 13
    hidden = {i + 1 for i, (row, _) in enumerate(rows) if row.get(q("table:visibility"))}
    assert hidden == {3, 8, 13}
    assert {row.get(q("table:visibility")) for row, _ in rows} == {None, "collapse"}
    # the empty rows 9 and 10 are one table:table-row repeated twice
    assert rows[8][0] is rows[9][0] and repeat(rows[8][0], "rows") == 2
    assert len({id(row) for row, _ in rows}) == 12
    assert rows[11][0] is not rows[12][0]  # an empty visible row, then an empty hidden one
    assert all(len(cells) == 7 for _, cells in rows)

    def spans(cell):
        return (
            int(cell.get(q("table:number-rows-spanned"), "1")),
            int(cell.get(q("table:number-columns-spanned"), "1")),
        )

    anchors = {
        (r + 1, c): spans(cell)
        for r, (_, cells) in enumerate(rows)
        for c, cell in enumerate(cells)
        if spans(cell) != (1, 1)
    }
    assert anchors == {(1, 0): (1, 7), (2, 0): (1, 3), (11, 0): (1, 4)}
    covered = {
        (r + 1, c)
        for r, (_, cells) in enumerate(rows)
        for c, cell in enumerate(cells)
        if cell.tag == q("table:covered-table-cell")
    }
    assert covered == {(1, c) for c in range(1, 7)} | {(2, 1), (2, 2)} | {(11, 1), (11, 2), (11, 3)}
    assert "不写入" not in parts["content.xml"].decode()


def test_a_merge_over_two_rows(tmp_path):
    """A two-line header: 序号 spans rows 1-2, 经费 spans B1:C1 over 省级 and 县级."""
    sheet = SheetSpec(
        "表",
        [["序号", "经费", None], [None, "省级", "县级"], [1, 2.5, 3]],
        merged=["A1:A2", "B1:C1"],
    )
    xlsx = load_workbook(write_xlsx(tmp_path / "m.xlsx", [sheet]))["表"]
    assert {str(r) for r in xlsx.merged_cells.ranges} == {"A1:A2", "B1:C1"}
    xls = xlrd.open_workbook(write_xls(tmp_path / "m.xls", [sheet]), formatting_info=True)
    assert sorted(xls.sheet_by_index(0).merged_cells) == [(0, 1, 1, 3), (0, 2, 0, 1)]
    _, parts = ods_parts(write_ods(tmp_path / "m.ods", [sheet]))
    rows = expanded_rows(ods_table(parts["content.xml"], "表"))
    first, second = rows[0][1], rows[1][1]
    assert first[0].get(q("table:number-rows-spanned")) == "2"
    assert first[1].get(q("table:number-columns-spanned")) == "2"
    assert [c.tag == q("table:covered-table-cell") for c in first] == [False, False, True]
    assert [c.tag == q("table:covered-table-cell") for c in second] == [True, False, False]
    for path in tmp_path.iterdir():
        grid = CalamineWorkbook.from_path(path).get_sheet_by_name("表").to_python()
        assert typed(grid) == typed([["序号", "经费", ""], ["", "省级", "县级"], [1, 2.5, 3]])


def test_ods_cell_values(books):
    _, parts = ods_parts(books["ods"])
    rows = expanded_rows(ods_table(parts["content.xml"], "2023年度"))

    def cell(ref):
        return rows[int(ref[1:]) - 1][1][ord(ref[0]) - ord("A")]

    def attrs(ref, *names):
        return tuple(cell(ref).get(q(f"office:{n}")) for n in names)

    assert attrs("A5", "value-type", "value") == ("float", "1")
    assert attrs("E5", "value-type", "value") == ("float", "12.5")
    assert attrs("D5", "value-type", "date-value") == ("date", "2023-05-01")
    assert attrs("D6", "value-type", "date-value") == ("date", "2021-01-02T08:30:05")
    assert attrs("F5", "value-type", "boolean-value") == ("boolean", "true")
    assert attrs("F6", "value-type", "boolean-value") == ("boolean", "false")
    assert attrs("C5", "value-type") == ("string",)
    assert odf_text(cell("C5")) == "330381001"
    assert odf_text(cell("C7")) == "12"
    assert odf_text(cell("B5")) == HOSTILE
    assert len(cell("B6").findall(q("text:p"))) == 2
    assert odf_text(cell("B6")) == "第一行\n第二行"
    assert odf_text(cell("B7")) == "=SUM(A1)"
    assert odf_text(cell("G7")) == "  两  空格 "
    assert cell("F7").get(q("office:value-type")) is None  # an empty cell has no type


def test_ods_keeps_awkward_strings_and_names(tmp_path):
    strings = [
        "</text:p><script>alert('&amp;')</script>",
        "]]> & \"quotes\" 'apostrophes'",
        "  leading spaces",
        "trailing spaces  ",
        "one\ttab",
        "crlf\r\nline",
        "blank\n\nline",
        "",
    ]
    name = 'R&D "预算" <2023>'
    path = write_ods(tmp_path / "awkward.ods", [SheetSpec(name, [[s] for s in strings])])
    _, parts = ods_parts(path)
    rows = expanded_rows(ods_table(parts["content.xml"], name))
    read = [odf_text(cells[0]) for _, cells in rows]
    assert read == [s.replace("\r\n", "\n") for s in strings]
    settings = etree.fromstring(parts["settings.xml"])
    assert settings.xpath(
        "//config:config-item[@config:name='ActiveTable']/text()", namespaces=ODF
    ) == [name]
    grid = CalamineWorkbook.from_path(path).get_sheet_by_name(name).to_python()
    assert [row[0] for row in grid][:4] == strings[:4]


# --------------------------------------------------------------------------------------------
# Text files and the suffix dispatch


def test_csv_and_tab_separated_text(tmp_path):
    rows = [
        ["名称", "日期", "金额", "高新"],
        ["甲,乙", dt.date(2023, 5, 1), 1.5, True],
        ["多\n行", None, 3, False],
    ]
    csv_path = write_csv(tmp_path / "a.csv", rows)
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert csv_path.read_bytes().decode("utf-8-sig") == (
        '名称,日期,金额,高新\r\n"甲,乙",2023-05-01,1.5,TRUE\r\n"多\n行",,3,FALSE\r\n'
    )
    gbk = write_csv(tmp_path / "b.csv", [["瑞安市䶮氏机械厂"]], encoding="gb18030")
    assert gbk.read_bytes().decode("gb18030") == "瑞安市䶮氏机械厂\r\n"

    sheet = SheetSpec("数据", rows)
    for suffix in (".tsv", ".txt"):
        text = write_book(tmp_path / f"c{suffix}", [sheet, NOTES], active=1).read_text("utf-8-sig")
        assert text.splitlines()[0] == "名称\t日期\t金额\t高新"
    semicolons = write_book(tmp_path / "d.csv", [sheet], delimiter=";").read_bytes()
    assert semicolons.decode("utf-8-sig").startswith("名称;日期;金额;高新\r\n")


def test_write_book_picks_the_writer_by_suffix(tmp_path):
    magic = {".xlsx": b"PK\x03\x04", ".XLS": b"\xd0\xcf\x11\xe0", ".ods": b"PK\x03\x04"}
    for suffix, start in magic.items():
        path = write_book(tmp_path / f"book{suffix}", SHEETS, active=1)
        assert path.read_bytes().startswith(start)
        book = CalamineWorkbook.from_path(path)
        assert book.sheet_names == ["填表说明", "2023年度"]
    assert (
        b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet"
        in ((tmp_path / "book.ods").read_bytes()[:100])
    )
    bare = write_book(tmp_path / "bare.xlsx", SHEETS, without_row_refs=True)
    assert b' r="' not in zipfile.ZipFile(bare).read("xl/worksheets/sheet2.xml")
    with pytest.raises(ValueError, match="no writer"):
        write_book(tmp_path / "book.docx", SHEETS)


# --------------------------------------------------------------------------------------------
# Descriptions no spreadsheet can hold


@pytest.mark.parametrize("writer", [write_xlsx, write_xls, write_ods])
@pytest.mark.parametrize(
    ("sheets", "active", "error"),
    [
        ([], 0, "at least one sheet"),
        ([NOTES], 1, "active=1"),
        ([NOTES, SheetSpec("填表说明", [])], 0, "repeat"),
        ([SheetSpec("a/b", [])], 0, "not a sheet name"),
        ([SheetSpec("x" * 32, [])], 0, "not a sheet name"),
        ([SheetSpec("s", [], merged=["A1:C2", "B2:D3"])], 0, "overlaps"),
        ([SheetSpec("s", [], merged=["B2:B2"])], 0, "single cell"),
        ([SheetSpec("s", [], merged=["A:B"])], 0, "corners"),
        ([SheetSpec("s", [], hidden_rows={0})], 0, "1-based"),
        ([SheetSpec("s", [["a\x07b"]])], 0, "control character"),
        ([SheetSpec("s", [[math.nan]])], 0, "cannot be stored"),
        ([SheetSpec("s", [[dt.datetime(2023, 1, 1, tzinfo=dt.UTC)]])], 0, "naive"),
    ],
)
def test_bad_descriptions_are_refused(tmp_path, writer, sheets, active, error):
    with pytest.raises(ValueError, match=error):
        writer(tmp_path / "bad", sheets, active)


@pytest.mark.parametrize("writer", [write_xlsx, write_xls, write_ods])
def test_values_of_other_types_are_refused(tmp_path, writer):
    with pytest.raises(TypeError, match="cannot write"):
        writer(tmp_path / "bad", [SheetSpec("s", [[io.BytesIO()]])])
