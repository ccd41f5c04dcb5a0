"""Small helpers for views that serve both full pages and HTMX partials."""

from http import HTTPStatus

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def targets(request: HtmxHttpRequest, element_id: str) -> bool:
    """True when HTMX asked for exactly this region (boosted and history requests get pages)."""
    return bool(request.htmx) and not request.htmx.boosted and request.htmx.target == element_id


def see_other(request: HtmxHttpRequest, url: str) -> HttpResponse:
    """After a successful POST: a client-side redirect for HTMX, 303 See Other otherwise."""
    if request.htmx and not request.htmx.boosted:
        return HttpResponseClientRedirect(url)
    response = HttpResponseRedirect(url)
    response.status_code = HTTPStatus.SEE_OTHER
    return response
