"""Telling the recipient their certificate is ready."""

from django.conf import settings

from academy.mail import send_to_user


def email_certificate(*, certificate_id: int) -> None:
    from certificates.models import Certificate

    certificate = Certificate.objects.select_related("enrollment__user").get(pk=certificate_id)
    site = settings.SITE_URL.rstrip("/")
    send_to_user(
        template="certificates/email/issued",
        user=certificate.enrollment.user,
        context={
            "certificate": certificate,
            "verify_url": certificate.verify_url(),
            "my_certificates_url": f"{site}/certificates/",
        },
    )
