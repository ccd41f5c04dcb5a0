"""Sign up → verify email → log in → edit profile → log out, in a real browser."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from academy.models import User
from tests.e2e.axe import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_signup_verify_login_edit_profile_logout(page, live_server):
    page.goto(live_server.url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("govern")
    assert_accessible(page)

    page.get_by_role("link", name="Create your account").click()
    expect(page.get_by_role("heading", name="Sign Up")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Full name").fill("Nguyễn Thị Lan")
    page.get_by_label("Email").fill("lan@saintpaul.example")
    page.get_by_label("Password", exact=True).fill("housing-is-a-human-right")
    page.get_by_label("Password (again)").fill("housing-is-a-human-right")
    page.get_by_role("button", name="Sign Up").click()

    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    assert_accessible(page)
    assert User.objects.get(email="lan@saintpaul.example").full_name == "Nguyễn Thị Lan"

    # Read the verification link from Django's outbox, as the person would from their inbox.
    path = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body).group(
        1
    )
    page.goto(live_server.url + path)
    assert_accessible(page)
    page.get_by_role("button", name="Confirm").click()

    # Confirming signs the person in and lands on their dashboard.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome, Nguyễn")
    assert_accessible(page)

    page.get_by_role("navigation", name="Main").get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_label("Email").fill("LAN@saintpaul.example")
    page.get_by_label("Password").fill("housing-is-a-human-right")
    page.get_by_role("button", name="Sign In", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Profile").click()
    expect(page.get_by_role("heading", name="Your profile")).to_be_visible()
    assert_accessible(page)

    # Inline validation: clearing the name shows an error without saving.
    name = page.get_by_label("Full name")
    name.fill("")
    name.press("Tab")
    expect(page.locator("#live-full_name .errorlist")).to_contain_text("This field is required")
    assert User.objects.get(email="lan@saintpaul.example").full_name == "Nguyễn Thị Lan"
    assert_accessible(page)

    name.fill("Nguyễn Thị Lan")
    page.get_by_label("Preferred name").fill("Lan")
    page.get_by_label("Pronouns").fill("she/her")
    page.get_by_label("Office").select_option(label="City council")
    page.get_by_label("Jurisdiction").fill("Saint Paul City Council, Ward 6")
    page.get_by_label("State").select_option(label="Minnesota")
    page.get_by_label("Time zone").select_option("America/Chicago")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_contain_text("Your profile has been saved")

    user = User.objects.get(email="lan@saintpaul.example")
    assert (user.preferred_name, user.state, user.time_zone) == ("Lan", "MN", "America/Chicago")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Lan")
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Create your account")).to_be_visible()
    page.goto(live_server.url + "/profile/")
    expect(page.get_by_role("heading", name="Sign In")).to_be_visible()
