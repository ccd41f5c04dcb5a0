"""Public catalog and program pages."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from academy.htmx import HtmxHttpRequest, targets
from modules import hooks, selectors
from modules.models import Program


@require_GET
@vary_on_headers("HX-Request", "HX-Target")
def catalog(request: HtmxHttpRequest) -> HttpResponse:
    page = selectors.catalog(area_slug=request.GET.get("area", ""), query=request.GET.get("q", ""))
    template = (
        "modules/catalog.html#results"
        if targets(request, "catalog-results")
        else "modules/catalog.html"
    )
    return render(request, template, {"catalog": page})


@require_GET
def program_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    is_staff = request.user.is_authenticated and request.user.is_staff
    try:
        program = selectors.program_page(slug=slug, include_unpublished=is_staff)
    except Program.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "modules/program_detail.html",
        {
            "program": program,
            "panels": hooks.program_panels(request, program),
            "can_edit": is_staff,
        },
    )
