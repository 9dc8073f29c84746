import os
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend


class SlowFileBackend(BaseEmailBackend):
    """Writes each message to its own file, after a pause like a slow SMTP server's
    (ATTUNE_TEST_MAIL_PAUSE seconds, from the worker's settings)."""

    def send_messages(self, email_messages):
        for message in email_messages:
            time.sleep(settings.ATTUNE_TEST_MAIL_PAUSE)
            name = f"{message.to[0]}-{uuid.uuid4().hex}.eml"
            # Written aside and renamed, so a worker killed mid-write leaves no half message.
            partial = Path(settings.EMAIL_FILE_PATH, f".{name}.partial")
            partial.write_bytes(message.message().as_bytes())
            os.replace(partial, partial.with_name(name))
        return len(email_messages)
