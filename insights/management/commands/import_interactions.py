import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from insights.interaction_import import (
    MAPPINGS,
    InteractionImportReport,
    RejectedRow,
    interaction_import,
)

SHOWN_REJECTIONS = 50


class Command(BaseCommand):
    help = (
        "Import helpdesk interactions from a UTF-8 CSV export. Good rows are imported, "
        "rejected rows are listed with their line and column; the exit status is 0 even "
        "with rejected rows. A file that is not UTF-8 or lacks a required column is "
        "rejected as a whole."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--source", required=True, help="Which helpdesk, e.g. zendesk.")
        parser.add_argument(
            "--mapping", default="attune", help=f"Column mapping: {', '.join(MAPPINGS)}."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and count, but write nothing."
        )

    def handle(self, *args, path, source, mapping, dry_run, verbosity, **options):
        meter = _ProgressMeter(self.stderr, shown=verbosity > 0)
        try:
            stream = path.open("rb")
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None
        with stream:
            try:
                report = interaction_import(
                    data=stream,
                    source=source,
                    mapping=mapping,
                    dry_run=dry_run,
                    progress=meter.update,
                )
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
        meter.finish()
        file_errors = report.file_errors
        if file_errors and not report.rows:
            raise CommandError(f"{_describe(file_errors)} Nothing was imported.")
        self._write_rejections([e for e in report.rejected if e not in file_errors])
        self.stdout.write(_summary(report))
        if file_errors:
            raise CommandError(_describe(file_errors))

    def _write_rejections(self, rejected: list[RejectedRow]) -> None:
        for error in rejected[:SHOWN_REJECTIONS]:
            self.stdout.write(_where(error) + f": {error.reason}")
        if len(rejected) > SHOWN_REJECTIONS:
            self.stdout.write(f"... and {len(rejected) - SHOWN_REJECTIONS} more")


class _ProgressMeter:
    """One line on stderr, rewritten after each batch: rows read and rows per second."""

    def __init__(self, stream, *, shown: bool):
        self.stream = stream
        self.shown = shown
        self.started = time.perf_counter()
        self.written = False

    def update(self, rows: int) -> None:
        if not self.shown:
            return
        elapsed = time.perf_counter() - self.started
        rate = rows / elapsed if elapsed else 0
        self.stream.write(f"\r{rows:,} rows processed, {rate:,.0f} rows/s", ending="")
        self.stream.flush()
        self.written = True

    def finish(self) -> None:
        if self.written:
            self.stream.write("")


def _where(error: RejectedRow) -> str:
    if error.column:
        return f"line {error.line}, column {error.column}"
    return f"line {error.line}"


def _describe(errors: list[RejectedRow]) -> str:
    return " ".join(f"{_where(error)}: {error.reason}." for error in errors)


def _summary(report: InteractionImportReport) -> str:
    imported = report.created + report.updated
    counts = (
        f"{imported} rows ({report.created} created, {report.updated} updated), "
        f"rejected {report.rejected_rows}."
    )
    if report.dry_run:
        return f"Dry run: would import {counts} Nothing was written."
    return f"Imported {counts}"
