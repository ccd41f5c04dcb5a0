"""Reads composed for cohort pages, each a fixed number of queries."""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    CharField,
    Count,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
    Value,
)
from django.db.models.functions import Cast
from django.utils import timezone

from academy import fragments
from academy.models import User
from cohorts.models import Announcement, Attendance, Cohort, Enrollment, LessonProgress, Session
from cohorts.policy import AttendanceSummary, PolicyStatus
from modules import selectors as curriculum
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


@dataclass(frozen=True)
class NextSession:
    """A cohort's next live session, as the dashboard shows it."""

    title: str
    starts_at: datetime
    ends_at: datetime
    online_url: str
    location: str
    cohort: Cohort


def member_enrollments(*, user: User) -> list[Enrollment]:
    """A participant's current and past places, each with its cohort's next live session
    (`next_session`, `next_session_at`), their share of required lessons done (`percent`) and
    the next lesson to do: one query, plus the programs' lessons (from the fragments cache)."""
    upcoming = Session.objects.filter(
        cohort=OuterRef("cohort"), cancelled_at__isnull=True, ends_at__gt=timezone.now()
    ).order_by("starts_at")
    enrollments = list(
        Enrollment.objects.filter(user=user)
        .exclude(status__in=[Enrollment.Status.DECLINED])
        .select_related("cohort__program")
        .only(
            "status",
            "cohort",
            "cohort__program",
            "cohort__name",
            "cohort__slug",
            "cohort__starts_on",
            "cohort__program__title",
        )
        .annotate(
            **{
                f"next_session_{name}": Subquery(upcoming.values(name)[:1])
                for name in ("title", "starts_at", "ends_at", "online_url", "location")
            },
            done_lessons=Subquery(
                LessonProgress.objects.filter(enrollment=OuterRef("pk"), completed_at__isnull=False)
                .order_by()
                .values("enrollment")
                .annotate(ids=StringAgg(Cast("lesson_id", CharField()), Value(",")))
                .values("ids")
            ),
        )
        .order_by("-cohort__starts_on")
    )
    steps = curriculum.program_steps({e.cohort.program_id for e in enrollments})
    for e in enrollments:
        e.next_session_at = e.next_session_starts_at
        e.next_session = (
            NextSession(
                title=e.next_session_title,
                starts_at=e.next_session_starts_at,
                ends_at=e.next_session_ends_at,
                online_url=e.next_session_online_url,
                location=e.next_session_location,
                cohort=e.cohort,
            )
            if e.next_session_starts_at
            else None
        )
        done = {int(pk) for pk in (e.done_lessons or "").split(",") if pk}
        program = steps.get(e.cohort.program_id, [])
        required = [step.pk for step in program if step.counts]
        e.required_total, e.required_done = len(required), len(done.intersection(required))
        e.percent = round(100 * e.required_done / e.required_total) if e.required_total else 0
        following = next((step for step in program if step.pk not in done), None)
        e.next_lesson_id = following.pk if following else None
        e.next_lesson_title = following.title if following else None
    return enrollments


# Tables are the models' own names, formatted in once; every value is a parameter. One row per
# enrollment; counts (completed lessons, sessions and their iCalendar sequence) catch what a
# clock could miss. Simple correlated subqueries: PostgreSQL plans them in a fraction of the
# time semi-joins take.
MEMBER_FINGERPRINT_SQL = """
    SELECT e.id, e.status, e.updated_at, c.updated_at,
      (SELECT COUNT(completed_at) || '/' || MAX(updated_at) FROM {progress}
        WHERE enrollment_id = e.id),
      (SELECT COUNT(*) || '/' || SUM(sequence) || '/' || MAX(updated_at) || '/' || COALESCE(
          CAST(MIN(CASE WHEN cancelled_at IS NULL AND ends_at > %(now)s THEN ends_at END)
            AS VARCHAR(40)), '-')
        FROM {session} WHERE cohort_id = e.cohort_id)
    FROM {enrollment} e JOIN {cohort} c ON c.id = e.cohort_id
    WHERE e.user_id = %(user)s
    ORDER BY e.id
"""


def member_fingerprint(*, user: User, now: datetime | None = None) -> tuple:
    """Changes whenever this person's own data may have: one of their enrollments (which
    seats they hold, exactly), their progress, their cohorts or those cohorts' sessions was
    saved, or one of those sessions ended (the next one is another then). The curriculum is
    not in it. One query; the dashboard keeps its panel under it."""
    sql = MEMBER_FINGERPRINT_SQL.format(
        enrollment=Enrollment._meta.db_table,
        progress=LessonProgress._meta.db_table,
        cohort=Cohort._meta.db_table,
        session=Session._meta.db_table,
    )
    with connection.cursor() as cursor:
        now = connection.ops.adapt_datetimefield_value(now or timezone.now())
        cursor.execute(sql, {"user": user.pk, "now": now})
        return tuple(cursor.fetchall())


SEAT_FINGERPRINT_SQL = """
    SELECT e.id, e.status, e.updated_at, c.updated_at,
      (SELECT COUNT(completed_at) || '/' || MAX(updated_at) FROM {progress}
        WHERE enrollment_id = e.id)
    FROM {enrollment} e JOIN {cohort} c ON c.id = e.cohort_id
    WHERE e.user_id = %(user)s AND c.slug = %(slug)s
"""


def seat_fingerprint(*, user: User, slug: str) -> tuple:
    """`member_fingerprint` for one cohort, without its sessions: what the lesson player
    reads of a seat (its status, cohort and progress). One query."""
    sql = SEAT_FINGERPRINT_SQL.format(
        enrollment=Enrollment._meta.db_table,
        progress=LessonProgress._meta.db_table,
        cohort=Cohort._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"user": user.pk, "slug": slug})
        return tuple(cursor.fetchall())


def _digest(fingerprint: tuple) -> str:
    return hashlib.sha256(repr(fingerprint).encode()).hexdigest()[:24]


def member_digest(user: User) -> str:
    """`member_fingerprint` as a short key."""
    return _digest(member_fingerprint(user=user))


def member_seat(*, user: User, slug: str) -> Enrollment | None:
    """This person's seat (enrolled or completed) in the cohort, with its cohort, program,
    progress rows (`progress_rows`) and the program's outline (`program_outline`), or None.
    With the fragments cache, kept under `seat_fingerprint` and the curriculum's version:
    saving the enrollment, the cohort or the progress makes it stale, so a withdrawn seat is
    gone at once. For pages that only read."""

    def build() -> Enrollment | None:
        enrollment = (
            Enrollment.objects.select_related("cohort__program")
            .filter(cohort__slug=slug, user=user, status__in=Enrollment.SEAT_HOLDING)
            .first()
        )
        if enrollment is not None:
            enrollment.progress_rows = list(LessonProgress.objects.filter(enrollment=enrollment))
            program_id = enrollment.cohort.program_id
            enrollment.program_outline = curriculum.program_outlines([program_id])[program_id]
        return enrollment

    if not fragments.enabled():
        return build()
    key = f"seat:{user.pk}:{slug}:{_digest(seat_fingerprint(user=user, slug=slug))}"
    return fragments.cached(curriculum.CURRICULUM, key, build)


def next_session_of(enrollments: list[Enrollment]) -> NextSession | None:
    """The first upcoming live session of the cohorts someone is enrolled in (from
    `member_enrollments`)."""
    sessions = [
        e.next_session
        for e in enrollments
        if e.status == Enrollment.Status.ENROLLED and e.next_session is not None
    ]
    return min(sessions, key=lambda s: s.starts_at, default=None)


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


def policy_statuses(
    *, cohort: Cohort, enrollments: list[Enrollment], now=None
) -> dict[int, PolicyStatus]:
    """Where each enrollment of `cohort` stands against its completion policy, by enrollment
    id: four queries however many enrollments (the bulk certificate preview asks for 500)."""
    now = now or timezone.now()
    ids = [e.pk for e in enrollments]
    required = required_lessons(cohort.program_id)
    required_total = required.count()
    done = dict(
        LessonProgress.objects.filter(
            enrollment__in=ids, completed_at__isnull=False, lesson__in=required
        )
        .values("enrollment")
        .annotate(n=Count("pk"))
        .values_list("enrollment", "n")
    )
    sessions = Session.objects.filter(cohort=cohort, cancelled_at__isnull=True).aggregate(
        held=Count("pk", filter=Q(starts_at__lte=now)),
        remaining=Count("pk", filter=Q(starts_at__gt=now)),
    )
    marks = {
        row["enrollment"]: row
        for row in Attendance.objects.filter(
            enrollment__in=ids, session__cancelled_at__isnull=True, session__starts_at__lte=now
        )
        .values("enrollment")
        .annotate(
            excused=Count("pk", filter=Q(status=Attendance.Status.EXCUSED)),
            attended=Count("pk", filter=Q(status__in=Attendance.ATTENDED)),
        )
    }
    no_marks = {"excused": 0, "attended": 0}
    return {
        e.pk: PolicyStatus(
            required_total=required_total,
            required_done=done.get(e.pk, 0),
            attendance=AttendanceSummary(
                held=sessions["held"],
                excused=marks.get(e.pk, no_marks)["excused"],
                attended=marks.get(e.pk, no_marks)["attended"],
                remaining=sessions["remaining"],
            ),
            min_attendance=cohort.min_attendance_percent,
            requires_signoff=cohort.requires_signoff,
            signed_off=e.signed_off_at is not None,
        )
        for e in enrollments
    }


def policy_status(*, enrollment: Enrollment, now=None) -> PolicyStatus:
    return policy_statuses(cohort=enrollment.cohort, enrollments=[enrollment], now=now)[
        enrollment.pk
    ]


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


def _progress(enrollment: Enrollment) -> list[LessonProgress]:
    rows = getattr(enrollment, "progress_rows", None)  # read with the seat (member_seat)
    if rows is None:
        rows = list(LessonProgress.objects.filter(enrollment=enrollment))
    return rows


def learner_outline(*, enrollment: Enrollment) -> LearnerOutline:
    """Modules and lessons with this person's progress and locks: three queries (none for
    the outline when the fragments cache has it, none for the progress of a `member_seat`)."""
    modules = getattr(enrollment, "program_outline", None)  # read with the seat
    if modules is None:
        program_id = enrollment.cohort.program_id
        modules = curriculum.program_outlines([program_id])[program_id]
    progress = {p.lesson_id: p for p in _progress(enrollment)}
    sequential = enrollment.cohort.sequential
    outline, blocked = [], False
    for module in modules:
        items = []
        for lesson in module.lessons:
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
