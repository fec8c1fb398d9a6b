"""The content of the annual work summary, built from the year's snapshot and the entered
targets, honours and paragraphs only (never from live records), so a summary is reproducible.
The PDF and the Word renderers lay out the same :class:`Summary`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from kejiju.choices import ReportSection

from . import charts, formatting, placeholders
from .choices import NarrativeSection
from .models import Honour, IndicatorSnapshot, IndicatorValue, NarrativeParagraph, YearTarget

CHINESE_NUMBERS = "一二三四五六七八九十"
TREND_YEARS = 5

# The section's figures drawn as a five-year chart in the summary (and on the dashboard).
SECTION_CHARTS: dict[str, tuple[str, list[str]]] = {
    ReportSection.REFORM: ("line", ["experts.total"]),
    ReportSection.ENTERPRISE: ("line", ["hnte.total", "tech_sme.total"]),
    ReportSection.IP: ("bar", ["patent.invention.applications", "patent.invention.grants"]),
    ReportSection.COOPERATION: ("bar", ["techmarket.turnover"]),
    ReportSection.AGRICULTURE: (
        "bar",
        ["projects.agri_major.funding", "projects.commissioner.funding"],
    ),
    ReportSection.SEISMIC: ("bar", ["seismic.publicity.participants"]),
}
# Headline figures of the overview and of the dashboard.
KEY_FIGURES = [
    "techmarket.turnover",
    "patent.invention.applications",
    "patent.invention.grants",
    "hnte.new",
    "hnte.total",
    "tech_sme.new",
    "tech_sme.total",
    "experts.total",
]
GENERATED_FIGURES_PER_SECTION = 12
WAN_PER_YI = Decimal(10_000)
MONEY_IN_TEXT = re.compile(r"(?<![\d.,])(\d[\d,]*(?:\.\d+)?)万元")


def money_words(value: Decimal) -> str:
    """Money in running text: ``25.83亿元`` from 10,000 万元 on, ``60万元`` / ``12.50万元`` below."""
    value = Decimal(value)
    if abs(value) >= WAN_PER_YI:
        return f"{value / WAN_PER_YI:,.2f}亿元"
    if value == value.to_integral_value():
        return f"{int(value):,}万元"
    return f"{formatting.quantize(value):,.2f}万元"


def yi_in_text(text: str) -> str:
    """Every amount written ``258,310.00万元`` in a paragraph is read as ``25.83亿元``."""

    def convert(match: re.Match) -> str:
        try:
            value = Decimal(match.group(1).replace(",", ""))
        except ArithmeticError:
            return match.group(0)
        return money_words(value) if abs(value) >= WAN_PER_YI else match.group(0)

    return MONEY_IN_TEXT.sub(convert, text)


@dataclass
class Figure:
    key: str
    label: str
    unit: str
    section: str
    value: Decimal
    yoy: Decimal | None

    @property
    def value_text(self) -> str:
        return formatting.number(self.value, self.unit)

    @property
    def yoy_text(self) -> str:
        return formatting.yoy(self.yoy)

    @property
    def yoy_class(self) -> str:
        if self.yoy is None or self.yoy == 0:
            return ""
        return "up" if self.yoy > 0 else "down"

    @property
    def words(self) -> str:
        """The value as running text says it: money in 万元 or 亿元, counts with their unit."""
        if self.unit in formatting.MONEY_UNITS and self.unit == "万元":
            return money_words(self.value)
        return f"{self.value_text}{self.unit}"

    def sentence(self) -> str:
        words = formatting.yoy_words(self.yoy)
        return f"{self.label}{self.words}" + (f"，{words}" if words else "")


@dataclass
class Section:
    number: str
    title: str
    paragraphs: list[str]
    generated: bool
    figures: list[Figure]
    chart: charts.Layout | None = None

    @property
    def chart_svg(self) -> str:
        return charts.to_svg(self.chart) if self.chart else ""

    def chart_png(self) -> bytes | None:
        return charts.to_png(self.chart) if self.chart else None


@dataclass
class Summary:
    year: int
    bureau_name: str
    generated_at: datetime
    has_data: bool
    computed_at: datetime | None
    overview: list[str]
    sections: list[Section]
    figures: list[Figure]
    plan_paragraphs: list[str]
    targets: list[YearTarget]
    honours: list[str]
    key_figures: list[Figure] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def honours_number(self) -> str:
        """Honours come last within 成效, numbered after the sections."""
        return f"（{CHINESE_NUMBERS[len(self.sections)]}）"

    @property
    def annex(self) -> list[dict]:
        """The full indicator table of the 附件, by section."""
        groups = [
            {"title": label, "figures": [f for f in self.figures if f.section == value]}
            for value, label in ReportSection.choices
        ]
        return [group for group in groups if group["figures"]]

    @property
    def signed_on(self) -> str:
        """The date of the 落款, written as documents write it: ``2024年1月15日``."""
        return formatting.date(self.generated_at)

    @property
    def no_data_notice(self) -> str:
        return (
            f"{self.year}年度尚无统计数据：未找到该年度的指标快照，或各项指标均为零。"
            "以下各部分仅列出已录入的文字内容。"
        )

    @property
    def title(self) -> str:
        return f"{self.bureau_name}{self.year}年工作总结和{self.year + 1}年工作思路"

    @property
    def title_lines(self) -> list[str]:
        """The title broken as a document breaks it: the bureau, then the subject."""
        return [
            self.bureau_name,
            f"{self.year}年工作总结和{self.year + 1}年工作思路",
        ]


def figures_of(snapshot: IndicatorSnapshot | None) -> list[Figure]:
    if snapshot is None:
        return []
    return [
        Figure(v.key, v.label, v.unit, v.section, v.value, v.yoy)
        for v in snapshot.values.order_by("position", "key")
    ]


def placeholder_values(figures: list[Figure]) -> dict[str, str]:
    values: dict[str, str] = {}
    for figure in figures:
        values[figure.key] = (
            money_words(figure.value).removesuffix("万元")
            if figure.unit == "万元" and abs(figure.value) < WAN_PER_YI
            else f"{figure.value:,.2f}".removesuffix(".00")
            if figure.unit == "万元"
            else figure.value_text
        )
        values[f"{figure.key}{placeholders.YOY_SUFFIX}"] = (
            formatting.number(figure.yoy) if figure.yoy is not None else "—"
        )
    return values


def trend(
    year: int, keys: list[str], years: int = TREND_YEARS
) -> tuple[list[int], dict[str, list]]:
    """Values of ``keys`` over the ``years`` years up to ``year``, from the snapshots (None where a
    year has no snapshot): one query."""
    span = list(range(year - years + 1, year + 1))
    series: dict[str, list] = {key: [None] * len(span) for key in keys}
    rows = IndicatorValue.objects.filter(snapshot__year__in=span, key__in=keys).values_list(
        "snapshot__year", "key", "value"
    )
    for row_year, key, value in rows:
        series[key][span.index(row_year)] = value
    return span, series


def section_chart(year: int, section: str, by_key: dict[str, Figure]) -> charts.Layout | None:
    kind, keys = SECTION_CHARTS.get(section, ("bar", []))
    keys = [key for key in keys if key in by_key]
    if not keys:
        return None
    span, series = trend(year, keys)
    first = by_key[keys[0]]
    title = "、".join(by_key[key].label for key in keys) if len(keys) > 1 else first.label
    return charts.layout(
        f"近五年{title}" if len(keys) == 1 else "近五年趋势",
        [f"{y}年" for y in span],
        [(by_key[key].label, series[key]) for key in keys],
        unit=first.unit,
        kind=kind,
    )


def _generated_paragraph(section_label: str, figures: list[Figure]) -> list[str]:
    shown = [f for f in figures if f.value][:GENERATED_FIGURES_PER_SECTION]
    if not shown:
        return [f"本年度{section_label}方面暂无统计数据。"]
    return ["全年" + "；".join(f.sentence() for f in shown) + "。"]


def build(year: int) -> Summary:
    snapshot = IndicatorSnapshot.objects.filter(year=year).first()
    figures = figures_of(snapshot)
    by_key = {f.key: f for f in figures}
    has_data = any(f.value for f in figures)
    values = placeholder_values(figures)

    def missing(name: str) -> str:
        return "—"

    written: dict[str, list[str]] = {}
    for paragraph in NarrativeParagraph.objects.filter(year=year).order_by("order", "pk"):
        written.setdefault(paragraph.section, []).append(
            yi_in_text(placeholders.fill(paragraph.text, values, missing))
        )

    sections = []
    for index, (value, label) in enumerate(ReportSection.choices):
        section_figures = [f for f in figures if f.section == value]
        paragraphs = written.get(value, [])
        sections.append(
            Section(
                number=f"（{CHINESE_NUMBERS[index]}）",
                title=label,
                paragraphs=paragraphs or _generated_paragraph(label, section_figures),
                generated=not paragraphs,
                figures=section_figures,
                chart=section_chart(year, value, by_key) if has_data else None,
            )
        )

    key_figures = [by_key[key] for key in KEY_FIGURES if key in by_key]
    overview = written.get(NarrativeSection.OVERVIEW, [])
    if not overview and has_data:
        overview = [f"{year}年，" + "；".join(f.sentence() for f in key_figures if f.value) + "。"]

    return Summary(
        year=year,
        bureau_name=settings.KEJIJU_BUREAU_NAME,
        generated_at=timezone.localtime(),
        has_data=has_data,
        computed_at=snapshot.computed_at if snapshot else None,
        overview=overview,
        sections=sections,
        figures=figures,
        plan_paragraphs=written.get(NarrativeSection.PLAN, []),
        targets=list(YearTarget.objects.filter(year=year + 1)),
        honours=list(Honour.objects.filter(year=year).values_list("text", flat=True)),
        key_figures=key_figures,
        problems=written.get(NarrativeSection.PROBLEMS, []),
    )
