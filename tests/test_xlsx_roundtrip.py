"""Exported returns read back: the same records, and the file's formats, merges, print setup and metadata."""

from __future__ import annotations

import json
import re
import zipfile

import openpyxl
import pytest

from forms import all_forms, get_form
from models import db as m
from models.entries import canonical_data, canonical_json, content_hash, save_row
from models.errors import DataError
from models.periods import period_bounds
from reports import xlsx_layout as lay
from reports.cli import main
from reports.returns import export_return, return_file_name
from reports.xlsx_meta import META_SHEET
from reports.xlsx_reader import read_return
from tests.conftest import DISTRICT, TOWN, table_snapshot
from tests.xlsx_samples import NOW, P, load_sample


@pytest.fixture
def month(sqlite_db):
    """A town database with the sample month entered."""
    load_sample(TOWN)
    return sqlite_db


@pytest.fixture
def exported(month, tmp_path):
    """The sample month exported once."""
    return export_return(unit_code=TOWN, period=P, out_dir=tmp_path / "out", now=NOW)


def _layout(form_id: str) -> lay.SheetLayout:
    return lay.sheet_layout(get_form(form_id))


def test_export_reads_back_as_the_same_records(any_db, tmp_path):
    load_sample(TOWN)
    result = export_return(unit_code=TOWN, period=P, out_dir=tmp_path, now=NOW)
    back = read_return(result.path)
    expected = canonical_data(unit_code=TOWN, period=P)
    assert back.data == expected
    assert back.computed_hash == back.stated_hash == result.content_hash == content_hash(expected)
    assert back.canonical_text == canonical_json(expected)  # what the hash is over, kept for the merge's record
    assert not back.edited_after_export and back.warnings == []
    assert (back.kind, back.unit_code, back.unit_name, back.parent_code, back.period, back.revision) == \
        ("return", TOWN, "环翠楼街道", DISTRICT, P, 1)
    assert back.return_uuid == result.return_uuid
    assert back.form_versions == {f.id: f.version for f in all_forms()}


@pytest.mark.parametrize("form_id", [f.id for f in all_forms()])
def test_every_form_round_trips(exported, form_id):
    back = read_return(exported.path)
    expected = canonical_data(unit_code=TOWN, period=P)[form_id]
    assert back.data[form_id] == expected
    assert any(any(v not in (None, "") for k, v in row.items() if k != "row_key") for row in expected)


def test_blank_figures_stay_blank_not_zero(month, tmp_path):
    # November: the 2023 bases are known but nothing is entered yet; blank must not read back as 0.
    result = export_return(unit_code=TOWN, period="2025-11", out_dir=tmp_path, now=NOW)
    back = read_return(result.path)
    figures = {r["row_key"]: r for r in back.data["figures"]}
    assert figures["appliance_recycling"]["current"] is None
    assert figures["appliance_recycling"]["base_2023"] == "10000"
    assert back.data == canonical_data(unit_code=TOWN, period="2025-11")
    assert not back.edited_after_export


def test_values_and_number_formats(exported):
    wb = openpyxl.load_workbook(exported.path)
    ev, lt = wb["表2"], _layout("events")
    first = lt.first_data_row + 1
    col = {c.field.key: c.index + 1 for c in lt.columns}
    assert ev.cell(first, col["date"]).value.date().isoformat() == "2025-10-05"
    assert ev.cell(first, col["date"]).number_format == 'yyyy"年"m"月"d"日"'
    assert ev.cell(first, col["name"]).value == "=1+1 金秋车展" and ev.cell(first, col["name"]).data_type == "s"
    assert ev.cell(first + 1, col["name"]).value == "@SUM(A1)"
    assert ev.cell(first, col["visitors"]).value == 1200 and ev.cell(first, col["visitors"]).number_format == "0"
    assert ev.cell(first, col["sales"]).value == 1234.5 and ev.cell(first, col["sales"]).number_format == "0.00"
    totals = first + 3
    assert ev.cell(totals, lt.total_label_column + 1).value == "合计"
    letter = openpyxl.utils.get_column_letter(col["visitors"])
    assert ev.cell(totals, col["visitors"]).value == f"=SUM({letter}{first}:{letter}{first + 2})"

    fig, lf = wb["表3"], _layout("figures")
    fcol = {c.field.key: c.index + 1 for c in lf.columns}
    rows = {r.key: lf.first_data_row + 1 + i for i, r in enumerate(get_form("figures").indicators)}
    assert fig.cell(rows["appliance_recycling"], fcol["current"]).number_format == "0"
    assert fig.cell(rows["equipment_investment"], fcol["current"]).number_format == "0.00"
    assert fig.cell(rows["equipment_investment"], fcol["current"]).value == 356.78
    assert fig.cell(rows["appliance_recycling"], fcol["vs_base"]).number_format == "0.0%"
    # 1200 this year against ten months of a 10000 base (10000 × 10 / 12)
    assert fig.cell(rows["appliance_recycling"], fcol["vs_base"]).value == pytest.approx(1200 / (10000 * 10 / 12) - 1)
    assert fig.cell(rows["appliance_recycling"], fcol["indicator"]).value == "废旧家电回收量"

    tasks, ltk = wb["表1"], _layout("tasks")
    tcol = {c.field.key: c.index + 1 for c in ltk.columns}
    row2 = ltk.first_data_row + 2
    assert tasks.cell(row2, tcol["percent"]).number_format == "0.0%"
    assert tasks.cell(row2, tcol["achieved"]).value == 6.5
    assert tasks.cell(row2, tcol["narrative"]).value == "=1+1" and tasks.cell(row2, tcol["narrative"]).data_type == "s"


def test_frame_headers_and_merged_ranges(exported):
    wb = openpyxl.load_workbook(exported.path)
    ws, lt = wb["表2"], _layout("events")
    merged = {str(r) for r in ws.merged_cells.ranges}
    last = openpyxl.utils.get_column_letter(len(lt.columns))
    title = lt.title_row + 1
    assert f"A{title}:{last}{title}" in merged
    assert ws.cell(title, 1).value == "威海市环翠区促消费活动开展情况"
    g, lab = lt.group_row + 1, lt.label_row + 1
    assert f"F{g}:J{g}" in merged and ws.cell(g, 6).value == "活动成效"  # the five 活动成效 columns
    for ungrouped in ("A", "B", "C", "D", "E", "K"):
        assert f"{ungrouped}{g}:{ungrouped}{lab}" in merged
    assert [ws.cell(lt.code_row + 1, c).value for c in range(1, 12)] == \
        ["甲", "乙", "丙", "丁", "戊", "1", "2", "3", "4", "5", "己"]
    assert ws.cell(lab, 6).value.replace("\n", "") == "参与企业（家）"
    assert ws.cell(1, 10).value == "表\u3000\u3000号：两新2表" and ws.cell(2, 10).value == "制定机关：两新工作专班"
    info = [ws.cell(lt.info_row + 1, c).value for c in range(1, 12) if ws.cell(lt.info_row + 1, c).value]
    assert info == ["填报单位（盖章）：环翠楼街道", "单位代码：371002001", "报告期：2025年10月", "计量单位：见各栏"]
    footer = [v for v in (ws.cell(lt.first_data_row + 5, c).value for c in range(1, 12)) if v]
    assert footer == ["单位负责人：王建国", "统计负责人：李明", "填表人：张晓红", "联系电话：0631-5201234",
                      "报出日期：2025年11月3日"]
    notes = [ws.cell(lt.first_data_row + 6 + i, 1).value for i in range(2)]
    assert notes[0].startswith("说明：1. 每场活动填一行") and notes[1].endswith(get_form("events").notes[1])


def test_frame_lines_that_fit_overflow_from_one_cell_instead_of_a_merge(exported):
    wb = openpyxl.load_workbook(exported.path)
    ws, lt = wb["表2"], _layout("events")
    merged = {r.min_row for r in ws.merged_cells.ranges if r.min_row == r.max_row and r.min_col != r.max_col}
    footer, notes = lt.first_data_row + 5, lt.first_data_row + 6  # 1-based: three events and the 合计 row
    assert footer in merged  # the centred items stay merged over their runs
    assert notes not in merged and notes + 1 not in merged  # one-line notes: no merge, no blank cells
    left, right = ws.cell(footer, 1), ws.cell(footer, len(lt.columns))
    assert left.value == "单位负责人：王建国" and left.alignment.horizontal == "left"
    assert right.value == "报出日期：2025年11月3日" and right.alignment.horizontal == "right"  # overflows leftwards
    note = ws.cell(notes, 1)
    assert note.value.startswith("说明：") and not note.alignment.wrap_text
    assert all(ws.cell(notes, c).value is None for c in range(2, len(lt.columns) + 1))


def test_frame_lines_too_long_for_one_line_stay_merged_and_wrap(tmp_path):
    from reports.xlsx_writer import ReturnHeader, SheetSpec, write_workbook

    form = get_form("events")
    long_note = "很长的说明，" * 40
    form = form.model_copy(update={"notes": (long_note,)})
    header = ReturnHeader(jurisdiction="威海市环翠区", unit_name="环翠楼街道" * 12, unit_code=TOWN, period=P)
    path = tmp_path / "long.xlsx"
    written = write_workbook(path, sheets=[SheetSpec(form, [])], header=header)[0]
    ws, lt = openpyxl.load_workbook(path)[written.name], written.layout
    ranges = {str(r) for r in ws.merged_cells.ranges}
    last = openpyxl.utils.get_column_letter(len(lt.columns))
    notes = written.last_row + 1
    assert f"A{notes}:{last}{notes}" in ranges and ws.cell(notes, 1).alignment.wrap_text
    assert ws.row_dimensions[notes].height > lay.row_height(1)
    info = lt.info_row + 1
    assert any(r.min_row == info and r.min_col == 1 for r in ws.merged_cells.ranges)  # the long unit name
    assert ws.cell(info, 1).value == "填报单位（盖章）：" + "环翠楼街道" * 12


@pytest.mark.parametrize("form_id", [f.id for f in all_forms()])
def test_print_setup(exported, form_id):
    form = get_form(form_id)
    ws = openpyxl.load_workbook(exported.path)[form.sheet_name]
    lt = _layout(form_id)
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    # one page wide by a computed scale: Excel ignores manual page breaks under "fit to"
    assert not (ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage)
    table = sum(lay.column_points(c.width) for c in lt.columns)
    assert 80 <= ws.page_setup.scale and table * ws.page_setup.scale / 100 <= lay.PAGE_WIDTH
    assert ws.print_title_rows == f"${lt.header_first_row + 1}:${lt.code_row + 1}"
    assert ws.freeze_panes == f"A{lt.first_data_row + 1}"
    assert "第 &P 页 共 &N 页" in ws.oddFooter.center.text
    assert ws.print_options.horizontalCentered
    assert 0.3 <= ws.page_margins.left <= 0.6 and 0.3 <= ws.page_margins.right <= 0.6
    widths = {i: d.width for d in ws.column_dimensions.values() for i in range(d.min, d.max + 1)}
    stored = [widths[c.index + 1] for c in lt.columns]
    assert all(0 <= s - c.width < 1 for s, c in zip(stored, lt.columns, strict=True))  # Excel adds its padding
    assert sum(c.width for c in lt.columns) <= lay.MAX_TABLE_WIDTH + len(lt.columns)
    # numbers, dates and choices never wrap: they print at their declared width (a narrower one shows ###)
    assert all(c.width == c.field.width for c in lt.columns if c.field.type != "text")
    cell = ws.cell(lt.first_data_row + 1, 1)
    assert cell.font.name == "宋体" and ws.cell(lt.title_row + 1, 1).font.b


@pytest.mark.parametrize("form_id", [f.id for f in all_forms()])
def test_exported_sheets_are_protected_without_password(exported, form_id):
    ws = openpyxl.load_workbook(exported.path)[get_form(form_id).sheet_name]
    assert ws.protection.sheet and not ws.protection.password
    lt = _layout(form_id)
    assert all(ws.cell(lt.first_data_row + 1, c.index + 1).protection.locked for c in lt.columns)


def test_metadata_sheet_and_document_properties(exported):
    wb = openpyxl.load_workbook(exported.path)
    assert wb[META_SHEET].sheet_state == "veryHidden"
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    expected_hash = content_hash(canonical_data(unit_code=TOWN, period=P))
    assert props["liangxin.kind"] == "return" and props["liangxin.unit_code"] == TOWN
    assert props["liangxin.unit_name"] == "环翠楼街道" and props["liangxin.parent_code"] == DISTRICT
    assert props["liangxin.period"] == P and props["liangxin.revision"] == "1"
    assert props["liangxin.return_uuid"] == exported.return_uuid
    assert props["liangxin.content_hash"] == expected_hash == exported.content_hash
    assert props["liangxin.forms"] == ",".join(f"{f.id}@{f.version}" for f in all_forms())
    assert props["liangxin.program_version"]
    meta_rows = [[c.value for c in row] for row in wb[META_SHEET].iter_rows()]
    assert meta_rows[0][:2] == ["liangxin-return", "1"]
    assert ["content_hash", expected_hash] in [r[:2] for r in meta_rows]
    assert [r[:4] for r in meta_rows if r[0] == "form"] == [["form", f.id, str(f.version), f.sheet_name]
                                                           for f in all_forms()]
    assert wb.properties.creator == "环翠楼街道"


def test_user_text_is_never_a_formula(exported):
    """Unzipped: '=1+1' and '@SUM(A1)' are shared strings; the only formulas are the 合计 SUMs."""
    with zipfile.ZipFile(exported.path) as zf:
        strings = zf.read("xl/sharedStrings.xml").decode("utf-8")
        sheets = {n: zf.read(n).decode("utf-8") for n in zf.namelist() if n.startswith("xl/worksheets/sheet")}
    assert "<t>=1+1</t>" in strings and "<t>@SUM(A1)</t>" in strings and "<t>=1+1 金秋车展</t>" in strings
    formulas = [f for xml in sheets.values() for f in re.findall(r"<f>(.*?)</f>", xml)]
    assert formulas and all(re.fullmatch(r"SUM\([A-Z]+\d+:[A-Z]+\d+\)", f) for f in formulas)
    assert not any("1+1" in f or "SUM(A1)" in f for f in formulas)


def test_totals_formulas_carry_their_values(exported):
    with zipfile.ZipFile(exported.path) as zf:
        xml = zf.read("xl/worksheets/sheet2.xml").decode("utf-8")
    cached = dict(re.findall(r"<f>(SUM\([^<]*\))</f><v>([^<]*)</v>", xml))
    assert sorted(cached.values(), key=float) == sorted(["20", "1870", "217", "1330.75", "28.6"], key=float)


def test_each_export_is_the_next_revision_and_recorded(month, tmp_path):
    out = tmp_path / "out"
    first = export_return(unit_code=TOWN, period=P, out_dir=out, now=NOW)
    save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="3", values={"status": "推进中", "narrative": "新"})
    second = export_return(unit_code=TOWN, period=P, out_dir=out, now=NOW)
    assert first.path.name == "两新月报_371002001_环翠楼街道_2025-10_r1.xlsx"
    assert second.path.name == return_file_name(TOWN, "环翠楼街道", P, 2)
    assert (first.revision, second.revision) == (1, 2) and first.content_hash != second.content_hash
    assert sorted(p.name for p in out.iterdir()) == sorted([first.path.name, second.path.name])
    records = list(m.ReturnRecord.select().order_by(m.ReturnRecord.revision))
    assert [(r.revision, r.status, r.source) for r in records] == [(1, "superseded", "export"), (2, "current", "export")]
    assert json.loads(records[1].payload) == canonical_data(unit_code=TOWN, period=P)
    assert records[1].content_hash == second.content_hash and records[1].file_name == second.path.name
    assert json.loads(records[1].form_ids) == [f"{f.id}@{f.version}" for f in all_forms()]
    assert records[0].uuid == first.return_uuid != second.return_uuid
    assert read_return(second.path).revision == 2


def test_a_long_unit_name_is_shortened_in_the_file_name_only(month, tmp_path):
    long_name = "环翠区" + "某某" * 60 + "街道"  # 125 characters, 375 bytes: over any file system's limit on a name
    m.OrgUnit.update(name=long_name).where(m.OrgUnit.code == TOWN).execute()
    exported = export_return(unit_code=TOWN, period=P, out_dir=tmp_path, now=NOW)
    assert exported.path.is_file() and len(exported.path.name.encode("utf-8")) < 255
    assert exported.path.name == f"两新月报_{TOWN}_{long_name[:40]}_{P}_r1.xlsx"
    assert read_return(exported.path).unit_name == long_name


def test_failed_export_leaves_no_file_and_no_record(month, tmp_path, monkeypatch):
    import reports.returns as returns

    before = table_snapshot()

    def refuse(src, dst):
        raise PermissionError(13, "the file is open in another program", str(dst))

    monkeypatch.setattr(returns.os, "replace", refuse)
    out = tmp_path / "out"
    with pytest.raises(DataError, match="无法写入（the file is open in another program）"):
        export_return(unit_code=TOWN, period=P, out_dir=out, now=NOW)
    assert list(out.iterdir()) == []  # neither the final name nor a partial file
    assert table_snapshot() == before


def test_edits_after_export_are_detected(exported):
    wb = openpyxl.load_workbook(exported.path)
    ws, lt = wb["表2"], _layout("events")
    ws.cell(lt.first_data_row + 1, lt.column("visitors").index + 1).value = 1300
    wb.save(exported.path)
    back = read_return(exported.path)
    assert back.edited_after_export and back.stated_hash == exported.content_hash != back.computed_hash
    assert back.data["events"][0]["visitors"] == 1300


def test_unwritable_folder_is_reported_in_the_users_words(month, tmp_path, capsys):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder should be", encoding="utf-8")
    assert main(["--db", str(month), "export", "--period", P, "--out", str(blocked / "sub")]) == 1
    assert "无法写入" in capsys.readouterr().err
    assert m.ReturnRecord.select().count() == 0


def test_cli_export_prints_the_path(month, tmp_path, capsys):
    out = tmp_path / "returns"
    assert main(["--db", str(month), "export", "--period", P, "--out", str(out)]) == 0
    printed = capsys.readouterr().out.strip()
    assert printed == str(out / "两新月报_371002001_环翠楼街道_2025-10_r1.xlsx")
    assert read_return(printed).unit_code == TOWN


def test_cli_export_refuses_unknown_unit_and_bad_period(month, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["--db", str(month), "export", "--period", "2025-13", "--out", str(out)]) == 1
    assert "应为月份" in capsys.readouterr().err
    assert main(["--db", str(month), "export", "--period", P, "--out", str(out), "--unit-code", "nope"]) == 1
    assert "没有单位 nope" in capsys.readouterr().err
    assert not out.exists() or list(out.iterdir()) == []


def test_dates_in_the_frame_follow_the_period(exported):
    first, last = period_bounds(P)
    ws = openpyxl.load_workbook(exported.path)["表2"]
    dates = [ws.cell(r, 1).value.date() for r in range(_layout("events").first_data_row + 1,
                                                         _layout("events").first_data_row + 4)]
    assert all(first <= d <= last for d in dates)


def test_event_dated_outside_the_period_reads_back_with_a_warning(month, tmp_path):
    save_row(unit_code=TOWN, period=P, form_id="events", row_key=None,
         values={"date": "2025-09-30", "type": "其他", "name": "九月底的活动"})
    back = read_return(export_return(unit_code=TOWN, period=P, out_dir=tmp_path / "out", now=NOW).path)
    assert back.data == canonical_data(unit_code=TOWN, period=P)  # read as it is: the merge's checks decide
    lt = _layout("events")
    assert [(w.sheet, w.cell, w.message) for w in back.warnings] == [
        ("表2", f"A{lt.first_data_row + 1}", "举办日期 2025-09-30 不在报告期 2025-10 内")]


def test_top_right_lines_come_from_settings_and_shift_nothing_for_the_reader(month, tmp_path):
    from models.units import set_setting

    set_setting("report_approval_no", "威统字〔2025〕12号")
    set_setting("report_valid_until", "2026年12月")
    result = export_return(unit_code=TOWN, period=P, out_dir=tmp_path / "out", now=NOW)
    ws = openpyxl.load_workbook(result.path)["表1"]
    lines = [next(c.value for c in ws[r] if c.value) for r in range(1, 5)]
    assert lines == ["表\u3000\u3000号：两新1表", "制定机关：两新工作专班", "批准文号：威统字〔2025〕12号", "有效期至：2026年12月"]
    assert ws.cell(5, 1).value.startswith("威海市环翠区")  # the title moved down two rows
    assert read_return(result.path).data == canonical_data(unit_code=TOWN, period=P)


def test_stale_partial_files_are_swept_but_fresh_ones_kept(tmp_path):
    import os
    import time

    from reports.xlsx_writer import STALE_PARTIAL_SECONDS, partial_path

    stale, fresh = tmp_path / ".old.1.partial", tmp_path / ".busy.2.partial"
    stale.write_bytes(b"killed export"), fresh.write_bytes(b"export in progress")
    old = time.time() - STALE_PARTIAL_SECONDS - 60
    os.utime(stale, (old, old))
    partial_path(tmp_path / "两新月报.xlsx")
    assert not stale.exists() and fresh.exists()


def test_a_table_too_wide_for_the_page_gives_way_in_its_text_columns():
    tasks = get_form("tasks")
    declared = [f.width for f in tasks.fields]
    assert sum(declared) > lay.MAX_TABLE_WIDTH  # the case at hand: 表1 is wider than A4 holds
    fitted = lay.fit_widths(tasks.fields)
    assert sum(fitted) <= lay.MAX_TABLE_WIDTH + 1
    for field, was, now in zip(tasks.fields, declared, fitted, strict=True):
        if field.type == "text":
            assert lay.MIN_COLUMN_WIDTH <= now < was
        else:
            assert now == was, field.key
    # when the columns that do not wrap leave the text too little room, every column shrinks alike
    squeezed = lay.fit_widths(tasks.fields, max_total=60)
    assert all(now < was or now == lay.MIN_COLUMN_WIDTH for was, now in zip(declared, squeezed, strict=True))
    assert lay.fit_widths(tasks.fields, max_total=1000) == declared  # a table that fits keeps its widths


@pytest.mark.parametrize("form_id", [f.id for f in all_forms()])
def test_dates_and_rates_fit_their_columns_with_a_substitute_font(form_id):
    # The longest a date or a rate prints, plus the room a substitute for 宋体 takes (its digits are wider than
    # half a CJK character): narrower, WPS and LibreOffice print ### instead of the value.
    longest = {"date": "2025年12月31日", "percent": "-100.0%"}
    for col in _layout(form_id).columns:
        if col.field.type in longest:
            assert col.width >= 1.15 * lay.display_width(longest[col.field.type]), col.field.key


def test_wrapped_text_is_given_rather_a_line_too_many():
    width = 17.5
    full = "一" * 8 + "2"  # exactly as wide as the column by count: a substitute font or a line break spills it
    assert lay.display_width(full) == width - 0.5 and lay.text_lines(full, width) == 2
    assert lay.text_lines("一" * 7, width) == 1 and lay.text_lines("第一行\n第二行", width) == 2
