"""Recognise a PySide6 build that corrupts Python's reference counts, so it is reported instead of crashing.

PySide6 6.12.0 on Python 3.11 drops a reference to True on every SignalInstance.emit() and to None on
many calls into Python (slots, QAbstractItemModel.data overrides, QObject.property); after a few hundred
of them Python aborts with "bool_dealloc: deallocating True or False" or "none_dealloc". Python 3.12+
hides it (True and None are immortal there); PySide6 6.11.x does not have it.
"""

from __future__ import annotations

import sys

PROBES = 32


def refcount_problem() -> str | None:
    """Return what is wrong with this PySide6 build, or None when it keeps reference counts intact."""
    from PySide6 import __version__
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        ping = Signal()

    probe = _Probe()
    true_before, none_before = sys.getrefcount(True), sys.getrefcount(None)
    for _ in range(PROBES):
        probe.ping.emit()
        probe.property("no_such_property")
    lost_true = true_before - sys.getrefcount(True)
    lost_none = none_before - sys.getrefcount(None)
    if lost_true >= PROBES or lost_none >= PROBES:
        return (f"PySide6 {__version__} on Python {sys.version.split()[0]} loses references to True/None "
                f"({lost_true} and {lost_none} in {PROBES} calls) and will crash the program; "
                "install PySide6-Essentials and PySide6-Addons 6.11.x (or run on Python 3.12+)")
    return None
