"""Seats under simultaneous requests: real threads, real PostgreSQL row locks."""

import threading

import pytest
from django.db import connection

from cohorts import services
from cohorts.models import Enrollment
from tests.factories import UserFactory, make_cohort

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)"
    ),
]


def run_at_once(functions) -> list[BaseException]:
    barrier = threading.Barrier(len(functions))
    errors: list[BaseException] = []

    def worker(fn):
        try:
            barrier.wait(timeout=30)
            fn()
        except BaseException as exc:  # collected and asserted on
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(fn,)) for fn in functions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return errors


@pytest.mark.parametrize("attempt", range(3))
def test_simultaneous_enrollments_never_exceed_capacity(attempt):
    cohort = make_cohort(capacity=10)
    people = UserFactory.create_batch(25)
    errors = run_at_once(
        [lambda p=p: services.enrollment_self_enroll(cohort=cohort, user=p) for p in people]
    )
    assert errors == []
    counts = {s: cohort.enrollments.filter(status=s).count() for s in ("enrolled", "waitlisted")}
    assert counts == {"enrolled": 10, "waitlisted": 15}


def test_simultaneous_withdrawals_promote_in_order():
    cohort = make_cohort(capacity=2)
    people = UserFactory.create_batch(5)
    for person in people:  # two enrolled, three waiting in this order
        services.enrollment_self_enroll(cohort=cohort, user=person)
    leaving = list(cohort.enrollments.filter(status="enrolled"))
    errors = run_at_once(
        [lambda e=e: services.enrollment_withdraw(enrollment=e, actor=e.user) for e in leaving]
    )
    assert errors == []
    statuses = dict(Enrollment.objects.filter(cohort=cohort).values_list("user_id", "status"))
    assert [statuses[p.pk] for p in people] == [
        "withdrawn",
        "withdrawn",
        "enrolled",
        "enrolled",
        "waitlisted",
    ]
