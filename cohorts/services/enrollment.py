"""Every write to cohorts, sessions and enrollments. Callers are authorised already.

Seats: any change that can take or free a seat locks the cohort row first
(`SELECT … FOR UPDATE`), so simultaneous requests on PostgreSQL never exceed capacity.
Emails go out after commit (`transaction.on_commit`), never for a rolled-back change.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from academy import audit
from academy.models import User
from academy.validators import validate_no_control_characters
from cohorts import notifications, tasks
from cohorts.models import (
    Announcement,
    CalendarToken,
    Cohort,
    Enrollment,
    EnrollmentTransition,
    Session,
)
from modules.markdown import render_markdown

S = Enrollment.Status

# The state machine from DESIGN.md; anything else is refused.
TRANSITIONS: dict[str, set[str]] = {
    "": {S.APPLIED, S.INVITED, S.ENROLLED, S.WAITLISTED},
    S.APPLIED: {S.ENROLLED, S.WAITLISTED, S.DECLINED},
    S.INVITED: {S.ENROLLED, S.DECLINED},
    S.WAITLISTED: {S.ENROLLED},
    S.ENROLLED: {S.WITHDRAWN, S.COMPLETED},
    # Back to enrolled only when a correction un-meets the policy before a certificate exists.
    S.COMPLETED: {S.ENROLLED},
    S.DECLINED: set(),
    S.WITHDRAWN: set(),
}

COHORT_FIELDS = (
    "program",
    "name",
    "slug",
    "starts_on",
    "ends_on",
    "time_zone",
    "capacity",
    "enrollment_mode",
    "enrollment_opens_at",
    "enrollment_closes_at",
    "application_questions",
    "chapter",
    "status",
    "min_attendance_percent",
    "requires_signoff",
    "sequential",
)
SESSION_FIELDS = (
    "title",
    "starts_at",
    "ends_at",
    "online_url",
    "location",
    "module",
    "notes",
    "recording_url",
)


def _notify(enrollment: Enrollment, event: str) -> None:
    transaction.on_commit(
        partial(notifications.enrollment_event, enrollment_id=enrollment.pk, event=event)
    )


def _lock(cohort: Cohort) -> Cohort:
    return Cohort.objects.select_for_update().get(pk=cohort.pk)


def _seats_left(cohort: Cohort) -> int:
    return cohort.capacity - cohort.enrollments.filter(status__in=Enrollment.SEAT_HOLDING).count()


def _move(enrollment: Enrollment, to: str, *, actor: User | None, note: str = "") -> Enrollment:
    """Apply one transition of the state machine and record it."""
    if to not in TRANSITIONS[enrollment.status]:
        raise ValidationError(
            _("An enrollment that is “%(from)s” cannot become “%(to)s”.")
            % {"from": enrollment.get_status_display(), "to": S(to).label}
        )
    now = timezone.now()
    previous = enrollment.status
    enrollment.status = to
    if to == S.WAITLISTED:
        enrollment.waitlisted_at = now
    if to == S.ENROLLED:
        enrollment.enrolled_at = now
    if to in {S.WITHDRAWN, S.DECLINED, S.COMPLETED}:
        enrollment.ended_at = now
    enrollment.save()
    EnrollmentTransition.objects.create(
        enrollment=enrollment, from_status=previous, to_status=to, actor=actor, note=note, at=now
    )
    if actor is not None and actor.pk != enrollment.user_id:
        # Someone else (staff or a facilitator) changed this person's record.
        audit.record(
            actor=actor,
            action=f"enrollment.{to}",
            obj=enrollment,
            subject=enrollment.user,
            summary=f"{enrollment.user} · {enrollment.cohort}: {previous or 'new'} → {to}"
            + (f" ({note})" if note else ""),
            before={"status": previous},
            after={"status": to},
        )
    return enrollment


def _start(cohort: Cohort, user: User, status: str, *, actor: User | None, **fields) -> Enrollment:
    if Enrollment.objects.filter(cohort=cohort, user=user).exists():
        raise ValidationError(_("%(name)s already has a place in this cohort.") % {"name": user})
    enrollment = Enrollment(cohort=cohort, user=user, status="", **fields)
    return _move(enrollment, status, actor=actor)


def _take_seat_or_wait(
    cohort: Cohort, enrollment_or_user, *, actor: User | None, starting: bool
) -> Enrollment:
    to = S.ENROLLED if _seats_left(cohort) > 0 else S.WAITLISTED
    if starting:
        return _start(cohort, enrollment_or_user, to, actor=actor)
    return _move(enrollment_or_user, to, actor=actor)


def _promote_waitlist(cohort: Cohort, *, actor: User | None) -> list[Enrollment]:
    """First in, first out, while seats are free. The caller holds the cohort lock."""
    promoted = []
    free = _seats_left(cohort)
    if free <= 0:
        return promoted
    waiting = cohort.enrollments.filter(status=S.WAITLISTED).order_by("waitlisted_at", "pk")[:free]
    for enrollment in waiting:
        _move(enrollment, S.ENROLLED, actor=actor, note=_("Promoted from the waitlist."))
        _notify(enrollment, "promoted")
        promoted.append(enrollment)
    return promoted


def _check_open(cohort: Cohort, mode: str) -> None:
    if not cohort.is_enrollment_open():
        raise ValidationError(_("Enrollment in this cohort is closed."))
    if cohort.enrollment_mode != mode:
        raise ValidationError(
            _("This cohort takes participants by %(mode)s.")
            % {"mode": cohort.get_enrollment_mode_display().lower()}
        )


# --- Enrollment ---------------------------------------------------------------------


@transaction.atomic
def enrollment_self_enroll(*, cohort: Cohort, user: User) -> Enrollment:
    """Open cohorts: a seat if one is free, the waitlist otherwise."""
    cohort = _lock(cohort)
    _check_open(cohort, Cohort.EnrollmentMode.OPEN)
    enrollment = _take_seat_or_wait(cohort, user, actor=user, starting=True)
    _notify(enrollment, enrollment.status)
    return enrollment


@transaction.atomic
def enrollment_apply(*, cohort: Cohort, user: User, answers: list[dict]) -> Enrollment:
    cohort = _lock(cohort)
    _check_open(cohort, Cohort.EnrollmentMode.APPLICATION)
    enrollment = _start(cohort, user, S.APPLIED, actor=user, application_answers=answers)
    _notify(enrollment, "applied")
    return enrollment


@transaction.atomic
def enrollment_approve(*, enrollment: Enrollment, actor: User, message: str = "") -> Enrollment:
    cohort = _lock(enrollment.cohort)
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.status != S.APPLIED:
        raise ValidationError(_("Only applications can be approved."))
    enrollment.decision_message = message
    enrollment = _take_seat_or_wait(cohort, enrollment, actor=actor, starting=False)
    _notify(enrollment, "approved" if enrollment.status == S.ENROLLED else "waitlisted")
    return enrollment


@transaction.atomic
def enrollment_decline(*, enrollment: Enrollment, actor: User, message: str = "") -> Enrollment:
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    enrollment.decision_message = message
    enrollment = _move(enrollment, S.DECLINED, actor=actor, note=message)
    _notify(enrollment, "declined")
    return enrollment


@transaction.atomic
def enrollment_accept_invitation(*, enrollment: Enrollment) -> Enrollment:
    cohort = _lock(enrollment.cohort)
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.status != S.INVITED:
        raise ValidationError(_("This invitation is no longer open."))
    if _seats_left(cohort) <= 0:
        raise ValidationError(
            _("The cohort is full. Academy staff have been told; they will be in touch.")
        )
    enrollment = _move(enrollment, S.ENROLLED, actor=enrollment.user)
    _notify(enrollment, "enrolled")
    return enrollment


@transaction.atomic
def enrollment_withdraw(*, enrollment: Enrollment, actor: User, note: str = "") -> Enrollment:
    """Leave the cohort; the freed seat goes to the first person on the waitlist."""
    cohort = _lock(enrollment.cohort)
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    enrollment = _move(enrollment, S.WITHDRAWN, actor=actor, note=note)
    _promote_waitlist(cohort, actor=actor)
    return enrollment


@transaction.atomic
def enrollment_move(*, enrollment: Enrollment, to_cohort: Cohort, actor: User) -> Enrollment:
    """Move a participant to another cohort of the same program. Both rows are kept."""
    if to_cohort.program_id != enrollment.cohort.program_id:
        raise ValidationError(_("Participants can only move to a cohort of the same program."))
    if to_cohort.pk == enrollment.cohort_id:
        raise ValidationError(_("That is the cohort they are in."))
    # Lock both cohorts in a fixed order so two opposite moves cannot deadlock.
    first, second = sorted([enrollment.cohort, to_cohort], key=lambda c: c.pk)
    locked = {c.pk: _lock(c) for c in (first, second)}
    source, target = locked[enrollment.cohort_id], locked[to_cohort.pk]
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.status != S.ENROLLED:
        raise ValidationError(_("Only enrolled participants can be moved."))
    new = _take_seat_or_wait(target, enrollment.user, actor=actor, starting=True)
    _move(
        enrollment,
        S.WITHDRAWN,
        actor=actor,
        note=_("Moved to %(cohort)s.") % {"cohort": target.name},
    )
    enrollment.moved_to = new
    enrollment.save(update_fields=["moved_to", "updated_at"])
    _notify(new, "moved" if new.status == S.ENROLLED else "waitlisted")
    _promote_waitlist(source, actor=actor)
    return new


@transaction.atomic
def enrollment_invite(*, cohort: Cohort, email: str, full_name: str, actor: User) -> Enrollment:
    """Invite someone by email, creating their account if needed; they claim it through
    the emailed link (allauth password reset sets their password and verifies the address)."""
    cohort = _lock(cohort)
    email = User.objects.normalize_email(email).strip().lower()
    validate_email(email)
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None, full_name=full_name.strip())
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    enrollment = _start(cohort, user, S.INVITED, actor=actor)
    _notify(enrollment, "invited")
    return enrollment


@dataclass
class ImportResult:
    invited: list[Enrollment] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


MAX_IMPORT_ROWS = 500
EMAIL_MAX_LENGTH = User._meta.get_field("email").max_length


def invitations_import_csv(*, cohort: Cohort, data: bytes, actor: User) -> ImportResult:
    """CSV with columns name,email (a header row is optional). All or nothing: any bad row
    and nothing is written; every error is reported with its row number."""
    result = ImportResult()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.errors.append(
            (0, _("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again."))
        )
        return result
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = list(reader)
    except csv.Error:  # e.g. a field longer than csv's limit
        result.errors.append(
            (reader.line_num, _("This line cannot be read as CSV. Save the file as “CSV UTF-8”."))
        )
        return result
    if rows and [c.strip().lower() for c in rows[0][:2]] in (
        ["name", "email"],
        ["full name", "email"],
    ):
        rows = [(i, r) for i, r in enumerate(rows[1:], start=2)]
    else:
        rows = list(enumerate(rows, start=1))
    rows = [(i, r) for i, r in rows if any(c.strip() for c in r)]
    if not rows:
        result.errors.append((0, _("The file has no rows.")))
        return result
    if len(rows) > MAX_IMPORT_ROWS:
        result.errors.append((0, _("At most %(n)s people per file.") % {"n": MAX_IMPORT_ROWS}))
        return result

    seen: dict[str, int] = {}
    already = {
        e.lower()
        for e in Enrollment.objects.filter(cohort=cohort).values_list("user__email", flat=True)
    }
    clean: list[tuple[str, str]] = []
    for number, row in rows:
        if len(row) < 2:
            result.errors.append((number, _("Expected two columns: name, email.")))
            continue
        name, email = row[0].strip(), row[1].strip().lower()
        if not name:
            result.errors.append((number, _("The name is missing.")))
        if len(name) > 150:
            result.errors.append((number, _("The name is longer than 150 characters.")))
        try:
            validate_no_control_characters(name)
        except ValidationError as exc:
            result.errors.extend((number, message) for message in exc.messages)
        try:
            validate_email(email)
        except ValidationError:
            result.errors.append(
                (number, _("“%(email)s” is not an email address.") % {"email": email[:100]})
            )
            continue
        if len(email) > EMAIL_MAX_LENGTH:
            result.errors.append(
                (
                    number,
                    _("The email address is longer than %(n)s characters.")
                    % {"n": EMAIL_MAX_LENGTH},
                )
            )
            continue
        if email in seen:
            result.errors.append(
                (
                    number,
                    _("%(email)s is also on row %(row)s.") % {"email": email, "row": seen[email]},
                )
            )
        elif email in already:
            result.errors.append(
                (number, _("%(email)s already has a place in this cohort.") % {"email": email})
            )
        seen.setdefault(email, number)
        clean.append((name, email))
    if result.errors:
        return result
    with transaction.atomic():
        for name, email in clean:
            result.invited.append(
                enrollment_invite(cohort=cohort, email=email, full_name=name, actor=actor)
            )
    return result


# --- Cohorts ------------------------------------------------------------------------


@transaction.atomic
def cohort_create(*, facilitators=(), **data) -> Cohort:
    cohort = Cohort(**{k: v for k, v in data.items() if k in COHORT_FIELDS})
    cohort.full_clean()
    cohort.save()
    cohort.facilitators.set(facilitators)
    return cohort


@transaction.atomic
def cohort_update(*, cohort: Cohort, data: dict) -> Cohort:
    cohort = _lock(cohort)
    for key in COHORT_FIELDS:
        if key in data:
            setattr(cohort, key, data[key])
    cohort.full_clean()
    cohort.save()
    if "facilitators" in data:
        cohort.facilitators.set(data["facilitators"])
    # A bigger room lets people in from the waitlist.
    _promote_waitlist(cohort, actor=None)
    return cohort


@transaction.atomic
def cohort_archive(*, cohort: Cohort) -> Cohort:
    cohort.status = Cohort.Status.ARCHIVED
    cohort.save(update_fields=["status", "updated_at"])
    return cohort


# --- Sessions -----------------------------------------------------------------------


@transaction.atomic
def session_create(
    *, cohort: Cohort, title: str, starts_at: datetime, ends_at: datetime, **fields
) -> Session:
    session = Session(cohort=cohort, title=title, starts_at=starts_at, ends_at=ends_at)
    for key in SESSION_FIELDS:
        if key in fields:
            setattr(session, key, fields[key])
    if session.module_id and session.module.program_id != cohort.program_id:
        raise ValidationError({"module": _("Choose a module of this cohort's program.")})
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def session_update(*, session: Session, data: dict) -> Session:
    if session.is_cancelled:
        raise ValidationError(_("A cancelled session cannot be changed."))
    # As stored: a form validating `session` has already set the new values on it.
    told = ("starts_at", "ends_at", "online_url", "location")
    before = Session.objects.values(*told).get(pk=session.pk)
    for key in SESSION_FIELDS:
        if key in data:
            setattr(session, key, data[key])
    if session.module_id and session.module.program_id != session.cohort.program_id:
        raise ValidationError({"module": _("Choose a module of this cohort's program.")})
    session.sequence += 1  # calendar apps replace the event they already have
    session.full_clean()
    session.save()
    # A new time, link or place for a session still to come: everyone concerned is told.
    # (Notes, a title or a recording added afterwards are not news worth an email.)
    if any(before[key] != getattr(session, key) for key in told) and (
        session.ends_at > timezone.now()
    ):
        transaction.on_commit(
            partial(
                tasks.send_session_changed.enqueue,
                session_id=session.pk,
                previous_starts_at=before["starts_at"].isoformat(),
                previous_ends_at=before["ends_at"].isoformat(),
            )
        )
    return session


@transaction.atomic
def session_cancel(*, session: Session) -> Session:
    if session.is_cancelled:
        return session
    session.cancelled_at = timezone.now()
    session.sequence += 1
    session.save(update_fields=["cancelled_at", "sequence", "updated_at"])
    # Marks on a cancelled session no longer count (progress imports this module: import here).
    from cohorts.services.progress import attendance_recount

    attendance_recount(Enrollment.objects.filter(attendance__session=session))
    transaction.on_commit(partial(tasks.send_session_cancelled.enqueue, session_id=session.pk))
    return session


# --- Announcements and calendar ----------------------------------------------------------


@transaction.atomic
def announcement_post(*, cohort: Cohort, author: User, title: str, body: str) -> Announcement:
    announcement = Announcement(
        cohort=cohort, author=author, title=title, body=body, body_html=render_markdown(body)
    )
    announcement.full_clean()
    announcement.save()
    transaction.on_commit(partial(tasks.send_announcement.enqueue, announcement_id=announcement.pk))
    return announcement


@transaction.atomic
def calendar_token_reset(*, user: User) -> CalendarToken:
    """A new secret: the old feed address stops working at once."""
    CalendarToken.objects.filter(user=user).delete()
    return CalendarToken.objects.create(user=user)


def calendar_token_for(user: User) -> CalendarToken:
    token, _created = CalendarToken.objects.get_or_create(user=user)
    return token
