"""Public catalog and program pages.

Everyone but staff sees the same catalog and program outline, so with a fragments cache
(academy.fragments) those parts are rendered once per curriculum version and language, without a
request; modules.services make them stale. What changes on its own (a program's open cohorts,
the header of the person signed in) is read on every request.
"""

import re

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from academy import fragments
from academy.htmx import HtmxHttpRequest, targets
from modules import hooks, selectors
from modules.models import Program

CATALOG = "modules/catalog.html"
PROGRAM = "modules/program_detail.html"
# What a slug looks like; pages for anything else are shown but never cached.
SLUG = re.compile(r"[-a-zA-Z0-9_]{0,80}")


def _catalog_fragments(area_slug: str) -> dict[str, str] | None:
    """The catalog without a search, rendered: the page's content and its results region.
    None for an unknown issue area."""

    def build(keys: list[str]) -> dict[str, dict[str, str]]:
        page = selectors.catalog(area_slug=area_slug)
        if area_slug and page.area is None:
            return {}
        context = {"catalog": page}
        return {
            keys[0]: {
                "content": render_to_string(f"{CATALOG}#content", context),
                "results": render_to_string(f"{CATALOG}#results", context),
            }
        }

    key = f"catalog:{get_language()}:{area_slug}"
    return fragments.cached_many(selectors.CURRICULUM, [key], build).get(key)


@require_GET
@vary_on_headers("HX-Request", "HX-Target")
def catalog(request: HtmxHttpRequest) -> HttpResponse:
    area_slug = request.GET.get("area", "")
    query = selectors.clean_query(request.GET.get("q", ""))
    results_only = targets(request, "catalog-results")
    if fragments.enabled() and not query and SLUG.fullmatch(area_slug):
        cached = _catalog_fragments(area_slug)
        if cached is not None:
            if results_only:
                return HttpResponse(cached["results"])
            return render(request, CATALOG, {"cached": cached})
    page = selectors.catalog(area_slug=area_slug, query=query)
    return render(request, f"{CATALOG}#results" if results_only else CATALOG, {"catalog": page})


def _published_program(slug: str) -> tuple[Program, dict[str, str]]:
    """A published program (without its outline) and its page's header and outline, rendered."""

    def build() -> tuple[Program, dict[str, str]]:
        try:
            program = selectors.program_page(slug=slug)
        except Program.DoesNotExist:
            raise Http404 from None
        context = {"program": program, "can_edit": False}
        rendered = {
            "header": render_to_string(f"{PROGRAM}#header", context),
            "main": render_to_string(f"{PROGRAM}#main", context),
        }
        return selectors.without_outline(program), rendered

    return fragments.cached(selectors.CURRICULUM, f"program:{get_language()}:{slug}", build)


@require_GET
def program_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    is_staff = request.user.is_authenticated and request.user.is_staff
    cached = None
    if fragments.enabled() and not is_staff and SLUG.fullmatch(slug):
        program, cached = _published_program(slug)
    else:
        try:
            program = selectors.program_page(slug=slug, include_unpublished=is_staff)
        except Program.DoesNotExist:
            raise Http404 from None
    return render(
        request,
        PROGRAM,
        {
            "program": program,
            "cached": cached,
            "panels": hooks.program_panels(request, program),
            "can_edit": is_staff,
        },
    )
