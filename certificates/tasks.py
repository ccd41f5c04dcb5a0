"""Background work: rendering PDFs. Idempotent; the database row is the record, the queue
only a nudge, and the sweep finishes anything a crashed worker left."""

import logging

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


def sweep_unrendered() -> int:
    """Re-render every valid certificate whose PDF is missing (a worker died mid-way)."""
    from certificates.models import Certificate

    missing = [
        c.pk
        for c in Certificate.objects.active().only("pk", "pdf", "rendered_at").iterator()
        if not c.rendered_at or not _pdf_present(c)
    ]
    for pk in missing:
        render_certificate.enqueue(certificate_id=pk)
    return len(missing)
