"""Subcommand copy-from: bring an office's SQLite data into the database --db names (the shared PostgreSQL one)."""

from __future__ import annotations

from models.database import without_password
from reports.cli import command


def add_parsers(sub) -> None:
    """Add copy-from."""
    copy = sub.add_parser("copy-from", help="copy all data of a SQLite database file into the (empty) --db database")
    copy.add_argument("file", help="the office's .sqlite3 file (or a backup of it); it is not changed")


@command("copy-from")
def _copy_from(args) -> int:
    from models.database import default_database_path
    from models.transfer import copy_database

    target = str(args.db or default_database_path())
    report = copy_database(source=args.file, target=target, user=args.user or "")
    whose = f"{report.unit[1]}（{report.unit[0]}）的" if report.unit else ""
    counts = "，".join(f"{table} {n:,}" for table, n in report.rows.items() if n)
    print(f"已把 {report.source} 中{whose}数据复制到 {without_password(target)}：共 {report.total:,} 条（{counts}）")
    return 0
