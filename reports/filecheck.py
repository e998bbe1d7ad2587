"""Is a returned file a real .xlsx within limits? Checked before any spreadsheet parser touches it.

A returned file arrives by USB stick, e-mail or chat and may be broken, renamed or hostile. This
module reads the zip's own directory (not the parts) to check the file size, the number of parts,
their declared sizes and compression ratios, and that no two parts overlap. It then inflates each
part itself, in bounded chunks and never past the size the directory declares, to check the CRC,
to refuse DOCTYPE and ENTITY declarations (entity bombs, XXE) in an XML part's prolog, the only
place XML allows them, and XML in any encoding but UTF-8, and to measure how far each sheet's
cells reach — a tiny file with one cell at A1 and one at XFD1048576 would make a reader allocate a
dense range of 17 billion cells; every row and cell tag counts, whatever white space follows its
name and whatever namespace prefix it has. On the way it counts each sheet's formulas and those
saved with their result, so the reader need not open the zip again to look (reports/xlsx_formulas.py).
Every limit is in ``Limits``; every refusal names the file and says what is wrong in the reviewer's words.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections import deque
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from xml.etree import ElementTree

from models.errors import DataError
from reports.returnfile import CellProblem
from reports.xlsx_formulas import formula_tags

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """How big a returned workbook may be; a township's return is well under 1 MB."""

    max_file_bytes: int = 20 * MiB
    max_entries: int = 1_000  # parts in the zip; an .xlsx has 10–40
    max_directory_bytes: int = 4 * MiB  # the zip's central directory
    max_part_bytes: int = 32 * MiB  # one part, uncompressed
    max_total_bytes: int = 64 * MiB  # all parts, uncompressed
    max_ratio: int = 100  # uncompressed : compressed, for parts (and totals) above ratio_floor
    ratio_floor: int = 1 * MiB
    max_rows: int = 1_048_576  # Excel's own limits
    max_columns: int = 16_384
    max_sheet_cells: int = 1_000_000  # rows × columns a sheet's cells span (a reader allocates them all)
    max_tag_bytes: int = 64 * 1024  # one XML tag (element name with its attributes)
    max_unaddressed: int = 100_000  # rows and cells without an address (r="…"), followed one by one


LIMITS = Limits()

WORKBOOK_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",  # macros are never run, only cells read
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
}
REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
CUSTOM_PROPERTIES = "docProps/custom.xml"  # kept for the reader (the return's metadata), when small
KEEP_BYTES = 1_000_000  # the largest part kept; the reader refuses a larger custom.xml itself
_CHUNK = 64 * 1024
_EOCD = struct.Struct("<4s4H2LH")
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_UTF8_BOM = b"\xef\xbb\xbf"
_SPACE = b" \t\r\n"  # XML's white space
_PREFIX = rb"(?:[A-Za-z_][\w.\-]*:)?"
_TAG = re.compile(rb"<(/?)" + _PREFIX + rb"(sheetData|row|c)(?=[\s/>])([^>]*?)(/?)>")
_ATTR_R = re.compile(rb"""\sr\s*=\s*["']([^"']*)["']""")
_ROW_TAG = re.compile(rb"<" + _PREFIX + rb"row[\s/>]")
_CELL_TAG = re.compile(rb"<" + _PREFIX + rb"c[\s/>]")
# Addresses as every spreadsheet program writes them; anything else takes the exact path, which refuses it.
_ROW_REF = re.compile(rb"<" + _PREFIX + rb"""row\s(?:[^>]*?\s)?r\s*=\s*["'](\d{1,7})["']""")
_CELL_REF_TAG = re.compile(rb"<" + _PREFIX + rb"""c\s(?:[^>]*?\s)?r\s*=\s*["']([A-Z]{1,3})(\d{1,7})["']""")
# Every unprefixed row and cell tag (the name followed by a space, a tab, a line break, '/' or '>'), with its
# address when it comes first as every spreadsheet program writes it (r="…" right after the name); the group is
# empty for a tag written any other way, which then takes the slower paths.
_ROW_ANY = re.compile(rb'<row(?=[\s/>])(?: r="(\d{1,7})")?')
_CELL_ANY = re.compile(rb'<c(?=[\s/>])(?: r="([A-Z]{1,3})(\d{1,7})")?')
_SHEET_DATA = re.compile(rb"<" + _PREFIX + rb"sheetData(?=[\s/>])")
_PREFIXED_TAG = re.compile(rb":(?:row|c)[\s/>]")
_CELL_ADDRESS = re.compile(r"^\$?([A-Za-z]{1,4})\$?(\d{1,10})$")
_DIMENSION = re.compile(rb"<" + _PREFIX + rb"""dimension\s[^>]*?ref\s*=\s*["']([^"']*)["']""")
_RANGE = re.compile(rb"^\$?[A-Za-z]{1,3}\$?\d{1,7}(?::\$?[A-Za-z]{1,3}\$?\d{1,7})?$")
_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")


class FileRejected(DataError):
    """A returned file was refused before reading; problems say why, each naming the file."""

    def __init__(self, problems: list[CellProblem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass
class Part:
    """One part (file) inside the zip, as its central directory declares it."""

    name: str
    offset: int
    method: int
    flags: int
    crc: int
    compressed: int
    size: int


@dataclass
class SheetExtent:
    """How far one sheet's cells reach: the last row and column used (1-based), and the cells seen."""

    rows: int = 0
    columns: int = 0
    cells: int = 0
    formulas: int = 0  # formula tags seen (reports.xlsx_formulas.formula_tags) and those with a result after them:
    with_results: int = 0  # equal, the reader need not look for formulas saved without their result


@dataclass
class FileCheck:
    """What the check saw of a file that passed: its size, its parts and how far each sheet reaches."""

    path: Path
    size: int
    parts: list[Part]
    uncompressed: int
    sheets: dict[str, SheetExtent] = field(default_factory=dict)
    kept: dict[str, bytes] = field(default_factory=dict)  # small parts already inflated (and CRC-checked)


class _Reject(Exception):
    """Internal: the first reason to refuse; check_file turns it into FileRejected."""


def check_file(path: str | Path, *, limits: Limits = LIMITS) -> FileCheck:
    """Check that a file is a whole, safe .xlsx within limits; raise FileRejected saying why not."""
    path = Path(path)
    try:
        return _check(path, limits)
    except _Reject as exc:
        raise FileRejected([CellProblem(str(path), "", "", str(exc))]) from None
    except OSError as exc:
        raise FileRejected([CellProblem(str(path), "", "", _unreadable(exc))]) from None


def _unreadable(exc: OSError) -> str:
    """Why a file could not be opened, in the user's words (the system's own words for anything rarer)."""
    if isinstance(exc, FileNotFoundError):
        return "文件不存在（文件名或位置有误？）"
    if isinstance(exc, IsADirectoryError):
        return "这是文件夹，不是文件"
    if isinstance(exc, PermissionError):  # on Windows also a file another program holds open
        return "无法读取文件：没有权限，或文件正被其他程序占用；请关闭占用它的程序后再试"
    return f"无法读取文件：{exc.strerror or exc}"


def _check(path: Path, limits: Limits) -> FileCheck:
    size = path.stat().st_size
    if size == 0:
        raise _Reject("文件是空的（0 字节）")
    if size > limits.max_file_bytes:
        raise _Reject(f"文件过大（{size / MiB:.1f} MB，上限 {limits.max_file_bytes / MiB:.0f} MB），不像一份月报")
    with path.open("rb") as f:
        head = f.read(8)
        if not head.startswith(b"PK"):
            raise _Reject(_not_a_zip(head, f))
        total, cd_size, cd_offset, cd_end = _end_record(f, size, limits)
        parts = _central_directory(f, total, cd_size, cd_offset, limits)
        _check_layout(f, parts, cd_offset)
        _check_sizes(parts, limits)
        names = {p.name for p in parts}
        _check_required(names)
        sheets: dict[str, SheetExtent] = {}
        kept: dict[str, bytes] = {}
        for part in parts:
            keep = part.name == REQUIRED_PARTS[0] or (part.name == CUSTOM_PROPERTIES and part.size <= KEEP_BYTES)
            extent, data = _scan_part(f, part, limits, keep=keep)
            if extent is not None:
                sheets[part.name] = extent
            if keep:
                kept[part.name] = data
        _check_content_types(kept.get(REQUIRED_PARTS[0], b""))
    return FileCheck(path, size, parts, sum(p.size for p in parts), sheets, kept)


# ---- what the file is, when it is not a zip ----------------------------------------------------


def _not_a_zip(head: bytes, f) -> str:
    """Say what a file that is not a zip most likely is."""
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return ("这是旧版 Excel 97-2003（.xls）文件或加密（设了密码）的工作簿，不是 .xlsx；"
                "请在 Excel 或 WPS 中取消密码并“另存为 Excel 工作簿（*.xlsx）”")
    f.seek(0)
    sample = f.read(4096)
    lowered = sample.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml", b"<")):
        return "这不是 .xlsx 工作簿，而是网页或 XML 文本改了扩展名；请用 Excel 或 WPS 打开后另存为 .xlsx"
    if sample.startswith(b"%PDF"):
        return "这是 PDF 文件，不是 .xlsx 工作簿；请发送程序导出的 Excel 报表"
    if _looks_like_text(sample):
        return "这是文本文件改了扩展名，不是 .xlsx 工作簿；请发送程序导出的 Excel 报表"
    return "这不是 .xlsx 工作簿（文件开头不是 zip 格式）；请发送程序导出的 Excel 报表"


def _looks_like_text(sample: bytes) -> bool:
    if b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
        return True
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 4:  # a character cut by the sample's end
            return True
    try:
        sample.decode("gb18030")
        return True
    except UnicodeDecodeError:
        return False


# ---- the zip's directory -----------------------------------------------------------------------


def _end_record(f, size: int, limits: Limits) -> tuple[int, int, int, int]:
    """Find the end-of-directory record; return (entries, directory size, directory offset, its end)."""
    tail_len = min(size, _EOCD.size + 65535)
    f.seek(size - tail_len)
    tail = f.read(tail_len)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + _EOCD.size > len(tail):
        raise _Reject("文件不完整或已损坏（zip 目录缺失），可能是下载或复制未完成；请对方重新发送")
    _, disk, cd_disk, _, total, cd_size, cd_offset, _ = _EOCD.unpack_from(tail, at)
    eocd_pos = size - tail_len + at
    cd_end = eocd_pos
    if disk or cd_disk:
        raise _Reject("这是分卷压缩文件，不是 .xlsx 工作簿")
    if total == 0xFFFF or cd_size == 0xFFFFFFFF or cd_offset == 0xFFFFFFFF:
        if at < _ZIP64_LOCATOR.size or tail[at - _ZIP64_LOCATOR.size:at - _ZIP64_LOCATOR.size + 4] != b"PK\x06\x07":
            raise _Reject("文件已损坏（zip64 目录缺失）")
        _, _, z64_pos, _ = _ZIP64_LOCATOR.unpack_from(tail, at - _ZIP64_LOCATOR.size)
        if z64_pos + _ZIP64_EOCD.size > eocd_pos:
            raise _Reject("文件已损坏（zip64 目录位置不对）")
        f.seek(z64_pos)
        record = f.read(_ZIP64_EOCD.size)
        if len(record) != _ZIP64_EOCD.size or record[:4] != b"PK\x06\x06":
            raise _Reject("文件已损坏（zip64 目录缺失）")
        _, _, _, _, _, _, _, total, cd_size, cd_offset = _ZIP64_EOCD.unpack(record)
        cd_end = z64_pos
    if total > limits.max_entries:
        raise _Reject(f"压缩包内文件过多（{total} 个，上限 {limits.max_entries} 个），不是正常的月报工作簿")
    if cd_size > limits.max_directory_bytes:
        raise _Reject(f"压缩包目录过大（{cd_size / MiB:.1f} MB），不是正常的月报工作簿")
    if cd_offset + cd_size != cd_end:
        raise _Reject("文件不完整或已损坏（zip 目录位置不对），可能被截断或拼接；请对方重新发送")
    return total, cd_size, cd_offset, cd_end


def _central_directory(f, total: int, cd_size: int, cd_offset: int, limits: Limits) -> list[Part]:
    f.seek(cd_offset)
    directory = f.read(cd_size)
    if len(directory) != cd_size:
        raise _Reject("文件不完整（zip 目录被截断）；请对方重新发送")
    parts, pos, seen = [], 0, set()
    while pos < len(directory):
        if len(parts) >= total or pos + _CENTRAL.size > len(directory):
            raise _Reject("文件已损坏（zip 目录与记录的文件数不符）")
        (sig, _, _, _, _, flags, method, _, _, crc, csize, usize, nlen, elen, clen, _, _, _,
         offset) = _CENTRAL.unpack_from(directory, pos)
        if sig != b"PK\x01\x02":
            raise _Reject("文件已损坏（zip 目录记录不完整）")
        start = pos + _CENTRAL.size
        raw_name = directory[start:start + nlen]
        extra = directory[start + nlen:start + nlen + elen]
        pos = start + nlen + elen + clen
        if pos > len(directory):
            raise _Reject("文件已损坏（zip 目录记录被截断）")
        name = raw_name.decode("utf-8" if flags & 0x800 else "cp437", errors="replace")
        usize, csize, offset = _zip64_sizes(extra, usize, csize, offset)
        if flags & 0x1:
            raise _Reject("工作簿设了密码（已加密），无法检查；请取消密码后另存为 .xlsx 再发送")
        if method not in (0, 8):
            raise _Reject(f"压缩包内 {name} 使用了 Excel 不会使用的压缩方式（{method}），不是正常的 .xlsx")
        key = name.lower()
        if key in seen:
            raise _Reject(f"压缩包内 {name} 出现了两次，文件被篡改或已损坏")
        seen.add(key)
        parts.append(Part(name, offset, method, flags, crc, csize, usize))
    if len(parts) != total:
        raise _Reject("文件已损坏（zip 目录与记录的文件数不符）")
    return parts


def _zip64_sizes(extra: bytes, usize: int, csize: int, offset: int) -> tuple[int, int, int]:
    """Take the 64-bit sizes from a zip64 extra field where the 32-bit fields say 0xFFFFFFFF."""
    pos = 0
    while pos + 4 <= len(extra):
        tag, length = struct.unpack_from("<HH", extra, pos)
        body = extra[pos + 4:pos + 4 + length]
        if tag == 0x0001:
            values, i = [], 0
            for wanted in (usize == 0xFFFFFFFF, csize == 0xFFFFFFFF, offset == 0xFFFFFFFF):
                if wanted:
                    if i + 8 > len(body):
                        raise _Reject("文件已损坏（zip64 信息不完整）")
                    values.append(struct.unpack_from("<Q", body, i)[0])
                    i += 8
                else:
                    values.append(None)
            usize = values[0] if values[0] is not None else usize
            csize = values[1] if values[1] is not None else csize
            offset = values[2] if values[2] is not None else offset
        pos += 4 + length
    return usize, csize, offset


def _check_layout(f, parts: list[Part], cd_offset: int) -> None:
    """Every part's data lies before the directory, after its own header, and overlaps no other part."""
    end_of_previous = 0
    for part in sorted(parts, key=lambda p: p.offset):
        if part.offset < end_of_previous:
            raise _Reject(f"压缩包内 {part.name} 与其他部分重叠（典型的 zip 炸弹手法），已拒收")
        f.seek(part.offset)
        header = f.read(_LOCAL.size)
        if len(header) != _LOCAL.size or header[:4] != b"PK\x03\x04":
            raise _Reject(f"文件不完整或已损坏（{part.name} 的数据缺失），可能被截断；请对方重新发送")
        nlen, elen = _LOCAL.unpack(header)[-2:]
        local_name = f.read(nlen)
        expected = part.name.encode("utf-8" if part.flags & 0x800 else "cp437", errors="replace")
        if local_name != expected:
            raise _Reject(f"文件已损坏（{part.name} 的名称前后不一致）")
        data_start = part.offset + _LOCAL.size + nlen + elen
        end_of_previous = data_start + part.compressed
        if end_of_previous > cd_offset:
            raise _Reject(f"文件不完整或已损坏（{part.name} 超出文件末尾），可能被截断；请对方重新发送")
        part.offset = data_start  # from here on: where the part's compressed data starts


def _check_sizes(parts: list[Part], limits: Limits) -> None:
    total = compressed = 0
    for part in parts:
        if part.method == 0 and part.size != part.compressed:
            raise _Reject(f"文件已损坏（{part.name} 的大小前后不一致）")
        if part.size > limits.max_part_bytes:
            raise _Reject(f"压缩包内 {part.name} 解压后过大（{part.size / MiB:.0f} MB，上限 "
                          f"{limits.max_part_bytes / MiB:.0f} MB），疑似 zip 炸弹，已拒收")
        if part.size > limits.ratio_floor and part.size > limits.max_ratio * max(part.compressed, 1):
            raise _Reject(f"压缩包内 {part.name} 的压缩比异常（{part.size // max(part.compressed, 1)}:1），"
                          "疑似 zip 炸弹，已拒收")
        total += part.size
        compressed += part.compressed
    if total > limits.max_total_bytes:
        raise _Reject(f"工作簿解压后总大小过大（{total / MiB:.0f} MB，上限 {limits.max_total_bytes / MiB:.0f} MB），"
                      "疑似 zip 炸弹，已拒收")
    if total > limits.ratio_floor and total > limits.max_ratio * max(compressed, 1):
        raise _Reject(f"工作簿的整体压缩比异常（{total // max(compressed, 1)}:1），疑似 zip 炸弹，已拒收")


def _check_required(names: set[str]) -> None:
    if "mimetype" in names and "content.xml" in names:
        raise _Reject("这是 OpenDocument 表格（.ods），不是 .xlsx；请在 WPS 或 LibreOffice 中另存为 Excel 工作簿（*.xlsx）")
    if "xl/workbook.bin" in names:
        raise _Reject("这是 Excel 二进制工作簿（.xlsb），不是 .xlsx；请另存为 Excel 工作簿（*.xlsx）")
    if "word/document.xml" in names or "ppt/presentation.xml" in names:
        raise _Reject("这是 Word 或 PowerPoint 文件，不是 Excel 工作簿")
    missing = [n for n in REQUIRED_PARTS if n not in names]
    if missing:
        raise _Reject(f"这不是完整的 .xlsx 工作簿（缺少 {'、'.join(missing)}）")


# ---- the parts' contents -----------------------------------------------------------------------


def _inflate(f, part: Part, limits: Limits):
    """Yield a part's bytes in chunks, never more than it declares; check its CRC at the end."""
    f.seek(part.offset)
    remaining = part.compressed
    produced, crc = 0, 0
    inflater = zlib.decompressobj(-15) if part.method == 8 else None
    while remaining:
        raw = f.read(min(_CHUNK, remaining))
        if not raw:
            raise _Reject(f"文件不完整（{part.name} 的数据被截断）；请对方重新发送")
        remaining -= len(raw)
        pending = raw
        while pending:
            if inflater is None:
                out, pending = pending, b""
            else:
                try:
                    # max_length bounds memory: a part that inflates past its declared size stops here.
                    out = inflater.decompress(pending, min(_CHUNK, part.size - produced + 1))
                except zlib.error:
                    raise _Reject(f"文件已损坏（{part.name} 无法解压）；请对方重新发送") from None
                pending = inflater.unconsumed_tail
            produced += len(out)
            if produced > part.size:
                raise _Reject(f"压缩包内 {part.name} 解压后超过其声明的大小，疑似 zip 炸弹，已拒收")
            if out:
                crc = zlib.crc32(out, crc)
                yield out
            elif inflater is not None and inflater.eof:
                break
    if inflater is not None and not inflater.eof:
        raise _Reject(f"文件已损坏（{part.name} 的压缩数据不完整）；请对方重新发送")
    if produced != part.size or crc != part.crc:
        raise _Reject(f"文件已损坏（{part.name} 校验失败），可能在传输中出错；请对方重新发送")


def _scan_part(f, part: Part, limits: Limits, *, keep: bool) -> tuple[SheetExtent | None, bytes]:
    """Stream one part: refuse DTDs and non-UTF-8 XML, measure sheet extents; keep small parts' bytes."""
    buffer = b""
    first = True
    is_xml: bool | None = None  # undecided while the part has shown nothing but white space
    prolog: bytes | None = b""  # an XML part's beginning, until its root element starts
    state = _SheetState()
    kept = bytearray()
    for chunk in _inflate(f, part, limits):
        if keep:
            if len(kept) + len(chunk) > MiB:
                raise _Reject(f"{part.name} 过大，不是正常的 .xlsx")
            kept += chunk
        if first:
            first = False
            chunk = chunk.removeprefix(_UTF8_BOM)
        if is_xml is None:
            chunk = chunk.lstrip(_SPACE)
            if not chunk:
                continue
            is_xml = _check_encoding(part.name, chunk)
        if not is_xml:
            continue  # text before any tag: no XML parser reads this part
        if prolog is not None:
            prolog += chunk
            if _root_start(part.name, prolog) >= 0:
                prolog = None
            elif len(prolog) > limits.max_tag_bytes:
                raise _Reject(f"{part.name} 的 XML 开头部分（声明与注释）超长，已拒收")
        buffer += chunk
        # Complete tags end at the last '>'; a tag still open at the buffer's end waits for the next chunk.
        end = buffer.rfind(b">")
        if end >= 0:
            state.feed(buffer[:end + 1], part.name, limits)
            buffer = buffer[end + 1:]
        open_at = buffer.rfind(b"<")
        buffer = buffer[open_at:] if open_at >= 0 else buffer[-16:]
        if len(buffer) > limits.max_tag_bytes:
            raise _Reject(f"{part.name} 中有一个 XML 标签超长（超过 {limits.max_tag_bytes // 1024} KB），已拒收")
    return (state.extent if state.seen_sheet_data else None), bytes(kept)


def _root_start(name: str, data: bytes) -> int:
    """Where the root element starts in the first bytes of an XML part; -1 while it is not in them yet.

    XML allows a document type declaration (and with it entities) only in the prolog, before the root element;
    after that every parser refuses the part as malformed. So the prolog is what is searched: the XML
    declaration, processing instructions and comments are passed over, any other <!…> there is refused.
    """
    at = data.find(b"<")
    while at >= 0:
        if len(data) - at < 4 and b"<!--".startswith(data[at:]):
            return -1  # "<", "<!" or "<!-" at the end: the next bytes say what it is
        if data.startswith(b"<?", at):
            end = data.find(b"?>", at + 2)
        elif data.startswith(b"<!--", at):
            end = data.find(b"-->", at + 4)
        elif data.startswith(b"<!", at):
            raise _Reject(f"{name} 含有 DOCTYPE/ENTITY 声明（可用于实体炸弹或读取本机文件），已拒收；"
                          "Excel 和 WPS 保存的文件不会有这种内容")
        else:
            return at
        if end < 0:
            return -1
        at = data.find(b"<", end + 2)
    return -1


def _check_encoding(name: str, head: bytes) -> bool:
    """Return True when a part is XML; refuse XML that is not UTF-8 (byte scans could not see into it)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:2] in (b"<\x00", b"\x00<"):
        raise _Reject(f"{name} 是 UTF-16 编码的 XML，Excel 和 WPS 不会这样保存；已拒收")
    text = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    stripped = text.lstrip(b" \t\r\n")
    if not stripped.startswith(b"<"):
        return False
    match = _ENCODING.match(text)
    if match and match.group(1).lower().replace(b"_", b"-") not in (b"utf-8", b"utf8"):
        raise _Reject(f"{name} 声明的编码是 {match.group(1).decode('ascii', 'replace')}，不是 UTF-8；已拒收")
    return True


class _SheetState:
    """Follow <sheetData>, <row> and <c> tags as a reader would, to know how far the cells reach.

    Excel, WPS, LibreOffice and the program write an address on every row and cell, so the usual
    path collects them with a few C-speed regex scans per chunk. Rows or cells without an address
    (allowed by the format) take the exact, slower path, for a bounded number of tags.
    """

    def __init__(self):
        self.seen_sheet_data = False
        self.row = 0
        self.column = 0
        self.unaddressed = 0
        self.extent = SheetExtent()

    def feed(self, data: bytes, name: str, limits: Limits) -> None:
        if not self.seen_sheet_data:
            for match in dimension_tags(data):  # calamine parses them and fails on garbage
                if not _RANGE.match(match.group(1)):
                    raise _Reject(f"{name} 的 <dimension> 写着无效的范围 "
                                  f"\"{match.group(1)[:20].decode('ascii', 'replace')}\"，文件已损坏或被篡改")
            at = _sheet_data_start(data)
            if at < 0:
                return
            self.seen_sheet_data = True
            data = data[at:]
        if _PREFIXED_TAG.search(data) is None:
            # One scan for rows and one for cells find every tag; where each has its address first, that is all.
            row_refs, cell_refs = _ROW_ANY.findall(data), _CELL_ANY.findall(data)
            rows, cells = len(row_refs), len(cell_refs)
            numbers, letters, cell_rows = set(row_refs), *_split(cell_refs)
            fast = b"" not in numbers and b"" not in letters
        else:
            rows, cells = len(_ROW_TAG.findall(data)), len(_CELL_TAG.findall(data))
            fast = False
        if fast:
            self._addressed(numbers, letters, cell_rows, name, limits)
            # Where the last tag left off, in case the next chunk has tags without addresses.
            last_row = data.rfind(b'<row r="') if row_refs else -1
            if row_refs:
                self.row, self.column = int(row_refs[-1]), 0
            if cell_refs and data.rfind(b'<c r="') > last_row:
                self.column, self.row = _column_number(cell_refs[-1][0].decode("ascii")), int(cell_refs[-1][1])
        else:
            row_refs = _ROW_REF.findall(data)
            cell_refs = _CELL_REF_TAG.findall(data) if len(row_refs) == rows else []
            if len(row_refs) == rows and len(cell_refs) == cells:
                self._addressed(set(row_refs), *_split(cell_refs), name, limits)
                self._left_off(data)
            else:
                self.unaddressed += rows + cells
                if self.unaddressed > limits.max_unaddressed:
                    raise _Reject(f"{name} 有大量没有地址的单元格（超过 {limits.max_unaddressed:,} 个），不是正常的月报")
                self._exact(data, name, limits)
        self.extent.cells += cells
        formulas, with_results = formula_tags(data)
        self.extent.formulas += formulas
        self.extent.with_results += with_results
        self._check_area(name, limits)

    def _addressed(self, row_numbers: set[bytes], letters: set[bytes], cell_rows: set[bytes], name: str,
                   limits: Limits) -> None:
        """Take the extent from the distinct row numbers, cell column letters and cell row numbers seen."""
        if row_numbers:
            low, top = _bounds(row_numbers)
            if top > limits.max_rows:
                raise _Reject(f"{name} 的行号 {top} 超出 Excel 的上限 {limits.max_rows}，文件已损坏或被篡改")
            if low < 1:
                raise _Reject(f"{name} 中有无效的行号 {low}（Excel 的行号从 1 开始），文件已损坏或被篡改")
            self.extent.rows = max(self.extent.rows, top)
        if letters:
            widest = max(map(_letters_number, letters))
            if not 1 <= widest <= limits.max_columns:
                raise _Reject(f"{name} 的列号 {widest} 超出 Excel 的上限 {limits.max_columns}，文件已损坏或被篡改")
            low, deepest = _bounds(cell_rows)
            if deepest > limits.max_rows:
                raise _Reject(f"{name} 的单元格行号 {deepest} 超出 Excel 的行数上限 {limits.max_rows}，文件已损坏或被篡改")
            if low < 1:
                raise _Reject(f"{name} 中有无效的单元格行号 {low}（Excel 的行号从 1 开始），文件已损坏或被篡改")
            self.extent.rows = max(self.extent.rows, deepest)
            self.extent.columns = max(self.extent.columns, widest)

    def _left_off(self, data: bytes) -> None:
        """Where the last row or cell tag left off, in case the next chunk has tags without addresses."""
        last_row = deque(_ROW_TAG.finditer(data), maxlen=1)  # the last match, found at C speed
        last_cell = deque(_CELL_TAG.finditer(data), maxlen=1)
        row_at = last_row[0].start() if last_row else -1
        if last_row:
            ref = _ATTR_R.search(data, row_at, data.find(b">", row_at) + 1)
            self.row, self.column = (int(ref.group(1)) if ref and ref.group(1).isdigit() else self.row), 0
        if last_cell and last_cell[0].start() > row_at:
            at = last_cell[0].start()
            ref = _ATTR_R.search(data, at, data.find(b">", at) + 1)
            m = _CELL_ADDRESS.match(ref.group(1).decode("ascii", "replace")) if ref else None
            if m:
                self.column, self.row = _column_number(m.group(1)), int(m.group(2))

    def _exact(self, data: bytes, name: str, limits: Limits) -> None:
        for match in _TAG.finditer(data):
            closing, tag, attrs, _ = match.groups()
            if closing or tag == b"sheetData":
                continue
            ref = _ATTR_R.search(attrs)
            if tag == b"row":
                self.row = self._row_number(ref, name, limits)
                self.column = 0
                self.extent.rows = max(self.extent.rows, self.row)
            else:
                self.column = self._cell_column(ref, name, limits)
                self.extent.columns = max(self.extent.columns, self.column)
                self.extent.rows = max(self.extent.rows, self.row)
            self._check_area(name, limits)

    def _check_area(self, name: str, limits: Limits) -> None:
        if self.extent.rows * self.extent.columns > limits.max_sheet_cells:
            raise _Reject(f"{name} 的单元格范围过大（{self.extent.rows} 行 × {self.extent.columns} 列），"
                          "不是正常的月报；请删除多余的行列后再发送")

    def _row_number(self, ref, name: str, limits: Limits) -> int:
        if ref is None:
            number = self.row + 1
        else:
            text = ref.group(1).strip()
            if not text.isdigit() or len(text) > 10:
                raise _Reject(f"{name} 中有无效的行号 r=\"{text[:20].decode('ascii', 'replace')}\"，文件已损坏")
            number = int(text)
        if not 1 <= number <= limits.max_rows:
            raise _Reject(f"{name} 的行号 {number} 超出 Excel 的上限 {limits.max_rows}，文件已损坏或被篡改")
        return number

    def _cell_column(self, ref, name: str, limits: Limits) -> int:
        if ref is None:
            column = self.column + 1
        else:
            text = ref.group(1).decode("ascii", "replace").strip()
            m = _CELL_ADDRESS.match(text)
            if not m:
                raise _Reject(f"{name} 中有无效的单元格地址 \"{text[:20]}\"，文件已损坏")
            column = _column_number(m.group(1))
            row = int(m.group(2))
            if not 1 <= row <= limits.max_rows:
                raise _Reject(f"{name} 的单元格 {text} 超出 Excel 的行数上限 {limits.max_rows}，文件已损坏或被篡改")
            self.row = row
        if not 1 <= column <= limits.max_columns:
            raise _Reject(f"{name} 的列号 {column} 超出 Excel 的上限 {limits.max_columns}，文件已损坏或被篡改")
        return column


def dimension_tags(data: bytes):
    """Yield what _DIMENSION.finditer(data) yields, trying the pattern only where 'dimension' occurs.

    The pattern tried at every '<' of a sheet costs more than the rest of its scan. A match starts at the
    last '<' before its 'dimension' (a prefix holds no '<'), so trying there, skipping starts inside the
    previous match as finditer does, finds the same matches.
    """
    end = 0
    at = data.find(b"dimension")
    while at >= 0:
        start = data.rfind(b"<", 0, at)
        if start >= end:
            match = _DIMENSION.match(data, start)
            if match:
                yield match
                end = match.end()
        at = data.find(b"dimension", at + 1)


def _sheet_data_start(data: bytes) -> int:
    """Where the first <sheetData> tag starts (with or without a namespace prefix, as readers accept it), or -1."""
    at = data.find(b"sheetData")
    while at >= 0:
        start = data.rfind(b"<", 0, at)
        if start >= 0 and _SHEET_DATA.match(data, start):
            return start
        at = data.find(b"sheetData", at + 1)
    return -1


_FIRST, _SECOND = itemgetter(0), itemgetter(1)


def _split(cell_refs: list[tuple[bytes, bytes]]) -> tuple[set[bytes], set[bytes]]:
    """The distinct column letters and the distinct row numbers of cell addresses, at C speed."""
    return set(map(_FIRST, cell_refs)), set(map(_SECOND, cell_refs))


def _bounds(numbers: set[bytes]) -> tuple[int, int]:
    """The lowest and highest of distinct decimal numbers."""
    values = list(map(int, numbers))
    return min(values), max(values)


@lru_cache(maxsize=4096)
def _letters_number(letters: bytes) -> int:
    """_column_number of an address's ASCII letters, remembered: every sheet has the same few columns."""
    return _column_number(letters.decode("ascii"))


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _check_content_types(data: bytes) -> None:
    """The workbook part is declared a spreadsheet (not a Word file or something renamed)."""
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise _Reject(f"[Content_Types].xml 不是有效的 XML（{exc}），文件已损坏") from None
    declared = None
    for el in root:
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "Override" and el.get("PartName", "").lower() == "/xl/workbook.xml":
            declared = el.get("ContentType", "")
    if declared is None:
        raise _Reject("[Content_Types].xml 没有声明 xl/workbook.xml 的类型，不是正常的 .xlsx")
    if declared not in WORKBOOK_TYPES:
        raise _Reject(f"xl/workbook.xml 被声明为 {declared[:100]}，不是 Excel 工作簿")
