"""Writing layouts out: the empty template (导入模板) and exports, cells escaped against formula
injection by :meth:`LayoutResource.export_field`."""

import io

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from .resources import LayoutResource, escape_formula

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE_NOTES = (
    "列名顺序不限；带 * 的列为必填。列名上方可以有标题、填报单位等行，序号列和合计行不会导入。",
    "日期可写 2023-05-01、2023/5/1 或 2023年5月1日，也可用 Excel 的日期单元格。金额单位为万元。",
    "统一社会信用代码、申请号等代码列请设为“文本”格式，以免 Excel 把代码变成数字。",
    "按唯一编号更新已有记录时，空白单元格保留原值；要清除某项，请在该单元格填写 <清空>。",
    "隐藏的行和列不会导入。可以保存为 .xlsx、.xls 或 .ods，也可以是 CSV 文件。",
)
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")


def _xlsx_response(workbook: Workbook, filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def template_response(resource: LayoutResource) -> HttpResponse:
    """An empty workbook with the layout's headers; required columns marked * and shaded."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = resource.title or resource.layout
    sheet.append(resource.template_headers())
    for cell, name in zip(sheet[1], resource.column_names(), strict=True):
        cell.font = Font(bold=True)
        if name in resource.required_columns:
            cell.fill = REQUIRED_FILL
        sheet.column_dimensions[cell.column_letter].width = max(12, len(name) * 2 + 4)
    note = workbook.create_sheet("填写说明")
    for line in TEMPLATE_NOTES:
        note.append([line])
    note.column_dimensions["A"].width = 100
    return _xlsx_response(workbook, f"{resource.title or resource.layout}导入模板.xlsx")


def export_response(resource: LayoutResource, queryset, filename: str) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(resource.title or resource.layout)
    sheet.append(resource.get_export_headers())
    for instance in queryset.iterator(chunk_size=2000):
        sheet.append(resource.export_resource(instance))
    return _xlsx_response(workbook, filename)


def table_response(title: str, headers: list[str], rows, filename: str) -> HttpResponse:
    """A plain table (not an import layout) as a workbook, text escaped like every export."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.append(headers)
    for row in rows:
        sheet.append([escape_formula(value) for value in row])
    return _xlsx_response(workbook, filename)
