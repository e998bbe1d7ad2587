"""Subcommands of the district reviewer: merge, conflicts, resolve, reopen-return, completeness, changes, summary."""

from __future__ import annotations

import sys

from reports.cli import _open, _print_json, command, out_folder


def add_parsers(sub) -> None:
    """Add `merge`, `conflicts`, `resolve`, `reopen-return`, `completeness`, `changes` and `summary`."""
    merge = sub.add_parser("merge", help="check townships' returned workbooks and store the good ones")
    merge.add_argument("files", nargs="+", metavar="FILE",
                       help="returned .xlsx files (exports or filled templates), folders of them, or patterns like *.xlsx")
    merge.add_argument("--dry-run", action="store_true", help="check and report only; store nothing")
    merge.add_argument("--json", action="store_true", help="print one JSON object per file")
    merge.add_argument("--confirm-unknown", action="store_true",
                       help="add units not yet known as townships of this district (after checking them)")

    conflicts = sub.add_parser("conflicts", help="list conflicting copies waiting for the reviewer")
    conflicts.add_argument("--period")
    conflicts.add_argument("--json", action="store_true")
    resolve = sub.add_parser("resolve", help="decide a conflict: keep the held return or take the new copy")
    resolve.add_argument("return_uuid", metavar="ID", help="the conflicting copy's id (see `liangxin conflicts`)")
    choice = resolve.add_mutually_exclusive_group(required=True)
    choice.add_argument("--take", action="store_true", help="take the new copy")
    choice.add_argument("--keep", action="store_true", help="keep the held return")
    resolve.add_argument("--reason", default="")
    reopen = sub.add_parser("reopen-return", help="send an accepted township return back for correction")
    reopen.add_argument("--unit-code", required=True)
    reopen.add_argument("--period", required=True)
    reopen.add_argument("--reason", required=True)

    done = sub.add_parser("completeness", help="who has returned what for a month (报送情况)")
    done.add_argument("--period", required=True)
    done.add_argument("--json", action="store_true")
    changes = sub.add_parser("changes", help="what changed in each township's month since the month before (较上月变化)")
    changes.add_argument("--period", required=True)
    changes.add_argument("--json", action="store_true")
    summary = sub.add_parser("summary", help="write the district's own return for a month (汇总表)")
    summary.add_argument("--period", required=True)
    summary.add_argument("--out", required=True, type=out_folder, help="the folder to write into")


@command("merge")
def _merge(args) -> int:
    from reports.merge import VERDICT_LABELS, merge
    from reports.merge_files import return_files

    files = return_files(args.files)
    _open(args)

    def progress(done: int, total: int, name: str) -> None:
        if not args.json and sys.stderr.isatty():
            print(f"\r{done}/{total} {name[:60]}", end="", file=sys.stderr, flush=True)

    results = merge(files, dry_run=args.dry_run, user=args.user, confirm_unknown_units=args.confirm_unknown,
                    progress=progress)
    if not args.json and sys.stderr.isatty():
        print(file=sys.stderr)
    if args.json:
        _print_json([r.to_json() for r in results])
    else:
        for r in results:
            who = f"{r.unit_code} {r.unit_name} {r.period}".strip()
            print(f"{VERDICT_LABELS[r.verdict]}\t{who}\t{r.file}")
            for reason in r.reasons:
                print(f"\t- {reason}")
        counts = {v: sum(1 for r in results if r.verdict == v) for v in VERDICT_LABELS}
        print("；".join(f"{VERDICT_LABELS[v]} {n}" for v, n in counts.items() if n)
              + ("（试运行，未保存）" if args.dry_run else ""))
    return 1 if any(r.verdict == "rejected" for r in results) else 0


@command("conflicts")
def _conflicts(args) -> int:
    import json

    from reports.merge import pending_conflicts

    _open(args)
    records = pending_conflicts(period=args.period)
    if args.json:
        _print_json([{"id": r.uuid, "unit_code": r.unit_id, "period": r.period, "revision": r.revision,
                      "file": r.file_name, "received_at": r.created_at, "flags": json.loads(r.flags)}
                     for r in records])
        return 0
    for r in records:
        print(f"{r.uuid}\t{r.unit_id}\t{r.period}\t第{r.revision}版\t{r.created_at:%Y-%m-%d %H:%M}\t{r.file_name}")
    if not records:
        print("没有待决的冲突")
    return 0


@command("resolve")
def _resolve(args) -> int:
    from reports.merge import resolve_conflict

    _open(args)
    resolve_conflict(return_uuid=args.return_uuid, take_new=args.take, user=args.user, reason=args.reason)
    print("已采用新的副本" if args.take else "已保留原有数据")
    return 0


@command("reopen-return")
def _reopen_return(args) -> int:
    from reports.merge import reopen_return

    _open(args)
    reopen_return(unit_code=args.unit_code, period=args.period, reason=args.reason, user=args.user)
    print(f"已退回 {args.unit_code} {args.period}：{args.reason}")
    return 0


@command("completeness")
def _completeness(args) -> int:
    from forms import get_form
    from reports.completeness import completeness, summary_line

    _open(args)
    report = completeness(period=args.period)
    if args.json:
        _print_json(report.to_json())
        return 0
    print(summary_line(report))
    print("单位代码\t填报单位\t状态\t报送时间\t版本\t报表\t备注")
    for u in report.units:
        when = f"{u.received_at:%m-%d %H:%M}" if u.received_at else "—"
        revision = f"第{u.revision}版" if u.revision is not None else "—"
        print(f"{u.unit_code}\t{u.unit_name}\t{u.label}\t{when}\t{revision}\t{'、'.join(get_form(f).sheet_name for f in u.forms) or '—'}\t"
              f"{'；'.join(u.notes())[:200]}")
    return 0


@command("changes")
def _changes(args) -> int:
    from reports.changes import describe, month_changes

    _open(args)
    report = month_changes(period=args.period)
    if args.json:
        _print_json(report.to_json())
        return 0
    print(f"{report.title}：{len(report.units)} 个下级单位")
    for unit in report.units:
        print(f"{unit.unit_code} {unit.unit_name}" + (f"：{unit.note}" if unit.note else ""))
        for change in unit.changes:
            print(f"\t{describe(change)}")
    return 0


@command("summary")
def _summary(args) -> int:
    from reports.summary import write_summary

    _open(args)
    result = write_summary(period=args.period, out_dir=args.out, user=args.user)
    print(result.path)
    if result.missing:
        print(f"注意：{len(result.missing)} 个单位尚未报送或未被接收（{'、'.join(result.missing)}），未计入汇总",
              file=sys.stderr)
    if result.sent_back:
        print(f"注意：{len(result.sent_back)} 个单位的报表已退回、尚未重新报送（{'、'.join(result.sent_back)}），"
              "汇总暂用退回前的数据", file=sys.stderr)
    return 0
