"""Small bar and line charts drawn on the server for the annual summary: SVG for the PDF
(WeasyPrint renders inline SVG; every text carries its font family as an attribute so the CJK
font is used) and PNG for the Word file. Both are drawn from the same layout."""

from __future__ import annotations

import io
import math
import subprocess
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from xml.sax.saxutils import escape

FONT = "Noto Sans CJK SC"
PALETTE = ["#1f4e8c", "#c0392b", "#2e8b57", "#d4a017", "#6c5b7b"]


@dataclass
class Layout:
    width: int
    height: int
    lines: list[tuple[float, float, float, float, str, float]] = field(default_factory=list)
    rects: list[tuple[float, float, float, float, str]] = field(default_factory=list)
    polylines: list[tuple[list[tuple[float, float]], str]] = field(default_factory=list)
    texts: list[tuple[float, float, str, int, str, str]] = field(default_factory=list)

    def text(self, x, y, content, size=11, anchor="middle", fill="#333") -> None:
        self.texts.append((x, y, content, size, anchor, fill))


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _nice_step(raw: float, whole: bool) -> float:
    """The tick interval: 1, 2, 2.5 or 5 times a power of ten, at least ``raw``; a whole number
    for counts."""
    if raw <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    for step in (1, 2, 2.5, 5, 10):
        value = step * magnitude
        if value >= raw and (not whole or float(value).is_integer()):
            return value
    return 10 * magnitude


def in_title_unit(
    unit: str, series: list[tuple[str, list[Decimal | None]]]
) -> tuple[str, list[tuple[str, list[float | None]]]]:
    """Amounts in 万元 whose largest value reaches 10,000 are drawn in 亿元 (the title says so);
    every other unit stays as it is. Labels and axis are always in the title's unit."""
    values = [abs(float(v)) for _, vs in series for v in vs if v is not None]
    factor = 10000 if unit == "万元" and max(values, default=0) >= 10000 else 1
    converted = [
        (name, [None if v is None else float(v) / factor for v in vs]) for name, vs in series
    ]
    return ("亿元" if factor != 1 else unit), converted


def decimals_for(unit: str, values: list[float]) -> int:
    """One number of decimals for every label and tick of a chart: two for money, none for
    counts, one for anything else that is not whole."""
    if unit in ("万元", "亿元", "元"):
        return 2
    return 0 if all(float(v).is_integer() for v in values) else 1


def label(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


def layout(
    title: str,
    categories: list[str],
    series: list[tuple[str, list[Decimal | None]]],
    unit: str = "",
    kind: str = "bar",
    width: int = 520,
    height: int = 240,
) -> Layout:
    """Where every line, bar, point and label of the chart goes."""
    chart = Layout(width, height)
    unit, series = in_title_unit(unit, series)
    left, right, top, bottom = 64, 16, 34, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [float(v) for _, vs in series for v in vs if v is not None]
    decimals = decimals_for(unit, values)
    top_value = 4 * _nice_step(max(values, default=0) / 4, whole=decimals == 0)
    ticks = [top_value * step / 4 for step in range(5)]
    chart.text(width / 2, 18, title + (f"（{unit}）" if unit else ""), size=13, fill="#000")
    for step, tick in enumerate(ticks):
        y = top + plot_h - plot_h * step / 4
        chart.lines.append((left, y, width - right, y, "#dddddd", 0.8))
        chart.text(left - 6, y + 4, label(tick, decimals), size=10, anchor="end", fill="#000")
    slot = plot_w / max(1, len(categories))
    for index, category in enumerate(categories):
        chart.text(left + slot * (index + 0.5), top + plot_h + 16, category, size=10, fill="#000")

    def y_of(value: float) -> float:
        return top + plot_h - plot_h * value / top_value

    bar_w = slot * 0.7 / max(1, len(series))
    for number, (name, vs) in enumerate(series):
        colour = PALETTE[number % len(PALETTE)]
        if kind == "line":
            points = [
                (left + slot * (i + 0.5), y_of(float(v))) for i, v in enumerate(vs) if v is not None
            ]
            chart.polylines.append((points, colour))
        else:
            for i, v in enumerate(vs):
                if v is None:
                    continue
                x, y = left + slot * i + slot * 0.15 + bar_w * number, y_of(float(v))
                chart.rects.append((x, y, bar_w, top + plot_h - y, colour))
                chart.text(x + bar_w / 2, y - 3, label(float(v), decimals), size=9, fill="#000")
        legend_x = left + number * 150
        chart.rects.append((legend_x, height - 14, 10, 10, colour))
        chart.text(legend_x + 14, height - 5, name, size=10, anchor="start", fill="#000")
    return chart


def to_svg(chart: Layout) -> str:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{chart.width}" height="{chart.height}" '
        f'viewBox="0 0 {chart.width} {chart.height}" font-family="{FONT}">'
    ]
    for x1, y1, x2, y2, colour, stroke in chart.lines:
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="{colour}" stroke-width="{stroke}"/>'
        )
    for x, y, w, h, colour in chart.rects:
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{colour}"/>'
        )
    for points, colour in chart.polylines:
        if points:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
            parts.extend(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>' for x, y in points
            )
    for x, y, content, size, anchor, fill in chart.texts:
        parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{size}" '
            f'text-anchor="{anchor}" fill="{fill}">{escape(content)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


@lru_cache(maxsize=1)
def _font_file() -> tuple[str, int] | None:
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}:%{index}", FONT], capture_output=True, text=True, timeout=5
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    path, _, index = found.rpartition(":")
    return (path, int(index or 0)) if path else None


@lru_cache(maxsize=16)
def _pil_font(pixels: int):
    from PIL import ImageFont

    font_file = _font_file()
    if font_file:
        return ImageFont.truetype(font_file[0], pixels, index=font_file[1])
    return ImageFont.load_default()


def to_png(chart: Layout, scale: int = 2) -> bytes:
    """The same chart as a PNG (for Word), drawn at ``scale`` times the size for sharp print."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (chart.width * scale, chart.height * scale), "white")
    draw = ImageDraw.Draw(image)

    def font(size: int):
        return _pil_font(size * scale)

    for x1, y1, x2, y2, colour, stroke in chart.lines:
        draw.line(
            [(x1 * scale, y1 * scale), (x2 * scale, y2 * scale)],
            fill=colour,
            width=max(1, int(stroke * scale)),
        )
    for x, y, w, h, colour in chart.rects:
        draw.rectangle([x * scale, y * scale, (x + w) * scale, (y + h) * scale], fill=colour)
    for points, colour in chart.polylines:
        scaled = [(x * scale, y * scale) for x, y in points]
        if len(scaled) > 1:
            draw.line(scaled, fill=colour, width=2 * scale)
        for x, y in scaled:
            draw.ellipse([x - 3 * scale, y - 3 * scale, x + 3 * scale, y + 3 * scale], fill=colour)
    anchors = {"middle": "ms", "start": "ls", "end": "rs"}
    for x, y, content, size, anchor, fill in chart.texts:
        draw.text(
            (x * scale, y * scale), content, fill=fill, font=font(size), anchor=anchors[anchor]
        )
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def chart(*args, **kwargs) -> str:
    """An SVG chart; see :func:`layout` for the arguments."""
    return to_svg(layout(*args, **kwargs))
