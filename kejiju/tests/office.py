"""Spreadsheets shaped the way county offices keep them, built from a plain description.

The import tests need .xlsx, .xls and .ods files like the ones a township office or an
enterprise actually sends: a title row or two above the header, merged cells, hidden rows and
columns, a 合计 row at the bottom, the data on a second sheet that is the active one. A
``SheetSpec`` describes one sheet cell by cell; ``write_xlsx``, ``write_xls``, ``write_ods``
(and ``write_csv`` for text) turn a list of them into a file, ``write_book`` picks the writer
from the file's suffix::

    sheet = SheetSpec(
        "2023年度",
        rows=[
            ["瑞安市2023年度科技项目汇总表"],
            ["序号", "项目名称", "立项日期", "经费（万元）"],
            [1, "智能制造示范", dt.date(2023, 5, 1), 12.5],
            [2, "已撤销项目", dt.date(2023, 6, 1), 0],
            ["合计", None, None, 12.5],
        ],
        merged=["A1:D1", "A5:C5"],
        hidden_rows={4},
    )
    write_book(tmp_path / "projects.xls", [SheetSpec("说明", [["见第二页"]]), sheet], active=1)

Cell values may be None (an empty cell), str, int, float, Decimal, bool, datetime.date or
datetime.datetime (naive). A str is always written as a text cell, also when it looks like a
number or starts with "=". Row numbers in ``hidden_rows`` are 1-based as Excel shows them;
column indexes in ``hidden_columns`` and ``text_columns`` are 0-based like the lists in
``rows``. In a merged range only the top-left cell's value is written; the range's other cells
are left empty whatever ``rows`` holds there.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby
from pathlib import Path

from lxml import etree
from openpyxl import Workbook
from openpyxl.utils.cell import (
    column_index_from_string,
    coordinate_from_string,
    get_column_letter,
    range_boundaries,
)

__all__ = [
    "SheetSpec",
    "write_book",
    "write_csv",
    "write_ods",
    "write_xls",
    "write_xlsx",
]

XLS_MAX_ROWS = 65_536
XLS_MAX_COLUMNS = 256
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
TEXT_FORMAT = "@"


@dataclass
class SheetSpec:
    """One sheet: its name, its cells row by row from row 1, and how it is laid out.

    ``hidden_rows`` holds 1-based row numbers, ``hidden_columns`` 0-based column indexes,
    ``merged`` Excel ranges such as "A1:D1" (the top-left cell keeps its value, the others are
    written empty). Numbers in ``text_columns`` (0-based) are written as text cells with the
    text number format "@", the way a column of ID numbers or credit codes formatted as text
    holds them; str values are text cells in every column anyway.
    """

    name: str
    rows: list[list]
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)
    merged: list[str] = field(default_factory=list)
    text_columns: set[int] = field(default_factory=set)


# --------------------------------------------------------------------------------------------
# The layout shared by the writers


@dataclass
class _Layout:
    width: int  # columns used, counting merges and hidden columns
    height: int  # rows used, counting merges and hidden rows
    anchors: dict[tuple[int, int], tuple[int, int]]  # (row, col) -> (rows, cols) spanned
    covered: set[tuple[int, int]]  # cells of a merged range other than its top-left one
    merges: list[tuple[int, int, int, int]]  # first row, first col, last row, last col


def _layout(sheet: SheetSpec) -> _Layout:
    """0-based geometry of a sheet; raises ValueError for bad ranges or overlapping merges."""
    anchors: dict[tuple[int, int], tuple[int, int]] = {}
    covered: set[tuple[int, int]] = set()
    merges = []
    for ref in sheet.merged:
        try:
            min_col, min_row, max_col, max_row = range_boundaries(ref)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{sheet.name}: bad merged range {ref!r}") from exc
        if None in (min_col, min_row, max_col, max_row):
            raise ValueError(f"{sheet.name}: merged range {ref!r} must name its corners")
        r0, c0, r1, c1 = min_row - 1, min_col - 1, max_row - 1, max_col - 1
        if (r0, c0) == (r1, c1):
            raise ValueError(f"{sheet.name}: merged range {ref!r} is a single cell")
        cells = {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
        if cells & (covered | anchors.keys()):
            raise ValueError(f"{sheet.name}: merged range {ref!r} overlaps another one")
        anchors[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1)
        covered |= cells - {(r0, c0)}
        merges.append((r0, c0, r1, c1))
    if any(r < 1 for r in sheet.hidden_rows):
        raise ValueError(f"{sheet.name}: hidden_rows are 1-based row numbers")
    if any(c < 0 for c in sheet.hidden_columns | sheet.text_columns):
        raise ValueError(f"{sheet.name}: column indexes are 0-based")
    width = max(
        [len(row) for row in sheet.rows]
        + [c + 1 for c in sheet.hidden_columns]
        + [m[3] + 1 for m in merges]
        + [1]
    )
    height = max([len(sheet.rows)] + list(sheet.hidden_rows) + [m[2] + 1 for m in merges] + [1])
    return _Layout(width, height, anchors, covered, merges)


_BAD_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


def _check_book(sheets: Sequence[SheetSpec], active: int) -> None:
    if not sheets:
        raise ValueError("a workbook needs at least one sheet")
    if not 0 <= active < len(sheets):
        raise ValueError(f"active={active} but there are {len(sheets)} sheets")
    names = [s.name for s in sheets]
    for name in names:
        if not name or len(name) > 31 or _BAD_SHEET_NAME.search(name) or "'" in (name[0], name[-1]):
            raise ValueError(f"{name!r} is not a sheet name Excel accepts")
    folded = [n.casefold() for n in names]
    if len(set(folded)) != len(folded):
        raise ValueError(f"sheet names repeat: {names}")


# Characters XML 1.0 cannot carry at all, escaped or not (.xlsx and .ods cells are XML).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _check_value(value: object) -> None:
    """Refuse what no spreadsheet cell holds, the same way for every writer."""
    if isinstance(value, str):
        if _NOT_XML.search(value):
            raise ValueError(f"{value!r} holds a control character that XML cannot store")
    elif isinstance(value, float | Decimal) and not math.isfinite(value):
        raise ValueError(f"{value!r} cannot be stored in a cell")
    elif isinstance(value, dt.datetime) and value.tzinfo is not None:
        raise ValueError(f"spreadsheets hold naive date-times only, not {value!r}")
    elif not isinstance(value, bool | int | float | Decimal | dt.date):
        raise TypeError(f"cannot write {value!r} to a cell")


def _cells(sheet: SheetSpec, layout: _Layout) -> Iterator[tuple[int, int, object]]:
    """(row, col, value) of every non-empty cell that is not covered by a merge, 0-based."""
    for r, row in enumerate(sheet.rows):
        for c, value in enumerate(row):
            if value is not None and (r, c) not in layout.covered:
                _check_value(value)
                yield r, c, value


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _number_text(value: int | float | Decimal) -> str:
    """A number as it shows in a cell formatted as text: 330381, 12.5 (not 12.50 or 1.0)."""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    return str(value)


def _sheet_list(sheets: Sequence[SheetSpec] | SheetSpec) -> list[SheetSpec]:
    return [sheets] if isinstance(sheets, SheetSpec) else list(sheets)


# --------------------------------------------------------------------------------------------
# .xlsx


def write_xlsx(
    path: str | Path,
    sheets: Sequence[SheetSpec],
    active: int = 0,
    *,
    without_row_refs: bool = False,
) -> Path:
    """Write an Office Open XML workbook with openpyxl.

    Dates get the number format "yyyy-mm-dd", date-times "yyyy-mm-dd hh:mm:ss"; hidden rows and
    columns are set on the row and column dimensions; ``active`` is both the workbook's active
    sheet and the only selected tab.

    ``without_row_refs=True`` rewrites every worksheet part so that no ``<row>`` or ``<c>``
    element carries an ``r=`` attribute, as some report generators write them: each row then
    follows the one before it and each cell the one before it, so the gaps left by empty rows
    and cells are filled with empty ``<row/>`` and ``<c/>`` elements. The file stays valid;
    Excel and openpyxl read it as the same sheet.
    """
    path = Path(path)
    sheets = _sheet_list(sheets)
    _check_book(sheets, active)
    book = Workbook()
    book.remove(book.active)
    for index, spec in enumerate(sheets):
        layout = _layout(spec)
        sheet = book.create_sheet(spec.name)
        sheet.sheet_view.tabSelected = index == active
        for r, c, value in _cells(spec, layout):
            text_column = c in spec.text_columns
            if text_column and _is_number(value):
                value = _number_text(value)
            cell = sheet.cell(row=r + 1, column=c + 1, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula or an error code
            if isinstance(value, dt.datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT
            elif text_column:
                cell.number_format = TEXT_FORMAT
        for r in spec.hidden_rows:
            sheet.row_dimensions[r].hidden = True
        for c in spec.hidden_columns:
            sheet.column_dimensions[get_column_letter(c + 1)].hidden = True
        for r0, c0, r1, c1 in layout.merges:
            sheet.merge_cells(
                start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1
            )
    book.active = active
    book.save(path)
    if without_row_refs:
        _strip_cell_refs(path)
    return path


_SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml")
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _strip_cell_refs(path: Path) -> None:
    with zipfile.ZipFile(path) as source:
        parts = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w") as target:
        for info, data in parts:
            if _SHEET_PART.fullmatch(info.filename):
                data = _sheet_without_refs(data)
            target.writestr(info, data)


def _sheet_without_refs(xml: bytes) -> bytes:
    root = etree.fromstring(xml)
    sheet_data = root.find(f"{{{_MAIN_NS}}}sheetData")
    next_row = 1
    for row in list(sheet_data):
        number = int(row.attrib.pop("r"))
        for _ in range(number - next_row):
            row.addprevious(row.makeelement(f"{{{_MAIN_NS}}}row"))
        next_row = number + 1
        next_column = 1
        for cell in list(row):
            column = column_index_from_string(coordinate_from_string(cell.attrib.pop("r"))[0])
            for _ in range(column - next_column):
                cell.addprevious(cell.makeelement(f"{{{_MAIN_NS}}}c"))
            next_column = column + 1
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# --------------------------------------------------------------------------------------------
# .xls


def write_xls(path: str | Path, sheets: Sequence[SheetSpec], active: int = 0) -> Path:
    """Write a legacy Excel 97-2003 (BIFF8) workbook with xlwt.

    Dates get the number format "YYYY-MM-DD", date-times "YYYY-MM-DD HH:MM:SS", text columns
    "@"; hidden rows and columns are flagged on their ROW and COLINFO records; merges are
    MERGEDCELLS ranges whose other cells are blank. ``active`` is the workbook's active sheet
    (WINDOW1) and the only selected and displayed sheet (WINDOW2).

    The format holds at most 65,536 rows and 256 columns per sheet; a larger sheet raises
    ValueError.
    """
    import xlwt

    path = Path(path)
    sheets = _sheet_list(sheets)
    _check_book(sheets, active)
    book = xlwt.Workbook(encoding="utf-8")
    styles = {
        "date": xlwt.easyxf(num_format_str="YYYY-MM-DD"),
        "datetime": xlwt.easyxf(num_format_str="YYYY-MM-DD HH:MM:SS"),
        "text": xlwt.easyxf(num_format_str=TEXT_FORMAT),
        "plain": xlwt.Style.default_style,
    }

    def cell(value: object, text_column: bool) -> tuple[object, object]:
        if isinstance(value, dt.datetime):
            return value, styles["datetime"]
        if isinstance(value, dt.date):
            return value, styles["date"]
        if text_column:
            return (_number_text(value) if _is_number(value) else value), styles["text"]
        return value, styles["plain"]

    for index, spec in enumerate(sheets):
        layout = _layout(spec)
        if layout.height > XLS_MAX_ROWS or layout.width > XLS_MAX_COLUMNS:
            raise ValueError(
                f"{spec.name}: {layout.height} rows × {layout.width} columns do not fit in an "
                f".xls sheet ({XLS_MAX_ROWS:,} × {XLS_MAX_COLUMNS} at most)"
            )
        sheet = book.add_sheet(spec.name)
        for r, c, value in _cells(spec, layout):
            if (r, c) not in layout.anchors:
                sheet.write(r, c, *cell(value, c in spec.text_columns))
        for r0, c0, r1, c1 in layout.merges:
            row = spec.rows[r0] if r0 < len(spec.rows) else []
            value, style = cell(row[c0] if c0 < len(row) else None, c0 in spec.text_columns)
            sheet.write_merge(r0, r1, c0, c1, "" if value is None else value, style)
        for r in spec.hidden_rows:
            sheet.row(r - 1).hidden = True
        for c in spec.hidden_columns:
            sheet.col(c).hidden = True
        sheet.set_selected(index == active)
        sheet.sheet_visible = index == active
    book.active_sheet = active
    # Setting active_sheet also scrolls the tab bar so that the active tab comes first; Excel
    # files keep the first tab in view.
    book._Workbook__first_tab_index = 0
    book.save(str(path))
    return path


# --------------------------------------------------------------------------------------------
# .ods

_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "number": "urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "config": "urn:oasis:names:tc:opendocument:xmlns:config:1.0",
    "manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
    # config:name="ooo:view-settings" is a qualified name: LibreOffice ignores the settings
    # when the ooo prefix is not declared.
    "ooo": "http://openoffice.org/2004/office",
}
_ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


def _xmlns(*prefixes: str) -> str:
    return " ".join(f'xmlns:{p}="{_NS[p]}"' for p in prefixes)


_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTR_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\t": "&#9;",
        "\n": "&#10;",
        "\r": "&#13;",
    }
)
# Runs of spaces, a space at either end of a paragraph and tabs collapse or vanish in ODF text;
# they are kept as <text:s/> and <text:tab/>.
_ODF_SPACES = re.compile(r"\t| {2,}|^ | \Z")
_NEWLINES = re.compile(r"\r\n|\r|\n")


def _xml_text(value: str) -> str:
    if _NOT_XML.search(value):
        raise ValueError(f"{value!r} holds a control character that XML cannot store")
    return value.translate(_TEXT_ESCAPES)


def _attr(value: str) -> str:
    if _NOT_XML.search(value):
        raise ValueError(f"{value!r} holds a control character that XML cannot store")
    return '"' + value.translate(_ATTR_ESCAPES) + '"'


def _odf_spaces(match: re.Match) -> str:
    run = match.group()
    if run == "\t":
        return "<text:tab/>"
    at_edge = match.start() == 0 or match.end() == len(match.string)
    kept = "" if at_edge else " "
    count = len(run) - len(kept)
    return kept + ("<text:s/>" if count == 1 else f'<text:s text:c="{count}"/>')


def _paragraphs(value: str) -> str:
    """The <text:p> elements of a string cell: one a line, spaces and tabs kept."""
    parts = []
    for line in _NEWLINES.split(_xml_text(value)):
        if "\t" in line or "  " in line or line[:1] == " " or line[-1:] == " ":
            line = _ODF_SPACES.sub(_odf_spaces, line)
        parts.append(f"<text:p>{line}</text:p>")
    return "".join(parts)


def _ods_value(value: object, text_column: bool) -> str:
    """The attributes and content of a table:table-cell holding ``value``."""
    if isinstance(value, str):
        style = ' table:style-name="ce3"' if text_column else ""
        return f'{style} office:value-type="string">{_paragraphs(value)}'
    if isinstance(value, bool):
        word = "true" if value else "false"
        return f' office:value-type="boolean" office:boolean-value="{word}"><text:p>{word.upper()}</text:p>'
    if _is_number(value):
        if text_column:
            return f' table:style-name="ce3" office:value-type="string">{_paragraphs(_number_text(value))}'
        _check_value(value)
        number = repr(value) if isinstance(value, float) else str(value)
        return f' office:value-type="float" office:value="{number}"><text:p>{number}</text:p>'
    if isinstance(value, dt.datetime):
        _check_value(value)
        iso = value.isoformat()
        shown = value.isoformat(" ", "seconds")
        return f' table:style-name="ce2" office:value-type="date" office:date-value="{iso}"><text:p>{shown}</text:p>'
    if isinstance(value, dt.date):
        iso = value.isoformat()
        return f' table:style-name="ce1" office:value-type="date" office:date-value="{iso}"><text:p>{iso}</text:p>'
    raise TypeError(f"cannot write {value!r} to a cell")


def _repeated(count: int, what: str) -> str:
    return f' table:number-{what}-repeated="{count}"' if count > 1 else ""


def _ods_row_cells(spec: SheetSpec, layout: _Layout, r: int, row: list) -> str | None:
    """The cells of row ``r`` (0-based), or None when the row is wholly empty."""
    has_merge = layout.merges and any(m[0] <= r <= m[2] for m in layout.merges)
    if not has_merge and all(v is None for v in row):
        return None
    out = []
    empty = covered = 0  # lengths of the current runs of empty and of covered cells

    def flush() -> None:
        nonlocal empty, covered
        if empty:
            out.append(f"<table:table-cell{_repeated(empty, 'columns')}/>")
            empty = 0
        if covered:
            out.append(f"<table:covered-table-cell{_repeated(covered, 'columns')}/>")
            covered = 0

    for c in range(layout.width):
        if has_merge and (r, c) in layout.covered:
            if empty:
                flush()
            covered += 1
            continue
        value = row[c] if c < len(row) else None
        span = layout.anchors.get((r, c)) if has_merge else None
        if value is None and span is None:
            if covered:
                flush()
            empty += 1
            continue
        flush()
        spanned = ""
        if span is not None:
            spanned = (
                f' table:number-columns-spanned="{span[1]}" table:number-rows-spanned="{span[0]}"'
            )
        if value is None:
            out.append(f"<table:table-cell{spanned}/>")
        else:
            content = _ods_value(value, c in spec.text_columns)
            out.append(f"<table:table-cell{spanned}{content}</table:table-cell>")
    flush()
    return "".join(out)


def _ods_table(spec: SheetSpec) -> Iterator[str]:
    layout = _layout(spec)
    yield f'<table:table table:name={_attr(spec.name)} table:style-name="ta1">'
    column_kinds = ((c in spec.hidden_columns, c in spec.text_columns) for c in range(layout.width))
    for (hidden, text), run in groupby(column_kinds):
        count = len(list(run))
        yield (
            '<table:table-column table:style-name="co1"'
            + (' table:visibility="collapse"' if hidden else "")
            + _repeated(count, "columns")
            + f' table:default-cell-style-name="{"ce3" if text else "Default"}"/>'
        )
    empty_row = f"<table:table-cell{_repeated(layout.width, 'columns')}/>"
    empty_run, empty_hidden = 0, False

    def row_start(hidden: bool, count: int = 1) -> str:
        visibility = ' table:visibility="collapse"' if hidden else ""
        return f'<table:table-row table:style-name="ro1"{visibility}{_repeated(count, "rows")}>'

    for r in range(layout.height):
        hidden = (r + 1) in spec.hidden_rows
        cells = _ods_row_cells(spec, layout, r, spec.rows[r] if r < len(spec.rows) else [])
        if cells is None and (not empty_run or hidden == empty_hidden):
            empty_run, empty_hidden = empty_run + 1, hidden
            continue
        if empty_run:
            yield row_start(empty_hidden, empty_run) + empty_row + "</table:table-row>"
            empty_run = 0
        if cells is None:
            empty_run, empty_hidden = 1, hidden
        else:
            yield row_start(hidden) + cells + "</table:table-row>"
    if empty_run:
        yield row_start(empty_hidden, empty_run) + empty_row + "</table:table-row>"
    yield "</table:table>"


_ODS_AUTOMATIC_STYLES = (
    "<office:automatic-styles>"
    '<style:style style:name="co1" style:family="table-column">'
    '<style:table-column-properties fo:break-before="auto" style:column-width="2.258cm"/>'
    "</style:style>"
    '<style:style style:name="ro1" style:family="table-row">'
    '<style:table-row-properties style:row-height="0.452cm" fo:break-before="auto"'
    ' style:use-optimal-row-height="true"/>'
    "</style:style>"
    '<style:style style:name="ta1" style:family="table" style:master-page-name="Default">'
    '<style:table-properties table:display="true" style:writing-mode="lr-tb"/>'
    "</style:style>"
    '<number:date-style style:name="N1">'
    '<number:year number:style="long"/><number:text>-</number:text>'
    '<number:month number:style="long"/><number:text>-</number:text>'
    '<number:day number:style="long"/>'
    "</number:date-style>"
    '<number:date-style style:name="N2">'
    '<number:year number:style="long"/><number:text>-</number:text>'
    '<number:month number:style="long"/><number:text>-</number:text>'
    '<number:day number:style="long"/><number:text> </number:text>'
    '<number:hours number:style="long"/><number:text>:</number:text>'
    '<number:minutes number:style="long"/><number:text>:</number:text>'
    '<number:seconds number:style="long"/>'
    "</number:date-style>"
    '<number:text-style style:name="N3"><number:text-content/></number:text-style>'
    '<style:style style:name="ce1" style:family="table-cell" style:parent-style-name="Default"'
    ' style:data-style-name="N1"/>'
    '<style:style style:name="ce2" style:family="table-cell" style:parent-style-name="Default"'
    ' style:data-style-name="N2"/>'
    '<style:style style:name="ce3" style:family="table-cell" style:parent-style-name="Default"'
    ' style:data-style-name="N3"/>'
    "</office:automatic-styles>"
)


def _ods_content(sheets: Sequence[SheetSpec]) -> Iterable[str]:
    yield _XML_HEAD
    yield (
        f"<office:document-content {_xmlns('office', 'style', 'text', 'table', 'number', 'fo')}"
        ' office:version="1.2">'
    )
    yield _ODS_AUTOMATIC_STYLES
    yield "<office:body><office:spreadsheet>"
    for spec in sheets:
        yield from _ods_table(spec)
    yield "</office:spreadsheet></office:body></office:document-content>"


def _ods_settings(active_name: str) -> str:
    return (
        f"{_XML_HEAD}<office:document-settings {_xmlns('office', 'config', 'ooo')}"
        ' office:version="1.2"><office:settings>'
        '<config:config-item-set config:name="ooo:view-settings">'
        '<config:config-item-map-indexed config:name="Views"><config:config-item-map-entry>'
        '<config:config-item config:name="ViewId" config:type="string">view1</config:config-item>'
        '<config:config-item config:name="ActiveTable" config:type="string">'
        f"{_xml_text(active_name)}</config:config-item>"
        "</config:config-item-map-entry></config:config-item-map-indexed>"
        "</config:config-item-set></office:settings></office:document-settings>"
    )


_ODS_STYLES = (
    f"{_XML_HEAD}<office:document-styles {_xmlns('office', 'style', 'fo', 'table', 'number')}"
    ' office:version="1.2">'
    '<office:styles><style:style style:name="Default" style:family="table-cell"/></office:styles>'
    '<office:automatic-styles><style:page-layout style:name="pm1"/></office:automatic-styles>'
    '<office:master-styles><style:master-page style:name="Default" style:page-layout-name="pm1"/>'
    "</office:master-styles></office:document-styles>"
)
_ODS_META = (
    f'{_XML_HEAD}<office:document-meta {_xmlns("office", "meta")} office:version="1.2">'
    "<office:meta><meta:generator>kejiju test files</meta:generator></office:meta>"
    "</office:document-meta>"
)
_ODS_MANIFEST = (
    f'{_XML_HEAD}<manifest:manifest {_xmlns("manifest")} manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:version="1.2"'
    f' manifest:media-type="{_ODS_MIMETYPE}"/>'
    + "".join(
        f'<manifest:file-entry manifest:full-path="{part}" manifest:media-type="text/xml"/>'
        for part in ("content.xml", "styles.xml", "meta.xml", "settings.xml")
    )
    + "</manifest:manifest>"
)


def write_ods(path: str | Path, sheets: Sequence[SheetSpec], active: int = 0) -> Path:
    """Write an OpenDocument spreadsheet the way LibreOffice Calc lays one out.

    The XML is written as strings, fast enough for sheets of tens of thousands of rows: the
    'mimetype' member comes first and uncompressed, then content.xml, styles.xml, meta.xml,
    settings.xml (whose "ActiveTable" names the active sheet) and META-INF/manifest.xml. Hidden
    rows and columns have table:visibility="collapse"; a run of wholly empty rows is one
    table:table-row with table:number-rows-repeated; a merged range is spanned from its first
    cell and the rest are table:covered-table-cell. Numbers are office:value-type="float",
    dates and date-times "date", booleans "boolean", strings "string" with one text:p a line.
    """
    path = Path(path)
    sheets = _sheet_list(sheets)
    _check_book(sheets, active)
    content = "".join(_ods_content(sheets)).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr(zipfile.ZipInfo("mimetype"), _ODS_MIMETYPE, zipfile.ZIP_STORED)
        book.writestr("content.xml", content)
        book.writestr("styles.xml", _ODS_STYLES)
        book.writestr("meta.xml", _ODS_META)
        book.writestr("settings.xml", _ods_settings(sheets[active].name))
        book.writestr("META-INF/manifest.xml", _ODS_MANIFEST)
    return path


# --------------------------------------------------------------------------------------------
# Text


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.isoformat(" ", "seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return _number_text(value)
    return value


def write_csv(
    path: str | Path, rows: list[list], encoding: str = "utf-8-sig", delimiter: str = ","
) -> Path:
    """Write delimited text (CRLF line ends, quoted where needed), tab-separated with "\\t".

    The default "utf-8-sig" starts with the byte-order mark Excel writes; pass "gb18030" for
    the files Excel saves on a Chinese Windows. Dates are written ISO style, booleans as
    TRUE/FALSE, None as an empty field.
    """
    path = Path(path)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_book(path: str | Path, sheets: Sequence[SheetSpec], active: int = 0, **kw) -> Path:
    """Write ``sheets`` in the format the suffix names: .xlsx, .xls, .ods, or text.

    For .csv, .tsv and .txt only the first sheet's rows are written (layout is lost in text);
    .tsv and .txt are tab-separated unless ``delimiter`` says otherwise. Other keywords go to
    the writer (``without_row_refs`` for .xlsx, ``encoding`` and ``delimiter`` for text).
    """
    path = Path(path)
    sheets = _sheet_list(sheets)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return write_xlsx(path, sheets, active, **kw)
    if suffix == ".xls":
        return write_xls(path, sheets, active, **kw)
    if suffix == ".ods":
        return write_ods(path, sheets, active, **kw)
    if suffix in {".csv", ".tsv", ".txt"}:
        _check_book(sheets, active)
        if suffix != ".csv":
            kw.setdefault("delimiter", "\t")
        return write_csv(path, sheets[0].rows, **kw)
    raise ValueError(f"no writer for {path.name!r}: use .xlsx, .xls, .ods, .csv, .tsv or .txt")
