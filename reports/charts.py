"""Small SVG charts drawn on the server for the annual summary (WeasyPrint renders inline SVG).
Every text element carries its font family as an attribute so the CJK font is used in the PDF."""

from __future__ import annotations

from decimal import Decimal
from xml.sax.saxutils import escape

FONT = "Noto Sans CJK SC"
PALETTE = ["#1f4e8c", "#c0392b", "#2e8b57", "#d4a017", "#6c5b7b"]


def _text(
    x: float, y: float, content: str, size: int = 11, anchor: str = "middle", fill="#333"
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{size}" '
        f'text-anchor="{anchor}" fill="{fill}">{escape(content)}</text>'
    )


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _short(value: float) -> str:
    if value >= 10000:
        return f"{value / 10000:g}万"
    return f"{value:g}"


def chart(
    title: str,
    categories: list[str],
    series: list[tuple[str, list[Decimal | None]]],
    unit: str = "",
    kind: str = "bar",
    width: int = 520,
    height: int = 240,
) -> str:
    """A bar or line chart of ``series`` (name, one value per category) as an SVG string."""
    left, right, top, bottom = 56, 16, 34, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [float(v) for _, vs in series for v in vs if v is not None]
    top_value = _nice_max(max(values, default=0))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}">',
        _text(width / 2, 18, title + (f"（{unit}）" if unit else ""), size=13, fill="#111"),
    ]
    for step in range(5):
        y = top + plot_h - plot_h * step / 4
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#ddd" stroke-width="0.8"/>'
        )
        parts.append(_text(left - 6, y + 4, _short(top_value * step / 4), size=10, anchor="end"))
    count = max(1, len(categories))
    slot = plot_w / count
    for index, category in enumerate(categories):
        parts.append(_text(left + slot * (index + 0.5), top + plot_h + 16, category, size=10))

    def y_of(value: float) -> float:
        return top + plot_h - plot_h * value / top_value

    bar_w = slot * 0.7 / max(1, len(series))
    for number, (name, vs) in enumerate(series):
        colour = PALETTE[number % len(PALETTE)]
        if kind == "line":
            points = [
                (left + slot * (i + 0.5), y_of(float(v))) for i, v in enumerate(vs) if v is not None
            ]
            if points:
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
                parts.append(
                    f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>'
                )
                for x, y in points:
                    parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>')
        else:
            for i, v in enumerate(vs):
                if v is None:
                    continue
                x = left + slot * i + slot * 0.15 + bar_w * number
                y = y_of(float(v))
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{top + plot_h - y:.1f}" fill="{colour}"/>'
                )
                parts.append(_text(x + bar_w / 2, y - 3, _short(float(v)), size=9))
        legend_x = left + number * 150
        parts.append(
            f'<rect x="{legend_x}" y="{height - 14}" width="10" height="10" fill="{colour}"/>'
        )
        parts.append(_text(legend_x + 14, height - 5, name, size=10, anchor="start"))
    parts.append("</svg>")
    return "".join(parts)
