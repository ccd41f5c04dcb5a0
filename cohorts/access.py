"""Scoped lookups: someone else's cohort is a 404, exactly like a missing one."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from cohorts.models import Cohort, Enrollment


def member_cohorts(user) -> QuerySet[Cohort]:
    """Cohorts where this person holds a seat (enrolled or completed)."""
    if not user.is_authenticated:
        return Cohort.objects.none()
    return Cohort.objects.filter(
        enrollments__user=user, enrollments__status__in=Enrollment.SEAT_HOLDING
    )


def viewable_cohorts(user) -> QuerySet[Cohort]:
    """Cohorts whose inside pages (schedule, announcements) this person may read."""
    if not user.is_authenticated or not user.is_active:
        return Cohort.objects.none()
    if user.is_staff:
        return Cohort.objects.all()
    return Cohort.objects.filter(
        Q(facilitators=user)
        | Q(enrollments__user=user, enrollments__status__in=Enrollment.SEAT_HOLDING)
    ).distinct()


def get_viewable_cohort(user, slug: str) -> Cohort:
    return get_object_or_404(viewable_cohorts(user), slug=slug)


def get_managed_cohort(user, slug: str) -> Cohort:
    return get_object_or_404(Cohort.objects.managed_by(user), slug=slug)
