"""Schemathesis drives every operation of the live OpenAPI schema as a manager and an agent.

It runs in the normal suite, bounded: a fixed seed, a few examples per operation and mode,
no shrinking, about a minute and a half in all. Path ids are mostly those of the demo's
objects (1 or 2), so cases reach real rows.

Data the schema allows must answer without a server error and exactly as the schema says
(status code, content type, body). Data it forbids must answer without a server error
with a status the schema lists. Schemathesis's `negative_data_rejection` and
`positive_data_acceptance` checks are not run: DRF ignores unknown query parameters and
read-only fields on purpose (a 200 for "negative" data), and a valid body can still be
refused by a rule the schema cannot express (a 400 for "positive" data).
"""

import time

import hypothesis
import pytest
import schemathesis
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import User

pytestmark = [pytest.mark.django_db]

EXAMPLES_PER_OPERATION = 4
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Data the schema would not generate: anything but a 5xx, and a status the schema lists.
NEGATIVE_CHECKS = [not_a_server_error, status_code_conformance]


def _session_cookie(user: User) -> dict[str, str]:
    client = Client()
    client.force_login(user)
    return {"sessionid": client.cookies["sessionid"].value}


@pytest.mark.parametrize("email", ["manager@attune.example", "agent@attune.example"])
def test_every_operation_answers_within_its_schema(demo_world, wsgi_app, email):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)
    cookies = _session_cookie(User.objects.get(email=email))
    failures = []
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        # The API throttles each caller (documented as 429); a fresh allowance per operation
        # keeps the fuzzing on the operation's own behaviour.
        cache.clear()
        failures.extend(_fuzz(operation, cookies, GenerationMode.POSITIVE, CHECKS))
        failures.extend(_fuzz(operation, cookies, GenerationMode.NEGATIVE, NEGATIVE_CHECKS))
    elapsed = time.monotonic() - started
    print(f"{email}: fuzzed in {elapsed:.1f}s")
    assert failures == [], "\n\n".join(failures)


def _fuzz(operation, cookies, mode, checks) -> list[str]:
    failures = []

    @hypothesis.settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @hypothesis.given(
        case=operation.as_strategy(generation_mode=mode), real_id=st.sampled_from([1, 2, None])
    )
    def run(case, real_id):
        if real_id is not None:
            for name in case.path_parameters or {}:
                case.path_parameters[name] = real_id
        sid = transaction.savepoint()
        try:
            response = case.call(cookies=cookies)
            case.validate_response(response, checks=checks)
        except (Exception, BaseExceptionGroup) as error:  # report every failing operation
            failures.append(f"{mode.value} {operation.label}: {str(error)[:1500]}")
        finally:
            transaction.savepoint_rollback(sid)

    run()
    return failures
