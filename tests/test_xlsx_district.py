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


def _line_runs(ws, row: int) -> list[tuple[str, float]]:
    """Each text on a line with the width it may use: its merged range, or the empty cells it overflows into."""
    merged = {m.min_col: m for m in ws.merged_cells.ranges if m.min_row == row}
    last = ws.max_column
    width = {c: ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width or 8.43 for c in range(1, last + 1)}
    out = []
    for c in range(1, last + 1):
        text = ws.cell(row, c).value
        if not text:
            continue
        if c in merged:
            cols = range(merged[c].min_col, merged[c].max_col + 1)
        elif ws.cell(row, c).alignment.horizontal == "right":  # overflows leftwards into the empty cells before it
            first = c
            while first > 1 and not ws.cell(row, first - 1).value:
                first -= 1
            cols = range(first, c + 1)
        else:
            end = c
            while end < last and not ws.cell(row, end + 1).value:
                end += 1
            cols = range(c, end + 1)
        out.append((text, sum(width[k] for k in cols)))
    return out


def test_every_footer_item_of_a_narrow_sheet_fits_where_it_is_printed(tmp_path):
    from reports.summary import COMPLETENESS_FORM
    from reports.xlsx_layout import display_width

    header = ReturnHeader(jurisdiction="威海市环翠区", unit_name="环翠区", unit_code=DISTRICT, period=P,
                          signatories={"head": "王建国", "stats": "李敏", "filler": "张晓燕", "phone": "0631-5201234"})
    rows = [SheetRow({"unit_code": "371002001", "unit_name": "环翠楼街道", "state": "已报"})]
    path = tmp_path / "completeness.xlsx"
    write_workbook(path, sheets=[SheetSpec(COMPLETENESS_FORM, rows, sheet_name="报送情况")], header=header)
    ws = openpyxl.load_workbook(path)["报送情况"]
    footer = next(r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 1).value or "").startswith("单位负责人"))
    runs = _line_runs(ws, footer)
    assert "联系电话：0631-5201234" in "".join(text for text, _ in runs)  # 联系电话 was cut to 系电话：0631-520123
    for text, width in runs:
        assert display_width(text) <= width - 1, f"{text!r} does not fit in {width}"
    for text, width in _line_runs(ws, sheet_layout(COMPLETENESS_FORM).info_row + 1):  # the 填报单位 line
        assert display_width(text) <= width - 1, f"{text!r} does not fit in {width}"
