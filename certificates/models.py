"""Certificates: a frozen snapshot of what was achieved, a public code, a PDF and its hash.

Never deleted: revoked (with reasons, who and when), reinstated, reissued (same code, next
revision; earlier revisions' hashes are kept so an older printout still verifies).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts.models import Enrollment
from modules.models import Program

# Crockford's base32: no I, L, O or U, so codes survive being read aloud or retyped.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12  # 12 × 5 bits = 60 bits from `secrets`


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """Accept a code typed any way: any case, with or without dashes or spaces, O for 0."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    return cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


class CertificateTemplate(models.Model):
    """Wording and look of a program's certificate. Versioned: once a version has been used,
    editing creates the next version, so issued certificates keep what they were issued with."""

    class PageSize(models.TextChoices):
        LETTER = "letter", _("US Letter, landscape")
        A4 = "a4", _("A4, landscape")

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="certificate_templates"
    )
    version = models.PositiveIntegerField(default=1)
    title = models.CharField(_("title"), max_length=120, default="Certificate of Completion")
    body = models.TextField(
        _("wording"),
        default=(
            "has completed {program} with the {cohort} cohort, {dates}, "
            "{hours} hours of training in progressive governance."
        ),
        help_text=_("Placeholders: {name}, {program}, {cohort}, {dates}, {hours}."),
    )
    signatory_1_name = models.CharField(_("first signatory"), max_length=120, blank=True)
    signatory_1_title = models.CharField(_("first signatory's title"), max_length=160, blank=True)
    signatory_1_signature = models.ImageField(
        _("first signature image"), upload_to="signatures/", blank=True
    )
    signatory_2_name = models.CharField(_("second signatory"), max_length=120, blank=True)
    signatory_2_title = models.CharField(_("second signatory's title"), max_length=160, blank=True)
    signatory_2_signature = models.ImageField(
        _("second signature image"), upload_to="signatures/", blank=True
    )
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    page_size = models.CharField(
        _("page"), max_length=8, choices=PageSize.choices, default=PageSize.LETTER
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["program", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "version"], name="certificate_template_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program} · v{self.version}"

    def signatories(self) -> list[dict]:
        return [
            {"name": name, "title": title, "signature": image}
            for name, title, image in (
                (self.signatory_1_name, self.signatory_1_title, self.signatory_1_signature),
                (self.signatory_2_name, self.signatory_2_title, self.signatory_2_signature),
            )
            if name
        ]


class CertificateQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Certificate.Status.ACTIVE)


class Certificate(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Valid")
        REVOKED = "revoked", _("Revoked")

    code = models.CharField(max_length=CODE_LENGTH, unique=True, default=new_code, editable=False)
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.PROTECT, related_name="certificates"
    )
    template = models.ForeignKey(
        CertificateTemplate, on_delete=models.PROTECT, related_name="certificates"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    revision = models.PositiveIntegerField(default=1)
    # The snapshot: what the certificate says, frozen at issue (and at reissue).
    name_as_printed = models.CharField(max_length=150)
    program_title = models.CharField(max_length=200)
    cohort_name = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()
    hours = models.PositiveSmallIntegerField()
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    override_reason = models.TextField(
        blank=True, help_text="Why it was issued without the policy being met."
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_public_reason = models.CharField(max_length=300, blank=True)
    revoked_private_note = models.TextField(blank=True)
    pdf = models.FileField(upload_to="certificates/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment"],
                condition=Q(status="active"),
                name="one_active_certificate_per_enrollment",
            ),
            models.CheckConstraint(
                condition=Q(status="active") | Q(revoked_at__isnull=False),
                name="certificate_revoked_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "rendered_at"], name="certificate_render_state")]

    def __str__(self) -> str:
        return f"{self.display_code} · {self.name_as_printed}"

    def get_absolute_url(self) -> str:
        return reverse("certificates:verify", kwargs={"code": self.display_code})

    @property
    def display_code(self) -> str:
        return format_code(self.code)

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def verify_url(self) -> str:
        return settings.SITE_URL.rstrip("/") + self.get_absolute_url()


class CertificateRevision(models.Model):
    """Each revision's printed name and PDF hash: older printouts still verify."""

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="revisions")
    revision = models.PositiveIntegerField()
    name_as_printed = models.CharField(max_length=150)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["certificate", "revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "revision"], name="certificate_revision_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.certificate_id} r{self.revision}"


class CertificateEvent(models.Model):
    """Append-only audit trail of everything done to a certificate."""

    class Action(models.TextChoices):
        ISSUED = "issued", _("Issued")
        OVERRIDE = "override", _("Issued by override")
        RENDERED = "rendered", _("PDF rendered")
        EMAILED = "emailed", _("Emailed to the recipient")
        REVOKED = "revoked", _("Revoked")
        REINSTATED = "reinstated", _("Reinstated")
        REISSUED = "reissued", _("Reissued")

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=12, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.certificate_id} {self.action}"


class BulkRun(models.Model):
    """One "issue all eligible" run, so staff can watch its PDFs render."""

    cohort = models.ForeignKey(
        "cohorts.Cohort", on_delete=models.PROTECT, related_name="certificate_runs"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    certificates = models.ManyToManyField(Certificate, related_name="+")

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"run {self.pk} for {self.cohort_id}"
