"""The reflection journal is its author's alone: encrypted at rest, and every other path
(another agent, the author's manager, HR, an administrator; API, pages, admin, audit
trail, exports) finds nothing."""

import io
import json

import pytest
from auditlog.models import LogEntry
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.urls import NoReverseMatch, reverse

from tests.clients import api_as
from tests.factories import (
    AgentFactory,
    CohortFactory,
    EnrollmentFactory,
    HRFactory,
    ManagerFactory,
)
from wellbeing import services
from wellbeing.models import JOURNAL_TEXT_MAX, JournalEntry

pytestmark = pytest.mark.django_db

SECRET_TEXT = "The refund caller cried and I froze for a second"


@pytest.fixture
def author():
    return AgentFactory(email="ana@example.com")


@pytest.fixture
def entry(author):
    return services.journal_write(author=author, text=SECRET_TEXT, context="hard_contact")


@pytest.fixture
def author_manager(author):
    """A training manager who facilitates the author's cohort: sees much of the author's
    work, never the journal."""
    manager = ManagerFactory()
    cohort = CohortFactory(facilitators=[manager])
    EnrollmentFactory(cohort=cohort, agent=author)
    return manager


def _raw_text(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM wellbeing_journalentry WHERE id = %s", [pk])
        return cursor.fetchone()[0]


# --- At rest -------------------------------------------------------------------------------


def test_the_text_is_encrypted_in_the_database_and_read_back_by_the_model(entry):
    raw = _raw_text(entry.pk)

    assert "refund" not in raw
    assert SECRET_TEXT not in raw
    assert raw.startswith("gAAAA")  # a Fernet token
    assert JournalEntry.objects.get(pk=entry.pk).text == SECRET_TEXT


def test_the_same_text_saved_twice_is_stored_differently(author):
    one = services.journal_write(author=author, text="same words")
    two = services.journal_write(author=author, text="same words")

    assert _raw_text(one.pk) != _raw_text(two.pk)


def test_nobody_can_search_the_text_in_the_database(entry):
    with pytest.raises(FieldError):
        list(JournalEntry.objects.filter(text__icontains="refund"))


def test_a_key_is_rotated_without_losing_an_entry(settings, author):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.ATTUNE_JOURNAL_KEYS = [old]
    entry = services.journal_write(author=author, text=SECRET_TEXT)
    settings.ATTUNE_JOURNAL_KEYS = [new, old]

    out = io.StringIO()
    call_command("rotate_journal_key", stdout=out)
    assert "wellbeing.JournalEntry: re-encrypted 1 rows with the first key." in out.getvalue()

    settings.ATTUNE_JOURNAL_KEYS = [new]  # the old key is gone
    assert JournalEntry.objects.get(pk=entry.pk).text == SECRET_TEXT


def test_an_entry_under_a_removed_key_says_what_happened(settings, author):
    settings.ATTUNE_JOURNAL_KEYS = [Fernet.generate_key().decode()]
    entry = services.journal_write(author=author, text=SECRET_TEXT)
    settings.ATTUNE_JOURNAL_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(ImproperlyConfigured, match="rotate_journal_key"):
        JournalEntry.objects.get(pk=entry.pk)


def test_a_malformed_key_is_named(settings, author):
    settings.ATTUNE_JOURNAL_KEYS = ["not-a-key"]

    with pytest.raises(ImproperlyConfigured, match="not a Fernet key"):
        services.journal_write(author=author, text=SECRET_TEXT)


def test_production_refuses_to_derive_the_key(settings, author):
    settings.ATTUNE_JOURNAL_KEYS = []
    settings.ATTUNE_JOURNAL_KEY_FROM_SECRET = False

    with pytest.raises(ImproperlyConfigured, match="Set ATTUNE_JOURNAL_KEYS"):
        services.journal_write(author=author, text=SECRET_TEXT)


# --- The author ----------------------------------------------------------------------------


def test_the_author_writes_reads_edits_and_deletes_through_the_api(author):
    client = api_as(author)

    created = client.post("/api/journal/", {"text": "  hard call  ", "context": "hard_contact"})
    assert created.status_code == 201, created.data
    pk = created.data["id"]
    assert created.data["text"] == "hard call"
    assert client.get("/api/journal/").data["results"][0]["text"] == "hard call"

    changed = client.patch(f"/api/journal/{pk}/", {"text": "it got better"}, format="json")
    assert changed.status_code == 200, changed.data
    assert JournalEntry.objects.get(pk=pk).text == "it got better"
    assert JournalEntry.objects.get(pk=pk).context == "hard_contact"

    assert client.delete(f"/api/journal/{pk}/").status_code == 204
    assert not JournalEntry.objects.filter(pk=pk).exists()


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"text": "   "}, "blank"),
        ({"text": "x" * (JOURNAL_TEXT_MAX + 1)}, str(JOURNAL_TEXT_MAX)),
        ({"text": "fine", "context": "gossip"}, "valid choice"),
    ],
    ids=["blank", "too-long", "unknown-context"],
)
def test_bad_input_is_a_400_naming_the_field(author, payload, message):
    response = api_as(author).post("/api/journal/", payload, format="json")

    assert response.status_code == 400
    field = "context" if "context" in payload else "text"
    assert message in str(response.data[field])
    assert not JournalEntry.objects.exists()


def test_the_author_exports_their_own_entries_only(client, author, entry):
    services.journal_write(author=AgentFactory(), text="someone else's")
    client.force_login(author)

    response = client.get(reverse("web:journal-export"))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store"
    body = json.loads(response.content)
    assert [e["text"] for e in body["entries"]] == [SECRET_TEXT]
    assert body["author"] == "ana@example.com"


def test_delete_all_deletes_only_the_authors_entries(client, author, entry):
    other = services.journal_write(author=AgentFactory(), text="someone else's")
    client.force_login(author)

    assert client.get(reverse("web:journal-delete-all")).status_code == 200
    response = client.post(reverse("web:journal-delete-all"))

    assert response.status_code == 302
    assert list(JournalEntry.objects.all()) == [other]


def test_the_journal_page_writes_and_lists_my_entries(client, author):
    client.force_login(author)

    response = client.post(
        reverse("web:journal"), {"context": "exercise", "text": "The role-play felt real"}
    )
    assert response.status_code == 302
    page = client.get(reverse("web:journal"))

    assert "The role-play felt real" in page.content.decode()
    assert "Only you can read them" in page.content.decode()


def test_the_journal_page_refuses_an_empty_reflection_with_a_field_error(client, author):
    client.force_login(author)

    response = client.post(reverse("web:journal"), {"context": "exercise", "text": ""})

    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not JournalEntry.objects.exists()


# --- Everyone else -------------------------------------------------------------------------


@pytest.fixture(params=["other agent", "their manager", "hr", "superuser"])
def someone_else(request, author_manager):
    return {
        "other agent": lambda: AgentFactory(),
        "their manager": lambda: author_manager,
        "hr": lambda: HRFactory(),
        "superuser": lambda: ManagerFactory(is_staff=True, is_superuser=True),
    }[request.param]()


def test_nobody_else_reads_changes_or_deletes_an_entry_through_the_api(someone_else, entry):
    client = api_as(someone_else)

    assert client.get("/api/journal/").data["results"] == []
    assert client.get(f"/api/journal/{entry.pk}/").status_code == 404
    patched = client.patch(f"/api/journal/{entry.pk}/", {"text": "x"}, format="json")
    assert patched.status_code == 404
    assert client.delete(f"/api/journal/{entry.pk}/").status_code == 404
    assert JournalEntry.objects.get(pk=entry.pk).text == SECRET_TEXT


def test_nobody_else_reaches_an_entry_through_the_pages(client, someone_else, entry):
    client.force_login(someone_else)

    assert SECRET_TEXT not in client.get(reverse("web:journal")).content.decode()
    assert client.get(reverse("web:journal-edit", args=[entry.pk])).status_code == 404
    assert client.post(reverse("web:journal-delete", args=[entry.pk])).status_code == 404
    export = json.loads(client.get(reverse("web:journal-export")).content)
    assert export["entries"] == []
    client.post(reverse("web:journal-delete-all"))
    assert JournalEntry.objects.filter(pk=entry.pk).exists()


def test_the_admin_has_no_journal_screen_even_for_a_superuser(client, entry):
    client.force_login(ManagerFactory(is_staff=True, is_superuser=True))

    with pytest.raises(NoReverseMatch):
        reverse("admin:wellbeing_journalentry_changelist")
    index = client.get(reverse("admin:index")).content.decode()
    assert "Journal" not in index
    assert "Support resources" in index  # the app is there; its journal is not
    assert client.get("/admin/wellbeing/journalentry/").status_code == 404


def test_the_audit_trail_records_nothing_of_a_journal(author):
    client = api_as(author)
    pk = client.post("/api/journal/", {"text": SECRET_TEXT}).data["id"]
    client.patch(f"/api/journal/{pk}/", {"text": SECRET_TEXT + "!"}, format="json")
    client.delete(f"/api/journal/{pk}/")

    assert not LogEntry.objects.filter(content_type__app_label="wellbeing").exists()
    assert not any(SECRET_TEXT in json.dumps(e.changes) for e in LogEntry.objects.all())


def test_an_agent_who_is_deleted_takes_their_journal_with_them(author, entry):
    author.delete()

    assert not JournalEntry.objects.exists()
