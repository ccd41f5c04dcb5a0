"""The scale generator (`seed_scale`) and the benchmark's own parts, at a small size: the
generator writes the same rows for the same seed, in the shape asked for, with the counts
the services would have kept; the benchmark refuses what it cannot measure honestly."""

import hashlib
import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.urls import NoReverseMatch, reverse

from academy import benchmark, scale
from academy.models import User
from certificates.models import Certificate
from cohorts import services
from cohorts.models import Attendance, Cohort, Enrollment, LessonProgress, Session
from modules.models import Lesson

pytestmark = pytest.mark.django_db

SMALL = scale.Size(
    people=120,
    facilitators=4,
    programs=2,
    modules=3,
    lessons_per_module=5,
    cohorts=8,
    big=30,
    small=10,
    cohort_min=5,
    cohort_max=12,
    sessions=4,
)
OPTIONS = {name.replace("_", "-"): value for name, value in vars(SMALL).items()}


def seed(number: int = 7) -> str:
    out = StringIO()
    args = [f"--{name}={value}" for name, value in OPTIONS.items()]
    call_command("seed_scale", f"--seed={number}", *args, stdout=out)
    return out.getvalue()


def fingerprint() -> str:
    """Everything the generator chose, ids and clock times left out."""
    rows = [
        sorted(User.objects.values_list("email", "full_name", "office_type", "state")),
        sorted(Cohort.objects.values_list("slug", "name", "status", "starts_on")),
        sorted(
            Enrollment.objects.values_list(
                "cohort__slug", "user__email", "status", "attended_count", "excused_count"
            )
        ),
        # Times follow the clock (running cohorts are half-way through today); whether a
        # lesson is done does not.
        sorted(
            (email, title, score or 0, done is not None)
            for email, title, score, done in LessonProgress.objects.values_list(
                "enrollment__user__email", "lesson__title", "score", "completed_at"
            )
        ),
        sorted(
            Attendance.objects.values_list("enrollment__user__email", "session__title", "status")
        ),
        sorted(Certificate.objects.values_list("code", "name_as_printed")),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_shape():
    output = seed()
    assert "rows in" in output
    special = 4  # staff, facilitator and the two benchmark participants
    assert User.objects.count() == SMALL.people + SMALL.facilitators + special
    assert Cohort.objects.count() == SMALL.cohorts
    assert Lesson.objects.count() == SMALL.programs * SMALL.modules * SMALL.lessons_per_module
    sessions = Session.objects.values("cohort").annotate(n=Count("pk")).values_list("n", flat=True)
    assert set(sessions) == {SMALL.sessions}
    big = Cohort.objects.get(slug=scale.BIG_COHORT)
    small = Cohort.objects.get(slug=scale.SMALL_COHORT)
    assert big.enrollments.count() == SMALL.big
    assert small.enrollments.count() == SMALL.small
    assert big.enrollments.filter(user__email=scale.BENCH_BIG).exists()
    assert small.enrollments.filter(user__email=scale.BENCH_SMALL).exists()
    assert big.facilitators.filter(email=scale.BENCH_FACILITATOR).exists()
    # A session starts within the hour in each running cohort: the benchmark's busy minute.
    assert big.sessions.filter(starts_at__gt=big.sessions.order_by("starts_at")[0].starts_at)
    assert LessonProgress.objects.filter(completed_at__isnull=False).exists()
    # Everyone who completed holds one certificate; the benchmark people have one each.
    completed = Enrollment.objects.filter(status=Enrollment.Status.COMPLETED)
    assert Certificate.objects.count() == completed.count() > 0
    for email in (scale.BENCH_BIG, scale.BENCH_SMALL):
        assert Certificate.objects.filter(enrollment__user__email=email).count() == 1
    # The attendance counts are the ones the services keep.
    before = list(Enrollment.objects.order_by("pk").values_list("attended_count", "excused_count"))
    services.attendance_recount(Enrollment.objects.all())
    after = list(Enrollment.objects.order_by("pk").values_list("attended_count", "excused_count"))
    assert before == after
    assert any(attended for attended, _ in after)
    # The ids handed out are behind the sequences: the ORM can add rows after it.
    Cohort.objects.create(
        program=big.program,
        name="After",
        slug="after",
        starts_on=big.starts_on,
        ends_on=big.ends_on,
    )
    User.objects.create_user(email="after@example.org", full_name="After", password=None)


def empty() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":  # TRUNCATE waits for no deferred foreign-key check
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)


def test_same_seed_same_academy():
    seed(3)
    first = fingerprint()
    empty()
    seed(3)
    assert fingerprint() == first
    empty()
    seed(4)
    assert fingerprint() != first


def test_refuses_a_database_with_people(participant):
    with pytest.raises(CommandError, match="already has people"):
        seed()
    assert not Cohort.objects.exists()
    with pytest.raises(CommandError, match="already has people"):
        call_command("seed_scale", "--reuse", *[f"--{k}={v}" for k, v in OPTIONS.items()])
    assert not Cohort.objects.exists()


def test_reuse_keeps_what_is_there():
    seed()
    before = User.objects.count()
    out = StringIO()
    call_command("seed_scale", "--reuse", stdout=out)
    assert "reusing" in out.getvalue()
    assert User.objects.count() == before


def test_bench_refuses_what_it_cannot_measure():
    # SQLite here, or PostgreSQL without the scale data in CI: never numbers from either.
    with pytest.raises(CommandError, match=r"PostgreSQL|seed_scale"):
        call_command("bench", stdout=StringIO())


def test_seq_scans_found_in_a_plan():
    plan = {
        "Node Type": "Hash Join",
        "Plans": [
            {"Node Type": "Seq Scan", "Relation Name": "cohorts_enrollment"},
            {
                "Node Type": "Hash",
                "Plans": [{"Node Type": "Seq Scan", "Relation Name": "cohorts_attendance"}],
            },
            {"Node Type": "Index Scan", "Relation Name": "cohorts_lessonprogress"},
        ],
    }
    assert benchmark._seq_scans(plan) == ["cohorts_attendance"]


def test_explain_reads_real_plans(participant):
    """On PostgreSQL a read of the whole progress table is caught; an indexed one is not."""
    from django.db import connection

    if connection.vendor != "postgresql":
        from django.db import DatabaseError

        with pytest.raises(DatabaseError):  # SQLite has no EXPLAIN (ANALYZE, FORMAT JSON)
            benchmark.explain(["SELECT 1"])
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
    table = LessonProgress._meta.db_table
    n, scans = benchmark.explain([f"SELECT COUNT(*) FROM {table} WHERE enrollment_id = 1"])
    assert n == 1
    assert scans[0].startswith(table)
    n, scans = benchmark.explain(["UPDATE academy_user SET full_name = full_name"])
    assert n == 0  # writes are not explained (EXPLAIN ANALYZE would run them)


@pytest.mark.urls("academy.bench_urls")
def test_floor_and_bare_pages(client):
    response = client.get(reverse("bench_bare"))
    assert response.content == b"ok"
    small = client.get(reverse("bench_floor", args=[5_000]))
    large = client.get(reverse("bench_floor", args=[100_000]))
    assert small.status_code == large.status_code == 200
    assert 70_000 < len(large.content) < 130_000
    assert len(small.content) < len(large.content)
    _url, size = benchmark._floor_for(client, 50_000)
    assert abs(size - 50_000) <= 1_000


def test_bench_pages_are_not_on_the_site(client):
    """Only `make bench` (BENCH=true) routes the floor and the bare view."""
    with pytest.raises(NoReverseMatch):
        reverse("bench_bare")
    assert client.get("/_bench/bare/").status_code == 404


def test_the_benchmark_warns_when_the_machine_is_busy(monkeypatch):
    cpus = os.cpu_count() or 1
    monkeypatch.setattr(os, "getloadavg", lambda: (cpus * 2.0, 0.0, 0.0))
    assert "other work is running" in benchmark.busy_warning()
    monkeypatch.setattr(os, "getloadavg", lambda: (0.1, 0.0, 0.0))
    assert benchmark.busy_warning() is None
