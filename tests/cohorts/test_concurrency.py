"""Seats under simultaneous requests: real threads, real PostgreSQL row locks."""

import contextlib
import itertools
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


@pytest.mark.parametrize("attempt", range(3))
def test_a_hundred_simultaneous_enrollments_for_thirty_seats(attempt):
    """100 people press "Enroll" at once; PostgreSQL's connection limit allows 40 at a time
    here, so they are served by 40 threads that start together."""
    from concurrent.futures import ThreadPoolExecutor

    cohort = make_cohort(capacity=30)
    people = UserFactory.create_batch(100)
    barrier = threading.Barrier(40)

    def enroll(person):
        try:
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=5)  # the first 40 start together; later ones do not wait
            services.enrollment_self_enroll(cohort=cohort, user=person)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=40) as pool:
        list(pool.map(enroll, people))
    counts = {s: cohort.enrollments.filter(status=s).count() for s in ("enrolled", "waitlisted")}
    assert counts == {"enrolled": 30, "waitlisted": 70}
    # First in, first out: the waitlist order is the order the database accepted them.
    waiting = list(cohort.enrollments.filter(status="waitlisted").order_by("waitlisted_at", "pk"))
    assert all(a.waitlisted_at <= b.waitlisted_at for a, b in itertools.pairwise(waiting))


def test_simultaneous_attendance_marks_leave_one_row():
    import datetime

    from django.utils import timezone

    from cohorts.models import Attendance, Session

    cohort = make_cohort()
    enrollment = services.enrollment_self_enroll(cohort=cohort, user=UserFactory())
    facilitators = UserFactory.create_batch(6)
    start = timezone.now() - datetime.timedelta(hours=1)
    session = Session.objects.create(
        cohort=cohort,
        title="Live",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        location="City Hall",
    )
    statuses = ["present", "late", "absent", "excused", "present", "late"]
    errors = run_at_once(
        [
            lambda f=f, s=s: services.attendance_mark(
                session=session, enrollment=enrollment, status=s, actor=f
            )
            for f, s in zip(facilitators, statuses, strict=True)
        ]
    )
    assert errors == []
    rows = list(Attendance.objects.filter(session=session, enrollment=enrollment))
    assert len(rows) == 1
    # The row holds the last write: the audit trail lists every change in commit order, and
    # the newest entry is what the row says.
    from academy.models import AuditEvent

    last = (
        AuditEvent.objects.filter(object_type="attendance", object_id=str(rows[0].pk))
        .order_by("at", "pk")
        .last()
    )
    assert rows[0].status == last.after["status"]
