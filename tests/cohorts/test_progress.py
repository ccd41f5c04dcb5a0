"""Completion policy and progress services."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cohorts import selectors, services
from cohorts.models import Attendance, Enrollment, LessonProgress, Session
from cohorts.policy import AttendanceSummary, PolicyStatus
from modules import services as curriculum
from modules.models import Lesson
from tests.factories import UserFactory, make_cohort, published_program

pytestmark = pytest.mark.django_db
S = Enrollment.Status
A = Attendance.Status


class TestAttendanceArithmetic:
    def test_excused_sessions_are_left_out(self):
        a = AttendanceSummary(held=5, excused=1, attended=3, remaining=0)
        assert a.counted == 4
        assert a.percent == 75
        assert a.missed == 1

    def test_no_sessions_held_yet(self):
        a = AttendanceSummary(held=0, excused=0, attended=0, remaining=6)
        assert a.percent is None
        assert a.best_possible() == 100
        assert not a.met(75)  # sessions are still to come

    def test_still_achievable(self):
        # 1 of 4 so far, 4 to go: at best 5 of 8 = 63%.
        a = AttendanceSummary(held=4, excused=0, attended=1, remaining=4)
        assert a.best_possible() == 62  # 5 of 8, rounded half to even
        assert a.still_achievable(60)
        assert not a.still_achievable(75)

    def test_met_only_when_all_sessions_are_held(self):
        assert AttendanceSummary(held=8, excused=0, attended=6, remaining=0).met(75)
        assert not AttendanceSummary(held=8, excused=0, attended=5, remaining=0).met(75)
        assert not AttendanceSummary(held=4, excused=0, attended=4, remaining=1).met(75)
        # A cohort without live sessions has nothing to attend.
        assert AttendanceSummary(held=0, excused=0, attended=0, remaining=0).met(75)

    def test_checklist_words(self):
        status = PolicyStatus(
            required_total=10,
            required_done=7,
            attendance=AttendanceSummary(held=4, excused=1, attended=2, remaining=2),
            min_attendance=75,
            requires_signoff=True,
            signed_off=False,
        )
        items = status.checklist()
        assert [i.done for i in items] == [False, False, False]
        assert "7 of 10 done" in items[0].detail
        assert "3 to go" in items[0].detail
        assert "67% so far" in items[1].detail
        assert "still reachable: 2 sessions to go" in items[1].detail
        assert not status.is_met


def build(*, lessons=2, sessions_past=0, sessions_future=0, **cohort_kwargs):
    program = published_program(modules=1, lessons_per_module=lessons)
    cohort = make_cohort(program=program, **cohort_kwargs)
    person = UserFactory()
    enrollment = services.enrollment_self_enroll(cohort=cohort, user=person)
    now = timezone.now()
    for i in range(sessions_past):
        start = now - datetime.timedelta(days=7 * (i + 1))
        Session.objects.create(
            cohort=cohort,
            title=f"Past {i}",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=1),
            location="City Hall",
        )
    for i in range(sessions_future):
        start = now + datetime.timedelta(days=7 * (i + 1))
        Session.objects.create(
            cohort=cohort,
            title=f"Next {i}",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=1),
            location="City Hall",
        )
    lessons = list(
        Lesson.objects.filter(module__program=program).order_by("module__position", "position")
    )
    return cohort, enrollment, lessons


def test_completing_every_required_lesson_completes_the_enrollment(facilitator):
    _cohort, enrollment, lessons = build(lessons=2)
    services.lesson_complete(enrollment=enrollment, lesson=lessons[0])
    enrollment.refresh_from_db()
    assert enrollment.status == S.ENROLLED
    services.lesson_complete(enrollment=enrollment, lesson=lessons[1])
    enrollment.refresh_from_db()
    assert enrollment.status == S.COMPLETED
    assert enrollment.transitions.filter(to_status=S.COMPLETED, note__icontains="policy").exists()


def test_optional_lessons_do_not_count(facilitator):
    _cohort, enrollment, lessons = build(lessons=2)
    curriculum.lesson_update(lesson=lessons[1], data={"required": False})
    services.lesson_complete(enrollment=enrollment, lesson=lessons[0])
    enrollment.refresh_from_db()
    assert enrollment.status == S.COMPLETED


def test_attendance_gates_completion_and_a_correction_reverts_it(facilitator):
    cohort, enrollment, lessons = build(lessons=1, sessions_past=4, min_attendance_percent=75)
    sessions = list(cohort.sessions.order_by("starts_at"))
    services.lesson_complete(enrollment=enrollment, lesson=lessons[0])
    for session, status in zip(sessions, [A.PRESENT, A.LATE, A.EXCUSED, A.ABSENT], strict=True):
        services.attendance_mark(
            session=session, enrollment=enrollment, status=status, actor=facilitator
        )
    # 2 of 3 counted sessions = 67% < 75%.
    enrollment.refresh_from_db()
    assert enrollment.status == S.ENROLLED
    services.attendance_mark(
        session=sessions[3], enrollment=enrollment, status=A.PRESENT, actor=facilitator
    )
    enrollment.refresh_from_db()
    assert enrollment.status == S.COMPLETED
    # The facilitator corrects a mark: 2 of 3 again, and no certificate exists yet.
    services.attendance_mark(
        session=sessions[1], enrollment=enrollment, status=A.ABSENT, actor=facilitator
    )
    enrollment.refresh_from_db()
    assert enrollment.status == S.ENROLLED
    assert Attendance.objects.filter(session=sessions[1], enrollment=enrollment).count() == 1


def test_a_completion_lock_keeps_the_completion(facilitator):
    cohort, enrollment, lessons = build(lessons=1, sessions_past=1)
    services.lesson_complete(enrollment=enrollment, lesson=lessons[0])
    session = cohort.sessions.get()
    services.attendance_mark(
        session=session, enrollment=enrollment, status=A.PRESENT, actor=facilitator
    )
    enrollment.refresh_from_db()
    assert enrollment.status == S.COMPLETED

    def locked(e):
        return e.pk == enrollment.pk

    services.register_completion_lock(locked)
    try:
        services.attendance_mark(
            session=session, enrollment=enrollment, status=A.ABSENT, actor=facilitator
        )
    finally:
        from cohorts.services import progress

        progress._completion_locks.remove(locked)
    enrollment.refresh_from_db()
    assert enrollment.status == S.COMPLETED


def test_sessions_not_yet_held_hold_completion_back(facilitator):
    cohort, enrollment, lessons = build(lessons=1, sessions_past=1, sessions_future=1)
    services.lesson_complete(enrollment=enrollment, lesson=lessons[0])
    services.attendance_mark(
        session=cohort.sessions.order_by("starts_at").first(),
        enrollment=enrollment,
        status=A.PRESENT,
        actor=facilitator,
    )
    enrollment.refresh_from_db()
    assert enrollment.status == S.ENROLLED
    status = selectors.policy_status(enrollment=enrollment)
    assert status.attendance.remaining == 1
    assert not status.attendance_at_risk


def test_signoff_when_required(facilitator):
    _cohort, enrollment, lessons = build(lessons=1, requires_signoff=True)
    services.lesson_complete(enrollment=enrollment, lesson=lessons[0])
    enrollment.refresh_from_db()
    assert enrollment.status == S.ENROLLED
    services.enrollment_sign_off(enrollment=enrollment, actor=facilitator)
    enrollment.refresh_from_db()
    assert enrollment.status == S.COMPLETED
    assert enrollment.signed_off_by == facilitator


def test_attendance_rules(facilitator, participant):
    cohort, enrollment, _lessons = build(lessons=1, sessions_future=1, sessions_past=1)
    future = cohort.sessions.order_by("-starts_at").first()
    with pytest.raises(ValidationError, match="once the session starts"):
        services.attendance_mark(
            session=future, enrollment=enrollment, status=A.PRESENT, actor=facilitator
        )
    services.attendance_mark(
        session=future, enrollment=enrollment, status=A.EXCUSED, actor=facilitator
    )
    with pytest.raises(ValidationError):
        services.attendance_mark(
            session=future, enrollment=enrollment, status="asleep", actor=facilitator
        )
    other = make_cohort()
    outsider = services.enrollment_self_enroll(cohort=other, user=participant)
    with pytest.raises(ValidationError):
        services.attendance_mark(
            session=future, enrollment=outsider, status=A.EXCUSED, actor=facilitator
        )
    services.session_cancel(session=future)
    with pytest.raises(ValidationError, match="cancelled"):
        services.attendance_mark(
            session=future, enrollment=enrollment, status=A.EXCUSED, actor=facilitator
        )


def test_mark_all_present_skips_people_already_marked(facilitator):
    cohort, enrollment, _lessons = build(lessons=1, sessions_past=1)
    others = [services.enrollment_self_enroll(cohort=cohort, user=UserFactory()) for _ in range(3)]
    session = cohort.sessions.get()
    services.attendance_mark(
        session=session, enrollment=others[0], status=A.ABSENT, actor=facilitator
    )
    assert services.attendance_mark_all_present(session=session, actor=facilitator) == 3
    marks = dict(Attendance.objects.values_list("enrollment_id", "status"))
    assert marks[others[0].pk] == A.ABSENT
    assert marks[enrollment.pk] == A.PRESENT


def quiz(lessons_module, *, pass_mark=70):
    lesson = curriculum.lesson_create(
        module=lessons_module, title="Check", kind="knowledge_check", pass_mark=pass_mark
    )
    q1 = curriculum.question_create(
        lesson=lesson, prompt="Single?", choices=[("Right", True), ("Wrong", False)]
    )
    q2 = curriculum.question_create(
        lesson=lesson,
        prompt="Multi?",
        kind="multiple",
        choices=[("A", True), ("B", True), ("C", False)],
    )
    return lesson, q1, q2


def test_knowledge_check_retries_until_the_pass_mark():
    _cohort, enrollment, lessons = build(lessons=1)
    lesson, q1, q2 = quiz(lessons[0].module)
    right1 = q1.choices.get(is_correct=True).pk
    a, b, _c = (ch.pk for ch in q2.choices.order_by("position"))
    first = services.knowledge_check_submit(
        enrollment=enrollment, lesson=lesson, answers={q1.pk: {right1}, q2.pk: {a}}
    )
    assert (first.score, first.passed, first.attempts) == (50, False, 1)
    assert [r.correct for r in first.questions] == [True, False]
    second = services.knowledge_check_submit(
        enrollment=enrollment, lesson=lesson, answers={q1.pk: {right1}, q2.pk: {a, b}}
    )
    assert (second.score, second.passed, second.attempts) == (100, True, 2)
    third = services.knowledge_check_submit(enrollment=enrollment, lesson=lesson, answers={})
    progress = LessonProgress.objects.get(enrollment=enrollment, lesson=lesson)
    assert third.score == 0
    assert progress.score == 100  # the best score counts
    assert progress.completed_at is not None


def test_answers_outside_the_question_are_ignored():
    _cohort, enrollment, lessons = build(lessons=1)
    lesson, q1, _q2 = quiz(lessons[0].module)
    result = services.knowledge_check_submit(
        enrollment=enrollment, lesson=lesson, answers={q1.pk: {999999}, 424242: {1}}
    )
    assert result.score == 0


def test_lesson_kinds_complete_their_own_way():
    _cohort, enrollment, lessons = build(lessons=1)
    lesson, _q1, _q2 = quiz(lessons[0].module)
    with pytest.raises(ValidationError):
        services.lesson_complete(enrollment=enrollment, lesson=lesson)


def test_reflection_and_feedback(facilitator, mailoutbox, django_capture_on_commit_callbacks):
    _cohort, enrollment, lessons = build(lessons=1)
    lesson = curriculum.lesson_create(
        module=lessons[0].module,
        title="Reflect",
        kind="reflection",
        reflection_prompt="What will you change?",
    )
    with pytest.raises(ValidationError):
        services.reflection_submit(enrollment=enrollment, lesson=lesson, text="   ")
    progress = services.reflection_submit(
        enrollment=enrollment, lesson=lesson, text="Participatory budgeting."
    )
    assert progress.completed_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        services.reflection_feedback(
            progress=progress, actor=facilitator, feedback="Start with one district."
        )
    assert [m.to for m in mailoutbox] == [[enrollment.user.email]]
    assert "Start with one district." in mailoutbox[0].body


def test_lessons_of_another_program_are_refused():
    cohort, enrollment, _lessons = build(lessons=1)
    foreign = Lesson.objects.exclude(
        module__program=cohort.program
    ).first() or curriculum.lesson_create(
        module=published_program().modules.first(), title="Elsewhere", body="x"
    )
    with pytest.raises(ValidationError, match="not part"):
        services.lesson_complete(enrollment=enrollment, lesson=foreign)


def test_sequential_gating():
    _cohort, enrollment, lessons = build(lessons=3, sequential=True)
    with pytest.raises(ValidationError, match="previous"):
        services.lesson_complete(enrollment=enrollment, lesson=lessons[1])
    services.lesson_complete(enrollment=enrollment, lesson=lessons[0])
    services.lesson_complete(enrollment=enrollment, lesson=lessons[1])
    outline = selectors.learner_outline(enrollment=enrollment)
    assert outline.next_item().lesson.pk == lessons[2].pk
    assert outline.percent == 67


def test_withdrawn_people_cannot_work_on_lessons():
    _cohort, enrollment, lessons = build(lessons=2)
    services.enrollment_withdraw(enrollment=enrollment, actor=enrollment.user)
    enrollment.refresh_from_db()
    with pytest.raises(ValidationError):
        services.lesson_complete(enrollment=enrollment, lesson=lessons[0])


@pytest.mark.parametrize("cohorts", [1, 3])
def test_dashboard_shows_progress_and_what_to_do_next(client, django_assert_num_queries, cohorts):
    from django.urls import reverse

    person = UserFactory()
    for _ in range(cohorts):
        program = published_program(modules=2, lessons_per_module=2)
        cohort = make_cohort(program=program)
        enrollment = services.enrollment_self_enroll(cohort=cohort, user=person)
        first, second = Lesson.objects.filter(module__program=program).order_by(
            "module__position", "position"
        )[:2]
        services.lesson_complete(enrollment=enrollment, lesson=first)
    client.force_login(person)
    client.get(reverse("home"))
    # session, user, navigation, enrollments (with their next sessions), the programs'
    # lessons, certificates; no facilitated cohorts for someone who facilitates none.
    with django_assert_num_queries(6):
        response = client.get(reverse("home"))
    html = response.content.decode()
    assert html.count('value="25"') == cohorts  # 1 of 4 required lessons
    assert f'href="{reverse("cohorts:lesson", args=[cohort.slug, second.pk])}"' in html
