"""Entry point of `liangxin`: the GUI with no arguments, the command line otherwise."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Start the GUI, or run a subcommand."""
    argv = sys.argv[1:] if argv is None else argv
    if not [a for a in argv if not a.startswith("--db") and not a.startswith("postgresql")] or argv[:1] == ["gui"]:
        from desktop.app import run_gui

        db = next((argv[i + 1] for i, a in enumerate(argv) if a == "--db" and i + 1 < len(argv)), None)
        return run_gui(db=db)
    from reports.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
