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
    assert cooperation.paragraphs == [
        "技术市场实现交易额171,310.00万元，登记技术合同172项，同比增长73.74%。"
    ]
    enterprise = next(s for s in summary.sections if s.title == "发挥企业主体作用")
    assert enterprise.generated
    assert "新增高新技术企业4家，同比增长100.00%" in enterprise.paragraphs[0]
    assert 'font-family="Noto Sans CJK SC"' in enterprise.chart_svg


@pytest.mark.slow
def test_pdf_embeds_a_cjk_font_and_carries_the_snapshot_figures(year_with_data, tmp_path):
    content = render(year_with_data, RenderFormat.PDF)
    assert content.startswith(b"%PDF")
    path = tmp_path / "s.pdf"
    path.write_bytes(content)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    cjk = [
        line.split()
        for line in fonts.stdout.splitlines()
        if "CJK" in line.replace("-", "") and "Noto" in line
    ]
    assert cjk, fonts.stdout
    # columns: name, type…, encoding, emb, sub, uni, object, id — "emb" is the 4th from the end
    assert all(columns[-5] == "yes" for columns in cjk), fonts.stdout
    text = pdf_text(content, tmp_path)
    for expected in [
        "瑞安市科学技术局",
        "2023年工作总结",
        "171,310.00",
        "+73.74%",
        "技术市场实现交易额171,310.00万元",
        "科技进步综合评价位居全省第6",
        "培育高新技术企业",
        "35家",
    ]:
        assert expected in text, expected
    compact = text.replace(" ", "")
    pages = int(re.search(r"第2页共(\d+)页", compact).group(1))
    assert pages >= 2 and f"第{pages}页共{pages}页" in compact
    assert "第1页共" not in compact  # no footer on the cover


def test_docx_carries_the_same_figures(year_with_data):
    from docx import Document

    content = render(year_with_data, RenderFormat.DOCX)
    document = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "技术市场实现交易额171,310.00万元" in text
    assert "科技进步综合评价位居全省第6" in text
    assert "171,310.00" in cells and "+73.74%" in cells
    assert "35家" in cells
    assert len(document.inline_shapes) == 2  # the two sections with data have their chart
    assert (
        document.styles["Normal"].element.rPr.rFonts.get(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
        )
        == "Noto Serif CJK SC"
    )


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
