"""统一社会信用代码 (GB 32100-2015): validation through python-stdnum, and valid demo codes."""

import unicodedata

from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as StdnumError

_CHECK_MESSAGES = {
    uscc.InvalidLength: "统一社会信用代码应为 18 位",
    uscc.InvalidFormat: "统一社会信用代码含有不允许的字符（不使用 I、O、S、V、Z）",
    uscc.InvalidChecksum: "统一社会信用代码校验位不正确",
}


def normalize_credit_code(value: str) -> str:
    # NFKC turns full-width digits and letters (typed with a Chinese input method) into ASCII.
    return uscc.compact(unicodedata.normalize("NFKC", value or "")).upper()


def credit_code_error(value: str) -> str | None:
    """``None`` when the code passes its check digits, else a Chinese message saying why."""
    try:
        uscc.validate(normalize_credit_code(value))
    except StdnumError as exc:
        message = _CHECK_MESSAGES.get(type(exc), "统一社会信用代码无效")
        if isinstance(exc, uscc.InvalidChecksum):
            code = normalize_credit_code(value)
            message += f"（应为 {uscc.calc_check_digit(code[:17])}）"
        return message
    return None


def _organization_code(serial: int) -> str:
    """A GB 11714 organisation code (8 digits and its check character)."""
    body = f"{serial:08d}"
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    check = 11 - sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def make_credit_code(serial: int, division: str = "330381") -> str:
    """A valid code for an enterprise (registration authority 9, type 1) in ``division``."""
    body = "91" + division + _organization_code(serial)
    return body + uscc.calc_check_digit(body)
