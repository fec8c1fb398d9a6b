"""Reading a spreadsheet (xlsx or CSV) into a header row and data rows, with the file checks of
DESIGN.md §3: the content must match the extension, CSV is UTF-8 (with or without BOM) or GB18030."""

import csv
import io
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SheetError

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls / .doc
SUPPORTED = (".xlsx", ".csv")
# First bytes of files that are certainly not text: zip, OLE, PDF, PNG, JPEG, GIF, Windows EXE.
BINARY_MAGIC = (ZIP_MAGIC, OLE_MAGIC, b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"MZ")


@dataclass
class Table:
    """Headers (stripped text) and an iterator of (row number, cells); row 1 is the header."""

    headers: list[str]
    rows: Iterator[tuple[int, tuple]]
    total: int  # data rows, for progress (may include trailing blank rows)
    _close: list = field(default_factory=list)
    encoding: str = ""  # how a CSV was decoded ("utf-8" or "gb18030"); empty for a workbook

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
    if head.startswith(b"MZ"):
        return "Windows 可执行程序"
    if head.lstrip().lower().startswith((b"<!doctype", b"<html", b"<?xml", b"<svg")):
        return "网页或 XML 文本"
    return "未知格式"


def check_name(filename: str) -> str:
    """The file's suffix if the import reads files of that type; SheetError otherwise."""
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED:
        if suffix == ".xls":
            raise SheetError("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 后再导入。")
        raise SheetError(f"不支持的文件类型「{suffix or filename}」，请上传 .xlsx 或 .csv 文件。")
    return suffix


def open_table(source, filename: str, *, count: bool = False) -> Table:
    """``source`` is a path or a binary file object; ``filename`` decides the expected format.

    ``count`` makes ``Table.total`` exact even for workbooks written without their size (it costs
    a second pass over such a sheet); otherwise it is 0 when the size is unknown."""
    suffix = check_name(filename)
    if isinstance(source, str | Path):
        handle = open(source, "rb")  # noqa: SIM115  (closed by Table.close)
    else:
        handle = source
        handle.seek(0)
    head = handle.read(64)
    handle.seek(0)
    if not head:
        raise SheetError("文件是空的（0 字节），第 1 行应为列名。")
    if suffix == ".xlsx":
        if not head.startswith(ZIP_MAGIC):
            raise SheetError(
                f"文件扩展名为 .xlsx，但内容是{_describe(head)}，不是 Excel 工作簿；"
                "请在 Excel 中打开后另存为 .xlsx。"
            )
        return _open_xlsx(handle, count)
    if head.startswith(BINARY_MAGIC):
        raise SheetError(f"文件扩展名为 .csv，但内容是{_describe(head)}，不是文本表格。")
    return _open_csv(handle.read())


DAMAGED = "无法读取该 Excel 文件，文件可能已损坏或并非 .xlsx 格式。"
XML_DECLARATIONS = (b"<!DOCTYPE", b"<!ENTITY")


def _check_archive(handle) -> None:
    """Refuses a workbook before any part of it is parsed: a zip bomb (the limits of
    attachments), or XML parts carrying a DTD, which Excel never writes and which is how entity
    expansion ("billion laughs") and external entities get in."""
    from kejiju.uploads import zip_bomb_problem

    try:
        with zipfile.ZipFile(handle) as archive:
            problem = zip_bomb_problem(archive)
            if problem:
                raise SheetError(f"Excel {problem}")
            for entry in archive.infolist():
                if not entry.filename.endswith((".xml", ".rels")):
                    continue
                with archive.open(entry) as part:
                    head = part.read(4096)
                if any(marker in head for marker in XML_DECLARATIONS):
                    raise SheetError(
                        f"Excel 文件的「{entry.filename}」中含有 DTD 或实体声明，"
                        "正常的工作簿不会有，已拒收。"
                    )
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise SheetError(DAMAGED) from exc
    finally:
        handle.seek(0)


def _guarded(rows: Iterable) -> Iterator[tuple[int, tuple]]:
    """Rows of a workbook; a part that turns out damaged half-way is a SheetError, not a crash."""
    from lxml import etree

    number = 1
    try:
        for number, cells in rows:
            yield number, cells
    except (etree.XMLSyntaxError, zipfile.BadZipFile, zlib.error, EOFError, KeyError) as exc:
        raise SheetError(
            f"Excel 文件已损坏：第 {number} 行之后的内容无法读取。请在 Excel 中打开后另存为 .xlsx。"
        ) from exc


def _open_xlsx(handle, count: bool) -> Table:
    from lxml import etree

    from .xlsx import UnsupportedWorkbook, XlsxReader

    _check_archive(handle)
    try:
        reader = XlsxReader(handle)
    except UnsupportedWorkbook:
        handle.seek(0)
        return _open_xlsx_openpyxl(handle, count)
    except (zipfile.BadZipFile, etree.XMLSyntaxError, KeyError, ValueError) as exc:
        raise SheetError(DAMAGED) from exc
    rows = _guarded(reader.rows())
    first = next(rows, None)
    if first is None or first[0] != 1:
        reader.close()
        raise SheetError(BLANK_HEADER)
    total = reader.dimension_rows()
    if total is not None:
        total = max(total - 1, 0)
    elif count:
        counter = XlsxReader(handle)
        total = sum(1 for _ in _guarded(counter.rows())) - 1
    else:
        total = 0
    return Table(_headers(first[1]), rows, total, [reader.close])


def _open_xlsx_openpyxl(handle, count: bool) -> Table:
    """openpyxl's read-only mode, for workbooks the streaming reader does not handle."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError) as exc:
        raise SheetError(DAMAGED) from exc
    sheet = workbook.worksheets[0]
    rows = _guarded(enumerate(sheet.iter_rows(values_only=True), start=1))
    first = next(rows, None)
    header = first[1] if first else None
    if header is None:
        workbook.close()
        raise SheetError("工作表是空的，第 1 行应为列名。")
    if sheet.max_row:
        total = max(sheet.max_row - 1, 0)
    elif count:
        total = sum(1 for _ in sheet.iter_rows(min_row=2, values_only=True))
    else:
        total = 0
    return Table(_headers(header), rows, total, [workbook.close])


def decode_csv(data: bytes) -> str:
    return _decode(data)[0]


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SheetError("CSV 文件为 UTF-16 编码，不受支持；请另存为 UTF-8 或 GB18030 编码的 CSV。")
    if b"\x00" in data:
        # No UTF-8 or GB18030 text holds a zero byte (the database would refuse it later anyway);
        # UTF-16 without its byte order mark and binary files do.
        raise SheetError(
            "CSV 文件中含有空字符（NUL），不是正常的文本表格（可能是 UTF-16 编码或二进制文件）；"
            "请另存为 UTF-8 或 GB18030 编码的 CSV。"
        )
    for encoding, name in (("utf-8-sig", "utf-8"), ("gb18030", "gb18030")):
        try:
            return data.decode(encoding), name
        except UnicodeDecodeError:
            continue
    raise SheetError("无法识别 CSV 文件的编码：只支持 UTF-8（含或不含 BOM）和 GB18030（GBK）。")


def _open_csv(data: bytes) -> Table:
    text, encoding = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        lines = list(reader)
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise SheetError(
                f"CSV 文件第 {reader.line_num} 行有单元格内容过长"
                f"（超过 {csv.field_size_limit()} 个字符），不像正常的数据。"
            ) from exc
        raise SheetError(f"CSV 文件第 {reader.line_num} 行无法解析：{exc}") from exc
    if not lines:
        raise SheetError("CSV 文件是空的，第 1 行应为列名。")
    body = lines[1:]

    def numbered():
        for number, cells in enumerate(body, start=2):
            yield number, tuple(cells)

    return Table(_headers(lines[0]), numbered(), len(body), encoding=encoding)


BLANK_HEADER = "工作表的第 1 行应为列名，但第 1 行是空的。"


def _headers(cells) -> list[str]:
    headers = ["" if c is None else str(c).strip().replace("\n", "") for c in cells]
    if not any(headers):
        raise SheetError(BLANK_HEADER)
    return headers
