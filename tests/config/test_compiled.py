"""A queryset compiled once and run with each call's values (config/compiled.py)."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cohorts.models import Enrollment
from config.compiled import IDS, INTEGER, MOMENT, CompiledQuery, ids_in
from tests.factories import CohortFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
DAY = datetime.datetime(2026, 3, 29, 0, 30, tzinfo=UTC)


def enrolled(*, cohort, now, ids):
    return Enrollment.objects.filter(
        cohort=cohort, enrolled_at__lte=now, pk__in=ids_in(ids)
    ).order_by("pk")


def the_orm(*, cohort, now, ids):
    rows = Enrollment.objects.filter(cohort=cohort, enrolled_at__lte=now, pk__in=ids)
    return list(rows.order_by("pk").values_list("pk", "agent_id"))


@pytest.fixture
def query():
    return CompiledQuery(enrolled, ("pk", "agent_id"), cohort=INTEGER, now=MOMENT, ids=IDS)


@pytest.fixture
def enrolments():
    first, second = CohortFactory(), CohortFactory()
    rows = []
    for cohort in (first, second):
        for hours in (-2, 1, 5):  # enrolled_at is the moment of enrolment
            with time_machine.travel(DAY + datetime.timedelta(hours=hours), tick=False):
                rows.append(EnrollmentFactory(cohort=cohort))
    return first, second, rows


def test_each_call_answers_for_its_own_values_as_the_orm_does(query, enrolments):
    first, second, rows = enrolments
    every_id = [row.pk for row in rows]
    calls = [
        (first, DAY, every_id),
        (second, DAY, every_id),
        (first, DAY + datetime.timedelta(hours=3), every_id),
        (second, DAY + datetime.timedelta(days=1), every_id[4:]),
        (first, DAY + datetime.timedelta(days=1), []),
    ]

    answers = [query.rows(cohort=c.pk, now=now, ids=ids) for c, now, ids in calls]

    assert answers == [the_orm(cohort=c, now=now, ids=ids) for c, now, ids in calls]
    assert [len(answer) for answer in answers] == [1, 1, 2, 2, 0]
    assert query.rows(cohort=second.pk, now=DAY, ids=every_id) == [(rows[3].pk, rows[3].agent_id)]


def test_the_queryset_is_built_once_and_each_call_is_one_query(enrolments):
    first, second, rows = enrolments
    built = []

    def build(**values):
        built.append(values)
        return enrolled(**values)

    query = CompiledQuery(build, ("pk", "agent_id"), cohort=INTEGER, now=MOMENT, ids=IDS)
    with CaptureQueriesContext(connection) as captured:
        for cohort in (first, second, first):
            query.rows(cohort=cohort.pk, now=DAY, ids=[row.pk for row in rows])

    assert len(built) == 1
    assert len(captured) == 3


def test_a_value_the_sql_does_not_pass_as_a_parameter_is_refused():
    # The moment is never used: a query whose SQL ignores (or writes in) a value cannot be
    # compiled once for every value.
    query = CompiledQuery(
        lambda cohort, now: Enrollment.objects.filter(cohort=cohort),
        ("pk",),
        cohort=INTEGER,
        now=MOMENT,
    )

    with pytest.raises(ValueError, match="now is not among the query's parameters"):
        query.rows(cohort=1, now=DAY)


def test_every_value_must_be_given(query):
    with pytest.raises(TypeError, match="needed"):
        query.rows(cohort=1, now=DAY)
