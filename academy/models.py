from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from academy.choices import TIME_ZONES, US_STATES, OfficeType


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person: usually a newly elected official; staff have `is_staff`.

    Being a facilitator is not a flag here: it is a relation to a cohort.
    """

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    preferred_name = models.CharField(
        _("preferred name"), max_length=80, blank=True, help_text=_("What should we call you?")
    )
    pronouns = models.CharField(
        _("pronouns"), max_length=40, blank=True, help_text=_("For example: she/her, they/them.")
    )
    office_type = models.CharField(
        _("office"), max_length=32, choices=OfficeType.choices, blank=True
    )
    jurisdiction = models.CharField(
        _("jurisdiction"),
        max_length=150,
        blank=True,
        help_text=_("The city, county or district you serve, e.g. “Durham City Council, Ward 2”."),
    )
    state = models.CharField(_("state"), max_length=2, choices=US_STATES, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=TIME_ZONES, default="America/New_York"
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    is_staff = models.BooleanField(
        _("staff"),
        default=False,
        help_text=_("Academy staff: authors programs and issues certificates."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name to greet someone by: preferred name, else first word of the full name."""
        if self.preferred_name:
            return self.preferred_name
        if self.full_name:
            return self.full_name.split()[0]
        return self.email.split("@")[0]


class AuditEvent(models.Model):
    """Append-only record of a staff or facilitator action that changed someone's record.

    Written by the services through `academy.audit.record`; nothing edits or deletes it.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
        help_text="Whose record changed.",
    )
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    summary = models.CharField(max_length=300)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit event")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"
