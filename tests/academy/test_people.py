import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from academy.models import User
from academy.services import user_update_profile
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_email_is_the_login_and_is_stored_lowercase():
    user = User.objects.create_user(
        "Maria.Alvarez@Durham.GOV", "pw-long-enough", full_name="María Álvarez"
    )
    assert user.email == "maria.alvarez@durham.gov"
    assert user.check_password("pw-long-enough")
    assert User.USERNAME_FIELD == "email"


def test_email_is_unique_whatever_its_case():
    UserFactory(email="lan@example.org")
    with pytest.raises(IntegrityError):
        User.objects.bulk_create([User(email="LAN@example.org", full_name="Lan")])


def test_superuser_is_staff():
    admin = User.objects.create_superuser("admin@example.org", "pw-long-enough", full_name="Ada")
    assert admin.is_staff
    assert admin.is_superuser


@pytest.mark.parametrize(
    ("full_name", "preferred", "expected"),
    [("María José Álvarez", "", "María"), ("María José Álvarez", "Majo", "Majo"), ("", "", "lan")],
)
def test_display_name(full_name, preferred, expected):
    user = User(email="lan@example.org", full_name=full_name, preferred_name=preferred)
    assert user.display_name == expected


def test_update_profile_changes_only_profile_fields(participant):
    user_update_profile(
        user=participant,
        data={"jurisdiction": "Austin City Council", "state": "TX", "is_staff": True},
    )
    participant.refresh_from_db()
    assert participant.jurisdiction == "Austin City Council"
    assert participant.state == "TX"
    assert participant.is_staff is False


def test_update_profile_rejects_unknown_time_zone_and_changes_nothing(participant):
    with pytest.raises(ValidationError):
        user_update_profile(
            user=participant, data={"time_zone": "Mars/Olympus_Mons", "state": "TX"}
        )
    participant.refresh_from_db()
    assert participant.time_zone == "America/New_York"
    assert participant.state == "NC"
