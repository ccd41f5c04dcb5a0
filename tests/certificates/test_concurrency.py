"""Issuing under simultaneous requests: real threads, real PostgreSQL row locks."""

import threading

import pytest
from django.db import connection

from certificates import services
from certificates.models import Certificate, CertificateEvent
from tests.factories import StaffFactory, completed_enrollment

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)"
    ),
]

THREADS = 8


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize("attempt", range(3))
def test_eight_simultaneous_issues_make_exactly_one_certificate(attempt):
    enrollment = completed_enrollment()
    staff = StaffFactory()
    barrier = threading.Barrier(THREADS)
    results: list[int] = []
    errors: list[BaseException] = []

    def issue():
        try:
            barrier.wait(timeout=30)
            certificate = services.certificate_issue(enrollment=enrollment, actor=staff)
            results.append(certificate.pk)
        except BaseException as exc:  # collected and asserted on
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert errors == []
    assert len(results) == THREADS
    active = Certificate.objects.active().filter(enrollment=enrollment)
    assert active.count() == 1
    assert set(results) == {active.get().pk}  # every caller got the same certificate
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1
    issued = CertificateEvent.objects.filter(action=CertificateEvent.Action.ISSUED)
    assert issued.count() == 1
