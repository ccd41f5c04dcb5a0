"""Choices for the official's profile."""

import zoneinfo

from django.db import models
from django.utils.translation import gettext_lazy as _


class OfficeType(models.TextChoices):
    CITY_COUNCIL = "city_council", _("City council")
    COUNTY_COMMISSION = "county_commission", _("County commission")
    SCHOOL_BOARD = "school_board", _("School board")
    MAYOR = "mayor", _("Mayor")
    STATE_LEGISLATURE = "state_legislature", _("State legislature")
    OTHER = "other", _("Other")


US_STATES = [
    ("AL", "Alabama"), ("AK", "Alaska"), ("AZ", "Arizona"), ("AR", "Arkansas"),
    ("CA", "California"), ("CO", "Colorado"), ("CT", "Connecticut"), ("DE", "Delaware"),
    ("DC", "District of Columbia"), ("FL", "Florida"), ("GA", "Georgia"), ("HI", "Hawaii"),
    ("ID", "Idaho"), ("IL", "Illinois"), ("IN", "Indiana"), ("IA", "Iowa"), ("KS", "Kansas"),
    ("KY", "Kentucky"), ("LA", "Louisiana"), ("ME", "Maine"), ("MD", "Maryland"),
    ("MA", "Massachusetts"), ("MI", "Michigan"), ("MN", "Minnesota"), ("MS", "Mississippi"),
    ("MO", "Missouri"), ("MT", "Montana"), ("NE", "Nebraska"), ("NV", "Nevada"),
    ("NH", "New Hampshire"), ("NJ", "New Jersey"), ("NM", "New Mexico"), ("NY", "New York"),
    ("NC", "North Carolina"), ("ND", "North Dakota"), ("OH", "Ohio"), ("OK", "Oklahoma"),
    ("OR", "Oregon"), ("PA", "Pennsylvania"), ("RI", "Rhode Island"), ("SC", "South Carolina"),
    ("SD", "South Dakota"), ("TN", "Tennessee"), ("TX", "Texas"), ("UT", "Utah"),
    ("VT", "Vermont"), ("VA", "Virginia"), ("WA", "Washington"), ("WV", "West Virginia"),
    ("WI", "Wisconsin"), ("WY", "Wyoming"), ("AS", "American Samoa"), ("GU", "Guam"),
    ("MP", "Northern Mariana Islands"), ("PR", "Puerto Rico"), ("VI", "U.S. Virgin Islands"),
]  # fmt: skip

# US zones first (where almost every official is), then the rest of the world.
_US_ZONES = [
    "America/New_York", "America/Chicago", "America/Denver", "America/Phoenix",
    "America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu", "America/Puerto_Rico",
]  # fmt: skip
TIME_ZONES = [(z, z.replace("_", " ")) for z in _US_ZONES] + [
    (z, z.replace("_", " "))
    for z in sorted(zoneinfo.available_timezones())
    if z not in _US_ZONES
    and "/" in z
    and not z.startswith(("Etc/", "SystemV/", "posix/", "right/"))
]
