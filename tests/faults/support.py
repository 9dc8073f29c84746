"""What the fault tests share: waiting for a condition, and reading the e-mails a real
worker wrote with tests.accounts.slow_email.SlowFileBackend."""

import collections
import email
import os
import time
from pathlib import Path


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
