"""Turn what people type (in the program, Excel or WPS) into typed values, or say why not."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from forms.schema import Field

BLANKS = {"", "—", "-", "--", "——", "/", "无"}
_FULLWIDTH = str.maketrans("０１２３４５６７８９．，－＋％　", "0123456789.,-+% ")
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_EXCEL_EPOCH = dt.date(1899, 12, 30)
# No figure of these forms comes near 10^15 (Excel keeps 15 significant digits; a 2023 base is stored with 16
# places before the point), and none needs more than 20 places after it. Beyond either a value is a slip or a
# hostile cell — 1E999999 would be written out as a million digits — and is refused before it is stored.
NUMBER_LIMIT = 10**15
MAX_DECIMALS = 20
# How a refusal names what was expected; clerks and reviewers read these in the grid and in merge reasons.
_TYPE_WORDS = {"text": "文字", "choice": "可选项", "date": "日期", "integer": "整数", "decimal": "数字", "percent": "百分数"}


class CoerceError(ValueError):
    """A value cannot be read as its field's type; the message is in the user's words."""


def normalise_text(value: object) -> str:
    """Strip stray spaces (ASCII, full-width, non-breaking) around a text value."""
    return str(value).replace("\u00a0", " ").strip().strip("\u3000").strip()


def coerce(field: Field, value: object) -> object:
    """Return the typed value of a field (None when blank), or raise CoerceError."""
    if value is None:
        return _zero(field) if field.blank_is_zero and field.numeric else None
    if isinstance(value, bool):
        raise CoerceError(f"“{value}”不是{_TYPE_WORDS.get(field.type, field.type)}")
    if field.type in ("text", "choice"):
        text = normalise_text(value) if not isinstance(value, float) or not value.is_integer() else str(int(value))
        if field.type == "choice" and text and text not in field.choices:
            raise CoerceError(f"“{text}”不是可选项，请从 {'/'.join(field.choices)} 中选一个")
        return text or None
    if field.type == "date":
        return _to_date(value)
    return _to_number(field, value)


def _zero(field: Field):
    return 0 if field.type == "integer" else Decimal(0)


def _to_number(field: Field, value: object):
    if isinstance(value, (int, float, Decimal)):
        number = Decimal(str(value))
    else:
        text = normalise_text(value).translate(_FULLWIDTH).replace(" ", "")
        if text in BLANKS:
            return _zero(field) if field.blank_is_zero else None
        percent = text.endswith("%")
        text = text.rstrip("%").replace(",", "")
        if percent and field.type != "percent":
            # 95.5% in a count or an amount has no one meaning (95.5, or 0.955 as a rate field reads it); a
            # guess would store a wrong figure without a word, so the clerk is asked for the number alone.
            raise CoerceError(f"{field.label}请只填数字，不要带 %" + _without_percent(text, value))
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise CoerceError(f"“{normalise_text(value)}”不是数字") from None
        if percent:
            number /= 100
    if not number.is_finite():
        raise CoerceError(f"“{value}”不是数字")
    check_number_size(number, value)
    if field.type == "integer":
        if number != number.to_integral_value():
            raise CoerceError(f"“{value}”不是整数")
        return int(number)
    return number


def _without_percent(text: str, value: object) -> str:
    """How a refused “95.5%” is written instead: （“95.5%”请填 95.5）, or nothing when the rest is no number."""
    try:
        number = Decimal(text)
    except InvalidOperation:
        return ""
    return f"（“{normalise_text(value)[:30]}”请填 {text}）" if number.is_finite() else ""


def check_number_size(number: Decimal, value: object) -> None:
    """Raise CoerceError when a finite number read from value is too large or has too many decimals."""
    if not -NUMBER_LIMIT < number < NUMBER_LIMIT:
        raise CoerceError(f"“{normalise_text(value)[:30]}”太大（不能达到 10 的 15 次方），请检查数值和计量单位")
    if number and -number.normalize().as_tuple().exponent > MAX_DECIMALS:
        raise CoerceError(f"“{normalise_text(value)[:30]}”的小数位数太多（最多 {MAX_DECIMALS} 位）")


def _to_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and 1 <= value < 2958466:
        return _EXCEL_EPOCH + dt.timedelta(days=int(value))
    text = normalise_text(value).translate(_FULLWIDTH).replace(" ", "")
    if text in BLANKS:
        return None
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                break
    raise CoerceError(f"“{normalise_text(value)}”不是日期（如 2025-10-05 或 2025年10月5日）")


def to_json_value(value: object) -> object:
    """Return a typed value as canonical JSON (Decimal and date as strings)."""
    if isinstance(value, Decimal):
        normal = value.normalize()
        return format(normal, "f") if normal != 0 else "0"
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def from_json_value(field: Field, value: object) -> object:
    """Inverse of to_json_value for a field's type."""
    if value is None:
        return None
    if field.type == "date":
        return dt.date.fromisoformat(value)
    if field.type in ("decimal", "percent"):
        return Decimal(value)
    if field.type == "integer":
        return int(value)
    return value
