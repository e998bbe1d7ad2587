"""District merge: check returned workbooks completely, then store the good ones in one transaction.

``merge(files)`` first reads every file without touching the database (``reports.filecheck`` before
any parser, then the Excel reader), then decides each file inside one transaction, each in its own
savepoint: the unit must be a township of this district, the period and form versions known, the
hard rules pass (checked by the core on the data as it would be stored), and the file is compared
with what this database already holds for that township and month:

- ``accepted``: nothing held yet;
- ``replaced``: a newer revision (or any new content after the reviewer reopened the return); the
  older record stays in history as ``superseded``;
- ``duplicate``: the same return id with the same content hash, or content identical to what is held
  (a file re-saved by Excel or LibreOffice has other bytes but the same data): ignored;
- ``conflict``: different content that is not a newer revision; nothing is overwritten, the copy is
  kept as a ``conflict`` record for the reviewer to keep the old one or take the new one;
- ``rejected``: with reasons naming file, sheet and cell; nothing of the file is stored. The refusal
  itself is written to the audit log (as every refused write in this program is).

``dry_run`` runs exactly the same steps and rolls the transaction back. An error or an interruption
anywhere rolls everything back, so the database is exactly as before.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from python_calamine import CalamineError

from forms import get_form
from forms.registry import FORM_IDS
from forms.schema import Form
from forms.validate import Finding
from models import db as m
from models import rawsql
from models.audit import audit, audit_line, write_audit
from models.auth import require
from models.entries import (
    MonthWriter,
    canonical_json,
    has_values,
    hold_month,
    is_locked,
    lock_reason,
    locked_units,
    month_rows,
    placed_findings,
    plan_task_rows,
    replace_period_data,
)
from models.errors import DataError, LiangxinError, LockedError
from models.periods import check_period, period_label
from models.units import LEVELS, add_unit, check_unit_fields, own_unit, required_own_unit, stored_plan
from reports.changes import describe, differences
from reports.filecheck import FileCheck, FileRejected, check_file
from reports.returnfile import CellProblem, ReturnFile
from reports.xlsx_layout import row_identity

VERDICTS = ("accepted", "replaced", "duplicate", "conflict", "rejected")
VERDICT_LABELS = {"accepted": "已接收", "replaced": "已替换旧版", "duplicate": "重复（已忽略）",
                  "conflict": "冲突（待审核员决定）", "rejected": "拒收"}
FLAG_LABELS = {
    "edited_after_export": "导出后被修改过（内容与文件中的校验值不符），请与填报单位核实",
    "template": "手工填写的空白模板",
    "soft_failures": "有核实性问题，已随报表接收（见填报单位的说明）",
    "unexplained": "其中有核实性问题未填写说明",
    "unit_added": "新的下级单位，已按审核员确认加入",
    "reopened_before": "替换了审核员退回的报表",
    "older_base": "2023年基数与较新月份的报表不同，未采用",
}
HELD = ("current", "reopened")  # statuses of the one record a township's month is taken from
EXCEL_CELL_LIMIT = 32_767  # characters Excel keeps in one cell
MAX_REASON = 300  # characters of one reason kept in the audit log
MAX_DIFFERENCES = 10  # differences from the held data listed among a replacing or conflicting file's reasons
CHECK_BATCH = 64  # files checked before they are read (see _checked_batches)
CHECK_BATCH_BYTES = 4 * 1024 * 1024


class MergeCancelled(LiangxinError):
    """The reviewer cancelled a merge; nothing was stored."""


@dataclass
class MergeResult:
    """The verdict on one file, with what it is and why."""

    file: str
    verdict: str = "rejected"
    unit_code: str = ""
    unit_name: str = ""
    period: str = ""
    form_ids: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    revision: int | None = None
    return_uuid: str | None = None
    problems: list[CellProblem] = field(default_factory=list)

    def to_json(self) -> dict:
        """Return the result as `liangxin merge --json` prints it."""
        return {"file": self.file, "verdict": self.verdict, "unit_code": self.unit_code, "unit_name": self.unit_name,
                "period": self.period, "form_ids": self.form_ids, "revision": self.revision,
                "return_uuid": self.return_uuid, "reasons": self.reasons, "flags": self.flags}

    def reject(self, *problems: CellProblem | str) -> MergeResult:
        """Mark the file rejected for these reasons."""
        self.verdict = "rejected"
        for p in problems:
            if isinstance(p, CellProblem):
                self.problems.append(p)
                self.reasons.append(str(p))
            else:
                self.reasons.append(f"{Path(self.file).name}: {p}")
        return self

    def flag(self, name: str, reason: str | None = None) -> None:
        """Add a flag (once), with the line the reviewer sees."""
        if name not in self.flags:
            self.flags.append(name)
            text = reason or FLAG_LABELS.get(name, name)
            self.reasons.append(text)


class _Rejected(Exception):
    """Internal: stop deciding a file; it is rejected for the reasons already recorded."""


Progress = Callable[[int, int, str], bool | None]


def merge(files: Iterable[str | Path | ReturnFile], *, dry_run: bool = False, user: str = "",
          confirm_unknown_units: bool = False, progress: Progress | None = None) -> list[MergeResult]:
    """Check every file, then store the good ones in one transaction; return one result per file.

    files are paths (checked and read here) or ReturnFile objects already read. progress is called as
    progress(done, total, file name); returning False cancels the merge (MergeCancelled, nothing stored).
    """
    items = list(files)
    total = len(items) * 2
    actor = user if dry_run else require("merge", user=user)
    read: list[tuple[MergeResult, ReturnFile | None]] = []
    for batch in _checked_batches(items):
        for item, checked in batch:
            result, rf = _read(item, checked)
            read.append((result, rf))
            _tick(progress, len(read), total, result.file)
    own = required_own_unit()
    # Oldest revision first within a township's month, so a batch holding r1 and r2 ends with r2 held.
    order = sorted((i for i, (_, rf) in enumerate(read) if rf is not None),
                   key=lambda i: (str(read[i][1].unit_code), str(read[i][1].period), read[i][1].kind == "return",
                                  read[i][1].revision or 0))
    writer = MonthWriter(user=actor, action="merge")  # the plan and the login state, looked up once
    # The audit lines of the files stored, written together at the end (one statement per hundred lines, not
    # two per file); a file's lines join them only once its savepoint holds.
    lines: list[dict] = []
    held: set[str] = set()
    with m.database.atomic() as transaction:
        for n, i in enumerate(order):
            result, rf = read[i]
            if rf.period not in held and _is_period(rf.period):
                # Until this merge commits, this unit's own month (whose sums it changes) is not submitted on another
                # PC; taken outside the file's savepoint, which would give it up with a rejected file.
                hold_month(own.code, rf.period)
                held.add(rf.period)
            try:
                with m.database.atomic():  # a rejected file leaves nothing behind, not even a unit it added
                    stored = _decide(result, rf, own, writer, actor=actor, confirm_unknown_units=confirm_unknown_units)
                lines += stored
            except _Rejected:
                result.verdict = "rejected"
            _tick(progress, len(items) + n + 1, total, result.file)
        for result, _ in read:
            if result.verdict == "rejected":
                key = f"{result.unit_code}/{result.period}" if result.unit_code and result.period else ""
                lines.append(audit_line(
                    "refused:merge", "return", key or Path(result.file).name[:200], new=Path(result.file).name,
                    reason="\n".join(r[:MAX_REASON] for r in result.reasons[:20]), user=actor))
        write_audit(lines)
        if dry_run:
            transaction.rollback()
    return [r for r, _ in read]


def _is_period(period: str) -> bool:
    try:
        check_period(period)
    except DataError:
        return False
    return True


def _tick(progress: Progress | None, done: int, total: int, name: str) -> None:
    if progress is not None and progress(done, total, Path(name).name) is False:
        raise MergeCancelled("合并已取消，未保存任何内容")


# ---- reading ------------------------------------------------------------------------------------


def _checked_batches(items: list) -> Iterator[list[tuple[object, FileCheck | FileRejected | None]]]:
    """Yield the items in batches, each with its file check: a FileCheck, the FileRejected, or None (a ReturnFile).

    Every file of a batch is checked before any of them is read: checking and reading file by file, each
    evicting what the other had warm, costs the merge ~5 % more (bench/bench_merge.py, 200 returns). A batch
    holds at most CHECK_BATCH files and about CHECK_BATCH_BYTES of what their checks keep, so memory stays bounded.
    """
    batch: list[tuple[object, FileCheck | FileRejected | None]] = []
    weight = 0
    for item in items:
        checked: FileCheck | FileRejected | None = None
        if not isinstance(item, ReturnFile):
            try:
                checked = check_file(item)
            except FileRejected as exc:
                checked = exc
            else:
                weight += sum(map(len, checked.kept.values())) + 200 * len(checked.parts)
        batch.append((item, checked))
        if len(batch) >= CHECK_BATCH or weight >= CHECK_BATCH_BYTES:
            yield batch
            batch, weight = [], 0
    if batch:
        yield batch


def _read(item: str | Path | ReturnFile, checked: FileCheck | FileRejected | None) -> tuple[MergeResult, ReturnFile | None]:
    """Read one file (checked by check_file) without touching the database; a problem rejects it with the reasons."""
    if isinstance(item, ReturnFile):
        result = MergeResult(file=str(item.path))
        rf = item
    else:
        result = MergeResult(file=str(item))
        if isinstance(checked, FileRejected):
            return result.reject(*checked.problems), None
        try:
            rf = _reader()(Path(item), checked=checked)
        except LiangxinError as exc:
            return result.reject(*_problems_of(exc, item)), None
        except CalamineError as exc:  # the spreadsheet library found the workbook's XML broken
            return result.reject(f"工作簿内容已损坏，无法读取（{type(exc).__name__}: {str(exc)[:200]}）；"
                                 "请对方用 Excel 或 WPS 打开、另存后重新发送"), None
        except Exception as exc:  # a reader bug must not stop the other files; say so plainly
            return result.reject(f"无法读取该文件（程序内部错误：{type(exc).__name__}: {str(exc)[:200]}），"
                                 "请把文件交给技术人员"), None
    result.unit_code, result.unit_name = str(rf.unit_code or ""), str(rf.unit_name or "")
    result.period, result.revision = str(rf.period or ""), rf.revision
    result.return_uuid = rf.return_uuid
    result.form_ids = [f for f in FORM_IDS if f in (rf.form_versions or {})] + sorted(
        f for f in (rf.form_versions or {}) if f not in FORM_IDS)
    try:
        _check_content(result, rf)
    except _Rejected:
        return result, None
    return result, rf


def _reader():
    from reports.xlsx_reader import read_return  # the Excel reader (issue 3), imported when first needed

    return read_return


def _problems_of(exc: Exception, path) -> list[CellProblem]:
    problems = list(getattr(exc, "problems", None) or [])
    return problems or [CellProblem(str(path), "", "", str(exc))]


def _check_content(result: MergeResult, rf: ReturnFile) -> None:
    """What can be checked without the database: period, form versions, row shapes, cell sizes."""
    problems: list[str | CellProblem] = []
    try:
        check_period(rf.period)
    except DataError:
        problems.append(f"报告期 {rf.period!r} 无效，应为 2025-10 这样的月份")
    else:
        if rf.period > _this_month():
            problems.append(f"报告期 {period_label(rf.period)} 尚未到来，不能报送")
    if rf.kind not in ("return", "template"):
        problems.append(f"文件类型 {rf.kind!r} 不是月报或空白模板")
    versions = rf.form_versions or {}
    if not versions:
        problems.append("文件中没有任何报表")
    elif missing := [get_form(f) for f in FORM_IDS if f not in versions]:
        # A month is stored whole: a return without 表3 would replace the held 表3 with nothing.
        problems.append("文件中缺少" + "、".join(f"{f.sheet_name}（{f.title}）" for f in missing)
                        + "；每份报表须包含全部各表，请对方用本程序重新导出")
    for form_id, version in versions.items():
        if form_id not in FORM_IDS:
            problems.append(f"文件中的报表 {form_id!r} 本程序不认识；请使用本程序导出的报表或空白模板")
            continue
        form = get_form(form_id)
        if version != form.version:
            newer = "更新" if version > form.version else "更旧"
            problems.append(f"{form.sheet_name}（{form.form_code}）是第 {version} 版，比本程序的第 {form.version} 版"
                            f"{newer}；请双方使用同一版本的程序或模板")
    for form_id, rows in (rf.data or {}).items():
        if form_id not in versions:
            problems.append(f"数据中的报表 {form_id!r} 没有登记在文件的报表清单中")
            continue
        if form_id not in FORM_IDS:
            continue
        form = get_form(form_id)
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            problems.append(f"{form.sheet_name} 的数据无法识别")
            continue
        problems += _long_texts(rf, form, rows)
    if problems:
        result.reject(*problems)
        raise _Rejected


def _this_month() -> str:
    """Return this calendar month: a month can be reported from its own last days on."""
    today = dt.date.today()
    return f"{today.year}-{today.month:02d}"


def _long_texts(rf: ReturnFile, form: Form, rows: list[dict]) -> list[CellProblem]:
    out = []
    for i, row in enumerate(rows):
        for key, value in row.items():
            if isinstance(value, str) and len(value) > EXCEL_CELL_LIMIT:
                label = form.field(key).label if key in {f.key for f in form.fields} else key
                out.append(CellProblem(str(rf.path), form.sheet_name, _cell(form, i, key),
                                       f"{label} 有 {len(value):,} 个字符，超过 Excel 单元格上限 {EXCEL_CELL_LIMIT:,}"))
    return out[:10]


def _cell(form: Form, index: int, key: str) -> str:
    """Return the cell where row `index` (0-based, in the file's order) of a field sits in the program's layout."""
    from xlsxwriter.utility import xl_rowcol_to_cell

    from reports.xlsx_layout import sheet_layout

    layout = sheet_layout(form)
    try:
        column = layout.column(key).index
    except KeyError:
        return f"第{index + 1}行"
    return xl_rowcol_to_cell(layout.first_data_row + index, column)


# ---- deciding, inside the merge's transaction ---------------------------------------------------


@dataclass(frozen=True)
class _Record:
    """What deciding a file needs of a return record already held for its township and month."""

    uuid: str
    status: str
    content_hash: str
    revision: int


def _records(code: str, period: str) -> list[_Record]:
    """The return records of a township's month, oldest first."""
    cursor = rawsql.execute('SELECT "uuid", "status", "content_hash", "revision" FROM "return_record" '
                            'WHERE "unit_id" = ? AND "period" = ? ORDER BY "created_at", "revision"', (code, period))
    return [_Record(*row) for row in cursor.fetchall()]


def _has_entries(code: str, period: str) -> bool:
    return rawsql.execute('SELECT 1 FROM "entry" WHERE "unit_id" = ? AND "period" = ? LIMIT 1',
                          (code, period)).fetchone() is not None


def _decide(result: MergeResult, rf: ReturnFile, own: m.OrgUnit, writer: MonthWriter, *, actor: str,
            confirm_unknown_units: bool) -> list[dict]:
    """Give one file its verdict; store what the verdict calls for (inside the caller's savepoint).

    Returns the audit lines of what was stored, for the caller to write in the same transaction.
    """
    lines: list[dict] = []
    _check_unit(result, rf, own, actor=actor, confirm=confirm_unknown_units)
    _check_plan(result, rf)
    code, period = rf.unit_code, rf.period
    locked = locked_units(period, own.code, code)
    if own.code in locked:
        result.reject(f"本单位 {own.name} {period_label(period)} 已报送锁定，不能再并入下级报表；"
                      f"{lock_reason(own.code, period)}")
        raise _Rejected
    if code in locked:
        result.reject(f"{result.unit_name or code} {period_label(period)} 在本库中已锁定：{lock_reason(code, period)}")
        raise _Rejected
    records = _records(code, period)
    held = next((r for r in records if r.status in HELD), None)
    verdict, why = _verdict(rf, records, held, _has_entries(code, period))
    if verdict != "duplicate":
        data = {form_id: _reported_rows(form_id, rf.data.get(form_id, [])) for form_id in FORM_IDS}
        # What the file would change, for the reviewer deciding a conflict or seeing what a new revision corrected.
        before = month_rows(unit_code=code, period=period) if verdict in ("conflict", "replaced") else None
        if verdict == "conflict":
            with m.database.atomic() as savepoint:
                # The core checks the data as it would be stored; a conflict's copy is checked, then rolled back
                # (and so are the audit lines of that storing).
                findings, event_rows = _apply(result, rf, data, writer, [])
                _note_findings(result, rf, findings, event_rows)
                _note_differences(result, before, held)
                savepoint.rollback()
            lines.append(_store_conflict(result, rf, held, actor, why))
        else:  # inside the caller's savepoint, which a rejection rolls back
            findings, event_rows = _apply(result, rf, data, writer, lines)
            _note_findings(result, rf, findings, event_rows)
            if before is not None:
                _note_differences(result, before, held)
            lines.append(_store(result, rf, held, verdict, actor))
    result.verdict = verdict
    if why:
        result.reasons.insert(0, why)
    if rf.kind == "template":
        result.flag("template")
    if rf.edited_after_export:
        result.flag("edited_after_export")
    for warning in rf.warnings:
        result.reasons.append(str(warning))
    return lines


@dataclass(frozen=True)
class _Unit:
    code: str
    name: str
    parent_id: str | None


def _check_plan(result: MergeResult, rf: ReturnFile) -> None:
    """The tasks the file lists must be this plan's: a township that chose another work plan in its first-run setup
    would otherwise have its progress filed against this plan's tasks of the same number."""
    listed = dict(rf.row_identities.get("tasks", ()))
    if not listed:
        return  # no metadata: rows are matched by their printed texts or positions, with a warning
    ours = _plan_identities(rf.period)
    differing = [key for key, identity in listed.items() if ours.get(key) != identity]
    if differing or len(listed) != len(ours):
        plan = stored_plan()
        result.reject(f"表1 的重点任务与本单位的工作方案《{plan.title}》不一致（{len(listed)} 项任务，其中 "
                      f"{len(differing)} 项的序号、名称、牵头单位或目标不同）：对方可能在首次设置时选了别的工作方案；"
                      "请对方在“设置”中核对工作方案，改用本方案后重新导出")
        raise _Rejected


_IDENTITIES: list[tuple[object, str, dict[str, str]]] = []  # (plan, period, identities): one merge's few months


def _plan_identities(period: str) -> dict[str, str]:
    """Each task row's fingerprint as this database's plan prints it for the month (as the export writes it)."""
    plan = stored_plan()
    for cached_plan, cached_period, identities in _IDENTITIES:
        if cached_plan is plan and cached_period == period:
            return identities
    form = get_form("tasks")
    identities = {key: row_identity(form, values) for key, values in plan_task_rows(period)}
    _IDENTITIES[:] = [*_IDENTITIES[-11:], (plan, period, identities)]
    return identities


def _check_unit(result: MergeResult, rf: ReturnFile, own: m.OrgUnit, *, actor: str, confirm: bool) -> None:
    """The unit must be a township (a unit directly under) of this database's own unit."""
    code = rf.unit_code
    row = rawsql.execute('SELECT "code", "name", "parent_id" FROM "org_unit" WHERE "code" = ?', (code,)).fetchone()
    unit = _Unit(*row) if row else None
    name = (rf.unit_name or code)[:60]
    if unit is None:
        level = LEVELS[LEVELS.index(own.level) - 1] if own.level != LEVELS[0] else own.level
        try:  # a code no unit can have is refused now, not first offered for confirmation
            check_unit_fields(code, rf.unit_name or code, level)
        except DataError as exc:
            result.reject(f"文件记载的填报单位不能使用：{exc}")
            raise _Rejected from None
        if rf.parent_code and rf.parent_code != own.code:  # another district's township: no confirming makes it ours
            result.reject(f"单位 {code}（{name}）不是本单位的下级单位：文件记载的上级单位是 {rf.parent_code}，"
                          f"不是本单位 {own.code}（{own.name}）；这份报表应报给它的上级单位")
            raise _Rejected
        if own.level == LEVELS[0]:
            result.reject(f"本单位 {own.name} 是镇街，没有下级单位，不能合并报表")
            raise _Rejected
        if not confirm:
            result.reject(f"单位 {code}（{name}）不在本单位 {own.name} 的下级单位名单中；核实确是新的下级单位后，"
                          "可确认加入（汇总合并页的“确认加入并汇总”，或 liangxin merge --confirm-unknown）")
            result.flags.append("unknown_unit")  # the merge page offers to confirm these files
            raise _Rejected
        try:
            add_unit(code=code, name=name, level=level, parent_code=own.code, user=actor)
        except DataError as exc:
            result.reject(f"不能加入单位 {code}：{exc}")
            raise _Rejected from None
        result.flag("unit_added", f"新的下级单位 {code}（{name}）已按审核员确认加入")
        return
    if unit.code == own.code:
        result.reject(f"这是本单位 {own.name} 自己的报表，不是下级单位的报表")
        raise _Rejected
    if unit.parent_id != own.code:
        result.reject(f"单位 {code}（{unit.name}）不是本单位 {own.name} 的下级单位（其上级是 {unit.parent_id or '无'}）")
        raise _Rejected
    result.unit_name = unit.name
    if rf.parent_code and rf.parent_code != own.code:
        result.reasons.append(f"注意：文件中记载的上级单位是 {rf.parent_code}，本库中是 {own.code}")


def _reported_rows(form_id: str, rows: list[dict]) -> list[dict]:
    """A form's rows, leaving out fixed rows with nothing filled in; event rows are copies (they are given keys).

    An empty row of 表3 would otherwise be stored as 0 (its blanks count as 0), so the district's copy
    would no longer be what the township reported — and no longer hash the same. Fixed rows are only read
    from here on, so they are not copied.
    """
    if get_form(form_id).rows == "events":
        return [dict(r) for r in rows]
    return [r for r in rows if has_values(r)]


def _apply(result: MergeResult, rf: ReturnFile, data: dict, writer: MonthWriter,
           lines: list[dict]) -> tuple[list[Finding], dict[str, int]]:
    """Store the data (inside the caller's savepoint) and return the core's findings on it, as validate_period gives them.

    The storing's audit lines are added to lines, for the caller to write.
    """
    event_rows: dict[str, int] = {}
    for form_id in FORM_IDS:
        if get_form(form_id).rows == "events":
            rows = data[form_id]
            for i, (row, key) in enumerate(zip(rows, _random_uuids(len(rows)), strict=True)):
                # Our own keys for event rows, so a finding can be traced back to the row in the file.
                row["row_key"] = key
                event_rows[key] = i
    try:
        findings = writer.replace(unit_code=rf.unit_code, period=rf.period, data=data, validate=True, audit=lines)
    except (DataError, LockedError) as exc:  # locked: submitted on another PC since _decide looked
        result.reject(CellProblem(str(rf.path), "", "", str(exc)))
        raise _Rejected from None
    if writer.bases_kept:
        later, labels = writer.bases_kept
        result.flag("older_base", f"本文件的2023年基数（{'、'.join(labels)}）与已收到的{period_label(later)}报表不同，"
                                  f"未采用，仍按{period_label(later)}的基数")
    hard = [f for f in findings if f.level == "hard"]
    if hard:
        result.reject(*(_finding_problem(rf, f, event_rows) for f in hard[:20]))
        if len(hard) > 20:
            result.reasons.append(f"（另有 {len(hard) - 20} 处强制性错误）")
        raise _Rejected
    return findings, event_rows


def _random_uuids(count: int) -> list[str]:
    """count fresh random UUIDs as str(uuid.uuid4()) writes them, from one call for random bytes instead of count calls."""
    raw = bytearray(os.urandom(16 * count))
    # As uuid.UUID(bytes=…, version=4) sets them: the version in byte 6's high half, the RFC 4122 variant in byte 8's top bits.
    raw[6::16] = raw[6::16].translate(_UUID_VERSION)
    raw[8::16] = raw[8::16].translate(_UUID_VARIANT)
    h = raw.hex()
    return [f"{h[at:at + 8]}-{h[at + 8:at + 12]}-{h[at + 12:at + 16]}-{h[at + 16:at + 20]}-{h[at + 20:at + 32]}"
            for at in range(0, 32 * count, 32)]


_UUID_VERSION = bytes((b & 0x0F) | 0x40 for b in range(256))
_UUID_VARIANT = bytes((b & 0x3F) | 0x80 for b in range(256))


def _finding_problem(rf: ReturnFile, finding: Finding, event_rows: dict[str, int]) -> CellProblem:
    """Name the sheet, cell and row of a finding, in the layout the program writes."""
    form = get_form(finding.form_id)
    index, what = _row_index(form, finding.row_key, event_rows)
    field_label = form.field(finding.field).label if finding.field else ""
    cell = _cell(form, index, finding.field) if finding.field and index is not None else ""
    prefix = f"{what} {field_label}".strip()
    return CellProblem(str(rf.path), form.sheet_name, cell, f"{prefix}：{finding.message}" if prefix else finding.message)


def _row_index(form: Form, row_key: str, event_rows: dict[str, int]) -> tuple[int | None, str]:
    if form.rows == "events":
        i = event_rows.get(row_key)
        return i, (f"第 {i + 1} 项活动" if i is not None else "")
    if form.rows == "indicators":
        keys = [ind.key for ind in form.indicators]
        i = keys.index(row_key) if row_key in keys else None
        return i, (form.indicator(row_key).label if i is not None else row_key)
    plan = stored_plan()
    try:
        seq = int(row_key)
        task = plan.tasks[seq - 1] if plan else None
    except (ValueError, IndexError):
        return None, row_key
    return seq - 1, f"任务 {task.no}" if task else f"第 {seq} 项任务"


def _verdict(rf: ReturnFile, records: list[_Record], held: _Record | None,
             had_entries: bool) -> tuple[str, str]:
    """Compare a checked file with what is held for its township and month."""
    digest = rf.computed_hash
    same_id = next((r for r in records if rf.return_uuid and r.uuid == rf.return_uuid), None)
    if same_id is not None and same_id.content_hash == digest:
        state = {"current": "已接收", "reopened": "已接收，已退回", "superseded": "已被新版替换",
                 "conflict": "待审核员决定", "rejected": "审核员已决定不采用"}.get(same_id.status, same_id.status)
        return "duplicate", f"与已收到的第 {same_id.revision} 版是同一份报表（{state}），内容相同，已忽略"
    if held is not None and held.content_hash == digest:
        return "duplicate", f"内容与已接收的第 {held.revision} 版完全相同，已忽略"
    twin = next((r for r in records if r.status == "conflict" and r.content_hash == digest), None)
    if twin is not None:
        return "duplicate", "内容与一份待审核员决定的冲突副本相同，已忽略"
    if held is not None and held.status == "reopened":  # sent back: whatever comes next replaces it, even a copy
        return "replaced", f"替换了已退回的第 {held.revision} 版"  # edited in Excel (flagged as edited after export)
    if same_id is not None:
        return "conflict", (f"与已收到的第 {same_id.revision} 版是同一份报表（编号相同），但内容不同，"
                            "可能是导出后被修改；未覆盖，请审核员决定")
    if held is None:
        if had_entries:
            return "conflict", "本库中已有该单位该月的数据（不是由报表文件并入的），未覆盖，请审核员决定"
        return "accepted", ""
    if rf.kind == "return" and rf.revision > held.revision:
        return "replaced", f"第 {rf.revision} 版替换了第 {held.revision} 版（旧版保留在历史中）"
    if rf.kind == "template":
        why = "手工填写的模板，与已接收的报表内容不同"
    elif rf.revision < held.revision:
        why = f"这是第 {rf.revision} 版，比已接收的第 {held.revision} 版更旧，且内容不同"
    else:
        why = f"与已接收的第 {held.revision} 版版本号相同（第 {rf.revision} 版）但内容不同"
    return "conflict", why + "；未覆盖，请审核员决定保留哪一份"


def _note_differences(result: MergeResult, before: dict, held: _Record | None) -> None:
    """List what the file changes in the month as stored before it (read again after storing it)."""
    found = differences(before, month_rows(unit_code=result.unit_code, period=result.period))
    against = f"较已接收的第 {held.revision} 版" if held is not None else "较本库中已有的数据"
    if not found:
        result.reasons.append(f"{against}：数值和选项相同，只有文字栏目不同")
        return
    result.reasons += [f"{against}：{describe(c)}" for c in found[:MAX_DIFFERENCES]]
    if len(found) > MAX_DIFFERENCES:
        result.reasons.append(f"{against}：另有 {len(found) - MAX_DIFFERENCES} 处不同")


def _note_findings(result: MergeResult, rf: ReturnFile, findings: list[Finding], event_rows: dict[str, int]) -> None:
    soft = [f for f in findings if f.level == "soft"]
    if not soft:
        return
    explanations = _explanations(rf, event_rows)
    unexplained = False
    for f in soft:
        problem = _finding_problem(rf, f, event_rows)
        said = explanations.get((f.form_id, f.row_key), "")
        unexplained |= not said
        result.reasons.append(f"{problem}（说明：{said}）" if said else f"{problem}（未填写说明）")
    result.flag("soft_failures")
    if unexplained:
        result.flag("unexplained")


def _explanations(rf: ReturnFile, event_rows: dict[str, int]) -> dict[tuple[str, str], str]:
    """Return each row's 说明 by (form id, row key)."""
    out = {}
    by_index = {i: k for k, i in event_rows.items()}
    for form_id in FORM_IDS:
        form = get_form(form_id)
        for i, row in enumerate(rf.data.get(form_id, [])):
            key = by_index.get(i, "") if form.rows == "events" else str(row.get("row_key", ""))
            text = row.get("explanation")
            if text:
                out[(form_id, key)] = str(text).strip()
    return out


def _insert_record(result: MergeResult, rf: ReturnFile, status: str) -> str:
    """Store the file's return record with a status; return its uuid."""
    record_uuid = _new_uuid(rf)
    # The payload is the month's canonical text, the one its content hash is over: the reader has made it already.
    # It is the reported rows as stored (fixed rows with nothing in them are left out alike), events unkeyed.
    rawsql.insert_rows(m.ReturnRecord, [{
        "uuid": record_uuid, "status": status, "flags": json.dumps(_flags_for(result, rf)),
        "unit": rf.unit_code, "period": rf.period,
        "form_ids": json.dumps([f"{f}@{v}" for f, v in sorted(rf.form_versions.items(), key=lambda kv: _form_order(kv[0]))]),
        "revision": rf.revision, "content_hash": rf.computed_hash, "source": "merge",
        "file_name": Path(rf.path).name, "payload": rf.canonical_text or canonical_json(rf.data)}])
    return record_uuid


def _form_order(form_id: str) -> int:
    return FORM_IDS.index(form_id) if form_id in FORM_IDS else len(FORM_IDS)


def _new_uuid(rf: ReturnFile) -> str:
    """The record's id: the return's own UUID, or a fresh one (templates, or an id already taken)."""
    if rf.return_uuid and rf.kind == "return" and rawsql.execute(
            'SELECT 1 FROM "return_record" WHERE "uuid" = ?', (rf.return_uuid,)).fetchone() is None:
        return rf.return_uuid
    return str(uuid.uuid4())


def _flags_for(result: MergeResult, rf: ReturnFile) -> list[str]:
    flags = list(result.flags)
    if rf.kind == "template":
        flags.append("template")
    if rf.edited_after_export:
        flags.append("edited_after_export")
    return sorted(set(flags))


def _store(result: MergeResult, rf: ReturnFile, held: _Record | None, verdict: str, actor: str) -> dict:
    """Store the return's record (the held one superseded); return its audit line."""
    key = f"{rf.unit_code}/{rf.period}"
    if held is not None:
        if held.status == "reopened":
            result.flag("reopened_before")
        rawsql.execute('UPDATE "return_record" SET "status" = ? WHERE "uuid" = ?', ("superseded", held.uuid))
    record_uuid = _insert_record(result, rf, "current")
    return audit_line("accept" if verdict == "accepted" else "replace", "return", key, old=held.uuid if held else None,
                      new=f"{record_uuid} r{rf.revision} {Path(rf.path).name}", user=actor)


def _store_conflict(result: MergeResult, rf: ReturnFile, held: _Record | None, actor: str, why: str) -> dict:
    """Store the conflicting copy for the reviewer; return its audit line."""
    record_uuid = _insert_record(result, rf, "conflict")
    return audit_line("conflict", "return", f"{rf.unit_code}/{rf.period}", old=held.uuid if held else None,
                      new=f"{record_uuid} r{rf.revision} {Path(rf.path).name}", reason=why, user=actor)


# ---- reviewer decisions -------------------------------------------------------------------------


def pending_conflicts(*, period: str | None = None) -> list[m.ReturnRecord]:
    """Return the conflicting copies waiting for the reviewer, oldest first."""
    query = m.ReturnRecord.select().where(m.ReturnRecord.status == "conflict")
    if period:
        query = query.where(m.ReturnRecord.period == period)
    return list(query.order_by(m.ReturnRecord.created_at))


def resolve_conflict(*, return_uuid: str, take_new: bool, user: str = "", reason: str = "") -> None:
    """Decide a conflict: take the new copy (the held one is superseded) or keep the held one; audited."""
    actor = require("accept", user=user)
    with m.database.atomic():
        record = m.ReturnRecord.get_or_none(m.ReturnRecord.uuid == return_uuid)
        if record is None or record.status != "conflict":
            raise DataError(f"没有编号为 {return_uuid} 的待决冲突")
        code, period = record.unit_id, record.period
        key = f"{code}/{period}"
        held = m.ReturnRecord.get_or_none(m.ReturnRecord.unit == code, m.ReturnRecord.period == period,
                                          m.ReturnRecord.status.in_(HELD))
        if not take_new:
            record.status = "rejected"
            record.save()
            audit("resolve:keep", "return", key, old=record.uuid, new=held.uuid if held else None,
                  reason=reason or "保留原有数据，不采用冲突副本", user=actor)
            return
        own = own_unit()
        for unit in {code, own.code if own else code}:
            if is_locked(unit, period):
                raise DataError(f"{unit} {period_label(period)} 已锁定：{lock_reason(unit, period)}")
        data = json.loads(record.payload)
        replace_period_data(unit_code=code, period=period, data=data, user=actor, action="merge")
        hard = [(place, f) for place, f in placed_findings(unit_code=code, period=period) if f.level == "hard"]
        if hard:
            place, f = hard[0]
            raise DataError(f"{place}：{f.message}（不能采用）")
        if held is not None:
            held.status = "superseded"
            held.save()
        record.status = "current"
        record.save()
        audit("resolve:take", "return", key, old=held.uuid if held else None, new=record.uuid,
              reason=reason or "采用新的副本", user=actor)


def reopen_return(*, unit_code: str, period: str, reason: str, user: str = "") -> None:
    """Send an accepted return back to its township: its next file replaces it whatever its revision."""
    actor = require("reopen", user=user, unit_code=unit_code)
    if not reason or not reason.strip():
        raise DataError("退回须填写理由")
    with m.database.atomic():
        held = m.ReturnRecord.get_or_none(m.ReturnRecord.unit == unit_code, m.ReturnRecord.period == period,
                                          m.ReturnRecord.status == "current", m.ReturnRecord.source == "merge")
        if held is None:
            raise DataError(f"{unit_code} {period_label(period)} 没有已接收的报表可退回")
        held.status = "reopened"
        held.save()
        audit("reopen", "return", f"{unit_code}/{period}", old="current", new="reopened", reason=reason.strip(),
              user=actor)
