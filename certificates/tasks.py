"""Background work: rendering PDFs. Idempotent; the database row is the record, the queue
only a nudge, and the sweep finishes anything a crashed worker left."""

import logging
import posixpath

from django.core.files.base import ContentFile
from django.db import transaction
from django.tasks import task
from django.utils import timezone

logger = logging.getLogger(__name__)


def _pdf_present(certificate) -> bool:
    return bool(certificate.pdf) and certificate.pdf.storage.exists(certificate.pdf.name)


@task()
def render_certificate(*, certificate_id: int) -> str:
    """Render (or re-render) one certificate's current revision if its PDF is missing."""
    from certificates import delivery
    from certificates.models import Certificate, CertificateEvent, CertificateRevision
    from certificates.rendering import certificate_html, render_pdf, sha256

    certificate = Certificate.objects.select_related("template").get(pk=certificate_id)
    if certificate.rendered_at and _pdf_present(certificate):
        return certificate.pdf_sha256
    pdf = render_pdf(certificate_html(certificate=certificate, template=certificate.template))
    digest = sha256(pdf)
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate_id)
        if locked.revision != certificate.revision or (locked.rendered_at and _pdf_present(locked)):
            return locked.pdf_sha256  # reissued meanwhile, or another worker finished first
        first_delivery = not locked.events.filter(action=CertificateEvent.Action.EMAILED).exists()
        locked.pdf.save(f"{locked.code}-r{locked.revision}.pdf", ContentFile(pdf), save=False)
        locked.pdf_sha256, locked.rendered_at = digest, timezone.now()
        locked.save(update_fields=["pdf", "pdf_sha256", "rendered_at"])
        CertificateRevision.objects.filter(certificate=locked, revision=locked.revision).update(
            pdf_sha256=digest
        )
        CertificateEvent.objects.create(
            certificate=locked,
            action=CertificateEvent.Action.RENDERED,
            note=f"r{locked.revision} {digest[:12]}",
        )
        if first_delivery:
            CertificateEvent.objects.create(
                certificate=locked, action=CertificateEvent.Action.EMAILED
            )
            transaction.on_commit(lambda: delivery.email_certificate(certificate_id=certificate_id))
    return digest


def _listed(storage, folder: str) -> set[str] | None:
    """The names of the files in `folder`, in one listing (on a bucket, one request per
    1,000 names instead of one per certificate); None if the storage cannot list."""
    try:
        _folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return set()
    except NotImplementedError:
        return None
    return {posixpath.join(folder, name) for name in files}


def sweep_unrendered() -> int:
    """Re-render every valid certificate whose PDF is missing (a worker died mid-way)."""
    from certificates.models import Certificate

    rows = list(Certificate.objects.active().only("pk", "pdf", "rendered_at"))
    # Listed after the rows are read: a PDF is stored before its row commits, so a rendered
    # row read above has its file in the listing.
    field = Certificate._meta.get_field("pdf")
    folder = str(field.upload_to).strip("/")
    listed = _listed(field.storage, folder)

    def present(c) -> bool:
        if listed is not None and posixpath.dirname(c.pdf.name) == folder:
            return c.pdf.name in listed
        return _pdf_present(c)

    missing = [c.pk for c in rows if not c.rendered_at or not c.pdf or not present(c)]
    for pk in missing:
        render_certificate.enqueue(certificate_id=pk)
    return len(missing)
