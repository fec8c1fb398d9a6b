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


def label_key(value) -> str:
    """A label as it is compared: NFKC, no white space, case-insensitive."""
    return "".join(unicodedata.normalize("NFKC", text(value)).split()).casefold()


class ChoiceWidget(widgets.Widget):
    """A cell holding the Chinese label of a TextChoices member, the internal code, or one of
    the vocabulary's aliases (declared beside the choices: 有权 → 授权, 高企 → 高新技术企业)."""

    def __init__(self, choices, default=None, aliases: dict | None = None):
        self.choices = choices
        self.default = default
        self.by_label = {label_key(value): value for value in choices.values}
        self.by_label.update({label_key(alias): value for alias, value in (aliases or {}).items()})
        self.by_label.update({label_key(label): value for value, label in choices.choices})
        self.exact = {str(label): value for value, label in choices.choices}

    def clean(self, value, row=None, **kwargs):
        if value.__class__ is str and value in self.exact:
            return self.exact[value]  # the label as the template writes it: most cells
        raw = text(value)
        if not raw:
            return self.default
        try:
            return self.by_label[label_key(raw)]
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


_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.IGNORECASE)


def mangled_code_error(value, label: str = "统一社会信用代码") -> str | None:
    """The message for a code that Excel turned into a number: 9.13304E+17 keeps only 15 digits,
    so no check-digit hint can repair it."""
    shown = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        shown = f"{value:.5E}" if abs(value) >= 1e11 else text(value)
    elif isinstance(value, str) and _SCIENTIFIC.match(half_width(value)):
        shown = half_width(value)
    if shown is None:
        return None
    return (
        f"{label}被 Excel 转成了数字（{shown}），后几位已经丢失，无法还原。"
        "请把该列设置为“文本”格式（或在代码前加英文单引号 '）后重新填写完整的代码。"
    )


def code_text(value, label: str = "统一社会信用代码") -> str:
    """A code cell as text; a code Excel turned into a number is refused (see above)."""
    error = mangled_code_error(value, label)
    if error:
        raise ValueError(error)
    return text(value)


class CodeTextWidget(TextWidget):
    """Numbers and codes typed as text (项目编号, 合同登记号, 证书编号): stored NFKC-normalised, so
    a full-width ２０２３ is the same number as 2023."""

    def clean(self, value, row=None, **kwargs):
        return half_width(value)


class PhoneWidget(TextWidget):
    """A telephone number, NFKC-normalised (full-width digits and dashes typed with a Chinese
    input method become ASCII)."""

    def clean(self, value, row=None, **kwargs):
        return " ".join(half_width(value).split())


class CreditCodeWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        raw = code_text(value)
        if not raw:
            return ""
        error = credit_code_error(raw)
        if error:
            raise ValueError(error)
        return normalize_credit_code(raw)

    def render(self, value, obj=None, **kwargs):
        return value or ""
