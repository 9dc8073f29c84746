"""The webhook: signed rows in, the CSV import's checks and upsert, refusals with reasons."""

import json
import time

import pytest
import time_machine
from rest_framework.test import APIClient

from helpdesk import services
from helpdesk.models import HelpdeskSource
from insights.models import Interaction

ROW = {
    "external_id": "T-1",
    "channel": "chat",
    "agent_email": "agent1@example.com",
    "occurred_at": "2026-11-02T09:00:00Z",
    "csat": 4,
    "escalated": False,
}


@pytest.fixture
def hook(manager, agents):
    source, secret = services.source_create(
        owner=manager, name="Freshdesk", slug="freshdesk", kind="webhook"
    )
    source.secret = secret
    return source


def post(source, rows, *, secret=None, timestamp=None, signature=None):
    body = json.dumps(rows).encode()
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    if signature is None:
        signature = services.webhook_signature(
            secret=secret or source.secret, timestamp=timestamp, body=body
        )
    return APIClient().post(
        f"/api/helpdesk/webhook/{source.slug}/",
        body,
        content_type="application/json",
        headers={"X-Attune-Timestamp": timestamp, "X-Attune-Signature": signature},
    )


def test_a_signed_delivery_is_imported(hook):
    response = post(hook, [ROW, {**ROW, "external_id": "T-2"}])

    assert response.status_code == 200, response.json()
    assert response.json() == {"rows": 2, "created": 2, "updated": 0}
    stored = Interaction.objects.get(source="freshdesk", external_id="T-1")
    assert (stored.channel, stored.csat, stored.escalated) == ("chat", 4, False)
    hook.refresh_from_db()
    assert hook.rows_created == 2
    assert hook.last_success_at is not None


def test_the_documented_example_signature():
    """The worked example in docs/helpdesk.md."""
    body = (
        b'[{"external_id":"T-1","channel":"chat","agent_email":"agent@attune.example",'
        b'"occurred_at":"2026-11-02T09:00:00Z","csat":4}]'
    )
    signature = services.webhook_signature(
        secret="whsec_example", timestamp="1793610000", body=body
    )
    assert signature == ("sha256=26be758d682d002ff6da3272c177de81fce98ecd083ba509bbed6431ea9827cf")


def test_a_bad_signature_is_refused(hook):
    response = post(hook, [ROW], secret="whsec_not-the-one")
    assert response.status_code == 401
    assert "signature does not match" in response.json()["detail"]
    assert not Interaction.objects.exists()


def test_missing_headers_are_refused(hook):
    response = APIClient().post(f"/api/helpdesk/webhook/{hook.slug}/", [ROW], format="json")
    assert response.status_code == 401


def test_a_stale_timestamp_is_refused(hook):
    response = post(hook, [ROW], timestamp=int(time.time()) - 301)
    assert response.status_code == 401
    assert "older than 300 s" in response.json()["detail"]


def test_a_timestamp_from_the_future_is_refused(hook):
    response = post(hook, [ROW], timestamp=int(time.time()) + 120)
    assert response.status_code == 401
    assert "in the future" in response.json()["detail"]


def test_a_replay_is_refused(hook):
    timestamp = int(time.time())
    assert post(hook, [ROW], timestamp=timestamp).status_code == 200
    replay = post(hook, [ROW], timestamp=timestamp)
    assert replay.status_code == 409
    assert "already received" in replay.json()["detail"]


def test_the_same_rows_signed_again_update_not_duplicate(hook):
    with time_machine.travel(time.time(), tick=False) as traveller:
        post(hook, [ROW])
        traveller.shift(2)
        again = post(hook, [{**ROW, "csat": 5}])
    assert again.json() == {"rows": 1, "created": 0, "updated": 1}
    assert Interaction.objects.get().csat == 5


def test_a_bad_row_rejects_the_delivery_with_the_report(hook):
    response = post(hook, [ROW, {**ROW, "external_id": "T-2", "csat": 9, "channel": "fax"}])

    assert response.status_code == 400
    body = response.json()
    assert body["rejected_total"] == 2
    assert {"row": 1, "column": "csat", "reason": "9 is more than 5"} in body["rejected"]
    assert not Interaction.objects.exists()  # all or nothing
    hook.refresh_from_db()
    assert "A delivery was refused" in hook.last_error
    assert post(hook, [ROW]).status_code == 200  # the fixed delivery is not a "replay"


def test_an_agent_outside_the_owners_scope_is_rejected(hook):
    from tests.factories import AgentFactory

    AgentFactory(email="elsewhere@example.com")
    response = post(hook, [{**ROW, "agent_email": "elsewhere@example.com"}])
    assert response.status_code == 400
    assert "may import" in response.json()["rejected"][0]["reason"]


@pytest.mark.parametrize(
    "body",
    [b"not json", b"{}", b"[]", b"[1, 2]", b'[{"nope": 1}]', b'[{"external_id": ["x"]}]'],
)
def test_malformed_bodies_answer_400(hook, body):
    timestamp = str(int(time.time()))
    signature = services.webhook_signature(secret=hook.secret, timestamp=timestamp, body=body)
    response = APIClient().post(
        f"/api/helpdesk/webhook/{hook.slug}/",
        body,
        content_type="application/json",
        headers={"X-Attune-Timestamp": timestamp, "X-Attune-Signature": signature},
    )
    assert response.status_code == 400


def test_an_unknown_or_disabled_source_is_not_found(hook):
    assert APIClient().post("/api/helpdesk/webhook/nope/", [ROW], format="json").status_code == 404
    HelpdeskSource.objects.filter(pk=hook.pk).update(enabled=False)
    assert post(hook, [ROW]).status_code == 404


def test_rotating_the_encryption_key_keeps_the_webhook_secret(hook, settings):
    from io import StringIO

    from cryptography.fernet import Fernet
    from django.core.management import call_command

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.ATTUNE_JOURNAL_KEYS = [old]
    hook.webhook_secret = hook.secret
    hook.save(update_fields=["webhook_secret"])  # written under the old key
    settings.ATTUNE_JOURNAL_KEYS = [new, old]
    out = StringIO()

    call_command("rotate_journal_key", stdout=out)

    assert "helpdesk.HelpdeskSource: re-encrypted 1 rows with the first key." in out.getvalue()
    settings.ATTUNE_JOURNAL_KEYS = [new]  # the old key is gone
    assert HelpdeskSource.objects.get(pk=hook.pk).webhook_secret == hook.secret
    assert post(hook, [ROW]).status_code == 200
