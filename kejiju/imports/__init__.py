"""Spreadsheet imports and exports shared by every app (DESIGN.md §3).

``run_import(layout, source, filename)`` reads an xlsx or CSV file, validates every row against
the layout declared in some app's ``resources.py`` and writes all rows or none.
"""

from .errors import RowError, SheetError
from .reading import open_table
from .registry import discover, get_layout, layout_choices
from .resources import ImportReport, LayoutResource, escape_formula

__all__ = [
    "ImportReport",
    "LayoutResource",
    "RowError",
    "SheetError",
    "discover",
    "escape_formula",
    "get_layout",
    "layout_choices",
    "open_table",
    "run_import",
]


def run_import(layout: str, source, filename: str, *, dry_run=False, user=None, progress=None):
    resource = get_layout(layout)()
    table = open_table(source, filename)
    try:
        return resource.run(table, dry_run=dry_run, user=user, progress=progress)
    finally:
        table.close()
