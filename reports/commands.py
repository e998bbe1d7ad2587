"""Subcommands for returns: export, template, merge, completeness, summary, backup, restore."""

from __future__ import annotations


def add_parsers(sub) -> None:
    """Add the return subcommands to the parser (their handlers register themselves)."""
