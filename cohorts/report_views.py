"""Reports: the facilitator's roster grid (page, HTMX partial, CSV) and the staff overview.

The roster loads its cohort through `access.get_managed_cohort`: someone else's cohort is a
404 for the page, its partial and its CSV alike. The staff report is for staff only.
"""

import csv
from collections.abc import Iterable, Iterator

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from academy.access import staff_required
from academy.htmx import HtmxHttpRequest, targets
from cohorts import access, reports
from cohorts.models import Cohort

ROSTER_TARGET = "roster-grid"
REPORT_TARGET = "report-results"

# Spreadsheets run a cell that starts with one of these as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


class _Echo:
    """A file-like object whose write() hands back what it is given (Django docs pattern)."""

    def write(self, value: str) -> str:
        return value


def safe_cell(value) -> str | int | float:
    """Numbers pass; text that a spreadsheet would read as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _csv_lines(rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield BOM  # Excel reads the file as UTF-8 only with a byte-order mark
    for row in rows:
        yield writer.writerow([safe_cell(cell) for cell in row])


def csv_response(rows: Iterable[list], filename_stem: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_csv_lines(rows), content_type="text/csv; charset=utf-8")
    filename = f"{filename_stem}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    add_never_cache_headers(response)  # personal data: no shared or browser cache
    return response


@require_http_methods(["GET"])
@login_required
@vary_on_headers("HX-Request", "HX-Target")
def roster(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    cohort = access.get_managed_cohort(request.user, slug)
    grid = reports.cohort_roster(
        cohort=cohort, sort=request.GET.get("sort"), show=request.GET.get("show")
    )
    context = {
        "cohort": grid.cohort,
        "roster": grid,
        "sort_links": _sort_links(request.path, grid),
        "show_options": _show_options(request.path, grid),
        "behind_margin": reports.BEHIND_MARGIN,
    }
    template = "cohorts/reports/roster.html"
    if targets(request, ROSTER_TARGET):
        template += "#grid"
    return render(request, template, context)


def _url(path: str, show: str, sort: str) -> str:
    """The roster's address for a filter and sort; the defaults stay out of the URL."""
    params = {k: v for k, v in (("show", show), ("sort", sort)) if v not in ("all", "name")}
    return f"{path}?{urlencode(params)}" if params else path


def _sort_links(path: str, grid: reports.Roster) -> dict[str, dict]:
    """For each sortable column: the link that sorts by it (again: the other way round),
    and its aria-sort state."""
    links = {}
    for key in reports.SORTS:
        current = grid.sort == key
        next_param = f"-{key}" if current and not grid.descending else key
        state = "none"
        if current:
            state = "descending" if grid.descending else "ascending"
        links[key] = {"url": _url(path, grid.show, next_param), "aria_sort": state}
    return links


def _show_options(path: str, grid: reports.Roster) -> list[dict]:
    labels = {"all": _("All"), "at-risk": _("At risk"), "completed": _("Completed")}
    return [
        {
            "value": value,
            "label": labels[value],
            "count": grid.counts[value],
            "url": _url(path, value, grid.sort_param),
            "current": grid.show == value,
        }
        for value in reports.SHOWS
    ]


@require_http_methods(["GET"])
@login_required
def roster_csv(request: HtmxHttpRequest, slug: str) -> StreamingHttpResponse:
    cohort = access.get_managed_cohort(request.user, slug)
    return csv_response(reports.roster_table(cohort=cohort), f"roster-{cohort.slug}")


def _report(request: HtmxHttpRequest) -> reports.StaffReport:
    return reports.staff_report(
        program=request.GET.get("program", ""), status=request.GET.get("status", "")
    )


@require_http_methods(["GET"])
@staff_required
@vary_on_headers("HX-Request", "HX-Target")
def staff_report(request: HtmxHttpRequest) -> HttpResponse:
    report = _report(request)
    query = urlencode(
        {k: v for k, v in (("program", report.program), ("status", report.status)) if v}
    )
    context = {
        "report": report,
        "statuses": Cohort.Status.choices,
        "csv_query": query,
        "groups": [
            (_("By state"), _("State"), report.by_state, "by-state"),
            (_("By office type"), _("Office"), report.by_office, "by-office"),
        ],
    }
    template = "cohorts/reports/staff_report.html"
    if targets(request, REPORT_TARGET):
        template += "#results"
    return render(request, template, context)


@require_http_methods(["GET"])
@staff_required
def staff_report_csv(request: HtmxHttpRequest) -> StreamingHttpResponse:
    report = _report(request)
    stem = "academy-report" + "".join(f"-{v}" for v in (report.program, report.status) if v)
    return csv_response(reports.staff_report_table(report), stem)
