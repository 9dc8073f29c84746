"""Intensity of interactions: the optional import columns, the documented derivation rules
(on both import paths), and a manager's correction (page and API) and how it fares when
the row is imported again."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from insights.interaction_import import interaction_import
from insights.models import Interaction
from jobs.models import TaskIntent
from tests.clients import api_as
from tests.factories import (
    AgentFactory,
    CoachFactory,
    CohortFactory,
    EnrollmentFactory,
    HRFactory,
    InteractionFactory,
    ManagerFactory,
)

pytestmark = pytest.mark.django_db

HEADER = "external_id,channel,agent_email,occurred_at,csat,escalated,account,tags,intensity"
# One row per rule, the reason each must store.
RULES = {
    "ESC": ("2026-09-14T09:00:00Z,4,yes,,,", "high", "escalated"),
    "CSAT1": ("2026-09-14T09:00:00Z,1,no,,,", "high", "CSAT 1"),
    "CSAT2": ("2026-09-14T09:00:00Z,2,,,,", "high", "CSAT 2"),
    "TAG": ("2026-09-14T09:00:00Z,5,no,,Billing Cancellation,", "high", "tag: cancellation"),
    "TAGS": ('2026-09-14T09:00:00Z,,,,"refund, legal",', "high", "tag: legal"),
    "NOTAG": ("2026-09-14T09:00:00Z,,,,complaints-old,", "low", "no sign of intensity"),
    "FIRST": ("2026-09-01T09:00:00Z,,,ACME,,", "low", "no sign of intensity"),
    "REPEAT": ("2026-09-08T08:59:00Z,5,,ACME,,", "medium", "repeat contact within 7 days"),
    "LATE": ("2026-09-16T09:00:00Z,,,ACME,,", "low", "no sign of intensity"),  # 8 days on
    "CSAT3": ("2026-09-14T09:00:00Z,3,,,,", "medium", "CSAT 3"),
    "GIVEN": ("2026-09-14T09:00:00Z,1,yes,,,Low", "low", "given in the import"),
    "PLAIN": ("2026-09-14T09:00:00Z,4,no,,,", "low", "no sign of intensity"),
}


def csv_file(rows: dict[str, str], agent="ana@example.com") -> bytes:
    lines = [HEADER, *(f"{key},chat,{agent},{cells}" for key, cells in rows.items())]
    return "\n".join(lines).encode() + b"\n"


def run(data: bytes, source="helpdesk", **kwargs):
    return interaction_import(data=data, source=source, **kwargs)


def intensities(source="helpdesk") -> dict[str, tuple[str, str, str]]:
    rows = Interaction.objects.filter(source=source)
    return {
        row.external_id: (row.intensity, row.intensity_reason, row.intensity_source) for row in rows
    }


@pytest.fixture
def ana():
    return AgentFactory(email="ana@example.com")


@pytest.fixture
def portable(monkeypatch):
    monkeypatch.setattr("insights.interaction_import.SET_BASED_VENDORS", set())


def test_each_rule_derives_its_intensity_and_stores_why(ana):
    report = run(csv_file({key: cells for key, (cells, _, _) in RULES.items()}))

    assert report.rejected == []
    found = intensities()
    for key, (_, intensity, reason) in RULES.items():
        source = "given" if key == "GIVEN" else "derived"
        assert found[key] == (intensity, reason, source), key
    assert Interaction.objects.get(external_id="TAGS").tags == ",refund,legal,"


def test_the_rules_agree_on_both_paths(ana, monkeypatch):
    data = csv_file({key: cells for key, (cells, _, _) in RULES.items()})
    with monkeypatch.context() as patch:
        patch.setattr("insights.interaction_import.SET_BASED_VENDORS", set())
        run(data)
    by_python = intensities()
    Interaction.objects.all().delete()  # repeat contacts look across sources

    run(data)

    assert intensities() == by_python


def test_without_an_account_column_every_rule_but_the_repeat_contact_applies(ana):
    header = "external_id,channel,agent_email,occurred_at,csat,escalated,tags,intensity"
    cells = {"E": "4,yes,,", "T": ",,threat,", "C": "3,,,", "G": "1,,,medium", "L": "5,no,,"}
    rows = [f"{key},chat,ana@example.com,2026-09-14T09:00:00Z,{row}" for key, row in cells.items()]

    run("\n".join([header, *rows]).encode())

    assert intensities() == {
        "E": ("high", "escalated", "derived"),
        "T": ("high", "tag: threat", "derived"),
        "C": ("medium", "CSAT 3", "derived"),
        "G": ("medium", "given in the import", "given"),
        "L": ("low", "no sign of intensity", "derived"),
    }


def test_a_bad_intensity_rejects_the_row_naming_line_and_column(ana):
    report = run(
        csv_file({"OK": "2026-09-14T09:00:00Z,,,,,high", "BAD": "2026-09-14T09:00:00Z,,,,,severe"})
    )

    assert [(e.line, e.column, e.reason) for e in report.rejected] == [
        (3, "intensity", "“severe” is not an intensity (low, medium or high)")
    ]
    assert intensities() == {"OK": ("high", "given in the import", "given")}


def test_an_earlier_contact_in_a_later_batch_makes_a_repeat_contact(ana, portable, monkeypatch):
    monkeypatch.setattr("insights.interaction_import.BATCH", 1)
    # The later contact comes first in the file, so it is written (and derived) first.
    rows = {"SECOND": "2026-09-05T09:00:00Z,,,ACME,,", "FIRST": "2026-09-01T09:00:00Z,,,ACME,,"}

    run(csv_file(rows))

    assert intensities()["SECOND"][:2] == ("medium", "repeat contact within 7 days")
    assert intensities()["FIRST"][0] == "low"


def test_a_contact_of_another_source_counts_for_the_repeat(ana):
    InteractionFactory(
        source="phone", account="ACME", agent=ana, occurred_at="2026-09-10T09:00:00Z"
    )

    run(csv_file({"CHAT": "2026-09-11T09:00:00Z,,,ACME,,"}))

    assert intensities()["CHAT"][0] == "medium"


def test_the_zendesk_mapping_reads_organization_and_space_separated_tags(ana):
    data = (
        b"Ticket ID,Via,Assignee email,Created at,Organization,Tags\n"
        b"Z1,chat,ana@example.com,2026-09-14 13:02:11 +0200,Acme Inc,vip threat\n"
    )

    run(data, mapping="zendesk")

    stored = Interaction.objects.get(external_id="Z1")
    assert (stored.account, stored.intensity, stored.intensity_reason) == (
        "Acme Inc",
        "high",
        "tag: threat",
    )


def test_a_dry_run_derives_nothing_and_records_no_work(ana):
    report = run(csv_file({"ESC": RULES["ESC"][0]}), dry_run=True)

    assert report.created == 1
    assert not Interaction.objects.exists()
    assert not TaskIntent.objects.exists()


def test_an_import_records_the_work_after_it_as_a_task_intent(ana):
    run(csv_file({"ESC": RULES["ESC"][0]}), source="desk")

    intent = TaskIntent.objects.get()
    assert intent.task == "wellbeing.tasks.interactions_imported_task"
    assert intent.args[0] == "desk"


# --- Corrections ---------------------------------------------------------------------------


@pytest.fixture
def managed(ana):
    manager = ManagerFactory(display_name="Mia Manager")
    EnrollmentFactory(agent=ana, cohort=CohortFactory(facilitators=[manager]))
    run(csv_file({"ESC": RULES["ESC"][0]}))
    return manager, Interaction.objects.get(external_id="ESC")


def test_a_manager_corrects_the_intensity_over_the_api(managed):
    manager, interaction = managed

    response = api_as(manager).patch(
        f"/api/interactions/{interaction.pk}/intensity/", {"intensity": "medium"}, format="json"
    )

    assert response.status_code == 200, response.data
    assert (response.data["intensity"], response.data["intensity_reason"]) == (
        "medium",
        "corrected by Mia Manager",
    )
    assert response.data["intensity_source"] == "corrected"


def test_a_correction_survives_a_reimport_without_an_intensity_and_yields_to_a_given_one(
    managed,
):
    manager, interaction = managed
    api_as(manager).patch(
        f"/api/interactions/{interaction.pk}/intensity/", {"intensity": "low"}, format="json"
    )

    run(csv_file({"ESC": RULES["ESC"][0]}))  # the intensity cell empty: derived would be high
    assert intensities()["ESC"] == ("low", "corrected by Mia Manager", "corrected")

    run(csv_file({"ESC": "2026-09-14T09:00:00Z,4,yes,,,medium"}))
    assert intensities()["ESC"] == ("medium", "given in the import", "given")


@pytest.mark.parametrize("factory", [AgentFactory, CoachFactory, HRFactory, ManagerFactory])
def test_nobody_but_the_agents_manager_corrects_it(managed, factory):
    _, interaction = managed

    response = api_as(factory()).patch(
        f"/api/interactions/{interaction.pk}/intensity/", {"intensity": "low"}, format="json"
    )

    # Another manager does not see the interaction at all; the others may not write.
    assert response.status_code == (404 if factory is ManagerFactory else 403)
    assert intensities()["ESC"][0] == "high"


def test_a_bad_value_is_a_400(managed):
    manager, interaction = managed

    response = api_as(manager).patch(
        f"/api/interactions/{interaction.pk}/intensity/", {"intensity": "extreme"}, format="json"
    )

    assert response.status_code == 400
    assert "intensity" in response.data


def test_a_manager_corrects_it_on_the_page_and_nobody_else_can(client, managed):
    manager, interaction = managed
    url = reverse("web:interaction-intensity", args=[interaction.pk])

    client.force_login(ManagerFactory())
    assert client.post(url, {"intensity": "low"}).status_code == 404
    client.force_login(interaction.agent)
    assert client.post(url, {"intensity": "low"}).status_code == 403
    client.force_login(manager)
    assert client.get(url).status_code == 200
    assert client.post(url, {"intensity": "low"}).status_code == 302

    assert intensities()["ESC"] == ("low", "corrected by Mia Manager", "corrected")


def test_derive_intensities_backfills_rows_stored_before_the_rules(ana):
    run(csv_file({key: cells for key, (cells, _, _) in RULES.items()}))
    expected = intensities()
    # As stored before intensities were derived, or loaded in SQL: no intensity at all.
    Interaction.objects.update(intensity="", intensity_reason="", intensity_source="")
    out = StringIO()

    call_command("derive_intensities", batch=5, stdout=out)

    # Every rule's value and reason again; the given one from the cell the import kept.
    assert intensities() == expected
    assert expected["GIVEN"] == ("low", "given in the import", "given")
    assert f"Derived the intensity of {len(RULES)} interactions." in out.getvalue()


def test_derive_intensities_keeps_corrections_and_a_rerun_does_nothing(ana):
    InteractionFactory(agent=ana, escalated=True, intensity="")
    corrected = InteractionFactory(agent=ana, escalated=True, intensity="low")
    Interaction.objects.filter(pk=corrected.pk).update(
        intensity_source="corrected", intensity_reason="corrected by Mia Manager"
    )
    call_command("derive_intensities", stdout=StringIO())
    out = StringIO()

    call_command("derive_intensities", stdout=out)

    assert Interaction.objects.get(pk=corrected.pk).intensity == "low"
    assert Interaction.objects.exclude(pk=corrected.pk).get().intensity == "high"
    assert "Derived the intensity of 0 interactions." in out.getvalue()


def test_derive_intensities_refuses_a_batch_of_0():
    with pytest.raises(CommandError, match="--batch must be at least 1"):
        call_command("derive_intensities", batch=0)
