"""A corpus of broken and hostile workbooks, made from a real exported return, for the merge to refuse or read.

Every case says what must happen: ``reject`` (a clear refusal, with a phrase the reason must contain),
``read`` (read correctly: the same data, or flagged as edited), or ``either``. The zips are built by
hand (``build_zip``), so sizes, CRCs, offsets and names can lie the way an attacker's would.
"""

from __future__ import annotations

import io
import random
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

MiB = 1024 * 1024
SHEET = "xl/worksheets/sheet1.xml"  # 表1
FIGURES_SHEET = "xl/worksheets/sheet3.xml"  # 表3
STRINGS = "xl/sharedStrings.xml"
META_SHEET = "xl/worksheets/sheet4.xml"  # _liangxin, the hidden metadata
WORKBOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


@dataclass(frozen=True)
class Case:
    """One file of the corpus and what the merge must make of it."""

    name: str
    data: bytes
    expect: str  # reject | read | either
    reason: str = ""  # a phrase the rejection names (when expect is reject)
    big: bool = False  # takes a second or more to check; kept out of repeated runs


@dataclass
class Entry:
    """One part of a hand-built zip; every field a real zip derives can be overridden to lie."""

    name: str
    data: bytes = b""
    method: int = 8
    raw: bytes | None = None  # the stored (compressed) bytes; default: data deflated
    size: int | None = None  # declared uncompressed size; default: len(data)
    crc: int | None = None  # declared CRC-32; default: that of data
    flags: int = 0x800  # UTF-8 names
    local_name: str | None = None  # the name in the local header; default: name


def deflate(data: bytes, level: int = 6) -> bytes:
    """Return data as a raw deflate stream (what a zip stores)."""
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def build_zip(entries: list[Entry], *, offsets: list[int] | None = None, comment: bytes = b"") -> bytes:
    """Write a zip exactly as told; offsets (per entry) make central records point wherever they like."""
    out, central = bytearray(), bytearray()
    written: list[tuple[Entry, bytes, int, int, int]] = []
    for e in entries:
        raw = e.raw if e.raw is not None else (deflate(e.data) if e.method == 8 else e.data)
        size = len(e.data) if e.size is None else e.size
        crc = zlib.crc32(e.data) if e.crc is None else e.crc
        name = (e.local_name or e.name).encode("utf-8")
        written.append((e, raw, size, crc, len(out)))
        out += struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, e.flags, e.method, 0, 0x21, crc, len(raw),
                           size, len(name), 0) + name + raw
    for i, (e, raw, size, crc, offset) in enumerate(written):
        name = e.name.encode("utf-8")
        at = offsets[i] if offsets is not None else offset
        central += struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 0, 20, 0, e.flags, e.method, 0, 0x21, crc,
                               len(raw), size, len(name), 0, 0, 0, 0, 0, at) + name
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(central), len(out),
                      len(comment)) + comment
    return bytes(out + central + end)


def parts_of(xlsx: bytes) -> list[tuple[str, bytes]]:
    """Return the parts of a (trusted) workbook in order."""
    with zipfile.ZipFile(io.BytesIO(xlsx)) as zf:
        return [(info.filename, zf.read(info)) for info in zf.infolist()]


def rezip(xlsx: bytes, change: Callable[[str, bytes], bytes | None] | None = None,
          extra: list[Entry] = (), **overrides) -> bytes:
    """Rebuild a workbook with each part passed through change (None drops it), plus extra parts."""
    entries = []
    for name, data in parts_of(xlsx):
        new = change(name, data) if change else data
        if new is not None:
            entries.append(Entry(name, new, **overrides.get(name, {})))
    return build_zip(entries + list(extra))


def sub_part(xlsx: bytes, part: str, pattern: bytes, replacement: bytes, count: int = 1) -> bytes:
    """Rebuild a workbook with a regex substitution in one part."""
    def change(name: str, data: bytes) -> bytes:
        if name != part:
            return data
        new, n = re.subn(pattern, replacement, data, count=count)
        assert n, f"{pattern!r} not found in {part}"
        return new
    return rezip(xlsx, change)


def after_declaration(xml: bytes, insert: bytes) -> bytes:
    """Insert text right after the XML declaration (where a DOCTYPE goes)."""
    end = xml.index(b"?>") + 2 if xml.startswith(b"<?xml") else 0
    return xml[:end] + insert + xml[end:]


# ---- zip bombs ----------------------------------------------------------------------------------


def zeros_stream(megabytes: int) -> tuple[bytes, int]:
    """Return (a deflate stream of that many MiB of zeros, their CRC), without compressing them all."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(b"\0" * MiB) + c.flush(zlib.Z_FULL_FLUSH)  # no back-references across the flush
    crc, zero = 0, b"\0" * MiB
    for _ in range(megabytes):
        crc = zlib.crc32(zero, crc)
    return block * megabytes + b"\x03\x00", crc  # + an empty final block


def zip_bomb(base: bytes, megabytes: int = 256, *, lie: bool = False) -> bytes:
    """A workbook whose 表1 inflates to `megabytes` MiB of zeros; lie declares it 10 kB in the directory."""
    raw, crc = zeros_stream(megabytes)
    override = {SHEET: {"raw": raw, "size": 10_000 if lie else megabytes * MiB, "crc": crc}}
    return rezip(base, **override)


def overlapping_bomb(base: bytes, copies: int = 200) -> bytes:
    """Many directory entries pointing at the same compressed data (the overlapping-files zip bomb)."""
    raw, crc = zeros_stream(8)
    entries = [Entry(name, data) for name, data in parts_of(base)]
    entries += [Entry(f"xl/media/k{i}.bin", raw=raw, size=8 * MiB, crc=crc, local_name="xl/media/k0.bin")
                for i in range(copies)]
    body = build_zip(entries)
    # Point every k* record at the first one's local header.
    offsets, pos = [], 0
    with zipfile.ZipFile(io.BytesIO(body)) as zf:
        infos = zf.infolist()
    first_k = next(i.header_offset for i in infos if i.filename == "xl/media/k0.bin")
    for info in infos:
        offsets.append(first_k if info.filename.startswith("xl/media/k") else info.header_offset)
        pos += 1
    return build_zip(entries, offsets=offsets)


def many_entries(base: bytes, count: int = 5_000) -> bytes:
    """A workbook with thousands of tiny parts."""
    return rezip(base, extra=[Entry(f"xl/media/e{i}.bin", b"", method=0) for i in range(count)])


# ---- the corpus ---------------------------------------------------------------------------------


BILLION_LAUGHS = (b'<!DOCTYPE lolz [<!ENTITY lol "lol">' + b"".join(
    b'<!ENTITY lol%d "%s">' % (i, b"".join(b"&lol%d;" % (i - 1) if i > 1 else b"&lol;" for _ in range(10)))
    for i in range(1, 10)) + b"]>")
XXE = b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def corpus(base: bytes, *, big: bool = True) -> list[Case]:
    """Return every case, made from `base` (the bytes of a real exported return)."""
    size = len(base)
    cases = [
        # -- truncated and damaged zips
        Case("truncated-half", base[: size // 2], "reject", "不完整"),
        Case("truncated-last-byte", base[:-1], "reject", "不完整"),
        Case("truncated-end-record", base[:-22], "reject", "不完整"),
        Case("truncated-first-100", base[:100], "reject", "不完整"),
        Case("truncated-in-directory", base[:-120], "reject", "不完整"),
        Case("half-with-directory", base[: size // 2] + base[base.rindex(b"PK\x01\x02") - 0:], "reject", "损坏"),
        Case("empty-file", b"", "reject", "空的"),
        Case("text-renamed", "这是一个文本文件，不是表格。\r\n".encode("gb18030") * 20, "reject", "文本文件"),
        Case("csv-renamed", "单位,数值\n环翠楼街道,12\n".encode(), "reject", "文本文件"),
        Case("html-renamed", b"<html><body><table><tr><td>1</td></tr></table></body></html>", "reject", "网页"),
        Case("pdf-renamed", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "reject", "PDF"),
        Case("xls-ole2", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000, "reject", "97-2003"),
        Case("random-bytes", random.Random(7).randbytes(5000), "reject", "不是 .xlsx"),
        Case("bit-flip-in-sheet", _flip_in_part(base, SHEET), "reject", "损坏"),
        Case("wrong-crc", rezip(base, **{SHEET: {"crc": 1234}}), "reject", "校验失败"),
        Case("encrypted-flag", rezip(base, **{SHEET: {"flags": 0x801}}), "reject", "密码"),
        Case("bzip2-method", rezip(base, **{SHEET: {"method": 12, "raw": b"BZh91AY&SY"}}), "reject", "压缩方式"),
        Case("duplicate-part", rezip(base, extra=[Entry(SHEET, b"<worksheet/>")]), "reject", "两次"),
        Case("local-name-differs", rezip(base, **{SHEET: {"local_name": "xl/worksheets/sheetX.xml"}}), "reject",
             "名称前后不一致"),
        # -- zip bombs
        Case("zip-bomb-declared", zip_bomb(base, 256), "reject", "zip 炸弹"),
        Case("zip-bomb-lying-sizes", zip_bomb(base, 64, lie=True), "reject", "超过其声明的大小"),
        Case("zip-bomb-overlapping", overlapping_bomb(base), "reject", "重叠"),
        Case("zip-many-entries", many_entries(base), "reject", "文件过多"),
        Case("nested-zip-bomb", rezip(base, extra=[Entry("xl/embeddings/inner.zip", zip_bomb(base, 16), method=0)]),
             "read"),
        # -- entity bombs and external entities
        Case("billion-laughs-strings", _in_part(base, STRINGS, BILLION_LAUGHS, b"&lol9;"), "reject", "DOCTYPE"),
        Case("billion-laughs-custom-props", _in_part(base, "docProps/custom.xml", BILLION_LAUGHS), "reject",
             "DOCTYPE"),
        Case("quadratic-blowup", _in_part(base, "xl/workbook.xml", b'<!DOCTYPE w [<!ENTITY a "' + b"A" * 50_000
                                          + b'">]>'), "reject", "DOCTYPE"),
        Case("xxe-file", _in_part(base, STRINGS, XXE, b"&xxe;"), "reject", "DOCTYPE"),
        Case("xxe-external-dtd", _in_part(base, "[Content_Types].xml",
                                          b'<!DOCTYPE Types SYSTEM "http://127.0.0.1:9/evil.dtd">'), "reject",
             "DOCTYPE"),
        Case("doctype-across-chunks", _in_part(base, STRINGS, b"<!--" + b"x" * (64 * 1024 - 9) + b"-->" + XXE),
             "reject", "DOCTYPE"),
        Case("doctype-lowercase", _in_part(base, STRINGS, b"<!doctype x [<!entity y 'z'>]>"), "reject", "DOCTYPE"),
        Case("utf16-part", rezip(base, lambda n, d: _utf16(d) if n == STRINGS else d), "reject", "UTF-16"),
        Case("utf7-declared", sub_part(base, STRINGS, rb'encoding="UTF-8"', b'encoding="UTF-7"'), "reject",
             "UTF-7"),
        # -- sheets past Excel's limits, false dimensions
        Case("row-past-limit", _append_row(base, b'<row r="1048577"><c r="A1048577"><v>1</v></c></row>'), "reject",
             "1048577"),
        Case("cell-past-limit", _append_row(base, b'<row r="60"><c r="A1048577"><v>1</v></c></row>'), "reject",
             "超出 Excel"),
        Case("column-past-limit", _append_row(base, b'<row r="60"><c r="XFE60"><v>1</v></c></row>'), "reject",
             "超出 Excel"),
        Case("sparse-corner-cell", _append_row(base, b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'),
             "reject", "范围过大"),
        Case("bad-cell-reference", _append_row(base, b'<row r="60"><c r="1A"><v>1</v></c></row>'), "reject",
             "无效的单元格地址"),
        Case("false-dimension-huge", sub_part(base, SHEET, rb'<dimension ref="[^"]*"/>',
                                              b'<dimension ref="A1:XFD1048576"/>'), "read"),
        Case("false-dimension-small", sub_part(base, SHEET, rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1"/>'),
             "read"),
        Case("dimension-garbage", sub_part(base, SHEET, rb'<dimension ref="[^"]*"/>', b'<dimension ref="??"/>'),
             "reject", "dimension"),
        # -- huge strings
        Case("huge-compressible-string", _huge_string(base, "很" * (12 * MiB // 3)), "reject", "压缩比"),
        Case("long-text-in-a-cell", _replace_first_long_string(base, "进展" * 20_000), "reject", "32,767"),
        Case("long-tag", _append_row(base, b'<row r="60" x="' + b"y" * 1_000_000 + b'"/>'), "reject", "标签超长"),
        # -- wrong content types
        Case("word-content-type", _content_type(base, "application/vnd.openxmlformats-officedocument."
                                                      "wordprocessingml.document.main+xml"), "reject", "不是 Excel"),
        Case("no-workbook-override", rezip(base, lambda n, d: re.sub(rb'<Override PartName="/xl/workbook.xml"[^>]*/>',
                                                                      b"", d) if n == "[Content_Types].xml" else d),
             "reject", "没有声明"),
        Case("no-content-types", rezip(base, lambda n, d: None if n == "[Content_Types].xml" else d), "reject",
             "缺少"),
        Case("content-types-not-xml", rezip(base, lambda n, d: b"not xml <" if n == "[Content_Types].xml" else d),
             "reject", "不是有效的 XML"),
        Case("macro-enabled-type", _content_type(base, "application/vnd.ms-excel.sheet.macroEnabled.main+xml"),
             "read"),
        Case("word-document", build_zip([Entry("[Content_Types].xml", b"<Types/>"),
                                         Entry("word/document.xml", b"<w:document/>")]), "reject", "Word"),
        Case("ods-renamed", build_zip([Entry("mimetype", b"application/vnd.oasis.opendocument.spreadsheet", method=0),
                                       Entry("content.xml", b"<office:document-content/>")]), "reject", ".ods"),
        # -- mutated returns (valid zips, changed contents)
        Case("value-edited", _edit_figure(base, b"1500"), "read"),
        Case("number-made-text", _edit_figure(base, None), "reject", "表3"),
        Case("formula-without-result", _edit_figure(base, b"", formula=b"SUM(C5:C6)"), "reject",
             "没有保存它的计算结果"),
        Case("formula-with-result", _edit_figure(base, b"1500", formula=b"SUM(C5:C6)"), "read"),
        Case("metadata-period-changed", _swap_string(base, b"2025-10", b"2025-13"), "reject", ""),
        Case("metadata-unit-changed", _swap_string(base, b"371002001", b"371002099"), "either"),
        Case("metadata-sheet-dropped", _drop_meta_sheet(base), "either"),
        Case("metadata-revision-2-to-the-63", _meta_value(base, "revision", "9223372036854775808"), "reject", "版次"),
        Case("metadata-revision-1e300", _meta_value(base, "revision", "1e300"), "reject", "版次"),
        Case("metadata-revision-infinite", _meta_value(base, "revision", "inf"), "reject", "版次"),
        Case("metadata-revision-negative", _meta_value(base, "revision", "-3"), "reject", "版次"),
        Case("sheet-data-removed", sub_part(base, SHEET, rb"<sheetData>.*</sheetData>", b"<sheetData/>"), "reject",
             "表1"),
        Case("zip-comment", _with_comment(base, b"\xff" * 1000), "read"),
    ]
    if big:
        cases.append(Case("sheet-past-1048576-rows", _rows_past_limit(base), "reject", "sheet1.xml", big=True))
        rnd = random.Random(3)
        cases.append(Case("rows-without-addresses", _append_row(base, b"".join(
            b'<row ht="%d.%d"/>' % (rnd.randint(10, 99), rnd.randint(0, 9)) for _ in range(1_048_600))), "reject",
            "范围过大", big=True))
        cases.append(Case("empty-rows-past-1048576", sub_part(base, "xl/worksheets/sheet2.xml", rb"<sheetData>.*</sheetData>",
                                                             b"<sheetData>" + b"".join(b'<row r="%d"/>' % i for i in range(
                                                                 1, 1_048_578)) + b"</sheetData>"),
                          "reject", "超出 Excel 的上限", big=True))
        cases.append(Case("million-cells", _append_row(base, b"".join(
            b'<row r="%d">' % r + b"".join(b'<c r="%s%d"/>' % (c, r) for c in (b"A", b"B", b"C", b"D")) + b"</row>"
            for r in range(100, 300_000))), "reject", "范围过大", big=True))
        cases.append(Case("incompressible-huge-text", _huge_string(base, _random_cjk(1_200_000)), "reject",
                          "32,767", big=True))
    return cases


# ---- helpers that make the cases ----------------------------------------------------------------


def _in_part(xlsx: bytes, part: str, declaration: bytes, reference: bytes | None = None) -> bytes:
    def change(name: str, data: bytes) -> bytes:
        if name != part:
            return data
        data = after_declaration(data, declaration)
        if reference:
            data = re.sub(rb"<t>[^<]*</t>", b"<t>" + reference + b"</t>", data, count=1)
        return data
    return rezip(xlsx, change)


def _utf16(xml: bytes) -> bytes:
    return xml.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")


def _flip_in_part(xlsx: bytes, part: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as zf:
        info = zf.getinfo(part)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data = bytearray(xlsx)
    data[start + info.compress_size // 2] ^= 0x55
    return bytes(data)


def _append_row(xlsx: bytes, row: bytes) -> bytes:
    return sub_part(xlsx, SHEET, rb"</sheetData>", row + b"</sheetData>")


def _rows_past_limit(xlsx: bytes) -> bytes:
    rows = b"".join(b'<row r="%d"/>' % i for i in range(100, 1_048_578))
    return _append_row(xlsx, rows)


def _huge_string(xlsx: bytes, text: str) -> bytes:
    """Put a huge text into the first string cell of 表1's first data row."""
    return _replace_first_long_string(xlsx, text)


def _replace_first_long_string(xlsx: bytes, text: str) -> bytes:
    """Replace the narrative of the first task (a shared string) with text."""
    escaped = text.encode("utf-8")

    def change(name: str, data: bytes) -> bytes:
        if name != STRINGS:
            return data
        new, n = re.subn("<t>新增入库项目[^<]*</t>".encode(), b"<t>" + escaped + b"</t>", data, count=1)
        assert n, "the sample narrative is not in the shared strings"
        return new
    return rezip(xlsx, change)


def _random_cjk(count: int) -> str:
    rnd = random.Random(11)
    return "".join(chr(rnd.randint(0x4E00, 0x9FA5)) for _ in range(count))


def _content_type(xlsx: bytes, content_type: str) -> bytes:
    return sub_part(xlsx, "[Content_Types].xml", rb'(<Override PartName="/xl/workbook.xml" ContentType=")[^"]*"',
                    rb"\g<1>" + content_type.encode() + b'"')


def _edit_figure(xlsx: bytes, value: bytes | None, *, formula: bytes | None = None) -> bytes:
    """Change the first number typed in 表3 (本期 of the first indicator), make it text, or a formula with that value."""
    def change(name: str, data: bytes) -> bytes:
        if name != FIGURES_SHEET:
            return data
        m = re.search(rb'<c r="C\d+" s="\d+"><v>[^<]*</v></c>', data)
        assert m, "no number in 表3 column C"
        cell = m.group(0)
        ref = re.search(rb'r="(C\d+)"', cell).group(1)
        style = re.search(rb's="(\d+)"', cell).group(1)
        new = (b'<c r="%s" s="%s"><f>%s</f><v>%s</v></c>' % (ref, style, formula, value) if formula is not None else
               b'<c r="%s" s="%s"><v>%s</v></c>' % (ref, style, value) if value is not None else
               b'<c r="%s" s="%s" t="inlineStr"><is><t>abc</t></is></c>' % (ref, style))
        return data.replace(cell, new, 1)
    return rezip(xlsx, change)


def _swap_string(xlsx: bytes, old: bytes, new: bytes) -> bytes:
    return sub_part(xlsx, STRINGS, b"<t>" + re.escape(old) + b"</t>", b"<t>" + new + b"</t>", count=0)


def _meta_value(xlsx: bytes, name: str, text: str) -> bytes:
    """Forge one metadata value the same in the hidden sheet and the document properties, as a careful forger would."""
    strings = [re.sub(rb"<[^>]+>", b"", si) for si in re.findall(rb"<si>(.*?)</si>", dict(parts_of(xlsx))[STRINGS], re.S)]
    index = str(strings.index(name.encode())).encode()
    row = re.search(rb'<c r="A(\d+)" t="s"><v>' + index + rb"</v></c>", dict(parts_of(xlsx))[META_SHEET]).group(1)
    value = b'<c r="B' + row + b'" t="inlineStr"><is><t>' + text.encode() + b"</t></is></c>"
    forged = sub_part(xlsx, META_SHEET, rb'<c r="B' + row + rb'"[^>]*?(?:/>|>.*?</c>)', value)
    return sub_part(forged, "docProps/custom.xml", rb'(name="liangxin\.' + name.encode() + rb'"><vt:lpwstr>)[^<]*',
                    rb"\g<1>" + text.encode())


def _drop_meta_sheet(xlsx: bytes) -> bytes:
    return sub_part(xlsx, "xl/workbook.xml", rb'<sheet name="_liangxin"[^>]*/>', b"")


def _with_comment(xlsx: bytes, comment: bytes) -> bytes:
    head, _, _ = xlsx.rpartition(b"PK\x05\x06")
    end = xlsx[len(head):len(head) + 20]
    return head + end + struct.pack("<H", len(comment)) + comment


@dataclass
class Mutation:
    """A random change to a real return, for the fuzz test: at byte level or inside one XML part."""

    kind: str
    position: float
    payload: bytes = b""
    part: str = ""
    extra: dict = field(default_factory=dict)

    def apply(self, xlsx: bytes) -> bytes:
        """Return the mutated file."""
        at = int(self.position * len(xlsx))
        if self.kind == "truncate":
            return xlsx[:at]
        if self.kind == "overwrite":
            return xlsx[:at] + self.payload + xlsx[at + len(self.payload):]
        if self.kind == "insert":
            return xlsx[:at] + self.payload + xlsx[at:]
        if self.kind == "delete":
            return xlsx[:at] + xlsx[at + max(1, len(self.payload)):]
        try:
            return rezip(xlsx, lambda name, data: self._in_part(name, data))
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, KeyError, OSError):
            return xlsx  # an earlier mutation broke the zip: nothing left to edit inside

    def _in_part(self, name: str, data: bytes) -> bytes:
        if name != self.part:
            return data
        at = int(self.position * len(data))
        if self.kind == "xml-overwrite":
            return data[:at] + self.payload + data[at + len(self.payload):]
        if self.kind == "xml-insert":
            return data[:at] + self.payload + data[at:]
        if self.kind == "xml-delete":
            return data[:at] + data[at + max(1, len(self.payload)):]
        if self.kind == "xml-digit":
            digits = [m.start() for m in re.finditer(rb"<v>\d", data)]
            if not digits:
                return data
            i = digits[int(self.position * len(digits)) % len(digits)] + 3
            return data[:i] + self.payload[:1] + data[i + 1:]
        raise ValueError(self.kind)


XML_PARTS = (SHEET, "xl/worksheets/sheet2.xml", FIGURES_SHEET, "xl/worksheets/sheet4.xml", STRINGS,
             "xl/workbook.xml", "docProps/custom.xml", "[Content_Types].xml", "xl/_rels/workbook.xml.rels",
             "xl/styles.xml")


def entity_bomb_file(base: bytes) -> bytes:
    """A real return whose shared strings carry a billion-laughs DTD and use its last entity."""
    return _in_part(base, STRINGS, BILLION_LAUGHS, b"&lol9;")
