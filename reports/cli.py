"""The `liangxin` command line: every job IT or a script wants, on the same core as the GUI."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from models.database import (
    RESTORE_ADVICE,
    integrity_problems,
    is_postgres_url,
    open_database,
    opened_target,
    without_password,
)
from models.errors import LiangxinError

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def command(name: str):
    """Register a subcommand handler under a name (nested names use spaces: 'plan show')."""
    def wrap(fn):
        COMMANDS[name] = fn
        return fn
    return wrap


def out_folder(value: str) -> str:
    """argparse type of --out for returns: a folder, since the program names each file as the rules say."""
    from pathlib import Path

    path = Path(value)
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{value} 是文件，不是文件夹：--out 给出报表要写入的文件夹")
    if not path.exists() and path.suffix.lower() in (".xlsx", ".xls", ".et", ".csv"):
        raise argparse.ArgumentTypeError(
            f"{value}：--out 给出报表要写入的文件夹，不是文件名（文件名由程序按规定取，"
            "如 两新月报_371002001_环翠楼街道_2025-10_r1.xlsx）")
    return value


def build_parser(extra: Callable[[argparse._SubParsersAction], None] | None = None) -> argparse.ArgumentParser:
    """Return the argument parser; extra adds subcommands that need the GUI (screenshot, selftest)."""
    p = argparse.ArgumentParser(prog="liangxin", description="两新填报 — 大规模设备更新和消费品以旧换新 月报填报与汇总")
    p.add_argument("--db", help="SQLite file or postgresql:// URL (default: the user's data folder)")
    p.add_argument("--user", default="", help="who is acting, for the audit log")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    sub.add_parser("plans", help="list the built-in plans")
    plan = sub.add_parser("plan", help="show or import a plan").add_subparsers(dest="plan_command", required=True)
    show = plan.add_parser("show", help="show a plan")
    show.add_argument("plan_id")
    show.add_argument("--json", action="store_true")
    imp = plan.add_parser("import", help="import a plan file of your own")
    imp.add_argument("file")

    init = sub.add_parser("init", help="choose the plan and this database's own unit")
    init.add_argument("--plan", required=True, dest="plan_id")
    init.add_argument("--unit-code", required=True)
    init.add_argument("--unit-name", required=True)
    init.add_argument("--level", required=True, choices=["town", "district", "city"])
    init.add_argument("--parent-code")
    init.add_argument("--parent-name")

    unit = sub.add_parser("unit", help="manage org units").add_subparsers(dest="unit_command", required=True)
    add = unit.add_parser("add", help="add a unit, e.g. a district's township")
    add.add_argument("--code", required=True)
    add.add_argument("--name", required=True)
    add.add_argument("--level", required=True, choices=["town", "district", "city"])
    add.add_argument("--parent-code", required=True)
    unit.add_parser("list", help="list units")

    load = sub.add_parser("load", help="load a unit's month from a JSON file (format in README)")
    load.add_argument("file")
    sub.add_parser("check", help="check the database's integrity")

    for name, helptext in (("submit", "submit (lock) a month"), ("reopen", "reopen a submitted month")):
        s = sub.add_parser(name, help=helptext)
        s.add_argument("--period", required=True)
        s.add_argument("--unit-code")
        if name == "reopen":
            s.add_argument("--reason", required=True)

    from reports import commands  # noqa: F401  (registers export, template, merge, ...)

    commands.add_parsers(sub)
    if extra:
        extra(sub)
    return p


def main(argv: list[str] | None = None, extra=None, extra_handlers=None) -> int:
    """Run one subcommand; errors print what and where and exit non-zero."""
    args = build_parser(extra).parse_args(argv)
    name = " ".join(filter(None, [args.command, getattr(args, "plan_command", None),
                                  getattr(args, "unit_command", None)]))
    handler = (extra_handlers or {}).get(name) or COMMANDS.get(name)
    if handler is None:
        build_parser(extra).print_help()
        return 2
    try:
        return handler(args) or 0
    except LiangxinError as exc:
        print(f"liangxin {name}：错误：{exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # Ctrl-C: each save is its own transaction, so what was done is kept, the rest not
        print(f"liangxin {name}：已中断（正在做的那一步没有保存；此前完成的不受影响）", file=sys.stderr)
        return 130  # as a shell reports a command ended by SIGINT
    except BrokenPipeError:  # `liangxin unit list | head`: the reader has all it wanted
        _silence_stdout()
        return 141  # as a shell reports a command ended by SIGPIPE


def _silence_stdout() -> None:
    """Point stdout at the null device, so Python's flush at exit does not report the closed pipe again."""
    import os

    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _open(args, *, create: bool = False) -> None:
    """Open the database and, when login is on, log in as --user (so the core's role checks apply).

    Only the commands that set a database up (init, plan import, user add) create it: the others refuse a --db that
    is not there (a mistyped path) rather than answer from, or write into, a new and empty one.
    """
    from reports.backup_commands import login_for_command

    open_database(args.db, create=create)
    args.user = login_for_command(args)


def _print_json(obj) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2, default=str))


@command("plans")
def _plans(args) -> int:
    from models.plans import builtin_plans

    for plan in builtin_plans():
        print(f"{plan.id}\t{plan.jurisdiction}\t{plan.document_no or '—'}\t{plan.issued}\t{len(plan.tasks)} 项任务")
    return 0


@command("plan show")
def _plan_show(args) -> int:
    from models.plans import builtin_plan, plan_to_json

    plan = builtin_plan(args.plan_id)
    if args.json:
        _print_json(plan_to_json(plan))
        return 0
    print(f"{plan.title}\n{plan.issuing_body} {plan.document_no or ''} {plan.issued}")
    for seq, t in enumerate(plan.tasks, 1):
        print(f"{seq:3d}  {t.no:6s} {t.title}  牵头：{'、'.join(t.lead_units) or '—'}")
    return 0


@command("plan import")
def _plan_import(args) -> int:
    from models.units import import_plan_file

    _open(args, create=True)
    plan = import_plan_file(args.file, user=args.user)
    print(f"已导入方案 {plan.id}：{len(plan.tasks)} 项任务")
    return 0


@command("init")
def _init(args) -> int:
    from models.units import initialise

    _open(args, create=True)
    unit = initialise(plan_id=args.plan_id, unit_code=args.unit_code, unit_name=args.unit_name, level=args.level,
                      parent_code=args.parent_code, parent_name=args.parent_name, user=args.user)
    print(f"已初始化：方案 {args.plan_id}，本单位 {unit.code} {unit.name}（{unit.level}）")
    return 0


@command("unit add")
def _unit_add(args) -> int:
    from models.units import add_unit

    _open(args)
    unit = add_unit(code=args.code, name=args.name, level=args.level, parent_code=args.parent_code, user=args.user)
    print(f"已添加单位 {unit.code} {unit.name}")
    return 0


@command("unit list")
def _unit_list(args) -> int:
    from models import db as m

    _open(args)
    for u in m.OrgUnit.select().order_by(m.OrgUnit.code):
        print(f"{u.code}\t{u.name}\t{u.level}\t{u.parent_id or ''}")
    return 0


@command("load")
def _load(args) -> int:
    from models.loader import load_file

    _open(args)
    unit_code, period = load_file(args.file, user=args.user)
    print(f"已导入 {unit_code} {period} 的数据")
    return 0


@command("check")
def _check(args) -> int:
    _open(args)
    problems = integrity_problems()
    for p in problems:
        print(p)
    if problems and not is_postgres_url(opened_target()):
        print(f"请从完好的备份恢复：{RESTORE_ADVICE}")
    print("ok" if not problems else f"{without_password(opened_target())}：发现 {len(problems)} 处问题")
    return 1 if problems else 0


def own_unit_code(args) -> str:
    """Return the unit a command acts for: --unit-code, else this database's own unit."""
    from models.units import required_own_unit

    if getattr(args, "unit_code", None):
        return args.unit_code
    return required_own_unit().code


@command("submit")
def _submit(args) -> int:
    from models.entries import submit_period

    _open(args)
    code = own_unit_code(args)
    submit_period(unit_code=code, period=args.period, user=args.user)
    print(f"已报送 {code} {args.period}（本月已锁定）")
    return 0


@command("reopen")
def _reopen(args) -> int:
    from models.entries import reopen_period

    _open(args)
    code = own_unit_code(args)
    reopen_period(unit_code=code, period=args.period, reason=args.reason, user=args.user)
    print(f"已重新打开 {code} {args.period}，可以修改")
    return 0
