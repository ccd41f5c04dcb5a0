from http import HTTPStatus

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from academy import hooks, selectors
from academy.access import staff_required
from academy.forms import ProfileForm
from academy.htmx import HtmxHttpRequest, see_other, targets
from academy.models import AuditEvent
from academy.services import user_update_profile
from academy.validators import without_control_characters


@require_GET
@vary_on_headers("Cookie")
def home(request: HtmxHttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "academy/home.html", {"pillars": selectors.academy_pillars()})
    return render(
        request,
        "academy/dashboard.html",
        {**selectors.dashboard_for(request.user), "panels": hooks.dashboard_panels(request)},
    )


@require_http_methods(["GET", "POST"])
@login_required
@vary_on_headers("HX-Request")
def profile(request: HtmxHttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "GET":
        return render(request, "academy/profile.html", {"form": ProfileForm(instance=user)})

    form = ProfileForm(request.POST, instance=user)
    # Inline validation of one field as the person moves on: nothing is saved.
    field_name = request.GET.get("validate")
    if field_name and request.htmx and field_name in form.fields:
        form.is_valid()
        return render(request, "academy/profile.html#profile-field", {"field": form[field_name]})

    if not form.is_valid():
        template = (
            "academy/profile.html#profile-form"
            if request.htmx.target == "profile-form"
            else "academy/profile.html"
        )
        return render(request, template, {"form": form}, status=HTTPStatus.UNPROCESSABLE_ENTITY)

    user_update_profile(user=user, data=form.cleaned_data)
    translation.activate(user.language)
    messages.success(request, _("Your profile has been saved."))
    if targets(request, "profile-form"):
        response = render(
            request,
            "academy/profile.html#profile-form",
            {"form": ProfileForm(instance=user), "oob_messages": True},
        )
        trigger_client_event(response, "profile-saved")
    else:
        response = see_other(request, reverse("profile"))
    # The interface language follows the profile from now on.
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        user.language,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for the load balancer: the app answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@require_GET
@staff_required
def audit_log(request: HtmxHttpRequest) -> HttpResponse:
    """Staff read the audit trail; nothing here (or anywhere) edits it."""
    events = AuditEvent.objects.select_related("actor", "subject")
    q = without_control_characters(request.GET.get("q", "")).strip()
    action = request.GET.get("action", "")
    if q:
        events = events.filter(
            Q(subject__email__icontains=q)
            | Q(subject__full_name__icontains=q)
            | Q(actor__email__icontains=q)
            | Q(actor__full_name__icontains=q)
            | Q(summary__icontains=q)
        )
    if action in AUDIT_AREAS:
        events = events.filter(action__startswith=f"{action}.")
    return render(
        request,
        "academy/audit.html",
        {
            "page_obj": Paginator(events, 50).get_page(request.GET.get("page")),
            "q": q,
            "action": action,
            "areas": AUDIT_AREAS,
        },
    )


AUDIT_AREAS = {
    "enrollment": _lazy("Enrollments"),
    "attendance": _lazy("Attendance"),
    "certificate": _lazy("Certificates"),
    "reflection": _lazy("Reflections"),
}
