"""Emails about enrollments, sessions and announcements.

The services call these after commit (``transaction.on_commit``) with primary keys, so a
rolled-back change never sends anything. Each message goes to one person at a time, in
their language and time zone (``academy.mail.send_to_user``).

The change a message reports has already been committed when it is sent, so a failure to
deliver one message is logged and never stops the others (nor turns a saved enrollment
into an error page).
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from academy.mail import send_to_user, zone_of
from cohorts.models import (
    Announcement,
    Cohort,
    Enrollment,
    EnrollmentTransition,
    Session,
    SessionReminder,
)

logger = logging.getLogger(__name__)

S = Enrollment.Status

# Every enrollment event and the template of the email its participant receives.
ENROLLMENT_EVENTS = frozenset(
    {
        "enrolled",
        "applied",
        "approved",
        "declined",
        "waitlisted",
        "promoted",
        "invited",
        "moved",
        "completed",
    }
)

REMINDER_WINDOW = timedelta(hours=24)


def _site_url() -> str:
    return settings.SITE_URL.rstrip("/")


def _cohort_url(cohort: Cohort) -> str:
    return f"{_site_url()}/cohorts/{cohort.slug}/"


def _send(
    message: str,
    user,
    context: dict,
    *,
    reply_to: list[str] | None = None,
    mailer: BaseEmailBackend | None = None,
) -> bool:
    """Send one message; log (and report False) instead of raising when it fails."""
    try:
        send_to_user(
            template=f"cohorts/email/{message}",
            user=user,
            context=context,
            reply_to=reply_to,
            mailer=mailer,
        )
    except Exception:
        logger.exception("Could not send the %r email to user %s.", message, user.pk)
        if mailer is not None:
            mailer.close()  # the next message opens a fresh connection
        return False
    return True


def _when(session: Session, cohort: Cohort, user) -> dict:
    return _when_at(session.starts_at, session.ends_at, cohort, user)


def _when_at(starts_at: datetime, ends_at: datetime, cohort: Cohort, user) -> dict:
    """A start and end in the recipient's zone, and in the cohort's zone when that shows a
    different clock time."""
    user_zone, cohort_zone = zone_of(user.time_zone), zone_of(cohort.time_zone)
    starts = timezone.localtime(starts_at, user_zone)
    cohort_starts = timezone.localtime(starts_at, cohort_zone)
    return {
        "starts": starts,
        "ends": timezone.localtime(ends_at, user_zone),
        "cohort_starts": cohort_starts,
        "cohort_ends": timezone.localtime(ends_at, cohort_zone),
        "show_cohort_zone": starts.utcoffset() != cohort_starts.utcoffset(),
        "same_day": starts.date() == cohort_starts.date(),
    }


def _waitlist_position(enrollment: Enrollment) -> int | None:
    if enrollment.status != S.WAITLISTED or enrollment.waitlisted_at is None:
        return None
    return Enrollment.objects.filter(
        cohort_id=enrollment.cohort_id,
        status=S.WAITLISTED,
        waitlisted_at__lte=enrollment.waitlisted_at,
    ).count()


def enrollment_event(*, enrollment_id: int, event: str) -> None:
    """Tell the participant what happened to their enrollment (and, for a new application,
    the cohort's facilitators)."""
    if event not in ENROLLMENT_EVENTS:
        raise ValueError(f"Unknown enrollment event: {event!r}")
    enrollment = Enrollment.objects.select_related("user", "cohort__program").get(pk=enrollment_id)
    cohort, user = enrollment.cohort, enrollment.user
    context = {
        "enrollment": enrollment,
        "cohort": cohort,
        "program": cohort.program,
        "cohort_url": _cohort_url(cohort),
    }
    if event == "waitlisted":
        context["position"] = _waitlist_position(enrollment)
    elif event == "declined":
        from_status = (
            EnrollmentTransition.objects.filter(enrollment=enrollment, to_status=S.DECLINED)
            .order_by("-at", "-pk")
            .values_list("from_status", flat=True)
            .first()
        )
        context["was_invited"] = from_status == S.INVITED
        context["catalog_url"] = _site_url() + reverse("modules:catalog")
    elif event == "invited":
        context["invitation_url"] = f"{_site_url()}/cohorts/{cohort.slug}/invitation/"
        context["needs_password"] = not user.has_usable_password()
        context["password_url"] = f"{_site_url()}/accounts/password/reset/"
    elif event == "moved":
        previous = Enrollment.objects.filter(moved_to=enrollment).select_related("cohort").first()
        context["previous_cohort"] = previous.cohort if previous else None

    _send(event, user, context)

    if event == "applied":
        review_url = f"{_site_url()}/facilitate/{cohort.slug}/"
        for facilitator in cohort.facilitators.filter(is_active=True):
            _send(
                "application_waiting",
                facilitator,
                {**context, "applicant": user, "review_url": review_url},
            )


def reflection_feedback(*, progress_id: int) -> None:
    """Tell a participant that a facilitator responded to their reflection."""
    from cohorts.models import LessonProgress

    progress = LessonProgress.objects.select_related(
        "enrollment__user", "enrollment__cohort__program", "lesson", "feedback_by"
    ).get(pk=progress_id)
    cohort = progress.enrollment.cohort
    _send(
        "reflection_feedback",
        progress.enrollment.user,
        {
            "progress": progress,
            "cohort": cohort,
            "lesson_url": f"{_site_url()}/cohorts/{cohort.slug}/learn/{progress.lesson_id}/",
        },
    )


def _enrolled():
    """Enrolled participants (with their user), the people cohort emails go to."""
    return (
        Enrollment.objects.filter(status=S.ENROLLED, user__is_active=True)
        .select_related("user")
        .order_by("pk")
    )


def _email_session(message: str, session: Session, extra=lambda user: {}) -> int:
    """Send `message` about `session` to everyone it concerns (the enrolled participants and
    the active facilitators, each once), with its time in each one's zone and `extra(user)`,
    over one mail connection. Returns the number sent."""
    cohort = session.cohort
    recipients = {e.user.pk: (e.user, False) for e in _enrolled().filter(cohort=cohort)}
    for facilitator in cohort.facilitators.filter(is_active=True):
        recipients[facilitator.pk] = (facilitator, True)
    cohort_url = _cohort_url(cohort)
    sent = 0
    with mailers.default as mailer:
        for user, is_facilitator in recipients.values():
            context = {
                "session": session,
                "cohort": cohort,
                "cohort_url": cohort_url,
                "when": _when(session, cohort, user),
                "is_facilitator": is_facilitator,
                **extra(user),
            }
            sent += _send(message, user, context, mailer=mailer)
    return sent


def session_changed(*, session_id: int, previous_starts_at: str, previous_ends_at: str) -> int:
    """Tell everyone concerned that a session's time or place changed, with the time it was
    (ISO strings, as the task queue keeps them). Nothing for a session since cancelled or
    over. Returns the number of emails sent (cohorts.tasks sends it from a worker)."""
    session = Session.objects.select_related("cohort").get(pk=session_id)
    if session.is_cancelled or session.ends_at <= timezone.now():
        return 0
    was = (datetime.fromisoformat(previous_starts_at), datetime.fromisoformat(previous_ends_at))
    if was == (session.starts_at, session.ends_at):  # a new link or place: no old time
        return _email_session("session_changed", session)
    return _email_session(
        "session_changed", session, lambda user: {"was": _when_at(*was, session.cohort, user)}
    )


def session_cancelled(*, session_id: int) -> int:
    """Tell the enrolled participants and the facilitators that a session will not happen.
    Returns the number of emails sent (cohorts.tasks sends it from a worker)."""
    session = Session.objects.select_related("cohort").get(pk=session_id)
    if not session.is_cancelled:
        return 0
    return _email_session("session_cancelled", session)


def announcement_posted(*, announcement_id: int) -> int:
    """Email an announcement to the cohort's enrolled participants; replies go to its author.
    Returns the number of emails sent (cohorts.tasks sends it from a worker)."""
    announcement = Announcement.objects.select_related("cohort", "author").get(pk=announcement_id)
    cohort = announcement.cohort
    context = {"announcement": announcement, "cohort": cohort, "cohort_url": _cohort_url(cohort)}
    reply_to = [announcement.author.email]
    sent = 0
    with mailers.default as mailer:
        for enrollment in _enrolled().filter(cohort=cohort):
            sent += _send(
                "announcement", enrollment.user, context, reply_to=reply_to, mailer=mailer
            )
    return sent


def send_session_reminders(*, now: datetime | None = None) -> int:
    """Remind everyone enrolled about each session starting within the next 24 hours, once.

    Idempotent: a SessionReminder row (unique per session and enrollment) is created,
    and committed, before the email is sent, and only the run that created it sends.
    Delivery is therefore *at most once*: two workers running at the same time, or a run
    retried after a crash, never send a second reminder; the price is that a process
    killed between the commit and the send leaves that person without a reminder. When
    sending fails with an error the row is deleted again, so the next run tries again.

    Call it outside a transaction (as the management command does): inside one, the rows
    are not committed before sending and the guarantee above does not hold.

    Queries: the sessions (with cohort, module and enrolled people, prefetched), the
    reminders already sent, then only the get_or_create for the people still to remind.
    Returns the number of emails sent.
    """
    now = now or timezone.now()
    sessions = list(
        Session.objects.scheduled()
        .filter(starts_at__gt=now, starts_at__lte=now + REMINDER_WINDOW)
        .select_related("cohort", "module")
        .prefetch_related(
            Prefetch(
                "cohort__enrollments",
                queryset=_enrolled(),
                to_attr="reminder_enrollments",
            )
        )
        .order_by("starts_at", "pk")
    )
    if not sessions:
        return 0
    already = set(
        SessionReminder.objects.filter(session__in=[s.pk for s in sessions]).values_list(
            "session_id", "enrollment_id"
        )
    )
    sent = 0
    for session in sessions:
        cohort = session.cohort
        cohort_url = _cohort_url(cohort)
        for enrollment in cohort.reminder_enrollments:
            if (session.pk, enrollment.pk) in already:
                continue
            with transaction.atomic():
                reminder, created = SessionReminder.objects.get_or_create(
                    session=session, enrollment=enrollment
                )
            if not created:
                continue  # another run got there first
            user = enrollment.user
            context = {
                "session": session,
                "cohort": cohort,
                "cohort_url": cohort_url,
                "when": _when(session, cohort, user),
            }
            if _send("session_reminder", user, context):
                sent += 1
            else:
                reminder.delete()
    return sent
