"""The writer's building blocks reused for a district summary: one row per township plus 合计."""

from __future__ import annotations

import openpyxl

from forms import get_form
from models.entries import form_rows
from models.units import subordinate_units
from reports.xlsx_layout import sheet_layout, with_unit_column
from reports.xlsx_writer import ReturnHeader, SheetRow, SheetSpec, write_workbook
from tests.conftest import DISTRICT
from tests.xlsx_samples import P, load_sample


def test_district_summary_rows_per_township_with_totals(district_db, tmp_path):
    towns = subordinate_units(DISTRICT)
    for town in towns[:2]:
        load_sample(town.code)
    form = with_unit_column(get_form("events"))
    rows = [SheetRow({**r.values, "unit_name": town.name}) for town in towns
            for r in form_rows(unit_code=town.code, period=P, form_id="events")]
    header = ReturnHeader(jurisdiction="威海市环翠区", unit_name="环翠区", unit_code=DISTRICT, period=P,
                          title_suffix="（汇总）")
    path = tmp_path / "summary.xlsx"
    write_workbook(path, sheets=[SheetSpec(form, rows, sheet_name="表2汇总")], header=header)

    ws = openpyxl.load_workbook(path)["表2汇总"]
    lt = sheet_layout(form)
    first = lt.first_data_row + 1
    assert ws.cell(lt.title_row + 1, 1).value == "威海市环翠区促消费活动开展情况（汇总）"
    assert [ws.cell(lt.code_row + 1, c).value for c in range(1, 4)] == ["甲", "乙", "丙"]
    assert ws.cell(lt.group_row + 1, 1).value == "填报单位"  # merged over both header rows
    assert [ws.cell(first + i, 1).value for i in range(6)] == ["环翠楼街道"] * 3 + ["鲸园街道"] * 3
    totals = first + 6
    assert ws.cell(totals, 1).value == "合计"
    visitors = lt.column("visitors").index + 1
    letter = openpyxl.utils.get_column_letter(visitors)
    assert ws.cell(totals, visitors).value == f"=SUM({letter}{first}:{letter}{first + 5})"
    assert ws.cell(totals, lt.column("sales").index + 1).number_format == "0.00"


def test_summary_of_a_form_without_totals_sums_its_numeric_inputs():
    form = with_unit_column(get_form("figures"))
    assert form.totals and form.fields[0].key == "unit_name"
    assert {f.key for f in form.fields if f.total} == {"current", "base_2023"}
    assert get_form("figures").totals is False  # the declaration itself is untouched
