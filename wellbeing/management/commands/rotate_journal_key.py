from django.core.management.base import BaseCommand

from wellbeing.services import encrypted_columns_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value (reflection-journal entries, helpdesk webhook "
        "secrets) with the first key of ATTUNE_JOURNAL_KEYS. Put the new key first, keep the "
        "old one after it, run this, then remove the old one."
    )

    def handle(self, *args, **options):
        for label, count in encrypted_columns_rotate().items():
            self.stdout.write(f"{label}: re-encrypted {count} rows with the first key.")
