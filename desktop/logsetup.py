"""The program's log: a rotating file in the user's data folder, set up once at start."""

from __future__ import annotations

import faulthandler
import logging
import logging.handlers
import platform
import sys
from pathlib import Path

LOG_NAME = "liangxin.log"
FAULT_NAME = "faults.log"
MAX_BYTES = 1_000_000  # a month of a busy district's merges fits; old files rotate away
BACKUP_COUNT = 5
FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"

_handler: logging.Handler | None = None
_fault_file = None


def log_dir() -> Path:
    """Return the folder of the log files: logs/ in the user's data folder."""
    from models.database import data_dir

    return data_dir() / "logs"


def log_path() -> Path:
    """Return the path of the current log file."""
    return log_dir() / LOG_NAME


def program_version() -> str:
    """Return the installed program's version ('unknown' when run from an uninstalled tree)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("liangxin")
    except PackageNotFoundError:
        return "unknown"


def setup_logging(*, level: int = logging.INFO) -> Path | None:
    """Send log records to a rotating file in the user's data folder; return its path (None if unwritable).

    Safe to call more than once: the handler is added only the first time. Hard crashes inside Qt or
    another C library (no Python traceback) are written to logs/faults.log by faulthandler.
    """
    global _handler, _fault_file
    root = logging.getLogger()
    if _handler is not None and _handler in root.handlers:
        return Path(_handler.baseFilename)
    if root.getEffectiveLevel() > level:
        root.setLevel(level)
    try:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            folder / LOG_NAME, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=False)
    except OSError as exc:
        # A read-only or full profile must not stop the program: say so on stderr when there is one.
        if sys.stderr is not None:
            print(f"liangxin：无法在 {log_dir()} 写日志：{exc}", file=sys.stderr)
        return None
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.setLevel(level)
    root.addHandler(handler)
    _handler = handler
    if _fault_file is None and not faulthandler.is_enabled():  # leave a debugger's or pytest's own alone
        try:
            _fault_file = open(folder / FAULT_NAME, "a", encoding="utf-8")  # noqa: SIM115  (open for the run)
            faulthandler.enable(_fault_file)
        except (OSError, RuntimeError):
            _fault_file = None
    logging.getLogger("liangxin").info(
        "start: version %s, %s, Python %s, %s, argv %s", program_version(),
        "frozen" if getattr(sys, "frozen", False) else "source", platform.python_version(),
        platform.platform(), sys.argv[1:])
    return Path(handler.baseFilename)


def active_log_path() -> Path | None:
    """Return the file setup_logging opened, or None when there is none."""
    return Path(_handler.baseFilename) if _handler is not None else None


def shutdown_logging() -> None:
    """Remove and close the file handler (tests, and before the data folder is moved)."""
    global _handler, _fault_file
    if _handler is not None:
        logging.getLogger().removeHandler(_handler)
        _handler.close()
        _handler = None
    if _fault_file is not None:
        faulthandler.disable()
        _fault_file.close()
        _fault_file = None
