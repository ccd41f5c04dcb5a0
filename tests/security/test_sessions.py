"""Sessions: rotated at sign-in, ended at sign-out, limited by idle and absolute timeouts."""

import time
from http import HTTPStatus

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_session_key_changes_at_sign_in(client, participant):
    client.get(reverse("account_login"))
    client.session.save()
    before = client.session.session_key
    client.post(reverse("account_login"), {"login": participant.email, "password": PASSWORD})
    assert client.session.session_key != before
    assert client.session["_auth_user_id"] == str(participant.pk)


def test_sign_out_ends_the_session_on_the_server(client, participant):
    from django.contrib.sessions.models import Session

    client.force_login(participant)
    key = client.session.session_key
    client.post(reverse("account_logout"))
    assert not Session.objects.filter(session_key=key).exists()


@pytest.mark.parametrize(
    ("field", "age"),
    [
        ("academy_seen", settings.SESSION_IDLE_TIMEOUT + 60),
        ("academy_started", settings.SESSION_ABSOLUTE_TIMEOUT + 60),
    ],
)
def test_idle_and_absolute_timeouts_sign_people_out(client, participant, field, age):
    client.force_login(participant)
    assert client.get(reverse("profile")).status_code == HTTPStatus.OK
    session = client.session
    session["academy_started"] = time.time() - (age if field == "academy_started" else 60)
    session["academy_seen"] = time.time() - age if field == "academy_seen" else time.time()
    session.save()
    response = client.get(reverse("profile"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


def test_activity_keeps_the_session_alive(client, participant):
    client.force_login(participant)
    session = client.session
    session["academy_started"] = time.time() - 3600
    session["academy_seen"] = time.time() - (settings.SESSION_IDLE_TIMEOUT - 600)
    session.save()
    assert client.get(reverse("profile")).status_code == HTTPStatus.OK
    assert time.time() - client.session["academy_seen"] < 5
