"""A facilitator takes attendance on a phone: one tap per person, then everyone else present;
the marks are still there after a reload. Then they sign two participants off."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from cohorts import services
from cohorts.models import Attendance, Enrollment
from tests.e2e.axe import assert_accessible
from tests.e2e.helpers import sign_in, wait_for_htmx
from tests.factories import UserFactory, make_cohort, published_program

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PEOPLE = ["Ana Ruiz", "Ben Okafor", "Chen Wei", "Dolores Huerta-Smith", "Eli Brooks"]


def pressed(row, label: str) -> None:
    """`label` is the one pressed button of the row (by state, check mark and text)."""
    expect(row.get_by_role("button", name=label, exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(row.locator("[aria-pressed='true']")).to_have_count(1)


def test_take_attendance_on_a_phone(page, live_server):
    facilitator = UserFactory(email="jordan@localprogress.example", full_name="Jordan Okafor-Lee")
    cohort = make_cohort(
        program=published_program(title="Governance Academy", slug="governance-academy"),
        name="Newly Elected · Spring 2027",
        slug="newly-elected-spring-2027",
        facilitators=[facilitator],
        requires_signoff=True,
    )
    start = timezone.now() - datetime.timedelta(hours=1)
    session = services.session_create(
        cohort=cohort,
        title="Budgets as moral documents",
        starts_at=start,
        ends_at=start + datetime.timedelta(minutes=90),
    )
    enrollments = {
        name: services.enrollment_self_enroll(cohort=cohort, user=UserFactory(full_name=name))
        for name in PEOPLE
    }

    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, facilitator.email)
    page.goto(live_server.url + reverse("cohorts:attendance", args=[cohort.slug, session.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Budgets as moral documents")
    assert_accessible(page)

    # The four choices fit on one line at 390 px, each a big enough target.
    ana = page.get_by_role("group", name="Ana Ruiz")
    boxes = [
        ana.get_by_role("button", name=n, exact=True).bounding_box()
        for n in ("Present", "Late", "Excused", "Absent")
    ]
    assert len({round(b["y"]) for b in boxes}) == 1
    assert all(b["height"] >= 44 and b["width"] >= 44 for b in boxes)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    live = page.locator("#att-live")
    ana.get_by_role("button", name="Present", exact=True).click()
    pressed(ana, "Present")  # at once, before the answer
    wait_for_htmx(page)
    expect(live).to_have_text("Marked Ana Ruiz present")
    expect(ana).to_contain_text("Present · marked by you")

    ben = page.get_by_role("group", name="Ben Okafor")
    ben.get_by_role("button", name="Late", exact=True).click()
    wait_for_htmx(page)
    pressed(ben, "Late")
    expect(live).to_have_text("Marked Ben Okafor late")

    # Keyboard: the focused button keeps focus after its row is swapped.
    chen = page.get_by_role("group", name="Chen Wei")
    chen.get_by_role("button", name="Excused", exact=True).focus()
    page.keyboard.press("Enter")
    wait_for_htmx(page)
    pressed(chen, "Excused")
    expect(chen.get_by_role("button", name="Excused", exact=True)).to_be_focused()
    expect(live).to_have_text("Marked Chen Wei excused")
    expect(page.locator(".att-counts__item--unmarked dd")).to_have_text("2")
    assert_accessible(page)

    page.get_by_role("button", name="Mark everyone not yet marked present").click()
    wait_for_htmx(page)
    expect(live).to_have_text("Marked 2 people present.")
    expect(page.locator(".att-counts__item--unmarked dd")).to_have_text("0")
    assert_accessible(page)

    page.reload()
    expected = {
        "Ana Ruiz": "Present",
        "Ben Okafor": "Late",
        "Chen Wei": "Excused",
        "Dolores Huerta-Smith": "Present",
        "Eli Brooks": "Present",
    }
    for name, label in expected.items():
        pressed(page.get_by_role("group", name=name), label)
    assert_accessible(page)
    assert dict(
        Attendance.objects.filter(session=session).values_list(
            "enrollment__user__full_name", "status"
        )
    ) == {name: label.lower() for name, label in expected.items()}
    assert set(Attendance.objects.values_list("enrollment", flat=True)) == {
        e.pk for e in enrollments.values()
    }

    # Sign-off: one person from the attendance page, another from their own page.
    page.get_by_text("Facilitator sign-off (0 of 5 signed off)").click()
    page.get_by_role("button", name="Sign off Ana Ruiz").click()
    wait_for_htmx(page)
    expect(page.locator(f"#signoff-{enrollments['Ana Ruiz'].pk}")).to_contain_text("Signed off")
    expect(page.get_by_role("status").first).to_contain_text("Ana Ruiz is signed off.")
    assert_accessible(page)
    page.get_by_role("link", name="Ben Okafor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ben Okafor")
    expect(page.get_by_text("Complete the required lessons")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sign off Ben Okafor").click()  # a plain form: the page again
    expect(page.get_by_role("status").first).to_contain_text("Ben Okafor is signed off.")
    expect(
        page.locator(".policy-list__item--done", has_text="Facilitator sign-off")
    ).to_be_visible()
    assert_accessible(page)
    signed = {e.user.full_name for e in Enrollment.objects.filter(signed_off_at__isnull=False)}
    assert signed == {"Ana Ruiz", "Ben Okafor"}
