"""An official applies, the facilitator approves, the official finds the next session and
adds it to their calendar."""

import datetime
from pathlib import Path

import icalendar
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cohorts import services
from tests.e2e.axe import assert_accessible
from tests.e2e.helpers import sign_in, sign_out, wait_for_htmx
from tests.factories import UserFactory, make_cohort, published_program

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_apply_approve_and_add_the_next_session_to_a_calendar(page, live_server):
    official = UserFactory(
        email="lan@saintpaul.example", full_name="Nguyễn Thị Lan", time_zone="America/Chicago"
    )
    facilitator = UserFactory(email="jordan@localprogress.example", full_name="Jordan Okafor-Lee")
    program = published_program(title="Housing Leadership Lab", slug="housing-leadership-lab")
    cohort = make_cohort(
        program=program,
        name="Housing Lab · Spring 2027",
        slug="housing-lab-spring-2027",
        enrollment_mode="application",
        time_zone="America/New_York",
        facilitators=[facilitator],
    )
    start = (timezone.now() + datetime.timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    services.session_create(
        cohort=cohort,
        title="Tenant protections",
        starts_at=start,
        ends_at=start + datetime.timedelta(minutes=90),
        online_url="https://meet.localprogress.example/housing",
    )

    # The official finds the cohort on the program page and applies.
    sign_in(page, live_server, official.email)
    page.goto(live_server.url + program.get_absolute_url())
    expect(page.get_by_role("heading", name="Cohorts open for enrollment")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Apply Housing Lab · Spring 2027").click()
    assert_accessible(page)
    page.get_by_role("button", name="Send application").click()
    expect(page.locator(".errorlist").first).to_contain_text("This field is required")
    for i, answer in enumerate(["City council since January.", "Right to counsel for tenants."]):
        page.locator(f"#id_answer_{i}").fill(answer)
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_role("status").first).to_contain_text("Application sent")
    expect(page.locator(".status--applied")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # The facilitator approves it without leaving the page.
    sign_in(page, live_server, facilitator.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My cohorts").click()
    page.get_by_role("link", name="Housing Lab · Spring 2027").click()
    expect(page.get_by_text("1 application waiting")).to_be_visible()
    seats = page.locator("#seat-count")
    expect(seats).to_have_text("0 of 30 seats taken")
    assert_accessible(page)
    page.get_by_label("Message to the applicant").fill("Welcome to the Lab!")
    page.get_by_role("button", name="Approve Nguyễn Thị Lan").click()
    expect(page.get_by_role("status").first).to_contain_text("Nguyễn Thị Lan is enrolled")
    wait_for_htmx(page)
    expect(page.get_by_role("table")).to_contain_text("Nguyễn Thị Lan")
    expect(seats).to_have_text("1 of 30 seats taken")  # the header follows
    assert_accessible(page)
    sign_out(page)

    # The official sees the next session, in her own time zone, and adds it to her calendar.
    sign_in(page, live_server, official.email)
    expect(page.get_by_role("heading", name="Next live session")).to_be_visible()
    expect(page.get_by_role("link", name="Tenant protections")).to_be_visible()
    expect(page.locator(".session-when").first).to_contain_text("CST")
    page.get_by_role("link", name="Tenant protections").click()
    expect(page.get_by_role("heading", name="Housing Lab · Spring 2027")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Add to calendar", exact=True).first.click()
    event = icalendar.Calendar.from_ical(Path(download.value.path()).read_bytes()).walk("VEVENT")[0]
    assert "Tenant protections" in str(event["SUMMARY"])
    assert event.decoded("DTSTART") == start
