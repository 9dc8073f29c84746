import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

SECONDS_PER_MESSAGE = 0.25


class SlowFileBackend(BaseEmailBackend):
    """Writes each message to its own file, after a pause like a slow SMTP server's."""

    def send_messages(self, email_messages):
        for message in email_messages:
            time.sleep(SECONDS_PER_MESSAGE)
            name = f"{message.to[0]}-{uuid.uuid4().hex}.eml"
            Path(settings.EMAIL_FILE_PATH, name).write_bytes(message.message().as_bytes())
        return len(email_messages)
