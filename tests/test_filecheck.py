"""The check every returned file passes before a parser reads it: a whole .xlsx, within limits, no DTDs."""

from __future__ import annotations

import signal
import struct
import tracemalloc
import zipfile
from contextlib import contextmanager

import openpyxl
import pytest
import xlsxwriter

from reports.filecheck import LIMITS, FileRejected, Limits, check_file
from tests.hostile_corpus import (
    BILLION_LAUGHS,
    SHEET,
    STRINGS,
    XXE,
    Entry,
    _append_row,
    _in_part,
    build_zip,
    overlapping_bomb,
    parts_of,
    rezip,
    sub_part,
    zip_bomb,
)


@pytest.fixture
def workbook(tmp_path):
    """A small workbook written by xlsxwriter (as the program writes returns)."""
    path = tmp_path / "book.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("表1")
    for r in range(30):
        for c in range(12):
            ws.write(r, c, f"{r}-{c}" if c % 2 else r * c)
    wb.add_worksheet("空表")
    wb.close()
    return path


@contextmanager
def bounded(seconds: int = 60):
    """A generous guard against a hang (not a timing assertion), and the peak of Python memory used."""
    def stop(*_):
        raise TimeoutError(f"no answer within {seconds} s")
    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    tracemalloc.start()
    peak = {}
    try:
        yield peak
    finally:
        peak["bytes"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def rejected(path, limits: Limits = LIMITS) -> str:
    with pytest.raises(FileRejected) as exc:
        check_file(path, limits=limits)
    [problem] = exc.value.problems
    assert problem.file == str(path) and problem.sheet == "" and problem.cell == ""
    assert str(problem).startswith(path.name + ": ")
    return problem.message


def test_a_real_workbook_passes_and_its_sheets_are_measured(workbook):
    check = check_file(workbook)
    assert check.size == workbook.stat().st_size
    assert {"[Content_Types].xml", "xl/workbook.xml", SHEET} <= {p.name for p in check.parts}
    extent = check.sheets[SHEET]
    assert (extent.rows, extent.columns, extent.cells) == (30, 12, 360)
    assert (check.sheets["xl/worksheets/sheet2.xml"].rows, check.sheets["xl/worksheets/sheet2.xml"].cells) == (0, 0)


def test_openpyxl_files_and_zip64_records_pass(tmp_path, workbook):
    book = openpyxl.Workbook()
    book.active["C7"] = "填报"
    book.save(tmp_path / "o.xlsx")
    assert check_file(tmp_path / "o.xlsx").sheets[SHEET].rows == 7
    with zipfile.ZipFile(tmp_path / "z64.xlsx", "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts_of(workbook.read_bytes()):
            with zf.open(name, "w", force_zip64=True) as f:
                f.write(data)
    assert check_file(tmp_path / "z64.xlsx").sheets[SHEET].cells == 360
    # The end record moved into a zip64 record, as writers do for huge archives.
    data = workbook.read_bytes()
    eocd = data.rindex(b"PK\x05\x06")
    _, _, _, _, count, cd_size, cd_offset, _ = struct.unpack("<4s4H2LH", data[eocd:eocd + 22])
    z64 = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, cd_size, cd_offset)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, eocd, 1)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    (tmp_path / "eocd64.xlsx").write_bytes(data[:eocd] + z64 + locator + end)
    assert check_file(tmp_path / "eocd64.xlsx").sheets[SHEET].cells == 360


def test_truncated_files_and_renamed_text_are_refused_with_reasons(tmp_path, workbook):
    data = workbook.read_bytes()
    for cut in (len(data) // 3, len(data) - 1, len(data) - 30):
        path = tmp_path / f"cut{cut}.xlsx"
        path.write_bytes(data[:cut])
        assert "不完整" in rejected(path)
    text = tmp_path / "report.xlsx"
    text.write_text("环翠楼街道 10月 报表\n已完成", encoding="utf-8")
    assert "文本文件改了扩展名" in rejected(text)
    missing = tmp_path / "nothere.xlsx"
    assert "文件不存在" in rejected(missing)
    assert "这是文件夹，不是文件" in rejected(tmp_path)


def test_zip_bombs_are_refused_quickly_with_bounded_memory(tmp_path, workbook):
    base = workbook.read_bytes()
    for name, data, reason in (("declared", zip_bomb(base, 512), "解压后过大"),
                               ("lying", zip_bomb(base, 256, lie=True), "超过其声明的大小"),
                               ("overlap", overlapping_bomb(base), "重叠")):
        path = tmp_path / f"bomb-{name}.xlsx"
        path.write_bytes(data)
        with bounded() as peak:
            assert reason in rejected(path)
        assert peak["bytes"] < 8 * 1024 * 1024, f"{name}: {peak['bytes']:,} bytes"


def test_entity_bombs_and_external_entities_are_refused_before_any_parser(tmp_path, workbook, monkeypatch):
    import xml.etree.ElementTree as ET

    calls = []
    monkeypatch.setattr(ET, "fromstring", lambda *a, **k: calls.append(a) or pytest.fail("parsed a DTD"))
    strings_book = tmp_path / "strings.xlsx"
    wb = xlsxwriter.Workbook(str(strings_book))
    wb.add_worksheet().write_string(0, 0, "文本")
    wb.close()
    base = strings_book.read_bytes()
    for name, data in (("laughs", _in_part(base, STRINGS, BILLION_LAUGHS, b"&lol9;")),
                       ("xxe", _in_part(base, STRINGS, XXE, b"&xxe;")),
                       ("types", _in_part(base, "[Content_Types].xml", b"<!DOCTYPE Types SYSTEM 'http://x/'>"))):
        path = tmp_path / f"{name}.xlsx"
        path.write_bytes(data)
        with bounded() as peak:
            assert "DOCTYPE" in rejected(path)
        assert peak["bytes"] < 8 * 1024 * 1024
    assert calls == []


def test_cells_past_excel_limits_or_spanning_too_far_are_refused(tmp_path, workbook):
    base = workbook.read_bytes()
    cases = {
        b'<row r="1048577"/>': "超出 Excel",
        b'<row r="40"><c r="A1048577"/></row>': "超出 Excel",
        b'<row r="40"><c r="XFE40"/></row>': "超出 Excel",
        b'<row r="1048576"><c r="XFD1048576"/></row>': "范围过大",
        b'<row r="40"><c r="ZZ40" t="s"><v>0</v></c></row><row r="99999"/>': "范围过大",
        b'<row r="x"/>': "无效的行号",
    }
    for i, (row, reason) in enumerate(cases.items()):
        path = tmp_path / f"far{i}.xlsx"
        path.write_bytes(_append_row(base, row))
        assert reason in rejected(path), row


def test_rows_and_cells_without_addresses_are_followed_one_by_one(tmp_path):
    sheet = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet><sheetData>'
             + b"<row>" + b"<c><v>1</v></c>" * 30 + b"</row>" + b"<row/>" * 50 + b'<row><c r="B2"/><c/></row>'
             + b"</sheetData></worksheet>")
    types = (b'<Types><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
             b'officedocument.spreadsheetml.sheet.main+xml"/></Types>')
    path = tmp_path / "plain.xlsx"
    path.write_bytes(build_zip([Entry("[Content_Types].xml", types), Entry("xl/workbook.xml", b"<workbook/>"),
                                Entry(SHEET, sheet)]))
    extent = check_file(path).sheets[SHEET]
    assert (extent.rows, extent.columns, extent.cells) == (52, 30, 32)  # rows counted on; the cells sit at B2, C2
    assert "没有地址" in rejected(path, Limits(max_unaddressed=40))


def test_limits_can_be_tightened(workbook):
    assert "文件过大" in rejected(workbook, Limits(max_file_bytes=1000))
    assert "文件过多" in rejected(workbook, Limits(max_entries=3))
    assert "范围过大" in rejected(workbook, Limits(max_sheet_cells=100))
    assert "解压后过大" in rejected(workbook, Limits(max_part_bytes=1000))


def test_cells_and_rows_written_with_a_tab_or_line_break_are_measured_too(tmp_path, workbook):
    """XML allows any whitespace after a tag's name; a reader honours such a cell, so the check must count it."""
    base = workbook.read_bytes()
    for i, row in enumerate((b'<row r="100"><c\tr="XFD100"><v>5</v></c></row>',
                             b'<row\tr="100"><c\nr="XFD100"><v>5</v></c></row>',
                             b'<row\r\nr="1048576"><c\r\nr="XFD1048576"/></row>')):
        path = tmp_path / f"ws{i}.xlsx"
        path.write_bytes(_append_row(base, row))
        assert "范围过大" in rejected(path), row
    path = tmp_path / "fine.xlsx"
    path.write_bytes(_append_row(base, b'<row\tr="40"\tspans="1:2"><c\tr="B40"\tt="n"><v>5</v></c></row>'))
    extent = check_file(path).sheets[SHEET]
    assert (extent.rows, extent.columns, extent.cells) == (40, 12, 361)


def test_a_sheet_written_with_a_namespace_prefix_is_measured(tmp_path, workbook):
    """Readers accept <x:sheetData>, <x:row>, <x:c> as well; such a sheet is measured like any other."""
    prefixed = (b'<x:sheetData xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b'<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>'
                b'<x:row r="100"><x:c r="XFD100"><x:v>5</x:v></x:c></x:row></x:sheetData>')
    path = tmp_path / "prefixed.xlsx"
    path.write_bytes(sub_part(workbook.read_bytes(), SHEET, rb"<sheetData>.*</sheetData>", prefixed))
    assert "范围过大" in rejected(path)
    path.write_bytes(sub_part(workbook.read_bytes(), SHEET, rb"<sheetData>.*</sheetData>",
                              prefixed.replace(b"XFD100", b"B100")))
    extent = check_file(path).sheets[SHEET]
    assert (extent.rows, extent.columns, extent.cells) == (100, 2, 2)


def strings_workbook(tmp_path):
    path = tmp_path / "strings.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet().write_string(0, 0, "文本")
    wb.close()
    return path.read_bytes()


def test_a_dtd_is_looked_for_where_xml_allows_one_before_the_root_element(tmp_path):
    """Comments, processing instructions and white space before the root do not hide a DOCTYPE; one after it
    makes the part malformed XML, which the parsers refuse (the check itself parses [Content_Types].xml)."""
    base = strings_workbook(tmp_path)
    hidden = {
        "after-comment": _in_part(base, STRINGS, b"<!-- made by a tool -->\n" + BILLION_LAUGHS, b"&lol9;"),
        "after-pi": _in_part(base, STRINGS, b'<?mso-application progid="Excel.Sheet"?>' + XXE, b"&xxe;"),
        "comment-then-lowercase": _in_part(base, STRINGS, b"<!---->\r\n<!doctype sst [<!ENTITY a 'b'>]>"),
        # No XML declaration, and more white space than one inflated chunk (64 KB) before the DOCTYPE.
        "after-white-space": rezip(base, lambda n, d: b" \n" * 40_000 + XXE + d[d.index(b"?>") + 2:]
                                   if n == STRINGS else d),
    }
    for name, data in hidden.items():
        path = tmp_path / f"{name}.xlsx"
        path.write_bytes(data)
        assert "DOCTYPE" in rejected(path), name
    inside = tmp_path / "inside.xlsx"
    inside.write_bytes(sub_part(base, "[Content_Types].xml", rb"(<Types[^>]*>)", rb"\1<!DOCTYPE t [<!ENTITY a 'b'>]>"))
    assert "不是有效的 XML" in rejected(inside)
    long_prolog = tmp_path / "long-prolog.xlsx"
    long_prolog.write_bytes(_in_part(base, STRINGS, b"<!--" + b"-" * 150_000 + b"x-->" + XXE))
    assert "超长" in rejected(long_prolog)
    mentioned = tmp_path / "mentioned.xlsx"  # a comment that only mentions a DOCTYPE declares nothing
    mentioned.write_bytes(_in_part(base, STRINGS, b"<!-- no <!DOCTYPE here -->"))
    assert check_file(mentioned).size == mentioned.stat().st_size


def test_a_sheet_after_much_white_space_is_still_measured(tmp_path, workbook):
    """A part that starts with more white space than one inflated chunk is still read as XML and measured."""
    data = _append_row(workbook.read_bytes(), b'<row r="100"><c r="XFD100"><v>5</v></c></row>')
    path = tmp_path / "padded.xlsx"
    path.write_bytes(rezip(data, lambda n, d: b"\n" * 100_000 + d[d.index(b"?>") + 2:] if n == SHEET else d))
    assert "范围过大" in rejected(path)
