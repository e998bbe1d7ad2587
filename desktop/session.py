"""What every page shares: the unit being reported, the reporting month, who is acting, and change signals."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from models.entries import is_locked, lock_reason
from models.periods import check_period, current_period
from models.units import get_unit, stored_plan


class Session(QObject):
    """The unit and month the window shows; pages listen to its signals instead of to each other."""

    period_changed = Signal(str)
    data_changed = Signal(object)  # the page that saved, merged or locked: the others recompute
    lock_changed = Signal()

    def __init__(self, *, unit_code: str, period: str | None = None, user: str = "", parent=None) -> None:
        super().__init__(parent)
        self.unit_code = unit_code
        self.period = check_period(period or current_period())
        self.user = user
        self._unit = get_unit(unit_code)
        self._plan = stored_plan()

    @property
    def unit(self):
        """The own unit (code, name, level, parent)."""
        return self._unit

    @property
    def plan(self):
        """The current plan."""
        return self._plan

    @property
    def is_aggregating(self) -> bool:
        """True for a district or city, which merges the returns of the units below it."""
        return self._unit.level in ("district", "city")

    def refresh_unit(self) -> None:
        """Read the unit and plan again (after the settings page changed them)."""
        self._unit = get_unit(self.unit_code)
        self._plan = stored_plan()

    def set_period(self, period: str) -> None:
        """Change the reporting month."""
        period = check_period(period)
        if period != self.period:
            self.period = period
            self.period_changed.emit(period)

    def lock_reason(self) -> str:
        """Why the month is read-only ('' when open)."""
        return lock_reason(self.unit_code, self.period)

    def is_locked(self) -> bool:
        """True when the month is submitted."""
        return is_locked(self.unit_code, self.period)
