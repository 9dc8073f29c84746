import datetime
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from accounts.models import User
from cohorts.enrollment_import import RowError, enrollment_import
from cohorts.models import Enrollment, EnrollmentEvent
from tests.factories import (
    AgentFactory,
    CohortFactory,
    EnrollmentFactory,
    ManagerFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db

HEADER = "email,name,team,time_zone"


def csv_bytes(*lines: str) -> bytes:
    return "".join(f"{line}\r\n" for line in lines).encode()


def written():
    return User.objects.count(), Enrollment.objects.count(), EnrollmentEvent.objects.count()


@pytest.fixture
def billing():
    return TeamFactory(name="Billing")


@pytest.fixture
def cohort():
    return CohortFactory()


def test_new_agents_get_accounts_enrolments_and_events(cohort, billing):
    by = ManagerFactory()
    data = csv_bytes(
        HEADER, "ana@example.com,Ana Silva,Billing,Europe/Lisbon", "Bo@Example.com,Bo Lee,billing,"
    )

    report = enrollment_import(cohort=cohort, data=data, dry_run=False, by=by)

    assert report.applied
    assert report.errors == []
    assert [(row.line, row.email, row.action) for row in report.rows] == [
        (2, "ana@example.com", "create agent and enrol"),
        (3, "bo@example.com", "create agent and enrol"),
    ]
    ana = User.objects.get(email="ana@example.com")
    assert (ana.display_name, ana.role, ana.team, ana.time_zone) == (
        "Ana Silva",
        "agent",
        billing,
        "Europe/Lisbon",
    )
    assert not ana.has_usable_password()
    assert User.objects.get(email="bo@example.com").time_zone == "UTC"
    enrolments = Enrollment.objects.filter(cohort=cohort)
    assert {(e.agent.email, e.program_id, e.status) for e in enrolments} == {
        ("ana@example.com", cohort.program_id, "active"),
        ("bo@example.com", cohort.program_id, "active"),
    }
    events = EnrollmentEvent.objects.filter(enrollment__cohort=cohort)
    assert {(e.from_status, e.to_status, e.reason, e.by) for e in events} == {
        ("", "active", "CSV import", by)
    }
    assert events.count() == 2


def test_existing_agent_is_enrolled_without_a_new_account(cohort, billing):
    agent = AgentFactory(email="ana@example.com", display_name="Ana", time_zone="Asia/Tokyo")
    users_before = User.objects.count()

    report = enrollment_import(
        cohort=cohort, data=csv_bytes(HEADER, "ANA@example.com,Ana S,Billing,"), dry_run=False
    )

    assert report.applied
    assert report.rows[0].action == "enrol"
    assert User.objects.count() == users_before
    assert Enrollment.objects.get(cohort=cohort).agent == agent
    agent.refresh_from_db()
    assert (agent.display_name, agent.time_zone) == ("Ana", "Asia/Tokyo")


def test_dry_run_lists_actions_but_writes_nothing(cohort, billing):
    AgentFactory(email="old@example.com")
    before = written()
    data = csv_bytes(HEADER, "new@example.com,New,Billing,", "old@example.com,Old,Billing,")

    report = enrollment_import(cohort=cohort, data=data, dry_run=True)

    assert (report.dry_run, report.applied) == (True, False)
    assert [(row.email, row.action) for row in report.rows] == [
        ("new@example.com", "create agent and enrol"),
        ("old@example.com", "enrol"),
    ]
    assert report.as_dict()["counts"] == {
        "rows": 2,
        "create": 1,
        "enrol": 1,
        "reactivate": 0,
        "errors": 0,
    }
    assert written() == before


def _import_errors(cohort, *lines: str) -> list[RowError]:
    """Import the lines for real and check that a rejected file writes nothing."""
    before = written()
    report = enrollment_import(cohort=cohort, data=csv_bytes(*lines), dry_run=False)
    assert not report.applied
    assert written() == before
    return report.errors


def test_bad_email_is_reported_with_its_line(cohort, billing):
    errors = _import_errors(cohort, HEADER, "ok@example.com,Ok,Billing,", "bob@,Bob,Billing,")

    assert errors == [RowError(3, "email", "“bob@” is not a valid e-mail address")]


def test_unknown_team_is_reported_with_its_line(cohort, billing):
    errors = _import_errors(cohort, HEADER, "ana@example.com,Ana,Bililng,")

    assert errors == [RowError(2, "team", "unknown team “Bililng”")]


def test_duplicate_email_names_the_line_of_its_first_occurrence(cohort, billing):
    errors = _import_errors(
        cohort,
        HEADER,
        "ana@example.com,Ana,Billing,",
        "bo@example.com,Bo,Billing,",
        "ANA@example.com,Ana again,Billing,",
    )

    assert errors == [RowError(4, "email", "“ANA@example.com” already appears on line 2")]


def test_agent_active_in_another_cohort_of_the_program_is_rejected(cohort, billing):
    other = CohortFactory(program=cohort.program, name="Spring intake")
    EnrollmentFactory(cohort=other, agent=AgentFactory(email="ana@example.com"))

    errors = _import_errors(cohort, HEADER, "ana@example.com,Ana,Billing,")

    assert errors == [
        RowError(
            2, "email", "“ana@example.com” is already enrolled in “Spring intake” of this program"
        )
    ]


def test_agent_active_in_another_program_is_enrolled(cohort, billing):
    EnrollmentFactory(agent=AgentFactory(email="ana@example.com"))

    report = enrollment_import(
        cohort=cohort, data=csv_bytes(HEADER, "ana@example.com,Ana,Billing,"), dry_run=False
    )

    assert report.applied


def test_agent_who_completed_the_cohort_is_rejected(cohort, billing):
    EnrollmentFactory(
        cohort=cohort, agent=AgentFactory(email="ana@example.com"), status="completed"
    )

    errors = _import_errors(cohort, HEADER, "ana@example.com,Ana,Billing,")

    assert errors == [RowError(2, "email", "“ana@example.com” already completed this cohort")]


def test_wrong_encoding_is_reported_at_the_line_of_the_first_bad_byte(cohort, billing):
    data = csv_bytes(HEADER, "ana@example.com,Ana,Billing,", "zoë@example.com,Zoë,Billing,")
    before = written()

    report = enrollment_import(cohort=cohort, data=data.decode().encode("latin-1"), dry_run=False)

    assert len(report.errors) == 1
    assert (report.errors[0].line, report.errors[0].column) == (3, "")
    assert "UTF-8" in report.errors[0].reason
    assert report.rows == []
    assert written() == before


def test_each_missing_column_is_reported_on_the_header_line(cohort, billing):
    errors = _import_errors(cohort, "E-mail,Name", "ana@example.com,Ana")

    assert errors == [
        RowError(1, "email", "the column “email” is missing"),
        RowError(1, "team", "the column “team” is missing"),
    ]


def test_blank_name_is_reported(cohort, billing):
    errors = _import_errors(cohort, HEADER, "ana@example.com,  ,Billing,")

    assert errors == [RowError(2, "name", "a name is required")]


def test_unknown_time_zone_is_reported(cohort, billing):
    errors = _import_errors(cohort, HEADER, "ana@example.com,Ana,Billing,Europe/Pariss")

    assert errors == [
        RowError(
            2, "time_zone", "“Europe/Pariss” is not a known IANA time zone, e.g. Europe/Paris."
        )
    ]


def test_existing_user_who_is_not_an_agent_is_rejected(cohort, billing):
    ManagerFactory(email="boss@example.com")

    errors = _import_errors(cohort, HEADER, "boss@example.com,Boss,Billing,")

    assert errors == [
        RowError(2, "email", "“boss@example.com” is a Training manager, not an agent")
    ]


def test_header_only_file_has_no_rows(cohort, billing):
    errors = _import_errors(cohort, HEADER, "")

    assert errors == [RowError(1, "", "the file has no rows")]


def test_every_problem_is_reported_and_valid_rows_are_not_imported(cohort, billing):
    errors = _import_errors(
        cohort,
        HEADER,
        "good@example.com,Good,Billing,",
        "bob@,,Nowhere,Mars/Base",
        "good@example.com,Good,Billing,",
    )

    assert [(error.line, error.column) for error in errors] == [
        (3, "email"),
        (3, "name"),
        (3, "team"),
        (3, "time_zone"),
        (4, "email"),
    ]


def test_utf8_bom_is_accepted(cohort, billing):
    data = b"\xef\xbb\xbf" + csv_bytes(HEADER, "zoe@example.com,Zoë,Billing,")

    report = enrollment_import(cohort=cohort, data=data, dry_run=False)

    assert report.applied
    assert User.objects.get(email="zoe@example.com").display_name == "Zoë"


def test_header_is_case_insensitive_and_extra_columns_are_ignored(cohort, billing):
    data = csv_bytes(" Team ,EMAIL,Notes, Name", "Billing,ana@example.com,vip,Ana")

    report = enrollment_import(cohort=cohort, data=data, dry_run=False)

    assert report.applied
    assert Enrollment.objects.get(cohort=cohort).agent.email == "ana@example.com"


def test_quoted_cell_spanning_lines_keeps_physical_line_numbers(cohort, billing):
    errors = _import_errors(
        cohort, HEADER, 'ana@example.com,"Ana\nSilva",Billing,', "bob@,Bob,Billing,"
    )

    assert errors == [RowError(4, "email", "“bob@” is not a valid e-mail address")]


@time_machine.travel(datetime.datetime(2026, 10, 12, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_withdrawn_agent_is_reactivated_with_an_event(cohort, billing):
    enrolment = EnrollmentFactory(
        cohort=cohort, agent=AgentFactory(email="ana@example.com"), status="withdrawn"
    )

    report = enrollment_import(
        cohort=cohort, data=csv_bytes(HEADER, "ana@example.com,Ana,Billing,"), dry_run=False
    )

    assert report.rows[0].action == "re-activate"
    enrolment.refresh_from_db()
    assert enrolment.status == "active"
    assert enrolment.status_changed_at == datetime.datetime(2026, 10, 12, 9, 0, tzinfo=datetime.UTC)
    assert Enrollment.objects.filter(cohort=cohort).count() == 1
    event = EnrollmentEvent.objects.get(enrollment=enrolment)
    assert (event.from_status, event.to_status) == ("withdrawn", "active")


@pytest.mark.parametrize("status", ["finished", "cancelled"])
def test_closed_cohort_is_refused(billing, status):
    cohort = CohortFactory(status=status)

    with pytest.raises(ValidationError):
        enrollment_import(
            cohort=cohort, data=csv_bytes(HEADER, "ana@example.com,Ana,Billing,"), dry_run=False
        )

    assert not Enrollment.objects.exists()


def test_command_prints_row_errors_with_line_and_column(cohort, billing, tmp_path):
    path = tmp_path / "agents.csv"
    path.write_bytes(csv_bytes(HEADER, "ana@example.com,Ana,Billing,", "bob@,Bob,Nowhere,"))
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError, match=r"^1 row rejected; nothing was imported\.$"):
        call_command("import_enrollments", cohort.pk, str(path), stdout=out, stderr=err)

    assert "line 2: create agent and enrol ana@example.com (Billing)" in out.getvalue()
    assert err.getvalue().splitlines() == [
        "line 3, column email: “bob@” is not a valid e-mail address",
        "line 3, column team: unknown team “Nowhere”",
    ]
    assert not Enrollment.objects.exists()


def test_command_summarises_what_it_enrolled(cohort, billing, tmp_path):
    EnrollmentFactory(
        cohort=cohort, agent=AgentFactory(email="old@example.com"), status="withdrawn"
    )
    path = tmp_path / "agents.csv"
    path.write_bytes(
        csv_bytes(HEADER, "new@example.com,New,Billing,", "old@example.com,Old,Billing,")
    )
    out = StringIO()

    call_command("import_enrollments", cohort.pk, str(path), stdout=out)

    assert out.getvalue().splitlines() == [
        "line 2: create agent and enrol new@example.com (Billing)",
        "line 3: re-activate old@example.com (Billing)",
        "Enrolled 2 agents (1 new accounts, 1 re-activated).",
    ]


def test_command_dry_run_says_nothing_was_written(cohort, billing, tmp_path):
    path = tmp_path / "agents.csv"
    path.write_bytes(csv_bytes(HEADER, "new@example.com,New,Billing,"))
    out = StringIO()

    call_command("import_enrollments", cohort.pk, str(path), "--dry-run", stdout=out)

    assert out.getvalue().splitlines()[-1] == "Dry run: nothing was written."
    assert not Enrollment.objects.exists()


def test_command_names_an_unknown_cohort(tmp_path):
    path = tmp_path / "agents.csv"
    path.write_bytes(csv_bytes(HEADER))

    with pytest.raises(CommandError, match="no cohort with id 999"):
        call_command("import_enrollments", 999, str(path))


@pytest.mark.parametrize("size", [40, 80])
def test_query_count_does_not_grow_with_the_rows(
    cohort, billing, size, django_assert_max_num_queries
):
    # A quarter existing agents, a quarter of those withdrawn from this cohort, the rest new.
    existing = AgentFactory.create_batch(size // 4)
    for agent in existing[::4]:
        EnrollmentFactory(cohort=cohort, agent=agent, status="withdrawn")
    emails = [agent.email for agent in existing]
    emails += [f"new{n}@example.com" for n in range(size - len(emails))]
    data = csv_bytes(HEADER, *(f"{email},Agent,Billing," for email in emails))

    # Savepoint, cohort lock, teams, users, enrolments, user and enrolment inserts,
    # re-activation update, event insert, release: about ten, whatever the size; then the
    # invitations of the new people: savepoint, open invitations, invitation insert,
    # outbox insert, release.
    with django_assert_max_num_queries(17):
        report = enrollment_import(cohort=cohort, data=data, dry_run=False)

    assert report.applied
    assert Enrollment.objects.filter(cohort=cohort, status="active").count() == size


def test_a_nul_in_a_name_is_refused_in_the_dry_run_and_the_real_run_alike(cohort, billing):
    data = csv_bytes(HEADER, "ana@example.com,Ana\x00Silva,Billing,")

    preview = enrollment_import(cohort=cohort, data=data, dry_run=True)
    real = enrollment_import(cohort=cohort, data=data, dry_run=False)

    for report in (preview, real):
        assert [(e.line, e.column) for e in report.errors] == [(2, "name")]
        assert "control character" in report.errors[0].reason
    assert not User.objects.filter(email="ana@example.com").exists()


def test_an_unterminated_quote_is_reported_as_such_on_its_line(cohort, billing):
    data = csv_bytes(HEADER, "ana@example.com,Ana,Billing,", 'bo@example.com,"Bo Lee,Billing,')

    report = enrollment_import(cohort=cohort, data=data, dry_run=True)

    assert [(e.line, e.column) for e in report.errors] == [(3, "")]
    assert "never closed" in report.errors[0].reason
