"""Demo people for `manage.py seed_demo`. Idempotent: running it again changes nothing."""

from dataclasses import dataclass
from functools import cache

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction

from academy.choices import OfficeType
from academy.models import User

DEMO_PASSWORD = "academy-demo"  # noqa: S105 - printed for the demo; seed_demo refuses to run in production


@dataclass(frozen=True)
class DemoPerson:
    role: str
    email: str
    full_name: str
    preferred_name: str = ""
    pronouns: str = ""
    office_type: str = ""
    jurisdiction: str = ""
    state: str = ""
    time_zone: str = "America/New_York"
    is_staff: bool = False


DEMO_ACCOUNTS = [
    DemoPerson(
        "participant", "participant@demo.academy", "María José Álvarez", "María", "she/her",
        OfficeType.CITY_COUNCIL, "Durham City Council, Ward 2", "NC",
    ),
    DemoPerson(
        "facilitator", "facilitator@demo.academy", "Jordan Okafor-Lee", "Jordan", "they/them",
        OfficeType.COUNTY_COMMISSION, "Hennepin County Board", "MN", "America/Chicago",
    ),
    DemoPerson(
        "staff", "staff@demo.academy", "Priya Raman", "Priya", "she/her",
        OfficeType.OTHER, "Local Progress national staff", "DC", is_staff=True,
    ),
]  # fmt: skip

# More officials so rosters look lived-in once cohorts exist.
DEMO_OFFICIALS = [
    ("Darnell Washington", OfficeType.SCHOOL_BOARD, "Houston ISD Board of Trustees", "TX", "America/Chicago"),
    ("Nguyễn Thị Lan", OfficeType.CITY_COUNCIL, "Saint Paul City Council, Ward 6", "MN", "America/Chicago"),
    ("Siobhán O’Connor", OfficeType.MAYOR, "Mayor of Ithaca", "NY", "America/New_York"),
    ("Rafael Gutiérrez", OfficeType.COUNTY_COMMISSION, "Orange County Board of Commissioners", "FL", "America/New_York"),
    ("Aisha Bello", OfficeType.CITY_COUNCIL, "Raleigh City Council, District C", "NC", "America/New_York"),
    ("Tomás Herrera", OfficeType.STATE_LEGISLATURE, "Texas House, District 104", "TX", "America/Chicago"),
    ("Grace Kim", OfficeType.SCHOOL_BOARD, "Minneapolis Public Schools Board", "MN", "America/Chicago"),
    ("Zoë Lévesque", OfficeType.CITY_COUNCIL, "Buffalo Common Council, Niagara District", "NY", "America/New_York"),
]  # fmt: skip


@cache
def demo_password_hash() -> str:
    """Hash once: dozens of demo people share the password, and hashing is slow on purpose."""
    return make_password(DEMO_PASSWORD)


def _upsert(email: str, **fields) -> User:
    user, created = User.objects.get_or_create(email=email, defaults=fields)
    if created:
        user.password = demo_password_hash()
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


@transaction.atomic
def seed(stdout) -> dict[str, User]:
    people = {}
    for person in DEMO_ACCOUNTS:
        people[person.role] = _upsert(
            person.email,
            full_name=person.full_name,
            preferred_name=person.preferred_name,
            pronouns=person.pronouns,
            office_type=person.office_type,
            jurisdiction=person.jurisdiction,
            state=person.state,
            time_zone=person.time_zone,
            is_staff=person.is_staff,
        )
    for index, (name, office, jurisdiction, state, tz) in enumerate(DEMO_OFFICIALS, start=1):
        _upsert(
            f"official{index}@demo.academy",
            full_name=name,
            office_type=office,
            jurisdiction=jurisdiction,
            state=state,
            time_zone=tz,
        )
    stdout.write(f"  people: {User.objects.count()} accounts")
    return people
