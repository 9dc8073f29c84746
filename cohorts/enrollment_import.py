"""Bulk enrolment of agents into a cohort from a CSV file with columns email, name, team
and, optionally, time_zone. See `enrollment_import`.
"""

import codecs
import csv
import io
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.invitations import invitations_send
from accounts.models import Team, User, validate_time_zone
from cohorts.models import Cohort, Enrollment, EnrollmentEvent
from config.csv_cells import control_character_reason, csv_error_reason
from config.uploads import capped

REQUIRED_COLUMNS = ("email", "name", "team")
EMAIL_MAX_LENGTH = User._meta.get_field("email").max_length
NAME_MAX_LENGTH = User._meta.get_field("display_name").max_length
CREATE = "create agent and enrol"
ENROL = "enrol"
REACTIVATE = "re-activate"


@dataclass
class RowError:
    line: int  # physical line in the file, the header being line 1
    column: str  # "" when the problem is with the whole file
    reason: str


@dataclass
class PlannedRow:
    line: int
    email: str
    name: str
    team: str
    action: str  # CREATE, ENROL or REACTIVATE


@dataclass
class ImportReport:
    dry_run: bool
    applied: bool
    rows: list[PlannedRow]
    errors: list[RowError]

    @property
    def counts(self) -> dict:
        actions = [row.action for row in self.rows]
        return {
            "rows": len(self.rows),
            "create": actions.count(CREATE),
            "enrol": actions.count(ENROL),
            "reactivate": actions.count(REACTIVATE),
            "errors": len(self.errors),
        }

    def as_dict(self) -> dict:
        """The report; it lists the first REPORTED_ERRORS errors, `counts` has them all."""
        return {
            "dry_run": self.dry_run,
            "applied": self.applied,
            "rows": [asdict(row) for row in self.rows],
            "errors": [asdict(error) for error in capped(self.errors)],
            "errors_shown": len(capped(self.errors)),
            "counts": self.counts,
        }


@dataclass
class _Row:
    line: int
    email: str
    name: str
    team_name: str
    time_zone: str
    team: Team | None = None
    user: User | None = None
    # The user's active enrolments in the cohort's program and any enrolment in the cohort.
    enrolments: list[Enrollment] = field(default_factory=list)

    @property
    def withdrawn(self) -> Enrollment | None:
        # Only enrolments in this cohort can be withdrawn ones, see _enrolments_by_agent.
        return next((e for e in self.enrolments if e.status == Enrollment.Status.WITHDRAWN), None)

    def planned(self) -> PlannedRow:
        action = CREATE if self.user is None else REACTIVATE if self.withdrawn else ENROL
        return PlannedRow(self.line, self.email.lower(), self.name, self.team.name, action)


class _FileRejected(Exception):
    def __init__(self, *errors: RowError):
        self.errors = list(errors)


def enrollment_import(*, cohort: Cohort, data: bytes, dry_run: bool, by=None) -> ImportReport:
    """Enrol the agents listed in a UTF-8 CSV file into `cohort`, creating missing accounts.

    Every problem in the file is reported, several per row where several cells are bad,
    with its line and column. The import is all or nothing: with any error, or on a dry
    run, nothing is written; otherwise all rows are applied in one transaction holding a
    lock on the cohort. Raises ValidationError if the cohort is completed or cancelled.
    """
    _check_cohort_open(cohort)
    try:
        rows = _read_rows(data)
    except _FileRejected as rejected:
        return ImportReport(dry_run=dry_run, applied=False, rows=[], errors=rejected.errors)
    with transaction.atomic():
        if not dry_run:
            cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
            _check_cohort_open(cohort)
        errors = _check_rows(cohort, rows)
        bad_lines = {error.line for error in errors}
        valid = [row for row in rows if row.line not in bad_lines]
        planned = [row.planned() for row in valid]
        applied = not dry_run and not errors
        if applied:
            _apply(cohort, valid, by)
    return ImportReport(dry_run=dry_run, applied=applied, rows=planned, errors=errors)


def _check_cohort_open(cohort: Cohort) -> None:
    if cohort.is_closed:
        raise ValidationError(
            f"“{cohort}” is {cohort.get_status_display().lower()}: no one can be enrolled."
        )


def _read_rows(data: bytes) -> list[_Row]:
    # Strict: a quote never closed is an error, not the rest of the file read as one cell.
    reader = csv.reader(io.StringIO(_decode(data), newline=""), strict=True)
    previous_line = 0
    try:
        header = next(reader, None)
        if not header or not any(cell.strip() for cell in header):
            raise _FileRejected(RowError(1, "", "the file has no rows"))
        columns = _columns(header)
        rows = []
        previous_line = reader.line_num
        for cells in reader:
            # A quoted cell may span lines: a row starts on the line after the previous one.
            line, previous_line = previous_line + 1, reader.line_num
            if any(cell.strip() for cell in cells):
                rows.append(_Row(line, *(_cell(cells, columns, name) for name in columns)))
    except csv.Error as exc:
        raise _FileRejected(RowError(previous_line + 1, "", csv_error_reason(exc))) from None
    if not rows:
        raise _FileRejected(RowError(1, "", "the file has no rows"))
    return rows


def _decode(data: bytes) -> str:
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        reason = "the file is not UTF-8 text; re-save it as “CSV UTF-8” and import it again"
        raise _FileRejected(RowError(line, "", reason)) from None


def _columns(header: list[str]) -> dict[str, int | None]:
    """Where each known column is, in _Row's field order; stops on missing ones."""
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        positions.setdefault(name.strip().lower(), index)
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    if missing:
        raise _FileRejected(
            *(RowError(1, name, f"the column “{name}” is missing") for name in missing)
        )
    return {name: positions.get(name) for name in (*REQUIRED_COLUMNS, "time_zone")}


def _cell(cells: list[str], columns: dict[str, int | None], name: str) -> str:
    index = columns[name]
    return cells[index].strip() if index is not None and index < len(cells) else ""


def _check_rows(cohort: Cohort, rows: list[_Row]) -> list[RowError]:
    """Every problem of every row, in line order; attaches team, user and enrolments."""
    teams = _teams_by_name(row.team_name for row in rows)
    users = _users_by_email(row.email for row in rows)
    enrolments = _enrolments_by_agent(cohort, users.values())
    first_lines: dict[str, int] = {}
    errors = []
    for row in rows:
        row.team = teams.get(row.team_name.lower())
        row.user = users.get(row.email.lower())
        row.enrolments = enrolments[row.user.pk] if row.user else []
        email_errors = list(_email_errors(row, first_lines))
        errors += email_errors
        errors += _cell_errors(row)
        if not email_errors:
            errors += _account_errors(row)
    return sorted(errors, key=lambda error: error.line)


def _teams_by_name(names) -> dict[str, Team]:
    lowered = {name.lower() for name in names}
    teams = Team.objects.annotate(key=Lower("name")).filter(key__in=lowered).order_by("-id")
    # Team names are unique but not case-insensitively so: the oldest one wins.
    return {team.key: team for team in teams}


def _users_by_email(emails) -> dict[str, User]:
    lowered = {email.lower() for email in emails}
    return {
        user.key: user for user in User.objects.annotate(key=Lower("email")).filter(key__in=lowered)
    }


def _enrolments_by_agent(cohort: Cohort, users) -> dict[int, list[Enrollment]]:
    found = Enrollment.objects.filter(agent__in=[user.pk for user in users]).filter(
        Q(program_id=cohort.program_id, status=Enrollment.Status.ACTIVE) | Q(cohort=cohort)
    )
    by_agent = defaultdict(list)
    for enrolment in found.select_related("cohort"):
        by_agent[enrolment.agent_id].append(enrolment)
    return by_agent


def _email_errors(row: _Row, first_lines: dict[str, int]) -> Iterator[RowError]:
    if not row.email:
        yield RowError(row.line, "email", "an e-mail address is required")
        return
    try:
        validate_email(row.email)
    except ValidationError:
        yield RowError(row.line, "email", f"“{row.email}” is not a valid e-mail address")
        return
    if len(row.email) > EMAIL_MAX_LENGTH:
        yield RowError(
            row.line, "email", f"the e-mail address is longer than {EMAIL_MAX_LENGTH} characters"
        )
        return
    first_line = first_lines.setdefault(row.email.lower(), row.line)
    if first_line != row.line:
        yield RowError(row.line, "email", f"“{row.email}” already appears on line {first_line}")


def _cell_errors(row: _Row) -> Iterator[RowError]:
    for column, value in (
        ("email", row.email), ("name", row.name), ("team", row.team_name),
        ("time_zone", row.time_zone),
    ):  # fmt: skip
        if reason := control_character_reason(value):
            yield RowError(row.line, column, f"the {column.replace('_', ' ')} {reason}")
            return
    if not row.name:
        yield RowError(row.line, "name", "a name is required")
    elif len(row.name) > NAME_MAX_LENGTH:
        yield RowError(row.line, "name", f"the name is longer than {NAME_MAX_LENGTH} characters")
    if not row.team_name:
        yield RowError(row.line, "team", "a team is required")
    elif row.team is None:
        yield RowError(row.line, "team", f"unknown team “{row.team_name}”")
    if row.time_zone:
        try:
            validate_time_zone(row.time_zone)
        except ValidationError as exc:
            yield RowError(row.line, "time_zone", exc.messages[0])


def _account_errors(row: _Row) -> Iterator[RowError]:
    if row.user is None:
        return
    if row.user.role != User.Role.AGENT:
        role = row.user.get_role_display()
        yield RowError(row.line, "email", f"“{row.email}” is a {role}, not an agent")
        return
    for enrolment in row.enrolments:
        if enrolment.status == Enrollment.Status.ACTIVE:
            reason = f"“{row.email}” is already enrolled in “{enrolment.cohort}” of this program"
            yield RowError(row.line, "email", reason)
        elif enrolment.status == Enrollment.Status.COMPLETED:
            yield RowError(row.line, "email", f"“{row.email}” already completed this cohort")


def _apply(cohort: Cohort, rows: list[_Row], by) -> None:
    now = timezone.now()
    new_users = [_new_agent(row) for row in rows if row.user is None]
    User.objects.bulk_create(new_users)  # sets their primary keys on PostgreSQL and SQLite
    invitations_send(users=new_users, by=by, now=now)
    to_reactivate = [row.withdrawn for row in rows if row.withdrawn]
    Enrollment.objects.filter(pk__in=[enrolment.pk for enrolment in to_reactivate]).update(
        status=Enrollment.Status.ACTIVE, status_changed_at=now
    )
    created = Enrollment.objects.bulk_create(
        Enrollment(cohort=cohort, program_id=cohort.program_id, agent=row.user, status="active")
        for row in rows
        if not row.withdrawn
    )
    EnrollmentEvent.objects.bulk_create(
        [_event(enrolment, "", by) for enrolment in created]
        + [_event(enrolment, Enrollment.Status.WITHDRAWN, by) for enrolment in to_reactivate]
    )


def _new_agent(row: _Row) -> User:
    row.user = User(
        email=User.objects.normalize_email(row.email).lower(),
        display_name=row.name,
        role=User.Role.AGENT,
        team=row.team,
        time_zone=row.time_zone or "UTC",
    )
    row.user.set_unusable_password()
    return row.user


def _event(enrolment: Enrollment, from_status: str, by) -> EnrollmentEvent:
    return EnrollmentEvent(
        enrollment=enrolment,
        from_status=from_status,
        to_status=Enrollment.Status.ACTIVE,
        reason="CSV import",
        by=by,
    )
