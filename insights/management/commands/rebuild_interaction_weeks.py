import datetime

from django.core.management.base import BaseCommand

from cohorts.services.scores import rubric_score_weeks_rebuild
from insights.interaction_weeks import interaction_weeks_rebuild


class Command(BaseCommand):
    help = (
        "Recompute the weekly rollups behind HR's KPIs from their sources: interactions "
        "(insights.InteractionWeek) and, without --since, rubric scores "
        "(cohorts.RubricScoreWeek). After loading interactions or scores in SQL, or after "
        "changing TIME_ZONE, which moves the week boundaries. Each in one transaction; the "
        "reports read the old rows until it commits."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--since",
            type=datetime.date.fromisoformat,
            help="Only the weeks from the one holding this day (YYYY-MM-DD) on.",
        )

    def handle(self, *args, since=None, **options):
        rows = interaction_weeks_rebuild(since=since)
        where = f" from the week of {since}" if since else ""
        self.stdout.write(f"Rebuilt the weekly rollup of interactions{where}: {rows} rows.")
        if since is None:
            rows = rubric_score_weeks_rebuild()
            self.stdout.write(f"Rebuilt the weekly rollup of rubric scores: {rows} rows.")
