"""Terminating PostgreSQL sessions from the side, as an administrator or a failover would,
for the tests about lost connections. It uses its own connection, never Django's."""

import time

import psycopg
from django.db import connection


def admin_connection() -> psycopg.Connection:
    """A separate autocommit connection to the test database."""
    params = connection.settings_dict
    return psycopg.connect(
        dbname=params["NAME"],
        user=params["USER"] or None,
        password=params["PASSWORD"] or None,
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        autocommit=True,
    )


def backend_terminate(pid: int) -> None:
    """Terminate one session and wait until it is gone, so its next query fails."""
    with admin_connection() as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(200):
            if not admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
                return
            time.sleep(0.01)
    raise AssertionError(f"session {pid} outlived pg_terminate_backend")


def sessions_terminate(
    admin: psycopg.Connection, *, application_names: list[str], older_than: float = 0
) -> int:
    """Terminate every session of the test database that names itself one of these and
    has been open for more than `older_than` seconds; returns how many there were."""
    rows = admin.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE datname = current_database() AND application_name = ANY(%s)"
        " AND backend_start < now() - make_interval(secs => %s)"
        " AND pid <> pg_backend_pid()",
        [application_names, older_than],
    ).fetchall()
    return len(rows)
