import csv
import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from insights.interaction_import import (
    BOOLEAN_FIELDS,
    COLUMNS,
    FIELDS,
    NOT_UTF8,
    RANGES,
    REQUIRED_FIELDS,
    RejectedRow,
    interaction_import,
)
from insights.models import Interaction
from tests.factories import AgentFactory, InteractionFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
HEADER = (
    "external_id,channel,agent_email,occurred_at,csat,nps,understood,handle_seconds,"
    "escalated,resolved_first_contact,repeat_contact"
)
ZENDESK_HEADER = (
    "Ticket ID,Via,Assignee email,Created at,Satisfaction Score,NPS,Understood,"
    "Handle time (sec),Escalated,One-touch,Reopens"
)
# HEADER and ZENDESK_HEADER are exports from before the resolution columns: they still import.
RESOLUTION_HEADER = f"{HEADER},resolved,resolution_seconds"
ZENDESK_RESOLUTION_HEADER = f"{ZENDESK_HEADER},Solved,Full resolution time (sec)"


def csv_bytes(*lines: str) -> bytes:
    return "".join(f"{line}\r\n" for line in lines).encode()


def row(
    external_id="T1",
    channel="chat",
    agent="ana@example.com",
    occurred_at="2026-09-14T13:02:11Z",
    csat="4",
    nps="9",
    understood="8",
    handle_seconds="300",
    escalated="no",
    resolved_first_contact="yes",
    repeat_contact="0",
) -> str:
    return ",".join(
        [
            external_id,
            channel,
            agent,
            occurred_at,
            csat,
            nps,
            understood,
            handle_seconds,
            escalated,
            resolved_first_contact,
            repeat_contact,
        ]
    )


def run(data: bytes, **kwargs):
    kwargs.setdefault("source", "helpdesk")
    return interaction_import(data=data, **kwargs)


def stored_ids(source="helpdesk") -> list[str]:
    return sorted(Interaction.objects.filter(source=source).values_list("external_id", flat=True))


@pytest.fixture
def ana():
    return AgentFactory(email="ana@example.com")


def rejected_between_good_rows(bad_row: str, header: str = HEADER) -> list[RejectedRow]:
    """Imports good, bad (line 3), good; checks both good rows landed."""
    report = run(csv_bytes(header, row("G1"), bad_row, row("G2")))
    assert stored_ids() == ["G1", "G2"]
    assert (report.rows, report.created, report.rejected_rows) == (3, 2, 1)
    return report.rejected


def test_happy_path_creates_rows_with_every_metric_parsed(ana):
    full = "T1,Call,Ana@Example.com,2026-09-14T13:02:11Z,5,10,9,421,yes,no,true"
    empty = "T2,email,ana@example.com,2026-09-15 08:00:00,,,,,,,"

    report = run(csv_bytes(HEADER, full, empty))

    assert (report.rows, report.created, report.updated, report.rejected) == (2, 2, 0, [])
    full = Interaction.objects.get(external_id="T1")
    assert (full.source, full.channel, full.agent, full.occurred_at) == (
        "helpdesk",
        "call",
        ana,
        datetime.datetime(2026, 9, 14, 13, 2, 11, tzinfo=UTC),
    )
    assert (full.csat, full.nps, full.understood, full.handle_seconds) == (5, 10, 9, 421)
    assert (full.escalated, full.resolved_first_contact, full.repeat_contact) == (
        True,
        False,
        True,
    )
    empty = Interaction.objects.get(external_id="T2")
    assert (empty.channel, empty.csat, empty.nps, empty.understood, empty.handle_seconds) == (
        "email",
        None,
        None,
        None,
        None,
    )
    assert (empty.escalated, empty.resolved_first_contact, empty.repeat_contact) == (None,) * 3


def test_upsert_updates_the_existing_row_and_counts_created_and_updated_exactly(ana):
    run(csv_bytes(HEADER, row("T1", csat="2"), row("T2")))
    bo = AgentFactory(email="bo@example.com")

    report = run(csv_bytes(HEADER, row("T1", csat="5", agent="bo@example.com"), row("T3")))

    assert (report.created, report.updated) == (1, 1)
    assert stored_ids() == ["T1", "T2", "T3"]
    updated = Interaction.objects.get(external_id="T1")
    assert (updated.csat, updated.agent) == (5, bo)


def test_update_leaves_metrics_absent_from_the_file_alone(ana):
    run(csv_bytes(HEADER, row("T1", csat="2", nps="7")))

    header = "external_id,channel,agent_email,occurred_at,csat"
    run(csv_bytes(header, "T1,chat,ana@example.com,2026-09-14T13:02:11Z,5"))

    stored = Interaction.objects.get(external_id="T1")
    assert (stored.csat, stored.nps) == (5, 7)


def test_resolution_columns_are_imported_when_the_file_has_them():
    AgentFactory(email="ana@example.com")
    data = csv_bytes(
        RESOLUTION_HEADER,
        f"{row('T1', escalated='yes')},yes,5400",
        f"{row('T2')},No,",
        f"{row('T3')},,",
    )

    report = run(data)

    assert (report.created, report.rejected) == (3, [])
    stored = Interaction.objects.order_by("external_id")
    assert [(i.external_id, i.resolved, i.resolution_seconds) for i in stored] == [
        ("T1", True, 5400),
        ("T2", False, None),
        ("T3", None, None),
    ]


def test_resolved_that_is_not_yes_or_no_is_reported():
    AgentFactory(email="ana@example.com")

    rejected = rejected_between_good_rows(f"{row('T3')},maybe,60", header=RESOLUTION_HEADER)

    assert rejected == [RejectedRow(3, "resolved", "“maybe” is not a yes/no value")]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("-1", "-1 is negative"),
        ("two hours", "“two hours” is not a whole number"),
        ("1.5", "“1.5” is not a whole number"),
        (str(2**31), f"{2**31} is more than {2**31 - 1}"),
    ],
)
def test_resolution_seconds_that_is_not_a_count_of_seconds_is_reported(value, reason):
    AgentFactory(email="ana@example.com")

    rejected = rejected_between_good_rows(f"{row('T3')},yes,{value}", header=RESOLUTION_HEADER)

    assert rejected == [RejectedRow(3, "resolution_seconds", reason)]


def test_an_update_replaces_the_resolution_columns_the_file_has():
    agent = AgentFactory(email="ana@example.com")
    InteractionFactory(
        source="helpdesk", external_id="T1", agent=agent, resolved=False, resolution_seconds=60
    )

    report = run(csv_bytes(RESOLUTION_HEADER, f"{row('T1')},yes,7200"))

    assert (report.created, report.updated, report.rejected) == (0, 1, [])
    stored = Interaction.objects.get(external_id="T1")
    assert (stored.resolved, stored.resolution_seconds) == (True, 7200)


def test_an_update_without_the_resolution_columns_leaves_them_alone():
    agent = AgentFactory(email="ana@example.com")
    InteractionFactory(
        source="helpdesk",
        external_id="T1",
        agent=agent,
        csat=2,
        resolved=True,
        resolution_seconds=7200,
    )

    report = run(csv_bytes(HEADER, row("T1", csat="5")))

    assert (report.created, report.updated, report.rejected) == (0, 1, [])
    stored = Interaction.objects.get(external_id="T1")
    assert (stored.csat, stored.resolved, stored.resolution_seconds) == (5, True, 7200)


def test_every_metric_is_a_number_with_a_range_a_yes_no_the_notes_or_the_intensity_inputs():
    metrics = set(FIELDS) - set(REQUIRED_FIELDS)

    assert metrics == set(RANGES) | set(BOOLEAN_FIELDS) | {"notes", "intensity", "account", "tags"}
    assert not set(RANGES) & set(BOOLEAN_FIELDS)
    stored = set(COLUMNS) - {"external_id", "channel", "agent_id", "occurred_at"}
    assert stored <= {field.name for field in Interaction._meta.get_fields()}


def test_same_external_id_from_another_source_is_another_row(ana):
    run(csv_bytes(HEADER, row("T1", csat="2")), source="zendesk")

    report = run(csv_bytes(HEADER, row("T1", csat="5")), source="freshdesk")

    assert (report.created, report.updated) == (1, 0)
    assert sorted(Interaction.objects.values_list("source", "csat")) == [
        ("freshdesk", 5),
        ("zendesk", 2),
    ]


def test_bad_number_is_reported(ana):
    assert rejected_between_good_rows(row("T3", nps="nine")) == [
        RejectedRow(3, "nps", "“nine” is not a whole number")
    ]


def test_csat_out_of_range_is_reported(ana):
    assert rejected_between_good_rows(row("T3", csat="6")) == [
        RejectedRow(3, "csat", "6 is more than 5")
    ]


def test_csat_of_zero_is_out_of_range(ana):
    assert rejected_between_good_rows(row("T3", csat="0")) == [
        RejectedRow(3, "csat", "0 is less than 1")
    ]


def test_nps_out_of_range_is_reported(ana):
    assert rejected_between_good_rows(row("T3", nps="11")) == [
        RejectedRow(3, "nps", "11 is more than 10")
    ]


def test_understood_out_of_range_is_reported(ana):
    assert rejected_between_good_rows(row("T3", understood="0")) == [
        RejectedRow(3, "understood", "0 is less than 1")
    ]


def test_negative_handle_time_is_reported(ana):
    assert rejected_between_good_rows(row("T3", handle_seconds="-5")) == [
        RejectedRow(3, "handle_seconds", "-5 is negative")
    ]


def test_unparseable_date_is_reported(ana):
    assert rejected_between_good_rows(row("T3", occurred_at="14/09/2026")) == [
        RejectedRow(3, "occurred_at", "“14/09/2026” is not a date and time")
    ]


def test_unknown_channel_is_reported(ana):
    assert rejected_between_good_rows(row("T3", channel="fax")) == [
        RejectedRow(3, "channel", "unknown channel “fax”")
    ]


def test_duplicate_external_id_in_the_file_names_the_first_line(ana):
    assert rejected_between_good_rows(row("G1", csat="1")) == [
        RejectedRow(3, "external_id", "“G1” already appears on line 2")
    ]
    assert Interaction.objects.get(external_id="G1").csat == 4  # the first one wins


def test_bad_boolean_is_reported(ana):
    assert rejected_between_good_rows(row("T3", escalated="maybe")) == [
        RejectedRow(3, "escalated", "“maybe” is not a yes/no value")
    ]


def test_missing_required_value_is_reported(ana):
    assert rejected_between_good_rows(row("T3", agent="")) == [
        RejectedRow(3, "agent_email", "a value is required")
    ]


def test_every_problem_of_a_row_is_reported(ana):
    assert rejected_between_good_rows(row("T3", channel="fax", csat="9")) == [
        RejectedRow(3, "channel", "unknown channel “fax”"),
        RejectedRow(3, "csat", "9 is more than 5"),
    ]


def test_unknown_agent_is_rejected_and_listed_once(ana):
    report = run(
        csv_bytes(
            HEADER,
            row("G1"),
            row("T3", agent="Ghost@example.com"),
            row("T4", agent="ghost@example.com"),
        )
    )

    assert report.rejected == [
        RejectedRow(3, "agent_email", "unknown agent ghost@example.com"),
        RejectedRow(4, "agent_email", "unknown agent ghost@example.com"),
    ]
    assert report.unknown_agents == ["ghost@example.com"]
    assert stored_ids() == ["G1"]


def test_file_not_utf8_is_rejected_with_the_line_and_nothing_is_imported(ana, monkeypatch):
    monkeypatch.setattr("insights.interaction_import.BATCH", 1)  # line 2 alone is a batch
    data = csv_bytes(HEADER, row("G1"), row("G2")) + row("Caf\xe9").encode("latin-1") + b"\r\n"

    report = run(data)

    assert report.rejected == [RejectedRow(4, "", NOT_UTF8)]
    assert (report.rows, report.created, stored_ids()) == (0, 0, [])


def test_byte_order_mark_is_allowed(ana):
    report = run(b"\xef\xbb\xbf" + csv_bytes(HEADER, row("T1")))

    assert (report.created, report.rejected) == (1, [])


def test_missing_header_rejects_the_file(ana):
    header = HEADER.replace("agent_email,", "")
    report = run(csv_bytes(header, row("T1").replace("ana@example.com,", "")))

    assert report.rejected == [RejectedRow(1, "agent_email", "the column “agent_email” is missing")]
    assert (report.rows, stored_ids()) == (0, [])


def test_a_file_broken_half_way_keeps_the_rows_before_it(ana):
    limit = csv.field_size_limit(200)
    try:
        report = run(csv_bytes(HEADER, row("G1"), 'T2,"' + "x" * 300, row("T3")))
    finally:
        csv.field_size_limit(limit)

    assert [(error.line, error.column) for error in report.rejected] == [(3, "")]
    assert "the rest of the file was not read" in report.rejected[0].reason
    assert stored_ids() == ["G1"]


def test_zendesk_mapping_reads_a_zendesk_style_export(ana):
    data = csv_bytes(
        ZENDESK_HEADER,
        "1001,Web Widget,ana@example.com,2026-09-14 13:02:11,5,9,8,300,No,Yes,0",
        "1002,Phone call (inbound),ana@example.com,2026-09-14 13:02:11 +0200,3,,,,Yes,No,2",
        "1003,Web form,ana@example.com,2026-09-14T13:02:11Z,,,,,,,",
        "1004,Twitter,ana@example.com,2026-09-14T13:02:11Z,,,,,,,",
        "1005,Email,ana@example.com,2026-09-14T13:02:11Z,,,,,,,-1",
    )

    report = run(data, source="zendesk", mapping="zendesk")

    assert report.rejected == [
        RejectedRow(5, "Via", "unknown channel “Twitter”"),
        RejectedRow(6, "Reopens", "-1 is negative"),
    ]
    rows = Interaction.objects.filter(source="zendesk").order_by("external_id")
    assert [
        (i.external_id, i.channel, i.occurred_at.hour, i.csat, i.escalated, i.repeat_contact)
        for i in rows
    ] == [
        ("1001", "chat", 13, 5, False, False),
        ("1002", "call", 11, 3, True, True),
        ("1003", "email", 13, None, None, None),
    ]


def test_zendesk_mapping_reads_solved_and_full_resolution_time():
    AgentFactory(email="ana@example.com")
    data = csv_bytes(
        ZENDESK_RESOLUTION_HEADER,
        "1001,Email,ana@example.com,2026-09-14 13:02:11,,,,,Yes,No,1,Yes,14400",
        "1002,Email,ana@example.com,2026-09-14 13:02:11,,,,,No,No,0,No,",
        "1003,Email,ana@example.com,2026-09-14 13:02:11,,,,,,,,,",
        "1004,Email,ana@example.com,2026-09-14 13:02:11,,,,,,,,Maybe,-5",
    )

    report = run(data, source="zendesk", mapping="zendesk")

    assert report.rejected == [
        RejectedRow(5, "Solved", "“Maybe” is not a yes/no value"),
        RejectedRow(5, "Full resolution time (sec)", "-5 is negative"),
    ]
    rows = Interaction.objects.filter(source="zendesk").order_by("external_id")
    assert [(i.external_id, i.escalated, i.resolved, i.resolution_seconds) for i in rows] == [
        ("1001", True, True, 14400),
        ("1002", False, False, None),
        ("1003", None, None, None),
    ]


def test_dry_run_writes_nothing_but_counts(ana):
    run(csv_bytes(HEADER, row("T1", csat="2")))

    report = run(
        csv_bytes(HEADER, row("T1", csat="5"), row("T2"), row("T3", csat="9")), dry_run=True
    )

    assert (report.dry_run, report.rows, report.created, report.updated) == (True, 3, 1, 1)
    assert report.rejected == [RejectedRow(4, "csat", "9 is more than 5")]
    assert stored_ids() == ["T1"]
    assert Interaction.objects.get(external_id="T1").csat == 2


def test_naive_dates_are_utc_and_offsets_are_kept(ana):
    run(
        csv_bytes(
            HEADER,
            row("NAIVE", occurred_at="2026-09-14T13:02:11"),
            row("OFFSET", occurred_at="2026-09-14T13:02:11+02:00"),
        )
    )

    moments = dict(Interaction.objects.values_list("external_id", "occurred_at"))
    assert moments == {
        "NAIVE": datetime.datetime(2026, 9, 14, 13, 2, 11, tzinfo=UTC),
        "OFFSET": datetime.datetime(2026, 9, 14, 11, 2, 11, tzinfo=UTC),
    }


def test_rows_are_written_in_batches_with_progress_after_each(ana, monkeypatch):
    monkeypatch.setattr("insights.interaction_import.BATCH", 2)
    calls = []

    report = run(csv_bytes(HEADER, *(row(f"T{n}") for n in range(5))), progress=calls.append)

    assert (report.created, stored_ids()) == (5, ["T0", "T1", "T2", "T3", "T4"])
    assert calls == [2, 4, 5]


@pytest.mark.parametrize("rows", [20, 200])
def test_queries_per_batch_do_not_grow_with_rows(
    ana, monkeypatch, rows, django_assert_max_num_queries
):
    monkeypatch.setattr("insights.interaction_import.BATCH", 10_000)
    # The row-by-row path, on either database; test_interaction_import_sql counts the other.
    monkeypatch.setattr("insights.interaction_import.SET_BASED_VENDORS", set())
    AgentFactory(email="bo@example.com")
    agents = ["ana@example.com", "bo@example.com", "ghost@example.com"]
    data = csv_bytes(HEADER, *(row(f"T{n}", agent=agents[n % 3]) for n in range(rows)))

    # One query for the agents' ids and one for the addresses not among them (unknown, or
    # not an agent the importer may write for), then a transaction (SAVEPOINT ... RELEASE) holding,
    # on PostgreSQL: CREATE TEMP TABLE, COPY, INSERT ... ON CONFLICT, DROP TABLE; on SQLite:
    # the existing keys and the INSERTs (Django splits them into statements of 76 rows: 1
    # for 20 rows, 2 for 200 rows less the third with an unknown agent), then the UPDATEs of
    # their intensity and of their accounts' later contacts (insights/intensity.py). Around
    # the write, the weekly rollup: before it, the (agent, week) pairs of the stored rows it
    # updates into a temporary table and their range of weeks (none here: no delete, no
    # insert), the drop; after it, the pairs of the written rows, their range, the delete
    # and insert of their rows, the drop. Last, the task intent for the work the new rows
    # set off (wellbeing's advisories).
    with django_assert_max_num_queries(19):
        report = run(data)

    assert report.created == rows - rows // 3  # every third row has an unknown agent


def test_command_prints_rejected_rows_and_the_summary(ana, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(csv_bytes(HEADER, row("T1"), row("T2", csat="7"), row("T3")))
    out, err = StringIO(), StringIO()

    call_command("import_interactions", str(path), "--source", "helpdesk", stdout=out, stderr=err)

    assert out.getvalue().splitlines() == [
        "line 3, column csat: 7 is more than 5",
        "Imported 2 rows (2 created, 0 updated), rejected 1.",
    ]
    assert "3 rows processed" in err.getvalue()


def test_command_shows_fifty_rejected_rows_then_how_many_more(ana, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(csv_bytes(HEADER, *(row(f"T{n}", csat="0") for n in range(53))))
    out = StringIO()

    call_command(
        "import_interactions", str(path), "--source=s", "--dry-run", stdout=out, stderr=StringIO()
    )

    lines = out.getvalue().splitlines()
    assert len(lines) == 52
    assert lines[-2:] == [
        "... and 3 more",
        "Dry run: would import 0 rows (0 created, 0 updated), rejected 53. Nothing was written.",
    ]


def test_command_fails_on_a_missing_file_an_unknown_mapping_or_a_rejected_file(ana, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(csv_bytes("external_id,channel", "T1,chat"))

    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_interactions", str(tmp_path / "nope.csv"), "--source=s")
    with pytest.raises(CommandError, match="Unknown mapping “freshdesk”"):
        call_command("import_interactions", str(path), "--source=s", "--mapping=freshdesk")
    with pytest.raises(CommandError, match="column “agent_email” is missing"):
        call_command("import_interactions", str(path), "--source=s", stderr=StringIO())


def test_utf8_check_reads_in_chunks_and_still_finds_the_line(ana, monkeypatch):
    # Chunks of 7 bytes split "ë" and "€" across reads: valid text must not be flagged.
    monkeypatch.setattr("insights.interaction_import.CHECK_CHUNK", 7)
    good = csv_bytes(HEADER, row("Zoë"), row("€1"))

    assert run(good).rejected == []
    assert run(good + b"T9,\x80\r\n").rejected == [RejectedRow(4, "", NOT_UTF8)]


# --- Transcript or notes -------------------------------------------------------------------


def test_a_transcript_with_line_breaks_and_tabs_is_kept(ana):
    text = '"Customer: my card was charged twice.\nAgent:\tI see both charges."'
    report = run(csv_bytes(f"{HEADER},notes", f"{row('N1')},{text}"))

    assert report.rejected == []
    assert Interaction.objects.get(external_id="N1").notes == (
        "Customer: my card was charged twice.\nAgent:\tI see both charges."
    )


def test_zendesk_reads_the_description_as_notes(ana):
    line = "Z1,Chat,ana@example.com,2026-09-14 13:02:11 +0200,4,9,8,300,no,yes,0,Refund asked"

    run(csv_bytes(f"{ZENDESK_HEADER},Description", line), mapping="zendesk")

    assert Interaction.objects.get(external_id="Z1").notes == "Refund asked"


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("x" * 20_001, "longer than 20,000 characters"),
        ("bell\x07", "contains a control character (U+0007)"),
    ],
)
def test_bad_notes_are_reported_with_line_and_column(ana, cell, reason):
    header = f"{HEADER},notes"
    report = run(csv_bytes(header, f"{row('G1')},", f"{row('B1')},{cell}", f"{row('G2')},"))

    assert [(r.line, r.column) for r in report.rejected] == [(3, "notes")]
    assert reason in report.rejected[0].reason
    assert stored_ids() == ["G1", "G2"]
