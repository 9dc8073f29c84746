from django.core.management.base import BaseCommand

from wellbeing.services import journal_rotate_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every reflection-journal entry with the first key of ATTUNE_JOURNAL_KEYS. "
        "Put the new key first, keep the old one after it, run this, then remove the old one."
    )

    def handle(self, *args, **options):
        count = journal_rotate_keys()
        self.stdout.write(f"Re-encrypted {count} journal entries with the first key.")
