"""The lesson player (cohorts.learn): access for every URL and role, marking lessons complete
with HTMX and without, the progress bars, knowledge checks with retries, reflections,
sequential gating, "continue where you left off", the completion checklist and query counts.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from cohorts import selectors, services
from cohorts.models import Cohort, Enrollment, LessonProgress
from modules import services as curriculum
from modules.models import Lesson, Question
from tests.factories import UserFactory, make_cohort, published_program

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def hx(target: str) -> dict:
    return {**HX, "HTTP_HX_TARGET": target}


@dataclass
class World:
    cohort: Cohort
    participant: object
    enrollment: Enrollment
    lessons: list[Lesson]  # the four readings, in order
    quiz: Lesson
    reflection: Lesson
    q1: Question
    q2: Question

    def url(self, name: str, lesson: Lesson | None = None) -> str:
        args = [self.cohort.slug] + ([lesson.pk] if lesson else [])
        return reverse(f"cohorts:{name}", args=args)

    def right(self, question: Question) -> str:
        return str(question.choices.get(is_correct=True).pk)

    def wrong(self, question: Question) -> str:
        return str(question.choices.filter(is_correct=False).first().pk)


def build_world(**cohort_fields) -> World:
    """Module 1: two readings. Module 2: two readings, a knowledge check (two questions, pass
    mark 100%) and a reflection. All required."""
    program = published_program(modules=2, lessons_per_module=2)
    modules = list(program.modules.order_by("position"))
    quiz = curriculum.lesson_create(
        module=modules[1], title="Check: budgets", kind=Lesson.Kind.KNOWLEDGE_CHECK, pass_mark=100
    )
    q1 = curriculum.question_create(
        lesson=quiz,
        prompt="Who adopts the budget?",
        choices=[("The council", True), ("The mayor's spouse", False)],
        explanation="The legislative body adopts it.",
    )
    q2 = curriculum.question_create(
        lesson=quiz,
        prompt="Which are revenue sources?",
        kind=Question.Kind.MULTIPLE,
        choices=[("Property tax", True), ("Fees", True), ("Wishful thinking", False)],
        explanation="Taxes and fees both count.",
    )
    reflection = curriculum.lesson_create(
        module=modules[1],
        title="Your first 100 days",
        kind=Lesson.Kind.REFLECTION,
        reflection_prompt="What will you do first?",
    )
    cohort = make_cohort(program=program, **cohort_fields)
    participant = UserFactory(full_name="Ana Participant")
    enrollment = services.enrollment_self_enroll(cohort=cohort, user=participant)
    readings = list(
        Lesson.objects.filter(module__program=program, kind=Lesson.Kind.READING).order_by(
            "module__position", "position"
        )
    )
    return World(cohort, participant, enrollment, readings, quiz, reflection, q1, q2)


@pytest.fixture
def world() -> World:
    return build_world()


@pytest.fixture
def member(client, world):
    client.force_login(world.participant)
    return client


def progress_of(world: World, lesson: Lesson) -> LessonProgress | None:
    return LessonProgress.objects.filter(enrollment=world.enrollment, lesson=lesson).first()


def bar_value(html: str, key: str) -> str:
    match = re.search(rf'<progress[^>]*id="progress-{key}"[^>]*value="(\d+)"', html)
    assert match, f"no progress bar {key}"
    return match.group(1)


# --- Access --------------------------------------------------------------------------------

ENDPOINTS = [
    ("learn", "get", False),
    ("lesson", "get", True),
    ("progress_bars", "get", True),
    ("lesson_complete", "post", True),
    ("lesson_check", "post", True),
    ("lesson_reflect", "post", True),
]


def _people(world: World, facilitator, staff) -> dict:
    """People who must not reach this cohort's player."""
    outsider = UserFactory()
    other = build_world()  # a member of another cohort
    withdrawn = UserFactory()
    enrollment = services.enrollment_self_enroll(cohort=world.cohort, user=withdrawn)
    services.enrollment_withdraw(enrollment=enrollment, actor=withdrawn)
    services.cohort_update(cohort=world.cohort, data={"capacity": 1, "facilitators": [facilitator]})
    waitlisted = UserFactory()
    assert (
        services.enrollment_self_enroll(cohort=world.cohort, user=waitlisted).status
        == Enrollment.Status.WAITLISTED
    )
    return {
        "outsider": outsider,
        "other cohort": other.participant,
        "waitlisted": waitlisted,
        "withdrawn": withdrawn,
        "facilitator": facilitator,
        "staff": staff,
    }


@pytest.mark.parametrize(("name", "method", "with_lesson"), ENDPOINTS)
def test_anonymous_people_are_sent_to_sign_in(client, world, name, method, with_lesson):
    url = world.url(name, world.lessons[0] if with_lesson else None)
    for headers in ({}, hx("lesson-status")):
        response = getattr(client, method)(url, **headers)
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith(reverse("account_login"))


def test_nobody_but_the_participant_reaches_any_url(client, world, facilitator, staff):
    people = _people(world, facilitator, staff)
    lesson = world.lessons[0]
    for label, person in people.items():
        client.force_login(person)
        for name, method, with_lesson in ENDPOINTS:
            url = world.url(name, lesson if with_lesson else None)
            for headers in ({}, hx("lesson-status"), hx("progress-bars"), hx("quiz")):
                response = getattr(client, method)(url, **headers)
                assert response.status_code == HTTPStatus.NOT_FOUND, (label, name, headers)
    assert not LessonProgress.objects.exists()


def test_a_lesson_of_another_program_is_not_found(member, world):
    foreign = build_world().lessons[0]
    for name, method, _with_lesson in ENDPOINTS[1:]:
        response = getattr(member, method)(world.url(name, foreign), **hx("lesson-status"))
        assert response.status_code == HTTPStatus.NOT_FOUND, name


def test_a_completed_participant_still_reaches_the_player(member, world):
    Enrollment.objects.filter(pk=world.enrollment.pk).update(status=Enrollment.Status.COMPLETED)
    assert member.get(world.url("learn")).status_code == HTTPStatus.OK
    assert member.get(world.url("lesson", world.lessons[0])).status_code == HTTPStatus.OK


def test_wrong_methods_are_refused(member, world):
    lesson = world.lessons[0]
    assert member.post(world.url("learn")).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert member.post(world.url("lesson", lesson)).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert (
        member.get(world.url("lesson_complete", lesson)).status_code
        == HTTPStatus.METHOD_NOT_ALLOWED
    )


# --- Outline -------------------------------------------------------------------------------


def test_outline_shows_modules_bars_states_and_where_to_start(member, world):
    response = member.get(world.url("learn"))
    assertContains(response, "Your learning")
    assertContains(response, "Start the first lesson")
    assertContains(response, world.url("lesson", world.lessons[0]))
    assert bar_value(response.content.decode(), "overall") == "0"
    for module in world.cohort.program.modules.all():
        assert bar_value(response.content.decode(), str(module.pk)) == "0"
    assertContains(response, "Up next")
    assertContains(response, 'rel="stylesheet" href="/static/css/learn.css"', count=1)


def test_continue_where_you_left_off(member, world):
    first, second = world.lessons[:2]
    services.lesson_complete(enrollment=world.enrollment, lesson=first)
    response = member.get(world.url("learn"))
    assert response.context["continue_item"].lesson.pk == second.pk
    assertContains(response, "Continue where you left off")
    html = response.content.decode()
    button = re.search(r'<a class="button button--large" href="([^"]+)"', html)
    assert button.group(1) == world.url("lesson", second)
    module_one = world.cohort.program.modules.get(position=1)
    assert bar_value(html, str(module_one.pk)) == "50"
    assert bar_value(html, "overall") == "17"  # 1 of 6 required lessons


def test_outline_after_everything_is_done(member, world):
    for lesson in world.lessons:
        services.lesson_complete(enrollment=world.enrollment, lesson=lesson)
    services.knowledge_check_submit(
        enrollment=world.enrollment,
        lesson=world.quiz,
        answers={
            world.q1.pk: {int(world.right(world.q1))},
            world.q2.pk: {c.pk for c in world.q2.choices.filter(is_correct=True)},
        },
    )
    services.reflection_submit(enrollment=world.enrollment, lesson=world.reflection, text="Listen.")
    response = member.get(world.url("learn"))
    assertContains(response, "You have finished every lesson")
    assert bar_value(response.content.decode(), "overall") == "100"
    assertContains(response, "6 of 6 done")


def test_checklist_says_what_is_done_and_that_attendance_is_still_reachable(member, world):
    start = timezone.now() + timedelta(days=2)
    services.session_create(
        cohort=world.cohort, title="Budgets", starts_at=start, ends_at=start + timedelta(hours=1)
    )
    services.lesson_complete(enrollment=world.enrollment, lesson=world.lessons[0])
    response = member.get(world.url("learn"))
    assertContains(response, "Your path to completion")
    assertContains(response, "Complete the required lessons")
    assertContains(response, "1 of 6 done · 5 to go")
    assertContains(response, "Attend at least 75% of live sessions")
    assertContains(response, "no sessions held yet · still reachable: 1 session to go")
    assertContains(response, "To do", count=2)
    assertNotContains(response, "can no longer be met")


def test_checklist_warns_when_attendance_is_out_of_reach(member, world, facilitator):
    services.cohort_update(cohort=world.cohort, data={"min_attendance_percent": 100})
    held = timezone.now() - timedelta(days=2)
    session = services.session_create(
        cohort=world.cohort, title="Held", starts_at=held, ends_at=held + timedelta(hours=1)
    )
    later = timezone.now() + timedelta(days=5)
    services.session_create(
        cohort=world.cohort, title="Later", starts_at=later, ends_at=later + timedelta(hours=1)
    )
    services.attendance_mark(
        session=session, enrollment=world.enrollment, status="absent", actor=facilitator
    )
    response = member.get(world.url("learn"))
    assertContains(response, "0% so far · no longer reachable; talk to your facilitator")
    assertContains(response, "can no longer be met")


def test_checklist_lists_sign_off_when_the_cohort_requires_it(member, world):
    services.cohort_update(cohort=world.cohort, data={"requires_signoff": True})
    assertContains(member.get(world.url("learn")), "Facilitator sign-off")


# --- Lesson page and marking complete ------------------------------------------------------


def test_lesson_page_has_breadcrumb_content_status_and_neighbours(member, world):
    first, second = world.lessons[:2]
    response = member.get(world.url("lesson", first))
    assertContains(response, first.title)
    assertContains(response, f'href="{world.url("learn")}"')
    assertContains(response, "Module 1: Module 1")
    assertContains(response, f'action="{world.url("lesson_complete", first)}"')
    assertContains(response, f'hx-post="{world.url("lesson_complete", first)}"')
    assertContains(response, 'hx-target="#lesson-status"')
    assertContains(response, f'hx-get="{world.url("progress_bars", first)}"')
    assertContains(response, 'hx-trigger="progress-changed from:body"')
    assertContains(response, f'href="{world.url("lesson", second)}" rel="next"')
    assertNotContains(response, 'rel="prev"')
    assertContains(member.get(world.url("lesson", second)), 'rel="prev"')


def test_mark_complete_with_htmx_returns_the_status_and_announces_progress(member, world):
    lesson = world.lessons[0]
    response = member.post(world.url("lesson_complete", lesson), **hx("lesson-status"))
    assert response.status_code == HTTPStatus.OK
    assert response["HX-Trigger"] == '{"progress-changed": {}}'
    assertContains(response, "Completed")
    assertNotContains(response, "<html")
    assertNotContains(response, "Mark complete")
    assertContains(response, "Next lesson")
    assert progress_of(world, lesson).completed_at is not None


def test_mark_complete_without_javascript_redirects_back(member, world):
    lesson = world.lessons[0]
    response = member.post(world.url("lesson_complete", lesson))
    assert response.status_code == HTTPStatus.SEE_OTHER
    assert response["Location"] == world.url("lesson", lesson)
    page = member.get(response["Location"])
    assertContains(page, "Lesson marked complete.")
    assertContains(page, "✓ Completed")


def test_marking_complete_again_changes_nothing(member, world):
    lesson = world.lessons[0]
    member.post(world.url("lesson_complete", lesson), **hx("lesson-status"))
    first = progress_of(world, lesson).completed_at
    response = member.post(world.url("lesson_complete", lesson), **hx("lesson-status"))
    assert response.status_code == HTTPStatus.OK
    assert progress_of(world, lesson).completed_at == first
    assert LessonProgress.objects.filter(enrollment=world.enrollment).count() == 1


def test_a_check_or_reflection_cannot_be_marked_complete(member, world):
    for lesson in (world.quiz, world.reflection):
        response = member.post(world.url("lesson_complete", lesson), **hx("lesson-status"))
        assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
        assertContains(response, "This kind of lesson is completed another way.", status_code=422)
        assert "HX-Trigger" not in response
    assert not LessonProgress.objects.filter(completed_at__isnull=False).exists()


def test_progress_bars_endpoint_reflects_progress(member, world):
    first = world.lessons[0]
    url = world.url("progress_bars", first)
    before = member.get(url, **hx("progress-bars")).content.decode()
    assert (bar_value(before, "overall"), bar_value(before, "module")) == ("0", "0")
    assert 'id="progress-bars"' in before
    assert "<html" not in before
    member.post(world.url("lesson_complete", first), **hx("lesson-status"))
    after = member.get(url, **hx("progress-bars")).content.decode()
    assert (bar_value(after, "overall"), bar_value(after, "module")) == ("17", "50")
    assert "17%" in after
    assert "50%" in after


def test_lesson_page_serves_the_regions_htmx_asks_for(member, world):
    lesson = world.lessons[0]
    url = world.url("lesson", lesson)
    status = member.get(url, **hx("lesson-status"))
    assertContains(status, "Mark complete")
    assertNotContains(status, "<html")
    assertNotContains(status, 'id="progress-bars"')
    # A boosted request or one for another target gets the whole page.
    boosted = member.get(url, **hx("main"), HTTP_HX_BOOSTED="true")
    assertContains(boosted, "<html")
    assert "HX-Request" in member.get(url)["Vary"]


@pytest.mark.parametrize("kind", ["video", "resource"])
def test_video_and_resource_lessons_are_marked_complete_too(member, world, kind):
    extra = (
        {"video_url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ"}
        if kind == "video"
        else {"resource_url": "https://example.org/toolkit.pdf"}
    )
    lesson = curriculum.lesson_create(
        module=world.lessons[0].module, title="More", kind=kind, **extra
    )
    assertContains(member.get(world.url("lesson", lesson)), "Mark complete")
    response = member.post(world.url("lesson_complete", lesson), **hx("lesson-status"))
    assert response.status_code == HTTPStatus.OK
    assert progress_of(world, lesson).is_complete


# --- Knowledge checks ----------------------------------------------------------------------


def test_knowledge_check_fail_retry_pass_keeps_the_best_score(member, world):
    url = world.url("lesson_check", world.quiz)
    page = member.get(world.url("lesson", world.quiz))
    assertContains(page, f'hx-post="{url}"')
    assertContains(page, f'type="radio" name="q{world.q1.pk}"')
    assertContains(page, f'type="checkbox" name="q{world.q2.pk}"')
    assertContains(page, "Check my answers")
    assertNotContains(page, "correct answer")

    # First attempt: one right, one wrong → 50%, not passed (pass mark 100%).
    response = member.post(
        url,
        {f"q{world.q1.pk}": world.right(world.q1), f"q{world.q2.pk}": world.wrong(world.q2)},
        **hx("quiz"),
    )
    assert response.status_code == HTTPStatus.OK
    assert "HX-Trigger" not in response
    assertNotContains(response, "<html")
    assertContains(response, "Not passed yet: you scored 50%")
    assertContains(response, "The pass mark is 100%")
    assertContains(response, "✓ Right.")
    assertContains(response, "✗ Not quite.")
    assertContains(response, "The legislative body adopts it.")
    assertContains(response, "Taxes and fees both count.")
    assertContains(response, "quiz__question--wrong")
    assertNotContains(response, "correct answer")  # not revealed before passing
    assertContains(response, "Try again")
    assert progress_of(world, world.quiz).score == 50
    assert not progress_of(world, world.quiz).is_complete

    # "Try again" fetches a fresh form.
    fresh = member.get(world.url("lesson", world.quiz), **hx("quiz"))
    assertContains(fresh, "Check my answers")
    assertNotContains(fresh, "Not passed yet")
    assertNotContains(fresh, " checked")

    # Second attempt: all right → passed, complete, progress announced, answers shown.
    right_q2 = [str(c.pk) for c in world.q2.choices.filter(is_correct=True)]
    response = member.post(
        url, {f"q{world.q1.pk}": world.right(world.q1), f"q{world.q2.pk}": right_q2}, **hx("quiz")
    )
    assertContains(response, "Passed: you scored 100%")
    assertContains(response, "correct answer", count=3)
    assert response["HX-Trigger"] == '{"progress-changed": {}}'
    progress = progress_of(world, world.quiz)
    assert (progress.score, progress.attempts, progress.is_complete) == (100, 2, True)

    # A worse third attempt keeps the best score and the completion.
    response = member.post(url, {}, **hx("quiz"))
    assertContains(response, "you scored 0%")
    assertContains(response, "Your best score: 100%")
    progress.refresh_from_db()
    assert (progress.score, progress.attempts, progress.is_complete) == (100, 3, True)


def test_knowledge_check_ignores_unknown_questions_and_choices(member, world):
    response = member.post(
        world.url("lesson_check", world.quiz),
        {
            f"q{world.q1.pk}": [world.right(world.q1), "999999", "abc"],
            "q999999": "1",
            "qx": "2",
            f"q{world.q2.pk}": [str(c.pk) for c in world.q2.choices.filter(is_correct=True)],
        },
        **hx("quiz"),
    )
    assertContains(response, "Passed: you scored 100%")


def test_knowledge_check_without_javascript_shows_the_whole_page(member, world):
    response = member.post(
        world.url("lesson_check", world.quiz), {f"q{world.q1.pk}": world.right(world.q1)}
    )
    assert response.status_code == HTTPStatus.OK
    assertContains(response, "<html")
    assertContains(response, "you scored 50%")


def test_knowledge_check_without_questions_is_unprocessable(member, world):
    empty = curriculum.lesson_create(
        module=world.quiz.module, title="Empty", kind=Lesson.Kind.KNOWLEDGE_CHECK
    )
    response = member.post(world.url("lesson_check", empty), **hx("quiz"))
    assertContains(response, "no questions yet", status_code=HTTPStatus.UNPROCESSABLE_ENTITY)


def test_a_reading_cannot_be_answered_as_a_check(member, world):
    response = member.post(world.url("lesson_check", world.lessons[0]), **hx("quiz"))
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY


# --- Reflections ---------------------------------------------------------------------------


def test_empty_reflection_is_refused(member, world):
    url = world.url("lesson_reflect", world.reflection)
    for headers in (hx("reflection"), {}):
        response = member.post(url, {"text": "   "}, **headers)
        assertContains(
            response,
            "Write your reflection before sending it.",
            status_code=HTTPStatus.UNPROCESSABLE_ENTITY,
        )
        assertContains(response, 'aria-invalid="true"', status_code=422)
    assert not LessonProgress.objects.filter(reflection_submitted_at__isnull=False).exists()


def test_reflection_is_stored_shown_with_feedback_and_can_be_resent(member, world, facilitator):
    url = world.url("lesson_reflect", world.reflection)
    page = member.get(world.url("lesson", world.reflection))
    assertContains(page, '<label class="field__label" for="reflection-text">Your answer</label>')
    assertContains(page, "What will you do first?")
    assertContains(page, "Not sent yet")

    response = member.post(url, {"text": "Hold listening sessions."}, **hx("reflection"))
    assert response.status_code == HTTPStatus.OK
    assert response["HX-Trigger"] == '{"progress-changed": {}}'
    assertContains(response, "Hold listening sessions.")
    assertContains(response, "Sent.")
    assertContains(response, "<time datetime=")
    progress = progress_of(world, world.reflection)
    assert progress.is_complete
    first_completed = progress.completed_at

    services.reflection_feedback(progress=progress, actor=facilitator, feedback="Great start!")
    page = member.get(world.url("lesson", world.reflection))
    assertContains(page, "Feedback from Fay Facilitator")
    assertContains(page, "Great start!")
    assertContains(page, "Edit and send again")

    response = member.post(url, {"text": "Hold listening sessions in every ward."})
    assert response.status_code == HTTPStatus.SEE_OTHER
    progress.refresh_from_db()
    assert progress.reflection_text == "Hold listening sessions in every ward."
    assert progress.completed_at == first_completed


# --- Sequential gating ---------------------------------------------------------------------


def test_sequential_cohort_locks_lessons_until_the_previous_required_one_is_done(client):
    world = build_world(sequential=True)
    client.force_login(world.participant)
    first, second = world.lessons[:2]

    outline = client.get(world.url("learn"))
    assertContains(outline, "Lessons open in order")
    assertContains(outline, "Locked")

    locked = client.get(world.url("lesson", second))
    assert locked.status_code == HTTPStatus.OK
    assertContains(locked, "This lesson opens a little later")
    assertContains(locked, f'href="{world.url("lesson", first)}"')
    assertNotContains(locked, "Mark complete")

    for headers in (hx("lesson-status"), {}):
        response = client.post(world.url("lesson_complete", second), **headers)
        assertContains(
            response,
            "Finish the previous required lesson first.",
            status_code=HTTPStatus.UNPROCESSABLE_ENTITY,
        )
    response = client.post(world.url("lesson_check", world.quiz), **hx("quiz"))
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    response = client.post(
        world.url("lesson_reflect", world.reflection), {"text": "Hi"}, **hx("reflection")
    )
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY

    # The first lesson's page says the next one is locked, and refreshes that on progress.
    page = client.get(world.url("lesson", first))
    assertContains(page, "Next (locked)")
    response = client.post(world.url("lesson_complete", first), **hx("lesson-status"))
    assertContains(response, f'href="{world.url("lesson", second)}"')
    pager = client.get(world.url("lesson", first), **hx("lesson-pager"))
    assertContains(pager, 'rel="next"')
    assertNotContains(pager, "<html")

    unlocked = client.get(world.url("lesson", second))
    assertContains(unlocked, "Mark complete")
    assert client.post(world.url("lesson_complete", second)).status_code == HTTPStatus.SEE_OTHER


def test_optional_lessons_do_not_block_the_next_one(client):
    world = build_world(sequential=True)
    curriculum.lesson_update(lesson=world.lessons[0], data={"required": False})
    client.force_login(world.participant)
    assertContains(client.get(world.url("lesson", world.lessons[1])), "Mark complete")


# --- Query counts --------------------------------------------------------------------------


def _sized(size: int):
    program = published_program(modules=size, lessons_per_module=size)
    cohort = make_cohort(program=program, sequential=True)
    user = UserFactory()
    enrollment = services.enrollment_self_enroll(cohort=cohort, user=user)
    lessons = list(
        Lesson.objects.filter(module__program=program).order_by("module__position", "position")
    )
    services.lesson_complete(enrollment=enrollment, lesson=lessons[0])
    start = timezone.now() + timedelta(days=3)
    services.session_create(
        cohort=cohort, title="Live", starts_at=start, ends_at=start + timedelta(hours=1)
    )
    return cohort, user, lessons


@pytest.mark.parametrize("page", ["learn", "lesson", "progress_bars"])
def test_pages_make_the_same_number_of_queries_at_any_size(client, django_assert_num_queries, page):
    counts = []
    for size in (2, 6):
        cohort, user, lessons = _sized(size)
        client.force_login(user)
        args = [cohort.slug] + ([] if page == "learn" else [lessons[1].pk])
        url = reverse(f"cohorts:{page}", args=args)
        client.get(url)  # warm caches (content types, sessions)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == HTTPStatus.OK
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    with django_assert_num_queries(counts[1]):
        client.get(url)


def test_the_selector_agrees_with_the_page(member, world):
    services.lesson_complete(enrollment=world.enrollment, lesson=world.lessons[0])
    outline = selectors.learner_outline(enrollment=world.enrollment)
    html = member.get(world.url("lesson", world.lessons[1])).content.decode()
    assert bar_value(html, "overall") == str(outline.percent)
    assert bar_value(html, "module") == str(outline.modules[0].percent)
