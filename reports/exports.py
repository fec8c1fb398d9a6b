"""The indicator table as an .xlsx workbook."""

from __future__ import annotations

import io

from kejiju.choices import ReportSection
from kejiju.imports import escape_formula as escape

from .models import IndicatorSnapshot


def indicator_workbook(snapshot: IndicatorSnapshot) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{snapshot.year}年指标"
    header = ["指标代码", "指标名称", "所属部分", "数值", "单位", "同比(%)"]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sections = dict(ReportSection.choices)
    for row in snapshot.values.order_by("position", "key"):
        sheet.append(
            [
                escape(row.key),
                escape(row.label),
                escape(sections.get(row.section, row.section)),
                row.value,
                escape(row.unit),
                row.yoy,
            ]
        )
        sheet.cell(sheet.max_row, 4).number_format = "#,##0.00" if row.unit == "万元" else "#,##0"
        sheet.cell(sheet.max_row, 6).number_format = "0.00"
    for column, width in zip("ABCDEF", (34, 30, 22, 14, 8, 10), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
