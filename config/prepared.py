"""Statements PostgreSQL prepares once per session: for a long hand-written query run again
and again (an HR report), parsing and planning can cost as much as running it.

Django's psycopg cursors bind parameters on the client and never prepare. `prepared_cursor()`
is the exception, for the statements that ask for it: a server-binding cursor that
prepares each statement on its first run in the session (psycopg's `prepare_threshold`,
which Django leaves unset, is set in the settings to allow it). The settings also ask for
the generic plan (`plan_cache_mode=force_generic_plan`, which only prepared statements
follow), so each statement is parsed and planned once per session, not on each run.
It is wrapped as Django wraps its own cursors, so its queries are logged and counted like
any other (the query-count tests see them), and on any other database it is the ordinary
cursor.

Behind PgBouncer in transaction mode a prepared statement needs PgBouncer 1.21 or later
with `max_prepared_statements` set; DATABASE_PREPARED_STATEMENTS=off runs these statements
unprepared instead (docs/configuration.md)."""

import contextlib

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper


class _PreparingCursor(ServerBindingCursor):
    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


class _DebugWrapper(CursorDebugWrapper):
    # Logs the statement as written: psycopg keeps no text of a prepared statement's run
    # for Django's `last_executed_query` (it logged None).
    def execute(self, sql, params=None):
        with self.debug_sql(sql, params):
            return CursorWrapper.execute(self, sql, params)


@contextlib.contextmanager
def prepared_cursor(using: str = DEFAULT_DB_ALIAS):
    connection = connections[using]
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.ensure_connection()
    raw = _PreparingCursor(connection.connection)
    if connection.queries_logged:
        cursor = _DebugWrapper(raw, connection)
    else:
        cursor = connection.make_cursor(raw)
    with cursor:
        yield cursor
