"""A PostgreSQL connection that is made again after the server or the network ended it.

A shared office's server is restarted, a laptop sleeps, a firewall drops an idle connection: psycopg2 then marks
the connection closed and every statement after fails ("connection already closed") until the program is
restarted. Here the next statement outside a transaction connects again and runs; inside a transaction the loss is
raised as ConnectionLost, in words, because the server has already rolled back what the transaction wrote and the
user must do it again (the next statement connects again).
Whether the connection is gone is asked of psycopg2 (its `closed` flag), not read from the error's text, which the
server and libpq may give in the user's language.
"""

from __future__ import annotations

from peewee import InterfaceError, OperationalError, PostgresqlDatabase

from models.errors import ConnectionLost

LOST = "与数据库服务器的连接中断，这一步未完成、未做任何改动；请再做一次（程序会自动重新连接）"
LOST_AT_COMMIT = "与数据库服务器的连接在保存的最后一刻中断，不能确定这一步是否已保存；请刷新后查看"


class ReconnectingPostgresqlDatabase(PostgresqlDatabase):
    """PostgresqlDatabase that connects again, once per statement, when its connection was lost between transactions."""

    def execute_sql(self, sql, params=None):
        """Run one statement; connect again first if the connection was lost outside a transaction."""
        return self._again_if_lost(super().execute_sql, sql, params)

    def begin(self, *args, **kwargs):
        """Begin a transaction; connect again first if the connection was lost since the last one."""
        return self._again_if_lost(super().begin, *args, **kwargs)

    def commit(self):
        """Commit; a connection lost at that moment is said in words (whether the server committed is unknown)."""
        try:
            return super().commit()
        except (OperationalError, InterfaceError) as exc:
            if not self._connection_lost():
                raise
            raise ConnectionLost(f"{LOST_AT_COMMIT}（服务器的回答：{_said(exc)}）", _said(exc)) from exc

    def rollback(self):
        """Roll back; nothing to do when the connection is gone, as the server dropped the transaction with it."""
        if self._connection_lost():
            return None
        return super().rollback()

    def _again_if_lost(self, run, *args, **kwargs):
        try:
            return run(*args, **kwargs)
        except (OperationalError, InterfaceError) as exc:
            if not self._connection_lost():
                raise
            if self.in_transaction():
                raise ConnectionLost(f"{LOST}（服务器的回答：{_said(exc)}）", _said(exc)) from exc
            self.close()
            self.connect()
            return run(*args, **kwargs)

    def _connection_lost(self) -> bool:
        connection = None if self.is_closed() else self.connection()
        return connection is not None and bool(getattr(connection, "closed", 0))


def _said(exc: Exception) -> str:
    return " ".join(str(exc).split())
