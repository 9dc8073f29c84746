"""Benchmark: importing a helpdesk export of 1,000,000 interactions (attune mapping)."""

import os
import tempfile
from pathlib import Path

from django.db import connection

from accounts.models import User
from bench.__main__ import Result, median_time
from insights.interaction_import import FIELDS as ALL_FIELDS
from insights.interaction_import import interaction_import as import_file

ROWS = 1_000_000
AGENTS = 200
SOURCE = "bench"
CHANNELS = ("call", "chat", "email", "other")
RAW_TABLE = "bench_interaction_raw"
# The export's columns: every metric up to the notes. Intensity, account and tags are left
# out, as in most exports: every row's intensity is then derived by the rules.
FIELDS = ALL_FIELDS[: ALL_FIELDS.index("notes") + 1]
WRITE_EVERY = 100_000  # lines per write() while generating the file


def interaction_import(*, repeat: int) -> Result:
    """The whole import (UTF-8 check, staging COPY, set-based checks, agents, upsert) into
    an empty table, against the same rows loaded without any check: the file COPYed into an
    all-text table and one INSERT ... SELECT (casts, agents joined by e-mail) into the real
    table with its constraints and indexes. Also prints rows/s against a bare COPY."""
    repeat = min(repeat, 3)  # each run reads a million rows: keep the whole under minutes
    emails = _agents()
    handle, name = tempfile.mkstemp(suffix=".csv", prefix="bench-interactions-")
    os.close(handle)
    path = Path(name)
    try:
        _write_export(path, emails)
        attune = median_time(lambda: _import(path), repeat=repeat, before=_empty_interactions)
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TABLE {RAW_TABLE} ({', '.join(f'{f} text' for f in FIELDS)})")
        staged = median_time(lambda: _staged_insert(path), repeat=repeat, before=_empty_both)
        copy = median_time(lambda: _copy(path), repeat=repeat, before=_empty_raw_table)
    finally:
        path.unlink()
    print(
        f"interaction_import: {ROWS / attune:,.0f} rows/s, staged INSERT ... SELECT "
        f"{ROWS / staged:,.0f} rows/s, bare COPY {ROWS / copy:,.0f} rows/s "
        f"(attune {attune / copy:.1f}x the bare COPY)"
    )
    return Result("interaction_import", attune, staged, ROWS)


def _agents() -> list[str]:
    users = User.objects.bulk_create(
        User(email=f"agent-{n}@interactions.bench.example", display_name=f"Agent {n}")
        for n in range(AGENTS)
    )
    return [user.email for user in users]


def _write_export(path: Path, emails: list[str]) -> None:
    """ROWS rows, every metric filled (but the resolution time of the one contact in nine
    left unresolved), channels and agents mixed; plain string formatting keeps this to a
    few seconds. A row has a cell for every column of FIELDS: the COPY baseline needs it."""
    yes_no = ("no", "yes")
    with path.open("w", encoding="utf-8", newline="") as export:
        export.write(",".join(FIELDS) + "\n")
        lines = []
        for n in range(ROWS):
            occurred_at = (
                f"2026-{n % 12 + 1:02d}-{n % 28 + 1:02d}T{n % 24:02d}:{n % 60:02d}:"
                f"{n * 7 % 60:02d}Z"
            )
            lines.append(
                f"T{n},{CHANNELS[n % 4]},{emails[n % AGENTS]},{occurred_at},{n % 5 + 1},"
                f"{n % 11},{n % 10 + 1},{60 + n % 900},{yes_no[n % 7 == 0]},"
                f"{yes_no[n % 3 != 0]},{yes_no[n % 5 == 0]},{yes_no[n % 9 != 0]},"
                f"{300 + n % 28_800 if n % 9 else ''},"
                f"{'Refund asked for; calm close' if n % 10 == 0 else ''}\n"
            )
            if len(lines) == WRITE_EVERY:
                export.writelines(lines)
                lines = []
        export.writelines(lines)


def _import(path: Path) -> None:
    with path.open("rb") as export:
        report = import_file(data=export, source=SOURCE)
    assert (report.created, report.rejected) == (ROWS, []), (report.created, report.rejected[:5])


def _copy(path: Path) -> None:
    with (
        path.open("rb") as export,
        connection.cursor() as cursor,
        cursor.copy(f"COPY {RAW_TABLE} FROM STDIN (FORMAT csv, HEADER true)") as copy,
    ):
        while chunk := export.read(1 << 20):
            copy.write(chunk)


def _staged_insert(path: Path) -> None:
    """What the import does when nothing is wrong, without looking: COPY, then one INSERT
    ... SELECT that casts the text and finds each agent by e-mail."""
    _copy(path)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO insights_interaction (source, external_id, channel, agent_id,
                occurred_at, csat, nps, understood, handle_seconds, escalated,
                resolved_first_contact, repeat_contact, resolved, resolution_seconds, notes,
                imported_at)
            SELECT %s, r.external_id, r.channel, u.id, r.occurred_at::timestamptz,
                r.csat::smallint, r.nps::smallint, r.understood::smallint,
                r.handle_seconds::integer, r.escalated::boolean,
                r.resolved_first_contact::boolean, r.repeat_contact::boolean,
                r.resolved::boolean, r.resolution_seconds::integer, r.notes, now()
            FROM {RAW_TABLE} r JOIN accounts_user u ON lower(u.email) = r.agent_email
            """,
            [SOURCE],
        )
        assert cursor.rowcount == ROWS, cursor.rowcount


def _empty_both() -> None:
    _empty_interactions()
    _empty_raw_table()


def _empty_interactions() -> None:
    with connection.cursor() as cursor:
        # CASCADE: baseline items and calibrations refer to interactions (none in the bench).
        # The weekly rollup goes with them.
        cursor.execute("TRUNCATE insights_interaction, insights_interactionweek CASCADE")


def _empty_raw_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {RAW_TABLE}")
