"""URLs for `make bench` (settings BENCH=true): the site, plus two reference pages.

- the floor: a template of a given HTML size rendered with no database work, through the
  same middleware and base template as every page, so a page's time can be read as a
  multiple of the time its size alone costs;
- the bare view: the least a Django request costs on this server setup.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from academy.urls import urlpatterns as site

# One table row of the floor template renders to about this many bytes.
FLOOR_ROW_BYTES = 100


def floor(request: HttpRequest, size: int) -> HttpResponse:
    rows = [
        {"name": f"Row {i}", "place": "Durham City Council", "done": i % 60, "total": 60}
        for i in range(max(size - 4000, 0) // FLOOR_ROW_BYTES)
    ]
    return render(request, "bench/floor.html", {"rows": rows})


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("_bench/floor/<int:size>/", floor, name="bench_floor"),
    path("_bench/bare/", bare, name="bench_bare"),
    *site,
]
