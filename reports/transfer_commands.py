"""Subcommand copy-from: bring an office's SQLite data into the database --db names (the shared PostgreSQL one)."""

from __future__ import annotations

import getpass
import sys

from models.errors import DataError, PermissionDenied
from reports.cli import command


def add_parsers(sub) -> None:
    """Add copy-from."""
    copy = sub.add_parser("copy-from", help="copy all data of a SQLite database file into the empty --db database")
    copy.add_argument("file", help="the office's .sqlite3 file (or a backup of it); it is not changed")


@command("copy-from")
def _copy_from(args) -> int:
    from models.auth import password_from_environment
    from models.transfer import check_source, copy_database, source_login_required

    if not args.db:  # the default is this PC's own database, which `restore` fills from a file
        raise DataError("请用 --db 给出要复制到的数据库，例如 --db \"postgresql://liangxin@10.1.2.3:5432/liangxin?schema=huancui\"；"
                        "把备份放回本机的数据库请用 liangxin restore 文件")
    source = check_source(args.file)  # refuse a bad file before asking anyone for a password
    password = None
    if source_login_required(source):
        if not args.user:
            raise PermissionDenied(f"{source} 已启用登录：只有它的管理员可以复制它，请用 --user 管理员账号 登录"
                                   "（密码取自环境变量 LIANGXIN_PASSWORD，或在提示时输入）")
        password = password_from_environment()
        if password is None:
            if not sys.stdin.isatty():
                raise PermissionDenied(f"{source} 已启用登录：请在环境变量 LIANGXIN_PASSWORD 中给出 {args.user} 的密码")
            password = getpass.getpass(f"{args.user} 的密码（{source.name} 中的账号）：")
    report = copy_database(source=source, target=args.db, user=args.user or "", password=password)
    whose = f"{report.unit[1]}（{report.unit[0]}）的" if report.unit else ""
    print(f"已把 {report.source} 中{whose}数据复制到 {report.target}：{report.counts()}；共 {report.total:,} 条，已核对")
    return 0
