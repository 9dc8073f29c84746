"""Import helpdesk interactions (calls, chats, e-mails) from a CSV export. See
`interaction_import`.

Policy: good rows are imported, rejected rows are returned. Every row is checked on its
own; a valid row is written (inserted, or updated when its (source, external_id) already
exists), a bad one is reported with its line, column and reason and skipped. Here rows are
checked one by one in Python and written in batches of `BATCH` rows, each batch in its own
transaction, so a failure never leaves a half-written batch; on PostgreSQL the same rules
run set-based in SQL and the good rows are written in one transaction (see
interaction_import_sql, which gives the same report). Two problems reject the whole file
and nothing is imported: a file that is not UTF-8 (checked in a first pass over the bytes,
before anything is written) and a missing required column. A file that stops being valid
CSV half-way (an unterminated quote) keeps the rows before the broken line and reports that
line.

On an update, the columns present in the file replace the stored values (an empty cell
means "unknown" and stores nothing); a metric column absent from the file is left alone.
Agents are matched by e-mail, case-insensitively, and are never created.

Column mappings (`MAPPINGS`), headers matched case-insensitively:

| Field                  | "attune" header        | "zendesk" header   | Values                    |
|------------------------|------------------------|--------------------|---------------------------|
| external_id (required) | external_id            | Ticket ID          | text, at most 100 chars   |
| channel (required)     | channel                | Via                | see below                 |
| agent (required)       | agent_email            | Assignee email     | an existing user's e-mail |
| occurred_at (required) | occurred_at            | Created at         | ISO 8601, see below       |
| csat                   | csat                   | Satisfaction Score | 1-5                       |
| nps                    | nps                    | NPS                | 0-10                      |
| understood             | understood             | Understood         | 1-10                      |
| handle_seconds         | handle_seconds         | Handle time (sec)  | 0 or more                 |
| escalated              | escalated              | Escalated          | yes/no                    |
| resolved_first_contact | resolved_first_contact | One-touch          | yes/no                    |
| repeat_contact         | repeat_contact         | Reopens            | attune: yes/no; zendesk:  |
|                        |                        |                    | a count, 0 = no, >0 = yes |
| resolved               | resolved               | Solved             | yes/no                    |
| resolution_seconds     | resolution_seconds     | Full resolution    | 0 or more                 |
|                        |                        | time (sec)         |                           |
| notes                  | notes                  | Description        | text, a transcript or the |
|                        |                        |                    | agent's notes (20,000     |
|                        |                        |                    | characters at most)       |
| intensity              | intensity              | Intensity          | low, medium, high (any    |
|                        |                        |                    | case); empty: derived     |
| account                | account                | Organization       | the customer account, at  |
|                        |                        |                    | most 100 chars            |
| tags                   | tags                   | Tags               | separated by commas or    |
|                        |                        |                    | spaces (any case)         |

- Channels: "attune" takes call, chat, email, other. "zendesk" maps email, web form and api
  to email; chat, messaging and web widget to chat; voice, phone call (inbound) and phone
  call (outbound) to call. Any other value rejects the row.
- Yes/no: true, yes, 1 / false, no, 0 (any case). Numbers are whole numbers.
- Dates: ISO 8601 ("2026-09-14T13:02:11+02:00", "2026-09-14 13:02:11"); "zendesk" also
  takes "2026-09-14 13:02:11 +0200". A time without an offset is UTC.
- An empty metric cell means unknown; an empty required cell rejects the row.
- Intensity: a given value is stored as given; where there is none, it is derived from the
  other columns by the rules in insights/intensity.py, in the transaction that writes the
  rows (a manager's correction stands until an import gives a value).
"""

import codecs
import csv
import datetime
import io
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import BinaryIO, NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts.models import User
from config.csv_cells import control_character_reason, csv_error_reason
from config.uploads import capped
from insights.intensity import intensity_derive, intensity_parse, tags_normalize
from insights.interaction_weeks import interaction_weeks_refresh
from insights.models import Interaction

BATCH = 5000  # rows per write and per transaction
# Where the file is checked and written with set-based SQL (interaction_import_sql).
SET_BASED_VENDORS = {"postgresql"}
FIELDS = (
    "external_id",
    "channel",
    "agent_email",
    "occurred_at",
    "csat",
    "nps",
    "understood",
    "handle_seconds",
    "escalated",
    "resolved_first_contact",
    "repeat_contact",
    "resolved",
    "resolution_seconds",
    "notes",
    "intensity",
    "account",
    "tags",
)
REQUIRED_FIELDS = FIELDS[:4]
RANGES = {
    "csat": (1, 5),
    "nps": (0, 10),
    "understood": (1, 10),
    "handle_seconds": (0, 2**31 - 1),
    "resolution_seconds": (0, 2**31 - 1),
}
BOOLEAN_FIELDS = ("escalated", "resolved_first_contact", "repeat_contact", "resolved")
# Model columns in FIELDS order: the e-mail becomes the agent's id once looked up; the
# intensity cell is kept as given (insights/intensity.py decides the intensity).
MODEL_COLUMNS = {"agent_email": "agent_id", "intensity": "intensity_given"}
COLUMNS = tuple(MODEL_COLUMNS.get(name, name) for name in FIELDS)
EXTERNAL_ID, AGENT = 0, 2
EXTERNAL_ID_MAX_LENGTH = Interaction._meta.get_field("external_id").max_length
SOURCE_MAX_LENGTH = Interaction._meta.get_field("source").max_length
ACCOUNT_MAX_LENGTH = Interaction._meta.get_field("account").max_length
CHECK_CHUNK = 1 << 20  # bytes read at a time by the UTF-8 check
NOTES_MAX = 20_000  # characters of transcript or notes per contact
# The rows' imported_at comes from the database's clock on PostgreSQL: allow for a skew.
CLOCK_MARGIN = datetime.timedelta(minutes=1)
NOT_UTF8 = "the file is not UTF-8 text; re-save it as “CSV UTF-8” and import it again"


@dataclass(frozen=True)
class Mapping:
    """How one helpdesk's export spells our fields.

    `converters` replaces the standard conversion of a field's non-empty cells: it takes
    the stripped cell and returns the value, or raises ValueError with the reason.
    """

    columns: dict[str, str]  # our field -> CSV header (case-insensitive match)
    channels: dict[str, str]  # lowercase CSV value -> our channel
    true_values: frozenset[str] = frozenset({"true", "yes", "1"})
    false_values: frozenset[str] = frozenset({"false", "no", "0"})
    date_formats: tuple[str, ...] = ()  # strptime formats tried after ISO 8601
    converters: dict[str, Callable[[str], object]] = field(default_factory=dict)

    def __post_init__(self):
        missing = [name for name in REQUIRED_FIELDS if name not in self.columns]
        unknown = set(self.columns) - set(FIELDS)
        if missing or unknown:
            raise ValueError(f"mapping: missing fields {missing}, unknown fields {unknown}")


def _count_as_boolean(value: str) -> bool:
    """A count of reopens: 0 is no repeat contact, more is one."""
    count = _whole_number(value)
    if count < 0:
        raise ValueError(f"{count} is negative")
    return count > 0


MAPPINGS: dict[str, Mapping] = {
    "attune": Mapping(
        columns={name: name for name in FIELDS},
        channels={channel: channel for channel in Interaction.Channel.values},
    ),
    "zendesk": Mapping(
        columns={
            "external_id": "Ticket ID",
            "channel": "Via",
            "agent_email": "Assignee email",
            "occurred_at": "Created at",
            "csat": "Satisfaction Score",
            "nps": "NPS",
            "understood": "Understood",
            "handle_seconds": "Handle time (sec)",
            "escalated": "Escalated",
            "resolved_first_contact": "One-touch",
            "repeat_contact": "Reopens",
            "resolved": "Solved",
            "resolution_seconds": "Full resolution time (sec)",
            "notes": "Description",
            "intensity": "Intensity",
            "account": "Organization",
            "tags": "Tags",
        },
        channels={
            "email": "email",
            "web form": "email",
            "api": "email",
            "chat": "chat",
            "messaging": "chat",
            "web widget": "chat",
            "voice": "call",
            "phone call (inbound)": "call",
            "phone call (outbound)": "call",
        },
        date_formats=("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z"),
        converters={"repeat_contact": _count_as_boolean},
    ),
}


@dataclass
class RejectedRow:
    line: int  # physical line in the file, the header being line 1
    column: str  # the CSV header; "" when the problem is with the file itself
    reason: str


@dataclass
class InteractionImportReport:
    source: str
    dry_run: bool
    rows: int = 0  # data rows read, good and bad
    created: int = 0
    updated: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    unknown_agents: list[str] = field(default_factory=list)

    @property
    def file_errors(self) -> list[RejectedRow]:
        """Problems with the file as a whole (header, encoding, broken CSV)."""
        return [error for error in self.rejected if error.line == 1 or not error.column]

    @property
    def rejected_rows(self) -> int:
        """How many data rows were rejected (a row may have several problems)."""
        return len({error.line for error in self.rejected if error.line > 1 and error.column})

    def as_dict(self) -> dict:
        """The report; it lists the first REPORTED_ERRORS problems (`rejected_total` counts
        them all) and the first REPORTED_ERRORS unknown e-mails."""
        return {
            **asdict(self),
            "rejected": [asdict(error) for error in capped(self.rejected)],
            "rejected_total": len(self.rejected),
            "unknown_agents": capped(self.unknown_agents),
            "rejected_rows": self.rejected_rows,
        }


class _Column(NamedTuple):
    """A column the file has (a tuple: the parsing loop unpacks it, a million times)."""

    position: int  # in FIELDS
    header: str  # as written in the file
    index: int  # in the row's cells
    convert: Callable[[str], object]
    required: bool


@dataclass
class _Row:
    line: int
    values: list  # in FIELDS order
    errors: list[RejectedRow]


class _FileRejected(Exception):
    def __init__(self, *errors: RejectedRow):
        self.errors = list(errors)


def interaction_import(
    *,
    data: BinaryIO | bytes,
    source: str,
    mapping: str | Mapping = "attune",
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    agents: QuerySet | None = None,
) -> InteractionImportReport:
    """Import the interactions of a helpdesk's CSV export (`data`, UTF-8, BOM allowed).

    Valid rows are upserted by (source, external_id) in transactions of BATCH rows;
    rejected rows are returned with line, column and reason (see the module docstring for
    the policy). `created` and `updated` are exact. A dry run checks and counts against the
    stored rows but writes nothing. The file is read as a stream: memory grows with the
    number of distinct external ids (to find duplicates), not with the rows. `progress` is
    called with the number of rows read after each batch. Raises ValidationError for an
    unknown mapping name or an empty or too long source.

    `agents` are the people whose interactions the importer may write (a manager's
    `managed_agents`); None for an operator, who may write any agent's. Either way a row
    names an agent (role agent), and a row whose (source, external id) is already stored
    for someone outside `agents` is rejected, never updated.
    """
    mapping = _mapping(mapping)
    _check_source(source)
    report = InteractionImportReport(source=source, dry_run=dry_run)
    started = timezone.now() - CLOCK_MARGIN
    try:
        stream, plain, nul = _utf8_stream(data)
        # PostgreSQL's text holds no NUL: such a file is checked row by row, the NUL reported.
        if connection.vendor in SET_BASED_VENDORS and not nul:
            from insights.interaction_import_sql import SetBasedImport

            SetBasedImport(report, mapping, progress, agents, plain=plain).run(stream)
        else:
            _Import(report, mapping, progress, agents).run(stream)
    except _FileRejected as rejected:
        report.rejected += rejected.errors
    _after_import(report, started)
    return report


def _after_import(report: InteractionImportReport, started: datetime.datetime) -> None:
    """Record the work the new rows set off (settings.ATTUNE_AFTER_INTERACTION_IMPORT, e.g.
    wellbeing's rotation advisories), published once this commits."""
    if report.dry_run or not (report.created or report.updated):
        return
    from jobs.services import intent_record

    with transaction.atomic(savepoint=False):
        for path in settings.ATTUNE_AFTER_INTERACTION_IMPORT:
            intent_record(task=import_string(path), args=[report.source, started.isoformat()])


def _mapping(mapping: str | Mapping) -> Mapping:
    if isinstance(mapping, Mapping):
        return mapping
    if mapping not in MAPPINGS:
        raise ValidationError(f"Unknown mapping “{mapping}”; known: {', '.join(MAPPINGS)}.")
    return MAPPINGS[mapping]


def _check_source(source: str) -> None:
    if not source.strip() or len(source) > SOURCE_MAX_LENGTH:
        raise ValidationError(f"The source must be a name of 1 to {SOURCE_MAX_LENGTH} characters.")


def _utf8_stream(data: BinaryIO | bytes) -> tuple[BinaryIO, bool, bool]:
    """`data` as a seekable stream at its start, once all of it is known to be UTF-8;
    whether it is plain (no quote, NUL or backslash-dot, so that PostgreSQL's own CSV
    reader splits it exactly as Python's does: see interaction_import_sql), and whether it
    has a NUL."""
    if isinstance(data, bytes | bytearray | memoryview):
        stream = io.BytesIO(data)
    elif data.seekable():
        stream = data
    else:
        # Read twice (check, then import): a pipe is copied first. Closed when collected.
        stream = tempfile.TemporaryFile()  # noqa: SIM115
        shutil.copyfileobj(data, stream)
        stream.seek(0)
    start = stream.tell()
    decoder = codecs.getincrementaldecoder("utf-8")()  # a BOM is valid UTF-8 too
    newlines = 0
    plain, nul = True, False
    tail = b""  # the previous chunk's last byte: a backslash-dot may straddle two chunks
    try:
        while chunk := stream.read(CHECK_CHUNK):
            decoder.decode(chunk)
            newlines += chunk.count(b"\n")
            nul = nul or b"\x00" in chunk
            if plain and (nul or b'"' in chunk or b"\\." in tail + chunk):
                plain = False
            tail = chunk[-1:]
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        # exc.object is this chunk, after at most 3 undecoded bytes (not newlines) of the
        # previous one.
        line = newlines + exc.object.count(b"\n", 0, exc.start) + 1
        raise _FileRejected(RejectedRow(line, "", NOT_UTF8)) from None
    stream.seek(start)
    return stream, plain, nul


class _Import:
    """One run over one file: reads, checks and writes batch by batch into `report`."""

    def __init__(self, report: InteractionImportReport, mapping: Mapping, progress, agents):
        self.report = report
        self.mapping = mapping
        self.progress = progress
        every_agent = User.objects.filter(role=User.Role.AGENT)
        self.allowed = every_agent if agents is None else agents.filter(role=User.Role.AGENT)
        self.scoped = agents is not None
        self.agents: dict[str, int | None] = {}  # lowercase e-mail -> user id, across batches
        self.not_importable: set[str] = set()  # people who exist but are not allowed
        self.first_lines: dict[str, int] = {}  # external id -> line it first appears on
        self.columns: list[_Column] = []
        self.width = 0  # cells a row needs to have every column

    def run(self, stream: BinaryIO) -> None:
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="strict", newline="")
        try:
            # Strict: a quote never closed is an error, not the rest of the file in one cell.
            reader = csv.reader(text, strict=True)
            self.columns = _columns(_header(reader), self.mapping)
            self.width = max(column.index for column in self.columns) + 1
            self._read_and_write(reader)
        finally:
            text.detach()  # leave the caller's stream open

    def _read_and_write(self, reader) -> None:
        batch: list[_Row] = []
        try:
            for line, cells in _lines(reader):
                batch.append(self._row(line, cells))
                if len(batch) >= BATCH:
                    self._flush(batch)
                    batch = []
        except _FileRejected:
            self._flush(batch)  # a file that breaks half-way: the rows before it are good
            raise
        self._flush(batch)

    def _row(self, line: int, cells: list[str]) -> _Row:
        self.report.rows += 1
        row = _Row(line, *_parse(line, cells, self.columns, self.width))
        external_id = row.values[EXTERNAL_ID]
        if external_id is not None:
            first_line = self.first_lines.setdefault(external_id, line)
            if first_line != line:
                header = self.columns[EXTERNAL_ID].header
                reason = f"“{external_id}” already appears on line {first_line}"
                row.errors.append(RejectedRow(line, header, reason))
        return row

    def _flush(self, batch: list[_Row]) -> None:
        if not batch:
            return
        self._check_agents(batch)
        if self.scoped:
            self._check_owners([row for row in batch if not row.errors])
        good = [row for row in batch if not row.errors]
        for row in batch:
            self.report.rejected += row.errors
        created, updated = self._write(good)
        self.report.created += created
        self.report.updated += updated
        if self.progress:
            self.progress(self.report.rows)

    def _check_agents(self, batch: list[_Row]) -> None:
        """Sets each row's agent id in place of its e-mail; rejects unknown e-mails."""
        emails = {row.values[AGENT] for row in batch} - {None} - self.agents.keys()
        if emails:
            found, outside = agents_by_email(self.allowed, emails)
            self.agents.update({email: found.get(email) for email in emails})
            self.not_importable.update(outside)
        header = self.columns[AGENT].header
        for row in batch:
            email = row.values[AGENT]
            row.values[AGENT] = self.agents.get(email)
            if email is None or row.values[AGENT] is not None:
                continue
            if email in self.not_importable:
                row.errors.append(RejectedRow(row.line, header, not_importable_reason(email)))
                continue
            row.errors.append(RejectedRow(row.line, header, unknown_agent_reason(email)))
            if email not in self.report.unknown_agents:
                self.report.unknown_agents.append(email)

    def _check_owners(self, rows: list[_Row]) -> None:
        """Rejects rows that would update an interaction of an agent outside the scope."""
        ids = [row.values[EXTERNAL_ID] for row in rows]
        theirs = set(
            Interaction.objects.filter(source=self.report.source, external_id__in=ids)
            .exclude(agent__in=self.allowed)
            .values_list("external_id", flat=True)
        )
        header = self.columns[EXTERNAL_ID].header
        for row in rows:
            if row.values[EXTERNAL_ID] in theirs:
                row.errors.append(RejectedRow(row.line, header, OWNER_REASON))

    def _write(self, rows: list[_Row]) -> tuple[int, int]:
        """(created, updated) for these rows, written unless this is a dry run."""
        if not rows:
            return 0, 0
        source = self.report.source
        if self.report.dry_run:
            existing = _existing_ids(source, [row.values[EXTERNAL_ID] for row in rows])
            return len(rows) - len(existing), len(existing)
        update = [COLUMNS[column.position] for column in self.columns[1:]]
        written = Interaction.objects.filter(
            source=source, external_id__in=[row.values[EXTERNAL_ID] for row in rows]
        )
        with transaction.atomic():
            # The weekly rollup: the weeks the updated rows leave, then those the batch's
            # rows are in now.
            interaction_weeks_refresh(interactions=written, without=True)
            if connection.vendor == "postgresql":
                counts = _copy_upsert(source, rows, update)
            else:
                counts = _bulk_upsert(source, rows, update)
            intensity_derive(interactions=written)
            interaction_weeks_refresh(interactions=written)
            return counts


def agents_by_email(allowed: QuerySet, emails: set[str]) -> tuple[dict[str, int], set[str]]:
    """For lowercase `emails`: the ids of the `allowed` agents by e-mail, and the e-mails of
    the people who exist but may not be imported for."""
    found = dict(
        allowed.annotate(key=Lower("email"))
        .filter(key__in=emails)
        .values_list("key", "pk")
        .order_by()
    )
    outside = set(
        User.objects.annotate(key=Lower("email"))
        .filter(key__in=emails - found.keys())
        .values_list("key", flat=True)
    )
    return found, outside


def not_importable_reason(email: str) -> str:
    return f"{email} is not an agent whose interactions you may import"


def unknown_agent_reason(email: str) -> str:
    return f"unknown agent {email}"


OWNER_REASON = "already stored for an agent whose interactions you may not change"


def _header(reader) -> list[str]:
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise _FileRejected(RejectedRow(1, "", f"the file is not valid CSV: {exc}")) from None
    except UnicodeDecodeError:  # the stream changed after the UTF-8 check
        raise _FileRejected(RejectedRow(1, "", NOT_UTF8)) from None
    if not header or not any(cell.strip() for cell in header):
        raise _FileRejected(RejectedRow(1, "", "the file has no header row"))
    return header


def _columns(header: list[str], mapping: Mapping) -> list[_Column]:
    """The mapped columns the file has, in FIELDS order (the required ones first, so at their
    position in FIELDS); stops on missing required columns."""
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        positions.setdefault(name.strip().lower(), index)
    missing = [
        mapping.columns[name]
        for name in REQUIRED_FIELDS
        if mapping.columns[name].lower() not in positions
    ]
    if missing:
        raise _FileRejected(
            *(RejectedRow(1, name, f"the column “{name}” is missing") for name in missing)
        )
    columns = []
    for position, name in enumerate(FIELDS):
        index = positions.get(mapping.columns.get(name, "").lower())
        if name in mapping.columns and index is not None:
            convert = _converter(name, mapping)
            required = name in REQUIRED_FIELDS
            columns.append(_Column(position, header[index].strip(), index, convert, required))
    return columns


def _lines(reader) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of each non-blank row after the header."""
    previous_line = reader.line_num
    try:
        for cells in reader:
            # A quoted cell may span lines: a row starts on the line after the previous one.
            line, previous_line = previous_line + 1, reader.line_num
            if any(cells):
                yield line, cells
    except csv.Error as exc:
        reason = f"{csv_error_reason(exc)}; the rest of the file was not read"
        raise _FileRejected(RejectedRow(previous_line + 1, "", reason)) from None
    except UnicodeDecodeError:  # the stream changed after the UTF-8 check
        raise _FileRejected(RejectedRow(previous_line + 1, "", NOT_UTF8)) from None


def _parse(line: int, cells: list[str], columns: list[_Column], width: int):
    """The row's values in FIELDS order (None where empty, bad or not in the file) and its
    problems."""
    if len(cells) < width:
        cells = cells + [""] * (width - len(cells))
    values: list = [None] * len(FIELDS)
    errors = []
    for position, header, index, convert, required in columns:
        raw = cells[index].strip()
        if raw:
            try:
                values[position] = convert(raw)
            except ValueError as exc:
                errors.append(RejectedRow(line, header, str(exc)))
        elif required:
            errors.append(RejectedRow(line, header, "a value is required"))
    return values, errors


# --- Conversions: each takes a stripped, non-empty cell and raises ValueError(reason) ---


def _converter(name: str, mapping: Mapping) -> Callable[[str], object]:
    # Each converter is one closure: a million rows make eleven million calls.
    if name in mapping.converters:
        return mapping.converters[name]
    if name == "external_id":
        return _external_id
    if name == "channel":
        return _channel_converter(mapping.channels)
    if name == "agent_email":
        return str.lower
    if name == "occurred_at":
        return _moment_converter(mapping.date_formats)
    if name in RANGES:
        return _number_converter(*RANGES[name])
    if name == "notes":
        return _notes
    if name == "account":
        return _account
    if name == "intensity":
        return intensity_parse
    if name == "tags":
        return tags_normalize
    return _boolean_converter(mapping.true_values, mapping.false_values)


def _notes(value: str) -> str:
    if len(value) > NOTES_MAX:
        raise ValueError(f"longer than {NOTES_MAX:,} characters")
    if reason := control_character_reason(value):
        raise ValueError(reason)
    return value


def _account(value: str) -> str:
    if len(value) > ACCOUNT_MAX_LENGTH:
        raise ValueError(f"longer than {ACCOUNT_MAX_LENGTH} characters")
    if reason := control_character_reason(value):
        raise ValueError(reason)
    return value


def _external_id(value: str) -> str:
    if len(value) > EXTERNAL_ID_MAX_LENGTH:
        raise ValueError(f"longer than {EXTERNAL_ID_MAX_LENGTH} characters")
    if reason := control_character_reason(value):
        raise ValueError(reason)
    return value


def _channel_converter(channels: dict[str, str]) -> Callable[[str], str]:
    def channel(value: str) -> str:
        found = channels.get(value.lower())
        if found is None:
            raise ValueError(f"unknown channel “{value}”")
        return found

    return channel


def _moment_converter(formats: tuple[str, ...]) -> Callable[[str], datetime.datetime]:
    """ISO 8601, then each of `formats`; a time without an offset is UTC."""

    def moment(value: str) -> datetime.datetime:
        try:
            parsed = datetime.datetime.fromisoformat(value)
        except ValueError:
            parsed = _strptime_any(value, formats)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)

    return moment


def _strptime_any(value: str, formats: tuple[str, ...]) -> datetime.datetime:
    for date_format in formats:
        try:
            return datetime.datetime.strptime(value, date_format)
        except ValueError:
            pass
    raise ValueError(f"“{value}” is not a date and time")


def _whole_number(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"“{value}” is not a whole number") from None


def _number_converter(low: int, high: int) -> Callable[[str], int]:
    def number_between(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise ValueError(f"“{value}” is not a whole number") from None
        if number < low:
            raise ValueError(
                f"{number} is negative" if low == 0 else f"{number} is less than {low}"
            )
        if number > high:
            raise ValueError(f"{number} is more than {high}")
        return number

    return number_between


def _boolean_converter(true_values: frozenset[str], false_values: frozenset[str]):
    def boolean(value: str) -> bool:
        lowered = value.lower()
        if lowered in true_values:
            return True
        if lowered in false_values:
            return False
        raise ValueError(f"“{value}” is not a yes/no value")

    return boolean


# --- Writing -------------------------------------------------------------------------------


def _existing_ids(source: str, external_ids: list[str]) -> set[str]:
    return set(
        Interaction.objects.filter(source=source, external_id__in=external_ids).values_list(
            "external_id", flat=True
        )
    )


def _bulk_upsert(source: str, rows: list[_Row], update: list[str]) -> tuple[int, int]:
    """The portable path: one query for the existing keys, then bulk_create."""
    existing = _existing_ids(source, [row.values[EXTERNAL_ID] for row in rows])
    Interaction.objects.bulk_create(
        [Interaction(source=source, **dict(zip(COLUMNS, row.values, strict=True))) for row in rows],
        update_conflicts=True,
        unique_fields=["source", "external_id"],
        update_fields=[*update, "imported_at"],
    )
    return len(rows) - len(existing), len(existing)


TEMP_TABLE = "insights_interaction_import"


def _copy_upsert(source: str, rows: list[_Row], update: list[str]) -> tuple[int, int]:
    """The PostgreSQL path: COPY into a temporary table, then one INSERT ... ON CONFLICT
    that says which rows it inserted (xmax = 0) and which it updated."""
    fields = [Interaction._meta.get_field(name) for name in COLUMNS]
    definition = ", ".join(f"{f.column} {f.db_type(connection)}" for f in fields)
    names = ", ".join(COLUMNS)
    assignments = ", ".join(f"{name} = EXCLUDED.{name}" for name in [*update, "imported_at"])
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE {TEMP_TABLE} ({definition}) ON COMMIT DROP")
        with cursor.copy(f"COPY {TEMP_TABLE} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row.values)
        cursor.execute(
            f"""
            WITH written AS (
                INSERT INTO insights_interaction (source, {names}, imported_at)
                SELECT %s, {names}, now() FROM {TEMP_TABLE}
                ON CONFLICT (source, external_id) DO UPDATE SET {assignments}
                RETURNING (xmax = 0) AS created
            )
            SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created)
            FROM written
            """,
            [source],
        )
        created, updated = cursor.fetchone()
        # ON COMMIT DROP does not fire inside an outer transaction (tests, callers' atomic).
        cursor.execute(f"DROP TABLE {TEMP_TABLE}")
    return created, updated
