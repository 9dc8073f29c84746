from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from insights.intensity import intensity_derive
from insights.models import Interaction


class Command(BaseCommand):
    help = (
        "Derive the emotional intensity of interactions that have none: those stored before "
        "Attune derived intensities, or loaded in SQL. The import's own rules "
        "(insights/intensity.py); given and corrected intensities are kept. Works through "
        "the rows by id, a batch per transaction, so it can be stopped and run again; a "
        "rerun finds nothing left to do."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch", type=int, default=10_000, help="Rows per transaction (default 10,000)."
        )

    def handle(self, *args, batch, **options):
        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        missing = Interaction.objects.filter(intensity="").order_by("pk")
        derived = after = 0
        while True:
            ids = list(missing.filter(pk__gt=after).values_list("pk", flat=True)[:batch])
            if not ids:
                break
            with transaction.atomic():
                derived += intensity_derive(interactions=Interaction.objects.filter(pk__in=ids))
            after = ids[-1]
        self.stdout.write(f"Derived the intensity of {derived} interactions.")
