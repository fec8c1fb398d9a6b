"""The annual summary as PDF (WeasyPrint) and as Word (python-docx), from :mod:`reports.summary`."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable
from contextlib import contextmanager

from django.template.loader import render_to_string

from kejiju.pdf import CJK_SANS, CJK_SERIF, html_to_pdf, pdf_context

from .choices import RenderFormat
from .summary import Summary, build

Progress = Callable[[int, str], None]
SANS, SERIF = CJK_SANS, CJK_SERIF


def _noop(progress: int, stage: str) -> None:
    pass


def render(year: int, format: str, progress: Progress = _noop) -> bytes:
    progress(10, "读取年度指标快照")
    summary = build(year)
    progress(40, "排版文档")
    if format == RenderFormat.DOCX:
        return render_docx(summary, progress)
    if format == RenderFormat.PDF:
        return render_pdf(summary, progress)
    raise ValueError(f"未知的文件格式：{format}")


def summary_html(summary: Summary) -> str:
    return render_to_string("reports/summary_pdf.html", pdf_context(summary=summary))


def render_pdf(summary: Summary, progress: Progress = _noop) -> bytes:
    html = summary_html(summary)
    progress(60, "生成 PDF")
    with _weasyprint_progress(progress):
        return html_to_pdf(html)


class _StepHandler(logging.Handler):
    """Turns WeasyPrint's progress log ("Step 5 - Creating layout - Page 3") into job progress."""

    STEPS = {
        "3": (62, "应用样式"),
        "4": (66, "构建版面"),
        "6": (88, "写入 PDF"),
        "7": (92, "写入元数据"),
    }

    def __init__(self, progress: Progress):
        super().__init__(logging.INFO)
        self.progress = progress
        self.last = 0

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        match = re.match(r"Step (\d)", message)
        if not match:
            return
        step = match.group(1)
        if step == "5":
            page = re.search(r"Page (\d+)", message)
            number = int(page.group(1)) if page else 0
            value, stage = min(86, 70 + 2 * number), f"排版第 {number} 页"
        elif step in self.STEPS:
            value, stage = self.STEPS[step]
        else:
            return
        if value > self.last:
            self.last = value
            self.progress(value, stage)


@contextmanager
def _weasyprint_progress(progress: Progress):
    logger = logging.getLogger("weasyprint.progress")
    handler = _StepHandler(progress)
    level, propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False  # the steps go to the job, not to the console
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


def render_docx(summary: Summary, progress: Progress = _noop) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)

    def east_asian(style_or_run, font: str) -> None:
        style_or_run.font.name = font
        properties = style_or_run.element.get_or_add_rPr()
        fonts = properties.find(qn("w:rFonts"))
        if fonts is None:
            fonts = properties.makeelement(qn("w:rFonts"), {})
            properties.append(fonts)
        fonts.set(qn("w:eastAsia"), font)

    for name in ("Normal", "Title", "Heading 1", "Heading 2"):
        east_asian(document.styles[name], SERIF if name == "Normal" else SANS)
    document.styles["Normal"].font.size = Pt(12)

    title = document.add_paragraph(style="Title")
    title.add_run(summary.title)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    byline = document.add_paragraph(f"{summary.bureau_name}　{summary.generated_at:%Y年%m月%d日}")
    byline.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def table(rows: list[list[str]], header: list[str]) -> None:
        grid = document.add_table(rows=1, cols=len(header))
        grid.style = "Table Grid"
        for cell, text in zip(grid.rows[0].cells, header, strict=True):
            cell.text = text
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for row in rows:
            cells = grid.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                cell.text = text

    document.add_heading(f"一、{summary.year}年工作举措及成效", level=1)
    if not summary.has_data:
        document.add_paragraph(summary.no_data_notice)
    for text in summary.overview:
        document.add_paragraph(text)
    for part in summary.sections:
        document.add_heading(f"{part.number}{part.title}", level=2)
        for text in part.paragraphs:
            document.add_paragraph(text)
        picture = part.chart_png()
        if picture:
            document.add_picture(io.BytesIO(picture), width=Cm(14))
            document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        shown = [f for f in part.figures if f.value] if summary.has_data else []
        if shown:
            table(
                [[f.label, f.value_text, f.unit, f.yoy_text] for f in shown],
                ["指标", "数值", "单位", "同比"],
            )
    progress(70, "生成指标表")

    document.add_heading(f"二、{summary.year}年主要指标", level=1)
    if summary.figures:
        table(
            [[f.label, f.value_text, f.unit, f.yoy_text] for f in summary.figures],
            ["指标", "数值", "单位", "同比"],
        )
    else:
        document.add_paragraph(f"{summary.year}年度尚无统计数据。")

    document.add_heading(f"三、{summary.year + 1}年工作思路", level=1)
    for text in summary.plan_paragraphs:
        document.add_paragraph(text)
    if summary.targets:
        table([[t.label, t.target_text] for t in summary.targets], ["目标", "目标值"])
    elif not summary.plan_paragraphs:
        document.add_paragraph("下一年度目标尚未录入。")

    document.add_heading(f"四、{summary.year}年荣誉与排名", level=1)
    for text in summary.honours or ["本年度未录入荣誉与排名。"]:
        document.add_paragraph(text, style="List Bullet")

    progress(90, "保存 Word 文件")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
