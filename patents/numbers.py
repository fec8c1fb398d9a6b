"""Chinese patent application numbers (DOMAIN.md §4).

``YYYY T NNNNNNN . C`` since 2003, ``YY T NNNNN . C`` before. The check character is
Σ dᵢ·wᵢ mod 11 with weights 2, 3, …, 9 repeating over the digits before the dot; 10 is ``X``.
"""

import operator
import re
import unicodedata
from dataclasses import dataclass

from .choices import PatentType

TYPE_DIGITS = {
    "1": PatentType.INVENTION,
    "8": PatentType.INVENTION,  # PCT invention in the national phase
    "2": PatentType.UTILITY,
    "9": PatentType.UTILITY,  # PCT utility model in the national phase
    "3": PatentType.DESIGN,
}
_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9)
_SHAPE = re.compile(r"^(\d{12}|\d{8})([0-9X])$")


class InvalidApplicationNumber(ValueError):
    pass


@dataclass(frozen=True)
class ApplicationNumber:
    value: str  # normalised: 201410123456.7 or 95115608.X
    type_digit: str

    @property
    def kind(self) -> PatentType:
        return TYPE_DIGITS[self.type_digit]

    @property
    def year(self) -> int:
        year = int(self.value[:4]) if len(self.value) == 14 else int(self.value[:2])
        if year < 100:
            year += 1900 if year >= 85 else 2000
        return year


_REPEATED_WEIGHTS = _WEIGHTS * 2
# Σ wᵢ over the first n weights: the ASCII codes of the digits are 48 above their values.
_ZERO_OFFSET = [48 * sum(_REPEATED_WEIGHTS[:n]) for n in range(len(_REPEATED_WEIGHTS) + 1)]


def check_character(body: str) -> str:
    """The check character of the digits before the dot (12 or 8 of them)."""
    codes = body.encode("ascii")
    total = sum(map(operator.mul, codes, _REPEATED_WEIGHTS)) - _ZERO_OFFSET[len(codes)]
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


_NORMALISED = re.compile(r"^(?:\d{12}|\d{8})\.[0-9X]$")


def compact(value) -> str:
    if value.__class__ is str and _NORMALISED.match(value):
        return value.replace(".", "")  # already as the register writes it: most cells
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # NFKC turns full-width digits (typed with a Chinese input method) into ASCII ones.
    text = re.sub(r"[\s.。]", "", unicodedata.normalize("NFKC", str(value or ""))).upper()
    for prefix in ("CN", "ZL"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    return text


def parse(value) -> ApplicationNumber:
    """The normalised application number, or :class:`InvalidApplicationNumber` saying why."""
    text = compact(value)
    if not text:
        raise InvalidApplicationNumber("申请号不能为空")
    match = _SHAPE.match(text)
    if not match:
        raise InvalidApplicationNumber(
            f"申请号「{value}」格式不正确，应为 12 位数字加校验位（如 201410123456.7）"
            "或 2003 年以前的 8 位数字加校验位（如 95115608.X）"
        )
    body, check = match.groups()
    type_digit = body[4] if len(body) == 12 else body[2]
    if type_digit not in TYPE_DIGITS:
        raise InvalidApplicationNumber(
            f"申请号「{value}」的专利类型位为 {type_digit}，应为 1、2、3、8 或 9"
        )
    expected = check_character(body)
    if check != expected:
        raise InvalidApplicationNumber(
            f"申请号「{value}」校验位错误：应为 {expected}，实为 {check}"
        )
    return ApplicationNumber(f"{body}.{check}", type_digit)


def from_normalized(value: str) -> ApplicationNumber:
    """The number of a value :func:`parse` already produced, without checking it again."""
    return ApplicationNumber(value, value[4] if len(value) == 14 else value[2])


def normalize(value) -> str:
    return parse(value).value
