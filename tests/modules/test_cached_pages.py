"""The catalog and program pages with the fragments cache on (Redis in production): served
from the cache, stale as soon as a service changes the curriculum, never anyone's own."""

from http import HTTPStatus

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from modules import services
from modules.models import IssueArea
from tests.factories import published_program

pytestmark = pytest.mark.django_db

CATALOG = reverse("modules:catalog")
RESULTS = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "catalog-results"}


@pytest.fixture
def program(fragment_cache):
    return published_program(
        title="Housing Leadership Lab",
        slug="housing-lab",
        issue_areas=IssueArea.objects.filter(slug="housing"),
    )


def test_the_catalog_is_read_once_then_served_from_the_cache(
    client, program, django_assert_num_queries
):
    first = client.get(CATALOG)
    with django_assert_num_queries(0):
        second = client.get(CATALOG)
    assertContains(second, "Housing Leadership Lab")
    # The same page, apart from the CSRF token in the page's header and footer.
    assert first.content.count(b"Housing Leadership Lab") == second.content.count(
        b"Housing Leadership Lab"
    )
    client.get(CATALOG, {"area": "housing"})
    with django_assert_num_queries(0):
        response = client.get(CATALOG, {"area": "housing"}, **RESULTS)
    assert response.content.decode().lstrip().startswith('<div id="catalog-results"')
    assertContains(response, "Housing Leadership Lab")


def test_a_change_to_the_curriculum_shows_at_once(client, program):
    client.get(CATALOG)
    client.get(program.get_absolute_url())
    services.program_update(program=program, data={"title": "Housing Justice Lab"})
    assertContains(client.get(CATALOG), "Housing Justice Lab")
    assertContains(client.get(program.get_absolute_url()), "Housing Justice Lab")

    module = program.modules.first()
    services.lesson_create(module=module, title="Community land trusts")
    assertContains(client.get(program.get_absolute_url()), "Community land trusts")

    services.program_unpublish(program=program)
    assertNotContains(client.get(CATALOG), "Housing Justice Lab")
    assert client.get(program.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


def test_searches_and_unknown_areas_are_never_cached(client, program, fragment_cache):
    assertContains(client.get(CATALOG, {"q": "housing"}), "Housing Leadership Lab")
    assertContains(client.get(CATALOG, {"area": "no-such-area"}), "Housing Leadership Lab")
    assertContains(client.get(CATALOG, {"area": "<script>"}), "Housing Leadership Lab")
    # (The header and footer are kept per nav section, "catalog" here, whatever the search.)
    assert not [key for key in fragment_cache._cache if "catalog" in key and ":chrome:" not in key]


def test_the_program_page_reads_only_its_open_cohorts(client, program, django_assert_num_queries):
    client.get(program.get_absolute_url())
    with django_assert_num_queries(1):
        response = client.get(program.get_absolute_url())
    assertContains(response, "Lesson 1.1")
    assertContains(response, "No cohorts are open for enrollment right now")


def test_cached_pages_are_nobody_s_own(client, program, participant, staff):
    client.force_login(participant)
    response = client.get(program.get_absolute_url())
    assertContains(response, "Sign out")
    assertNotContains(response, "Edit in studio")
    client.logout()
    response = client.get(program.get_absolute_url())
    assertNotContains(response, "Sign out")
    assertNotContains(response, "Ana Participant")
    # Staff see the page live, with their button (and drafts).
    client.force_login(staff)
    assertContains(client.get(program.get_absolute_url()), "Edit in studio")
    client.force_login(participant)
    assertNotContains(client.get(program.get_absolute_url()), "Edit in studio")


def test_a_missing_program_is_a_404_and_not_cached(client, fragment_cache):
    assert client.get(reverse("modules:program_detail", args=["nope"])).status_code == 404
    assert not [key for key in fragment_cache._cache if "program" in key]
