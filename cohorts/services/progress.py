"""Progress writes: lessons, knowledge checks, reflections, attendance, sign-off — and the
completion evaluation each of them triggers (an event, never a nightly job)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Now
from django.utils import timezone
from django.utils.translation import gettext as _

from academy import audit
from academy.models import User
from academy.validators import validate_no_control_characters
from cohorts import notifications, selectors
from cohorts.models import Attendance, Enrollment, LessonProgress, Session
from cohorts.services.enrollment import _move
from modules.models import Lesson

S = Enrollment.Status
ACTIVE = (S.ENROLLED, S.COMPLETED)

# Predicates that keep a completed enrollment completed even if the policy stops being met
# (the certificates app registers "an active certificate exists").
_completion_locks: list[Callable[[Enrollment], bool]] = []


def register_completion_lock(predicate: Callable[[Enrollment], bool]) -> None:
    if predicate not in _completion_locks:
        _completion_locks.append(predicate)


@transaction.atomic
def evaluate_completion(*, enrollment: Enrollment, actor: User | None = None) -> Enrollment:
    """Move to completed when the policy is met, and back when a correction un-meets it
    (unless something, such as a certificate, has been built on the completion)."""
    enrollment = (
        Enrollment.objects.select_for_update().select_related("cohort").get(pk=enrollment.pk)
    )
    if enrollment.status not in ACTIVE:
        return enrollment
    met = selectors.policy_status(enrollment=enrollment).is_met
    if enrollment.status == S.ENROLLED and met:
        _move(enrollment, S.COMPLETED, actor=actor, note=_("Completion policy met."))
        transaction.on_commit(
            partial(notifications.enrollment_event, enrollment_id=enrollment.pk, event="completed")
        )
    elif (
        enrollment.status == S.COMPLETED
        and not met
        and not any(lock(enrollment) for lock in _completion_locks)
    ):
        enrollment.ended_at = None
        _move(
            enrollment,
            S.ENROLLED,
            actor=actor,
            note=_("Completion policy no longer met after a correction."),
        )
    return enrollment


def _check_lesson(enrollment: Enrollment, lesson: Lesson, *kinds: str) -> None:
    if enrollment.status not in ACTIVE:
        raise ValidationError(_("Only enrolled participants can work on lessons."))
    if lesson.module.program_id != enrollment.cohort.program_id:
        raise ValidationError(_("This lesson is not part of the cohort's program."))
    if kinds and lesson.kind not in kinds:
        raise ValidationError(_("This kind of lesson is completed another way."))
    if enrollment.cohort.sequential and not selectors.lesson_is_unlocked(
        enrollment=enrollment, lesson=lesson
    ):
        raise ValidationError(_("Finish the previous required lesson first."))


def _progress(enrollment: Enrollment, lesson: Lesson) -> LessonProgress:
    progress, _created = LessonProgress.objects.select_for_update().get_or_create(
        enrollment=enrollment, lesson=lesson
    )
    return progress


@transaction.atomic
def lesson_complete(*, enrollment: Enrollment, lesson: Lesson) -> LessonProgress:
    """Mark a reading, video or resource done. Repeating it changes nothing."""
    _check_lesson(enrollment, lesson, Lesson.Kind.READING, Lesson.Kind.VIDEO, Lesson.Kind.RESOURCE)
    progress = _progress(enrollment, lesson)
    if progress.completed_at is None:
        progress.completed_at = timezone.now()
        progress.save()
        evaluate_completion(enrollment=enrollment, actor=enrollment.user)
    return progress


@dataclass
class QuestionResult:
    question_id: int
    correct: bool
    chosen: set[int]
    correct_choices: set[int]
    explanation: str


@dataclass
class CheckResult:
    score: int
    passed: bool
    pass_mark: int
    attempts: int
    questions: list[QuestionResult] = field(default_factory=list)


@transaction.atomic
def knowledge_check_submit(
    *, enrollment: Enrollment, lesson: Lesson, answers: dict[int, set[int]]
) -> CheckResult:
    """Score a knowledge check (a question is right when exactly its correct answers are
    chosen). The best score counts; passing completes the lesson; retries are unlimited."""
    _check_lesson(enrollment, lesson, Lesson.Kind.KNOWLEDGE_CHECK)
    questions = list(lesson.questions.prefetch_related("choices"))
    if not questions:
        raise ValidationError(_("This knowledge check has no questions yet."))
    results = []
    for question in questions:
        correct = {c.pk for c in question.choices.all() if c.is_correct}
        chosen = set(answers.get(question.pk, set())) & {c.pk for c in question.choices.all()}
        results.append(
            QuestionResult(question.pk, chosen == correct, chosen, correct, question.explanation)
        )
    score = round(100 * sum(r.correct for r in results) / len(results))
    passed = score >= lesson.pass_mark
    progress = _progress(enrollment, lesson)
    progress.attempts += 1
    progress.score = max(score, progress.score or 0)
    newly_complete = passed and progress.completed_at is None
    if newly_complete:
        progress.completed_at = timezone.now()
    progress.save()
    if newly_complete:
        evaluate_completion(enrollment=enrollment, actor=enrollment.user)
    return CheckResult(score, passed, lesson.pass_mark, progress.attempts, results)


@transaction.atomic
def reflection_submit(*, enrollment: Enrollment, lesson: Lesson, text: str) -> LessonProgress:
    _check_lesson(enrollment, lesson, Lesson.Kind.REFLECTION)
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write your reflection before sending it.")})
    try:
        validate_no_control_characters(text)
    except ValidationError as exc:
        raise ValidationError({"text": exc}) from None
    progress = _progress(enrollment, lesson)
    first = progress.completed_at is None
    progress.reflection_text = text
    progress.reflection_submitted_at = timezone.now()
    progress.completed_at = progress.completed_at or progress.reflection_submitted_at
    progress.save()
    if first:
        evaluate_completion(enrollment=enrollment, actor=enrollment.user)
    return progress


@transaction.atomic
def reflection_feedback(*, progress: LessonProgress, actor: User, feedback: str) -> LessonProgress:
    feedback = feedback.strip()
    if not feedback:
        raise ValidationError({"feedback": _("Write your feedback before sending it.")})
    try:
        validate_no_control_characters(feedback)
    except ValidationError as exc:
        raise ValidationError({"feedback": exc}) from None
    if not progress.reflection_submitted_at:
        raise ValidationError(_("There is no reflection to respond to yet."))
    before = {"feedback": progress.feedback} if progress.feedback else {}
    progress.feedback, progress.feedback_by, progress.feedback_at = feedback, actor, timezone.now()
    progress.save()
    audit.record(
        actor=actor,
        action="reflection.feedback",
        obj=progress,
        subject=progress.enrollment.user,
        summary=f"Feedback on “{progress.lesson}” for {progress.enrollment.user}",
        before=before,
        after={"feedback": feedback},
    )
    transaction.on_commit(partial(notifications.reflection_feedback, progress_id=progress.pk))
    return progress


@transaction.atomic
def attendance_mark(
    *, session: Session, enrollment: Enrollment, status: str, actor: User
) -> Attendance:
    """Record (or correct) one person's attendance; the last write wins."""
    if status not in Attendance.Status.values:
        raise ValidationError(_("Unknown attendance status."))
    if session.cohort_id != enrollment.cohort_id or enrollment.status not in ACTIVE:
        raise ValidationError(_("This person is not enrolled in the session's cohort."))
    if session.is_cancelled:
        raise ValidationError(_("The session was cancelled."))
    if session.starts_at > timezone.now() and status != Attendance.Status.EXCUSED:
        raise ValidationError(
            _("Attendance is taken once the session starts (absences can be excused ahead).")
        )
    previous = (
        Attendance.objects.filter(session=session, enrollment=enrollment)
        .values_list("status", flat=True)
        .first()
    )
    values = {"status": status, "marked_by": actor, "marked_at": timezone.now()}
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(session=session, enrollment=enrollment, **values)
    except IntegrityError:
        # Someone marked the same person at the same moment: update their row instead.
        Attendance.objects.filter(session=session, enrollment=enrollment).update(**values)
        attendance = Attendance.objects.get(session=session, enrollment=enrollment)
    if previous != status:
        audit.record(
            actor=actor,
            action="attendance.corrected" if previous else "attendance.marked",
            obj=attendance,
            subject=enrollment.user,
            summary=f"{enrollment.user} · {session}: {previous or 'unmarked'} → {status}",
            before={"status": previous} if previous else {},
            after={"status": status},
        )
    attendance_recount(Enrollment.objects.filter(pk=enrollment.pk))
    evaluate_completion(enrollment=enrollment, actor=actor)
    return attendance


def attendance_recount(enrollments: QuerySet[Enrollment]) -> int:
    """Recount the attendance kept on each enrollment (marks on sessions not cancelled)."""

    def marks(*statuses: str):
        return Coalesce(
            Subquery(
                Attendance.objects.filter(
                    enrollment=OuterRef("pk"),
                    status__in=statuses,
                    session__cancelled_at__isnull=True,
                )
                .order_by()
                .values("enrollment")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            Value(0),
        )

    # updated_at too: the staff report's cached rates are keyed on the latest change.
    return enrollments.update(
        attended_count=marks(*Attendance.ATTENDED),
        excused_count=marks(Attendance.Status.EXCUSED),
        updated_at=Now(),
    )


@transaction.atomic
def attendance_mark_all_present(*, session: Session, actor: User) -> int:
    """Mark everyone not yet marked as present. Returns how many were marked."""
    marked = set(session.attendance.values_list("enrollment_id", flat=True))
    count = 0
    for enrollment in session.cohort.enrollments.filter(status__in=ACTIVE).exclude(pk__in=marked):
        attendance_mark(
            session=session, enrollment=enrollment, status=Attendance.Status.PRESENT, actor=actor
        )
        count += 1
    return count


@transaction.atomic
def enrollment_sign_off(*, enrollment: Enrollment, actor: User) -> Enrollment:
    if enrollment.status not in ACTIVE:
        raise ValidationError(_("Only enrolled participants can be signed off."))
    enrollment.signed_off_at, enrollment.signed_off_by = timezone.now(), actor
    enrollment.save(update_fields=["signed_off_at", "signed_off_by", "updated_at"])
    audit.record(
        actor=actor,
        action="enrollment.signed_off",
        obj=enrollment,
        subject=enrollment.user,
        summary=f"{enrollment.user} · {enrollment.cohort}: signed off",
        after={"signed_off": True},
    )
    return evaluate_completion(enrollment=enrollment, actor=actor)
