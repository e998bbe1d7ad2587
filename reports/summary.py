"""The district's own return (汇总表): the same forms one level up, so the city merges it like any return.

``write_summary`` writes the district's month (reports/district.py: the townships added up) with the Excel
writer's building blocks: 表1–表3, then 表2汇总 (every township's events under a 填报单位 column, and the
合计) and 表3汇总 (本期 with one row per township and a 合计), 审核情况 (every validation finding, the
merge's flags and the district's own findings), 报送情况 (completeness) and 较上月变化 (reports/changes.py).
The workbook carries the return's metadata (unit = the district, next revision, content hash), is recorded
as the district's export, and is written atomically.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from forms import all_forms, get_form
from forms.schema import Field, Form
from models import db as m
from models.entries import Row, row_label
from models.errors import ConflictError
from reports.changes import month_changes, shown_value
from reports.completeness import completeness
from reports.district import EXCEL_CELL_LIMIT, DistrictMonth, district_month
from reports.returns import _write_and_record, next_revision, return_file_name, return_header, row_keys, sheet_rows
from reports.xlsx_layout import with_unit_column
from reports.xlsx_meta import FormRef, ReturnMeta, program_version
from reports.xlsx_writer import SheetRow, SheetSpec

TITLE_SUFFIX = "（汇总）"
LEVEL_LABELS = {"hard": "强制", "soft": "核实", "flag": "标记"}


@dataclass(frozen=True)
class SummaryResult:
    """What `liangxin summary` wrote."""

    path: Path
    revision: int
    return_uuid: str
    content_hash: str
    included: list[str]
    missing: list[str]
    sent_back: list[str] = field(default_factory=list)  # included with the data they had when sent back (退回)


# ---- the extra sheets -------------------------------------------------------------------------


def _text_field(key: str, label: str, width: float, *, multiline: bool = False) -> Field:
    return Field(key=key, label=label, type="text", source="row", width=width, multiline=multiline)


FINDINGS_FORM = Form(
    id="findings", version=1, form_code="两新汇总附表1", sheet_name="审核情况", title="报表审核情况", rows="events",
    measure_unit="—", totals=False,
    fields=(_text_field("unit_name", "填报单位", 16), _text_field("form", "报表", 12), _text_field("row", "行", 20),
            _text_field("field", "栏目", 16), _text_field("level", "类别", 12),
            _text_field("message", "问题", 34, multiline=True), _text_field("explanation", "说明", 30, multiline=True)),
    notes=("1. 类别：强制（须更正）、核实（已附或须附说明）、标记（文件导出后被修改、手工填写的模板、已退回等）。",))

COMPLETENESS_FORM = Form(
    id="completeness", version=1, form_code="两新汇总附表2", sheet_name="报送情况", title="下级单位报送情况",
    rows="events", measure_unit="—", totals=False,
    fields=(_text_field("unit_code", "单位代码", 14), _text_field("unit_name", "填报单位", 16),
            _text_field("state", "报送状态", 14), _text_field("received", "报送时间", 18), _text_field("revision", "版本", 14),
            _text_field("forms", "报表", 18), _text_field("note", "备注", 40, multiline=True)),
    notes=("1. 报送时间为文件并入本库的时间；截止时间为次月5日（可在设置中修改）。",))


CHANGES_FORM = Form(
    id="changes", version=1, form_code="两新汇总附表3", sheet_name="较上月变化", title="下级单位较上月变化情况",
    rows="events", measure_unit="见各栏", totals=False,
    fields=(_text_field("unit_name", "填报单位", 16), _text_field("form", "报表", 8), _text_field("row", "行", 30),
            _text_field("field", "栏目", 14), _text_field("before", "上月", 14), _text_field("after", "本期", 14),
            Field(key="difference", label="增减", type="decimal", width=12),
            Field(key="growth", label="增减幅度", type="percent", width=11),
            _text_field("note", "备注", 20)),
    notes=("1. 表1、表3比较各行填报的数值和选项，表2比较活动场次和各合计栏；文字栏目不比较。",
           "2. 增减幅度 = 本期 ÷ 上月 − 1；上月为0或空时不计算。"))


def _change_rows(period: str) -> list[SheetRow]:
    """Each township's changes since the month before, one per line; a line of note for one not compared."""
    out = []
    for unit in month_changes(period=period).units:
        if unit.note:
            out.append(SheetRow({"unit_name": unit.unit_name, "note": unit.note}))
        for c in unit.changes:
            out.append(SheetRow({"unit_name": unit.unit_name, "form": c.sheet, "row": c.row, "field": c.field,
                                 "before": shown_value(c.before, c.unit), "after": shown_value(c.after, c.unit),
                                 "difference": c.difference, "growth": c.growth}))
    return out


def _figures_by_unit_form() -> Form:
    """表3 with one row per township and one column per indicator's 本期, summed in 合计."""
    figures = get_form("figures")
    fields = [_text_field("unit_name", "填报单位", 14)]
    fields += [Field(key=ind.key, label=ind.label, type="decimal", unit=ind.unit, total=True, width=10)
               for ind in figures.indicators]
    return Form(id="figures_by_unit", version=1, form_code=figures.form_code + "附表", sheet_name="表3汇总",
                title=figures.title + "（本期，分单位）", rows="events", measure_unit="见各栏", totals=True,
                fields=tuple(fields))


def _finding_rows(month: DistrictMonth) -> list[SheetRow]:
    out = []

    def add(unit: str, form: Form | None, row: str, field_label: str, level: str, message: str, said: str = ""):
        out.append(SheetRow({"unit_name": unit, "form": form.sheet_name if form else "", "row": row,
                             "field": field_label, "level": LEVEL_LABELS[level], "message": message,
                             "explanation": said}))

    def findings(unit: str, rows_by_form: dict[str, list[Row]]):
        for form in all_forms():
            for i, row in enumerate(rows_by_form[form.id]):
                for f in row.findings:
                    label = form.field(f.field).label if f.field else ""
                    add(unit, form, row_label(form, row, i), label, f.level, f.message,
                        row.values.get("explanation") or "" if f.level == "soft" else "")

    for t in month.townships:
        findings(t.unit.name, t.rows)
        if t.record is not None:
            for flag in json.loads(t.record.flags or "[]"):
                if flag in ("edited_after_export", "template", "unexplained"):
                    add(t.unit.name, None, "", "", "flag", _FLAG_TEXT[flag])
            if t.record.status == "reopened":
                add(t.unit.name, None, "", "", "flag", "报表已退回，等待更正后的文件；汇总暂用退回前的数据")
        else:
            add(t.unit.name, None, "", "", "flag", "数据在本库中录入，不是由报表文件并入")
    findings(month.unit.name + "（汇总）", month.rows)
    return out


_FLAG_TEXT = {"edited_after_export": "文件在导出后被修改过（内容与校验值不符），已接收，请核实",
              "template": "由手工填写的空白模板并入", "unexplained": "有核实性问题未填写说明"}


def _completeness_rows(period: str) -> list[SheetRow]:
    report = completeness(period=period)
    out = []
    for u in report.units:
        out.append(SheetRow({"unit_code": u.unit_code, "unit_name": u.unit_name, "state": u.label,
                             "received": f"{u.received_at:%Y-%m-%d %H:%M}" if u.received_at else "",
                             "revision": str(u.revision) if u.revision is not None else "",
                             "forms": "、".join(get_form(f).sheet_name for f in u.forms),
                             "note": "；".join(u.notes())[:EXCEL_CELL_LIMIT]}))
    return out


def summary_sheets(month: DistrictMonth) -> list[SheetSpec]:
    """Return every sheet of the district return: the three forms, then the per-township and check sheets."""
    specs = [SheetSpec(form, sheet_rows(form, month.rows[form.id])) for form in all_forms()]
    events = with_unit_column(get_form("events"))
    specs.append(SheetSpec(events, [SheetRow(r.values) for r in month.rows["events"]], sheet_name="表2汇总"))
    by_unit = _figures_by_unit_form()
    figure_rows = []
    for t in month.townships:
        values = {"unit_name": t.unit.name}
        values.update({r.row_key: r.values.get("current") for r in t.rows["figures"]})
        figure_rows.append(SheetRow(values))
    specs.append(SheetSpec(by_unit, figure_rows))
    specs.append(SheetSpec(FINDINGS_FORM, _finding_rows(month)))
    specs.append(SheetSpec(COMPLETENESS_FORM, _completeness_rows(month.period)))
    specs.append(SheetSpec(CHANGES_FORM, _change_rows(month.period)))
    return specs


def write_summary(*, period: str, out_dir: str | Path, user: str = "", now: dt.datetime | None = None,
                  return_uuid: str | None = None) -> SummaryResult:
    """Write the district's return for a month into out_dir, record it as the district's next revision."""
    month = district_month(period=period)
    own = month.unit
    now = (now or m.now()).replace(microsecond=0)
    specs = summary_sheets(month)
    header = return_header(own, period, report_date=now.date(), created=now, title_suffix=TITLE_SUFFIX)
    forms = all_forms()
    digest = month.content_hash
    flags = ["summary"] + (["incomplete"] if month.missing else [])
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for _attempt in range(3):  # another summary of the same month may take the revision meanwhile
        revision = next_revision(own.code, period)
        ident = return_uuid or str(uuid.uuid4())
        meta = ReturnMeta(kind="return", unit_code=own.code, unit_name=own.name, parent_code=own.parent_id,
                          period=period, revision=revision, return_uuid=ident, program_version=program_version(),
                          content_hash=digest, created_at=now.isoformat(),
                          forms=[FormRef(f.id, f.version, f.sheet_name) for f in forms],
                          rows={f.id: row_keys(f, month.rows[f.id]) for f in forms if f.rows != "events"})
        final = out / return_file_name(own.code, own.name, period, revision)
        try:
            _write_and_record(final, specs, header, meta, month.data, flags, user)
        except ConflictError:
            continue
        return SummaryResult(final, revision, ident, digest, [t.unit.code for t in month.townships],
                             [u.code for u in month.missing],
                             [t.unit.code for t in month.townships if t.record is not None and t.record.status == "reopened"])
    raise ConflictError(f"{own.code} {period}：同时有其他汇总占用了下一个版次；请再试一次")
