import time
import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _


class UserTimezoneMiddleware:
    """Show times in the signed-in person's own time zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.time_zone:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class SessionTimeoutMiddleware:
    """Sign people out after a spell of inactivity (idle timeout) and, whatever they do,
    some days after they signed in (absolute timeout). Activity is noted at most every
    five minutes so a busy page does not write the session on every request."""

    NOTE_EVERY = 300

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            # Set at sign-in (academy.apps); sessions without it are left alone.
            started = session.get("academy_started")
            seen = session.get("academy_seen", started)
            if started is not None:
                idle, total = now - seen, now - started
                if (
                    idle > settings.SESSION_IDLE_TIMEOUT
                    or total > settings.SESSION_ABSOLUTE_TIMEOUT
                ):
                    logout(request)
                    messages.info(
                        request, _("For your security you were signed out. Please sign in again.")
                    )
                elif idle > self.NOTE_EVERY:
                    session["academy_seen"] = now
        return self.get_response(request)
