"""Text copied from Excel or WPS, as rows of cells (the entry grid's paste and the wizard's list of townships)."""

from __future__ import annotations


def parse_clipboard(text: str) -> list[list[str]]:
    """Split text copied from Excel or WPS (tab-separated, quoted cells may hold line breaks) into rows."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    if not text:
        return []
    if '"' not in text:
        return [line.split("\t") for line in text.split("\n")]
    import csv  # quoted cells only: not needed to start the program
    import io

    return [row for row in csv.reader(io.StringIO(text), delimiter="\t", quotechar='"')] or [[""]]
