"""Facilitator (and staff) pages for following participants: taking attendance, answering
reflections, signing people off.

Every view loads the cohort through `access.get_managed_cohort` (someone else's cohort is a
404, fragments included), the session through `cohort.sessions` and the person through
`cohort.enrollments`. Writes go through the services; a refused write comes back as the
same region with the service's message and status 422.
"""

import zoneinfo
from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from academy.htmx import HtmxHttpRequest, see_other, targets
from cohorts import access, attendance_selectors, selectors, services
from cohorts.models import Attendance, Cohort, Enrollment, Session

UNPROCESSABLE = HTTPStatus.UNPROCESSABLE_ENTITY
GRID = "cohorts/attendance/grid.html"
REFLECTIONS = "cohorts/attendance/reflections.html"
SIGN_OFF = "cohorts/attendance/sign_off.html"


def _zone(cohort: Cohort) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(cohort.time_zone)


def _error(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _url(name: str, *args, anchor: str = "", query: str = "") -> str:
    url = reverse(f"cohorts:{name}", args=args)
    return url + (f"?{query}" if query else "") + (f"#{anchor}" if anchor else "")


def _session(cohort: Cohort, pk: int) -> Session:
    return get_object_or_404(cohort.sessions.all(), pk=pk)


def _enrollment(cohort: Cohort, pk: int) -> Enrollment:
    return get_object_or_404(cohort.enrollments.select_related("user", "signed_off_by"), pk=pk)


# --- Attendance --------------------------------------------------------------------------


def _grid_context(cohort: Cohort, session: Session, **extra) -> dict:
    grid = attendance_selectors.attendance_grid(cohort=cohort, session=session)
    return {
        "cohort": cohort,
        "session": session,
        "grid": grid,
        "counts": grid.counts,
        "statuses": Attendance.Status.choices,
        **extra,
    }


@require_http_methods(["GET"])
@login_required
@vary_on_headers("HX-Request", "HX-Target")
def attendance(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    cohort = access.get_managed_cohort(request.user, slug)
    session = _session(cohort, pk)
    with timezone.override(_zone(cohort)):
        if targets(request, "att-summary"):
            # Refreshed after each mark ("attendance-changed"): just the counts.
            return render(
                request,
                f"{GRID}#summary",
                {
                    "cohort": cohort,
                    "session": session,
                    "counts": attendance_selectors.session_counts(session=session),
                },
            )
        return render(request, GRID, _grid_context(cohort, session))


@require_POST
@login_required
def attendance_mark(
    request: HtmxHttpRequest, slug: str, pk: int, enrollment_pk: int
) -> HttpResponse:
    cohort = access.get_managed_cohort(request.user, slug)
    session = _session(cohort, pk)
    enrollment = _enrollment(cohort, enrollment_pk)
    status = request.POST.get("status", "")
    name = enrollment.user.full_name or enrollment.user.email
    error = ""
    try:
        services.attendance_mark(
            session=session, enrollment=enrollment, status=status, actor=request.user
        )
    except ValidationError as exc:
        error = _error(exc)
        announce = _("%(name)s was not marked: %(error)s") % {"name": name, "error": error}
    else:
        announce = _("Marked %(name)s %(status)s") % {
            "name": name,
            "status": Attendance.Status(status).label.lower(),
        }
    code = UNPROCESSABLE if error else HTTPStatus.OK
    with timezone.override(_zone(cohort)):
        if targets(request, f"att-row-{enrollment.pk}"):
            response = render(
                request,
                f"{GRID}#row",
                {
                    "cohort": cohort,
                    "session": session,
                    "row": attendance_selectors.attendance_row(
                        session=session, enrollment=enrollment
                    ),
                    "statuses": Attendance.Status.choices,
                    "error_for": enrollment.pk if error else None,
                    "error": error,
                    "row_announce": announce,
                },
                status=code,
            )
            return response if error else trigger_client_event(response, "attendance-changed")
        if error:
            # Without JavaScript: the page again, the message on this person's row.
            return render(
                request,
                GRID,
                _grid_context(cohort, session, error_for=enrollment.pk, error=error),
                status=code,
            )
    messages.success(request, announce)
    return see_other(
        request, _url("attendance", slug, session.pk, anchor=f"att-row-{enrollment.pk}")
    )


@require_POST
@login_required
def attendance_all_present(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    cohort = access.get_managed_cohort(request.user, slug)
    session = _session(cohort, pk)
    error = ""
    try:
        count = services.attendance_mark_all_present(session=session, actor=request.user)
    except ValidationError as exc:
        error = _error(exc)
        announce = error
    else:
        announce = (
            ngettext("Marked %(n)s person present.", "Marked %(n)s people present.", count)
            % {"n": count}
            if count
            else _("Everyone was already marked.")
        )
    code = UNPROCESSABLE if error else HTTPStatus.OK
    with timezone.override(_zone(cohort)):
        if targets(request, "att-grid"):
            response = render(
                request,
                f"{GRID}#grid",
                _grid_context(cohort, session, bulk_error=error, announce=announce),
                status=code,
            )
            return response if error else trigger_client_event(response, "attendance-changed")
        if error:
            return render(
                request, GRID, _grid_context(cohort, session, bulk_error=error), status=code
            )
    messages.success(request, announce)
    return see_other(request, _url("attendance", slug, session.pk))


# --- Reflections -------------------------------------------------------------------------


def _show(value: str | None) -> str:
    return value if value in attendance_selectors.REFLECTION_FILTERS else "needs-feedback"


def _reflections_context(cohort: Cohort, show: str, **extra) -> dict:
    return {
        "cohort": cohort,
        "page": attendance_selectors.reflections_page(cohort=cohort, show=show),
        **extra,
    }


@require_http_methods(["GET"])
@login_required
@vary_on_headers("HX-Request", "HX-Target")
def reflections(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    cohort = access.get_managed_cohort(request.user, slug)
    show = _show(request.GET.get("show"))
    with timezone.override(_zone(cohort)):
        if targets(request, "reflection-list"):
            return render(request, f"{REFLECTIONS}#list", _reflections_context(cohort, show))
        return render(request, REFLECTIONS, _reflections_context(cohort, show))


@require_POST
@login_required
def reflection_feedback(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    cohort = access.get_managed_cohort(request.user, slug)
    progress = get_object_or_404(attendance_selectors.cohort_reflections(cohort), pk=pk)
    text = request.POST.get("feedback", "")
    show = _show(request.POST.get("show"))
    name = progress.enrollment.user.full_name
    error = ""
    try:
        services.reflection_feedback(progress=progress, actor=request.user, feedback=text)
    except ValidationError as exc:
        error = _error(exc)
    code = UNPROCESSABLE if error else HTTPStatus.OK
    if not error:
        messages.success(request, _("Feedback sent to %(name)s.") % {"name": name})
    with timezone.override(_zone(cohort)):
        if targets(request, f"reflection-{progress.pk}"):
            return render(
                request,
                f"{REFLECTIONS}#reflection",
                {
                    "cohort": cohort,
                    "item": attendance_selectors.cohort_reflections(cohort).get(pk=progress.pk),
                    "page": {"show": show},
                    "error_for": progress.pk if error else None,
                    "error": error,
                    "draft": text if error else "",
                    "oob_messages": not error,
                },
                status=code,
            )
        if error:
            return render(
                request,
                REFLECTIONS,
                _reflections_context(cohort, show, error_for=progress.pk, error=error, draft=text),
                status=code,
            )
    return see_other(request, _url("reflections", slug, query=f"show={show}"))


# --- Sign-off ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def sign_off(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    cohort = access.get_managed_cohort(request.user, slug)
    if not cohort.requires_signoff:
        raise Http404
    enrollment = _enrollment(cohort, pk)
    error = ""
    code = HTTPStatus.OK
    if request.method == "POST":
        name = enrollment.user.full_name
        try:
            services.enrollment_sign_off(enrollment=enrollment, actor=request.user)
        except ValidationError as exc:
            error, code = _error(exc), UNPROCESSABLE
        else:
            enrollment = _enrollment(cohort, pk)
            messages.success(request, _("%(name)s is signed off.") % {"name": name})
            if not targets(request, f"signoff-{enrollment.pk}"):
                return see_other(request, _url("sign_off", slug, enrollment.pk))
    with timezone.override(_zone(cohort)):
        context = {
            "cohort": cohort,
            "enrollment": enrollment,
            "error_for": enrollment.pk if error else None,
            "error": error,
            "oob_messages": request.method == "POST" and not error,
        }
        if targets(request, f"signoff-{enrollment.pk}"):
            # Only the attendance page's sign-off list swaps items; they link to this page.
            return render(request, f"{SIGN_OFF}#item", {**context, "link": True}, status=code)
        return render(
            request,
            SIGN_OFF,
            {
                **context,
                "policy": selectors.policy_status(enrollment=enrollment),
                "roster": attendance_selectors.signoff_roster(cohort=cohort),
            },
            status=code,
        )
