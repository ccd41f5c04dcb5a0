"""Staff screens: the list of every cohort, creating, editing and archiving them."""

import copy
from http import HTTPStatus

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from academy.access import staff_required
from academy.htmx import HtmxHttpRequest, see_other, targets
from academy.validators import without_control_characters
from cohorts import selectors, services
from cohorts.forms import CohortForm
from cohorts.models import CHAPTERS, Cohort
from modules.models import Program

UNPROCESSABLE = HTTPStatus.UNPROCESSABLE_ENTITY


@require_http_methods(["GET"])
@staff_required
def cohort_list(request: HtmxHttpRequest) -> HttpResponse:
    filters = {
        k: without_control_characters(request.GET.get(k, ""))
        for k in ("program", "status", "chapter")
    }
    page = selectors.staff_cohorts(**filters, page=request.GET.get("page", 1))
    for cohort in page:
        cohort.seats_left = max(cohort.capacity - cohort.seats_taken, 0)
    context = {
        "page_obj": page,
        "filters": filters,
        "programs": Program.objects.exclude(status=Program.Status.ARCHIVED).order_by("title"),
        "statuses": Cohort.Status.choices,
        "chapters": CHAPTERS,
    }
    template = (
        "cohorts/staff/cohort_list.html#results"
        if targets(request, "cohort-results")
        else "cohorts/staff/cohort_list.html"
    )
    return render(request, template, context)


def _save(request, form, cohort=None):
    data = {**form.cleaned_data, "facilitators": form.cleaned_data.pop("facilitator_emails")}
    if cohort is None:
        return services.cohort_create(**data)
    return services.cohort_update(cohort=cohort, data=data)


@require_http_methods(["GET", "POST"])
@staff_required
def cohort_create(request: HtmxHttpRequest) -> HttpResponse:
    initial = {"program": request.GET.get("program")}
    form = CohortForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                cohort = _save(request, form)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Cohort created. Add its live sessions next."))
                return see_other(
                    request, reverse("cohorts:manage", args=[cohort.slug]) + "#sessions"
                )
        return render(
            request, "cohorts/staff/cohort_form.html", {"form": form}, status=UNPROCESSABLE
        )
    return render(request, "cohorts/staff/cohort_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@staff_required
def cohort_edit(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    cohort = get_object_or_404(Cohort, slug=slug)
    # The form validates a copy: a rejected edit must not change the cohort the page links to.
    form = CohortForm(request.POST or None, instance=copy.copy(cohort))
    if request.method == "POST":
        if form.is_valid():
            try:
                cohort = _save(request, form, cohort)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Cohort saved."))
                return see_other(request, reverse("cohorts:manage", args=[cohort.slug]))
        return render(
            request,
            "cohorts/staff/cohort_form.html",
            {"form": form, "cohort": cohort},
            status=UNPROCESSABLE,
        )
    return render(request, "cohorts/staff/cohort_form.html", {"form": form, "cohort": cohort})


@require_POST
@staff_required
def cohort_archive(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    cohort = get_object_or_404(Cohort, slug=slug)
    services.cohort_archive(cohort=cohort)
    messages.success(request, _("Archived %(cohort)s. Its records are kept.") % {"cohort": cohort})
    return see_other(request, reverse("cohorts:staff_cohort_list"))
