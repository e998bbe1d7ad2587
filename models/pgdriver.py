"""peewee without its PostgreSQL driver until a PostgreSQL database is opened.

peewee imports psycopg2 (and with it libpq and OpenSSL) whenever it is installed, which costs every start of the
program ~15 ms although most offices use the embedded SQLite file. models/__init__.py imports peewee through
import_peewee(), and open_database() calls load_postgres_driver() before it opens a PostgreSQL URL.
"""

from __future__ import annotations

import sys

_DRIVERS = ("psycopg2", "psycopg", "psycopg2cffi")


def import_peewee() -> None:
    """Import peewee with its PostgreSQL drivers hidden from it (unless something imported them already)."""
    if "peewee" in sys.modules:
        return
    hidden = [name for name in _DRIVERS if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # makes `import name` raise ImportError, which peewee expects for a missing driver
    try:
        import peewee  # noqa: F401
    finally:
        for name in hidden:
            if sys.modules.get(name, False) is None:
                del sys.modules[name]


def load_postgres_driver() -> None:
    """Give peewee psycopg2 exactly as its own import would have (peewee 4.x's names); a no-op when it has it."""
    import peewee

    if peewee.psycopg2 is not None:
        return
    import psycopg2
    from psycopg2 import extensions
    from psycopg2.extras import Json, register_uuid

    register_uuid()
    peewee.psycopg2, peewee.pg_extensions, peewee.Json_pg2 = psycopg2, extensions, Json
    adapter = peewee.Psycopg2Adapter  # its class body reads these only when psycopg2 was there at import time
    adapter.txn_idle = extensions.TRANSACTION_STATUS_IDLE
    adapter.txn_inerror = extensions.TRANSACTION_STATUS_INERROR
    adapter.txn_unknown = extensions.TRANSACTION_STATUS_UNKNOWN
