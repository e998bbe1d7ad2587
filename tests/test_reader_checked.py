"""The reader given the file check's kept parts reads exactly what it reads from the file alone."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from reports.filecheck import CUSTOM_PROPERTIES, check_file
from reports.xlsx_reader import ReturnReadError, read_return
from tests.merge_samples import TOWNS, P, export_months, month


def rewritten(source: Path, target: Path, custom: bytes | None) -> Path:
    """Copy a workbook with docProps/custom.xml replaced (or left out when custom is None)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename == CUSTOM_PROPERTIES:
                if custom is not None:
                    new.writestr(info.filename, custom)
            else:
                new.writestr(info, old.read(info))
    return target


def outcome(path: Path, **kwargs):
    try:
        return read_return(path, **kwargs)
    except ReturnReadError as exc:
        return [str(p) for p in exc.problems]


def test_kept_document_properties_read_the_same_as_from_the_file(district_db, tmp_path):
    [exported] = export_months(tmp_path / "returns", [(next(iter(TOWNS)), P, month(0))])
    original = zipfile.ZipFile(exported).read(CUSTOM_PROPERTIES)
    variants = {
        "as exported": exported,
        "unit changed": rewritten(exported, tmp_path / "unit.xlsx", original.replace(b"371002001", b"371002002")),
        "no properties": rewritten(exported, tmp_path / "none.xlsx", None),
        "broken xml": rewritten(exported, tmp_path / "broken.xlsx", original[: len(original) // 2]),
        "too large": rewritten(exported, tmp_path / "large.xlsx",
                               original.replace(b"</Properties>", b"<x/>" * 250_000 + b"</Properties>")),
    }
    seen = {}
    for name, path in variants.items():
        checked = check_file(path)
        assert (CUSTOM_PROPERTIES in checked.kept) == (name not in ("no properties", "too large")), name
        alone, with_check = outcome(path), outcome(path, checked=checked)
        assert alone == with_check, name
        seen[name] = with_check
    assert seen["as exported"].unit_code == "371002001" and not seen["as exported"].warnings
    assert any("中的 unit_code 不一致" in p for p in seen["unit changed"])
    assert any("document properties unreadable" in p for p in seen["broken xml"])
    assert any("大得不合常理" in p for p in seen["too large"])


@pytest.mark.parametrize("size", [0, 10])
def test_content_types_are_still_checked_from_the_kept_bytes(tmp_path, size):
    path = tmp_path / "words.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                    '<Override PartName="/xl/workbook.xml" ContentType="application/msword"/></Types>')
        zf.writestr("xl/workbook.xml", "<workbook/>" + " " * size)
    from reports.filecheck import FileRejected

    with pytest.raises(FileRejected, match="不是 Excel 工作簿"):
        check_file(path)
