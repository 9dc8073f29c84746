"""The PostgreSQL path of `interaction_import`: the same rules and the same report, checked
set-based in SQL instead of row by row in Python.

1. Staging. The file goes into a temporary all-text table, one column per header cell and
   the line each row starts on. A plain file (no quote, NUL or backslash-dot: most exports)
   is COPYed as it is, and PostgreSQL's CSV reader splits it exactly as Python's would,
   a row per line; should PostgreSQL refuse it (a blank line, a row with more or fewer
   cells than the header, mixed line ends), or when the file is not plain, Python's CSV
   reader splits it and COPYs the rows. Staging commits in pieces of BATCH rows, so that
   `progress` is seen by others.
2. Checks, in one transaction with the write. Each cell is converted in SQL when its
   text is in a form SQL reads exactly as the Python converter does (a whole number of
   digits, a date of the common ISO 8601 forms, a channel or yes/no spelled as in the
   mapping, an id without surrounding spaces or control characters); every other distinct
   value (" Chat", "+5", "2026-02-29", a custom converter's column) is converted once by
   the Python converter itself. So a rule lives in one place and the reasons are the same
   words. E-mails are looked up once per distinct value; duplicates are found with one
   GROUP BY.
3. Write: one INSERT ... SELECT ... ON CONFLICT DO UPDATE of the rows without a problem,
   with the weekly rollup recomputed around it; a source's first import is a plain INSERT
   whose RETURNING rows are added to the rollup in the same statement.
"""

import csv
import io

from django.db import IntegrityError, connection, transaction
from django.db.models.expressions import RawSQL

import insights.interaction_import as portable
from insights.intensity import intensity_derive, intensity_guess_sql
from insights.interaction_import import (
    ACCOUNT_MAX_LENGTH,
    AGENT,
    BOOLEAN_FIELDS,
    EXTERNAL_ID,
    EXTERNAL_ID_MAX_LENGTH,
    FIELDS,
    NOTES_MAX,
    OWNER_REASON,
    RANGES,
    RejectedRow,
    _columns,
    _FileRejected,
    _header,
    _Import,
    _lines,
    agents_by_email,
    not_importable_reason,
    unknown_agent_reason,
)
from insights.interaction_weeks import interaction_weeks_add_sql, interaction_weeks_refresh
from insights.models import Intensity, Interaction

STAGE = "insights_interaction_stage"
RESOLVED = "insights_interaction_resolved"  # distinct cells converted by Python
AGENTS = "insights_interaction_agents"  # distinct e-mail cells and whom they name
CHECKED = "insights_interaction_checked"  # typed values and per-cell reasons, per row
REJECTED = "insights_interaction_rejected"  # (line, rank, reason), rank orders a line's
VALID = "insights_interaction_valid"  # a view: every row, typed, good or bad
VALID_IDS = "insights_interaction_valid_ids"  # a view: the same rows' lines and ids only
TABLES = (STAGE, RESOLVED, AGENTS, CHECKED, REJECTED)
DUPLICATE_RANK, AGENT_RANK, OWNER_RANK = len(FIELDS), len(FIELDS) + 1, len(FIELDS) + 2
PENDING = "?"  # the reason of a cell SQL left to the Python converter
PIECE = 1 << 20  # bytes per COPY of a plain file
# Hash aggregates and anti-joins over a million rows stay in memory (this transaction only).
WORK_MEM = "128MB"

# Text that SQL converts exactly as the Python converters do; anything else goes to them.
_CONTROL = r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]"  # config.csv_cells' (NUL never gets here)
_DAY = r"[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"  # the month's length aside
_TIME = r"[T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?"
_OFFSET = r" ?(Z|[+-](0[0-9]|1[0-4])(:?[0-5][0-9])?)"
_MOMENT = f"^{_DAY}({_TIME}({_OFFSET})?)?$"
# The usual shape of a moment, "YYYY-MM-DD HH:MM:SS" (or with a T) then nothing, "Z" or a
# quarter-hour offset, tested without a regex: PostgreSQL builds a regex's automaton again
# for each value, microseconds a row on a long pattern (_MOMENT took 4 s of a million-row
# import). Each 2-digit piece, by where it starts, is one of its valid spellings (IN is a
# hash look-up). Every moment of this shape is one _MOMENT takes; the others go to it.
_COMMON_MOMENT_PIECES = {
    1: range(10, 100),  # the year's first two digits, then its last two
    3: range(100),
    6: range(1, 13),
    9: range(1, 32),
    12: range(24),
    15: range(60),
    18: range(60),
}
_COMMON_OFFSETS = (
    "",
    "Z",
    *(
        f"{sign}{hours:02d}:{minutes:02d}"
        for sign in "+-"
        for hours in range(15)
        for minutes in (0, 15, 30, 45)
    ),
)
_SQL_TYPES = {"csat": "integer", "nps": "integer", "understood": "integer"}


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _in(cell: str, values) -> str:
    return f"{cell} IN ({', '.join(_literal(value) for value in sorted(values))})"


def _common_moment(cell: str) -> str:
    """SQL: the non-empty `cell` is a moment of the usual shape (see _COMMON_MOMENT_PIECES)."""
    prefix = f"left({cell}, 19)"
    tests = [
        f"({prefix} LIKE '____-__-__T__:__:__' OR {prefix} LIKE '____-__-__ __:__:__')",
        _in(f"substr({cell}, 20)", _COMMON_OFFSETS),
        *(
            _in(f"substr({cell}, {start}, 2)", [f"{number:02d}" for number in numbers])
            for start, numbers in _COMMON_MOMENT_PIECES.items()
        ),
    ]
    return " AND ".join(tests)


def _printable(cell: str, longest: int) -> str:
    """SQL: the non-empty `cell` is printable ASCII without spaces, `longest` at most."""
    return f"octet_length({cell}) BETWEEN 1 AND {longest} AND {cell} !~ '[^!-~]'"


class SetBasedImport(_Import):
    """One run over one file on PostgreSQL; see the module docstring."""

    def __init__(self, report, mapping, progress, agents, *, plain: bool):
        super().__init__(report, mapping, progress, agents)
        self.plain = plain

    def run(self, stream) -> None:
        start = stream.tell()
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="strict", newline="")
        try:
            header = _header(csv.reader(text, strict=True))
        finally:
            text.detach()  # leave the caller's stream open
        self.columns = _columns(header, self.mapping)
        self.header_width = len(header)
        broken = None
        with connection.cursor() as cursor:
            try:
                self._create_stage(cursor)
                try:
                    if not (self.plain and self._copy_plain(cursor, stream, start)):
                        cursor.execute(f"TRUNCATE {STAGE}")
                        self._copy_rows(cursor, stream, start)
                except _FileRejected as error:
                    broken = error  # the rows before the broken line are imported
                self._check_and_write(cursor)
            finally:
                cursor.execute(f"DROP VIEW IF EXISTS {VALID}, {VALID_IDS}")
                cursor.execute(f"DROP TABLE IF EXISTS {', '.join(TABLES)}")
        if broken:
            raise broken

    # --- Staging -------------------------------------------------------------------------

    def _create_stage(self, cursor) -> None:
        cells = ", ".join(f"h{index} text" for index in range(self.header_width))
        cursor.execute(f"DROP VIEW IF EXISTS {VALID}, {VALID_IDS}")
        cursor.execute(f"DROP TABLE IF EXISTS {', '.join(TABLES)}")
        # Lines count from 2 (the header is 1) in the order COPY reads the rows.
        cursor.execute(
            f"CREATE TEMP TABLE {STAGE} "
            f"(line integer GENERATED BY DEFAULT AS IDENTITY (START WITH 2), {cells})"
        )

    def _copy_plain(self, cursor, stream, start: int) -> bool:
        """COPY the plain file as it is; False when PostgreSQL refuses it (the caller then
        lets Python's CSV reader split it)."""
        stream.seek(start)
        if stream.read(3) != b"\xef\xbb\xbf":
            stream.seek(start)
        # One COPY per BATCH rows when someone follows the progress, else one in all.
        pieces = _pieces(stream, rows=portable.BATCH) if self.progress else [_chunks(stream)]
        header, lines = True, 0
        try:
            for piece in pieces:
                # Each COPY is its own transaction (or savepoint): a refused one undoes
                # itself only, and the progress shows between them.
                lines += self._copy_piece(cursor, piece, header=header)
                header = False
                if self.progress:
                    self.progress(lines - 1)
        except Exception as error:  # a refused piece: Python's reader splits the file
            if not _is_data_error(error):
                raise
            return False
        return True

    def _copy_piece(self, cursor, piece, *, header: bool) -> int:
        """COPY `piece` (bytes, or an iterator of them); returns how many lines it had."""
        cells = ", ".join(f"h{index}" for index in range(self.header_width))
        chunks = [piece] if isinstance(piece, bytes) else piece
        lines, last = 0, b"\n"
        with (
            transaction.atomic(),
            cursor.copy(f"COPY {STAGE} ({cells}) FROM STDIN (FORMAT csv, HEADER {header})") as copy,
        ):
            for chunk in chunks:
                copy.write(chunk)
                lines += chunk.count(b"\n")
                last = chunk
        return lines + (not last.endswith(b"\n"))

    def _copy_rows(self, cursor, stream, start: int) -> None:
        """Python's CSV reader splits the file (quoted cells, ragged rows, blank lines)."""
        stream.seek(start)
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="strict", newline="")
        try:
            reader = csv.reader(text, strict=True)
            next(reader)  # the header, read already
            self._copy_lines(cursor, _lines(reader))
        finally:
            text.detach()

    def _copy_lines(self, cursor, lines) -> None:
        width = self.header_width
        buffer = io.StringIO()
        try:
            while True:
                buffer = io.StringIO()
                writer = csv.writer(buffer)
                count = 0
                for line, cells in lines:
                    if len(cells) < width:
                        cells += [""] * (width - len(cells))
                    elif len(cells) > width:
                        del cells[width:]
                    cells.append(line)
                    writer.writerow(cells)
                    count += 1
                    if count == portable.BATCH:
                        break
                self._write_piece(cursor, buffer)
                self.report.rows += count
                if self.progress and count:
                    self.progress(self.report.rows)
                if count < portable.BATCH:
                    return
        except _FileRejected:
            self._write_piece(cursor, buffer)
            raise

    def _write_piece(self, cursor, buffer: io.StringIO) -> None:
        if not buffer.tell():
            return
        cells = ", ".join(f"h{index}" for index in range(self.header_width))
        with (
            transaction.atomic(),
            cursor.copy(f"COPY {STAGE} ({cells}, line) FROM STDIN (FORMAT csv)") as copy,
        ):
            copy.write(buffer.getvalue())

    # --- Checks and write ----------------------------------------------------------------

    def _check_and_write(self, cursor) -> None:
        with transaction.atomic():
            cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
            cursor.execute("SET LOCAL timezone = 'UTC'")  # an ISO time without offset is UTC
            self._load_agents(cursor)
            self._check_cells(cursor)
            self._resolve_pending(cursor)
            self._collect_rejected(cursor)
            if self.scoped:
                self._reject_others_interactions(cursor)
            self._read_rejected(cursor)
            created, updated = self._write(cursor)
            # Every row new and none with an account: the INSERT's intensities are already
            # the rules' (no correction to keep, no repeat contact to find).
            has_accounts = any(FIELDS[column.position] == "account" for column in self.columns)
            if not self.report.dry_run and (updated or has_accounts):
                self._derive_intensity()
            self.report.created += created
            self.report.updated += updated

    def _cell(self, position: int) -> str:
        for column in self.columns:
            if column.position == position:
                return f"s.h{column.index}"
        raise LookupError(position)

    def _load_agents(self, cursor) -> None:
        """Who each distinct e-mail cell names, decided in Python as the other path does;
        the rows are counted in the same pass."""
        cell = self._cell(AGENT)
        cursor.execute(
            f"SELECT {cell}, count(*) FROM {STAGE} s WHERE {self._not_blank()} GROUP BY {cell}"
        )
        counts = cursor.fetchall()
        self.report.rows = sum(count for _, count in counts)
        raws = [raw for raw, _ in counts if raw is not None]
        emails = {raw.strip().lower() for raw in raws} - {""}
        found, outside = agents_by_email(self.allowed, emails) if emails else ({}, set())
        cursor.execute(
            f"CREATE TEMP TABLE {AGENTS} (raw text PRIMARY KEY, email text, agent_id integer,"
            " required text, reason text, unknown boolean)"
        )
        with cursor.copy(f"COPY {AGENTS} FROM STDIN") as copy:
            for raw in raws:
                email = raw.strip().lower()
                if not email:
                    copy.write_row((raw, None, None, "a value is required", None, False))
                elif email in found:
                    copy.write_row((raw, email, found[email], None, None, False))
                elif email in outside:
                    copy.write_row((raw, email, None, None, not_importable_reason(email), False))
                else:
                    copy.write_row((raw, email, None, None, unknown_agent_reason(email), True))
        cursor.execute(f"ANALYZE {AGENTS}")

    def _sql_cell(self, column, cell: str) -> tuple[str, str]:
        """(when SQL decides the non-empty cell, its value then). Cheap tests first: they
        run on every row. A cell SQL decides is a valid one; every problem's words come
        from the Python converters, through the pending values."""
        name = FIELDS[column.position]
        if name in self.mapping.converters:
            return "false", "NULL"
        if name == "intensity":
            return _in(cell, Intensity.values), cell
        if name == "account":  # printable ASCII without spaces, else the Python converter
            return _printable(cell, ACCOUNT_MAX_LENGTH), cell
        if name == "tags":  # normalised by the Python converter, once per distinct value
            return "false", "NULL"
        if name in ("external_id", "notes"):
            longest = EXTERNAL_ID_MAX_LENGTH if name == "external_id" else NOTES_MAX
            if name == "external_id":  # printable ASCII without spaces: most ids
                return _printable(cell, longest), cell
            fast = (
                f"length({cell}) <= {longest} AND {cell} ~ '^[!-~]' AND {cell} ~ '[!-~]$'"
                f" AND {cell} !~ '{_CONTROL}'"
            )
            return fast, cell
        if name == "channel":
            cases = " ".join(
                f"WHEN {_literal(raw)} THEN {_literal(channel)}"
                for raw, channel in self.mapping.channels.items()
            )
            return _in(cell, self.mapping.channels), f"CASE {cell} {cases} END"
        if name == "occurred_at":
            # The shape, then the day: past the 28th, the month must have it.
            day = f"substr({cell}, 9, 2)"
            month_end = f"(substr({cell}, 1, 7) || '-01')::date + interval '1 month - 1 day'"
            in_month = f"{day} <= '28' OR {day}::integer <= extract(day FROM {month_end})"
            fast = (
                f"CASE WHEN {_common_moment(cell)} THEN {in_month}"
                f" WHEN {cell} ~ '{_MOMENT}' THEN {in_month} ELSE false END"
            )
            return fast, f"{cell}::timestamptz"
        if name in RANGES:
            low, high = RANGES[name]
            if high < 100:  # every valid spelling of a small range, as written
                return _in(cell, [str(number) for number in range(low, high + 1)]), (
                    f"{cell}::integer"
                )
            # 1 to 9 digits: below 2**31, in range. A regex that looks for a wrong character
            # costs half of one that matches the whole text.
            return f"octet_length({cell}) BETWEEN 1 AND 9 AND {cell} !~ '[^0-9]'", (
                f"{cell}::integer"
            )
        if name in BOOLEAN_FIELDS:
            spellings = self.mapping.true_values | self.mapping.false_values
            return _in(cell, spellings), _in(cell, self.mapping.true_values)
        raise LookupError(name)

    def _column_type(self, position: int) -> str:
        name = FIELDS[position]
        if name in ("external_id", "channel", "notes", "intensity", "account", "tags"):
            return "text"
        if name == "occurred_at":
            return "timestamptz"
        if name in RANGES:
            return "integer"
        return "boolean"

    def _check_cells(self, cursor) -> None:
        """One pass over the staged rows tests each cell once. Only the rows with a cell
        SQL could not pass (a problem, or text left to Python) are kept, in CHECKED, with
        their values and each cell's reason; every other row is clean, and VALID reads it
        from the staging table when it is written."""
        tests, ok, selects, clean = [], [], ["line"], []
        for column in self.columns:
            name = FIELDS[column.position]
            cell = f"h{column.index}"
            if column.position == AGENT:
                selects += [
                    "agent_id",
                    f"CASE WHEN {cell} IS NULL THEN 'a value is required' ELSE required END"
                    " AS agent_email_reason",
                    "agent_reason",
                ]
                ok.append("agent_id IS NOT NULL")
                clean.append("a.agent_id")
                continue
            fast, _ = self._sql_cell(column, f"s.{cell}")
            _, value = self._sql_cell(column, cell)
            tests.append(
                f"s.{cell}, CASE WHEN s.{cell} IS NULL THEN {not column.required}"
                f" ELSE {fast} END AS ok{column.index}"
            )
            ok.append(f"ok{column.index}")
            sql_type = self._column_type(column.position)
            selects.append(
                f"(CASE WHEN {cell} IS NOT NULL AND ok{column.index} THEN {value} END)"
                f"::{sql_type} AS {name}"
            )
            empty = "'a value is required'" if column.required else "NULL"
            selects.append(
                f"CASE WHEN {cell} IS NULL THEN {empty} WHEN ok{column.index} THEN NULL"
                f" ELSE '{PENDING}' END AS {name}_reason"
            )
            clean.append(f"({self._sql_cell(column, f's.{cell}')[1]})::{sql_type}")
        agent_cell = self._cell(AGENT)
        cursor.execute(
            f"CREATE TEMP TABLE {CHECKED} AS SELECT {', '.join(selects)} FROM ("
            f"SELECT s.line, {agent_cell}, a.agent_id, a.required, a.reason AS agent_reason,"
            f" {', '.join(tests)} FROM {STAGE} s LEFT JOIN {AGENTS} a ON a.raw = {agent_cell}"
            f" WHERE {self._not_blank()}"
            f" OFFSET 0) s WHERE NOT ({' AND '.join(ok)})"
        )
        positions = [column.position for column in self.columns]
        names = [_model_column(position) for position in positions]
        values = ", ".join(f"{value} AS {name}" for value, name in zip(clean, names, strict=True))
        cursor.execute(
            f"CREATE TEMP VIEW {VALID} AS SELECT s.line, {values}"
            f" FROM {STAGE} s JOIN {AGENTS} a ON a.raw = {agent_cell}"
            f" WHERE {self._not_blank()}"
            f" AND NOT EXISTS (SELECT FROM {CHECKED} c WHERE c.line = s.line)"
            f" UNION ALL SELECT line, {', '.join(map(_checked_column, positions))}"
            f" FROM {CHECKED}"
        )
        # The duplicate and owner checks need only the ids: no casts on a million rows.
        cursor.execute(
            f"CREATE TEMP VIEW {VALID_IDS} AS SELECT s.line, {self._cell(EXTERNAL_ID)}"
            f" AS external_id FROM {STAGE} s WHERE {self._not_blank()}"
            f" AND NOT EXISTS (SELECT FROM {CHECKED} c WHERE c.line = s.line)"
            f" UNION ALL SELECT line, external_id FROM {CHECKED}"
        )

    def _not_blank(self) -> str:
        """A row of empty cells is no row, as for Python's reader."""
        every_cell = " AND ".join(f"s.h{index} IS NULL" for index in range(self.header_width))
        return f"NOT ({every_cell})"

    def _pending_columns(self, cursor) -> list:
        columns = [column for column in self.columns if column.position != AGENT]
        if not columns:
            return []
        flags = ", ".join(
            f"bool_or({FIELDS[column.position]}_reason = '{PENDING}')" for column in columns
        )
        cursor.execute(f"SELECT {flags} FROM {CHECKED}")
        flags = cursor.fetchone()
        return [column for column, pending in zip(columns, flags, strict=True) if pending]

    def _resolve_pending(self, cursor) -> None:
        """The cells SQL left alone, converted by the Python converters, once per value."""
        pending = self._pending_columns(cursor)
        if not pending:
            return
        cursor.execute(
            f"CREATE TEMP TABLE {RESOLVED} (position integer, raw text, value text,"
            " reason text, PRIMARY KEY (position, raw))"
        )
        for column in pending:
            name = FIELDS[column.position]
            cell = f"s.h{column.index}"
            cursor.execute(
                f"SELECT DISTINCT {cell} FROM {STAGE} s JOIN {CHECKED} c USING (line)"
                f" WHERE c.{name}_reason = '{PENDING}'"
            )
            raws = [raw for (raw,) in cursor.fetchall()]
            with cursor.copy(f"COPY {RESOLVED} FROM STDIN") as copy:
                for raw in raws:
                    copy.write_row((column.position, raw, *_python_cell(raw, column)))
            cursor.execute(
                f"UPDATE {CHECKED} c SET {name} = r.value::{self._column_type(column.position)},"
                f" {name}_reason = r.reason FROM {STAGE} s, {RESOLVED} r"
                f" WHERE c.{name}_reason = '{PENDING}' AND s.line = c.line"
                f" AND r.position = {column.position} AND r.raw = {cell}"
            )

    def _collect_rejected(self, cursor) -> None:
        """Every problem as (line, rank, reason), rank ordering a line's problems as the
        Python path reports them: cells in FIELDS order, the duplicate, then the agent."""
        reasons = [f"c.{_reason_column(column.position)}" for column in self.columns]
        cells = ", ".join(
            f"({column.position}, {reason})"
            for column, reason in zip(self.columns, reasons, strict=True)
        )
        cursor.execute(
            f"""
            CREATE TEMP TABLE {REJECTED} AS
            SELECT c.line, e.rank, e.reason
            FROM {CHECKED} c CROSS JOIN LATERAL (VALUES {cells}) AS e (rank, reason)
            WHERE num_nonnulls({", ".join(reasons)}) > 0 AND e.reason IS NOT NULL
            UNION ALL
            SELECT v.line, {DUPLICATE_RANK},
                '“' || v.external_id || '” already appears on line ' || d.first_line
            FROM {VALID_IDS} v JOIN (
                SELECT external_id, min(line) AS first_line FROM {VALID_IDS}
                WHERE external_id IS NOT NULL GROUP BY external_id HAVING count(*) > 1
            ) d USING (external_id)
            WHERE v.line <> d.first_line
            UNION ALL
            SELECT c.line, {AGENT_RANK}, c.agent_reason FROM {CHECKED} c
            WHERE c.agent_reason IS NOT NULL
            """
        )

    def _reject_others_interactions(self, cursor) -> None:
        allowed, params = self.allowed.order_by().values("pk").query.sql_with_params()
        cursor.execute(
            f"""
            INSERT INTO {REJECTED}
            SELECT c.line, {OWNER_RANK}, %s FROM {VALID_IDS} c
            JOIN {Interaction._meta.db_table} i
                ON i.source = %s AND i.external_id = c.external_id
            WHERE i.agent_id NOT IN ({allowed})
            AND NOT EXISTS (SELECT FROM {REJECTED} r WHERE r.line = c.line)
            """,
            [OWNER_REASON, self.report.source, *params],
        )

    def _read_rejected(self, cursor) -> None:
        headers = {column.position: column.header for column in self.columns}
        headers[DUPLICATE_RANK] = headers[OWNER_RANK] = headers[EXTERNAL_ID]
        headers[AGENT_RANK] = headers[AGENT]
        cursor.execute(f"SELECT line, rank, reason FROM {REJECTED} ORDER BY line, rank")
        self.report.rejected += [
            RejectedRow(line, headers[rank], reason) for line, rank, reason in cursor.fetchall()
        ]
        agent_cell = self._cell(AGENT)
        cursor.execute(
            f"SELECT a.email FROM {STAGE} s JOIN {AGENTS} a ON a.raw = {agent_cell}"
            " WHERE a.unknown GROUP BY a.email ORDER BY min(s.line)"
        )
        self.report.unknown_agents += [email for (email,) in cursor.fetchall()]

    def _derive_intensity(self) -> None:
        written = RawSQL(
            f"SELECT c.external_id FROM {VALID_IDS} c"
            f" WHERE NOT EXISTS (SELECT FROM {REJECTED} r WHERE r.line = c.line)",
            [],
        )
        intensity_derive(
            interactions=Interaction.objects.filter(
                source=self.report.source, external_id__in=written
            )
        )

    def _write(self, cursor) -> tuple[int, int]:
        good = f"NOT EXISTS (SELECT FROM {REJECTED} r WHERE r.line = c.line)"
        table = Interaction._meta.db_table
        if self.report.dry_run:
            cursor.execute(
                f"SELECT count(*) FILTER (WHERE i.id IS NULL), count(i.id) FROM {VALID} c"
                f" LEFT JOIN {table} i ON i.source = %s AND i.external_id = c.external_id"
                f" WHERE {good}",
                [self.report.source],
            )
            return cursor.fetchone()
        names = [_model_column(column.position) for column in self.columns]
        update = [*names[1:], "imported_at"]
        # New rows get their intensity as they are inserted (an update keeps the stored
        # one): intensity_derive then rewrites only the rows the guess got wrong.
        guess = intensity_guess_sql(columns=set(names), alias="c")
        # The interactions of the good rows (the stored ones before the write, all of them
        # after): their (agent, week) rows of the weekly rollup are recomputed.
        written = Interaction.objects.filter(
            source=self.report.source,
            external_id__in=RawSQL(f"SELECT c.external_id FROM {VALID_IDS} c WHERE {good}", ()),
        )
        if _source_is_new(self.report.source):
            created = self._insert_new(cursor, names, guess, good)
            if created is not None:
                return created, 0
        interaction_weeks_refresh(interactions=written, without=True)
        counts = self._upsert(cursor, names, guess, update, good)
        interaction_weeks_refresh(interactions=written)
        return counts

    def _insert_new(self, cursor, names: list[str], guess: dict, good: str) -> int | None:
        """A source's first import: a plain INSERT, cheaper than the upsert's speculative
        insertion, whose RETURNING rows are added to the weekly rollup in the same
        statement (no row is read back); None when another import of the source committed
        rows meanwhile (the unique constraint refuses this one, and the upsert runs
        instead)."""
        table = Interaction._meta.db_table
        guessed = "".join(f", {sql}" for sql in guess.values())
        add_weeks, params, read = interaction_weeks_add_sql(rows="written")
        try:
            with transaction.atomic():
                cursor.execute(
                    f"""
                    WITH written AS (
                        INSERT INTO {table} (source, {", ".join([*names, *guess])}, imported_at)
                        SELECT %s, {", ".join("c." + name for name in names)}{guessed}, now()
                        FROM {VALID} c WHERE {good}
                        RETURNING {", ".join(read)}
                    ), weeks AS ({add_weeks})
                    SELECT count(*) FROM written
                    """,
                    [self.report.source, *params],
                )
                return cursor.fetchone()[0]
        except IntegrityError:
            return None

    def _upsert(
        self, cursor, names: list[str], guess: dict, update: list[str], good: str
    ) -> tuple[int, int]:
        table = Interaction._meta.db_table
        guessed = "".join(f", {sql}" for sql in guess.values())
        assignments = ", ".join(f"{name} = EXCLUDED.{name}" for name in update)
        cursor.execute(
            f"""
            WITH written AS (
                INSERT INTO {table} (source, {", ".join([*names, *guess])}, imported_at)
                SELECT %s, {", ".join("c." + name for name in names)}{guessed}, now()
                FROM {VALID} c WHERE {good}
                ON CONFLICT (source, external_id) DO UPDATE SET {assignments}
                RETURNING (xmax = 0) AS created
            )
            SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created)
            FROM written
            """,
            [self.report.source],
        )
        return cursor.fetchone()


def _source_is_new(source: str) -> bool:
    return not Interaction.objects.filter(source=source).exists()


def _chunks(stream):
    while chunk := stream.read(PIECE):
        yield chunk


def _pieces(stream, *, rows: int):
    """The stream in pieces of `rows` lines, the first with one more (the header)."""
    rest, wanted = b"", rows + 1
    while chunk := stream.read(PIECE):
        data, begin = rest + chunk, 0
        while (end := _after_lines(data, begin, wanted)) is not None:
            yield data[begin:end]
            begin, wanted = end, rows
        rest = data[begin:]
    if rest:
        yield rest


def _after_lines(data: bytes, begin: int, count: int) -> int | None:
    """Where the `count`th line from `begin` ends, None when `data` ends first."""
    position = begin
    for _ in range(count):
        position = data.find(b"\n", position) + 1
        if not position:
            return None
    return position


def _reason_column(position: int) -> str:
    return f"{FIELDS[position]}_reason"


def _model_column(position: int) -> str:
    return portable.COLUMNS[position]


def _checked_column(position: int) -> str:
    """The column of CHECKED that holds a field's typed value."""
    return "agent_id" if position == AGENT else FIELDS[position]


def _python_cell(raw: str, column) -> tuple[str | None, str | None]:
    """(value as text, reason) of one cell, by the Python path's own rules."""
    cell = raw.strip()
    if not cell:
        return None, "a value is required" if column.required else None
    try:
        value = column.convert(cell)
    except ValueError as error:
        return None, str(error)
    if hasattr(value, "isoformat"):
        return value.isoformat(), None
    return str(value), None


def _is_data_error(error: Exception) -> bool:
    """PostgreSQL refused the COPYed text itself (class 22, data exception), not the
    connection or this code."""
    sqlstate = getattr(error, "sqlstate", None) or getattr(error.__cause__, "sqlstate", None)
    return (sqlstate or "").startswith("22")
