"""config.prepared: statements PostgreSQL prepares once per session, counted as any query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.prepared import prepared_cursor
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db

SQL = "SELECT count(*) FROM accounts_user WHERE id > %(low)s AND role = %(role)s"


def _prepared_here() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%FROM accounts_user WHERE id > $1 AND role = $2%"],
        )
        return [row[0] for row in cursor.fetchall()]


def test_each_run_answers_for_its_own_parameters_and_is_counted_as_a_query():
    agents = AgentFactory.create_batch(3)
    low = min(agent.pk for agent in agents)

    with CaptureQueriesContext(connection) as queries:
        answers = []
        for since in (low - 1, low, low + 1):
            with prepared_cursor() as cursor:
                cursor.execute(SQL, {"low": since, "role": "agent"})
                answers.append(cursor.fetchone()[0])

    assert answers == [3, 2, 1]
    assert len(queries) == 3
    assert all("accounts_user" in query["sql"] for query in queries)


@pytest.mark.postgresql
def test_on_postgresql_the_statement_is_prepared_once_in_the_session():
    assert _prepared_here() == []

    for since in (0, 1, 2):
        with prepared_cursor() as cursor:
            cursor.execute(SQL, {"low": since, "role": "agent"})
            cursor.fetchone()

    assert len(_prepared_here()) == 1


@pytest.mark.postgresql
def test_ordinary_cursors_still_prepare_nothing():
    for since in (0, 1, 2, 3, 4, 5, 6):
        with connection.cursor() as cursor:
            cursor.execute(SQL, {"low": since, "role": "agent"})

    assert _prepared_here() == []
