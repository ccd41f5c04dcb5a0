"""Participant pages: joining a cohort, the cohort page, invitations and withdrawing."""

from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from academy.htmx import HtmxHttpRequest, see_other
from cohorts import access, attendance_selectors, selectors, services
from cohorts.forms import ApplicationForm
from cohorts.models import Cohort, Enrollment

UNPROCESSABLE = HTTPStatus.UNPROCESSABLE_ENTITY
PUBLIC_STATUSES = (Cohort.Status.OPEN, Cohort.Status.RUNNING, Cohort.Status.FINISHED)


def _public_cohort(slug: str) -> Cohort:
    return get_object_or_404(
        Cohort.objects.select_related("program")
        .prefetch_related("facilitators")
        .with_seat_counts(),
        slug=slug,
        status__in=PUBLIC_STATUSES,
    )


@require_http_methods(["GET", "POST"])
def cohort_join(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """The public page of a cohort: enroll, apply, or see where you stand."""
    cohort = _public_cohort(slug)
    enrollment = (
        cohort.enrollments.filter(user=request.user).first()
        if request.user.is_authenticated
        else None
    )
    form = ApplicationForm(request.POST or None, cohort=cohort)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        if enrollment is None:
            try:
                if cohort.enrollment_mode == Cohort.EnrollmentMode.APPLICATION:
                    if not form.is_valid():
                        raise ValidationError("")
                    services.enrollment_apply(
                        cohort=cohort, user=request.user, answers=form.answers()
                    )
                    messages.success(
                        request, _("Application sent. Facilitators usually answer within a week.")
                    )
                else:
                    enrollment = services.enrollment_self_enroll(cohort=cohort, user=request.user)
                    if enrollment.status == Enrollment.Status.ENROLLED:
                        messages.success(request, _("You are enrolled. Welcome to the cohort!"))
                        return see_other(request, cohort.get_absolute_url())
                    messages.info(
                        request,
                        _(
                            "The cohort is full: you are on the waitlist. We will email you if a seat frees up."
                        ),
                    )
                return see_other(request, reverse("cohorts:cohort_join", args=[slug]))
            except ValidationError as exc:
                for message in exc.messages:
                    if message:
                        messages.error(request, message)
                return render(
                    request,
                    "cohorts/join.html",
                    _join_context(request, cohort, None, form),
                    status=UNPROCESSABLE,
                )
        return see_other(request, reverse("cohorts:cohort_join", args=[slug]))
    return render(request, "cohorts/join.html", _join_context(request, cohort, enrollment, form))


def _join_context(
    request, cohort: Cohort, enrollment: Enrollment | None, form: ApplicationForm
) -> dict:
    return {
        "cohort": cohort,
        "enrollment": enrollment,
        "form": form,
        "seats_left": max(cohort.capacity - cohort.seats_taken, 0),
        "is_open": cohort.is_enrollment_open(),
        "is_member": enrollment is not None and enrollment.status in Enrollment.SEAT_HOLDING,
    }


@require_http_methods(["GET"])
@login_required
def cohort_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    try:
        cohort = access.get_viewable_cohort(request.user, slug)
    except Http404:
        # People who applied, wait or were invited see where they stand on the public page.
        if Cohort.objects.filter(slug=slug, status__in=PUBLIC_STATUSES).exists():
            return redirect("cohorts:cohort_join", slug=slug)
        raise
    page = selectors.cohort_page(cohort=cohort, user=request.user)
    member = page.enrollment is not None and page.enrollment.status in Enrollment.SEAT_HOLDING
    return render(
        request,
        "cohorts/cohort_detail.html",
        {
            "page": page,
            "cohort": page.cohort,
            "can_manage": Cohort.objects.managed_by(request.user).filter(pk=cohort.pk).exists(),
            "calendar_token": services.calendar_token_for(request.user),
            "outline": selectors.learner_outline(enrollment=page.enrollment) if member else None,
            "my_attendance": attendance_selectors.my_attendance(page.enrollment) if member else [],
        },
    )


def _own_enrollment(request, slug: str, *statuses) -> Enrollment:
    return get_object_or_404(
        Enrollment.objects.select_related("cohort__program"),
        cohort__slug=slug,
        user=request.user,
        status__in=statuses,
    )


@require_http_methods(["GET", "POST"])
@login_required
def cohort_withdraw(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    enrollment = _own_enrollment(request, slug, Enrollment.Status.ENROLLED)
    if request.method == "POST":
        services.enrollment_withdraw(
            enrollment=enrollment, actor=request.user, note=_("Withdrew themselves.")
        )
        messages.success(
            request,
            _("You have left %(cohort)s. Your record is kept.") % {"cohort": enrollment.cohort},
        )
        return see_other(request, reverse("home"))
    return render(
        request,
        "cohorts/confirm.html",
        {
            "title": _("Leave %(cohort)s?") % {"cohort": enrollment.cohort},
            "text": _(
                "Your seat goes to the next person on the waitlist. Your progress so far is kept."
            ),
            "button": _("Leave the cohort"),
            "cancel_url": enrollment.cohort.get_absolute_url(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def invitation(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    enrollment = _own_enrollment(request, slug, Enrollment.Status.INVITED)
    if request.method == "POST":
        answer = request.POST.get("answer")
        if answer not in {"accept", "decline"}:
            # Declining is final: never the answer to a request that did not say so.
            return HttpResponse(_("Choose accept or decline."), status=HTTPStatus.BAD_REQUEST)
        try:
            if answer == "accept":
                services.enrollment_accept_invitation(enrollment=enrollment)
                messages.success(request, _("You are enrolled. Welcome to the cohort!"))
                return see_other(request, enrollment.cohort.get_absolute_url())
            services.enrollment_decline(
                enrollment=enrollment, actor=request.user, message=_("Declined the invitation.")
            )
            messages.info(request, _("You declined the invitation."))
            return see_other(request, reverse("home"))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return render(
                request,
                "cohorts/invitation.html",
                {"enrollment": enrollment, "cohort": enrollment.cohort},
                status=UNPROCESSABLE,
            )
    return render(
        request, "cohorts/invitation.html", {"enrollment": enrollment, "cohort": enrollment.cohort}
    )
