"""The reader's row loop takes each cell as the field's converter would: the same values, problems and warnings.

The reference below is the loop as it was before its fast paths (blank test and plain text inline, a return's
inputs found on the way); hypothesis feeds both the cells people and programs put in returns and templates.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from forms import all_forms
from forms.coerce import CoerceError
from forms.validate import check_fields
from reports import xlsx_reader as xr

FORMS = all_forms()
CHOICES = sorted({c for form in FORMS for f in form.input_fields for c in f.choices})
CELLS = st.one_of(
    st.none(), st.just(""), st.sampled_from([" ", "\u3000", "\u00a0", "—", "-", "无", "0", "1,200", "5%", "abc"]),
    st.sampled_from(CHOICES), st.sampled_from(CHOICES).map(lambda c: f" {c}"), st.sampled_from(CHOICES).map(lambda c: c + "\u00a0"),
    st.text(max_size=8), st.text("ab 中\u00a0\u3000\t", max_size=6), st.floats(allow_nan=False, allow_infinity=False),
    st.integers(-5, 10**6).map(float), st.integers(-5, 100), st.booleans(),
    st.dates(dt.date(2025, 9, 25), dt.date(2025, 11, 5)), st.datetimes(dt.datetime(2025, 10, 1), dt.datetime(2025, 10, 31)),
)


def reference(ctx, sheet, r, row, form, cols, *, template):
    has_input = not all(xr._blank(row[i]) for _, i, _, _ in cols.converters)
    values, json_values, bad = {}, {}, set()
    for key, i, convert, _ in cols.converters:
        raw = row[i]
        if xr._blank(raw):
            if not (template and has_input):
                values[key] = json_values[key] = None
                continue
            raw = None
        try:
            values[key], json_values[key] = convert(raw)
        except CoerceError as exc:
            values[key] = json_values[key] = None
            bad.add(key)
            ctx.problem(sheet, xr._addr(r, i), str(exc))
    if has_input:
        for finding in check_fields(form, values):
            if finding.field not in bad:
                ctx.problem(sheet, xr._addr(r, cols.index_of[finding.field]), finding.message)
        if cols.dates and ctx.period:
            xr._warn_dates_outside(ctx, sheet, r, cols, values)
    return values, {"row_key": "", **json_values}


def typed(values: dict) -> dict:
    return {k: (type(v), repr(v)) for k, v in values.items()}


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from(FORMS), st.lists(CELLS, min_size=13, max_size=13), st.booleans())
def test_a_rows_cells_are_read_as_the_reference_loop_reads_them(form, cells, template):
    cols = xr._columns(form)
    row = cells[:cols.width] + [None] * (cols.width - len(cells))
    ours, theirs = xr._Context(Path("x.xlsx"), period="2025-10"), xr._Context(Path("x.xlsx"), period="2025-10")
    values, json_values = xr._read_values(ours, "表", 7, row, form, cols, template=template)
    ref_values, ref_json = reference(theirs, "表", 7, row, form, cols, template=template)
    assert typed(values) == typed(ref_values)
    assert list(json_values.items()) == list(ref_json.items())
    assert (ours.problems, ours.warnings) == (theirs.problems, theirs.warnings)
