"""Find formula cells saved without their result: the spreadsheet library reads them as blank.

Excel, WPS and LibreOffice save each formula with its last result (``<f>SUM(C5:C6)</f><v>12</v>``), and the
reader takes that result. A file written by a script, by openpyxl or by some other tools holds the formula
alone (no ``<v>``, or an empty one): read as it is, a township's figure would silently become blank. So the
sheets the reader reads are streamed from the zip and every formula cell without a result is named.

Most formulas are written as ``<f>…</f><v>…</v>``: a few regex counts per chunk see that every formula has
its result. Anything else (namespace prefixes, white space, an empty or missing ``<v>``) takes the exact
path, an XML parser following each cell, which never builds a tree (memory stays flat on large sheets).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree import ElementTree
from xml.parsers import expat

from xlsxwriter.utility import xl_cell_to_rowcol, xl_rowcol_to_cell

from reports.returnfile import CellProblem

if TYPE_CHECKING:
    from reports.filecheck import FileCheck

WORKBOOK = "xl/workbook.xml"  # where the spreadsheet library itself looks for them
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
MAX_CELLS = 100  # cells named per sheet; the rest are counted
MAX_BUFFER = 1024 * 1024  # a fast-path buffer larger than this (one huge tag) takes the exact path
_CHUNK = 64 * 1024
_FORMULA_SHOWN = 60  # characters of a formula quoted in a message
_PREFIX = rb"(?:[A-Za-z_][\w.\-]*:)?"
# An 'f' ending a tag's name: after '<' or a prefix's ':', every <f> tag is one (a few other bytes too, which only
# send the sheet to the exact path). A pattern starting with a letter is searched at C speed, unlike "<" + _PREFIX.
_F_NAME = re.compile(rb"f[\s/>]")
# A formula followed by a result that is not empty: each match holds exactly one of the tags above.
_WITH_RESULT = re.compile(rb"<f(?:\s[^>]*)?(?:/>|>[^<]*</f>)<v>[^<\s]")
_SHEET_DATA_END = re.compile(rb"</" + _PREFIX + rb"sheetData\s*>")  # after it only extLst, whose <xm:f> are no cells
_ADDRESS = re.compile(r"^([A-Z]{1,3})(\d{1,7})$")
_UNREADABLE = (zipfile.BadZipFile, KeyError, OSError, EOFError, zlib.error, RuntimeError, NotImplementedError,
               ValueError, expat.ExpatError, ElementTree.ParseError)


def missing_results(path: str | Path, sheets: Mapping[str, Collection[int]], *,
                    checked: FileCheck | None = None) -> list[CellProblem]:
    """Name every formula cell of these sheets saved without its result; sheets maps a name to the rows (0-based) left out.

    checked is the file check of the same file, when it was just made: it counted the formulas on its way.
    """
    if checked is not None and all(e.formulas == e.with_results for e in checked.sheets.values()):
        return []  # every sheet's formulas have their results (the usual case): the zip is not opened again
    path = Path(path)
    problems: list[CellProblem] = []
    try:
        with zipfile.ZipFile(path) as zf:
            parts = sheet_parts(zf)
            for name, skipped in sheets.items():
                part = parts.get(name)
                if part is None:
                    problems.append(CellProblem(str(path), name, "", "在文件中找不到这张工作表的内容，无法检查其中的公式"))
                    continue
                try:
                    problems += _sheet_problems(path, zf, name, part, set(skipped))
                except _UNREADABLE as exc:
                    problems.append(CellProblem(str(path), name, "", f"工作表的内容无法检查（{_reason(exc)}）；"
                                                                     "请用 Excel 或 WPS 打开、另存后重新发送"))
    except _UNREADABLE as exc:
        problems.append(CellProblem(str(path), "", "", f"无法检查工作表中的公式（{_reason(exc)}）"))
    return problems


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Map each sheet's name to its part in the zip, as xl/workbook.xml and its relationships say (not by order)."""
    targets = {}
    for rel in ElementTree.fromstring(zf.read(WORKBOOK_RELS)):
        if rel.tag.rsplit("}", 1)[-1] == "Relationship" and rel.get("Id") and rel.get("Target"):
            targets[rel.get("Id")] = _part_name(rel.get("Target"))
    out = {}
    for el in ElementTree.fromstring(zf.read(WORKBOOK)).iter():
        if el.tag.rsplit("}", 1)[-1] != "sheet":
            continue
        # r:id, whatever prefix (and transitional or strict namespace) the relationships namespace has
        rid = next((v for k, v in el.attrib.items() if k.startswith("{") and k.endswith("}id")), None)
        if el.get("name") is not None and rid in targets:
            out[el.get("name")] = targets[rid]
    return out


def _part_name(target: str) -> str:
    """A relationship's target as a zip member name: absolute from the package root, else relative to xl/."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join("xl", target))


def _sheet_problems(path: Path, zf: zipfile.ZipFile, sheet: str, part: str, skipped: set[int]) -> list[CellProblem]:
    if _all_have_results(zf, part):
        return []
    cells = _Cells(skipped)
    cells.parse(zf, part)
    problems = []
    for cell, formula in cells.found:
        shown = f"（={formula}）" if formula else ""
        problems.append(CellProblem(str(path), sheet, cell, f"单元格是公式{shown}，但文件里没有保存它的计算结果；"
                                                            "请在 Excel 或 WPS 中打开、重新计算并保存后再报送"))
    if cells.more:
        problems.append(CellProblem(str(path), sheet, "", f"另有 {cells.more} 个公式单元格同样没有保存计算结果"))
    return problems


def _all_have_results(zf: zipfile.ZipFile, part: str) -> bool:
    """True when every formula tag of the sheet's cells is written with a result right after it (the usual case).

    False sends the sheet to the exact path, which decides: a formula cut by a chunk's end only costs that.
    """
    formulas = with_result = 0
    buffer = b""
    with zf.open(part) as f:
        while True:
            chunk = f.read(_CHUNK)
            buffer += chunk
            end = _SHEET_DATA_END.search(buffer)
            if end or not chunk:
                done, buffer = buffer[:end.start()] if end else buffer, b""
            else:
                # Whole cells end before the last cell's start (or, without one, before the last tag's).
                cut = buffer.rfind(b"<c ")
                cut = cut if cut >= 0 else buffer.rfind(b"<")
                done, buffer = (buffer[:cut], buffer[cut:]) if cut >= 0 else (buffer, b"")
            tags, results = formula_tags(done)
            formulas, with_result = formulas + tags, with_result + results
            if formulas != with_result or len(buffer) > MAX_BUFFER:
                return False
            if end or not chunk:
                return True


def formula_tags(data: bytes) -> tuple[int, int]:
    """Count the formula tags in a run of whole tags (a few other bytes may count too), and those with a result after them.

    Equal counts mean every formula in data has its result; anything else needs the exact path to say.
    """
    tags = sum(1 for m in _F_NAME.finditer(data) if data[m.start() - 1] in b"<:")
    return tags, len(_WITH_RESULT.findall(data)) if tags else 0


class _Done(Exception):
    """Internal: the sheet's cells have all been seen."""


class _Cells:
    """Follow a sheet's rows and cells with an XML parser; collect the formula cells without a result."""

    def __init__(self, skipped: set[int]):
        self.skipped = skipped  # 0-based rows left out
        self.found: list[tuple[str, str]] = []  # (cell, formula text)
        self.more = 0
        self.stack: list[str] = []  # local names of the open elements
        self.row = 0  # 1-based, as in an address
        self.column = 0
        self.cell: dict | None = None
        self.text: list[str] | None = None  # where the characters of an open <f> or <v> go

    def parse(self, zf: zipfile.ZipFile, part: str) -> None:
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.characters
        parser.StartDoctypeDeclHandler = _no_doctype
        try:
            with zf.open(part) as f:
                while chunk := f.read(_CHUNK):
                    parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except _Done:
            pass

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(":")[2]
        parent = self.stack[-1] if self.stack else ""
        self.stack.append(local)
        if local == "row" and parent == "sheetData":
            r = attrs.get("r", "").strip()
            self.row, self.column = (int(r) if r.isdigit() else self.row + 1), 0
        elif local == "c" and parent == "row":
            m = _ADDRESS.match(attrs.get("r", "").strip())
            if m:
                row, column = xl_cell_to_rowcol(m[0])
                self.row, self.column = row + 1, column + 1
            else:
                self.column += 1
            self.cell = {"type": attrs.get("t", ""), "f": None, "v": None, "is": False}
        elif self.cell is not None and parent == "c" and local in ("f", "v"):
            self.text = self.cell[local] = []
        elif self.cell is not None and parent == "c" and local == "is":
            self.cell["is"] = True

    def end(self, name: str) -> None:
        local = self.stack.pop()
        if local in ("f", "v"):
            self.text = None
        elif local == "c" and self.cell is not None:
            self._judge(self.cell)
            self.cell = None
        elif local == "sheetData":
            raise _Done

    def characters(self, data: str) -> None:
        if self.text is not None and sum(map(len, self.text)) < 4 * _FORMULA_SHOWN:
            self.text.append(data)

    def _judge(self, cell: dict) -> None:
        if cell["f"] is None or self.row - 1 in self.skipped:
            return
        value = cell["v"]
        # An empty <v> is no result, but for a formula giving text: there it is the empty text the formula gave.
        if cell["is"] or (value is not None and ("".join(value) or cell["type"] == "str")):
            return
        if len(self.found) >= MAX_CELLS:
            self.more += 1
            return
        formula = "".join(cell["f"]).strip()
        if len(formula) > _FORMULA_SHOWN:
            formula = formula[:_FORMULA_SHOWN] + "…"
        self.found.append((xl_rowcol_to_cell(self.row - 1, self.column - 1), formula))


def _no_doctype(*_) -> None:
    raise ValueError("含有 DOCTYPE 声明")


def _reason(exc: Exception) -> str:
    return f"{type(exc).__name__}: {str(exc)[:200]}" if str(exc) else type(exc).__name__
