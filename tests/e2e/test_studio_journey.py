"""Staff builds a program, reorders it with the keyboard, publishes; a visitor finds it."""

import pytest
from playwright.sync_api import expect

from modules.models import Module, Program
from tests.e2e.axe import assert_accessible
from tests.e2e.helpers import sign_in, sign_out, wait_for_htmx
from tests.factories import StaffFactory, ensure_issue_areas

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def add_module(page, title):
    form = page.locator("form.add-module")
    form.get_by_label("Title").fill(title)
    form.get_by_role("button", name="Add module").click()
    expect(page.locator("#outline [role=status]")).to_have_text(f"Added module “{title}”.")
    wait_for_htmx(page)


def add_lesson(page, module_title, title, kind, **fields):
    page.get_by_role("link", name=f"Add a lesson to “{module_title}”").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Kind").select_option(label=kind)
    for label, value in fields.items():
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name="Add lesson").click()
    expect(page.get_by_role("status").first).to_contain_text("Lesson added")


def outline_titles(page):
    return page.locator(".editor-row--module strong").all_inner_texts()


def test_staff_builds_reorders_and_publishes_a_program(page, live_server):
    ensure_issue_areas()
    staff = StaffFactory(email="priya@localprogress.example", full_name="Priya Raman")
    sign_in(page, live_server, staff.email)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Studio").click()
    expect(page.get_by_role("heading", name="Studio", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="New program").click()
    assert_accessible(page)

    # A mistake first: the form says what is wrong and keeps what was typed.
    page.get_by_label("Title").fill("Climate Resilience Lab")
    page.get_by_role("button", name="Create program").click()
    expect(page.locator(".errorlist")).to_contain_text("This field is required")
    page.get_by_label("Summary").fill("Budgets, buildings and infrastructure for a hotter decade.")
    page.get_by_label("Climate and environment").check()
    page.get_by_label("Hours certified").fill("8")
    page.get_by_role("button", name="Create program").click()

    expect(page.get_by_role("heading", name="Climate Resilience Lab", level=1)).to_be_visible()
    expect(page.locator("#program-status")).to_contain_text("Add at least one module")
    add_module(page, "Climate budgets")
    add_module(page, "Resilient infrastructure")
    assert_accessible(page)

    add_lesson(
        page,
        "Climate budgets",
        "Green budgeting basics",
        "Reading",
        Text="## Start\n\nCount carbon like dollars.",
    )
    add_lesson(
        page,
        "Climate budgets",
        "Your climate priorities",
        "Reflection",
        **{"Reflection prompt": "Which line item first?"},
    )
    add_lesson(
        page,
        "Resilient infrastructure",
        "Flood-ready capital plans",
        "Reading",
        Text="Plan for the 100-year storm.",
    )
    assert outline_titles(page) == ["Climate budgets", "Resilient infrastructure"]

    # Reorder modules with the keyboard only: focus stays on the button that was pressed.
    program = Program.objects.get(slug="climate-resilience-lab")
    first = Module.objects.get(program=program, title="Climate budgets")
    page.locator(f"#module-{first.pk}-down").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#outline [role=status]")).to_have_text(
        "Moved “Climate budgets” to position 2."
    )
    assert outline_titles(page) == ["Resilient infrastructure", "Climate budgets"]
    expect(page.locator(f"#module-{first.pk}-down")).to_be_focused()
    wait_for_htmx(page)
    page.keyboard.press("Enter")
    expect(page.locator("#outline [role=status]")).to_have_text(
        "“Climate budgets” is already at the bottom."
    )
    wait_for_htmx(page)

    # And a lesson within its module.
    reflection = first.lessons.get(title="Your climate priorities")
    page.locator(f"#lesson-{reflection.pk}-up").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#outline [role=status]")).to_have_text(
        "Moved “Your climate priorities” to position 1."
    )
    expect(page.locator(f"#lesson-{reflection.pk}-up")).to_be_focused()
    wait_for_htmx(page)
    assert list(first.lessons.values_list("title", flat=True)) == [
        "Your climate priorities",
        "Green budgeting basics",
    ]
    assert_accessible(page)

    page.get_by_role("link", name="Preview Your climate priorities").click()
    expect(page.get_by_text("Preview: this is what participants see.")).to_be_visible()
    expect(page.get_by_text("Which line item first?")).to_be_visible()
    assert_accessible(page)
    page.go_back()

    page.locator("#program-status").get_by_role("button", name="Publish").click()
    expect(page.locator("#program-status")).to_contain_text("Published")
    expect(page.get_by_role("status").first).to_contain_text("now in the public catalog")
    assert_accessible(page)
    sign_out(page)

    # A visitor finds it through the issue-area filter; the URL reflects the filter.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Programs").click()
    page.get_by_role("link", name="Climate and environment").click()
    expect(page).to_have_url(f"{live_server.url}/programs/?area=climate")
    expect(page.locator(".program-card")).to_have_count(1)
    assert_accessible(page)
    page.get_by_role("link", name="Climate Resilience Lab").click()
    expect(page.get_by_role("heading", name="Climate Resilience Lab", level=1)).to_be_visible()
    titles = page.locator(".outline__title").all_inner_texts()
    assert titles == ["Resilient infrastructure", "Climate budgets"]
    assert_accessible(page)
