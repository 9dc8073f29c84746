import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts import reminders
from accounts.models import Outbox


class Command(BaseCommand):
    help = (
        "Run the reminder sweep now, or replay one day with --date (a sweep every "
        "ATTUNE_REMINDER_SWEEP_MINUTES through that day, UTC), then deliver what is due: "
        "with REDIS_URL set it is queued for the Celery workers, without it this command "
        "sends the e-mails itself. --dry-run shows what is due and writes or sends nothing. "
        "Reminders already written are never sent twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD: replay this day (UTC)")
        parser.add_argument("--dry-run", action="store_true", help="show, write nothing")

    def handle(self, *args, date=None, dry_run=False, **options):
        from django.conf import settings

        if date:
            try:
                day = datetime.date.fromisoformat(date)
            except ValueError as error:
                raise CommandError(f"--date must be YYYY-MM-DD, not “{date}”.") from error
            start = datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)
            step = datetime.timedelta(minutes=settings.ATTUNE_REMINDER_SWEEP_MINUTES)
            moments = [start + step * n for n in range(int(datetime.timedelta(days=1) / step))]
        else:
            moments = [timezone.now()]
        seen = set()
        for moment in moments:
            due = reminders.due_reminders(now=moment)
            fresh = [d for d in due if d not in seen]
            seen.update(fresh)
            for item in fresh:
                self.stdout.write(
                    f"{moment:%Y-%m-%d %H:%M} {item.kind:<20} to user {item.recipient_id} "
                    f"({item.object_type} {item.object_id}, {item.slot})"
                )
            if not dry_run:
                reminders.outbox_write(due=fresh, now=moment)
        if dry_run:
            self.stdout.write(f"Dry run: {len(seen)} reminder(s) due; nothing was written.")
            return
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            # A broker is configured: delivery is the workers' job, as after beat's sweep.
            batches = reminders.deliveries_enqueue(now=timezone.now())
            self.stdout.write(
                f"{len(seen)} due; delivery queued for the workers in {batches} batch(es)."
            )
            return
        sent = 0
        for outbox_id in reminders.deliverable_ids(now=timezone.now()):
            try:
                sent += reminders.outbox_deliver(outbox_id=outbox_id)
            except Exception as error:  # recorded on the row; report and go on
                self.stderr.write(f"reminder {outbox_id} failed: {error}")
        waiting = Outbox.objects.filter(status=Outbox.Status.PENDING).count()
        self.stdout.write(f"{len(seen)} due, {sent} sent now, {waiting} waiting for their time.")
