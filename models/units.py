"""Plans in the database, org units and this database's own settings."""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache

from models import db as m
from models import rawsql
from models.audit import audit
from models.auth import require
from models.errors import DataError, PlanError
from models.plan_schema import Plan
from models.plans import builtin_plan, load_plan_file, parse_plan

LEVELS = ("town", "district", "city")
LEVEL_LABELS = {"town": "镇街", "district": "区县", "city": "市"}


def get_setting(key: str, default: str | None = None) -> str | None:
    """Return a stored setting of this database."""
    row = m.Setting.get_or_none(m.Setting.key == key)
    return row.value if row else default


def set_setting(key: str, value: str, *, user: str = "") -> None:
    """Store a setting of this database, with an audit entry."""
    user = require("settings", user=user)
    with m.database.atomic():
        old = get_setting(key)
        m.put_setting(key, value)
        audit("set", "setting", key, old=old, new=value, user=user)


def install_plan(plan: Plan, *, source: str = "builtin", user: str = "") -> None:
    """Store a plan with its tasks and targets; a plan already stored is replaced only if unused."""
    with m.database.atomic():
        existing = m.PlanRecord.get_or_none(m.PlanRecord.id == plan.id)
        body = plan.model_dump_json()
        if existing:
            if existing.body == body:
                return
            task_ids = m.TaskRecord.select(m.TaskRecord.seq).where(m.TaskRecord.plan == plan.id)
            used = m.Entry.select().where(m.Entry.form_id == "tasks", m.Entry.row_key.in_(
                [str(t.seq) for t in task_ids])).exists() if get_setting("plan_id") == plan.id else False
            if used:
                raise PlanError(f"工作方案 {plan.id} 已有填报的任务进展，不能替换；请换一个方案编号（id）再导入")
            existing.delete_instance(recursive=True)
        record = m.PlanRecord.create(id=plan.id, title=plan.title, jurisdiction=plan.jurisdiction,
                                     source=source, body=body)
        for target in plan.overall_targets:
            _store_target(record, None, target)
        for seq, task in enumerate(plan.tasks, start=1):
            task_row = m.TaskRecord.create(
                plan=record, seq=seq, no=task.no, section=task.section, title=task.title,
                lead_units=json.dumps(task.lead_units, ensure_ascii=False),
                responsible_units=json.dumps(task.responsible_units, ensure_ascii=False), category=task.category)
            for target in task.targets:
                _store_target(record, task_row, target)
        audit("install", "plan", plan.id, new=source, user=user)


def _store_target(plan_row, task_row, target) -> None:
    m.TargetRecord.create(plan=plan_row, task=task_row, year=target.year, indicator=target.indicator,
                          indicator_key=target.indicator_key, value=target.value, unit=target.unit,
                          comparison=target.comparison, baseline_year=target.baseline_year, wording=target.wording)


def import_plan_file(path, *, user: str = "") -> Plan:
    """Validate a user's plan file and store it; nothing is stored when it is invalid."""
    plan = load_plan_file(path)
    install_plan(plan, source="imported", user=user)
    return plan


def stored_plan(plan_id: str | None = None) -> Plan | None:
    """Return a stored plan (the current one by default)."""
    # One plain statement (peewee took longer to build its two queries than the database to run them). The body
    # is read every time: another PC on a shared database may have installed a new plan since the last call.
    if plan_id:
        row = rawsql.execute('SELECT "id", "body" FROM "plan_record" WHERE "id" = ?', (plan_id,)).fetchone()
    else:
        row = rawsql.execute('SELECT p."id", p."body" FROM "setting" s JOIN "plan_record" p ON p."id" = s."value" '
                             'WHERE s."key" = ?', ("plan_id",)).fetchone()
    return _parse_stored_plan(*row) if row else None


@lru_cache(maxsize=8)
def _parse_stored_plan(plan_id: str, body: str) -> Plan:
    """Parse a stored plan once per body (every form_rows call of the tasks form needs it)."""
    return parse_plan(json.loads(body), source=f"database plan {plan_id}")


_UNIT_CODE = re.compile(r"[0-9A-Za-z_-]{1,32}")


def normal_unit_code(text: str) -> str:
    """A unit code as typed, with full-width digits and letters (a Chinese input method's) made plain: ３７１００２ → 371002."""
    return unicodedata.normalize("NFKC", text or "").strip()


def is_unit_code(code: str) -> bool:
    """True when code can be a unit's code (see check_unit_fields)."""
    return bool(_UNIT_CODE.fullmatch(code or ""))


def check_unit_fields(code: str, name: str, level: str) -> None:
    """Raise DataError unless a unit's code, name and level can be stored (codes: ASCII letters, digits, - and _)."""
    if not is_unit_code(code):  # a code is in file names, URLs of a shared schema and every return
        raise DataError(f"单位代码“{(code or '')[:40]}”须为 1–32 位数字或英文字母（可含 - 和 _），不含空格和其他符号")
    if not name or not name.strip():
        raise DataError(f"单位 {code}：单位名称不能为空")
    if level not in LEVELS:
        raise DataError(f"单位 {code}：级别“{level}”须为 " + "、".join(f"{k}（{v}）" for k, v in LEVEL_LABELS.items()))


def add_unit(*, code: str, name: str, level: str, parent_code: str | None = None, user: str = "") -> m.OrgUnit:
    """Add an org unit (e.g. a district's township); its parent must exist."""
    user = require("units", user=user)
    code, parent_code = normal_unit_code(code), normal_unit_code(parent_code or "") or None
    check_unit_fields(code, name, level)
    with m.database.atomic():
        if m.OrgUnit.get_or_none(m.OrgUnit.code == code):
            raise DataError(f"单位 {code} 已存在")
        parent = None
        if parent_code:
            parent = m.OrgUnit.get_or_none(m.OrgUnit.code == parent_code)
            if parent is None:
                raise DataError(f"单位 {code}：上级单位 {parent_code} 不存在")
            if LEVELS.index(parent.level) <= LEVELS.index(level):
                raise DataError(f"单位 {code}：{LEVEL_LABELS[level]}不能隶属于{LEVEL_LABELS[parent.level]} {parent_code}")
        unit = m.OrgUnit.create(code=code, name=name.strip(), level=level, parent=parent)
        audit("add", "unit", code, new=f"{name} ({level}, parent {parent_code or '-'})", user=user)
        return unit


def initialise(*, plan_id: str, unit_code: str, unit_name: str, level: str, parent_code: str | None = None,
               parent_name: str | None = None, plan_file=None, subordinates: list[tuple[str, str]] = (),
               user: str = "") -> m.OrgUnit:
    """First start: choose the plan, this database's own unit and (code, name) of its subordinate units, in one
    transaction: a refused subordinate leaves nothing stored, so the answers can be corrected and given again."""
    plan = load_plan_file(plan_file) if plan_file else builtin_plan(plan_id)
    unit_code, parent_code = normal_unit_code(unit_code), normal_unit_code(parent_code or "") or None
    check_unit_fields(unit_code, unit_name, level)
    if subordinates and level == "town":
        raise DataError(f"{LEVEL_LABELS[level]}没有所辖单位")
    with m.database.atomic():
        if _already_set_up(plan.id, unit_code, unit_name, level):
            return own_unit()
        install_plan(plan, source="imported" if plan_file else "builtin", user=user)
        if parent_code and not m.OrgUnit.get_or_none(m.OrgUnit.code == parent_code):
            parent_level = LEVELS[min(LEVELS.index(level) + 1, len(LEVELS) - 1)]
            add_unit(code=parent_code, name=parent_name or parent_code, level=parent_level, user=user)
        unit = m.OrgUnit.get_or_none(m.OrgUnit.code == unit_code)
        if unit is None:
            unit = add_unit(code=unit_code, name=unit_name, level=level, parent_code=parent_code, user=user)
        for code, name in subordinates:
            add_unit(code=code, name=name, level=LEVELS[LEVELS.index(level) - 1], parent_code=unit_code, user=user)
        set_setting("plan_id", plan.id, user=user)
        set_setting("own_unit", unit_code, user=user)
        return unit


def _already_set_up(plan_id: str, unit_code: str, unit_name: str, level: str) -> bool:
    """True when the database is already set up exactly so (init run again); refuse a different setup once it holds
    data: its task rows are numbered by its plan's tasks and its months are its own unit's, and another plan or unit
    would silently take them over."""
    current = own_unit()
    if current is None:
        return False
    current_plan = get_setting("plan_id")
    if current.code == unit_code and current_plan == plan_id:
        if current.name != unit_name.strip() or current.level != level:
            raise DataError(f"本数据库的本单位已是 {current.name}（{current.code}，{LEVEL_LABELS[current.level]}），"
                            f"与给出的“{unit_name.strip()}”（{LEVEL_LABELS[level]}）不符；未做任何改动")
        return True
    if m.Entry.select().exists() or m.Baseline.select().exists():
        raise DataError(f"本数据库已设置为 {current.name}（{current.code}）、工作方案 {current_plan}，并已有填报数据，"
                        f"不能改为 {unit_code}、工作方案 {plan_id}（已填的数据属于原来的单位和方案）。"
                        "要为另一个单位或方案填报，请用一个新的数据库文件（--db）做首次设置；未做任何改动")
    return False


def own_unit() -> m.OrgUnit | None:
    """Return this database's own unit, or None before initialisation."""
    code = get_setting("own_unit")
    return m.OrgUnit.get_or_none(m.OrgUnit.code == code) if code else None


# Said wherever a job needs what the first-run setup chooses.
NO_OWN_UNIT = "本数据库还没有设置本单位：请先完成首次设置（或运行 liangxin init）"
NO_PLAN = "尚未选择工作方案：请先完成首次设置（或运行 liangxin init）"


def required_own_unit() -> m.OrgUnit:
    """Return this database's own unit, or raise DataError before initialisation."""
    unit = own_unit()
    if unit is None:
        raise DataError(NO_OWN_UNIT)
    return unit


def required_plan() -> Plan:
    """Return the current plan, or raise DataError before one is chosen."""
    plan = stored_plan()
    if plan is None:
        raise DataError(NO_PLAN)
    return plan


def get_unit(code: str) -> m.OrgUnit:
    """Return a unit by code, or raise DataError naming it."""
    unit = m.OrgUnit.get_or_none(m.OrgUnit.code == code)
    if unit is None:
        raise DataError(f"本数据库中没有单位 {code}")
    return unit


def subordinate_units(code: str) -> list[m.OrgUnit]:
    """Return the units directly under a unit, by code."""
    return list(m.OrgUnit.select().where(m.OrgUnit.parent == code).order_by(m.OrgUnit.code))
