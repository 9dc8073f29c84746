"""A text column stored encrypted (config/crypto.py).

Each save encrypts afresh (Fernet tokens carry a random IV), so the column cannot be
searched or compared: only `isnull` lookups are allowed, and a query that filters on the
text is an error rather than a silent miss.
"""

from django.db import models

from config import crypto


class EncryptedTextField(models.TextField):
    description = "Text encrypted at rest with the journal keys"

    def from_db_value(self, value, expression, connection):
        return None if value is None else crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return None if value is None else crypto.encrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None
