"""Certificates with media in a storage that is not the local disk (a bucket in production,
Django's InMemoryStorage here): images printed on the PDF, downloads through the checked
view, and the sweep listing the folder instead of asking for each file."""

import hashlib
import io
from http import HTTPStatus

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from certificates import services, tasks
from tests.factories import UserFactory, completed_enrollment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def bucket(settings, tmp_path):
    """Media in memory; MEDIA_ROOT points at a folder that must stay empty."""
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    yield default_storage
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def png(colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def issue(staff, django_capture_on_commit_callbacks):
    def _issue(user=None):
        enrollment = completed_enrollment(user=user or UserFactory())
        with django_capture_on_commit_callbacks(execute=True):
            certificate = services.certificate_issue(enrollment=enrollment, actor=staff)
        certificate.refresh_from_db()
        return certificate

    return _issue


def test_logo_and_signature_from_the_storage_are_printed(bucket, staff, participant):
    enrollment = completed_enrollment(user=participant)
    template = services.template_current(enrollment.cohort.program)
    template.logo.save("logo.png", ContentFile(png("#1d4e89")), save=False)
    template.signatory_1_name = "Ada Director"
    template.signatory_1_signature.save("sig.png", ContentFile(png("#000000")), save=False)
    template.save()
    assert bucket.exists(template.logo.name)  # and nothing under MEDIA_ROOT (the fixture)

    certificate = services.certificate_issue(enrollment=enrollment, actor=staff)
    tasks.render_certificate.call(certificate_id=certificate.pk)
    certificate.refresh_from_db()

    with certificate.pdf.open("rb") as handle:
        page = PdfReader(handle).pages[0]
    assert len(page.images) == 3  # the logo, the signature and the QR code


def test_download_streams_the_pdf_from_the_storage(client, issue, participant):
    certificate = issue(participant)
    client.force_login(participant)
    response = client.get(
        reverse("certificates:download", kwargs={"code": certificate.display_code})
    )
    assert response.status_code == HTTPStatus.OK
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == certificate.pdf_sha256
    # Nobody else gets it, whatever the storage.
    client.force_login(UserFactory())
    response = client.get(
        reverse("certificates:download", kwargs={"code": certificate.display_code})
    )
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_the_sweep_lists_the_folder_once_instead_of_checking_each_file(bucket, issue, monkeypatch):
    certificates = [issue() for _ in range(3)]
    bucket.delete(certificates[1].pdf.name)

    checked, enqueued = [], []
    monkeypatch.setattr(type(bucket._wrapped), "exists", lambda self, name: checked.append(name))

    class Recorder:
        def enqueue(self, *, certificate_id):
            enqueued.append(certificate_id)

    monkeypatch.setattr(tasks, "render_certificate", Recorder())
    assert tasks.sweep_unrendered() == 1
    assert enqueued == [certificates[1].pk]
    assert checked == []
