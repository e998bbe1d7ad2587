"""Entry point of `liangxin`: the GUI with no arguments, the command line otherwise."""

from __future__ import annotations

import sys

_OPTIONS_WITH_VALUE = ("--db", "--user")


def _gui_database(argv: list[str]) -> tuple[bool, str | None]:
    """Return whether argv asks for the GUI (nothing but --db/--user, or `gui`) and the --db given."""
    rest, db, i = [], None, 0
    while i < len(argv):
        arg = argv[i]
        name, eq, value = arg.partition("=")
        if name in _OPTIONS_WITH_VALUE:
            if not eq:
                i += 1
                value = argv[i] if i < len(argv) else ""
            if name == "--db":
                db = value or None
        else:
            rest.append(arg)
        i += 1
    return rest in ([], ["gui"]), db


def _extra_parsers(sub) -> None:
    """Subcommands that live in desktop/ because they need Qt (their modules import it only when run)."""
    from desktop.screenshot import add_parser
    from desktop.selftest import add_selftest_parser

    add_parser(sub)
    add_selftest_parser(sub)


def _extra_handlers() -> dict:
    from desktop.screenshot import run
    from desktop.selftest import selftest_handler

    return {"screenshot": run, "selftest": selftest_handler}


def main(argv: list[str] | None = None) -> int:
    """Start the GUI, or run a subcommand; Ctrl-C while either starts ends it with a line, not a traceback."""
    try:
        return _start(sys.argv[1:] if argv is None else argv)
    except KeyboardInterrupt:  # during the imports, before the command's own handler is in place
        print("liangxin：已中断", file=sys.stderr)
        return 130


def _start(argv: list[str]) -> int:
    gui, db = _gui_database(argv)
    if gui:
        from desktop.app import run_gui

        return run_gui(db=db)
    from desktop.crash import install_crash_handler
    from desktop.logsetup import setup_logging
    from reports.cli import main as cli_main

    setup_logging()  # IT's commands leave a trace in the same rotating log as the GUI
    install_crash_handler(gui=False)
    return cli_main(argv, extra=_extra_parsers, extra_handlers=_extra_handlers())


if __name__ == "__main__":
    sys.exit(main())
