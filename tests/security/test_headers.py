"""Content Security Policy with a nonce on every HTML page, and the admin behind allauth."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "home",
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_request_login_code",
    "account_email_verification_sent",
]
PRIVATE_PAGES = ["home", "profile", "account_email", "account_change_password", "mfa_index"]


def assert_strict_csp_with_nonce(response):
    policy = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert "frame-ancestors 'none'" in policy
    nonce = re.search(r"script-src 'self' 'nonce-([^']+)'", policy).group(1)
    assert len(nonce) >= 16
    # The same nonce is on the page's own script and stylesheet tags.
    html = response.content.decode()
    assert f'nonce="{nonce}"' in html
    # No inline script without a nonce (data blocks of type application/json are not executed).
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or "application/json" in tag or f'nonce="{nonce}"' in tag, tag


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_have_a_strict_csp_with_a_nonce(client, name):
    response = client.get(reverse(name))
    assert response.status_code == HTTPStatus.OK
    assert_strict_csp_with_nonce(response)


@pytest.mark.parametrize("name", PRIVATE_PAGES)
def test_signed_in_pages_have_a_strict_csp_with_a_nonce(client, participant, name):
    client.force_login(participant)
    response = client.get(reverse(name))
    assert response.status_code == HTTPStatus.OK
    assert_strict_csp_with_nonce(response)


def test_error_pages_have_a_strict_csp_with_a_nonce(client):
    response = client.get("/missing/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert_strict_csp_with_nonce(response)


def test_nonce_changes_on_every_response(client):
    first = client.get("/")["Content-Security-Policy"]
    second = client.get("/")["Content-Security-Policy"]
    assert first != second


def test_admin_pages_have_a_strict_csp_with_a_nonce(client, staff):
    client.force_login(staff)
    response = client.get(reverse("admin:index"))
    assert response.status_code == HTTPStatus.OK
    assert_strict_csp_with_nonce(response)


def test_other_security_headers(client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_htmx_requests_carry_the_csrf_token(client, participant):
    client.force_login(participant)
    html = client.get(reverse("profile")).content.decode()
    assert re.search(r"<body hx-headers='\{\"X-CSRFToken\": \"[^\"]+\"\}'>", html)


def test_htmx_is_configured_for_a_strict_csp(client):
    html = client.get("/").content.decode()
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', html).group(1)
    assert '"allowEval":false' in config
    assert '"includeIndicatorStyles":false' in config
    assert '"selfRequestsOnly":true' in config
    assert '"code":"422","swap":true' in config
    assert " hx-on" not in html


class TestAdmin:
    def test_visitor_is_sent_to_the_allauth_login(self, client):
        response = client.get(reverse("admin:index"), follow=True)
        final_url = response.redirect_chain[-1][0]
        assert final_url.startswith(reverse("account_login"))

    def test_admin_login_page_itself_is_behind_allauth(self, client):
        response = client.get(reverse("admin:login"))
        assert response["Location"].startswith(reverse("account_login"))

    def test_non_staff_person_cannot_reach_the_admin(self, client, participant):
        client.force_login(participant)
        response = client.get(reverse("admin:index"), follow=True)
        assert response.status_code == HTTPStatus.FORBIDDEN
        response = client.get(reverse("admin:academy_user_changelist"), follow=True)
        assert response.status_code == HTTPStatus.FORBIDDEN

    def test_staff_can_manage_people(self, client, staff, participant):
        client.force_login(staff)
        response = client.get(reverse("admin:academy_user_changelist"))
        assert response.status_code == HTTPStatus.OK
        assert participant.email in response.content.decode()
        response = client.get(reverse("admin:academy_user_change", args=[participant.pk]))
        assert response.status_code == HTTPStatus.OK
        response = client.get(reverse("admin:academy_user_add"))
        assert response.status_code == HTTPStatus.OK

    def test_people_are_never_deleted_from_the_admin(self, client, staff, participant):
        client.force_login(staff)
        response = client.get(reverse("admin:academy_user_delete", args=[participant.pk]))
        assert response.status_code == HTTPStatus.FORBIDDEN
