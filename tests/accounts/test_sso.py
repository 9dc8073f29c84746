"""Single sign-on against a real OpenID Connect provider (django-oidc-provider) that the
test starts as its own process, with its own users and database (tests/sso/)."""

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from accounts.models import User
from tests.factories import AgentFactory

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls("tests.sso.rp_urls")]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def provider(live_server, tmp_path_factory):
    """The provider's base URL, e.g. http://127.0.0.1:PORT/openid."""
    port = _free_port()
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "tests.sso.op_settings",
        "OP_DATABASE": str(tmp_path_factory.mktemp("op") / "op.sqlite3"),
        "OP_SITE_URL": f"http://127.0.0.1:{port}",
    }
    run = {"env": env, "cwd": ROOT, "check": True, "capture_output": True}
    subprocess.run([sys.executable, "-m", "django", "migrate", "-v", "0"], **run)
    callback = f"{live_server.url}/oidc/callback/"
    subprocess.run([sys.executable, "tests/sso/op_setup.py", callback], **run)
    server = subprocess.Popen(
        [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/openid"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{base}/jwks", timeout=1).ok:
                    break
            except requests.ConnectionError:
                pass
            assert server.poll() is None, "the OpenID provider did not start"
            assert time.monotonic() < deadline, "the OpenID provider did not answer in 30 s"
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def sso(settings, provider):
    settings.ATTUNE_OIDC_ENABLED = True
    # As config/settings/base.py makes it with OIDC_RP_CLIENT_ID set: lock-out first.
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "accounts.sso.EmailMatchingOIDCBackend",
    ]
    settings.OIDC_RP_CLIENT_ID = "attune"
    settings.OIDC_RP_CLIENT_SECRET = "attune-secret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{provider}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider}/jwks"
    return settings


def sign_in_through_provider(live_server, username: str) -> requests.Session:
    """Start at Attune's sign-in page, click single sign-on, sign in at the provider."""
    browser = requests.Session()
    sign_in_page = browser.get(f"{live_server.url}/accounts/login/", timeout=10)
    init = re.search(r'href="(/oidc/authenticate/[^"]*)"', sign_in_page.text)
    assert init, "the sign-in page offers single sign-on"
    at_provider = browser.get(f"{live_server.url}{init.group(1)}", timeout=10)
    assert at_provider.url.startswith("http://127.0.0.1:"), "sent to the provider"
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', at_provider.text).group(1)
    next_url = re.search(r'name="next" value="([^"]+)"', at_provider.text).group(1)
    browser.landing = browser.post(
        at_provider.url,
        data={
            "csrfmiddlewaretoken": csrf,
            "username": username,
            "password": "op-password",
            "next": next_url.replace("&amp;", "&"),
        },
        timeout=20,
    )
    return browser


def signed_in_email(browser: requests.Session, live_server) -> str | None:
    response = browser.get(f"{live_server.url}/api/me/", timeout=10)
    return response.json()["email"] if response.ok else None


def test_a_person_signs_in_through_the_provider_matched_by_email(sso, live_server):
    AgentFactory(email="ada@example.com")

    browser = sign_in_through_provider(live_server, "ada")

    assert signed_in_email(browser, live_server) == "ada@example.com"


def test_an_unknown_email_is_refused_and_no_account_is_made(sso, live_server):
    browser = sign_in_through_provider(live_server, "stranger")

    assert signed_in_email(browser, live_server) is None
    assert browser.landing.url.endswith("/accounts/login/?sso=failed")
    assert "did not sign you in" in browser.landing.text
    assert not User.objects.filter(email="stranger@example.com").exists()


def test_an_unknown_email_gets_an_agent_account_when_configured(sso, live_server):
    sso.OIDC_CREATE_USER = True

    browser = sign_in_through_provider(live_server, "stranger")

    assert signed_in_email(browser, live_server) == "stranger@example.com"
    assert User.objects.get(email="stranger@example.com").role == User.Role.AGENT


def test_an_address_the_provider_has_not_verified_is_refused(sso, live_server):
    AgentFactory(email="mallory@example.com")

    browser = sign_in_through_provider(live_server, "mallory")

    assert signed_in_email(browser, live_server) is None


def test_a_deactivated_account_cannot_sign_in_through_the_provider(sso, live_server):
    AgentFactory(email="ada@example.com", is_active=False)

    browser = sign_in_through_provider(live_server, "ada")

    assert signed_in_email(browser, live_server) is None


def test_the_sign_in_page_offers_no_single_sign_on_when_it_is_off(client):
    assert b"/oidc/authenticate/" not in client.get("/accounts/login/").content
