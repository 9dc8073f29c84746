"""Telling a lost database connection from other database errors.

A session that was open and is gone (terminated by an administrator, a failover or
restart, a network cut) is cured by opening a new one; a query that failed on a working
session (a timeout, a deadlock, bad SQL) is not. Django's health checks
(CONN_HEALTH_CHECKS) only look before the first query of a request or task, so a session
lost after that surfaces as an OperationalError or InterfaceError."""

import psycopg
from django.db import InterfaceError, OperationalError, connections

# PostgreSQL's codes for "this session is over": class 08 (connection exception) and the
# server shutting sessions down (57P01 administrator command, 57P02 crash, 57P03 starting
# up or shutting down). Not the rest of class 57: 57014 is a cancelled statement.
SESSION_OVER = ("08", "57P01", "57P02", "57P03")


def connection_lost(error: BaseException) -> bool:
    """Whether `error` says the database session it came from is gone.

    Errors psycopg raises itself, without a code from the server ("server closed the
    connection unexpectedly", "the connection is closed"), mean the same. So does a
    connect that failed: trying again costs at most one more connect timeout."""
    if not isinstance(error, (OperationalError, InterfaceError)):
        return False
    cause = error.__cause__
    if not isinstance(cause, psycopg.Error):
        return False
    return cause.sqlstate is None or cause.sqlstate.startswith(SESSION_OVER)


def connections_drop() -> None:
    """Close the connections that no longer answer, so that the next query opens a new
    one. (Django already replaced one it could not roll back at the end of an atomic
    block.) Only outside atomic blocks: the work done in one went with its session."""
    for wrapper in connections.all(initialized_only=True):
        if wrapper.connection is not None and not wrapper.is_usable():
            wrapper.close()
