"""Subcommands: backup, restore, user accounts and the login switch."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from models.errors import DataError, PermissionDenied
from reports.cli import command


def add_parsers(sub) -> None:
    """Add backup, restore, user and login-mode."""
    backup = sub.add_parser("backup", help="back up the database (checked with integrity_check)")
    what = backup.add_mutually_exclusive_group(required=True)
    what.add_argument("--out", metavar="FILE", help="write a checked copy of the database to FILE")
    what.add_argument("--daily", action="store_true",
                      help="make today's copy in the backups folder if there is none, and rotate old ones")
    what.add_argument("--list", action="store_true", help="list the backups beside the database")

    restore = sub.add_parser("restore", help="replace the database with a backup (the current one is kept)")
    restore.add_argument("file", help="a backup made by this program")
    restore.add_argument("--other-unit", action="store_true",
                         help="restore even though the backup belongs to another unit than the current database")
    restore.add_argument("--empty-backup", action="store_true",
                         help="restore even though the backup holds no unit or no data and the current database does")

    user = sub.add_parser("user", help="login accounts").add_subparsers(dest="user_command", required=True)
    add = user.add_parser("add", help="add an account")
    add.add_argument("name")
    add.add_argument("--role", required=True, help="clerk (填报员), reviewer (审核员) or admin (管理员)")
    add.add_argument("--unit-code", help="the clerk's own unit")
    add.add_argument("--password-stdin", action="store_true", help="read the new password from standard input")
    user.add_parser("list", help="list accounts")
    for verb, what in (("disable", "disable an account: it can no longer log in (its name stays in the audit log)"),
                       ("enable", "enable a disabled account again")):
        user.add_parser(verb, help=what).add_argument("name")
    passwd = user.add_parser("passwd", help="set an account's password (and lift a wait after failed logins)")
    passwd.add_argument("name")
    passwd.add_argument("--password-stdin", action="store_true", help="read the new password from standard input")

    mode = sub.add_parser("login-mode", help="show, or switch on or off, the login (administrators only)")
    mode.add_argument("state", nargs="?", choices=["on", "off"])


# ---- logging in from the command line ----------------------------------------------------------


def login_for_command(args: argparse.Namespace) -> str:
    """When login is on, log in as --user (password from LIANGXIN_PASSWORD or typed); return the actor."""
    from models import auth

    if not auth.login_required():
        return args.user
    if not args.user:
        _refuse_login(args, "已启用登录：请用 --user 用户名 登录（密码取自环境变量 LIANGXIN_PASSWORD，或在提示时输入）")
    password = auth.password_from_environment()
    if password is None:
        if not sys.stdin.isatty():
            _refuse_login(args, "已启用登录：请在环境变量 LIANGXIN_PASSWORD 中给出密码")
        password = getpass.getpass(f"{args.user} 的密码：")
    auth.login(args.user, password)
    return args.user


def _refuse_login(args: argparse.Namespace, reason: str):
    from models.audit import audit_refusal

    audit_refusal("login", "user", args.user, reason, user=args.user)
    raise PermissionDenied(reason)


def _new_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    from models.auth import password_from_environment

    given = password_from_environment("LIANGXIN_NEW_PASSWORD")
    if given is not None:
        return given
    if not sys.stdin.isatty():
        raise DataError("请用 --password-stdin 或环境变量 LIANGXIN_NEW_PASSWORD 给出新密码")
    first = getpass.getpass("新密码：")
    if getpass.getpass("再输入一次：") != first:
        raise DataError("两次输入的密码不一致")
    return first


def _sqlite_target(args: argparse.Namespace) -> Path:
    from models.backup import POSTGRES_ADVICE, BackupError
    from models.database import default_database_path, is_postgres_url

    if args.db and is_postgres_url(args.db):
        raise BackupError(POSTGRES_ADVICE)
    return Path(args.db) if args.db else default_database_path()


# ---- backup and restore ------------------------------------------------------------------------


@command("backup")
def _backup(args) -> int:
    from models.auth import require
    from models.backup import BackupError, backup_database, backup_folder, daily_backup, list_backups
    from models.database import open_database

    path = _sqlite_target(args)
    if not path.is_file():
        raise BackupError(f"{path}：这里没有可备份的数据库")
    if args.list:
        found = list_backups(path)
        for b in found:
            print(f"{b.taken:%Y-%m-%d %H:%M}\t{b.kind}\t{b.size // 1024} KB\t{b.path}")
        if not found:  # said on stderr: a script reading the list gets no line that is not a backup
            print(f"还没有备份（备份文件夹：{backup_folder(path)}）", file=sys.stderr)
        return 0
    open_database(path)
    actor = login_for_command(args)
    require("backup", user=actor)
    if args.daily:
        made = daily_backup(db_path=path)
        print(f"已备份到 {made}（已校验）" if made else "今天的自动备份已经有了")
        return 0
    out = backup_database(out=args.out, source=path)  # as typed: a trailing separator means a folder
    print(f"已备份到 {out}（已校验）")
    return 0


@command("restore")
def _restore(args) -> int:
    from models.backup import (
        EMPTY_BACKUP,
        OTHER_UNIT,
        BackupError,
        check_restorable,
        quick_check,
        restore_database,
        restore_risk,
    )
    from models.database import open_database

    target = _sqlite_target(args)
    check_restorable(args.file)  # refuse a bad file, or one that needs a flag, before asking anyone for a password
    confirmed = {OTHER_UNIT} if args.other_unit else set()
    confirmed |= {EMPTY_BACKUP} if args.empty_backup else set()
    risk = restore_risk(args.file, target)
    if risk and risk.kind not in confirmed:
        flag = {OTHER_UNIT: "--other-unit", EMPTY_BACKUP: "--empty-backup"}[risk.kind]
        raise BackupError(f"{risk.text}。确要这样做，请加 {flag}")
    actor = args.user
    if target.exists() and not quick_check(target):
        open_database(target)
        actor = login_for_command(args)  # restore_database checks the role
    elif target.exists():
        print(f"注意：{target} 未通过检查、无法读取，因此无需登录即可替换",
              file=sys.stderr)
    kept = restore_database(args.file, target=target, user=actor, confirmed=confirmed)
    print(f"已用 {args.file} 恢复 {target}" + (f"；被替换的数据库留存在 {kept}" if kept else ""))
    return 0


# ---- accounts ----------------------------------------------------------------------------------


@command("user")
def _user(args) -> int:
    from models import auth
    from models.database import open_database

    open_database(args.db, create=args.user_command == "add")  # adding the first account may come before init
    actor = login_for_command(args)
    if args.user_command == "list":
        for u in auth.list_users():
            state = "启用" if u.active else "停用"
            wait = f"\t锁定至 {u.locked_until:%Y-%m-%d %H:%M:%S}" if auth.lock_remaining(u.name) else ""
            print(f"{u.name}\t{u.role}\t{auth.ROLES[u.role]}\t{u.unit_id or ''}\t{state}{wait}")
        return 0
    if args.user_command in ("disable", "enable"):
        auth.set_active(name=args.name, active=args.user_command == "enable", user=actor)
        print(f"已{'启用' if args.user_command == 'enable' else '停用'}账号 {args.name}")
        return 0
    password = _new_password(args)
    if args.user_command == "add":
        account = auth.add_user(name=args.name, password=password, role=args.role, unit_code=args.unit_code,
                                user=actor)
        print(f"已添加账号 {account.name}（{account.role} {auth.ROLES[account.role]}）")
    else:
        auth.set_password(name=args.name, password=password, user=actor)
        print(f"已设置 {args.name} 的密码")
    return 0


@command("login-mode")
def _login_mode(args) -> int:
    from models import auth
    from models.database import open_database

    open_database(args.db, create=False)
    if args.state is None:
        print("on" if auth.login_required() else "off")
        return 0
    actor = login_for_command(args)
    auth.set_login_required(args.state == "on", user=actor)
    print("已开启登录：每次使用都须登录" if args.state == "on" else "已关闭登录")
    return 0
