"""Spreadsheet imports and exports shared by every app (DESIGN.md §3).

``run_import(layout, source, filename)`` reads an .xlsx, .xls, .ods or text file, finds the
layout's table in it, validates every row and writes all rows or none.
"""

from .errors import RowError, SheetError
from .reading import read_book
from .registry import discover, get_layout, layout_choices
from .resources import CLEAR_MARKER, ImportReport, LayoutResource, escape_formula
from .table import AmbiguousSheet, Table

__all__ = [
    "CLEAR_MARKER",
    "AmbiguousSheet",
    "ImportReport",
    "LayoutResource",
    "RowError",
    "SheetError",
    "Table",
    "discover",
    "escape_formula",
    "get_layout",
    "layout_choices",
    "open_table",
    "read_book",
    "run_import",
]


def open_table(source, filename: str, layout: str | None = None, *, sheet: str = "") -> Table:
    """The table of ``layout`` in the file (or, without a layout, the first non-blank row as
    the header and everything under it)."""
    from .table import HeaderMatch, locate

    book = read_book(source, filename)
    if layout:
        return get_layout(layout)().locate(book, sheet)

    def any_header(cells):
        return HeaderMatch({str(c): i for i, c in enumerate(cells) if c not in (None, "")}, [])

    table, _ = locate(book, any_header, [], sheet)
    return table


def run_import(
    layout: str, source, filename: str, *, dry_run=False, user=None, progress=None, sheet=""
) -> ImportReport:
    resource = get_layout(layout)()
    book = read_book(source, filename)
    try:
        table = resource.locate(book, sheet)
        return resource.run(table, dry_run=dry_run, user=user, progress=progress)
    finally:
        book.close()
