"""The admin shows hiring to superusers only: a staff manager with every permission still
cannot open a candidate there (the admin cannot apply the opening's visibility rule)."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from tests.factories import ManagerFactory

pytestmark = pytest.mark.django_db


def _admin_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_staff_manager_with_every_permission_cannot_open_candidates_in_the_admin(candidate):
    manager = ManagerFactory(is_staff=True)
    manager.user_permissions.set(Permission.objects.filter(content_type__app_label="hiring"))
    client = _admin_client(manager)
    assert client.get("/admin/hiring/candidate/").status_code == 403
    assert client.get(f"/admin/hiring/candidate/{candidate.pk}/change/").status_code == 403
    assert "hiring" not in client.get("/admin/").content.decode().lower()


def test_a_superuser_reads_candidates_in_the_admin(candidate):
    admin = ManagerFactory(is_staff=True, is_superuser=True)
    page = _admin_client(admin).get("/admin/hiring/candidate/")
    assert page.status_code == 200
    assert "Cara Candidate" in page.content.decode()
