"""Subcommands `export` (a unit's return for a month) and `template` (a blank template for hand filling)."""

from __future__ import annotations

import sys

from reports.cli import _open, command, out_folder, own_unit_code


def add_parsers(sub) -> None:
    """Add `export` and `template`."""
    export = sub.add_parser("export", help="write a unit's return for a month as an official-layout .xlsx")
    export.add_argument("--period", required=True, help="the month, e.g. 2025-10")
    export.add_argument("--out", required=True, type=out_folder, help="the folder to write into")
    export.add_argument("--unit-code", help="the unit (default: this database's own unit)")
    template = sub.add_parser("template", help="write a blank, protected template for a unit to fill by hand")
    template.add_argument("--unit-code", required=True)
    template.add_argument("--period", required=True, help="the month, e.g. 2025-10")
    template.add_argument("--out", required=True, type=out_folder, help="the folder to write into")


@command("export")
def _export(args) -> int:
    from reports.returns import export_return

    _open(args)
    result = export_return(unit_code=own_unit_code(args), period=args.period, out_dir=args.out, user=args.user)
    print(result.path)
    if result.hard_findings or result.soft_findings:
        print(f"注意：本月尚有 {result.hard_findings} 处错误、{result.soft_findings} 处未说明的核实提示；"
              "报表已导出，但报送前请先处理", file=sys.stderr)
    return 0


@command("template")
def _template(args) -> int:
    from reports.xlsx_template import export_template

    _open(args)
    print(export_template(unit_code=args.unit_code, period=args.period, out_dir=args.out))
    return 0
