"""Write a test's figures into its own section of docs/reliability.md (the tests produce that table)."""

from __future__ import annotations

import datetime as dt
import os
import platform
import sqlite3
from pathlib import Path

REPORT = Path(__file__).resolve().parents[1] / "docs" / "reliability.md"
HEADER = """# Reliability figures

Produced by the tests themselves; each section is rewritten by the test named in it on every run
(`bash dev.sh test`). Do not edit the tables by hand.
"""


def machine(load: float | None = None) -> str:
    """Describe where the figures were measured (the load average says how busy the machine was)."""
    load = os.getloadavg()[0] if load is None and hasattr(os, "getloadavg") else load
    busy = f", load average {load:.1f} at the start" if load is not None else ""
    return (f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPU{busy}, Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}, {dt.datetime.now():%Y-%m-%d %H:%M}")


def write_section(name: str, title: str, body: str) -> None:
    """Replace (or append) the section between this test's markers, atomically."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    section = f"{start}\n## {title}\n\n{body.strip()}\n{end}"
    text = REPORT.read_text(encoding="utf-8") if REPORT.exists() else HEADER
    if start in text and end in text:
        text = text[:text.index(start)] + section + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    tmp = REPORT.with_name(f".{REPORT.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, REPORT)


def table(rows: list[tuple[str, object]]) -> str:
    """A two-column Markdown table of figures."""
    return "| figure | value |\n| --- | --- |\n" + "\n".join(f"| {k} | {v} |" for k, v in rows)
