from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cohorts.enrollment_import import ImportReport, enrollment_import
from cohorts.models import Cohort


class Command(BaseCommand):
    help = (
        "Enrol the agents listed in a UTF-8 CSV file (columns email, name, team and optionally "
        "time_zone) into a cohort, creating accounts for new agents. All or nothing: if any "
        "row is rejected, nothing is imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("cohort_id", type=int)
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and list what would happen."
        )

    def handle(self, *args, cohort_id, path, dry_run, **options):
        try:
            cohort = Cohort.objects.get(pk=cohort_id)
        except Cohort.DoesNotExist:
            raise CommandError(f"There is no cohort with id {cohort_id}.") from None
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None
        try:
            report = enrollment_import(cohort=cohort, data=data, dry_run=dry_run)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        for row in report.rows:
            self.stdout.write(f"line {row.line}: {row.action} {row.email} ({row.team})")
        for error in report.errors:
            where = (
                f"line {error.line}, column {error.column}"
                if error.column
                else f"line {error.line}"
            )
            self.stderr.write(f"{where}: {error.reason}")
        if report.errors:
            raise CommandError(_rejection(report))
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
        else:
            counts = report.counts
            self.stdout.write(
                f"Enrolled {counts['rows']} agents ({counts['create']} new accounts, "
                f"{counts['reactivate']} re-activated)."
            )


def _rejection(report: ImportReport) -> str:
    # Header and encoding problems are at line 1 or have no column: the file as a whole.
    rejected = len({error.line for error in report.errors if error.column and error.line > 1})
    if not rejected:
        return "The file was rejected; nothing was imported."
    return f"{rejected} row{'s' if rejected != 1 else ''} rejected; nothing was imported."
