"""Reads of wellbeing data. The journal is read only through `journal_of`: its author's
own entries, whoever asks."""

from django.db.models import QuerySet

from wellbeing.models import JournalEntry, SupportResource


def journal_of(*, user) -> QuerySet[JournalEntry]:
    return JournalEntry.objects.filter(author=user)


def support_resources(*, include_inactive: bool = False) -> QuerySet[SupportResource]:
    resources = SupportResource.objects.all()
    return resources if include_inactive else resources.filter(is_active=True)
