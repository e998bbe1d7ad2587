"""Which files a merge is given: folders and wildcard patterns expanded into the returns in them."""

from __future__ import annotations

import glob
from pathlib import Path

from models.errors import DataError

# What a township may have sent as its return. Besides .xlsx, the old Excel and WPS formats are taken from a
# folder too, so that a return saved in the wrong format is refused with its reason (另存为 .xlsx) instead of
# being silently left out of the merge.
RETURN_SUFFIXES = (".xlsx", ".xls", ".et")
_WILDCARDS = ("*", "?", "[")


def return_files(paths: list[str | Path]) -> list[Path]:
    """Expand folders (with their subfolders) and wildcard patterns into the returns to merge, each once.

    A file named as it is stays in, whatever it is: the merge says why it refuses it. Office's lock files
    (~$…) and a Mac's ._… files are left out of folders and patterns. Patterns are expanded here because the Windows command
    prompt passes *.xlsx on as typed. A folder or a pattern with no return in it is refused, naming it
    (a mistyped name or the wrong folder), before anything is merged.
    """
    out: list[Path] = []
    empty: list[str] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if _is_return(p))
        elif not path.exists() and any(w in str(given) for w in _WILDCARDS):
            found = sorted(p for p in map(Path, glob.glob(str(given), recursive=True)) if _is_return(p))
        else:
            found = [path]
        if not found:
            empty.append(str(given))
        out += found
    if empty:
        raise DataError("没有找到报表文件（.xlsx）：" + "、".join(empty))
    return list(dict.fromkeys(out))


def _is_return(path: Path) -> bool:
    # ._name is the Mac's record of a file's Finder details, left beside every file copied to a USB stick from a Mac
    return path.suffix.lower() in RETURN_SUFFIXES and not path.name.startswith(("~$", "._")) and path.is_file()
