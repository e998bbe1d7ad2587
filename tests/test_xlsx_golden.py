"""Fresh returns and templates compared with golden files, part by part, normalised like XlsxWriter's own tests.

The golden files in tests/golden/ were rendered with LibreOffice (tests/golden/png/) and looked at. When a
layout change is intended, regenerate them on purpose and look at the renders again:

    LIANGXIN_REGEN_GOLDEN=1 pytest tests/test_xlsx_golden.py
    /work/shared/tools/render-xlsx tests/golden/return_371002001_2025-10.xlsx tests/golden/png   (and the template)

and bump the version of every form whose layout changed (forms/defs/*.json).
"""

from __future__ import annotations

import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from forms import FORM_IDS
from reports.returns import export_return
from reports.xlsx_template import export_template
from tests.conftest import TOWN
from tests.xlsx_samples import GOLDEN_UUID, NOW, P, load_sample

GOLDEN = Path(__file__).parent / "golden"
REGEN = os.environ.get("LIANGXIN_REGEN_GOLDEN") == "1"
FILES = {"return": f"return_{TOWN}_{P}.xlsx", "template": f"template_{TOWN}_{P}.xlsx"}


def _build(kind: str, out: Path) -> Path:
    """Write the golden-candidate file: the sample month (or a blank template) at a fixed time and id."""
    if kind == "return":
        load_sample(TOWN)
        return export_return(unit_code=TOWN, period=P, out_dir=out, now=NOW, return_uuid=GOLDEN_UUID,
                             version="golden").path
    load_sample(TOWN)  # the signatories; a template carries no data
    return export_template(unit_code=TOWN, period=P, out_dir=out, now=NOW, template_uuid=GOLDEN_UUID,
                           version="golden")


def xml_elements(xml: str) -> list[str]:
    """Split XML into its elements (XlsxWriter's _xml_to_list)."""
    elements = [e.replace("\r", "") for e in re.split(r">\s*<", xml.strip())]
    return [("" if e.startswith("<") else "<") + e + ("" if e.endswith(">") else ">") for e in elements]


def normalised_parts(path: Path) -> dict[str, list[str]]:
    """Every part of an .xlsx as a list of elements, without what legitimately differs between runs."""
    out = {}
    with zipfile.ZipFile(path) as zf:
        for name in sorted(zf.namelist()):
            xml = zf.read(name).decode("utf-8")
            if name == "docProps/core.xml":
                xml = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "", xml)
            if name == "xl/workbook.xml":
                xml = re.sub(r"<workbookView[^>]*>", "<workbookView/>", xml)
                xml = re.sub(r"<calcPr[^>]*>", "<calcPr/>", xml)
            elements = xml_elements(xml)
            if name == "[Content_Types].xml" or name.endswith(".rels"):
                elements = [elements[0], *sorted(elements[1:-1]), elements[-1]]
            out[name] = elements
    return out


def _first_difference(got: list[str], exp: list[str]) -> str:
    for i, (g, e) in enumerate(zip(got, exp, strict=False)):
        if g != e:
            return f"element {i}: got {g[:200]!r}, golden {e[:200]!r}"
    return f"got {len(got)} elements, golden {len(exp)}"


@pytest.fixture(params=list(FILES))
def fresh(request, sqlite_db, tmp_path):
    """A freshly written file and its golden counterpart (rewritten first when regenerating on purpose)."""
    kind = request.param
    path = _build(kind, tmp_path / "out")
    golden = GOLDEN / FILES[kind]
    if REGEN:
        GOLDEN.mkdir(exist_ok=True)
        shutil.copyfile(path, golden)
    return kind, path, golden


def test_same_parts_as_golden(fresh):
    kind, path, golden = fresh
    got, exp = normalised_parts(path), normalised_parts(golden)
    assert sorted(got) == sorted(exp), f"{kind}: the files hold different parts"


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_form_sheet_matches_golden(fresh, form_id):
    kind, path, golden = fresh
    part = f"xl/worksheets/sheet{FORM_IDS.index(form_id) + 1}.xml"
    got, exp = normalised_parts(path)[part], normalised_parts(golden)[part]
    assert got == exp, f"{kind} {form_id} ({part}) differs from {golden.name}: {_first_difference(got, exp)}"


def test_shared_parts_match_golden(fresh):
    kind, path, golden = fresh
    got, exp = normalised_parts(path), normalised_parts(golden)
    for part in sorted(exp):
        if re.fullmatch(r"xl/worksheets/sheet[1-3]\.xml", part):
            continue  # compared form by form above
        assert got.get(part) == exp[part], f"{kind} {part} differs: {_first_difference(got.get(part, []), exp[part])}"


def test_golden_files_were_rendered():
    """The PNG renders sit beside the golden files, so a reviewer can see what they look like."""
    renders = sorted(p.name for p in (GOLDEN / "png").glob("*.png"))
    for name in FILES.values():
        assert any(r.startswith(Path(name).stem) for r in renders), f"no render of {name} in tests/golden/png"
