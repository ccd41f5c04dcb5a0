"""Facilitator (and staff) pages for running a cohort. Every view loads the cohort through
`Cohort.objects.managed_by(request.user)`: someone else's cohort is a 404, fragments included."""

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
from django.views.decorators.http import require_http_methods, require_POST

from academy.htmx import HtmxHttpRequest, see_other, targets
from cohorts import access, selectors, services
from cohorts.forms import (
    AnnouncementForm,
    DecisionForm,
    ImportForm,
    InviteForm,
    MoveForm,
    SessionForm,
)
from cohorts.models import Enrollment

UNPROCESSABLE = HTTPStatus.UNPROCESSABLE_ENTITY


def _manage_url(slug: str, anchor: str = "") -> str:
    url = reverse("cohorts:manage", args=[slug])
    return f"{url}#{anchor}" if anchor else url


def _context(request, cohort, **extra) -> dict:
    page = selectors.manage_page(cohort=cohort)
    return {
        "page": page,
        "cohort": page.cohort,
        "is_staff": request.user.is_staff,
        "session_form": SessionForm(cohort=page.cohort),
        "announcement_form": AnnouncementForm(),
        "invite_form": InviteForm(),
        "import_form": ImportForm(),
        **extra,
    }


@require_http_methods(["GET"])
@login_required
def my_cohorts(request: HtmxHttpRequest) -> HttpResponse:
    return render(
        request,
        "cohorts/my_cohorts.html",
        {"cohorts": selectors.facilitated_cohorts(user=request.user)},
    )


@require_http_methods(["GET"])
@login_required
def manage(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    cohort = access.get_managed_cohort(request.user, slug)
    with timezone.override(zoneinfo.ZoneInfo(cohort.time_zone)):
        return render(request, "cohorts/manage.html", _context(request, cohort))


@require_POST
@login_required
def application_decide(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    cohort = access.get_managed_cohort(request.user, slug)
    # An invitation is not an application: only the invitee answers it (or staff withdraw it).
    enrollment = get_object_or_404(
        cohort.enrollments.exclude(status=Enrollment.Status.INVITED).select_related("user"), pk=pk
    )
    form = DecisionForm(request.POST)
    decision = request.POST.get("decision")
    if decision not in {"approve", "decline"} or not form.is_valid():
        return HttpResponse(_("Choose approve or decline."), status=HTTPStatus.BAD_REQUEST)
    try:
        if decision == "approve":
            enrollment = services.enrollment_approve(
                enrollment=enrollment, actor=request.user, message=form.cleaned_data["message"]
            )
            text = (
                _("%(name)s is enrolled.")
                if enrollment.status == Enrollment.Status.ENROLLED
                else _("The cohort is full: %(name)s is on the waitlist.")
            ) % {"name": enrollment.user}
        else:
            services.enrollment_decline(
                enrollment=enrollment, actor=request.user, message=form.cleaned_data["message"]
            )
            text = _("Declined %(name)s's application.") % {"name": enrollment.user}
        messages.success(request, text)
        status = HTTPStatus.OK
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        status = UNPROCESSABLE
    if targets(request, "people"):
        # The seat count in the page header comes along out of band.
        return render(
            request,
            "cohorts/manage.html#people",
            _context(request, cohort, oob_messages=True),
            status=status,
        )
    return see_other(request, _manage_url(slug, "people"))


def _session_form_response(request, cohort, form, *, status):
    if targets(request, "sessions"):
        return render(
            request,
            "cohorts/manage.html#sessions",
            _context(request, cohort, session_form=form),
            status=status,
        )
    return render(
        request, "cohorts/manage.html", _context(request, cohort, session_form=form), status=status
    )


@require_POST
@login_required
def session_create(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    cohort = access.get_managed_cohort(request.user, slug)
    with timezone.override(zoneinfo.ZoneInfo(cohort.time_zone)):
        form = SessionForm(request.POST, cohort=cohort)
        if form.is_valid():
            try:
                services.session_create(cohort=cohort, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Session scheduled."))
                if targets(request, "sessions"):
                    return render(
                        request,
                        "cohorts/manage.html#sessions",
                        _context(request, cohort, oob_messages=True),
                    )
                return see_other(request, _manage_url(slug, "sessions"))
        return _session_form_response(request, cohort, form, status=UNPROCESSABLE)


@require_http_methods(["GET", "POST"])
@login_required
def session_edit(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    cohort = access.get_managed_cohort(request.user, slug)
    session = get_object_or_404(cohort.sessions.filter(cancelled_at__isnull=True), pk=pk)
    with timezone.override(zoneinfo.ZoneInfo(cohort.time_zone)):
        form = SessionForm(request.POST or None, instance=session, cohort=cohort)
        if request.method == "POST":
            if form.is_valid():
                try:
                    services.session_update(session=session, data=form.cleaned_data)
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    messages.success(
                        request,
                        _(
                            "Session updated. Calendars pick up the change; a new time, link "
                            "or place is emailed to the participants."
                        ),
                    )
                    return see_other(request, _manage_url(slug, "sessions"))
            return render(
                request,
                "cohorts/session_form.html",
                {"cohort": cohort, "session": session, "form": form},
                status=UNPROCESSABLE,
            )
        return render(
            request,
            "cohorts/session_form.html",
            {"cohort": cohort, "session": session, "form": form},
        )


@require_http_methods(["GET", "POST"])
@login_required
def session_cancel(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    cohort = access.get_managed_cohort(request.user, slug)
    session = get_object_or_404(cohort.sessions.filter(cancelled_at__isnull=True), pk=pk)
    if request.method == "POST":
        services.session_cancel(session=session)
        messages.success(
            request, _("Session cancelled. Participants and facilitators are being told by email.")
        )
        return see_other(request, _manage_url(slug, "sessions"))
    return render(
        request,
        "cohorts/confirm.html",
        {
            "title": _("Cancel “%(title)s”?") % {"title": session.title},
            "text": _(
                "Everyone enrolled gets an email, and the session is marked cancelled in their calendars."
            ),
            "button": _("Cancel the session"),
            "cancel_label": _("Keep it"),
            "cancel_url": _manage_url(slug, "sessions"),
        },
    )


@require_POST
@login_required
def announcement_create(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    cohort = access.get_managed_cohort(request.user, slug)
    form = AnnouncementForm(request.POST)
    if form.is_valid():
        services.announcement_post(cohort=cohort, author=request.user, **form.cleaned_data)
        messages.success(
            request, _("Announcement posted. It is being emailed to the cohort's participants.")
        )
        if targets(request, "announcements"):
            return render(
                request,
                "cohorts/manage.html#announcements",
                _context(request, cohort, oob_messages=True),
            )
        return see_other(request, _manage_url(slug, "announcements"))
    if targets(request, "announcements"):
        return render(
            request,
            "cohorts/manage.html#announcements",
            _context(request, cohort, announcement_form=form),
            status=UNPROCESSABLE,
        )
    return render(
        request,
        "cohorts/manage.html",
        _context(request, cohort, announcement_form=form),
        status=UNPROCESSABLE,
    )


# --- Staff-only roster actions (cohorts managed by staff: all of them) -----------------------


def _staff_cohort(request, slug):
    if not request.user.is_staff:
        raise Http404
    return access.get_managed_cohort(request.user, slug)


@require_POST
@login_required
def invite(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    cohort = _staff_cohort(request, slug)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            services.enrollment_invite(cohort=cohort, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error("email", exc)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]}
            )
            return see_other(request, _manage_url(slug, "people"))
    return render(
        request,
        "cohorts/manage.html",
        _context(request, cohort, invite_form=form),
        status=UNPROCESSABLE,
    )


@require_POST
@login_required
def import_invitations(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    cohort = _staff_cohort(request, slug)
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        result = services.invitations_import_csv(
            cohort=cohort, data=form.cleaned_data["file"].read(), actor=request.user
        )
        if result.ok:
            messages.success(request, _("Invited %(n)s people.") % {"n": len(result.invited)})
            return see_other(request, _manage_url(slug, "people"))
        return render(
            request,
            "cohorts/manage.html",
            _context(request, cohort, import_form=form, import_errors=result.errors),
            status=UNPROCESSABLE,
        )
    return render(
        request,
        "cohorts/manage.html",
        _context(request, cohort, import_form=form),
        status=UNPROCESSABLE,
    )


@require_http_methods(["GET", "POST"])
@login_required
def enrollment_withdraw(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    cohort = _staff_cohort(request, slug)
    enrollment = get_object_or_404(
        cohort.enrollments.select_related("user"), pk=pk, status=Enrollment.Status.ENROLLED
    )
    if request.method == "POST":
        services.enrollment_withdraw(
            enrollment=enrollment, actor=request.user, note=_("Withdrawn by staff.")
        )
        messages.success(
            request,
            _("%(name)s has been withdrawn; the record is kept.") % {"name": enrollment.user},
        )
        return see_other(request, _manage_url(slug, "people"))
    return render(
        request,
        "cohorts/confirm.html",
        {
            "title": _("Withdraw %(name)s from %(cohort)s?")
            % {"name": enrollment.user, "cohort": cohort},
            "text": _(
                "Their seat goes to the next person on the waitlist. Their record and progress are kept."
            ),
            "button": _("Withdraw"),
            "cancel_url": _manage_url(slug, "people"),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def enrollment_move(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    cohort = _staff_cohort(request, slug)
    enrollment = get_object_or_404(
        cohort.enrollments.select_related("user"), pk=pk, status=Enrollment.Status.ENROLLED
    )
    form = MoveForm(request.POST or None, cohort=cohort)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.enrollment_move(
                enrollment=enrollment, to_cohort=form.cleaned_data["to_cohort"], actor=request.user
            )
        except ValidationError as exc:
            form.add_error("to_cohort", exc)
        else:
            messages.success(
                request,
                _("%(name)s moved to %(cohort)s (%(status)s).")
                % {
                    "name": enrollment.user,
                    "cohort": new.cohort,
                    "status": new.get_status_display().lower(),
                },
            )
            return see_other(request, _manage_url(slug, "people"))
    status = UNPROCESSABLE if request.method == "POST" else HTTPStatus.OK
    return render(
        request,
        "cohorts/move.html",
        {"cohort": cohort, "enrollment": enrollment, "form": form},
        status=status,
    )
