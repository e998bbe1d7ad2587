"""`liangxin load FILE.json`: one unit's month of task progress, events and figures (format in README)."""

from __future__ import annotations

import json
from pathlib import Path

from forms import get_form
from models.entries import replace_period_data
from models.errors import DataError
from models.periods import check_period
from models.units import get_unit, stored_plan

_KEYS = {"unit_code", "period", "tasks", "events", "figures"}


def _task_key(row: dict, index: int, by_no: dict[str, list[int]]) -> str:
    if "seq" in row:
        return str(row.pop("seq"))
    no = str(row.pop("no", "")).strip()
    section = row.pop("section", None)
    matches = by_no.get(no, [])
    if section is not None:
        plan = stored_plan()
        matches = [s for s in matches if plan.tasks[s - 1].section == section]
    if len(matches) != 1:
        why = f"没有序号为“{no}”的任务" if not matches else f"有多项任务的序号都是“{no}”（请同时给出 section 或改用 seq）"
        raise DataError(f"tasks[{index}]：{why}")
    return str(matches[0])


def parse_load_file(path: str | Path) -> tuple[str, str, dict[str, list[dict]]]:
    """Read a load file into (unit code, period, canonical data); errors name the place."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise DataError(f"{path}：无法读取：{exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}：第 {exc.lineno} 行第 {exc.colno} 列：不是有效的 JSON（{exc.msg}）") from None
    if not isinstance(doc, dict):
        raise DataError(f"{path}：应为一个 JSON 对象，含 unit_code、period、tasks、events、figures")
    unknown = set(doc) - _KEYS
    if unknown:
        raise DataError(f"{path}：不认识的键 {'、'.join(sorted(unknown))}")
    try:
        unit_code, period = str(doc["unit_code"]), check_period(doc["period"])
    except KeyError as exc:
        raise DataError(f"{path}：缺少 {exc.args[0]}") from None
    except DataError as exc:
        raise DataError(f"{path}：{exc}") from None
    try:
        get_unit(unit_code)
    except DataError as exc:
        raise DataError(f"{path}：unit_code：{exc}") from None
    plan = stored_plan()
    by_no: dict[str, list[int]] = {}
    for seq, task in enumerate(plan.tasks if plan else (), start=1):
        by_no.setdefault(task.no, []).append(seq)
    data = {}
    for form_id in ("tasks", "events", "figures"):
        if form_id not in doc:
            continue
        rows = doc[form_id]
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise DataError(f"{path}：{form_id} 应为对象的列表")
        form, out = get_form(form_id), []
        for i, row in enumerate(rows):
            row = dict(row)
            try:
                if form_id == "tasks":
                    row["row_key"] = _task_key(row, i, by_no)
                elif form_id == "figures":
                    row["row_key"] = str(row.pop("indicator", ""))
                    form.indicator(row["row_key"])
            except KeyError:
                raise DataError(f"{path}：figures[{i}].indicator：没有指标“{row['row_key']}”") from None
            except DataError as exc:
                raise DataError(f"{path}：{exc}") from None
            extra = set(row) - {"row_key"} - {f.key for f in form.input_fields}
            if extra:
                raise DataError(f"{path}：{form_id}[{i}]：不认识的栏目 {'、'.join(sorted(extra))}")
            out.append(row)
        data[form_id] = out
    return unit_code, period, data


def load_file(path: str | Path, *, user: str = "") -> tuple[str, str]:
    """Load a file into the database in one transaction; nothing changes when any row is wrong."""
    unit_code, period, data = parse_load_file(path)
    try:
        replace_period_data(unit_code=unit_code, period=period, data=data, user=user, action="load")
    except DataError as exc:
        raise DataError(f"{path}：{exc}") from None
    return unit_code, period
