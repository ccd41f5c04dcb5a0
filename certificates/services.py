"""Every write to certificates: issuing (idempotent), revoking, reinstating, reissuing,
and the template versions. Callers are authorised already (staff)."""

from dataclasses import dataclass, field
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from academy import audit, fragments
from academy.models import User
from certificates import tasks
from certificates.models import (
    BulkRun,
    Certificate,
    CertificateEvent,
    CertificateRevision,
    CertificateTemplate,
)
from certificates.panels import holder_namespace
from cohorts import selectors as cohort_selectors
from cohorts.models import Cohort, Enrollment
from modules.models import Program

TEMPLATE_FIELDS = (
    "title",
    "body",
    "signatory_1_name",
    "signatory_1_title",
    "signatory_1_signature",
    "signatory_2_name",
    "signatory_2_title",
    "signatory_2_signature",
    "logo",
    "page_size",
)


def _event(
    certificate: Certificate,
    action: str,
    actor: User | None,
    note: str = "",
    before=None,
    after=None,
) -> None:
    CertificateEvent.objects.create(
        certificate=certificate,
        action=action,
        actor=actor,
        note=note,
        before=before or {},
        after=after or {},
    )
    if actor is not None:
        audit.record(
            actor=actor,
            action=f"certificate.{action}",
            obj=certificate,
            subject=certificate.enrollment.user,
            summary=f"{certificate.display_code} · {certificate.name_as_printed}: {action}"
            + (f" ({note})" if note else ""),
            before=before,
            after=after,
        )


def _holder_changed(certificate: Certificate) -> None:
    """The holder's dashboard lists their certificates: what it keeps is stale."""
    if fragments.enabled():
        fragments.changed(holder_namespace(certificate.enrollment.user_id))


def _render_after_commit(certificate: Certificate) -> None:
    transaction.on_commit(partial(tasks.render_certificate.enqueue, certificate_id=certificate.pk))


# --- Templates ---------------------------------------------------------------------------


def template_current(program: Program) -> CertificateTemplate:
    template = program.certificate_templates.order_by("-version").first()
    if template is None:
        template, _created = CertificateTemplate.objects.get_or_create(program=program, version=1)
    return template


@transaction.atomic
def template_save(*, program: Program, data: dict, actor: User) -> CertificateTemplate:
    """Edit the current version, or start the next one if certificates already use it."""
    Program.objects.select_for_update().filter(pk=program.pk).first()
    current = template_current(program)
    if current.certificates.exists():
        template = CertificateTemplate(
            program=program, version=current.version + 1, created_by=actor
        )
        for name in TEMPLATE_FIELDS:
            setattr(template, name, getattr(current, name))
    else:
        template = current
    for name in TEMPLATE_FIELDS:
        if name in data and data[name] is not None:
            setattr(template, name, data[name])
    template.full_clean()
    template.save()
    return template


# --- Eligibility and issuing ------------------------------------------------------------------


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reason: str
    certificate: Certificate | None = None


def eligibility(enrollment: Enrollment) -> Eligibility:
    existing = Certificate.objects.active().filter(enrollment=enrollment).first()
    if existing:
        return Eligibility(False, _("Already certified"), existing)
    if enrollment.status == Enrollment.Status.COMPLETED:
        return Eligibility(True, _("Completion policy met"))
    if enrollment.status != Enrollment.Status.ENROLLED:
        return Eligibility(False, enrollment.get_status_display())
    return Eligibility(False, _not_met(cohort_selectors.policy_status(enrollment=enrollment)))


def _not_met(status) -> str:
    """What an enrolled participant still lacks, for staff (the policy's unmet items)."""
    missing = [f"{item.label} ({item.detail})" for item in status.checklist() if not item.done]
    return "; ".join(missing) or _("Completion policy not met")


def _snapshot(enrollment: Enrollment) -> dict:
    cohort = enrollment.cohort
    return {
        "name_as_printed": enrollment.user.full_name or enrollment.user.email,
        "program_title": cohort.program.title,
        "cohort_name": cohort.name,
        "starts_on": cohort.starts_on,
        "ends_on": cohort.ends_on,
        "hours": cohort.program.estimated_hours,
    }


@transaction.atomic
def certificate_issue(
    *, enrollment: Enrollment, actor: User, override_reason: str = ""
) -> Certificate:
    """Issue the certificate for an enrollment whose completion policy is met (or with a
    written override). Idempotent: if an active certificate exists it is returned, so a
    repeat, a double click or two staff at once never make a second one."""
    enrollment = (
        Enrollment.objects.select_for_update()
        .select_related("user", "cohort__program")
        .get(pk=enrollment.pk)
    )
    existing = Certificate.objects.active().filter(enrollment=enrollment).first()
    if existing:
        return existing
    override_reason = override_reason.strip()
    if enrollment.status != Enrollment.Status.COMPLETED:
        if enrollment.status != Enrollment.Status.ENROLLED:
            raise ValidationError(_("Certificates are for enrolled or completed participants."))
        if not override_reason:
            raise ValidationError(
                _(
                    "The completion policy is not met. To issue anyway, write the reason for the override."
                )
            )
    certificate = Certificate(
        enrollment=enrollment,
        template=template_current(enrollment.cohort.program),
        issued_by=actor,
        override_reason=override_reason,
        **_snapshot(enrollment),
    )
    try:
        with transaction.atomic():
            certificate.save()
    except IntegrityError:
        # The partial unique constraint caught a concurrent issue: return the winner.
        return Certificate.objects.active().get(enrollment=enrollment)
    CertificateRevision.objects.create(
        certificate=certificate, revision=1, name_as_printed=certificate.name_as_printed
    )
    _event(
        certificate,
        CertificateEvent.Action.OVERRIDE if override_reason else CertificateEvent.Action.ISSUED,
        actor,
        override_reason,
        after={"name": certificate.name_as_printed, "status": certificate.status},
    )
    _holder_changed(certificate)
    _render_after_commit(certificate)
    return certificate


@dataclass
class BulkPreview:
    eligible: list[Enrollment] = field(default_factory=list)
    certified: list[tuple[Enrollment, Certificate]] = field(default_factory=list)
    not_eligible: list[tuple[Enrollment, str]] = field(default_factory=list)


def bulk_preview(cohort: Cohort) -> BulkPreview:
    """Dry run: who would get a certificate, who has one, who does not qualify and why."""
    preview = BulkPreview()
    enrollments = (
        cohort.enrollments.filter(
            status__in=[Enrollment.Status.ENROLLED, Enrollment.Status.COMPLETED]
        )
        .select_related("user", "cohort__program")
        .order_by("user__full_name")
    )
    active = {
        c.enrollment_id: c for c in Certificate.objects.active().filter(enrollment__cohort=cohort)
    }
    pending = []
    for enrollment in enrollments:
        if enrollment.pk in active:
            preview.certified.append((enrollment, active[enrollment.pk]))
        elif enrollment.status == Enrollment.Status.COMPLETED:
            preview.eligible.append(enrollment)
        else:
            pending.append(enrollment)
    # Why the rest do not qualify yet: their policy status all at once, not one by one.
    statuses = (
        cohort_selectors.policy_statuses(cohort=cohort, enrollments=pending) if pending else {}
    )
    preview.not_eligible = [(e, _not_met(statuses[e.pk])) for e in pending]
    return preview


def bulk_issue(*, cohort: Cohort, actor: User) -> BulkRun:
    """Issue every eligible certificate of a cohort; each one is its own idempotent issue."""
    run = BulkRun.objects.create(cohort=cohort, started_by=actor)
    for enrollment in bulk_preview(cohort).eligible:
        run.certificates.add(certificate_issue(enrollment=enrollment, actor=actor))
    return run


# --- Revoke, reinstate, reissue ----------------------------------------------------------


@transaction.atomic
def certificate_revoke(
    *, certificate: Certificate, actor: User, public_reason: str, private_note: str = ""
) -> Certificate:
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if not certificate.is_active:
        raise ValidationError(_("This certificate is already revoked."))
    if not public_reason.strip():
        raise ValidationError(
            {"public_reason": _("Give the reason shown on the verification page.")}
        )
    certificate.status = Certificate.Status.REVOKED
    certificate.revoked_at, certificate.revoked_by = timezone.now(), actor
    certificate.revoked_public_reason, certificate.revoked_private_note = (
        public_reason.strip(),
        private_note.strip(),
    )
    certificate.save()
    _event(
        certificate,
        CertificateEvent.Action.REVOKED,
        actor,
        private_note,
        {"status": "active"},
        {"status": "revoked", "public_reason": public_reason},
    )
    _holder_changed(certificate)
    return certificate


@transaction.atomic
def certificate_reinstate(*, certificate: Certificate, actor: User, note: str = "") -> Certificate:
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.is_active:
        raise ValidationError(_("This certificate is valid already."))
    if Certificate.objects.active().filter(enrollment_id=certificate.enrollment_id).exists():
        raise ValidationError(_("Another valid certificate exists for this enrollment."))
    before = {"status": "revoked", "public_reason": certificate.revoked_public_reason}
    certificate.status = Certificate.Status.ACTIVE
    certificate.revoked_at = certificate.revoked_by = None
    certificate.revoked_public_reason = certificate.revoked_private_note = ""
    certificate.save()
    _event(
        certificate, CertificateEvent.Action.REINSTATED, actor, note, before, {"status": "active"}
    )
    _holder_changed(certificate)
    return certificate


@transaction.atomic
def certificate_reissue(
    *, certificate: Certificate, actor: User, name_as_printed: str, note: str = ""
) -> Certificate:
    """A corrected certificate under the same code: the next revision, a new PDF; earlier
    revisions (and their hashes) stay on record so older printouts still verify."""
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    name = " ".join(name_as_printed.split())
    if not name:
        raise ValidationError({"name_as_printed": _("Enter the name as it should be printed.")})
    if not certificate.is_active:
        raise ValidationError(_("Reinstate the certificate before reissuing it."))
    before = {
        "name": certificate.name_as_printed,
        "revision": certificate.revision,
        "sha256": certificate.pdf_sha256,
    }
    certificate.revision += 1
    certificate.name_as_printed = name
    certificate.pdf = ""
    certificate.pdf_sha256 = ""
    certificate.rendered_at = None
    certificate.save()
    CertificateRevision.objects.create(
        certificate=certificate, revision=certificate.revision, name_as_printed=name
    )
    _event(
        certificate,
        CertificateEvent.Action.REISSUED,
        actor,
        note,
        before,
        {"name": name, "revision": certificate.revision},
    )
    _holder_changed(certificate)
    _render_after_commit(certificate)
    return certificate
