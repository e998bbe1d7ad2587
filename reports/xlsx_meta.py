"""The machine-readable part of a return: a very hidden sheet plus custom document properties.

Both carry the same facts (form ids and versions, unit, parent, period, revision, return UUID,
program version, the SHA-256 over the canonical data), so a reader can tell a return straight from
the program from one edited afterwards. The hidden sheet also lists each fixed row's key with a
fingerprint of its printed texts, so rows are found again even if someone re-sorts them.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from xml.etree import ElementTree

META_SHEET = "_liangxin"
FORMAT = "liangxin-return"
FORMAT_VERSION = 1
PROPERTY_PREFIX = "liangxin."
KINDS = ("return", "template")
_SCALARS = ("kind", "unit_code", "unit_name", "parent_code", "period", "revision", "return_uuid",
            "program_version", "content_hash", "created_at")
_MAX_CUSTOM_XML = 1_000_000  # bytes; a real custom.xml is a few kB


@dataclass(frozen=True)
class FormRef:
    """A form as a return carries it: id, version and the sheet it was written to."""

    id: str
    version: int
    sheet: str


@dataclass
class ReturnMeta:
    """The facts a return or template carries about itself."""

    kind: str  # return | template
    unit_code: str
    unit_name: str
    parent_code: str | None
    period: str
    revision: int
    return_uuid: str
    program_version: str
    content_hash: str | None  # None for templates
    created_at: str
    forms: list[FormRef] = field(default_factory=list)
    rows: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # form id -> [(row key, identity)]

    def scalars(self) -> dict[str, str]:
        """Return the single-valued facts as strings (what the document properties hold)."""
        out = {}
        for name in _SCALARS:
            value = getattr(self, name)
            out[name] = "" if value is None else str(value)
        out["forms"] = ",".join(f"{f.id}@{f.version}" for f in self.forms)
        return out


@lru_cache(maxsize=1)
def program_version() -> str:
    """Return this program's version, as written into every return (looked up once: it reads package metadata)."""
    try:
        return metadata.version("liangxin")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def write_meta(workbook, meta: ReturnMeta) -> None:
    """Add the very hidden metadata sheet and the custom document properties to an xlsxwriter workbook."""
    ws = workbook.add_worksheet(META_SHEET)
    rows: list[list[str]] = [[FORMAT, str(FORMAT_VERSION)]]
    rows += [[name, value] for name, value in meta.scalars().items() if name != "forms"]
    rows += [["form", f.id, str(f.version), f.sheet] for f in meta.forms]
    rows += [["row", form_id, key, identity] for form_id, keys in meta.rows.items() for key, identity in keys]
    write_string = getattr(ws, "_write_string", None) or ws.write_string  # without the A1-notation check per cell
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            write_string(r, c, value)
    ws.very_hidden()
    for name, value in meta.scalars().items():
        if value:
            workbook.set_custom_property(PROPERTY_PREFIX + name, value)
    workbook.set_custom_property(PROPERTY_PREFIX + "format", f"{FORMAT}/{FORMAT_VERSION}")


class MetaError(ValueError):
    """The metadata of a file cannot be understood; the message says what."""


def parse_meta_rows(rows: list[list]) -> ReturnMeta:
    """Parse the hidden sheet's rows (as calamine gives them) into ReturnMeta."""
    text = []
    for row in rows:  # each cell's text worked out once; rows with none are left out
        cells = [v.strip() if v.__class__ is str else _cell_text(v) for v in row]
        if any(cells):
            text.append(cells)
    if not text or text[0][0] != FORMAT:
        raise MetaError(f"工作表 {META_SHEET} 不是以 {FORMAT} 开头")
    if text[0][1] != str(FORMAT_VERSION):
        raise MetaError(f"隐藏信息的格式版本为“{text[0][1]}”，本程序读取第 {FORMAT_VERSION} 版")
    scalars: dict[str, str] = {}
    forms: list[FormRef] = []
    keys: dict[str, list[tuple[str, str]]] = {}
    for row in text[1:]:
        row = row + [""] * (4 - len(row))
        if row[0] == "form":
            forms.append(FormRef(row[1], _int(row[2], "表式版本"), row[3]))
        elif row[0] == "row":
            keys.setdefault(row[1], []).append((row[2], row[3]))
        elif row[0] in _SCALARS:
            scalars[row[0]] = row[1]
    return _build(scalars, forms, keys)


def parse_custom_properties(props: dict[str, str]) -> ReturnMeta | None:
    """Build ReturnMeta from custom document properties; None when the file has none of ours."""
    ours = {k[len(PROPERTY_PREFIX):]: v for k, v in props.items() if k.startswith(PROPERTY_PREFIX)}
    if not ours:
        return None
    forms = []
    for item in filter(None, ours.get("forms", "").split(",")):
        form_id, _, version = item.partition("@")
        forms.append(FormRef(form_id, _int(version, "表式版本"), ""))
    return _build(ours, forms, {})


def read_custom_properties(path) -> dict[str, str]:
    """Return the custom document properties of an .xlsx file (empty when it has none)."""
    with zipfile.ZipFile(path) as zf:
        try:
            info = zf.getinfo("docProps/custom.xml")
        except KeyError:
            return {}
        if info.file_size > _MAX_CUSTOM_XML:
            raise MetaError("docProps/custom.xml 大得不合常理，已拒收")
        root = ElementTree.fromstring(zf.read(info))
    out = {}
    for prop in root:
        name = prop.get("name")
        if name and len(prop):
            out[name] = prop[0].text or ""
    return out


def parse_custom_xml(data: bytes) -> dict[str, str]:
    """Return the custom document properties from the bytes of docProps/custom.xml (read_custom_properties' parse)."""
    if len(data) > _MAX_CUSTOM_XML:
        raise MetaError("docProps/custom.xml 大得不合常理，已拒收")
    out = {}
    for prop in ElementTree.fromstring(data):
        name = prop.get("name")
        if name and len(prop):
            out[name] = prop[0].text or ""
    return out


def _build(scalars: dict[str, str], forms: list[FormRef], keys: dict) -> ReturnMeta:
    kind = scalars.get("kind", "")
    if kind not in KINDS:
        raise MetaError(f"kind“{kind}”既不是报表（return）也不是模板（template）")
    for needed in ("unit_code", "period"):
        if not scalars.get(needed):
            raise MetaError(f"缺少 {needed}")
    return ReturnMeta(
        kind=kind, unit_code=scalars["unit_code"], unit_name=scalars.get("unit_name", ""),
        parent_code=scalars.get("parent_code") or None, period=scalars["period"],
        revision=_int(scalars.get("revision") or "0", "版次"), return_uuid=scalars.get("return_uuid", ""),
        program_version=scalars.get("program_version", ""), content_hash=scalars.get("content_hash") or None,
        created_at=scalars.get("created_at", ""), forms=forms, rows=keys)


MAX_NUMBER = 1_000_000  # far above any revision or form version; a larger one is a forged file, not a real one


def _int(text: str, what: str) -> int:
    """A whole number from 0 to MAX_NUMBER, or MetaError: an unchecked 2**63 stopped the whole merge in SQLite."""
    try:
        number = float(text)
    except ValueError:
        raise MetaError(f"{what}“{text}”不是数字") from None
    if not (0 <= number <= MAX_NUMBER and number.is_integer()):
        raise MetaError(f"{what}“{text[:40]}”不是 0 到 {MAX_NUMBER:,} 之间的整数")
    return int(number)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
