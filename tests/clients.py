"""API clients for tests."""

from rest_framework.test import APIClient


def api_as(user) -> APIClient:
    """An API client signed in as `user` (its `user` attribute names them)."""
    client = APIClient()
    client.force_authenticate(user)
    client.user = user
    return client
