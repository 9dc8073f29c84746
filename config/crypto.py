"""Encryption at rest for what only its author may read: the reflection journal, exercise
notes, and secrets held for a connector (a helpdesk's webhook secret). Shared plumbing
(`config.fields.EncryptedTextField` is the column), so no app borrows another's.

Keys come from `ATTUNE_JOURNAL_KEYS`: Fernet keys, comma-separated, the first one
encrypting and every one decrypting, so a key is rotated by putting the new one first and
running `manage.py rotate_journal_key`. Without keys, development and tests derive one from
`SECRET_KEY` (HKDF); production refuses to start without them, because a changed secret
key would then make every entry unreadable.
"""

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _derived_key(secret: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"attune-journal", info=b"journal")
    return base64.urlsafe_b64encode(hkdf.derive(secret.encode()))


@functools.cache
def _cipher(keys: tuple[str, ...], secret: str, derive: bool) -> MultiFernet:
    if keys:
        try:
            return MultiFernet([Fernet(key) for key in keys])
        except ValueError as error:
            raise ImproperlyConfigured(
                "ATTUNE_JOURNAL_KEYS holds a value that is not a Fernet key (32 url-safe "
                "base64-encoded bytes): make one with python -c 'from cryptography.fernet "
                "import Fernet; print(Fernet.generate_key().decode())'"
            ) from error
    if not derive:
        raise ImproperlyConfigured(
            "Set ATTUNE_JOURNAL_KEYS: the reflection journal is encrypted with it."
        )
    return MultiFernet([Fernet(_derived_key(secret))])


def cipher() -> MultiFernet:
    return _cipher(
        tuple(settings.ATTUNE_JOURNAL_KEYS),
        settings.SECRET_KEY,
        settings.ATTUNE_JOURNAL_KEY_FROM_SECRET,
    )


def encrypt(text: str) -> str:
    return cipher().encrypt(text.encode()).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return cipher().decrypt(token.encode("ascii")).decode()
    except InvalidToken as error:
        raise ImproperlyConfigured(
            "A journal entry cannot be decrypted with ATTUNE_JOURNAL_KEYS: was a key removed "
            "before `manage.py rotate_journal_key` re-encrypted the entries?"
        ) from error


def rotate(token: str) -> str:
    """The same text under the first key."""
    return cipher().rotate(token.encode("ascii")).decode("ascii")
