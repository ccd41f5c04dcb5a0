"""Who someone is on the platform, computed once per request for navigation and pages."""

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

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


def staff_required(view):
    """Staff-only views: visitors are sent to sign in; everyone else gets a 404, as if the
    page did not exist (DESIGN: never confirm to an outsider that something is there)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not (request.user.is_active and request.user.is_staff):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped
