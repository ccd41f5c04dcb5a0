"""Writes to people's records."""

from django.db import transaction

from academy import fragments
from academy.models import User

PROFILE_FIELDS = (
    "full_name",
    "preferred_name",
    "pronouns",
    "office_type",
    "jurisdiction",
    "state",
    "time_zone",
    "language",
)


@transaction.atomic
def user_update_profile(*, user: User, data: dict) -> User:
    """Update the profile fields in `data` (already cleaned by a form); others are ignored."""
    fields = [f for f in PROFILE_FIELDS if f in data]
    for field in fields:
        setattr(user, field, data[field])
    user.full_clean(exclude=["password"])
    user.save(update_fields=fields)
    fragments.changed("staff-report")  # its rates by state and by office
    return user
