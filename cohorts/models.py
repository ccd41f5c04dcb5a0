"""Delivery: a Cohort runs a Program with facilitators, live Sessions and Enrollments.

Enrollment is the centre: one row per (cohort, person), never deleted, moved through the
state machine in `services.py`; every move is kept in EnrollmentTransition.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from academy.choices import TIME_ZONES
from modules.models import Lesson, Module, Program

CHAPTERS = [
    ("FL", _("Florida")),
    ("MN", _("Minnesota")),
    ("NY", _("New York")),
    ("NC", _("North Carolina")),
    ("TX", _("Texas")),
]

DEFAULT_APPLICATION_QUESTIONS = (
    "What office do you hold, and when did you take office?\n"
    "What is one issue you want to make progress on in your first term?"
)


class CohortQuerySet(models.QuerySet):
    def managed_by(self, user):
        """Cohorts this person may manage: all for staff, their own for facilitators."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_staff:
            return self
        return self.filter(facilitators=user)

    def open_for_enrollment(self, now=None):
        now = now or timezone.now()
        return self.filter(
            Q(enrollment_opens_at__isnull=True) | Q(enrollment_opens_at__lte=now),
            Q(enrollment_closes_at__isnull=True) | Q(enrollment_closes_at__gt=now),
            status=Cohort.Status.OPEN,
        ).exclude(enrollment_mode=Cohort.EnrollmentMode.INVITE)

    def with_seat_counts(self):
        return self.annotate(
            seats_taken=Count(
                "enrollments",
                filter=Q(enrollments__status__in=Enrollment.SEAT_HOLDING),
                distinct=True,
            ),
            waitlist_count=Count(
                "enrollments",
                filter=Q(enrollments__status=Enrollment.Status.WAITLISTED),
                distinct=True,
            ),
        )


class Cohort(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for enrollment")
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")
        ARCHIVED = "archived", _("Archived")

    class EnrollmentMode(models.TextChoices):
        OPEN = "open", _("Open: anyone may enroll")
        APPLICATION = "application", _("Application: facilitators approve")
        INVITE = "invite", _("Invitation only")

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="cohorts")
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("web address"), max_length=80, unique=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=TIME_ZONES, default="America/New_York"
    )
    capacity = models.PositiveIntegerField(_("capacity"), default=30)
    enrollment_mode = models.CharField(
        _("enrollment"), max_length=12, choices=EnrollmentMode.choices, default=EnrollmentMode.OPEN
    )
    enrollment_opens_at = models.DateTimeField(_("enrollment opens"), null=True, blank=True)
    enrollment_closes_at = models.DateTimeField(_("enrollment closes"), null=True, blank=True)
    application_questions = models.TextField(
        _("application questions"),
        blank=True,
        default=DEFAULT_APPLICATION_QUESTIONS,
        help_text=_("One question per line; asked when enrollment is by application."),
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="facilitated_cohorts"
    )
    chapter = models.CharField(_("state chapter"), max_length=2, choices=CHAPTERS, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # Completion policy (evaluated by the progress features).
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("minimum attendance (%)"), default=75
    )
    requires_signoff = models.BooleanField(_("facilitator sign-off required"), default=False)
    sequential = models.BooleanField(
        _("lessons unlock in order"),
        default=False,
        help_text=_("A lesson opens when the previous required lesson is complete."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CohortQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="cohort_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="cohort_capacity_positive"),
            models.CheckConstraint(
                condition=Q(min_attendance_percent__lte=100), name="cohort_attendance_percent"
            ),
            models.CheckConstraint(
                condition=Q(enrollment_opens_at__isnull=True)
                | Q(enrollment_closes_at__isnull=True)
                | Q(enrollment_closes_at__gt=models.F("enrollment_opens_at")),
                name="cohort_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cohorts:cohort_detail", kwargs={"slug": self.slug})

    @property
    def questions(self) -> list[str]:
        return [q.strip() for q in self.application_questions.splitlines() if q.strip()]

    def is_enrollment_open(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.status == self.Status.OPEN
            and (self.enrollment_opens_at is None or self.enrollment_opens_at <= now)
            and (self.enrollment_closes_at is None or now < self.enrollment_closes_at)
        )


class EnrollmentQuerySet(models.QuerySet):
    def active(self):
        """People taking part now (or who finished): they hold a seat."""
        return self.filter(status__in=Enrollment.SEAT_HOLDING)


class Enrollment(models.Model):
    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        INVITED = "invited", _("Invited")
        WAITLISTED = "waitlisted", _("Waitlisted")
        ENROLLED = "enrolled", _("Enrolled")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        COMPLETED = "completed", _("Completed")

    SEAT_HOLDING = (Status.ENROLLED, Status.COMPLETED)

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="enrollments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrollments"
    )
    status = models.CharField(max_length=12, choices=Status.choices)
    application_answers = models.JSONField(default=list, blank=True)
    decision_message = models.TextField(blank=True)
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    enrolled_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(
        null=True, blank=True, help_text="Withdrawn, declined or completed."
    )
    moved_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Marks on sessions not cancelled, kept by services.attendance_recount: the staff report
    # reads these instead of aggregating the whole attendance table.
    attended_count = models.PositiveIntegerField(default=0, editable=False)
    excused_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        ordering = ["cohort", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user"], name="enrollment_unique_per_cohort"),
            models.CheckConstraint(
                condition=~Q(status="waitlisted") | Q(waitlisted_at__isnull=False),
                name="enrollment_waitlist_has_time",
            ),
        ]
        indexes = [
            models.Index(
                fields=["cohort", "status", "waitlisted_at"], name="enrollment_cohort_status"
            ),
            models.Index(fields=["user", "status"], name="enrollment_user_status"),
            # The staff report's cache key reads the latest change.
            models.Index(fields=["updated_at"], name="enrollment_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.cohort} ({self.get_status_display()})"


class EnrollmentTransition(models.Model):
    """Append-only history of an enrollment's states: who moved it, when, and why."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"


class SessionQuerySet(models.QuerySet):
    def scheduled(self):
        return self.filter(cancelled_at__isnull=True)

    def upcoming(self, now=None):
        return self.scheduled().filter(ends_at__gt=now or timezone.now()).order_by("starts_at")


class Session(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="sessions")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    online_url = models.URLField(_("online meeting link"), blank=True)
    location = models.CharField(_("place"), max_length=300, blank=True)
    module = models.ForeignKey(
        Module,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
        verbose_name=_("module"),
    )
    notes = models.TextField(_("notes"), blank=True)
    recording_url = models.URLField(_("recording link"), blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    sequence = models.PositiveIntegerField(
        default=0, help_text="iCalendar SEQUENCE, bumped on every change."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["cohort", "starts_at"], name="session_cohort_start")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def uid(self) -> str:
        """Stable iCalendar UID: the same event in every feed and download."""
        return f"session-{self.pk}@governance-academy"


class SessionReminder(models.Model):
    """One row per (session, enrollment) reminded: the unique constraint makes reminders idempotent."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="reminders")
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "enrollment"], name="reminder_once_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"reminder {self.session_id}/{self.enrollment_id}"


class Announcement(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="announcements")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), help_text=_("Markdown."))
    body_html = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


def new_calendar_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarToken(models.Model):
    """The secret in a person's private calendar-feed address; regenerate to revoke."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token"
    )
    token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"calendar token of {self.user_id}"


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        LATE = "late", _("Late")
        EXCUSED = "excused", _("Excused")
        ABSENT = "absent", _("Absent")

    ATTENDED = (Status.PRESENT, Status.LATE)

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="attendance")
    enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="attendance")
    status = models.CharField(max_length=8, choices=Status.choices)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "enrollment"], name="attendance_once_per_session"
            ),
        ]
        indexes = [
            models.Index(fields=["enrollment", "status"], name="attendance_enrollment_status")
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id}@{self.session_id}: {self.status}"


class LessonProgress(models.Model):
    """One person's work on one lesson in one cohort."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="progress")
    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="progress")
    completed_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Knowledge checks: best %."
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    reflection_text = models.TextField(blank=True)
    reflection_submitted_at = models.DateTimeField(null=True, blank=True)
    feedback = models.TextField(blank=True)
    feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    feedback_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "lesson"], name="progress_once_per_lesson"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=100), name="progress_score_percent"
            ),
        ]
        indexes = [
            models.Index(fields=["enrollment", "completed_at"], name="progress_enrollment_done")
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id}/{self.lesson_id}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None
