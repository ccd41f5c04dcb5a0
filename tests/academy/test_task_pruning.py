"""Old results of background tasks are pruned daily by the scheduler (academy.apps)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from academy import periodic
from academy.apps import prune_task_results

pytestmark = pytest.mark.django_db


@pytest.fixture
def db_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def result(status: str, days_ago: int) -> DBTaskResult:
    finished = timezone.now() - timedelta(days=days_ago)
    return DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [], "kwargs": {"certificate_id": 1}},
        task_path="certificates.tasks.render_certificate",
        backend_name="default",
        queue_name="default",
        run_after=finished,
        started_at=finished,
        finished_at=finished,
    )


def test_old_results_go_and_recent_or_failed_ones_stay(db_tasks):
    old = result("SUCCESSFUL", 20)
    recent = result("SUCCESSFUL", 3)
    failed = result("FAILED", 20)
    long_failed = result("FAILED", 90)
    prune_task_results()
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {recent.pk, failed.pk}
    assert not DBTaskResult.objects.filter(pk__in=[old.pk, long_failed.pk]).exists()


def test_the_scheduler_runs_it_daily():
    [job] = [j for j in periodic.jobs() if j.name == "prune-task-results"]
    assert job.every == timedelta(days=1)
    assert job.function is prune_task_results


def test_with_the_immediate_backend_nothing_is_touched():
    kept = result("SUCCESSFUL", 20)  # rows of a database queue another setting would use
    prune_task_results()
    assert DBTaskResult.objects.filter(pk=kept.pk).exists()
