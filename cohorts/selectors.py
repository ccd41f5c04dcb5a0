"""Reads composed for cohort pages, each a fixed number of queries."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from academy.models import User
from cohorts.models import Announcement, Cohort, Enrollment, Session
from modules.models import Program


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
        .prefetch_related("facilitators")
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
    """A participant's current and past places, with each cohort's next session time."""
    return list(
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
            )
        )
        .order_by("-cohort__starts_on")
    )


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
