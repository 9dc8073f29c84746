"""Create the provider's signing key, one client (Attune) and its users.

Run with DJANGO_SETTINGS_MODULE=tests.sso.op_settings after `migrate`; argv: the relying
party's callback URL.
"""

import sys

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from oidc_provider.models import Client, ResponseType  # noqa: E402

call_command("creatersakey")
client = Client.objects.create(
    name="Attune",
    client_type="confidential",
    client_id="attune",
    client_secret="attune-secret",
    jwt_alg="RS256",
    require_consent=False,
)
client.redirect_uris = [sys.argv[1]]
client.save()
client.response_types.set([ResponseType.objects.get(value="code")])
for username, email, verified in [
    ("ada", "Ada@Example.com", ""),
    ("stranger", "stranger@example.com", ""),
    ("mallory", "mallory@example.com", "unverified"),
]:
    User.objects.create_user(
        username, email=email, password="op-password", first_name=verified, last_name=username
    )
