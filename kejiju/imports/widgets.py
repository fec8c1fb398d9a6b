"""Cell widgets shared by every layout. ``clean`` raises ``ValueError`` with a Chinese message;
the import engine reports it at the row and column where it happened."""

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from import_export import widgets

from kejiju.codes import credit_code_error, normalize_credit_code

EMPTY = (None, "")


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def half_width(value) -> str:
    """``text`` with full-width digits, letters and signs (typed with a Chinese input method)
    turned into their ASCII forms, for cells holding numbers, dates and codes."""
    return unicodedata.normalize("NFKC", text(value))


class TextWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return text(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


_DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
_EXCEL_EPOCH = dt.date(1899, 12, 30)
# Dates of the portal's records: anything outside is a typing or conversion slip.
FIRST_YEAR, LAST_YEAR = 1900, 2099


def parse_date(value) -> dt.date | None:
    date = _parse_date(value)
    if date is not None and not FIRST_YEAR <= date.year <= LAST_YEAR:
        raise ValueError(
            f"日期 {date.isoformat()} 超出合理范围（{FIRST_YEAR} 年至 {LAST_YEAR} 年）"
        )
    return date


def _parse_date(value) -> dt.date | None:
    if value in EMPTY:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and 1 <= value < 100000:
        # An Excel serial day number in a cell without a date format.
        return _EXCEL_EPOCH + dt.timedelta(days=int(value))
    raw = half_width(value)
    if not raw:
        return None
    for pattern in _DATE_PATTERNS:
        match = pattern.match(raw)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                return dt.date(year, month, day)
            except ValueError:
                break
    raise ValueError(f"无法识别的日期「{raw}」，请写成 2023-05-01、2023/5/1 或 2023年5月1日")


class DateWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return parse_date(value)

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class ChoiceWidget(widgets.Widget):
    """A cell holding the Chinese label of a TextChoices member (the internal code also passes)."""

    def __init__(self, choices, default=None, aliases: dict | None = None):
        self.choices = choices
        self.default = default
        self.by_label = {str(label): value for value, label in choices.choices}
        self.by_label.update({value: value for value in choices.values})
        self.by_label.update(aliases or {})

    def clean(self, value, row=None, **kwargs):
        raw = text(value)
        if not raw:
            return self.default
        try:
            return self.by_label[raw]
        except KeyError:
            allowed = "、".join(str(label) for label in self.choices.labels)
            raise ValueError(f"「{raw}」不是可选的值（可选：{allowed}）") from None

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        return str(self.choices(value).label)


class IntegerWidget(widgets.Widget):
    def __init__(self, minimum: int | None = 0):
        self.minimum = minimum

    def clean(self, value, row=None, **kwargs):
        raw = half_width(value)
        if not raw:
            return None
        try:
            number = Decimal(raw.replace(",", ""))
        except InvalidOperation:
            raise ValueError(f"「{raw}」不是整数") from None
        if not number.is_finite() or number != number.to_integral_value():
            raise ValueError(f"「{raw}」不是整数")
        if self.minimum is not None and number < self.minimum:
            raise ValueError(f"不能小于 {self.minimum}")
        return int(number)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class DecimalWidget(widgets.Widget):
    """An amount in 万元 with ``places`` decimals, never negative."""

    def __init__(self, places: int = 2):
        self.quantum = Decimal(1).scaleb(-places)

    def clean(self, value, row=None, **kwargs):
        raw = half_width(value)
        if not raw:
            return None
        try:
            number = Decimal(raw.replace(",", ""))
        except InvalidOperation:
            raise ValueError(f"「{raw}」不是数字") from None
        if not number.is_finite():
            raise ValueError(f"「{raw}」不是数字")
        if number < 0:
            raise ValueError("金额不能为负数")
        try:
            return number.quantize(self.quantum)
        except InvalidOperation:  # more digits than any amount has
            raise ValueError(f"数值「{raw}」超出范围") from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else f"{value:.2f}"


class CreditCodeWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        raw = text(value)
        if not raw:
            return ""
        error = credit_code_error(raw)
        if error:
            raise ValueError(error)
        return normalize_credit_code(raw)

    def render(self, value, obj=None, **kwargs):
        return value or ""
