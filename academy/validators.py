"""Validators shared by forms and services."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# C0 and C1 control characters except tab, line feed and carriage return. PostgreSQL cannot
# store NUL at all, and none of the others belongs in a name or a message.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def validate_no_control_characters(value: str) -> None:
    if CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            _("Remove the invisible control characters (such as NUL) from this text."),
            code="control_characters",
        )


def without_control_characters(value: str) -> str:
    """Search and filter text as typed, less control characters: PostgreSQL refuses NUL even
    in a query, and none of them can match anything stored."""
    return CONTROL_CHARACTERS.sub("", value)


def validate_storable_datetime(value: datetime.datetime) -> None:
    """The database keeps UTC: 9999-12-31 23:00 in New York is in the year 10000 there, and
    0001-01-01 00:00 east of Greenwich is before the year 1."""
    try:
        value.astimezone(datetime.UTC)
    except OverflowError:
        raise ValidationError(
            _("Enter a date between the years 1 and 9999."), code="out_of_range"
        ) from None
