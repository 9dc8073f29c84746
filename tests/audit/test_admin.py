"""In the admin the audit trail is read-only, for superusers too."""

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.auth.models import Permission

from tests.audit.conftest import last_entry
from tests.factories import CohortFactory, ManagerFactory, ProgramFactory, UserFactory

ADMIN = "/admin/auditlog/logentry/"


@pytest.fixture
def superuser(db):
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def entry(superuser):
    with set_actor(superuser):
        program = ProgramFactory(name="Recorded")
    return last_entry(program)


def test_a_superuser_reads_entries_in_the_admin(client, superuser, entry):
    client.force_login(superuser)

    listing = client.get(ADMIN)
    detail = client.get(f"{ADMIN}{entry.pk}/change/")

    assert listing.status_code == 200
    assert "Recorded" in listing.text
    assert detail.status_code == 200


def test_a_superuser_cannot_add_change_or_delete_an_entry(client, superuser, entry):
    client.force_login(superuser)

    add = client.get(f"{ADMIN}add/")
    change = client.post(f"{ADMIN}{entry.pk}/change/", {"object_repr": "forged"})
    delete = client.post(f"{ADMIN}{entry.pk}/delete/", {"post": "yes"})
    bulk = client.post(
        ADMIN, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )

    assert add.status_code == 403
    assert delete.status_code == 403
    assert change.status_code == 403
    assert 'name="action"' not in bulk.text  # no actions at all, so no bulk delete
    assert LogEntry.objects.get(pk=entry.pk).object_repr == "Recorded"


def test_staff_managers_see_only_their_scope_in_the_admin(client, superuser):
    mine, theirs = ManagerFactory(is_staff=True), ManagerFactory(is_staff=True)
    mine.user_permissions.add(
        Permission.objects.get(codename="view_logentry", content_type__app_label="auditlog")
    )
    program = ProgramFactory()
    with set_actor(superuser):
        CohortFactory(program=program, name="Mine", facilitators=[mine])
        CohortFactory(program=program, name="Theirs", facilitators=[theirs])
    client.force_login(mine)

    listing = client.get(f"{ADMIN}?q=")

    assert listing.status_code == 200
    assert "Mine" in listing.text
    assert "Theirs" not in listing.text
