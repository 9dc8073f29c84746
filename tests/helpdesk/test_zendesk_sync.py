"""The Zendesk connector against a local server that speaks the export's format."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Notification, ReminderKind, ReminderSwitch
from helpdesk import services, zendesk
from helpdesk.models import HelpdeskSource
from insights import interaction_import
from insights.models import Interaction
from tests.helpdesk.conftest import ticket

pytestmark = pytest.mark.django_db(transaction=True)


def _sync(source):
    return services.source_sync(source_id=source.pk)


def test_a_full_sync_imports_every_page_and_stores_the_cursor(source, zendesk_server):
    result = _sync(source)

    assert (result.pages, result.created, result.end_of_stream) == (3, 5, True)
    assert Interaction.objects.filter(source="zendesk-acme").count() == 5
    source.refresh_from_db()
    assert source.cursor
    assert source.last_success_at
    assert source.synced_through
    assert source.rows_created == 5
    assert source.consecutive_failures == 0
    assert "start_time=" in zendesk_server.requests[0]
    assert "cursor=" in zendesk_server.requests[1]
    assert "include=users%2Cmetric_sets%2Corganizations" in zendesk_server.requests[0]


def test_tickets_map_onto_interactions(source, zendesk_server, agents):
    zendesk_server.tickets = [
        ticket(1, assignee=2, tags=["escalated", "vip"], via={"channel": "voice"},
               satisfaction_rating={"score": "bad"}),
        ticket(2, status="open", satisfaction_rating={"score": "offered"}),
    ]  # fmt: skip
    zendesk_server.metric_sets = [
        {"ticket_id": 1, "reopens": 2, "replies": 1, "group_stations": 1,
         "full_resolution_time_in_minutes": {"calendar": 90}},
    ]  # fmt: skip
    _sync(source)

    bad = Interaction.objects.get(source="zendesk-acme", external_id="1")
    assert bad.agent == agents[1]
    assert (bad.channel, bad.csat, bad.escalated) == ("call", 1, True)
    assert (bad.resolved, bad.resolved_first_contact, bad.repeat_contact) == (True, True, True)
    assert bad.resolution_seconds == 90 * 60
    assert bad.tags == ",escalated,vip,"  # stored normalised
    pending = Interaction.objects.get(source="zendesk-acme", external_id="2")
    assert (pending.csat, pending.resolved, pending.resolved_first_contact) == (None, False, None)


def test_a_rerun_adds_nothing_twice_and_picks_up_new_tickets(source, zendesk_server):
    _sync(source)
    again = _sync(source)
    assert (again.created, again.updated) == (0, 0)

    zendesk_server.tickets.append(ticket(999, minutes=60))
    newer = _sync(source)

    assert (newer.created, newer.updated) == (1, 0)
    assert Interaction.objects.filter(source="zendesk-acme").count() == 6


def test_unassigned_and_deleted_tickets_are_left_out(source, zendesk_server):
    zendesk_server.tickets = [ticket(1, assignee=None), ticket(2, status="deleted"), ticket(3)]
    result = _sync(source)
    assert (result.created, result.skipped) == (1, 2)


def test_rows_the_import_rejects_are_reported_by_ticket(source, zendesk_server):
    zendesk_server.users.append({"id": 7, "email": "stranger@example.com"})
    zendesk_server.tickets = [ticket(1), ticket(2, assignee=7)]
    _sync(source)

    source.refresh_from_db()
    assert source.rows_created == 1
    assert source.rows_rejected == 1
    assert source.last_report["rejected"] == [
        {"ticket": 2, "column": "agent_email", "reason": "unknown agent stranger@example.com"}
    ]


def test_the_import_is_scoped_to_the_owner(source, zendesk_server, db):
    from tests.factories import AgentFactory

    AgentFactory(email="elsewhere@example.com")  # another manager's agent
    zendesk_server.users.append({"id": 8, "email": "elsewhere@example.com"})
    zendesk_server.tickets = [ticket(1, assignee=8)]
    _sync(source)

    source.refresh_from_db()
    assert not Interaction.objects.exists()
    assert (
        "not an agent whose interactions you may import"
        in (source.last_report["rejected"][0]["reason"])
    )


def test_a_429_is_honoured_with_its_retry_after(source, zendesk_server, no_waiting):
    zendesk_server.faults = [(429, {"Retry-After": "7"})]
    result = _sync(source)
    assert result.created == 5
    assert not result.error
    assert no_waiting[0] == 7


def test_a_long_retry_after_ends_the_run_until_then(source, zendesk_server, settings):
    zendesk_server.faults = [
        (429, {"Retry-After": str(settings.ATTUNE_HELPDESK_RETRY_AFTER_MAX + 100)})
    ]
    result = _sync(source)

    source.refresh_from_db()
    assert result.created == 0
    assert "429" in source.last_error
    assert source.retry_not_before is not None
    assert not services.sources_due(now=source.last_sync_at).filter(pk=source.pk).exists()


def test_a_500_is_retried_with_backoff(source, zendesk_server, no_waiting):
    zendesk_server.faults = [(500, {}), (503, {})]
    result = _sync(source)
    assert result.created == 5
    assert not result.error
    assert no_waiting == [2.0, 4.0]


def test_5xx_retries_are_bounded_and_the_cursor_stays(source, zendesk_server, settings):
    zendesk_server.faults = [(500, {})] * settings.ATTUNE_HELPDESK_HTTP_ATTEMPTS
    result = _sync(source)

    source.refresh_from_db()
    assert result.created == 0
    assert source.cursor == ""
    assert "did not answer after" in source.last_error
    assert (source.consecutive_failures, source.failures_total) == (1, 1)
    assert _sync(source).created == 5  # the next run starts where this one could not


def test_an_expired_token_stops_the_source_and_tells_its_manager_once(source, zendesk_server):
    zendesk_server.token = "rotated-in-zendesk"
    _sync(source)
    _sync(source)

    source.refresh_from_db()
    assert source.auth_failed_at is not None
    assert "refused the API token" in source.last_error
    assert not services.sources_due(now=source.last_sync_at).filter(pk=source.pk).exists()
    note = Notification.objects.get(user=source.owner)
    assert "stopped syncing" in note.title
    assert note.url == f"/helpdesk/{source.pk}/"


def test_the_operators_switch_silences_the_stop_notice(source, zendesk_server):
    ReminderSwitch.objects.create(kind=ReminderKind.HELPDESK_SYNC_STOPPED, enqueue_enabled=False)
    zendesk_server.token = "expired"
    _sync(source)
    source.refresh_from_db()
    assert source.auth_failed_at is not None
    assert not Notification.objects.exists()


def test_saving_the_source_restarts_a_stopped_sync(source, zendesk_server):
    zendesk_server.token = "rotated"
    _sync(source)
    zendesk_server.token = "good-token"
    services.source_update(source=HelpdeskSource.objects.get(pk=source.pk), name="Acme")

    assert _sync(source).created == 5


def test_a_missing_token_variable_stops_with_a_message(source, monkeypatch):
    monkeypatch.delenv("ATTUNE_HELPDESK_TOKEN_TEST")
    _sync(source)
    source.refresh_from_db()
    assert "ATTUNE_HELPDESK_TOKEN_TEST is not set" in source.last_error


def test_a_sync_killed_mid_page_loses_nothing_and_writes_nothing_twice(
    source, zendesk_server, monkeypatch
):
    """Page 2 crashes after its first row is written: page 2 rolls back with its cursor,
    the rerun asks for page 2 again, and every ticket is stored exactly once."""
    zendesk_server.page_size = 3
    # Row by row (PostgreSQL's set-based path writes a page in one statement), one row a write.
    monkeypatch.setattr(interaction_import, "SET_BASED_VENDORS", set())
    monkeypatch.setattr(interaction_import, "BATCH", 1)
    on_postgresql = interaction_import.connection.vendor == "postgresql"
    upsert = "_copy_upsert" if on_postgresql else "_bulk_upsert"
    real = getattr(interaction_import, upsert)
    writes = []

    def crash_on_the_fifth_row(source_name, rows, update):
        writes.append(rows[0].values[0])
        if len(writes) == 5:  # page 1 is rows 1-3; this is page 2's second row
            raise RuntimeError("worker killed")
        return real(source_name, rows, update)

    monkeypatch.setattr(interaction_import, upsert, crash_on_the_fifth_row)
    with pytest.raises(RuntimeError):
        _sync(source)

    source.refresh_from_db()
    stored = set(Interaction.objects.values_list("external_id", flat=True))
    assert stored == {"100", "101", "102"}  # page 1 only: page 2's first row rolled back
    assert "internal error" in source.last_error
    assert source.sync_lease_until is None

    monkeypatch.setattr(interaction_import, upsert, real)
    rerun = _sync(source)

    assert (rerun.created, rerun.updated) == (2, 0)
    assert sorted(Interaction.objects.values_list("external_id", flat=True)) == [
        "100", "101", "102", "103", "104"
    ]  # fmt: skip


def test_a_second_run_while_one_holds_the_lease_does_nothing(source):
    HelpdeskSource.objects.filter(pk=source.pk).update(sync_lease_until="2999-01-01T00:00:00Z")
    assert _sync(source).ran is False


def test_a_crash_after_a_page_is_written_but_before_its_cursor_leaves_neither(
    source, zendesk_server, monkeypatch
):
    """Whatever the import path: the rows and the cursor commit together or not at all."""
    real = zendesk.page_synced_through
    calls = []

    def crash_on_page_two(page, asked_at):
        calls.append(page)
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real(page, asked_at)

    monkeypatch.setattr(zendesk, "page_synced_through", crash_on_page_two)
    with pytest.raises(RuntimeError):
        _sync(source)
    assert Interaction.objects.count() == 2
    monkeypatch.setattr(zendesk, "page_synced_through", real)

    assert (_sync(source).created, Interaction.objects.count()) == (3, 5)


def test_a_disabled_source_is_not_synced(source):
    HelpdeskSource.objects.filter(pk=source.pk).update(enabled=False)
    assert _sync(source).ran is False
    source.refresh_from_db()
    with pytest.raises(ValidationError):
        services.source_sync_request(source=source)
