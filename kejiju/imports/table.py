"""Finding a layout's table in a book the way an office keeps it: which sheet, which row is the
header (title and 填报单位 lines above it are skipped), and which rows below it are data — hidden
rows, blank rows and 合计 lines are skipped and said, never imported (DESIGN.md §3)."""

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from .errors import SheetError
from .reading import Book, Sheet

HEADER_SEARCH_ROWS = 10
TOTAL_LABEL = re.compile(r"^(合计|总计|小计|共计|累计|总合计)[:：]?$")


def blank(value) -> bool:
    return value is None or value == "" or (isinstance(value, str) and not value.strip())


def compact(value) -> str:
    """A cell's text as a label is compared: NFKC (full-width forms, ideographic spaces), no
    white space or line breaks at all."""
    return "".join(unicodedata.normalize("NFKC", str(value)).split())


def row_ranges(numbers: list[int]) -> str:
    """第 3、5–7、9 行 style: sorted row numbers with runs joined by an en dash."""
    parts: list[str] = []
    ordered = sorted(set(numbers))
    start = previous = None
    for number in ordered:
        if previous is not None and number == previous + 1:
            previous = number
            continue
        if start is not None:
            parts.append(str(start) if start == previous else f"{start}–{previous}")
        start = previous = number
    if start is not None:
        parts.append(str(start) if start == previous else f"{start}–{previous}")
    return "、".join(parts)


@dataclass
class HeaderMatch:
    """How one row reads as the layout's header: columns found (name → index), required
    columns missing, and how many cells named a column."""

    columns: dict[str, int]
    missing: list[str]

    @property
    def complete(self) -> bool:
        return not self.missing


@dataclass
class Table:
    """The data rows of one sheet below its header; ``rows`` yields (row number, cells) with the
    row numbers the clerk sees in the spreadsheet program."""

    headers: list[str]
    rows: Iterator[tuple[int, list]]
    total: int
    sheet: str = ""
    sheet_reason: str = ""
    header_row: int = 1
    title_rows: list[tuple[int, str]] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row, reason)
    hidden_columns: list[tuple[int, str]] = field(default_factory=list)  # (0-based, header)
    format_name: str = ""
    encoding: str = ""
    notes: list[str] = field(default_factory=list)
    _close: list = field(default_factory=list)

    def close(self) -> None:
        for closer in self._close:
            closer()


def _find_header(sheet: Sheet, match: Callable[[list], HeaderMatch]):
    """(row index, HeaderMatch) of the first complete header in the first rows, or
    (None, the best partial match and its row index)."""
    best: tuple[int, HeaderMatch] | None = None
    for index, cells in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        if all(blank(c) for c in cells):
            continue
        result = match(list(cells))
        if result.complete:
            return index, result
        if result.columns and (best is None or len(result.columns) > len(best[1].columns)):
            best = (index, result)
    return None, best


def _sheet_named(book: Book, wanted: str) -> Sheet:
    names = [s.name for s in book.sheets]
    for sheet in book.sheets:
        if compact(sheet.name) == compact(wanted):
            return sheet
    if wanted.strip().isdigit() and 1 <= int(wanted) <= len(book.sheets):
        return book.sheets[int(wanted) - 1]
    raise SheetError(
        f"工作簿中没有名为「{wanted}」的工作表。工作表有：" + "、".join(f"「{n}」" for n in names)
    )


def _missing_header(sheet: Sheet, best, required: list[str]) -> SheetError:
    where = f"工作表「{sheet.name}」" if sheet.name != "CSV" else "文件"
    if best is None:
        if not any(not blank(c) for row in sheet.rows[:HEADER_SEARCH_ROWS] for c in row):
            return SheetError(f"{where}的前 {HEADER_SEARCH_ROWS} 行是空的，没有找到列名行。")
        return SheetError(
            f"{where}的前 {HEADER_SEARCH_ROWS} 行中没有找到列名行：缺少必填列"
            + "、".join(f"「{m}」" for m in required)
            + "。列名须与导入模板一致（或为其常见写法）。"
        )
    index, result = best
    return SheetError(
        f"{where}第 {index + 1} 行像是列名行，但缺少必填列："
        + "、".join(f"「{m}」" for m in result.missing)
        + "。"
    )


class AmbiguousSheet(SheetError):
    def __init__(self, names: list[str]):
        self.names = names
        super().__init__(
            "工作簿中有多个工作表都含有本格式的列名："
            + "、".join(f"「{n}」" for n in names)
            + "。请指定要导入的工作表（网页上填写“工作表”，命令行用 --sheet 名称）；"
            "每个工作表分别导入一次。"
        )


def choose_sheet(
    book: Book, match: Callable[[list], HeaderMatch], required: list[str], wanted: str = ""
) -> tuple[Sheet, int, HeaderMatch, str]:
    """The sheet to read and its header: the one named, else the active sheet when it is the
    only one with the layout's header, else the only sheet that has one."""
    if wanted:
        sheet = _sheet_named(book, wanted)
        index, result = _find_header(sheet, match)
        if index is None:
            raise _missing_header(sheet, result, required)
        return sheet, index, result, "按指定"
    candidates = [s for s in book.sheets if s.visible] or book.sheets
    active = book.sheets[book.active] if book.active < len(book.sheets) else book.sheets[0]
    if active in candidates:
        candidates.remove(active)
        candidates.insert(0, active)
    found = []
    first_failure = None
    for sheet in candidates:
        index, result = _find_header(sheet, match)
        if index is None:
            if first_failure is None or (result and not first_failure[1]):
                first_failure = (sheet, result)
            continue
        found.append((sheet, index, result))
    if not found:
        sheet, best = first_failure
        raise _missing_header(sheet, best, required)
    if len(found) > 1:
        raise AmbiguousSheet([s.name for s, _, _ in found])
    sheet, index, result = found[0]
    if len(book.sheets) == 1:
        reason = ""
    elif sheet is active:
        reason = "当前工作表"
    else:
        reason = "唯一含有列名的工作表"
    return sheet, index, result, reason


def locate(
    book: Book, match: Callable[[list], HeaderMatch], required: list[str], wanted: str = ""
) -> tuple[Table, HeaderMatch]:
    sheet, header_index, result, reason = choose_sheet(book, match, required, wanted)
    rows = sheet.rows
    header_cells = list(rows[header_index])
    hidden_columns = sorted(c for c in sheet.hidden_columns if c < len(header_cells))
    headers = ["" if blank(c) else str(c).strip() for c in header_cells]
    if hidden_columns:
        # A hidden column is not read: its header no longer names a column of the layout.
        result = match([("" if i in hidden_columns else c) for i, c in enumerate(header_cells)])
        if result.missing:
            hidden_names = [headers[i] for i in hidden_columns if headers[i]]
            raise SheetError(
                "必填列"
                + "、".join(f"「{m}」" for m in result.missing)
                + "所在的列被隐藏了（隐藏的列："
                + "、".join(f"「{n}」" for n in hidden_names)
                + "）。隐藏的列不会导入，请取消隐藏或删除后再导入。"
            )
    title_rows = [
        (i + 1, next(str(c).strip() for c in cells if not blank(c)))
        for i, cells in enumerate(rows[:header_index])
        if not all(blank(c) for c in cells)
    ]
    fill = _merged_fill(sheet.merged, header_index)
    table = Table(
        headers=headers,
        rows=iter(()),
        total=max(len(rows) - header_index - 1, 0),
        sheet=sheet.name if book.format != "csv" else "",
        sheet_reason=reason,
        header_row=header_index + 1,
        title_rows=title_rows,
        hidden_columns=[(i, headers[i]) for i in hidden_columns],
        format_name=_format_name(book),
        encoding=book.encoding,
        notes=list(book.notes),
        _close=[book.close],
    )
    hidden_names = [s.name for s in book.sheets if not s.visible]
    if hidden_names:
        table.notes.append(
            "隐藏的工作表" + "、".join(f"「{n}」" for n in hidden_names) + "未读取。"
        )
    table.rows = _data_rows(rows, header_index, sheet.hidden_rows, fill, table.skipped)
    return table, result


def _format_name(book: Book) -> str:
    if book.format != "csv":
        return book.format_name
    encoding = {"utf-8": "UTF-8", "gb18030": "GB18030"}.get(book.encoding, book.encoding)
    delimiter = {"\t": "制表符", ",": "逗号", ";": "分号"}.get(book.delimiter, book.delimiter)
    return f"文本表格（{encoding} 编码，{delimiter}分隔）"


def _merged_fill(merged: list, header_index: int) -> dict[tuple[int, int], tuple[int, int]]:
    """For cells under a range merged down a column: (row, col) → the cell holding the value."""
    fill = {}
    for (first_row, first_col), (last_row, _) in merged:
        if last_row <= first_row or last_row <= header_index:
            continue
        for row in range(max(first_row + 1, header_index + 1), last_row + 1):
            fill[(row, first_col)] = (first_row, first_col)
    return fill


def _data_rows(rows, header_index, hidden, fill, skipped) -> Iterator[tuple[int, list]]:
    last = len(rows) - 1
    while last > header_index and all(blank(c) for c in rows[last]):
        last -= 1  # blank rows after the table are not part of it
    by_row: dict[int, list[tuple[int, tuple[int, int]]]] = {}
    for (row, col), source in fill.items():
        by_row.setdefault(row, []).append((col, source))
    for index in range(header_index + 1, last + 1):
        number = index + 1
        cells = rows[index]
        if number in hidden:
            if not all(blank(c) for c in cells):
                skipped.append((number, "隐藏行"))
            continue
        if index in by_row:
            cells = list(cells)
            for col, (source_row, source_col) in by_row[index]:
                if col < len(cells) and blank(cells[col]):
                    cells[col] = rows[source_row][source_col]
        first = next((c for c in cells if not blank(c)), None)
        if first is None:
            skipped.append((number, "空行"))
            continue
        if isinstance(first, str) and "计" in first and TOTAL_LABEL.match(compact(first)):
            skipped.append((number, "合计行"))
            continue
        yield number, cells
