"""Who someone is on the platform, computed once per request for navigation and pages."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser

from academy.models import User


@dataclass(frozen=True)
class Roles:
    is_authenticated: bool = False
    is_staff: bool = False
    is_facilitator: bool = False


def roles_for(user: User | AnonymousUser) -> Roles:
    if not user.is_authenticated:
        return Roles()
    # "Facilitator" is a relation to a cohort (cohorts app, related_name="facilitated_cohorts").
    # Looked up by name so academy does not import upward; absent until cohorts exist.
    facilitated = getattr(user, "facilitated_cohorts", None)
    return Roles(
        is_authenticated=True,
        is_staff=user.is_staff,
        is_facilitator=bool(facilitated is not None and facilitated.exists()),
    )
