"""Reads for the attendance grid, the reflections page, sign-off and "Your attendance".

Each function makes a fixed number of queries, whatever the size of the cohort.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Lower
from django.utils import timezone

from cohorts.models import Attendance, Cohort, Enrollment, LessonProgress, Session
from modules.models import Lesson

A = Attendance.Status


# --- Attendance grid ---------------------------------------------------------------------


@dataclass
class GridRow:
    enrollment: Enrollment
    attendance: Attendance | None

    @property
    def status(self) -> str:
        return self.attendance.status if self.attendance else ""

    @property
    def name(self) -> str:
        return self.enrollment.user.full_name or self.enrollment.user.email


@dataclass
class SessionCounts:
    total: int = 0
    present: int = 0
    late: int = 0
    excused: int = 0
    absent: int = 0

    @property
    def marked(self) -> int:
        return self.present + self.late + self.excused + self.absent

    @property
    def unmarked(self) -> int:
        return max(self.total - self.marked, 0)

    def items(self) -> list[tuple[str, str, int]]:
        """(status, label, count) in the order of the buttons."""
        return [(value, label, getattr(self, value)) for value, label in A.choices]


@dataclass
class AttendanceGrid:
    cohort: Cohort
    session: Session
    rows: list[GridRow]
    sessions: list[Session]
    now: datetime
    counts: SessionCounts = field(init=False)

    def __post_init__(self) -> None:
        self.counts = SessionCounts(total=len(self.rows))
        for row in self.rows:
            if row.status:
                setattr(self.counts, row.status, getattr(self.counts, row.status) + 1)

    @property
    def signed_off_count(self) -> int:
        return sum(row.enrollment.signed_off_at is not None for row in self.rows)

    @property
    def started(self) -> bool:
        return self.session.starts_at <= self.now

    @property
    def previous(self) -> Session | None:
        earlier = [s for s in self.sessions if s.starts_at < self.session.starts_at]
        return earlier[-1] if earlier else None

    @property
    def next(self) -> Session | None:
        later = [s for s in self.sessions if s.starts_at > self.session.starts_at]
        return later[0] if later else None


def _roster(cohort: Cohort) -> QuerySet[Enrollment]:
    """The people attendance is taken for: enrolled or completed, by name."""
    return (
        cohort.enrollments.active()
        .select_related("user", "signed_off_by")
        .order_by(Lower("user__full_name"), "pk")
    )


def attendance_grid(
    *, cohort: Cohort, session: Session, now: datetime | None = None
) -> AttendanceGrid:
    """Everyone on the roster with their mark for this session: three queries."""
    marks = {
        a.enrollment_id: a
        for a in Attendance.objects.filter(session=session).select_related("marked_by")
    }
    return AttendanceGrid(
        cohort=cohort,
        session=session,
        rows=[GridRow(e, marks.get(e.pk)) for e in _roster(cohort)],
        sessions=list(
            cohort.sessions.filter(Q(cancelled_at__isnull=True) | Q(pk=session.pk))
            .only("pk", "title", "starts_at", "ends_at", "cancelled_at", "cohort_id")
            .order_by("starts_at", "pk")
        ),
        now=now or timezone.now(),
    )


def attendance_row(*, session: Session, enrollment: Enrollment) -> GridRow:
    return GridRow(
        enrollment,
        Attendance.objects.filter(session=session, enrollment=enrollment)
        .select_related("marked_by")
        .first(),
    )


def session_counts(*, session: Session) -> SessionCounts:
    """How many people on the roster have each mark for this session: one query."""

    def marked(status: str) -> Count:
        return Count(
            "attendance",
            filter=Q(attendance__session=session, attendance__status=status),
            distinct=True,
        )

    totals = (
        Enrollment.objects.active()
        .filter(cohort_id=session.cohort_id)
        .aggregate(total=Count("pk", distinct=True), **{value: marked(value) for value in A.values})
    )
    return SessionCounts(**totals)


# --- Reflections -------------------------------------------------------------------------

NEEDS_FEEDBACK = Q(feedback="") | Q(feedback_at__lt=F("reflection_submitted_at"))


def cohort_reflections(cohort: Cohort) -> QuerySet[LessonProgress]:
    """Submitted reflections of the cohort's participants, each flagged `needs_feedback`
    (none yet, or the participant rewrote it after the last feedback)."""
    return (
        LessonProgress.objects.filter(
            enrollment__cohort=cohort,
            enrollment__status__in=Enrollment.SEAT_HOLDING,
            reflection_submitted_at__isnull=False,
        )
        .select_related("enrollment__user", "lesson__module", "feedback_by")
        .annotate(
            needs_feedback=Case(
                When(NEEDS_FEEDBACK, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )


@dataclass
class LessonReflections:
    lesson: Lesson
    items: list[LessonProgress]


@dataclass
class ReflectionsPage:
    show: str  # "needs-feedback" or "all"
    lessons: list[LessonReflections]
    needs_feedback_count: int
    all_count: int


REFLECTION_FILTERS = ("needs-feedback", "all")


def reflections_page(*, cohort: Cohort, show: str = "needs-feedback") -> ReflectionsPage:
    """Reflections grouped by lesson (in course order), newest first in each: two queries."""
    if show not in REFLECTION_FILTERS:
        show = REFLECTION_FILTERS[0]
    reflections = cohort_reflections(cohort)
    counts = reflections.aggregate(
        all_count=Count("pk"), needs_feedback_count=Count("pk", filter=NEEDS_FEEDBACK)
    )
    if show == "needs-feedback":
        reflections = reflections.filter(NEEDS_FEEDBACK)
    groups: dict[int, LessonReflections] = {}
    for progress in reflections.order_by(
        "lesson__module__position", "lesson__position", "lesson_id", "-reflection_submitted_at"
    ):
        groups.setdefault(progress.lesson_id, LessonReflections(progress.lesson, [])).items.append(
            progress
        )
    return ReflectionsPage(show=show, lessons=list(groups.values()), **counts)


# --- Sign-off ----------------------------------------------------------------------------


def signoff_roster(*, cohort: Cohort) -> list[Enrollment]:
    return list(_roster(cohort))


# --- A participant's own record ----------------------------------------------------------


@dataclass
class MyAttendanceRow:
    session: Session
    status: str  # "" when not marked

    @property
    def status_label(self) -> str:
        return A(self.status).label if self.status else ""


def my_attendance(enrollment: Enrollment, now: datetime | None = None) -> list[MyAttendanceRow]:
    """This person's mark for every session held so far (and any excused ahead): one query."""
    now = now or timezone.now()
    sessions = (
        Session.objects.filter(cohort_id=enrollment.cohort_id, cancelled_at__isnull=True)
        .annotate(
            mark=Subquery(
                Attendance.objects.filter(session=OuterRef("pk"), enrollment=enrollment).values(
                    "status"
                )[:1]
            )
        )
        .filter(Q(starts_at__lte=now) | Q(mark__isnull=False))
        .order_by("starts_at", "pk")
    )
    return [MyAttendanceRow(session, session.mark or "") for session in sessions]
