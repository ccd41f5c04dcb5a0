"""Demo certificates: the finished cohort's graduates, one of them revoked. Idempotent."""

from django.db import transaction

from academy.models import User
from certificates import services
from certificates.models import Certificate
from cohorts.models import Cohort, Enrollment
from modules.models import Program

SIGNATORIES = {
    "signatory_1_name": "Renata Okonkwo-Díaz",
    "signatory_1_title": "Executive Director, Local Progress",
    "signatory_2_name": "Jordan Okafor-Lee",
    "signatory_2_title": "Lead Facilitator, Progressive Governance Academy",
}


def seed(stdout) -> None:
    if Certificate.objects.exists():
        stdout.write(f"  certificates: {Certificate.objects.count()} (already seeded)")
        return
    staff = User.objects.get(email="staff@demo.academy")
    with transaction.atomic():
        for program in Program.objects.published():
            services.template_save(program=program, data=SIGNATORIES, actor=staff)
        spring = Cohort.objects.filter(slug="newly-elected-spring-2026").first()
        if spring is None:
            return
        run = services.bulk_issue(cohort=spring, actor=staff)
        first = run.certificates.order_by("issued_at", "pk").first()
        if first:
            services.certificate_revoke(
                certificate=first,
                actor=staff,
                public_reason="Issued in error: attendance records were corrected after issue.",
                private_note="Facilitator corrected two sessions marked present by mistake.",
            )
    # PDFs render after the commit above (immediate task backend in the demo).
    stdout.write(
        f"  certificates: {Certificate.objects.count()} issued for {spring.name} "
        f"({Enrollment.objects.filter(cohort=spring, status='completed').count()} graduates), one revoked"
    )
