"""Imported first by the desktop program: load peewee without the PostgreSQL driver, which costs start-up time.

peewee imports psycopg2 whenever it is installed (about 50 ms), although most offices keep their data in a SQLite
file; models.database.load_postgres_driver() hands the driver to peewee before the first PostgreSQL connection.
"""

from __future__ import annotations

import sys


def import_peewee_without_postgres_driver() -> None:
    """Import peewee with psycopg2 hidden (nothing to do when either is already loaded)."""
    if "peewee" in sys.modules or "psycopg2" in sys.modules:
        return
    sys.modules["psycopg2"] = None  # type: ignore[assignment]  # "import psycopg2" now fails at once
    try:
        import peewee  # noqa: F401
    finally:
        del sys.modules["psycopg2"]


import_peewee_without_postgres_driver()
