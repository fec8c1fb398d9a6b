"""How figures are written in the dashboard, the summary and its Word version."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

MONEY_UNITS = {"万元", "元"}
TWO_PLACES = Decimal("0.01")


def quantize(value: Decimal) -> Decimal:
    return Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def number(value: Decimal | int | None, unit: str = "") -> str:
    """Counts as integers, money in 万元 with 2 decimals, anything else with up to 2 decimals."""
    if value is None:
        return "—"
    value = Decimal(value)
    if unit in MONEY_UNITS:
        return f"{quantize(value):,.2f}"
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{quantize(value):,.2f}"


def plain(value: Decimal | int | None) -> int | float:
    """A JSON number: integers stay integers."""
    value = Decimal(value or 0)
    if value == value.to_integral_value():
        return int(value)
    return float(quantize(value))


def yoy(change: Decimal | None) -> str:
    """``+72.73%``, ``-5.00%``, or ``—`` when there is no previous-year value."""
    if change is None:
        return "—"
    change = quantize(change)
    sign = "+" if change > 0 else ""
    return f"{sign}{change}%"


def yoy_words(change: Decimal | None) -> str:
    """``同比增长72.73%`` / ``同比下降5.00%`` / ``与上年持平``."""
    if change is None:
        return ""
    change = quantize(change)
    if change > 0:
        return f"同比增长{change}%"
    if change < 0:
        return f"同比下降{-change}%"
    return "与上年持平"


# --- the dashboard's figures (counts with their unit, money in 万元 or 亿元, changes, dates) ---

EMPTY = "—"
WAN_PER_YI = Decimal(10_000)


def grouped(value: Decimal | int, decimals: int | None = None) -> str:
    """``1125`` → ``1,125``; decimals as the value has them unless ``decimals`` is given."""
    value = Decimal(value)
    if decimals is None:
        decimals = 0 if value == value.to_integral_value() else 2
    return f"{value:,.{decimals}f}"


def count(value: Decimal | int | None, unit: str = "") -> str:
    """``1,125 件``."""
    if value is None:
        return EMPTY
    return f"{grouped(value)} {unit}".strip()


def money(value: Decimal | int | None) -> str:
    """An amount stored in 万元: ``9,999.99 万元`` below 10,000 万元, ``25.83 亿元`` from there."""
    if value is None:
        return EMPTY
    value = Decimal(value)
    if abs(value) >= WAN_PER_YI:
        return f"{grouped(value / WAN_PER_YI, 2)} 亿元"
    return f"{grouped(value, 2)} 万元"


def change(percent: Decimal | None) -> str:
    """``+12.5%``, ``-3.0%``, ``0.0%`` (one decimal)."""
    if percent is None:
        return EMPTY
    text = f"{Decimal(percent):,.1f}"
    if text in ("-0.0", "0.0"):
        return "0.0%"
    return f"+{text}%" if percent > 0 else f"{text}%"


def date(value) -> str:
    """``2024年1月15日``: the way documents write a date, never zero-padded."""
    if value is None:
        return EMPTY
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        from django.utils import timezone

        value = timezone.localtime(value)
    return f"{value.year}年{value.month}月{value.day}日"
