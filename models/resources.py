"""Locate bundled resources the same way in a source checkout and a frozen bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def resource_root() -> Path:
    """Return the folder holding resources/ and forms/defs/ (source tree or PyInstaller bundle)."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root)
    return Path(__file__).resolve().parent.parent


def resource_path(*parts: str) -> Path:
    """Return the path of a bundled resource, e.g. resource_path('resources', 'plans')."""
    return resource_root().joinpath(*parts)
