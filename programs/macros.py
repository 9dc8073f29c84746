"""Micro-scripts out to a helpdesk: Zendesk macros, Freshdesk canned responses, plain JSON
and CSV (docs/macros.md).

One filter (`MacroFilterForm`) and one query (`micro_scripts_for_export`) serve the API and
the page; each shape is built here and nowhere else. `zendesk_macro` is public: a push to a
Zendesk source builds its macros with it. Every exported item carries `attune_id`
(`[attune:microscript:<id>]`), the stable identifier that lets a later import or push
update a macro rather than add a second one.
"""

import csv
import io
import json

from django import forms
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.html import linebreaks

from config.csv_cells import spreadsheet_safe
from programs.models import Intensity, MicroScript, Program, Situation
from programs.selectors import program_visible_to

SHAPES = {
    # shape: (content type, file name)
    "zendesk": ("application/json", "attune-zendesk-macros.json"),
    "freshdesk": ("text/csv", "attune-freshdesk-canned-responses.csv"),
    "json": ("application/json", "attune-micro-scripts.json"),
    "csv": ("text/csv", "attune-micro-scripts.csv"),
}
LOCALE_MAX = MicroScript._meta.get_field("locale").max_length
MACRO_CATEGORY = "Empathy"
PLAIN_COLUMNS = [
    "attune_id", "program", "kind", "situation", "intensity", "locale", "title", "text",
]  # fmt: skip
# Freshdesk's canned-response API takes title, content_html and a folder (by id, which only
# the account knows: we give the folder's name); `content` is the plain text for a person
# checking the file; `attune_id` and `locale` let an import update rather than duplicate.
FRESHDESK_COLUMNS = ["folder", "title", "content_html", "content", "locale", "attune_id"]


def may_export(user) -> bool:
    """Training managers and coaches set up the helpdesk; agents and HR do not export."""
    return user.is_authenticated and (user.is_manager or user.role == user.Role.COACH)


def attune_id(script: MicroScript) -> str:
    return f"[attune:microscript:{script.pk}]"


def _blank_choice(choices) -> list[tuple[str, str]]:
    return [("", "Any"), *choices]


class MacroFilterForm(forms.Form):
    """Which micro-scripts, and in which shape. Unknown values are errors (a 400)."""

    shape = forms.ChoiceField(
        choices=[
            ("json", "Plain JSON"),
            ("csv", "Plain CSV"),
            ("zendesk", "Zendesk macros (JSON)"),
            ("freshdesk", "Freshdesk canned responses (CSV)"),
        ],
        required=False,
    )
    program = forms.ModelChoiceField(
        queryset=Program.objects.none(),
        required=False,
        empty_label="Every published program",
        help_text="A draft or archived program's scripts come only when it is chosen.",
    )
    locale = forms.CharField(max_length=LOCALE_MAX, required=False, help_text="e.g. en, de")
    situation = forms.ChoiceField(choices=_blank_choice(Situation.choices), required=False)
    kind = forms.ChoiceField(choices=_blank_choice(MicroScript.Kind.choices), required=False)
    intensity = forms.ChoiceField(choices=_blank_choice(Intensity.choices), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = program_visible_to(user=user).order_by("name", "pk")

    def clean_shape(self):
        return self.cleaned_data["shape"] or "json"

    def clean_locale(self):
        return self.cleaned_data["locale"].strip()


def micro_scripts_for_export(*, user, filters: dict) -> QuerySet[MicroScript]:
    """The scripts `user` may read that match the cleaned `filters` of `MacroFilterForm`,
    in a stable order (program, situation, kind, intensity, id). One query."""
    scripts = MicroScript.objects.filter(program__in=program_visible_to(user=user))
    program = filters.get("program")
    if program is not None:
        scripts = scripts.filter(program=program)
    else:
        scripts = scripts.filter(program__status=Program.Status.PUBLISHED)
    for field in ("locale", "situation", "kind", "intensity"):
        if filters.get(field):
            scripts = scripts.filter(**{field: filters[field]})
    return scripts.select_related("program").order_by(
        "program__name", "program_id", "situation", "kind", "intensity", "pk"
    )


def _label(script: MicroScript) -> str:
    label = script.title or script.get_kind_display()
    if script.intensity:
        label = f"{label} ({script.get_intensity_display().lower()} intensity)"
    return label


# --- The shapes ----------------------------------------------------------------------------


def zendesk_macro(script: MicroScript) -> dict:
    """One Zendesk macro for `script`: its title (Zendesk makes "::" a category, so the
    macros sit under Empathy, then the situation), active, a description ending in the
    script's `attune_id`, and one action that puts the text in the reply."""
    description = (
        f"{script.get_kind_display()}, {script.get_situation_display().lower()}, "
        f"locale {script.locale}, from the Attune program {script.program.name}. "
        f"{attune_id(script)}"
    )
    return {
        "title": f"{MACRO_CATEGORY}::{script.get_situation_display()}::{_label(script)}",
        "active": True,
        "description": description,
        "actions": [{"field": "comment_value", "value": script.text}],
    }


def zendesk_macros(scripts) -> dict:
    return {"macros": [zendesk_macro(script) for script in scripts]}


def plain_item(script: MicroScript) -> dict:
    return {
        "attune_id": attune_id(script),
        "id": script.pk,
        "program": script.program_id,
        "program_name": script.program.name,
        "kind": script.kind,
        "situation": script.situation,
        "intensity": script.intensity,
        "locale": script.locale,
        "title": script.title,
        "text": script.text,
    }


def plain_json(scripts) -> dict:
    return {"micro_scripts": [plain_item(script) for script in scripts]}


def _csv(header: list[str], rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return out.getvalue()


def plain_csv(scripts) -> str:
    return _csv(
        PLAIN_COLUMNS,
        (
            [attune_id(s), s.program.name, s.kind, s.situation, s.intensity, s.locale,
             s.title, s.text]
            for s in scripts
        ),
    )  # fmt: skip


def freshdesk_csv(scripts) -> str:
    return _csv(
        FRESHDESK_COLUMNS,
        (
            [f"{MACRO_CATEGORY}: {s.get_situation_display()}", _label(s),
             linebreaks(s.text, autoescape=True), s.text, s.locale, attune_id(s)]
            for s in scripts
        ),
    )  # fmt: skip


def export_response(scripts, *, shape: str) -> HttpResponse:
    """`scripts` in `shape` (a key of SHAPES) as a download."""
    content_type, filename = SHAPES[shape]
    scripts = list(scripts)
    if shape == "zendesk":
        body = json.dumps(zendesk_macros(scripts), ensure_ascii=False, indent=2)
    elif shape == "json":
        body = json.dumps(plain_json(scripts), ensure_ascii=False, indent=2)
    elif shape == "freshdesk":
        body = freshdesk_csv(scripts)
    else:
        body = plain_csv(scripts)
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
