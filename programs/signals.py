"""Keep `Program.content_changed_at` current whenever a phase, workshop or module is saved
or deleted.

A signal rather than a line in each service: these rows are written by the API's viewsets,
the admin's inlines on the program page, fixtures and the shell, and deleted by cascades
and queryset deletes, none of which passes through one service; `post_save` and
`post_delete` see every one of them. Bulk writes send no signal: the only ones
(`program_clone`, the playbook) build new programs, whose timestamp is set on creation.
The update is a single UPDATE, not a `save()`, so the program's audit trail and
`updated_at` stay about what a person changed on the program itself.
"""

from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from programs.models import Module, Phase, Program, Workshop

SCHEDULE_SOURCES = (Phase, Workshop, Module)


def content_changed(sender, instance, raw=False, **kwargs) -> None:
    if raw:  # loaddata: the fixture carries its own timestamps
        return
    Program.objects.filter(pk=instance.program_id).update(content_changed_at=timezone.now())


for model in SCHEDULE_SOURCES:
    post_save.connect(content_changed, sender=model, dispatch_uid=f"saved_{model.__name__}")
    post_delete.connect(content_changed, sender=model, dispatch_uid=f"deleted_{model.__name__}")
