"""Calendar downloads and private subscription feeds of live sessions.

Calendar apps cannot sign in, so feeds are reached by a secret token in the address
(CalendarToken); resetting it makes the old address a 404 at once. An unknown token,
or a cohort the token's owner may not view, is a 404 exactly like a missing one.
"""

from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from academy.models import User
from cohorts.access import get_viewable_cohort, viewable_cohorts
from cohorts.calendar import calendar_for_sessions
from cohorts.models import CalendarToken, Cohort, Enrollment, Session
from cohorts.services import calendar_token_reset

CONTENT_TYPE = "text/calendar; charset=utf-8"
FEED_MAX_AGE = 300


def _token_user(token: str) -> User:
    """The active owner of a feed token, in one query; 404 for anything else."""
    found = (
        CalendarToken.objects.select_related("user")
        .filter(token=token, user__is_active=True)
        .first()
    )
    if found is None:
        raise Http404
    return found.user


def _feed_response(data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type=CONTENT_TYPE)
    patch_cache_control(response, private=True, max_age=FEED_MAX_AGE)
    return response


@require_GET
@login_required
def session_ics(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """'Add to calendar': one session as an .ics download."""
    cohort = get_viewable_cohort(request.user, slug)
    session = get_object_or_404(cohort.sessions, pk=pk)
    data = calendar_for_sessions([session], name=cohort.name)
    response = HttpResponse(data, content_type=CONTENT_TYPE)
    filename = f"{slugify(session.title) or 'session'}.ics"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    patch_cache_control(response, private=True)
    return response


@require_GET
def personal_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Every session of every cohort the token's owner takes part in or facilitates.

    Two queries whatever the number of cohorts and sessions: the token with its user,
    then the sessions with their cohorts (membership checked in subqueries).
    """
    user = _token_user(token)
    seats = Enrollment.objects.filter(user=user, status__in=Enrollment.SEAT_HOLDING)
    facilitated = Cohort.facilitators.through.objects.filter(user=user)
    sessions = (
        Session.objects.filter(
            Q(cohort__in=seats.values("cohort")) | Q(cohort__in=facilitated.values("cohort"))
        )
        .select_related("cohort")
        .order_by("starts_at", "pk")
    )
    return _feed_response(calendar_for_sessions(sessions, name=_("Governance Academy")))


@require_GET
def cohort_feed(request: HttpRequest, token: str, slug: str) -> HttpResponse:
    """The sessions of one cohort, if the token's owner may view that cohort."""
    user = _token_user(token)
    cohort = get_object_or_404(viewable_cohorts(user), slug=slug)
    # The related manager hands each session this cohort instance: no query per session.
    sessions = cohort.sessions.order_by("starts_at", "pk")
    return _feed_response(calendar_for_sessions(sessions, name=cohort.name))


@require_POST
@login_required
def reset_token(request: HttpRequest) -> HttpResponse:
    """A new secret feed address; the old one stops working at once."""
    calendar_token_reset(user=request.user)
    messages.success(
        request, _("Your calendar address has changed; subscribe again with the new one.")
    )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    response.status_code = HTTPStatus.SEE_OTHER
    return response
