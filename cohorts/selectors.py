"""Reads composed for cohort pages, each a fixed number of queries."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from academy.models import User
from cohorts.models import Announcement, Attendance, Cohort, Enrollment, LessonProgress, Session
from cohorts.policy import AttendanceSummary, PolicyStatus
from modules.models import Lesson, Module, Program


def _next_session_start():
    return Subquery(
        Session.objects.filter(
            cohort=OuterRef("pk"), cancelled_at__isnull=True, ends_at__gt=timezone.now()
        )
        .order_by("starts_at")
        .values("starts_at")[:1]
    )


def open_cohorts_for_program(program: Program) -> list[Cohort]:
    cohorts = (
        Cohort.objects.open_for_enrollment()
        .filter(program=program)
        .with_seat_counts()
        .order_by("starts_on")
    )
    for cohort in cohorts:
        cohort.seats_left = max(cohort.capacity - cohort.seats_taken, 0)
    return list(cohorts)


@dataclass
class CohortPage:
    cohort: Cohort
    sessions: list[Session]
    next_session: Session | None
    announcements: list[Announcement]
    enrollment: Enrollment | None


def cohort_page(*, cohort: Cohort, user: User) -> CohortPage:
    now = timezone.now()
    sessions = list(cohort.sessions.select_related("module").order_by("starts_at"))
    upcoming = [s for s in sessions if not s.is_cancelled and s.ends_at > now]
    return CohortPage(
        cohort=Cohort.objects.select_related("program")
        .prefetch_related("facilitators")
        .get(pk=cohort.pk),
        sessions=sessions,
        next_session=upcoming[0] if upcoming else None,
        announcements=list(cohort.announcements.select_related("author")[:10]),
        enrollment=cohort.enrollments.filter(user=user).first() if user.is_authenticated else None,
    )


@dataclass
class ManagePage:
    cohort: Cohort
    applications: list[Enrollment]
    invited: list[Enrollment]
    roster: list[Enrollment]
    waitlist: list[Enrollment]
    former: list[Enrollment]
    sessions: list[Session]
    announcements: list[Announcement]

    @property
    def seats_left(self) -> int:
        return max(self.cohort.capacity - len(self.roster), 0)


def manage_page(*, cohort: Cohort) -> ManagePage:
    enrollments = list(cohort.enrollments.select_related("user").order_by("created_at", "pk"))
    by = {
        status: [e for e in enrollments if e.status == status]
        for status in Enrollment.Status.values
    }
    return ManagePage(
        cohort=Cohort.objects.select_related("program")
        .prefetch_related("facilitators")
        .get(pk=cohort.pk),
        applications=by["applied"],
        invited=by["invited"],
        roster=sorted(by["enrolled"] + by["completed"], key=lambda e: e.user.full_name.lower()),
        waitlist=sorted(by["waitlisted"], key=lambda e: (e.waitlisted_at, e.pk)),
        former=by["withdrawn"] + by["declined"],
        sessions=list(cohort.sessions.select_related("module").order_by("starts_at")),
        announcements=list(cohort.announcements.select_related("author")[:20]),
    )


def facilitated_cohorts(*, user: User) -> list[Cohort]:
    return list(
        Cohort.objects.filter(facilitators=user)
        .exclude(status=Cohort.Status.ARCHIVED)
        .select_related("program")
        .with_seat_counts()
        .annotate(next_session_at=_next_session_start())
        .order_by("starts_on")
    )


def member_enrollments(*, user: User) -> list[Enrollment]:
    """A participant's current and past places, with each cohort's next session time, their
    share of required lessons done and the next lesson to do (a fixed number of queries)."""
    required = Lesson.objects.filter(
        module__program=OuterRef("cohort__program"), required=True, module__required=True
    )
    done = LessonProgress.objects.filter(enrollment=OuterRef("pk"), completed_at__isnull=False)
    # Inside the lesson subqueries the enrollment is two levels out.
    done_by_outer = LessonProgress.objects.filter(
        enrollment=OuterRef(OuterRef("pk")), completed_at__isnull=False
    ).values("lesson")
    enrollments = list(
        Enrollment.objects.filter(user=user)
        .exclude(status__in=[Enrollment.Status.DECLINED])
        .select_related("cohort__program")
        .annotate(
            next_session_at=Subquery(
                Session.objects.filter(
                    cohort=OuterRef("cohort"), cancelled_at__isnull=True, ends_at__gt=timezone.now()
                )
                .order_by("starts_at")
                .values("starts_at")[:1]
            ),
            required_total=Coalesce(
                Subquery(
                    required.order_by()
                    .values("module__program")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
            required_done=Coalesce(
                Subquery(
                    done.filter(lesson__required=True, lesson__module__required=True)
                    .order_by()
                    .values("enrollment")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
            next_lesson_id=Subquery(
                Lesson.objects.filter(module__program=OuterRef("cohort__program"))
                .exclude(pk__in=done_by_outer)
                .order_by("module__position", "position")
                .values("pk")[:1]
            ),
            next_lesson_title=Subquery(
                Lesson.objects.filter(module__program=OuterRef("cohort__program"))
                .exclude(pk__in=done_by_outer)
                .order_by("module__position", "position")
                .values("title")[:1]
            ),
        )
        .order_by("-cohort__starts_on")
    )
    for e in enrollments:
        e.percent = round(100 * e.required_done / e.required_total) if e.required_total else 0
    return enrollments


def next_session_for(*, user: User) -> Session | None:
    return (
        Session.objects.upcoming()
        .filter(
            cohort__enrollments__user=user, cohort__enrollments__status=Enrollment.Status.ENROLLED
        )
        .select_related("cohort")
        .first()
    )


def staff_cohorts(*, program: str = "", status: str = "", chapter: str = "", page: int = 1) -> Page:
    cohorts: QuerySet[Cohort] = (
        Cohort.objects.select_related("program")
        .with_seat_counts()
        .prefetch_related(
            Prefetch("facilitators", queryset=User.objects.only("id", "full_name", "email"))
        )
        .order_by("-starts_on", "name")
    )
    if program:
        cohorts = cohorts.filter(program__slug=program)
    if status in Cohort.Status.values:
        cohorts = cohorts.filter(status=status)
    if chapter:
        cohorts = cohorts.filter(chapter=chapter)
    return Paginator(cohorts, 25).get_page(page)


# --- Progress ----------------------------------------------------------------------------


def required_lessons(program_id: int):
    return Lesson.objects.filter(
        module__program_id=program_id, required=True, module__required=True
    )


def attendance_summary(*, enrollment: Enrollment, now=None) -> AttendanceSummary:
    now = now or timezone.now()
    sessions = Session.objects.filter(
        cohort_id=enrollment.cohort_id, cancelled_at__isnull=True
    ).aggregate(
        held=Count("pk", filter=Q(starts_at__lte=now)),
        remaining=Count("pk", filter=Q(starts_at__gt=now)),
    )
    marks = Attendance.objects.filter(
        enrollment=enrollment, session__cancelled_at__isnull=True, session__starts_at__lte=now
    ).aggregate(
        excused=Count("pk", filter=Q(status=Attendance.Status.EXCUSED)),
        attended=Count("pk", filter=Q(status__in=Attendance.ATTENDED)),
    )
    return AttendanceSummary(
        held=sessions["held"],
        excused=marks["excused"],
        attended=marks["attended"],
        remaining=sessions["remaining"],
    )


def policy_status(*, enrollment: Enrollment, now=None) -> PolicyStatus:
    cohort = enrollment.cohort
    required = required_lessons(cohort.program_id)
    return PolicyStatus(
        required_total=required.count(),
        required_done=LessonProgress.objects.filter(
            enrollment=enrollment, completed_at__isnull=False, lesson__in=required
        ).count(),
        attendance=attendance_summary(enrollment=enrollment, now=now),
        min_attendance=cohort.min_attendance_percent,
        requires_signoff=cohort.requires_signoff,
        signed_off=enrollment.signed_off_at is not None,
    )


@dataclass
class OutlineLesson:
    lesson: Lesson
    progress: LessonProgress | None
    unlocked: bool

    @property
    def done(self) -> bool:
        return self.progress is not None and self.progress.completed_at is not None


@dataclass
class OutlineModule:
    module: Module
    lessons: list[OutlineLesson]

    @property
    def percent(self) -> int:
        counted = [item for item in self.lessons if item.lesson.required] or self.lessons
        return round(100 * sum(item.done for item in counted) / len(counted)) if counted else 0


@dataclass
class LearnerOutline:
    modules: list[OutlineModule]

    def items(self) -> list[OutlineLesson]:
        return [item for m in self.modules for item in m.lessons]

    @property
    def percent(self) -> int:
        """Share of required lessons done (the completion policy's measure)."""
        required = [
            i for m in self.modules if m.module.required for i in m.lessons if i.lesson.required
        ]
        return round(100 * sum(i.done for i in required) / len(required)) if required else 0

    def next_item(self) -> OutlineLesson | None:
        """Continue where you left off: the first unlocked lesson not done."""
        return next((i for i in self.items() if i.unlocked and not i.done), None)

    def find(self, lesson_id: int) -> OutlineLesson | None:
        return next((i for i in self.items() if i.lesson.pk == lesson_id), None)


def learner_outline(*, enrollment: Enrollment) -> LearnerOutline:
    """Modules and lessons with this person's progress and locks: three queries."""
    modules = list(
        Module.objects.filter(program_id=enrollment.cohort.program_id)
        .order_by("position")
        .prefetch_related(
            Prefetch(
                "lessons",
                queryset=Lesson.objects.order_by("position").defer(
                    "body", "body_html", "transcript"
                ),
            )
        )
    )
    progress = {p.lesson_id: p for p in LessonProgress.objects.filter(enrollment=enrollment)}
    sequential = enrollment.cohort.sequential
    outline, blocked = [], False
    for module in modules:
        items = []
        for lesson in module.lessons.all():
            item = OutlineLesson(
                lesson, progress.get(lesson.pk), unlocked=not (sequential and blocked)
            )
            if lesson.required and module.required and not item.done:
                blocked = True
            items.append(item)
        outline.append(OutlineModule(module, items))
    return LearnerOutline(outline)


def lesson_is_unlocked(*, enrollment: Enrollment, lesson) -> bool:
    item = learner_outline(enrollment=enrollment).find(lesson.pk)
    return item is not None and item.unlocked
