import io
import re
import subprocess
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from reports.choices import NarrativeSection, RenderFormat
from reports.models import Honour, NarrativeParagraph, YearTarget
from reports.render import render
from reports.services import compute_indicators
from reports.summary import build


@pytest.fixture
def year_with_data(sample_registry, add_contracts, add_hnte):
    add_contracts(2022, ["100"] * 99)
    add_contracts(2023, ["1000"] * 171 + ["310"])
    add_hnte(2022, 2)
    add_hnte(2023, 4)
    compute_indicators(2022)
    compute_indicators(2023)
    NarrativeParagraph.objects.create(
        year=2023,
        section=NarrativeSection.COOPERATION,
        text="技术市场实现交易额{techmarket.turnover}万元，登记技术合同{techmarket.contracts}项，"
        "同比增长{techmarket.contracts.yoy}%。",
    )
    YearTarget.objects.create(
        year=2024, indicator_key="hnte.new", label="培育高新技术企业", minimum=35, unit="家"
    )
    YearTarget.objects.create(year=2024, label="设立地震宏观观测点", minimum=5, unit="个")
    Honour.objects.create(year=2023, text="科技进步综合评价位居全省第6")
    return 2023


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "summary.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_unknown_placeholder_is_refused_at_the_field(sample_registry, db):
    paragraph = NarrativeParagraph(
        year=2023, section=NarrativeSection.IP, text="授权{patent.nonexistent}件，{hnte.total.yoy}"
    )
    with pytest.raises(ValidationError) as error:
        paragraph.save()
    assert "text" in error.value.message_dict
    assert "{patent.nonexistent}" in error.value.message_dict["text"][0]
    assert "hnte.total" not in error.value.message_dict["text"][0]
    assert not NarrativeParagraph.objects.exists()


def test_range_target_and_progress(sample_registry, db):
    target = YearTarget(
        year=2024,
        indicator_key="techmarket.contracts",
        label="登记技术合同",
        minimum=120,
        maximum=125,
    )
    target.full_clean()
    assert target.unit == "项"
    assert target.is_range and target.target_text == "120–125项"
    assert target.progress(Decimal(60)) == Decimal("50.0")
    assert target.progress(Decimal(130)) == 100
    bad = YearTarget(year=2024, indicator_key="no.such", label="x", minimum=125, maximum=120)
    with pytest.raises(ValidationError) as error:
        bad.full_clean()
    assert set(error.value.message_dict) >= {"indicator_key", "maximum"}


def test_summary_fills_placeholders_and_generates_missing_sections(year_with_data):
    summary = build(year_with_data)
    cooperation = next(s for s in summary.sections if s.title == "产学研合作与成果转化")
    assert not cooperation.generated
    # 171,310 万元 reads 17.13亿元: money a leader reads is in 亿元 from 10,000 万元 on
    assert cooperation.paragraphs == [
        "技术市场实现交易额17.13亿元，登记技术合同172项，同比增长73.74%。"
    ]
    enterprise = next(s for s in summary.sections if s.title == "发挥企业主体作用")
    assert enterprise.generated
    assert "新增高新技术企业4家，同比增长100.00%" in enterprise.paragraphs[0]
    assert 'font-family="Noto Sans CJK SC"' in enterprise.chart_svg


def pdf_fonts(path) -> str:
    return subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.slow
def test_pdf_is_an_official_document(year_with_data, tmp_path):
    """Serif CJK body and bold title, sans CJK headings, "— N —" page numbers at the foot, the
    order 成效 (honours within) – 问题 – 思路, the 落款 then the 附件, no timestamps in the text."""
    from pypdf import PdfReader

    NarrativeParagraph.objects.create(
        year=2023, section=NarrativeSection.PROBLEMS, text="企业研发投入仍然偏低。"
    )
    content = render(year_with_data, RenderFormat.PDF)
    assert content.startswith(b"%PDF")
    path = tmp_path / "s.pdf"
    path.write_bytes(content)
    fonts = pdf_fonts(path)
    embedded = {
        line.split()[0].split("+")[-1]
        for line in fonts.splitlines()[2:]
        if line.split()[-5] == "yes"  # the "emb" column
    }
    assert any("Serif-CJK" in name and "Bold" not in name for name in embedded), fonts
    assert any("Serif-CJK" in name and "Bold" in name for name in embedded), fonts
    assert any("Sans-CJK" in name for name in embedded), fonts

    reader = PdfReader(io.BytesIO(content))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert re.search(rf"—\s*{number}\s*—", text), (number, text[-80:])
    assert reader.metadata.author == "瑞安市科学技术局"

    text = pdf_text(content, tmp_path)
    compact = re.sub(r"\s+", "", text)
    order = [
        "瑞安市科学技术局2023年工作总结和2024年工作思路",
        "一、2023年工作成效",
        "（一）深化科技体制改革",
        "技术市场实现交易额17.13亿元",
        "（七）荣誉与排名",
        "科技进步综合评价位居全省第6",
        "二、存在的问题",
        "企业研发投入仍然偏低",
        "三、2024年工作思路",
        "附件：2023年主要指标",
    ]
    positions = [compact.find(part) for part in order]
    assert -1 not in positions and positions == sorted(positions), list(
        zip(order, positions, strict=True)
    )
    signature = compact.rindex("附件：2023年主要指标")
    from django.utils import timezone

    today = timezone.localdate()
    assert f"{today.year}年{today.month}月{today.day}日" in compact[signature:]
    annex = compact.index("附件2023年主要指标")
    assert annex > signature and "171,310.00" in compact[annex:] and "+73.74%" in compact[annex:]
    assert "生成时间" not in compact and "快照计算时间" not in compact


def test_chart_labels_and_axis_are_in_the_unit_of_the_title():
    from reports import charts

    chart = charts.layout(
        "近五年技术市场交易额",
        ["2022年", "2023年"],
        [("技术市场交易额", [Decimal("231400"), Decimal("258310")])],
        unit="万元",
    )
    texts = [t[2] for t in chart.texts]
    assert texts[0] == "近五年技术市场交易额（亿元）"
    assert "25.83" in texts and "23.14" in texts
    assert not any("万" in t for t in texts[1:])
    numbers = [t for t in texts[1:] if re.fullmatch(r"[\d,]+(\.\d+)?", t)]
    assert numbers and all(re.fullmatch(r"[\d,]+\.\d\d", t) for t in numbers), numbers
    small = charts.layout("x", ["2023年"], [("a", [Decimal("60")])], unit="万元")
    assert small.texts[0][2] == "x（万元）" and "60.00" in [t[2] for t in small.texts]
    counts = charts.layout("y", ["2023年"], [("a", [Decimal("3")])], unit="项")
    assert all("." not in t[2] for t in counts.texts[1:] if t[2][:1].isdigit())


def test_docx_is_an_official_document(year_with_data):
    from docx import Document
    from docx.oxml.ns import qn

    content = render(year_with_data, RenderFormat.DOCX)
    document = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "技术市场实现交易额17.13亿元" in text
    assert "科技进步综合评价位居全省第6" in text
    assert "171,310.00" in cells and "+73.74%" in cells
    assert len(document.inline_shapes) == 2  # the two sections with data have their chart

    def east_asian(style: str) -> str:
        return document.styles[style].element.rPr.rFonts.get(qn("w:eastAsia"))

    assert east_asian("Normal") == "仿宋_GB2312"
    assert east_asian("Heading 1") == "黑体"
    assert east_asian("Heading 2") == "楷体_GB2312"
    assert east_asian("Title") == "方正小标宋简体"
    for style in ("Normal", "Title", "Heading 1", "Heading 2"):
        assert str(document.styles[style].font.color.rgb) == "000000", style
        fonts = document.styles[style].element.rPr.rFonts
        assert fonts.get(qn("w:eastAsiaTheme")) is None and fonts.get(qn("w:asciiTheme")) is None

    footer = document.sections[0].footer._element.xml
    assert "PAGE" in footer and 'w:fldCharType="begin"' in footer and "— " in footer
    assert "PAGE" in document.sections[0].even_page_footer._element.xml
    assert document.core_properties.author == "瑞安市科学技术局"
    assert "python-docx" not in (document.core_properties.author or "")

    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings.index("一、2023年工作成效") < headings.index("（七）荣誉与排名")
    assert headings.index("（七）荣誉与排名") < headings.index("二、存在的问题")
    assert headings.index("二、存在的问题") < headings.index("三、2024年工作思路")
    from django.utils import timezone

    today = timezone.localdate()
    signed = f"{today.year}年{today.month}月{today.day}日"
    paragraphs = [p.text for p in document.paragraphs]
    signature = next(i for i, p in enumerate(paragraphs) if p.endswith(signed))
    assert paragraphs[signature].startswith("瑞安市科学技术局")
    assert paragraphs.index("附件：2023年主要指标") < signature
    assert re.search(r"年0\d月|月0\d日", text) is None  # dates never zero-padded


def test_signature_date_is_not_zero_padded(year_with_data, monkeypatch):
    import datetime as dt

    from reports import summary as summary_module

    moment = dt.datetime(2024, 1, 5, 9, 30, tzinfo=dt.UTC)
    monkeypatch.setattr(summary_module.timezone, "localtime", lambda *a: moment)
    assert build(year_with_data).signed_on == "2024年1月5日"


@pytest.mark.slow
def test_a_year_without_data_renders_a_summary_saying_so(sample_registry, db, tmp_path):
    output = tmp_path / "empty.pdf"
    call_command("render_annual_summary", "--year", "2030", "-o", str(output), stdout=io.StringIO())
    text = pdf_text(output.read_bytes(), tmp_path)
    assert "2030年度尚无统计数据" in text
    docx_path = tmp_path / "empty.docx"
    call_command(
        "render_annual_summary", "--year", "2030", "-o", str(docx_path), stdout=io.StringIO()
    )
    from docx import Document

    assert "2030年度尚无统计数据" in "\n".join(p.text for p in Document(docx_path).paragraphs)


@pytest.mark.slow
def test_pdf_render_reports_page_by_page_progress(year_with_data):
    steps = []
    render(
        year_with_data, RenderFormat.PDF, progress=lambda value, stage: steps.append((value, stage))
    )
    values = [value for value, _ in steps]
    assert values == sorted(values) and values[0] == 10 and values[-1] >= 88
    assert any(stage.startswith("排版第") for _, stage in steps)
