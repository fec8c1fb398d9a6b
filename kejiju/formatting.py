"""How the portal shows a number, an amount, a change, a date or a range — decided here once and
used by the pages (the filters in ``kejiju.templatetags.kejiju_format``), the Excel exports, the
PDF and the Word file alike.

- counts: thousands separators and the unit after a thin space: ``1,125 件``;
- money, stored in 万元: ``9,999.99 万元`` up to 10,000 万元, ``1.00 亿元`` from there on
  (a leader reads 25.83 亿元, not 258,310.00 万元); always two decimals;
- percentages ``12.5%`` and changes with their sign ``+12.5%`` / ``-3.0%`` (one decimal);
- dates ``2026年12月6日`` and date-times ``2026年12月6日 17:11`` (no zero padding), in local time;
- ranges with one en dash: ``120–125家``.

``None`` and empty values show as ``EMPTY`` (—), never "None"; a value that is not a number is
shown as it is rather than raising.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.utils import timezone

EMPTY = "—"
RANGE_DASH = "–"  # U+2013 EN DASH, the one dash of a range
WAN_PER_YI = Decimal(10_000)


def _number(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def _grouped(number: Decimal, decimals: int) -> str:
    text = f"{number:,.{decimals}f}"
    return "0" + text[2:] if text.startswith("-0") and _number(text) == 0 else text


def number(value, decimals: int | None = None) -> str:
    """``1125`` → ``1,125``; ``1125.5`` → ``1,125.5``; with ``decimals``, exactly that many."""
    n = _number(value)
    if n is None:
        return EMPTY if value in (None, "") else str(value)
    if decimals is None:
        decimals = 0 if n == n.to_integral_value() else max(0, -n.normalize().as_tuple().exponent)
    return _grouped(n, decimals)


def count(value, unit: str = "") -> str:
    """A count with its unit: ``1,125 件``; ``0 件``; ``None`` → ``—``."""
    text = number(value)
    if text == EMPTY or not unit or _number(value) is None:
        return text
    return f"{text} {unit}"


def money(value) -> str:
    """An amount stored in 万元: ``9,999.99 万元``, ``10,000 万元`` → ``1.00 亿元``,
    ``258,310`` → ``25.83 亿元``; two decimals; negatives keep their sign."""
    n = _number(value)
    if n is None:
        return EMPTY if value in (None, "") else str(value)
    if abs(n) >= WAN_PER_YI:
        return f"{_grouped(n / WAN_PER_YI, 2)} 亿元"
    return f"{_grouped(n, 2)} 万元"


def money_figure(value) -> str:
    """An amount in 万元 without its unit, for a column or cell headed (万元): ``258,310.00``."""
    return number(value, 2)


def percent(value, decimals: int = 1) -> str:
    """A share in percent (the value is already in %): ``12.5`` → ``12.5%``."""
    n = _number(value)
    if n is None:
        return EMPTY if value in (None, "") else str(value)
    return f"{_grouped(n, decimals)}%"


def change(value, decimals: int = 1) -> str:
    """A change in percent with its sign: ``+12.5%``, ``-3.0%``, ``0.0%``."""
    n = _number(value)
    if n is None:
        return EMPTY if value in (None, "") else str(value)
    text = _grouped(n, decimals)
    return f"+{text}%" if n > 0 and _number(text) != 0 else f"{text}%"


def _local(value):
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def date(value) -> str:
    """``2026年12月6日`` for a date or a date-time (its local day)."""
    if value in (None, ""):
        return EMPTY
    if not isinstance(value, dt.date):
        return str(value)
    value = _local(value)
    return f"{value.year}年{value.month}月{value.day}日"


def datetime(value, seconds: bool = False) -> str:
    """``2026年12月6日 17:11`` in local time (``seconds=True``: ``17:11:34``); a date alone
    is shown as a date."""
    if value in (None, ""):
        return EMPTY
    if not isinstance(value, dt.datetime):
        return date(value)
    value = _local(value)
    clock = value.strftime("%H:%M:%S" if seconds else "%H:%M")
    return f"{date(value)} {clock}"


def month(value) -> str:
    """``2026年12月``."""
    if value in (None, ""):
        return EMPTY
    if not isinstance(value, dt.date):
        return str(value)
    value = _local(value)
    return f"{value.year}年{value.month}月"


def value_range(low, high, unit: str = "") -> str:
    """``120–125家``; equal ends give one value; a missing end gives the other alone."""
    low_text = number(low) if low not in (None, "") else ""
    high_text = number(high) if high not in (None, "") else ""
    if not low_text and not high_text:
        return EMPTY
    if not low_text or not high_text or low_text == high_text:
        return f"{low_text or high_text}{unit}"
    return f"{low_text}{RANGE_DASH}{high_text}{unit}"


def normalize_range_text(text: str) -> str:
    """Any dash people type between two numbers (—, －, ~, ～, -) becomes the one en dash."""
    import re

    if not text:
        return text
    return re.sub(r"(?<=\d)\s*(?:—|－|~|～|-|–|至)\s*(?=\d)", RANGE_DASH, str(text))
