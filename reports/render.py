"""The annual summary as PDF (WeasyPrint) and as Word (python-docx), from :mod:`reports.summary`."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable
from contextlib import contextmanager
from datetime import UTC

from django.template.loader import render_to_string

from kejiju.pdf import CJK_SANS, CJK_SERIF, html_to_pdf, pdf_context

from .choices import RenderFormat
from .summary import Summary, build

Progress = Callable[[int, str], None]
SANS, SERIF = CJK_SANS, CJK_SERIF

# The faces of an official document (GB/T 9704): the names Chinese offices have first, the free
# Noto CJK faces standing in where they are not installed (the server, Linux desktops).
PDF_FONTS = {
    "title": f"'方正小标宋简体', 'FZXiaoBiaoSong-B05S', '{SERIF}', serif",
    "body": f"'仿宋_GB2312', 'FangSong_GB2312', '仿宋', 'FangSong', '{SERIF}', serif",
    "heading1": f"'黑体', 'SimHei', '{SANS}', sans-serif",
    "heading2": f"'楷体_GB2312', 'KaiTi_GB2312', '楷体', 'KaiTi', 'AR PL UKai CN', '{SERIF}', serif",
    "page_number": f"'宋体', 'SimSun', '{SERIF}', serif",
}
# What the Word file names: the fonts of the office PC that opens it.
DOCX_FONTS = {
    "title": "方正小标宋简体",
    "body": "仿宋_GB2312",
    "heading1": "黑体",
    "heading2": "楷体_GB2312",
    "page_number": "宋体",
    "latin": "Times New Roman",
}


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
    return render_to_string(
        "reports/summary_pdf.html", pdf_context(summary=summary, fonts=PDF_FONTS)
    )


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


def _east_asian(style_or_run, font: str, latin: str) -> None:
    """Names ``font`` for Chinese text (w:eastAsia) and ``latin`` for the rest, dropping the
    theme fonts of Word's default styles, which would otherwise win over the names."""
    from docx.oxml.ns import qn

    style_or_run.font.name = latin
    properties = style_or_run.element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = properties.makeelement(qn("w:rFonts"), {})
        properties.insert(0, fonts)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), font)


def _page_field(paragraph) -> None:
    """``— N —`` with N a PAGE field, so Word numbers the pages itself."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph.add_run("— ")
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1")):
        run = paragraph.add_run()
        if kind:
            mark = OxmlElement("w:fldChar")
            mark.set(qn("w:fldCharType"), kind)
            run._r.append(mark)
        elif text == " PAGE ":
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._r.append(instruction)
        else:
            run.text = text
    end = paragraph.add_run()
    mark = OxmlElement("w:fldChar")
    mark.set(qn("w:fldCharType"), "end")
    end._r.append(mark)
    paragraph.add_run(" —")


def render_docx(summary: Summary, progress: Progress = _noop) -> bytes:
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    fonts = DOCX_FONTS
    black = RGBColor(0, 0, 0)
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.footer_distance = Cm(2.8)

    def style(name: str, font: str, size: float, bold: bool = False, indent: bool = True):
        chosen = document.styles[name]
        _east_asian(chosen, font, fonts["latin"])
        chosen.font.size = Pt(size)
        chosen.font.bold = bold
        chosen.font.italic = False
        chosen.font.color.rgb = black
        layout = chosen.paragraph_format
        layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        layout.line_spacing = Pt(28.9 if size <= 16 else 35)
        layout.space_before = layout.space_after = Pt(0)
        layout.first_line_indent = Pt(32) if indent else Pt(0)
        # Word's Title has a bottom border; an official document's title has none.
        borders = chosen.element.get_or_add_pPr().find(qn("w:pBdr"))
        if borders is not None:
            borders.getparent().remove(borders)
        return chosen

    style("Normal", fonts["body"], 16)
    style("Title", fonts["title"], 22, bold=True, indent=False)
    style("Heading 1", fonts["heading1"], 16)
    style("Heading 2", fonts["heading2"], 16)

    properties = document.core_properties
    properties.author = properties.last_modified_by = summary.bureau_name
    properties.title = summary.title
    properties.subject = f"{summary.year}年工作总结"
    properties.created = properties.modified = summary.generated_at.astimezone(UTC)
    properties.comments = (
        f"指标计算时间：{summary.computed_at:%Y-%m-%d %H:%M}" if summary.computed_at else ""
    )
    properties.revision = 1

    # Page numbers: odd pages at the right, even pages at the left, one character in.
    document.settings.odd_and_even_pages_header_footer = True
    for footer, alignment in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.alignment = alignment
        paragraph.paragraph_format.first_line_indent = Pt(0)
        if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
            paragraph.paragraph_format.right_indent = Pt(14)
        else:
            paragraph.paragraph_format.left_indent = Pt(14)
        _page_field(paragraph)
        for run in paragraph.runs:
            _east_asian(run, fonts["page_number"], fonts["latin"])
            run.font.size = Pt(14)
            run.font.color.rgb = black

    title = document.add_paragraph(style="Title")
    for index, line in enumerate(summary.title_lines):
        run = title.add_run(line)
        if index < len(summary.title_lines) - 1:
            run.add_break()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(28.9)

    def table(rows: list[list[str]], header: list[str], groups=None) -> None:
        grid = document.add_table(rows=1, cols=len(header))
        grid.style = "Table Grid"
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER

        def fill(cells, texts, heading=False):
            for cell, text in zip(cells, texts, strict=True):
                cell.text = text
                paragraph = cell.paragraphs[0]
                paragraph.paragraph_format.first_line_indent = Pt(0)
                paragraph.paragraph_format.line_spacing = Pt(18)
                for run in paragraph.runs:
                    run.font.size = Pt(11)
                    if heading:
                        _east_asian(run, fonts["heading1"], fonts["latin"])

        fill(grid.rows[0].cells, header, heading=True)
        for row in rows:
            if isinstance(row, str):  # a section's title across the table
                cells = grid.add_row().cells
                merged = cells[0].merge(cells[-1])
                fill([merged], [row], heading=True)
            else:
                fill(grid.add_row().cells, row)

    if not summary.has_data:
        document.add_paragraph(summary.no_data_notice)
    for text in summary.overview:
        document.add_paragraph(text)

    document.add_heading(f"一、{summary.year}年工作成效", level=1)
    for part in summary.sections:
        document.add_heading(f"{part.number}{part.title}", level=2)
        for text in part.paragraphs:
            document.add_paragraph(text)
        picture = part.chart_png()
        if picture:
            document.add_picture(io.BytesIO(picture), width=Cm(14))
            chart = document.paragraphs[-1]
            chart.alignment = WD_ALIGN_PARAGRAPH.CENTER
            chart.paragraph_format.first_line_indent = Pt(0)
            chart.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    document.add_heading(f"{summary.honours_number}荣誉与排名", level=2)
    if summary.honours:
        document.add_paragraph("；".join(summary.honours) + "。")
    else:
        document.add_paragraph("本年度未录入荣誉与排名。")
    progress(70, "生成指标表")

    document.add_heading("二、存在的问题", level=1)
    for text in summary.problems or ["本年度未录入存在的问题。"]:
        document.add_paragraph(text)

    document.add_heading(f"三、{summary.year + 1}年工作思路", level=1)
    for text in summary.plan_paragraphs:
        document.add_paragraph(text)
    if summary.targets and not summary.plan_paragraphs:
        document.add_paragraph(
            "主要目标：" + "；".join(f"{t.label}{t.target_text}" for t in summary.targets) + "。"
        )
    elif not summary.plan_paragraphs:
        document.add_paragraph("下一年度目标尚未录入。")

    note = document.add_paragraph(f"附件：{summary.year}年主要指标")
    note.paragraph_format.space_before = Pt(28.9)

    signature = document.add_paragraph(f"{summary.bureau_name}\n{summary.signed_on}")
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    signature.paragraph_format.first_line_indent = Pt(0)
    signature.paragraph_format.right_indent = Pt(64)
    signature.paragraph_format.space_before = Pt(57.8)

    annex = document.add_paragraph()
    annex.add_run().add_break(WD_BREAK.PAGE)
    label = annex.add_run("附件")
    _east_asian(label, fonts["heading1"], fonts["latin"])
    annex.paragraph_format.first_line_indent = Pt(0)
    annex_title = document.add_paragraph(f"{summary.year}年主要指标", style="Title")
    annex_title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    annex_title.runs[0].font.size = Pt(18)
    if summary.figures:
        rows: list = []
        for group in summary.annex:
            rows.append(group["title"])
            rows.extend([f.label, f.value_text, f.unit, f.yoy_text] for f in group["figures"])
        table(rows, ["指标", "数值", "单位", "同比"])
    else:
        document.add_paragraph(f"{summary.year}年度尚无统计数据。")

    progress(90, "保存 Word 文件")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
