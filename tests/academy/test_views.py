import json
from http import HTTPStatus

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def test_home_explains_the_academy_to_visitors(client):
    response = client.get(reverse("home"))
    assert response.status_code == HTTPStatus.OK
    assertContains(response, "newly elected progressive state and local officials")
    assertContains(response, "Developing a policy agenda")
    assertContains(response, "Navigating the challenges of governing")
    assertContains(response, reverse("account_signup"))


def test_home_shows_a_signed_in_person_their_dashboard(client, participant):
    client.force_login(participant)
    response = client.get(reverse("home"))
    assertTemplateUsed(response, "academy/dashboard.html")
    assertContains(response, "Welcome, Ana")
    assertNotContains(response, "Staff tools")


def test_staff_dashboard_links_to_staff_tools(client, staff):
    client.force_login(staff)
    response = client.get(reverse("home"))
    assertContains(response, "Staff tools")
    assertContains(response, reverse("admin:index"))


def test_dashboard_asks_for_missing_profile_fields(client, participant):
    participant.pronouns = ""
    participant.save()
    client.force_login(participant)
    assertContains(client.get(reverse("home")), "Complete your profile")


@pytest.mark.parametrize("method", ["get", "post"])
def test_profile_requires_sign_in(client, method):
    response = getattr(client, method)(reverse("profile"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


def test_profile_page_shows_the_form(client, participant):
    client.force_login(participant)
    response = client.get(reverse("profile"))
    assertContains(response, 'id="profile-form"')
    assertContains(response, "Ana Participant")
    assertContains(response, "participant@example.org")


def profile_data(**overrides):
    data = {
        "full_name": "Ana María Participant",
        "preferred_name": "Ana",
        "pronouns": "she/her",
        "office_type": "school_board",
        "jurisdiction": "Durham Public Schools Board",
        "state": "NC",
        "time_zone": "America/Chicago",
        "language": "en",
    }
    data.update(overrides)
    return data


def test_profile_save_without_javascript_redirects_with_303(client, participant):
    client.force_login(participant)
    response = client.post(reverse("profile"), profile_data())
    assert response.status_code == HTTPStatus.SEE_OTHER
    assert response["Location"] == reverse("profile")
    participant.refresh_from_db()
    assert participant.office_type == "school_board"
    assert participant.time_zone == "America/Chicago"
    assert response.cookies["django_language"].value == "en"


def test_profile_save_with_htmx_returns_the_form_and_announces_itself(client, participant):
    client.force_login(participant)
    response = client.post(reverse("profile"), profile_data(), HTTP_HX_TARGET="profile-form", **HX)
    assert response.status_code == HTTPStatus.OK
    assert json.loads(response["HX-Trigger"]) == {"profile-saved": {}}
    assertContains(response, 'id="profile-form"')
    assertNotContains(response, "<html")
    # The confirmation reaches the page's message region out of band.
    assertContains(response, 'hx-swap-oob="true"')
    assertContains(response, "Your profile has been saved")


def test_invalid_profile_is_422_and_changes_nothing(client, participant):
    client.force_login(participant)
    response = client.post(
        reverse("profile"),
        profile_data(full_name="   ", time_zone="Mars/Base"),
        HTTP_HX_TARGET="profile-form",
        **HX,
    )
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assertContains(response, "This field is required", status_code=422)
    assertContains(response, 'aria-invalid="true"', status_code=422)
    participant.refresh_from_db()
    assert participant.full_name == "Ana Participant"
    assert participant.time_zone == "America/New_York"


def test_invalid_profile_without_javascript_renders_the_whole_page(client, participant):
    client.force_login(participant)
    response = client.post(reverse("profile"), profile_data(state="ZZ"))
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assertContains(response, "<html", status_code=422)
    assertContains(response, "Select a valid choice", status_code=422)


def test_boosted_request_gets_the_whole_page_not_a_fragment(client, participant):
    client.force_login(participant)
    response = client.post(
        reverse("profile"), profile_data(state="ZZ"), HTTP_HX_BOOSTED="true", **HX
    )
    assertContains(response, "<html", status_code=422)


def test_inline_validation_returns_one_field_and_saves_nothing(client, participant):
    client.force_login(participant)
    response = client.post(
        reverse("profile") + "?validate=full_name", profile_data(full_name=""), **HX
    )
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert 'id="live-full_name"' in body
    assert "This field is required" in body
    assert 'id="live-state"' not in body
    participant.refresh_from_db()
    assert participant.full_name == "Ana Participant"


def test_inline_validation_of_a_valid_field_shows_no_error(client, participant):
    client.force_login(participant)
    response = client.post(reverse("profile") + "?validate=state", profile_data(full_name=""), **HX)
    assertNotContains(response, "errorlist")


def test_profile_language_switches_the_interface(client, participant):
    client.force_login(participant)
    client.post(reverse("profile"), profile_data(language="es"))
    response = client.get(reverse("profile"))
    assert response["Content-Language"] == "es"


def test_language_switcher_sets_the_language(client):
    response = client.post(reverse("set_language"), {"language": "es", "next": "/"})
    assert response.status_code == HTTPStatus.FOUND
    assert client.get("/")["Content-Language"] == "es"


def test_times_are_shown_in_the_persons_time_zone(rf, participant):
    from django.utils import timezone

    from academy.middleware import UserTimezoneMiddleware

    participant.time_zone = "America/Denver"
    request = rf.get("/")
    request.user = participant
    seen = {}

    def view(req):
        seen["tz"] = timezone.get_current_timezone_name()
        from django.http import HttpResponse

        return HttpResponse()

    UserTimezoneMiddleware(view)(request)
    assert seen["tz"] == "America/Denver"


def test_healthz(client):
    response = client.get(reverse("healthz"))
    assert response.json() == {"status": "ok"}


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assertContains(response, "find that page", status_code=404)
