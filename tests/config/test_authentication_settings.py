"""Which ways of signing in to the API each settings module allows."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
BASIC = "accounts.authentication.BasicAuthentication"
TOKEN = "accounts.authentication.ApiTokenAuthentication"
SESSION = "rest_framework.authentication.SessionAuthentication"


def _api_authentication(module: str, **environment) -> list[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"ATTUNE_API_BASIC_AUTH", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE=module,
        SECRET_KEY="a-production-secret-for-this-test-only-0123456789",
        ALLOWED_HOSTS="attune.example",
        ATTUNE_JOURNAL_KEYS="Yi1cEg4pV8LwUeIbbiGyGJzFnWhrG4QVFrJ-4Kp8zKk=",
        **environment,
    )
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.REST_FRAMEWORK['DEFAULT_AUTHENTICATION_CLASSES']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_turns_http_basic_off():
    assert _api_authentication("config.settings.production") == [SESSION, TOKEN]


def test_an_operator_may_turn_http_basic_back_on_in_production():
    classes = _api_authentication("config.settings.production", ATTUNE_API_BASIC_AUTH="on")

    assert classes == [SESSION, TOKEN, BASIC]


def test_local_development_keeps_http_basic():
    assert BASIC in _api_authentication("config.settings.local")


def test_the_test_settings_keep_http_basic_for_the_lockout_tests():
    assert settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] == [SESSION, TOKEN, BASIC]
