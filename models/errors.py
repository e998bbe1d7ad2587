"""Errors the core raises; each names what is wrong and where."""


class LiangxinError(Exception):
    """Base of every error the core reports to a user."""


class PlanError(LiangxinError):
    """A plan file is malformed."""


class FormError(LiangxinError):
    """A form declaration is malformed."""


class DataError(LiangxinError):
    """Input data (JSON load, an edit, a returned file) is invalid."""


class LockedError(LiangxinError):
    """A write was refused because the month is submitted."""


class SchemaError(LiangxinError):
    """The database schema is unknown or newer than this program."""


class ConflictError(LiangxinError):
    """A record was changed by someone else since it was read."""


class PermissionDenied(LiangxinError):
    """The current user's role does not allow this action."""


class ConnectionLost(LiangxinError):
    """The shared database's server ended the connection during a transaction (which it has rolled back)."""

    def __init__(self, message: str, answer: str = "") -> None:
        super().__init__(message)
        self.answer = answer  # the server's or the driver's own words, on one line
