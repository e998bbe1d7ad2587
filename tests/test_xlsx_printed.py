"""The 单位代码 and 报告期 printed on every sheet of a return must be the return's own."""

from __future__ import annotations

import re

import pytest

from reports.xlsx_reader import ReturnReadError, read_return
from tests.hostile_corpus import STRINGS, parts_of, sub_part
from tests.merge_samples import TOWNS, P, export_months, month

EVENTS_SHEET = "xl/worksheets/sheet2.xml"  # 表2
FIGURES_SHEET = "xl/worksheets/sheet3.xml"  # 表3


@pytest.fixture
def exported(district_db, tmp_path):
    """A real return of the first township for 2025-10, exported from its own database."""
    [path] = export_months(tmp_path / "returns", [(next(iter(TOWNS)), P, month(0))])
    return path


def printed_cell(xlsx: bytes, part: str, text: str) -> str:
    """The address of the cell of a sheet part that shows this shared string."""
    strings = [re.sub(rb"<[^>]+>", b"", si).decode() for si in re.findall(rb"<si>(.*?)</si>", dict(parts_of(xlsx))[STRINGS],
                                                                         re.S)]
    index = strings.index(text)
    m = re.search(rb'<c r="([A-Z]+\d+)"[^>]*t="s"><v>%d</v></c>' % index, dict(parts_of(xlsx))[part])
    assert m, (part, text)
    return m[1].decode()


def retyped(path, target, part: str, old: str, new: str | None) -> tuple:
    """Copy the return with one sheet's cell showing `old` made to show `new` (an inline string; None: emptied)."""
    xlsx = path.read_bytes()
    cell = printed_cell(xlsx, part, old)
    replacement = (b'<c r="%s"\\1 t="inlineStr"><is><t>%s</t></is></c>' % (cell.encode(), new.encode())
                   if new is not None else b'<c r="%s"\\1/>' % cell.encode())
    target.write_bytes(sub_part(xlsx, part, rb'<c r="%s"( s="\d+")? t="s"><v>\d+</v></c>' % cell.encode(), replacement))
    return target, cell


def problems_of(path) -> list[tuple[str, str, str]]:
    with pytest.raises(ReturnReadError) as exc:
        read_return(path)
    return [(p.sheet, p.cell, p.message) for p in exc.value.problems]


def test_a_sheet_printed_for_another_month_is_refused_naming_it(exported, tmp_path):
    assert read_return(exported).period == P  # as exported, every sheet says 2025年10月
    path, cell = retyped(exported, tmp_path / "september.xlsx", EVENTS_SHEET, "报告期：2025年10月", "报告期：2025年9月")
    assert problems_of(path) == [("表2", cell, "表上印的报告期 2025年9月 与报表记载的报告期 2025年10月 不一致")]


def test_a_sheet_printed_for_another_unit_is_refused_naming_it(exported, tmp_path):
    # Not the first sheet: every sheet's code is compared.
    path, cell = retyped(exported, tmp_path / "unit.xlsx", FIGURES_SHEET, "单位代码：371002001", "单位代码：371002002")
    assert problems_of(path) == [("表3", cell, "表上印的单位代码 371002002 与报表记载的单位 371002001 不一致")]


@pytest.mark.parametrize("new", ["报告期：十月", "报告期：", None], ids=["no-month", "blank", "missing"])
def test_a_sheet_whose_printed_month_cannot_be_read_is_read_as_before(exported, tmp_path, new):
    path, _ = retyped(exported, tmp_path / "unreadable.xlsx", EVENTS_SHEET, "报告期：2025年10月", new)
    back = read_return(path)
    assert back.period == P and back.data == read_return(exported).data
