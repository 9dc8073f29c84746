from django.core.management.base import BaseCommand

from jobs.reconciliation import reconcile, report_lines


class Command(BaseCommand):
    help = (
        "Run the reconciliation checks now (beat runs them every 15 minutes) and print what "
        "each found and fixed. With --dry-run, print what they would fix and change nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report only: fix nothing, record no run."
        )

    def handle(self, *args, dry_run=False, **options):
        run = reconcile(fix=not dry_run)
        for line in report_lines(run, dry_run=dry_run):
            self.stdout.write(line)
        if run.errors:
            self.stderr.write(f"{len(run.errors)} check(s) failed; see the log for the traceback.")
