"""Reading a spreadsheet (xlsx or CSV) into a header row and data rows, with the file checks of
DESIGN.md §3: the content must match the extension, CSV is UTF-8 (with or without BOM) or GB18030."""

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SheetError

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls / .doc
SUPPORTED = (".xlsx", ".csv")


@dataclass
class Table:
    """Headers (stripped text) and an iterator of (row number, cells); row 1 is the header."""

    headers: list[str]
    rows: Iterator[tuple[int, tuple]]
    total: int  # data rows, for progress (may include trailing blank rows)
    _close: list = field(default_factory=list)

    def close(self) -> None:
        for closer in self._close:
            closer()


def _describe(head: bytes) -> str:
    if head.startswith(ZIP_MAGIC):
        return "ZIP 压缩包或 Excel 工作簿（.xlsx）"
    if head.startswith(OLE_MAGIC):
        return "旧版 Excel（.xls）或 Word 文档"
    if head.startswith(b"%PDF"):
        return "PDF 文件"
    if head[:3] in (b"\x89PN", b"\xff\xd8\xff", b"GIF"):
        return "图片"
    return "未知格式"


def open_table(source, filename: str, *, count: bool = False) -> Table:
    """``source`` is a path or a binary file object; ``filename`` decides the expected format.

    ``count`` makes ``Table.total`` exact even for workbooks written without their size (it costs
    a second pass over such a sheet); otherwise it is 0 when the size is unknown."""
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED:
        if suffix == ".xls":
            raise SheetError("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 后再导入。")
        raise SheetError(f"不支持的文件类型「{suffix or filename}」，请上传 .xlsx 或 .csv 文件。")
    if isinstance(source, str | Path):
        handle = open(source, "rb")  # noqa: SIM115  (closed by Table.close)
    else:
        handle = source
        handle.seek(0)
    head = handle.read(8)
    handle.seek(0)
    if suffix == ".xlsx":
        if not head.startswith(ZIP_MAGIC):
            raise SheetError(
                f"文件扩展名为 .xlsx，但内容是{_describe(head)}，不是 Excel 工作簿；"
                "请在 Excel 中打开后另存为 .xlsx。"
            )
        return _open_xlsx(handle, count)
    if head.startswith(ZIP_MAGIC) or head.startswith(OLE_MAGIC) or b"\x00" in head:
        raise SheetError(f"文件扩展名为 .csv，但内容是{_describe(head)}，不是文本表格。")
    return _open_csv(handle.read())


def _open_xlsx(handle, count: bool) -> Table:
    from .xlsx import UnsupportedWorkbook, XlsxReader

    try:
        reader = XlsxReader(handle)
    except UnsupportedWorkbook:
        handle.seek(0)
        return _open_xlsx_openpyxl(handle, count)
    except zipfile.BadZipFile as exc:
        raise SheetError("无法读取该 Excel 文件，文件可能已损坏或并非 .xlsx 格式。") from exc
    rows = reader.rows()
    first = next(rows, None)
    if first is None or first[0] != 1:
        reader.close()
        raise SheetError("工作表的第 1 行应为列名，但第 1 行是空的。")
    total = reader.dimension_rows()
    if total is not None:
        total = max(total - 1, 0)
    elif count:
        counter = XlsxReader(handle)
        total = sum(1 for _ in counter.rows()) - 1
    else:
        total = 0
    return Table(_headers(first[1]), rows, total, [reader.close])


def _open_xlsx_openpyxl(handle, count: bool) -> Table:
    """openpyxl's read-only mode, for workbooks the streaming reader does not handle."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise SheetError("无法读取该 Excel 文件，文件可能已损坏或并非 .xlsx 格式。") from exc
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        workbook.close()
        raise SheetError("工作表是空的，第 1 行应为列名。")
    if sheet.max_row:
        total = max(sheet.max_row - 1, 0)
    elif count:
        total = sum(1 for _ in sheet.iter_rows(min_row=2, values_only=True))
    else:
        total = 0
    return Table(_headers(header), enumerate(rows, start=2), total, [workbook.close])


def decode_csv(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SheetError("CSV 文件为 UTF-16 编码，不受支持；请另存为 UTF-8 或 GB18030 编码的 CSV。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetError("无法识别 CSV 文件的编码：只支持 UTF-8（含或不含 BOM）和 GB18030（GBK）。")


def _open_csv(data: bytes) -> Table:
    text = decode_csv(data)
    lines = list(csv.reader(io.StringIO(text, newline="")))
    if not lines:
        raise SheetError("CSV 文件是空的，第 1 行应为列名。")
    body = lines[1:]

    def numbered():
        for number, cells in enumerate(body, start=2):
            yield number, tuple(cells)

    return Table(_headers(lines[0]), numbered(), len(body))


def _headers(cells) -> list[str]:
    return ["" if c is None else str(c).strip().replace("\n", "") for c in cells]
