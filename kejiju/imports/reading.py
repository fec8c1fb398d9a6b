"""Reading a spreadsheet file into a :class:`Book`: its sheets as rows of cells, with what an
office file says beyond its values — which sheet is active, which rows and columns are hidden,
which cells are merged (DESIGN.md §3).

Values of .xlsx, .xls, .ods and .xlsb come from python-calamine (one reader for the four
formats). What calamine does not tell is read from the file itself, and only where the file has
it: the active sheet and hidden rows and columns (.xlsx sheet XML, the .xls BIFF records, the
.ods content and settings), and merged ranges of .ods. CSV and tab-separated text are UTF-8 (with
or without BOM) or GB18030, the delimiter detected.

The format is decided by the content, not by the name: a .xls that is really an .xlsx (as some
systems export) is read as what it is and the result says so. A file whose content is not a
spreadsheet at all is refused with a message naming what it is.
"""

import csv
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SheetError

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls / .doc
WORKBOOK_SUFFIXES = (".xlsx", ".xls", ".ods", ".xlsb")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
SUPPORTED = WORKBOOK_SUFFIXES + TEXT_SUFFIXES
ACCEPTED = "Excel（.xlsx、.xls）、WPS、LibreOffice（.ods）表格或 CSV / 制表符分隔的文本"
# First bytes of files that are certainly not text: zip, OLE, PDF, PNG, JPEG, GIF, Windows EXE.
BINARY_MAGIC = (ZIP_MAGIC, OLE_MAGIC, b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"MZ")
FORMAT_NAMES = {
    "xlsx": "Excel 工作簿（.xlsx）",
    "xls": "旧版 Excel（.xls，Excel 97-2003）",
    "ods": "OpenDocument 表格（.ods）",
    "xlsb": "Excel 二进制工作簿（.xlsb）",
    "csv": "文本表格",
}


@dataclass
class Sheet:
    """One sheet: ``rows[i]`` is the sheet's row ``i + 1``; hidden rows are 1-based row numbers,
    hidden columns and merged ranges 0-based ``((first row, first col), (last row, last col))``.
    Rows and the file's layout details are read when first asked for."""

    name: str
    visible: bool = True
    _load: Callable[[], list] | None = None
    _details: Callable[[], tuple[set, set, list]] | None = None
    _rows: list | None = None
    _extra: tuple | None = None

    @property
    def rows(self) -> list:
        if self._rows is None:
            self._rows = self._load() if self._load else []
        return self._rows

    def _detail(self, index: int):
        if self._extra is None:
            self._extra = self._details() if self._details else (set(), set(), [])
        return self._extra[index]

    @property
    def hidden_rows(self) -> set[int]:
        return self._detail(0)

    @property
    def hidden_columns(self) -> set[int]:
        return self._detail(1)

    @property
    def merged(self) -> list:
        return self._detail(2)


@dataclass
class Book:
    format: str  # xlsx, xls, ods, xlsb, csv
    sheets: list[Sheet]
    active: int = 0
    encoding: str = ""  # how a text file was decoded
    delimiter: str = ""
    notes: list[str] = field(default_factory=list)
    _close: list = field(default_factory=list)

    @property
    def format_name(self) -> str:
        return FORMAT_NAMES[self.format]

    def close(self) -> None:
        for closer in self._close:
            closer()


def describe(head: bytes) -> str:
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
    if _looks_like_markup(head):
        return "网页或 XML 文本"
    return "未知格式"


def _looks_like_markup(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype", b"<html", b"<?xml", b"<svg", b"<table", b"<meta"))


def check_name(filename: str) -> str:
    """The file's suffix if the import reads files of that type; SheetError otherwise."""
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED:
        if suffix in (".xlsm", ".xltm", ".xlam"):
            raise SheetError(
                f"不接受含宏的 Excel 文件（{suffix}），请在 Excel 中另存为 .xlsx 后再导入。"
            )
        raise SheetError(f"不支持的文件类型「{suffix or filename}」，请上传{ACCEPTED}。")
    return suffix


def read_bytes(source) -> bytes:
    if isinstance(source, str | Path):
        return Path(source).read_bytes()
    source.seek(0)
    return source.read()


def read_book(source, filename: str | None) -> Book:
    """``source`` is a path, a binary file object or bytes; ``filename`` (when known) must have a
    suffix the import reads. The format is taken from the content."""
    suffix = check_name(filename) if filename else ""
    data = source if isinstance(source, bytes) else read_bytes(source)
    if not data:
        raise SheetError("文件是空的（0 字节）。")
    head = data[:64]
    if suffix in TEXT_SUFFIXES:
        if head.startswith(BINARY_MAGIC):
            raise SheetError(
                f"文件扩展名为 {suffix}，但内容是{describe(head)}，不是文本表格；"
                "Excel 文件请保留 .xlsx 或 .xls 扩展名上传。"
            )
        return _read_text(data)
    if head.startswith(ZIP_MAGIC):
        kind = _zip_kind(data)
    elif head.startswith(OLE_MAGIC):
        kind = "xls"
    elif not suffix:
        return _read_text(data)
    else:
        what = describe(head)
        if _looks_like_markup(head):
            raise SheetError(
                f"文件扩展名为 {suffix}，但内容是网页（HTML / XML），不是 Excel 工作簿"
                "（有的系统导出的“Excel”实为网页）；请在 Excel 或 WPS 中打开后另存为 .xlsx 再导入。"
            )
        if what == "未知格式":
            what = "文本或未知格式" if _is_text(head) else what
        raise SheetError(
            f"文件扩展名为 {suffix}，但内容是{what}，不是 Excel 工作簿；"
            "请在 Excel 或 WPS 中打开后另存为 .xlsx。"
        )
    book = _read_workbook(data, kind)
    if suffix and suffix != f".{kind}":
        book.notes.append(f"文件扩展名为 {suffix}，实际是{FORMAT_NAMES[kind]}，已按实际格式读取。")
    return book


def _is_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# ---- workbooks ----------------------------------------------------------------------------------

DAMAGED = "无法读取该文件：{what}已损坏或不完整。请在 Excel 或 WPS 中打开后另存为 .xlsx 再导入。"
XML_DECLARATIONS = (b"<!DOCTYPE", b"<!ENTITY")


def _zip_kind(data: bytes) -> str:
    """xlsx, xlsb or ods by the parts of the package; refuses a zip bomb and XML parts that
    carry a DTD (which no office program writes, and which is how entity expansion and external
    entities get in) before anything is parsed."""
    from kejiju.uploads import zip_bomb_problem

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            problem = zip_bomb_problem(archive)
            if problem:
                raise SheetError(f"Excel {problem}")
            names = set(archive.namelist())
            for entry in archive.infolist():
                if not entry.filename.endswith((".xml", ".rels")):
                    continue
                with archive.open(entry) as part:
                    head = part.read(4096)
                if any(marker in head for marker in XML_DECLARATIONS):
                    raise SheetError(
                        f"表格文件的「{entry.filename}」中含有 DTD 或实体声明，"
                        "正常的工作簿不会有，已拒收。"
                    )
            mimetype = archive.read("mimetype") if "mimetype" in names else b""
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError) as exc:
        raise SheetError(DAMAGED.format(what="压缩包格式的表格文件")) from exc
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "content.xml" in names and mimetype.startswith(b"application/vnd.oasis.opendocument"):
        if b"spreadsheet" not in mimetype:
            raise SheetError("文件是 OpenDocument 文本或演示文稿，不是表格（.ods）。")
        return "ods"
    if "word/document.xml" in names:
        raise SheetError("文件是 Word 文档，不是 Excel 工作簿。")
    raise SheetError(DAMAGED.format(what="Excel 工作簿（压缩包中没有工作簿内容）"))


def _read_workbook(data: bytes, kind: str) -> Book:
    import python_calamine as calamine

    what = FORMAT_NAMES[kind]
    try:
        workbook = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        metadata = list(workbook.sheets_metadata)
    except calamine.PasswordError as exc:
        raise SheetError(f"该{what}设置了打开密码，请取消密码后另存再导入。") from exc
    except Exception as exc:  # calamine raises several kinds for damaged files
        if kind == "xls" and b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00i\x00o\x00n" in data[:65536]:
            raise SheetError("该 Excel 文件已加密（设置了密码），请取消密码后另存再导入。") from exc
        raise SheetError(DAMAGED.format(what=what)) from exc

    opened: dict = {}

    def sheet_named(name: str):
        """calamine parses a whole sheet when it is opened: once per sheet, for its values and
        its merged ranges alike."""
        if name not in opened:
            try:
                opened[name] = workbook.get_sheet_by_name(name)
            except Exception as exc:
                raise SheetError(DAMAGED.format(what=f"{what}的工作表「{name}」")) from exc
        return opened[name]

    def loader(name: str):
        def load() -> list:
            try:
                return sheet_named(name).to_python(skip_empty_area=False)
            except SheetError:
                raise
            except Exception as exc:
                raise SheetError(DAMAGED.format(what=f"{what}的工作表「{name}」")) from exc

        return load

    sheets = []
    worksheet = calamine.SheetTypeEnum.WorkSheet
    for meta in metadata:
        if meta.typ != worksheet:
            continue
        visible = meta.visible == calamine.SheetVisibleEnum.Visible
        sheets.append(Sheet(meta.name, visible, loader(meta.name)))
    if not sheets:
        raise SheetError(f"该{what}中没有工作表。")
    book = Book(kind, sheets, _close=[workbook.close])
    details = {"xlsx": _xlsx_details, "xls": _xls_details, "ods": _ods_details}.get(kind)
    if details:
        details(data, book, sheet_named)
    return book


def _with_merges(sheet_named, name: str, hidden: Callable[[], tuple[set, set]]):
    def details():
        rows, columns = hidden()
        try:
            merged = list(sheet_named(name).merged_cell_ranges or [])
        except Exception:
            merged = []
        return rows, columns, merged

    return details


# .xlsx: workbook.xml says which tab is active; a sheet part marks hidden rows and columns.

_XLSX_TAG = r"<(?:\w+:)?{tag}\b([^>]*)>"
_ROW = re.compile(_XLSX_TAG.format(tag="row").encode())
_COL = re.compile(_XLSX_TAG.format(tag="col").encode())
_SHEET = re.compile(_XLSX_TAG.format(tag="sheet").encode())
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')


def _attrs(raw: bytes) -> dict[bytes, bytes]:
    return dict(_ATTR.findall(raw))


def _true(value: bytes | None) -> bool:
    return value in (b"1", b"true")


def _xlsx_details(data: bytes, book: Book, sheet_named) -> None:
    archive = zipfile.ZipFile(io.BytesIO(data))
    book._close.append(archive.close)
    try:
        xml = archive.read("xl/workbook.xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return
    active = re.search(rb'activeTab="(\d+)"', xml)
    order = [_attrs(m) for m in _SHEET.findall(xml)]
    targets = {
        attrs.get(b"Id"): attrs.get(b"Target", b"")
        for attrs in (_attrs(m) for m in re.findall(rb"<(?:\w+:)?Relationship\b([^>]*)>", rels))
    }
    paths = {}
    for attrs in order:
        rel = next((v for k, v in attrs.items() if k.endswith(b":id")), None)
        target = targets.get(rel, b"").decode()
        if target:
            paths[_xml_text(attrs.get(b"name", b"").decode())] = (
                target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            )
    if active and order:
        index = int(active.group(1))
        if index < len(order):
            name = _xml_text(order[index].get(b"name", b"").decode())
            book.active = next((i for i, s in enumerate(book.sheets) if s.name == name), 0)
    for sheet in book.sheets:
        path = paths.get(sheet.name)
        if path:
            sheet._details = _with_merges(sheet_named, sheet.name, _xlsx_hidden(archive, path))


def _xlsx_hidden(archive: zipfile.ZipFile, path: str):
    def hidden() -> tuple[set, set]:
        try:
            xml = archive.read(path)
        except KeyError:
            return set(), set()
        if b'hidden="1"' not in xml and b'hidden="true"' not in xml:
            return set(), set()
        rows, columns = set(), set()
        number = 0
        for raw in _ROW.findall(xml):
            attrs = _attrs(raw)
            # A row without r= follows the one before it (valid, and some generators write it).
            number = int(attrs[b"r"]) if b"r" in attrs else number + 1
            if _true(attrs.get(b"hidden")):
                rows.add(number)
        for raw in _COL.findall(xml):
            attrs = _attrs(raw)
            if _true(attrs.get(b"hidden")):
                first, last = int(attrs.get(b"min", 1)), int(attrs.get(b"max", 1))
                columns.update(range(first - 1, min(last, 16384)))
        return rows, columns

    return hidden


# .xls (BIFF8): BOUNDSHEET records name the sheets and where they start, WINDOW1 the active
# tab; in a sheet, a ROW record with fDyZero is a hidden row, COLINFO with fHidden hidden columns.

_RECORD = struct.Struct("<HH")


def _xls_details(data: bytes, book: Book, sheet_named) -> None:
    import olefile

    try:
        ole = olefile.OleFileIO(data)
        stream_name = "Workbook" if ole.exists("Workbook") else "Book"
        stream = ole.openstream(stream_name).read()
        ole.close()
    except Exception:
        return
    offsets: dict[str, int] = {}
    order: list[str] = []
    active = 0
    position, size = 0, len(stream)
    while position + 4 <= size:
        kind, length = _RECORD.unpack_from(stream, position)
        body = position + 4
        if kind == 0x0085 and length >= 8:  # BOUNDSHEET
            (offset,) = struct.unpack_from("<I", stream, body)
            name = _biff_string(stream[body + 6 : body + length])
            offsets[name] = offset
            order.append(name)
        elif kind == 0x003D and length >= 12:  # WINDOW1
            (active,) = struct.unpack_from("<H", stream, body + 10)
        elif kind == 0x000A and order:  # EOF of the globals
            break
        position = body + length
    if active < len(order):
        book.active = next((i for i, s in enumerate(book.sheets) if s.name == order[active]), 0)
    for sheet in book.sheets:
        if sheet.name in offsets:
            sheet._details = _with_merges(
                sheet_named, sheet.name, _xls_hidden(stream, offsets[sheet.name])
            )


def _biff_string(raw: bytes) -> str:
    """A ShortXLUnicodeString: character count, flags (bit 0: UTF-16), characters."""
    if len(raw) < 2:
        return ""
    count, flags = raw[0], raw[1]
    if flags & 1:
        return raw[2 : 2 + 2 * count].decode("utf-16-le", "replace")
    return raw[2 : 2 + count].decode("latin-1")


def _xls_hidden(stream: bytes, start: int):
    def hidden() -> tuple[set, set]:
        rows, columns = set(), set()
        position, size = start, len(stream)
        while position + 4 <= size:
            kind, length = _RECORD.unpack_from(stream, position)
            body = position + 4
            if kind == 0x0208 and length >= 16:  # ROW
                if stream[body + 12] & 0x20:
                    rows.add(struct.unpack_from("<H", stream, body)[0] + 1)
            elif kind == 0x007D and length >= 10:  # COLINFO
                first, last = struct.unpack_from("<HH", stream, body)
                if struct.unpack_from("<H", stream, body + 8)[0] & 0x01:
                    columns.update(range(first, min(last, 255) + 1))
            elif kind == 0x000A:  # EOF of the sheet
                break
            position = body + length
        return rows, columns

    return hidden


# .ods: settings.xml names the active table; content.xml marks hidden (collapsed or filtered)
# rows and columns and spans merged cells. Parsed only when the content has any of them.

TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_T = f"{{{TABLE}}}"


def _ods_details(data: bytes, book: Book, sheet_named) -> None:
    archive = zipfile.ZipFile(io.BytesIO(data))
    book._close.append(archive.close)
    try:
        settings = archive.read("settings.xml")
    except KeyError:
        settings = b""
    active = re.search(rb'config:name="ActiveTable"[^>]*>([^<]*)<', settings)
    if active:
        name = _xml_text(active.group(1).decode("utf-8", "replace"))
        book.active = next((i for i, s in enumerate(book.sheets) if s.name == name), 0)
    cache: dict = {}

    def details_for(name: str):
        def details():
            if "tables" not in cache:
                cache["tables"] = _ods_tables(archive)
            return cache["tables"].get(name, (set(), set(), []))

        return details

    for sheet in book.sheets:
        sheet._details = details_for(sheet.name)


def _xml_text(value: str) -> str:
    return (
        value.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


def _ods_tables(archive: zipfile.ZipFile) -> dict[str, tuple[set, set, list]]:
    from lxml import etree

    content = archive.read("content.xml")
    if not any(
        marker in content
        for marker in (b'table:visibility="collapse"', b'table:visibility="filter"', b"-spanned=")
    ):
        return {}
    tables: dict[str, tuple[set, set, list]] = {}
    name, rows, columns, merged = None, set(), set(), []
    row = column = 0
    repeat_rows = 1
    parser = etree.iterparse(io.BytesIO(content), events=("start", "end"), huge_tree=False)
    for event, element in parser:
        tag = element.tag
        if event == "start":
            if tag == f"{_T}table":
                name, rows, columns, merged, row, column = (
                    element.get(f"{_T}name"),
                    set(),
                    set(),
                    [],
                    0,
                    0,
                )
            elif tag == f"{_T}table-column":
                count = int(element.get(f"{_T}number-columns-repeated", 1))
                if element.get(f"{_T}visibility") in ("collapse", "filter"):
                    columns.update(range(column, column + min(count, 16384)))
                column += count
            elif tag == f"{_T}table-row":
                repeat_rows = int(element.get(f"{_T}number-rows-repeated", 1))
                if element.get(f"{_T}visibility") in ("collapse", "filter"):
                    rows.update(range(row + 1, row + 1 + min(repeat_rows, 1_048_576)))
                column = 0
            elif tag in (f"{_T}table-cell", f"{_T}covered-table-cell"):
                span_rows = int(element.get(f"{_T}number-rows-spanned", 1))
                span_columns = int(element.get(f"{_T}number-columns-spanned", 1))
                if span_rows > 1 or span_columns > 1:
                    merged.append(((row, column), (row + span_rows - 1, column + span_columns - 1)))
                column += int(element.get(f"{_T}number-columns-repeated", 1))
        else:
            if tag == f"{_T}table-row":
                row += repeat_rows
                element.clear()
            elif tag == f"{_T}table":
                if name is not None:
                    tables[name] = (rows, columns, merged)
                element.clear()
    return tables


# ---- text ---------------------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SheetError(
            "文件为 UTF-16 编码（Excel 另存为“Unicode 文本”时即为此编码），不受支持；"
            "请直接上传 Excel 文件（.xlsx / .xls），或另存为“CSV UTF-8（逗号分隔）”。"
        )
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


def _delimiter(text: str) -> str:
    """Tab when the first lines hold tabs and no more commas than tabs; comma otherwise."""
    sample = text[:20000].splitlines()[:20]
    tabs = sum(line.count("\t") for line in sample)
    commas = sum(line.count(",") for line in sample)
    semicolons = sum(line.count(";") for line in sample)
    if tabs and tabs >= commas:
        return "\t"
    if semicolons > commas and not tabs:
        return ";"
    return ","


def _read_text(data: bytes) -> Book:
    text, encoding = _decode(data)
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
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
    sheet = Sheet("CSV", _rows=lines)
    sheet._extra = (set(), set(), [])
    return Book("csv", [sheet], encoding=encoding, delimiter=delimiter)
