"""Formula cells saved without their result are refused by name; formulas with a result read as that result."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest
from xlsxwriter.utility import xl_rowcol_to_cell

from forms import get_form
from reports import xlsx_layout as lay
from reports.filecheck import check_file
from reports.merge import merge
from reports.xlsx_formulas import missing_results, sheet_parts
from reports.xlsx_reader import ReturnReadError, read_return
from tests.hostile_corpus import FIGURES_SHEET, SHEET, parts_of, rezip, sub_part
from tests.merge_samples import TOWNS, P, export_months, month, refusals, snapshot_but_audit

RESULT = "单元格是公式（=SUM(C5:C6)），但文件里没有保存它的计算结果；请在 Excel 或 WPS 中打开、重新计算并保存后再报送"


@pytest.fixture
def exported(district_db, tmp_path):
    """A real return of the first township, exported from its own database."""
    [path] = export_months(tmp_path / "returns", [(next(iter(TOWNS)), P, month(0))])
    return path


def first_figure() -> str:
    """The cell of 表3's first 本期 figure (1200 in the sample month)."""
    layout = lay.sheet_layout(get_form("figures"))
    return xl_rowcol_to_cell(layout.first_data_row, layout.column("current").index)


def with_cell(path, target, content: bytes, *, part: str = FIGURES_SHEET, cell: str | None = None):
    """Write a copy of the return whose cell (表3's first figure by default) holds content (<f>, <v>…) instead."""
    cell = cell or first_figure()
    pattern = rb'<c r="' + cell.encode() + rb'"( s="\d+")?(?: t="\w+")?(?:/>|>.*?</c>)'
    assert re.search(pattern, dict(parts_of(path.read_bytes()))[part]), cell
    data = sub_part(path.read_bytes(), part, pattern, rb'<c r="' + cell.encode() + rb'"\1>' + content + b"</c>")
    target.write_bytes(data)
    return target


def problems_of(path) -> list[tuple[str, str, str]]:
    with pytest.raises(ReturnReadError) as exc:
        read_return(path)
    return [(p.sheet, p.cell, p.message) for p in exc.value.problems]


@pytest.mark.parametrize("content", [b"<f>SUM(C5:C6)</f>", b"<f>SUM(C5:C6)</f><v/>", b"<f>SUM(C5:C6)</f><v></v>",
                                     b"<f>SUM(C5:C6)</f>\n  <v></v>"], ids=["no-v", "empty-v", "empty-v-pair",
                                                                             "spaced"])
def test_a_formula_saved_without_its_result_is_refused_naming_sheet_and_cell(exported, tmp_path, content):
    path = with_cell(exported, tmp_path / "formula.xlsx", content)
    assert problems_of(path) == [("表3", first_figure(), RESULT)]


def test_a_shared_formula_without_its_result_is_refused_too(exported, tmp_path):
    # The cells sharing a formula hold only <f t="shared" si=".."/>: they need their own result as much.
    path = with_cell(exported, tmp_path / "shared.xlsx", b'<f t="shared" si="0"/>')
    [(sheet, cell, message)] = problems_of(path)
    assert (sheet, cell) == ("表3", first_figure())
    assert message.startswith("单元格是公式，但文件里没有保存它的计算结果")


@pytest.mark.parametrize("content", [b"<f>SUM(C5:C6)</f><v>1500</v>", b'<f t="shared" si="0"/><v>1500</v>',
                                     b"<f>SUM(C5:C6)</f>\n  <v>1500</v>"], ids=["plain", "shared", "spaced"])
def test_a_formula_with_its_result_reads_the_result(exported, tmp_path, content):
    back = read_return(with_cell(exported, tmp_path / "formula.xlsx", content))
    assert {r["row_key"]: r["current"] for r in back.data["figures"]}["appliance_recycling"] == "1500"
    assert back.edited_after_export  # 1200 became 1500: the merge flags it, as any edit


def test_a_return_re_saved_by_openpyxl_still_reads(exported, tmp_path):
    # openpyxl keeps the 合计 row's SUMs but drops their results; the reader never takes that row.
    wb = openpyxl.load_workbook(exported)
    wb.save(tmp_path / "resaved.xlsx")
    totals = re.findall(rb"<c [^>]*><f>SUM[^<]*</f><v\s*/>", dict(parts_of((tmp_path / "resaved.xlsx").read_bytes()))[
        "xl/worksheets/sheet2.xml"])
    assert totals, "the re-saved 表2 should carry its totals without results"
    back = read_return(tmp_path / "resaved.xlsx")
    assert back.data == read_return(exported).data and not back.edited_after_export


def test_a_typed_formula_in_a_re_saved_return_is_refused(exported, tmp_path):
    wb = openpyxl.load_workbook(exported)
    wb["表3"][first_figure()] = "=SUM(C5:C6)"  # what a script does; openpyxl computes nothing
    wb.save(tmp_path / "typed.xlsx")
    assert problems_of(tmp_path / "typed.xlsx") == [("表3", first_figure(), RESULT)]


def test_sheets_are_found_by_the_workbooks_relationships_not_by_the_parts_order(exported, tmp_path):
    # 表1 and 表3 swap their parts: the formula now lives in sheet1.xml, and is still named on 表3.
    path = with_cell(exported, tmp_path / "formula.xlsx", b"<f>SUM(C5:C6)</f>")
    swap = {SHEET: FIGURES_SHEET, FIGURES_SHEET: SHEET}
    parts = dict(parts_of(path.read_bytes()))
    rels = "xl/_rels/workbook.xml.rels"
    swapped = rezip(path.read_bytes(), lambda name, data: parts[swap[name]] if name in swap else (
        data.replace(b"worksheets/sheet1.xml", b"@").replace(b"worksheets/sheet3.xml", b"worksheets/sheet1.xml")
        .replace(b"@", b"worksheets/sheet3.xml") if name == rels else data))
    (tmp_path / "swapped.xlsx").write_bytes(swapped)
    with zipfile.ZipFile(io.BytesIO(swapped)) as zf:
        assert sheet_parts(zf)["表3"] == SHEET
    assert problems_of(tmp_path / "swapped.xlsx") == [("表3", first_figure(), RESULT)]


def test_the_merge_rejects_the_file_with_that_reason_and_changes_nothing(exported, tmp_path):
    path = with_cell(exported, tmp_path / "formula.xlsx", b"<f>SUM(C5:C6)</f>")
    before, refused = snapshot_but_audit(), len(refusals())
    [result] = merge([path], user="审核员甲")
    assert result.verdict == "rejected"
    assert f"formula.xlsx: 表3!{first_figure()}: {RESULT}" in result.reasons
    assert snapshot_but_audit() == before
    assert len(refusals()) == refused + 1


def test_prefixed_tags_cells_without_addresses_and_left_out_rows(tmp_path):
    # The format allows a namespace prefix on every tag and cells without r="…"; the left-out row is the 合计 row.
    path = tmp_path / "prefixed.xlsx"
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("xl/workbook.xml", f'<x:workbook xmlns:x="{main}" xmlns:rr="{rel}"><x:sheets>'
                                       '<x:sheet name="甲" sheetId="1" rr:id="a"/></x:sheets></x:workbook>')
        zf.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/'
                                                  '2006/relationships"><Relationship Id="a" Type="worksheet" '
                                                  'Target="/xl/worksheets/other.xml"/></Relationships>')
        zf.writestr("xl/worksheets/other.xml", f'<x:worksheet xmlns:x="{main}"><x:sheetData>'
                    '<x:row r="2"><x:c><x:v>1</x:v></x:c><x:c><x:f>A2*2</x:f></x:c></x:row>'
                    '<x:row><x:c r="C3"><x:f>A2</x:f><x:v>1</x:v></x:c><x:c><x:f>A2+1</x:f><x:v/></x:c></x:row>'
                    '<x:row><x:c><x:f>SUM(B2:B3)</x:f></x:c></x:row>'
                    '<x:row r="9"><x:c r="B9" t="str"><x:f>""</x:f><x:v></x:v></x:c></x:row>'
                    '</x:sheetData><x:extLst><xm:f xmlns:xm="m">甲!A1</xm:f></x:extLst></x:worksheet>')
    found = [(p.sheet, p.cell, p.message.split("，")[0]) for p in missing_results(path, {"甲": (3,)})]
    assert found == [("甲", "B2", "单元格是公式（=A2*2）"), ("甲", "D3", "单元格是公式（=A2+1）")]


def test_with_the_file_check_the_reader_finds_the_same(exported, tmp_path, monkeypatch):
    import reports.xlsx_formulas as xf

    files = {"as exported": exported,
             "without result": with_cell(exported, tmp_path / "without.xlsx", b"<f>SUM(C5:C6)</f>"),
             "with result": with_cell(exported, tmp_path / "with.xlsx", b"<f>SUM(C5:C6)</f><v>1500</v>")}

    def outcome(path, **kwargs):
        try:
            return read_return(path, **kwargs).data
        except ReturnReadError as exc:
            return [str(p) for p in exc.problems]

    alone = {name: outcome(path) for name, path in files.items()}
    checks = {name: check_file(path) for name, path in files.items()}
    assert checks["without result"].sheets[FIGURES_SHEET].formulas == 1
    assert checks["without result"].sheets[FIGURES_SHEET].with_results == 0
    assert {name: outcome(path, checked=checks[name]) for name, path in files.items()} == alone
    # Where the check counted a result after every formula, the reader does not open the zip again.
    monkeypatch.setattr(xf, "sheet_parts", None)
    assert outcome(exported, checked=checks["as exported"]) == alone["as exported"]
    assert outcome(files["with result"], checked=checks["with result"]) == alone["with result"]
