"""The writer's shortcuts for canonical decimal text and whole-number floats give what coerce and to_json_value give."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from forms import all_forms
from forms.coerce import to_json_value
from tests.test_entries_codec import converted, expected

DECIMALS = [f for form in all_forms() for f in form.input_fields if f.type in ("decimal", "percent")]
EDGES = ["0", "-0", "0.0", "00", "007", "0.5", "-0.5", ".5", "5.", "10", "10.0", "1.50", "-12.34", "1e3", "1E+3",
         "+5", "1_000", " 5", "5 ", "1234567890123456789", "12345678901234567890", "1234567890.123456789",
         "9999999999999999999.5", "0.0000000000000000001", "-0.000000000000000001", "100000000000000000000"]


@settings(max_examples=2000, deadline=None)
@given(st.sampled_from(DECIMALS), st.one_of(
    st.sampled_from(EDGES), st.decimals(allow_nan=False, allow_infinity=False).map(to_json_value),
    st.decimals(allow_nan=False, allow_infinity=False).map(str), st.integers(-10**25, 10**25).map(str),
    st.from_regex(r"-?[0-9]{1,12}(\.[0-9]{0,8})?", fullmatch=True)))
def test_decimal_text_converts_as_coerce_then_to_json_value(field, value):
    assert converted(field, value) == expected(field, value)


@settings(max_examples=2000, deadline=None)
@given(st.sampled_from(DECIMALS), st.one_of(
    st.integers(-2**60, 2**60).map(float), st.integers(-10**6, 10**6).map(float),
    st.sampled_from([0.0, -0.0, 2.0**53, -2.0**53, 2.0**53 - 1, -(2.0**53 - 1), 1e15, 1e16, 1e22, 0.5, -1.0])))
def test_whole_floats_convert_as_coerce_then_to_json_value(field, value):
    assert converted(field, value) == expected(field, value)


def test_the_shortcuts_keep_the_typed_value_as_coerce_reads_it():
    [field, *_] = DECIMALS
    assert converted(field, 1000.0) == (Decimal, repr(Decimal("1000.0")), "1000")
    assert converted(field, "12.5") == (Decimal, repr(Decimal("12.5")), "12.5")
