"""Subcommand groups beyond the core ones; each module adds its parsers and registers its handlers."""

from __future__ import annotations

import importlib

# Each module defines add_parsers(sub) and registers handlers with reports.cli.command.
COMMAND_MODULES = (
    "reports.export_commands",  # export, template
    "reports.merge_commands",  # merge, completeness, summary
    "reports.backup_commands",  # backup, restore, user management
    "reports.transfer_commands",  # copy-from
)


def add_parsers(sub) -> None:
    """Add every group's subcommands to the parser."""
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_parsers(sub)
