"""What the fault tests share: reminders due now, waiting for a condition, and reading the
e-mails a real worker wrote with tests.accounts.slow_email.SlowFileBackend."""

import collections
import datetime
import email
import os
import time
from pathlib import Path

from django.utils import timezone

from accounts.models import Outbox

CONTEXT = {"title": "Tone matching", "cohort": "Q4", "due": "Tuesday", "url": "https://x.test/"}


def reminders_due_now(agents) -> None:
    """One pre-work reminder per agent, due a minute ago, written as the sweep writes them."""
    past = timezone.now() - datetime.timedelta(minutes=1)
    Outbox.objects.bulk_create(
        (
            Outbox(
                recipient=agent,
                kind="prework_due",
                object_type="scheduleitem",
                object_id=1,
                slot="s",
                context=CONTEXT,
                deliver_after=past,
            )
            for agent in agents
        ),
        batch_size=500,
    )


def mail_count(folder: Path) -> int:
    with os.scandir(folder) as entries:
        return sum(entry.name.endswith(".eml") for entry in entries)


def message_ids_by_recipient(folder: Path) -> dict[str, list[str]]:
    """Every Message-ID each recipient was sent, one entry per e-mail file."""
    sent = collections.defaultdict(list)
    for path in folder.glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes())
        sent[message["To"]].append(message["Message-ID"])
    return dict(sent)


def wait_for(condition, timeout: float) -> bool:
    """Whether `condition()` came true within `timeout` seconds (polled every 50 ms)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False
