import datetime as dt
from pathlib import Path

from openpyxl import Workbook

from patents import numbers
from patents.models import Patent

HEADERS = [
    "申请号",
    "专利名称",
    "专利类型",
    "申请人",
    "申请人统一社会信用代码",
    "申请日",
    "授权公告日",
    "法律状态",
]


def app_number(serial: int, year: int = 2023, type_digit: str = "1") -> str:
    body = f"{year}{type_digit}{serial:07d}"
    return f"{body}.{numbers.check_character(body)}"


def patent_row(serial: int, **overrides) -> dict:
    row = {
        "申请号": app_number(serial),
        "专利名称": f"一种测试装置{serial}",
        "专利类型": "",
        "申请人": "瑞安某科技有限公司",
        "申请人统一社会信用代码": "",
        "申请日": "2023-03-01",
        "授权公告日": "",
        "法律状态": "",
    }
    row.update(overrides)
    return row


def write_xlsx(path: Path, rows: list[dict], headers: list[str] | None = None) -> Path:
    headers = headers or list(rows[0]) if rows else (headers or HEADERS)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    workbook.save(path)
    return path


def write_csv(path: Path, rows: list[dict], encoding: str = "utf-8") -> Path:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    headers = list(rows[0])
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def make_patent(serial: int, *, year: int = 2023, type_digit: str = "1", **fields) -> Patent:
    defaults = {
        "application_number": app_number(serial, year, type_digit),
        "title": f"一种测试装置{serial}",
        "applicants": "瑞安某科技有限公司",
        "kind": numbers.TYPE_DIGITS[type_digit].value,
        "filed_on": dt.date(year, 3, 1),
    }
    defaults.update(fields)
    return Patent.objects.create(**defaults)
