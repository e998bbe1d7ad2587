"""The writer's value conversion gives exactly what coerce and to_json_value give, for any value of any field."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forms import all_forms
from forms.coerce import CoerceError, coerce, to_json_value
from models.entries import _ROW_JSON, _row_json, value_converter

FIELDS = [f for form in all_forms() for f in form.input_fields]
CHOICES = sorted({c for f in FIELDS for c in f.choices})
ALPHABET = "0123456789０１２３４５６７８９.．,，-－+＋%％eE_ \t\u00a0\u3000aNnIif年月日/—无٣"
# What people and programs put in cells, and what the reader writes: canonical forms and near misses.
VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-2**60, 2**60).map(float), st.sampled_from([2.0**53, -2.0**53, 2.0**53 - 1, 1e16, -0.0, 0.1 + 0.2]),
    st.decimals(allow_nan=True, allow_infinity=True).map(str), st.decimals(places=4, allow_nan=False).map(str),
    st.decimals(allow_nan=False, allow_infinity=False).map(lambda d: to_json_value(d)),
    st.dates().map(dt.date.isoformat), st.dates(), st.datetimes(), st.dates().map(lambda d: f"{d.year}年{d.month}月{d.day}日"),
    st.sampled_from(["2025-02-30", "2025-W41-1", "20251005", "2025-10-5", "2025-10-05 ", "0999-01-01"]),
    st.sampled_from(CHOICES), st.sampled_from(CHOICES).map(lambda c: f" {c}\u3000"),
    st.text(ALPHABET, max_size=12), st.text(max_size=12), st.sampled_from(["", " ", "—", "1,200", "5%", "NaN", "sNaN"]),
    # Past the size limits: refused alike (1E1000000 once overflowed in the writer's shortcut).
    st.sampled_from(["1E1000000", "-1E999999", "1E-1000000", "1e15", "999999999999999", "1000000000000000",
                     "0." + "0" * 25 + "1", "1.5E+14", 10**15, -10**15 + 1, 1e15, 1e300, 1e-300]),
)


def expected(field, value):
    try:
        typed = coerce(field, value)
    except CoerceError as exc:
        return "error", str(exc)
    return type(typed), repr(typed), to_json_value(typed)


def converted(field, value):
    try:
        typed, json_value = value_converter(field)(value)
    except CoerceError as exc:
        return "error", str(exc)
    return type(typed), repr(typed), json_value


@settings(max_examples=3000, deadline=None)
@given(st.sampled_from(FIELDS), VALUES)
def test_the_writers_conversion_is_coerce_then_to_json_value(field, value):
    assert converted(field, value) == expected(field, value)


def test_canonical_values_of_each_type_are_taken_as_they_are():
    by_type = {f.type: f for f in FIELDS}
    assert value_converter(by_type["integer"])(12) == (12, 12)
    assert value_converter(by_type["decimal"])("12.5") == (Decimal("12.5"), "12.5")
    assert value_converter(by_type["date"])("2025-10-05") == (dt.date(2025, 10, 5), "2025-10-05")
    assert value_converter(by_type["text"])("资金压力较大") == ("资金压力较大", "资金压力较大")


JSON_VALUES = st.one_of(st.none(), st.booleans(), st.integers(), st.text(), st.floats(allow_nan=False))


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(st.text(), JSON_VALUES, max_size=12))
def test_the_row_encoder_made_once_writes_what_the_json_encoder_writes(row):
    assert _row_json(row) == _ROW_JSON.encode(row)
    assert _row_json(row) == json.dumps(row, ensure_ascii=False, sort_keys=True)


def test_numbers_past_the_limits_are_refused_in_the_users_words():
    by_type = {f.type: f for f in FIELDS}
    for field_type in ("integer", "decimal"):
        convert = value_converter(by_type[field_type])
        for value in ("1E1000000", 10**15, 1e16, "-1000000000000000"):
            with pytest.raises(CoerceError, match="太大"):
                convert(value)
        assert convert("999999999999999")[1] in (999999999999999, "999999999999999")
    with pytest.raises(CoerceError, match="小数位数太多"):
        value_converter(by_type["decimal"])("1E-21")
    assert value_converter(by_type["decimal"])(0.1 + 0.2) == (Decimal("0.30000000000000004"), "0.30000000000000004")


@pytest.mark.parametrize("form_id, key, text, message", [
    ("tasks", "achieved", "95.5%", "完成值请只填数字，不要带 %（“95.5%”请填 95.5）"),
    ("figures", "current", "５０％", "本期请只填数字，不要带 %（“５０％”请填 50）"),
    ("events", "visitors", "%", "参与人数请只填数字，不要带 %"),
])
def test_a_percent_sign_in_a_field_that_is_not_a_rate_is_refused(form_id, key, text, message):
    field = next(f for form in all_forms() if form.id == form_id for f in form.input_fields if f.key == key)
    for convert in (lambda v: coerce(field, v), value_converter(field)):
        with pytest.raises(CoerceError) as exc:
            convert(text)
        assert str(exc.value) == message


def test_a_rate_field_still_reads_a_percent_sign_as_hundredths():
    rate = next(f for form in all_forms() for f in form.fields if f.type == "percent")
    assert coerce(rate, "95.5%") == Decimal("0.955") and coerce(rate, "５０％") == Decimal("0.5")
