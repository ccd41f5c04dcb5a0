"""Accounts through django-allauth: the behaviour our settings promise."""

import re
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core import mail
from django.urls import reverse
from pytest_django.asserts import assertContains

from academy.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "full_name": "Rafael Gutiérrez",
    "email": "Rafael@Orange.example",
    "password1": "budget-is-a-moral-document",
    "password2": "budget-is-a-moral-document",
}


def confirmation_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_signup_creates_an_unverified_account_and_emails_a_link(client):
    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="rafael@orange.example")
    assert user.full_name == "Rafael Gutiérrez"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["rafael@orange.example"]
    assert mail.outbox[0].subject.startswith("[Governance Academy]")


def test_signup_form_errors_change_nothing(client):
    response = client.post(reverse("account_signup"), {**SIGNUP, "full_name": "", "password2": "x"})
    assert response.status_code == HTTPStatus.OK
    assertContains(response, "This field is required")
    assert not User.objects.exists()
    assert mail.outbox == []


def test_email_must_be_verified_before_access(client):
    client.post(reverse("account_signup"), SIGNUP)
    client.logout()

    # Signing in before verifying only re-sends the link.
    response = client.post(
        reverse("account_login"), {"login": SIGNUP["email"], "password": SIGNUP["password1"]}
    )
    assert response["Location"] == reverse("account_email_verification_sent")
    assert client.get(reverse("profile")).status_code != HTTPStatus.OK

    link = confirmation_link(mail.outbox[-1])
    assertContains(client.get(link), "Confirm")
    client.post(link)
    assert EmailAddress.objects.get(email="rafael@orange.example").verified

    response = client.post(
        reverse("account_login"), {"login": SIGNUP["email"], "password": SIGNUP["password1"]}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert client.get(reverse("profile")).status_code == HTTPStatus.OK


def test_login_with_email_in_any_case(client, participant):
    response = client.post(
        reverse("account_login"), {"login": "PARTICIPANT@example.org", "password": PASSWORD}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("home")


def test_failed_logins_trip_the_rate_limit(client, participant):
    for _ in range(5):
        response = client.post(
            reverse("account_login"), {"login": participant.email, "password": "wrong-password"}
        )
        assertContains(response, "not correct")
    # Now even the right password is refused until the limit resets.
    response = client.post(
        reverse("account_login"), {"login": participant.email, "password": PASSWORD}
    )
    assertContains(response, "Too many failed login attempts")
    assert "_auth_user_id" not in client.session


def test_logout_ends_the_session(client, participant):
    client.force_login(participant)
    response = client.post(reverse("account_logout"))
    assert response.status_code == HTTPStatus.FOUND
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("profile")).status_code == HTTPStatus.FOUND


def test_password_reset_sends_a_working_link(client, participant):
    client.post(reverse("account_reset_password"), {"email": participant.email})
    assert len(mail.outbox) == 1
    path = re.search(
        r"https?://[^/\s]+(/accounts/password/reset/key/[^\s]+/)", mail.outbox[0].body
    ).group(1)
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(
        form_url, {"password1": "a-brand-new-passphrase", "password2": "a-brand-new-passphrase"}
    )
    assert response.status_code == HTTPStatus.FOUND
    participant.refresh_from_db()
    assert participant.check_password("a-brand-new-passphrase")


def test_login_by_emailed_code(client, participant):
    response = client.post(reverse("account_request_login_code"), {"email": participant.email})
    assert response.status_code == HTTPStatus.FOUND
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mail.outbox[0].body, re.MULTILINE).group(
        1
    )
    response = client.post(response["Location"], {"code": code})
    assert response.status_code == HTTPStatus.FOUND
    assert client.session["_auth_user_id"] == str(participant.pk)


def test_totp_two_factor_is_required_once_activated(client, participant):
    client.force_login(participant)
    # Changing security settings asks for the password again.
    assert client.get(reverse("mfa_activate_totp"))["Location"].startswith(
        reverse("account_reauthenticate")
    )
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.get(reverse("mfa_activate_totp"))
    secret = response.context["form"].secret
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    response = client.post(reverse("mfa_activate_totp"), {"code": code})
    assert response.status_code == HTTPStatus.FOUND
    assert Authenticator.objects.filter(user=participant, type=Authenticator.Type.TOTP).exists()
    # Recovery codes are generated alongside.
    assert Authenticator.objects.filter(
        user=participant, type=Authenticator.Type.RECOVERY_CODES
    ).exists()

    client.logout()
    response = client.post(
        reverse("account_login"), {"login": participant.email, "password": PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("name", ["mfa_index", "mfa_add_webauthn", "mfa_list_webauthn"])
def test_passkey_pages_are_available(client, participant, name):
    client.force_login(participant)
    response = client.get(reverse(name))
    # Adding a passkey asks for the password again first (reauthentication).
    assert response.status_code in {HTTPStatus.OK, HTTPStatus.FOUND}


def test_unverified_account_cannot_request_a_login_code(client):
    user = UserFactory(verified=False)
    client.post(reverse("account_request_login_code"), {"email": user.email})
    assert "_auth_user_id" not in client.session
