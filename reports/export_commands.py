"""Subcommands: (to be filled by the export work)."""


def add_parsers(sub) -> None:
    """Add this group's subcommands (none yet)."""
