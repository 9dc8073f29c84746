"""Telling a lost database connection from other database errors.

A connection that was open and is gone (the server terminated it, a failover, a network
cut) is cured by opening a new one; a query that failed on a working connection, or a
database that refuses new connections, is not. Django's health checks
(CONN_HEALTH_CHECKS) only look before the first query of a request or task, so a
connection lost after that surfaces as an OperationalError or InterfaceError."""

from django.db import InterfaceError, OperationalError, connections


def connections_lost(error: BaseException) -> list:
    """The open connections `error` may have come from that no longer work.

    Empty when `error` is not a connection-level database error, when every connection
    still answers, or when the connection never opened (a refused or timed-out connect:
    trying again at once would only wait out the connect timeout a second time)."""
    if not isinstance(error, (OperationalError, InterfaceError)):
        return []
    return [wrapper for wrapper in connections.all(initialized_only=True) if _lost(wrapper)]


def _lost(wrapper) -> bool:
    if wrapper.connection is None:
        # Leaving the atomic block the error broke, Django closed the connection it could
        # not roll back; a connect that failed leaves this False.
        return wrapper.closed_in_transaction
    return not wrapper.is_usable()


def connections_drop(lost: list) -> None:
    """Let go of lost connections so that the next query opens a new one."""
    for wrapper in lost:
        wrapper.close()
