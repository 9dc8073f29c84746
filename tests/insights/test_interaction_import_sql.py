"""The PostgreSQL path of the interaction import (set-based checks on a staged COPY) gives
the report and the rows the portable row-by-row path gives, on the same file."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from insights.interaction_import import FIELDS, interaction_import
from insights.models import Interaction
from tests.factories import AgentFactory, InteractionFactory, UserFactory

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db]

HEADER = ",".join(FIELDS[: FIELDS.index("notes") + 1])  # the intensity columns: test_intensity
GOOD = "chat,ana@example.com,2026-09-14T13:02:11Z,4,9,8,300,no,yes,no,yes,600,"


def good(external_id: str) -> str:
    return f"{external_id},{GOOD}"


# Every rule, and the text SQL must leave to the Python converters (spaces, case, other
# digits, dates PostgreSQL reads differently), with a transcript spanning lines.
ROWS = [
    good("G1"),
    good("UPD"),  # stored already: updated
    "D1,email,ANA@example.com,2026-09-14,007,0,10,0,Yes,TRUE,1,False,0,",
    "D2,call, ana@example.com ,2026-09-14 13:02,,,,,,,,,,",
    "D3,other,ana@example.com,2026-09-14T13:02:11.5Z,1,10,1,2147483647,0,1,no,yes,,",
    "D4,Chat,ana@example.com,2026-09-14T13:02:11+0200,5,5,5,5,no,no,no,no,5,",
    "D5, chat ,ana@example.com,2026-09-14 13:02:11 +0200,,,,,,,,,,",
    "D6,chat,ana@example.com,2024-02-29T10:00:00,,,,,,,,,,",
    "D7,chat,ana@example.com,2026-09-14T13:02:11+15:00,,,,,,,,,,",
    "D8,chat,ana@example.com,2026-09-14T13:02:11.1234567,,,,,,,,,,",
    # The usual shapes SQL checks without a regex, at the edges of each piece.
    "M1,chat,ana@example.com,2026-09-14 13:02:11+05:45,,,,,,,,,,",
    "M2,chat,ana@example.com,1000-01-01T00:00:00-14:45,,,,,,,,,,",
    "M3,chat,ana@example.com,2099-12-31 23:59:59Z,,,,,,,,,,",
    "M4,chat,ana@example.com,2024-02-29 10:00:00,,,,,,,,,,",
    "M5,chat,ana@example.com,0999-09-14T13:02:11Z,,,,,,,,,,",
    "M6,chat,ana@example.com,2026-09-14T13:02:11+05:20,,,,,,,,,,",
    "M7,chat,ana@example.com,2026-09-14T13:02:11 +0520,,,,,,,,,,",
    "X1,chat,ana@example.com,2026-02-30 10:00:00Z,,,,,,,,,,",
    "X2,chat,ana@example.com,2026-09-14T24:00:00Z,,,,,,,,,,",
    "X3,chat,ana@example.com,2026-09-14T13:60:11Z,,,,,,,,,,",
    "X4,chat,ana@example.com,2026-09-14T13:02:61Z,,,,,,,,,,",
    "X5,chat,ana@example.com,2026-13-14T13:02:11Z,,,,,,,,,,",
    "X6,chat,ana@example.com,2026-09-00T13:02:11Z,,,,,,,,,,",
    "X7,chat,ana@example.com,2026-09-14T13:02:11+15:00,,,,,,,,,,",
    "X8,chat,ana@example.com,2026-09-14T13:02:1x,,,,,,,,,,",
    "X9,chat,ana@example.com,2026-09-14T13:02:11Z ,,,,,,,,,,",
    "B1,sms,ana@example.com,2026-02-29T10:00:00,6,11,0,-1,maybe,2,x,y,-5,",
    "B2,chat,ghost@example.com,2026-09-14T25:00:00,+3, 4,4.0,\uff11,,,,,99999999999,",  # a wide 1
    "B3,chat,hr@example.com,yesterday,0,,,2147483648,,,,,,",
    "G1,chat,GHOST@example.com,,,,,,,,,,,",  # duplicate, unknown agent, no date
    ",chat,,2026-09-14,,,,,,,,,,",
    " SP ,chat,ana@example.com,2026-09-14,,,,,,,,,,",
    f"{'x' * 101},chat,ana@example.com,2026-09-14,,,,,,,,,,",
    "bell\x07,chat,ana@example.com,2026-09-14,,,,,,,,,,",
    "éclair,chat,ana@example.com,2026-09-14,,,,,,,,,,",
    "N1,chat,ana@example.com,2026-09-14,,,,,,,,,,Refund asked for; calm close",
    "N2,chat,ana@example.com,2026-09-14,,,,,,,,,,trailing space ",
    "N3,chat,ana@example.com,2026-09-14,,,,,,,,,,ring\x07",
    ",,,,,,,,,,,,,",  # a row of empty cells is no row
    "S1,chat,ana@example.com",  # short: the missing cells are empty
    "L1,chat,ana@example.com,2026-09-14,,,,,,,,,,,extra,cells",
    "OTHER,chat,ana@example.com,2026-09-14,,,,,,,,,,",  # stored for bo: outside a scope
    "ann,chat,ann@example.com,2026-09-14,,,,,,,,,,",  # a second agent, outside a scope
]
QUOTED = (
    '"Q1","chat","ana@example.com","2026-09-14",,,,,,,,,,"Customer: hi\nAgent:\tHello, ""you"""'
)


def plain(*rows: str, end: str = "\n") -> bytes:
    return "".join(f"{line}{end}" for line in [HEADER, *rows]).encode()


# Every row with a cell per header: PostgreSQL's own CSV reader may read it.
SQUARE = [line for line in ROWS if line.count(",") == HEADER.count(",")]
FILES = {
    "plain": plain(*SQUARE),
    "plain, CRLF": plain(*SQUARE, end="\r\n"),
    "plain, CR": plain(*SQUARE, end="\r"),
    "plain, mixed line ends": plain(*SQUARE[:5])
    + plain(*SQUARE[5:], end="\r\n")[len(HEADER) + 2 :],
    "plain, rows short and long": plain(*ROWS),
    "plain with a blank line": plain(*SQUARE[:5], "", *SQUARE[5:]),
    "quoted": plain(*ROWS[:10], QUOTED, *ROWS[10:]),
    "backslash-dot": plain(*SQUARE[:3], "\\.", *SQUARE[3:]),
    "byte order mark": b"\xef\xbb\xbf" + plain(*SQUARE),
    "no trailing line end": plain(*SQUARE)[:-1],
}


def stored(source: str) -> list[dict]:
    rows = Interaction.objects.filter(source=source).order_by("external_id")
    return list(rows.values(*[name for name in FIELDS if name != "agent_email"], "agent_id"))


def import_both_ways(monkeypatch, data: bytes, **kwargs):
    """(report, rows) of the portable path into source "py" and of the SQL path into "sql"."""
    with monkeypatch.context() as portable:
        portable.setattr("insights.interaction_import.SET_BASED_VENDORS", set())
        by_python = interaction_import(data=data, source="py", **kwargs).as_dict()
    by_sql = interaction_import(data=data, source="sql", **kwargs).as_dict()
    return (by_python, stored("py")), (by_sql, stored("sql"))


@pytest.fixture
def people():
    ana = AgentFactory(email="ana@example.com")
    ann = AgentFactory(email="ann@example.com")
    bo = AgentFactory(email="bo@example.com")
    UserFactory(email="hr@example.com", role=User.Role.HR)
    for source in ("py", "sql"):
        InteractionFactory(source=source, external_id="UPD", agent=ana, csat=1)
        InteractionFactory(source=source, external_id="OTHER", agent=bo, csat=2)
    return ana, ann


@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize("scoped", [False, True])
def test_both_paths_give_the_same_report_and_rows(people, monkeypatch, name, scoped):
    ana, _ann = people
    agents = User.objects.filter(pk=ana.pk) if scoped else None

    (python_report, python_rows), (sql_report, sql_rows) = import_both_ways(
        monkeypatch, FILES[name], agents=agents
    )

    assert python_report.pop("source") == "py"
    assert sql_report.pop("source") == "sql"
    assert sql_report == python_report
    assert sql_rows == python_rows
    assert python_report["rejected_rows"] >= 8  # the file does test the rules


def test_both_paths_agree_on_a_dry_run_and_the_zendesk_mapping(people, monkeypatch):
    data = (
        b"Ticket ID,Via,Assignee email,Created at,Satisfaction Score,Reopens,Solved\n"
        b"Z1,Web Form,ana@example.com,2026-09-14 13:02:11 +0200,4,3,yes\n"
        b"Z2,phone call (inbound),ana@example.com,2026-09-14 13:02 +0200,,0,no\n"
        b"Z3,fax,ana@example.com,2026-09-14 13:02:11 +0200,,-2,\n"
        b"UPD,voice,ana@example.com,14/09/2026,,,\n"
    )

    python_side, sql_side = import_both_ways(monkeypatch, data, mapping="zendesk", dry_run=True)

    python_side[0].pop("source"), sql_side[0].pop("source")
    assert sql_side == python_side
    assert (sql_side[0]["created"], sql_side[0]["updated"], sql_side[1]) == (2, 0, stored("sql"))


def test_rows_stored_after_the_first_import_began_are_updated_not_refused(people, monkeypatch):
    # As if another import of the source committed T1 after this one looked.
    monkeypatch.setattr("insights.interaction_import_sql._source_is_new", lambda source: True)
    InteractionFactory(source="s", external_id="T1", csat=1)

    report = interaction_import(data=plain(good("T1"), good("T2")), source="s")

    assert (report.created, report.updated, report.rejected) == (1, 1, [])
    assert Interaction.objects.get(source="s", external_id="T1").csat == 4


def test_naive_times_are_utc_whatever_the_session_time_zone(people):
    with connection.cursor() as cursor:
        cursor.execute("SET timezone = 'America/New_York'")
        interaction_import(data=plain(good("T1").replace("13:02:11Z", "13:02:11")), source="s")
        cursor.execute("SET timezone = 'UTC'")

    moment = Interaction.objects.get(external_id="T1").occurred_at
    assert moment == datetime.datetime(2026, 9, 14, 13, 2, 11, tzinfo=datetime.UTC)


@pytest.mark.parametrize("name", ["plain", "quoted"])
def test_queries_do_not_grow_with_rows(people, name):
    def queries(rows: int) -> int:
        lines = [good(f"T{name}{rows}-{n}") for n in range(rows)]
        if name == "quoted":
            lines[0] = lines[0].replace("Z,", 'Z,"4",', 1).replace(",4,", ",", 1)
        with CaptureQueriesContext(connection) as captured:
            report = interaction_import(data=plain(*lines), source=f"q{rows}")
        assert report.created == rows
        return len(captured)

    assert queries(20) == queries(2000)
