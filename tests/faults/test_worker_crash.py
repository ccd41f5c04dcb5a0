"""A task worker SIGKILLed in the middle of a bulk certificate run loses nothing and
doubles nothing: after the sweep and a new worker, every certificate is rendered once.

Real `manage.py db_worker` processes (django_tasks_db) run against pytest's own test
database; the test issues the certificates, watches them render, and kills the worker.
"""

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.tasks import TaskResultStatus
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from certificates import services, tasks
from certificates.models import Certificate, CertificateEvent
from tests.factories import StaffFactory, completed_enrollment, make_cohort, published_program

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CERTIFICATES = 12
MANAGE = Path(settings.BASE_DIR) / "manage.py"
DB_BACKEND = "django_tasks_db.DatabaseBackend"


def _database_url() -> str:
    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = quote(db.get("USER") or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}{port}/{quote(db['NAME'], safe='')}"


def _start_worker(media: Path, log: Path, *extra: str) -> subprocess.Popen:
    """`manage.py db_worker` on the test database, with production settings otherwise
    (tests.settings pins the Immediate backend, which db_worker refuses)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "academy.settings",
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "false",
        "DATABASE_URL": _database_url(),
        "TASKS_BACKEND": DB_BACKEND,
        "MEDIA_ROOT": str(media),
        "EMAIL_URL": "consolemail://",
        "CONN_MAX_AGE": "0",
    }
    command = [sys.executable, str(MANAGE), "db_worker", "--interval", "0.1", "--no-startup-delay"]
    with log.open("ab") as out:
        return subprocess.Popen(
            [*command, *extra],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _rendered() -> int:
    return Certificate.objects.filter(rendered_at__isnull=False).count()


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
    process.wait(timeout=10)


@pytest.fixture
def media(settings, tmp_path):
    path = tmp_path / "media"
    path.mkdir()
    settings.MEDIA_ROOT = path
    return path


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the worker subprocess cannot open pytest's in-memory SQLite test database "
    "(CI runs this on PostgreSQL)",
)
def test_worker_killed_mid_bulk_run_renders_every_certificate_exactly_once(media, tmp_path):
    cohort = make_cohort(program=published_program(modules=1, lessons_per_module=1))
    for _ in range(CERTIFICATES):
        completed_enrollment(cohort=cohort)
    log = tmp_path / "worker.log"

    with override_settings(TASKS={"default": {"BACKEND": DB_BACKEND}}):
        run = services.bulk_issue(cohort=cohort, actor=StaffFactory())
        assert run.certificates.count() == CERTIFICATES
        assert _rendered() == 0  # only enqueued: the queue is a table now
        assert DBTaskResult.objects.ready().count() == CERTIFICATES

        workers: list[subprocess.Popen] = []
        try:
            first = _start_worker(media, log)
            workers.append(first)
            deadline = time.monotonic() + 30
            # Kill it mid-task: two done and the next one claimed (rendering takes a while).
            running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
            while _rendered() < 2 or not running.exists():
                assert first.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "worker rendered nothing in 30 s\n" + (
                    log.read_text()
                )
                time.sleep(0.02)
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
            killed_at = _rendered()
            assert 2 <= killed_at < CERTIFICATES, f"killed too late: {killed_at} rendered"
            # A task the dead worker had claimed stays RUNNING: no worker will pick it up again.
            stranded = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count()

            # What `manage.py scheduler` does every few minutes: re-enqueue what is missing.
            # Tasks still queued get a duplicate, which the idempotent task must shrug off.
            swept = tasks.sweep_unrendered()
            assert swept == CERTIFICATES - killed_at
            # Two workers at once on the queue (SKIP LOCKED), each exits once it is empty.
            workers += [_start_worker(media, log, "--batch") for _ in range(2)]
            for worker in workers[1:]:
                assert worker.wait(timeout=45) == 0, log.read_text()
        finally:
            for worker in workers:
                _stop(worker)

    assert _rendered() == CERTIFICATES
    assert not DBTaskResult.objects.ready().exists()
    assert DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count() == 0, log.read_text()
    for certificate in Certificate.objects.filter(pk__in=run.certificates.values("pk")):
        rendered = CertificateEvent.objects.filter(
            certificate=certificate, action=CertificateEvent.Action.RENDERED
        )
        assert [e.note.split()[0] for e in rendered] == ["r1"], certificate.code
        assert (
            CertificateEvent.objects.filter(
                certificate=certificate, action=CertificateEvent.Action.EMAILED
            ).count()
            == 1
        )
        path = Path(certificate.pdf.path)
        assert path.is_file()
        assert path.is_relative_to(media)
        assert hashlib.sha256(path.read_bytes()).hexdigest() == certificate.pdf_sha256
    print(
        f"\nworker killed after {killed_at}/{CERTIFICATES} rendered; {stranded} task stranded "
        f"RUNNING; sweep re-enqueued {swept}; all {CERTIFICATES} rendered exactly once"
    )
