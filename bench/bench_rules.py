"""Benchmark: checking rows against their forms' rules, compiled once, against the old interpreter and a floor.

Run on demand (not part of pytest):

    python bench/bench_rules.py              # 5,000 events, every task and figure row, best of --repeat

Times, over the same typed rows (a busy month: 5,000 events with sales and subsidies; the plan's tasks;
every figure with its computed 本年累计 and 同比), in the same run:

- the floor: for each row, one plain ``dict.get`` per name each of the form's rules reads, nothing else —
  the least any rule check must do;
- the rules alone: each form's compiled rules (``forms.expr.rule_function``) called on each row's values;
- ``check_row`` as the program runs it (field checks, the row's scope, every rule, the findings);
- the old ``check_row`` that walked each rule's syntax tree on every row (tests/rules_reference.py, kept as
  the oracle the property tests compare against), on the same rows, with the findings compared.

Prints microseconds per row and each as a ratio against the floor, and the old/new speed-up.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from forms import get_form  # noqa: E402
from forms.expr import names_in, rule_function  # noqa: E402
from forms.validate import check_row  # noqa: E402
from tests.rules_reference import reference_check_row  # noqa: E402

EVENTS = 5000


def sample_rows() -> list[tuple[object, dict, dict]]:
    """(form, typed values, context) for a busy month: some rows pass, some warn, some have blanks."""
    events, tasks, figures = get_form("events"), get_form("tasks"), get_form("figures")
    rows = []
    for i in range(EVENTS):
        typed = {"date": dt.date(2025, 10, 1 + i % 31), "type": "汽车促销", "name": f"金秋车展第{i}场", "place": "会展中心",
                 "organiser": "区商务局",
                 "enterprises": i % 40, "visitors": 100 * i, "deals": (3 * i) % 7,
                 "sales": Decimal(i % 50) * Decimal("12.34"), "subsidies": Decimal("1.5") if i % 3 else None,
                 "explanation": "已核实" if i % 11 == 0 else None}
        rows.append((events, typed, typed))
    statuses = ("推进中", "已完成", "滞后", "未启动", None)
    for t in range(27):
        typed = {"status": statuses[t % 5], "achieved": Decimal(t), "narrative": "已推进" if t % 4 else None,
                 "problems": None, "next_steps": None, "explanation": None}
        rows.append((tasks, typed, {"no": str(t + 1), "section": "一", "target_value": Decimal(20), **typed}))
    for k, ind in enumerate(figures.indicators):
        typed = {"current": Decimal(1000 + k), "base_2023": Decimal(10000), "explanation": None}
        context = {"indicator": ind.label, "unit": ind.unit, "ytd": Decimal(9000 + k), "yoy": Decimal("0.35") * (k % 4), **typed}
        rows.append((figures, typed, context))
    return rows


def floor(rows, plans) -> float:
    start = time.perf_counter()
    for form, typed, _context in rows:
        for name in plans[form.id]:
            typed.get(name)
    return time.perf_counter() - start


def rules_alone(rows, compiled) -> float:
    start = time.perf_counter()
    for form, typed, _context in rows:
        for rule in compiled[form.id]:
            try:
                rule(typed)
            except Exception:  # NotApplicable: the cost of saying so is part of checking
                pass
    return time.perf_counter() - start


def rows_checked(rows, check) -> tuple[float, list]:
    start = time.perf_counter()
    out = [check(form, typed, row_key="r", context=context) for form, typed, context in rows]
    return time.perf_counter() - start, out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    rows = sample_rows()
    forms = {form.id: form for form, _, _ in rows}
    # One dict.get per name per rule, as often as the rules read them.
    plans = {fid: [n for r in f.rules for n in sorted(names_in(r.check))] for fid, f in forms.items()}
    compiled = {fid: [rule_function(r.check) for r in f.rules] for fid, f in forms.items()}
    best = dict.fromkeys(("floor", "rules", "check_row", "interpreted"), float("inf"))
    for _ in range(args.repeat):
        best["floor"] = min(best["floor"], floor(rows, plans))
        best["rules"] = min(best["rules"], rules_alone(rows, compiled))
        elapsed, new = rows_checked(rows, check_row)
        best["check_row"] = min(best["check_row"], elapsed)
        elapsed, old = rows_checked(rows, reference_check_row)
        best["interpreted"] = min(best["interpreted"], elapsed)
        if new != old:
            print("findings differ from the interpreter's")
            return 1
    n = len(rows)
    print(f"{n} rows ({EVENTS} events), {sum(map(len, new))} findings, best of {args.repeat}")
    for label, key in (("floor (dict.get per name)", "floor"), ("compiled rules alone", "rules"),
                       ("check_row", "check_row"), ("old check_row (interpreted)", "interpreted")):
        t = best[key]
        print(f"  {label:<30} {t / n * 1e6:7.2f} µs/row   {t / best['floor']:6.1f}× floor")
    print(f"  check_row speed-up over the interpreter: {best['interpreted'] / best['check_row']:.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
