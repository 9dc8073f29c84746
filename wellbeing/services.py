"""Writes of wellbeing data. Every journal write names the author and touches only the
author's entries; nothing here records what an entry says anywhere else (no audit entry,
no notification, no log line)."""

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from config.fields import EncryptedTextField
from wellbeing.models import JOURNAL_TEXT_MAX, JournalEntry, SupportResource
from wellbeing.selectors import journal_of


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write something, or leave the page."})
    if len(text) > JOURNAL_TEXT_MAX:
        raise ValidationError(
            {"text": f"Keep it under {JOURNAL_TEXT_MAX} characters ({len(text)} now)."}
        )
    return text


def journal_write(*, author, text: str, context: str = JournalEntry.Context.OTHER) -> JournalEntry:
    entry = JournalEntry(author=author, text=_clean_text(text), context=context)
    entry.full_clean()
    entry.save()
    return entry


def journal_update(*, entry: JournalEntry, author, text: str, context: str) -> JournalEntry:
    if entry.author_id != author.pk:
        raise PermissionDenied("Only the author can change a journal entry.")
    entry.text = _clean_text(text)
    entry.context = context
    entry.full_clean()
    entry.save(update_fields=["text", "context", "updated_at"])
    return entry


def journal_delete(*, entry: JournalEntry, author) -> None:
    if entry.author_id != author.pk:
        raise PermissionDenied("Only the author can delete a journal entry.")
    entry.delete()


def journal_delete_all(*, author) -> int:
    deleted, _ = journal_of(user=author).delete()
    return deleted


def journal_export(*, author) -> dict:
    """The author's own entries, for them to keep (JSON)."""
    return {
        "exported_at": timezone.now().isoformat(),
        "author": author.email,
        "entries": [
            {
                "written_at": entry.written_at.isoformat(),
                "context": entry.context,
                "text": entry.text,
            }
            for entry in journal_of(user=author).order_by("written_at", "id")
        ],
    }


def support_resource_save(*, resource: SupportResource, by) -> SupportResource:
    if not by.is_manager:
        raise PermissionDenied("Training managers configure the support resources.")
    resource.updated_by = by
    resource.full_clean()
    resource.save()
    return resource


@transaction.atomic
def encrypted_columns_rotate() -> dict[str, int]:
    """Re-encrypt every encrypted column (`EncryptedTextField`, in any app: the journal,
    the helpdesk's webhook secrets) under the first of `ATTUNE_JOURNAL_KEYS`; each value is
    read with whichever key opens it and written back with the first. Returns the rows
    rewritten per model label."""
    rewritten = {}
    for model in apps.get_models():
        fields = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if not fields:
            continue
        count = 0
        with transaction.atomic():
            rows = model._base_manager.select_for_update().only("pk", *fields)
            for row in rows.iterator(500):
                values = {name: getattr(row, name) for name in fields}
                model._base_manager.filter(pk=row.pk).update(**values)
                count += 1
        rewritten[model._meta.label] = count
    return rewritten
