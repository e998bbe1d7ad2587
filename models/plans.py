"""Load and validate work plans: the five built-in ones and those a user imports."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from models.errors import PlanError
from models.frozen import ValidationError
from models.plan_schema import Plan
from models.resources import resource_path

BUILTIN_PLAN_IDS = ("huancui", "anqiu", "wuhai", "liaocheng-jbsc", "taishan")


def plans_dir() -> Path:
    """Return the folder of the built-in plan files."""
    return resource_path("resources", "plans")


def _where(loc: tuple) -> str:
    """Render an error location as tasks[3].lead_units."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "（顶层）"


def parse_plan(data: object, *, source: str) -> Plan:
    """Validate plan data; raise PlanError naming the source, the place and the field."""
    lines = []
    try:
        data = _without_seq(data, lines)
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        lines += [f"{_where(e['loc'])}: {e['msg']}" for e in exc.errors()]
    if lines:
        raise PlanError("方案文件有误：\n" + "\n".join(f"{source}: {line}" for line in lines[:10]))
    return plan


def _without_seq(data: object, lines: list[str]) -> object:
    """The data without the tasks' "seq" numbers that plan_to_json adds (`plan show --json`), each checked.

    A plan shown, edited and imported again carries them; they must still count 1, 2, 3 … in the tasks' order,
    because a task's place is its row in 表1.
    """
    if not isinstance(data, dict) or not isinstance(data.get("tasks"), list):
        return data
    tasks = []
    for i, task in enumerate(data["tasks"]):
        if isinstance(task, dict) and "seq" in task:
            task = dict(task)
            seq = task.pop("seq")
            if seq != i + 1:
                lines.append(f"tasks[{i}].seq: 应为 {i + 1}（任务的顺序号按排列顺序从 1 数起，现为 {seq!r}）；"
                             "调整顺序时请删去 seq 或重新编号")
        tasks.append(task)
    return {**data, "tasks": tasks}


def load_plan_file(path: str | Path) -> Plan:
    """Read and validate one plan file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise PlanError(f"{path}：无法读取方案文件：{exc.strerror}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanError(f"{path}：第 {exc.lineno} 行第 {exc.colno} 列：不是有效的 JSON（{exc.msg}）") from None
    plan = parse_plan(data, source=str(path))
    seen: set[tuple[str, str]] = set()
    for i, task in enumerate(plan.tasks):
        if (task.section, task.no) in seen:
            raise PlanError(f"{path}：tasks[{i}].no：序号“{task.no}”在“{task.section}”部分中重复")
        seen.add((task.section, task.no))
    return plan


@cache
def builtin_plan(plan_id: str) -> Plan:
    """Return a built-in plan by id."""
    if plan_id not in BUILTIN_PLAN_IDS:
        raise PlanError(f"没有内置方案“{plan_id}”；内置方案：{'、'.join(BUILTIN_PLAN_IDS)}")
    return load_plan_file(plans_dir() / f"{plan_id}.json")


def builtin_plans() -> list[Plan]:
    """Return every built-in plan whose file is present, in catalogue order."""
    return [builtin_plan(p) for p in BUILTIN_PLAN_IDS if (plans_dir() / f"{p}.json").exists()]


def plan_to_json(plan: Plan) -> dict:
    """Return the plan as the JSON object `liangxin plan show --json` prints."""
    data = plan.model_dump(mode="json")
    for seq, task in enumerate(data["tasks"], start=1):
        task["seq"] = seq
    data["tasks"] = [{"seq": t.pop("seq"), **t} for t in data["tasks"]]
    return data
