"""Subcommands: (to be filled by the merge work)."""


def add_parsers(sub) -> None:
    """Add this group's subcommands (none yet)."""
