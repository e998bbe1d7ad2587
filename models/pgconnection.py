"""A PostgreSQL connection that is made again after the server or the network ended it.

A shared office's server is restarted, a laptop sleeps, a firewall drops an idle connection: psycopg2 then marks
the connection closed and every statement after fails ("connection already closed") until the program is
restarted. Here the next statement outside a transaction connects again and runs; inside a transaction the loss is
raised as it is, because the server has already rolled back what the transaction wrote and the caller must know.
Whether the connection is gone is asked of psycopg2 (its `closed` flag), not read from the error's text, which the
server and libpq may give in the user's language.
"""

from __future__ import annotations

from peewee import InterfaceError, OperationalError, PostgresqlDatabase


class ReconnectingPostgresqlDatabase(PostgresqlDatabase):
    """PostgresqlDatabase that connects again, once per statement, when its connection was lost between transactions."""

    def execute_sql(self, sql, params=None):
        """Run one statement; connect again first if the connection was lost outside a transaction."""
        return self._again_if_lost(super().execute_sql, sql, params)

    def begin(self, *args, **kwargs):
        """Begin a transaction; connect again first if the connection was lost since the last one."""
        return self._again_if_lost(super().begin, *args, **kwargs)

    def _again_if_lost(self, run, *args, **kwargs):
        try:
            return run(*args, **kwargs)
        except (OperationalError, InterfaceError):
            if self.in_transaction() or not self._connection_lost():
                raise
            self.close()
            self.connect()
            return run(*args, **kwargs)

    def _connection_lost(self) -> bool:
        connection = None if self.is_closed() else self.connection()
        return connection is not None and bool(getattr(connection, "closed", 0))
