"""A participant works through lessons: the outline sends them to the first lesson, marking it
complete moves the lesson status and both progress bars without a reload, and a knowledge check
gives feedback at once, lets them retry and, once passed, moves the bars again."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cohorts import services
from modules import services as curriculum
from modules.models import Lesson
from tests.e2e.axe import assert_accessible
from tests.e2e.helpers import sign_in, wait_for_htmx
from tests.factories import UserFactory, make_cohort, published_program

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_mark_complete_and_pass_a_knowledge_check_without_a_reload(page, live_server):
    program = published_program(
        title="Governance Academy", slug="governance-academy", modules=2, lessons_per_module=2
    )
    first_module = program.modules.get(position=1)
    check = curriculum.lesson_create(
        module=first_module, title="Check: who decides", kind=Lesson.Kind.KNOWLEDGE_CHECK
    )
    curriculum.question_create(
        lesson=check,
        prompt="Who adopts the annual budget?",
        choices=[("The city manager", False), ("The council", True)],
        explanation="The governing body adopts the budget; staff propose it.",
    )
    cohort = make_cohort(program=program, name="Newly Elected · Spring 2027", slug="spring-2027")
    official = UserFactory(email="ana@durham.example", full_name="Ana Rivera")
    services.enrollment_self_enroll(cohort=cohort, user=official)

    sign_in(page, live_server, official.email)
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))

    # The outline: nothing done yet, a checklist of what completion takes.
    page.goto(live_server.url + reverse("cohorts:learn", args=[cohort.slug]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your learning")
    expect(page.locator("#progress-overall")).to_have_attribute("value", "0")
    expect(page.get_by_role("heading", name="Your path to completion")).to_be_visible()
    expect(page.get_by_text("0 of 5 done · 5 to go")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Start the first lesson").click()

    # The first lesson: mark it complete; status and both bars change in place.
    expect(page.get_by_role("heading", level=1)).to_have_text("Lesson 1.1")
    overall, module = page.locator("#progress-overall"), page.locator("#progress-module")
    expect(overall).to_have_attribute("value", "0")
    expect(module).to_have_attribute("value", "0")
    assert_accessible(page)
    navigations.clear()
    page.get_by_role("button", name="Mark complete").click()
    expect(page.locator("#lesson-status")).to_contain_text("Completed")
    wait_for_htmx(page)
    expect(overall).to_have_attribute("value", "20")
    expect(page.locator("#progress-overall-value")).to_have_text("20%")
    expect(module).to_have_attribute("value", "33")
    expect(page.locator("#progress-module-value")).to_have_text("33%")
    expect(page.get_by_role("button", name="Mark complete")).to_have_count(0)
    wait_for_htmx(page)
    assert navigations == [], "the page reloaded"
    assert_accessible(page)

    # The knowledge check: a wrong answer gets feedback but not the right answer.
    page.get_by_role("link", name="Check: who decides").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check: who decides")
    assert_accessible(page)
    navigations.clear()
    page.get_by_label("The city manager").check()
    page.get_by_role("button", name="Check my answers").click()
    wait_for_htmx(page)
    result = page.locator(".quiz-result")
    expect(result).to_contain_text("Not passed yet: you scored 0%")
    expect(result).to_contain_text("The pass mark is 80%")
    expect(page.get_by_text("Not quite.")).to_be_visible()
    expect(page.get_by_text("The governing body adopts the budget")).to_be_visible()
    expect(page.get_by_text("correct answer")).to_have_count(0)
    expect(overall).to_have_attribute("value", "20")
    assert_accessible(page)

    # Try again, pass, and see the bars move again.
    page.get_by_role("link", name="Try again").click()
    wait_for_htmx(page)
    expect(page.locator(".quiz-result")).to_have_count(0)
    page.get_by_label("The council").check()
    page.get_by_role("button", name="Check my answers").click()
    wait_for_htmx(page)
    expect(page.locator(".quiz-result")).to_contain_text("Passed: you scored 100%")
    expect(overall).to_have_attribute("value", "40")
    expect(page.locator("#progress-overall-value")).to_have_text("40%")
    expect(module).to_have_attribute("value", "67")
    expect(page.locator("#lesson-status")).to_contain_text("Completed")
    wait_for_htmx(page)
    assert navigations == [], "the page reloaded"
    assert_accessible(page)

    # Back on the outline, "continue" points at the first lesson not done.
    page.get_by_role("link", name="All modules and lessons").click()
    expect(page.locator("#progress-overall")).to_have_attribute("value", "40")
    expect(page.locator(".learn-continue")).to_contain_text("Up next: Lesson 1.2")
    expect(page.get_by_role("link", name="Continue where you left off")).to_have_attribute(
        "href",
        reverse("cohorts:lesson", args=[cohort.slug, first_module.lessons.get(position=2).pk]),
    )
    assert_accessible(page)
