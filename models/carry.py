"""沿用上月: what a new month's empty rows may start from, as the form declares it (Field.carry)."""

from __future__ import annotations

from forms import get_form
from models.entries import form_rows
from models.periods import previous_period, year_of


def carried_values(*, unit_code: str, period: str, form_id: str) -> dict[str, dict[str, object]]:
    """Last month's values of the form's carried fields for this month's rows with nothing typed yet, by row key."""
    form = get_form(form_id)
    before = previous_period(period)
    keys = [f.key for f in form.input_fields
            if f.carry == "always" or (f.carry == "within_year" and year_of(before) == year_of(period))]
    if not keys:
        return {}
    untouched = {row.row_key for row in form_rows(unit_code=unit_code, period=period, form_id=form_id)
                 if all(row.values.get(f.key) in (None, "") for f in form.input_fields)}
    out = {}
    for row in form_rows(unit_code=unit_code, period=before, form_id=form_id, row_keys=untouched):
        values = {key: row.values[key] for key in keys if row.values.get(key) not in (None, "")}
        if values:
            out[row.row_key] = values
    return out


def last_month_values(*, unit_code: str, period: str, form_id: str) -> dict[str, dict[str, object]]:
    """What each row held last month in its typed fields, by row key (forms with fixed rows; none for events).

    A year-to-date field (carried within the year) is left out in January: December's is last year's total.
    """
    form = get_form(form_id)
    if form.rows == "events":
        return {}
    before = previous_period(period)
    keys = [f.key for f in form.input_fields if f.carry != "within_year" or year_of(before) == year_of(period)]
    return {row.row_key: {k: row.values[k] for k in keys if row.values.get(k) not in (None, "")}
            for row in form_rows(unit_code=unit_code, period=before, form_id=form_id) if row.version}
