"""Micro-scripts pushed to a Zendesk source as macros (docs/helpdesk.md, docs/macros.md).

A manager chooses the scripts with the export's filters (programs/macros.py); the push is
recorded as a task intent with the request and runs in the background. Each macro is
built by `programs.macros.zendesk_macro` and sent on its own; the id Zendesk gives it is
stored (`PushedMacro`) as soon as Zendesk answers, so a second push, or a rerun after a
crash, updates the same macros instead of adding copies. A macro deleted in Zendesk since
is created again.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from helpdesk import zendesk
from helpdesk.models import HelpdeskSource, PushedMacro
from programs.macros import MacroFilterForm, micro_scripts_for_export, zendesk_macro
from programs.models import MicroScript


def push_filter_form(*, user, data=None, **kwargs) -> MacroFilterForm:
    """The export's filters without its file shapes: which micro-scripts to push (the
    page and the API validate with it)."""
    form = MacroFilterForm(data, user=user, **kwargs)
    del form.fields["shape"]
    return form


def macros_push_request(*, source: HelpdeskSource, user, filters: dict) -> int:
    """Record the push of the scripts `user` would export with `filters` (the cleaned data
    of `MacroFilterForm`); returns how many. Runs after the request commits."""
    from helpdesk.tasks import helpdesk_macros_push_task
    from jobs.services import intent_record

    if source.kind != HelpdeskSource.Kind.ZENDESK:
        raise ValidationError("Macros are pushed to a Zendesk source only.")
    if not source.enabled:
        raise ValidationError("This source is turned off: turn it on to push to it.")
    ids = list(micro_scripts_for_export(user=user, filters=filters).values_list("pk", flat=True))
    if not ids:
        raise ValidationError("No micro-script matches these filters.")
    with transaction.atomic():
        intent_record(task=helpdesk_macros_push_task, args=[source.pk, ids])
    return len(ids)


def macros_push(*, source_id: int, script_ids: list[int]) -> dict:
    """Create or update one macro per script; stops at the first refusal (what was pushed
    stays pushed and recorded). The report is kept on the source and returned."""
    source = HelpdeskSource.objects.get(pk=source_id)
    scripts = MicroScript.objects.filter(pk__in=script_ids).select_related("program")
    known = dict(source.macros.values_list("script_id", "remote_id"))
    report = {"scripts": len(script_ids), "created": 0, "updated": 0, "error": ""}
    try:
        token = zendesk.token_read(source.token_env)
        for script in scripts.order_by("pk"):
            remote_id = zendesk.macro_save(
                base_url=source.base_url,
                email=source.agent_email,
                token=token,
                macro=zendesk_macro(script),
                remote_id=known.get(script.pk),
            )
            PushedMacro.objects.update_or_create(
                source=source,
                script=script,
                defaults={"remote_id": remote_id, "pushed_at": timezone.now()},
            )
            updated = known.get(script.pk) == remote_id
            report["updated" if updated else "created"] += 1
    except zendesk.SyncError as error:
        report["error"] = str(error)
    HelpdeskSource.objects.filter(pk=source_id).update(
        last_macro_push_at=timezone.now(), last_macro_push=report
    )
    return report
