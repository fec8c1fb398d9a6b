"""How figures are written in the dashboard, the summary and its Word version."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

# The dashboard's figures (counts with their unit, money in 万元 or 亿元, changes, dates) are
# written the portal's one way.
from kejiju.formatting import EMPTY, WAN_PER_YI, change, count, date, money  # noqa: F401

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


def yoy(percent: Decimal | None) -> str:
    """``+72.73%``, ``-5.00%``, or ``—`` when there is no previous-year value."""
    if percent is None:
        return "—"
    percent = quantize(percent)
    sign = "+" if percent > 0 else ""
    return f"{sign}{percent}%"


def yoy_words(percent: Decimal | None) -> str:
    """``同比增长72.73%`` / ``同比下降5.00%`` / ``与上年持平``."""
    if percent is None:
        return ""
    percent = quantize(percent)
    if percent > 0:
        return f"同比增长{percent}%"
    if percent < 0:
        return f"同比下降{-percent}%"
    return "与上年持平"
