"""Who someone is on the platform, computed once per request for navigation and pages."""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest

from academy import fragments
from academy.models import User


@dataclass(frozen=True)
class Roles:
    is_authenticated: bool = False
    is_staff: bool = False
    is_facilitator: bool = False


def _facilitator_key(user_id: int) -> str:
    return f"is-facilitator:{user_id}"


def _facilitator_fragment(user: User) -> fragments.Fragment:
    # "Facilitator" is a relation to a cohort (cohorts app, related_name="facilitated_cohorts").
    # Looked up by name so academy does not import upward; absent until cohorts exist.
    facilitated = getattr(user, "facilitated_cohorts", None)
    build = facilitated.exists if facilitated is not None else (lambda: False)
    # Every page's navigation asks: remembered until the cohorts app says it changed.
    return fragments.Fragment(None, _facilitator_key(user.pk), build)


def _is_facilitator(user: User) -> bool:
    fragment = _facilitator_fragment(user)
    return fragments.remembered(fragment.key, fragment.build)


def facilitators_changed(user_ids: Iterable[int]) -> None:
    """The cohorts app calls this when people become or stop being facilitators."""
    fragments.forget(_facilitator_key(pk) for pk in user_ids)


def roles_for(user: User | AnonymousUser) -> Roles:
    if not user.is_authenticated:
        return Roles()
    return Roles(
        is_authenticated=True, is_staff=user.is_staff, is_facilitator=_is_facilitator(user)
    )


def request_roles(request: HttpRequest) -> Roles:
    """`roles_for(request.user)`, once per request (the navigation and panels share it)."""
    if not hasattr(request, "_academy_roles"):
        request._academy_roles = roles_for(request.user)
    return request._academy_roles


def read_roles_with(request: HttpRequest, wanted: list[fragments.Fragment]) -> list:
    """`fragments.cached_each(wanted)`, reading this request's roles in the same round trip
    (a page that reads its parts at once saves the navigation its own read)."""
    user = request.user
    if hasattr(request, "_academy_roles") or not user.is_authenticated:
        return fragments.cached_each(wanted)
    *values, is_facilitator = fragments.cached_each([*wanted, _facilitator_fragment(user)])
    request._academy_roles = Roles(
        is_authenticated=True, is_staff=user.is_staff, is_facilitator=is_facilitator
    )
    return values


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
