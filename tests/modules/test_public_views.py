from http import HTTPStatus

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from modules import services
from modules.models import IssueArea
from tests.factories import ProgramFactory, published_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def housing_lab():
    program = published_program(
        title="Housing Leadership Lab",
        slug="housing-leadership-lab",
        summary="Tenant protections to social housing.",
        issue_areas=IssueArea.objects.filter(slug="housing"),
    )
    module = program.modules.first()
    services.lesson_create(
        module=module,
        title="Community land trusts",
        body="Permanently affordable homeownership.",
        estimated_minutes=20,
    )
    return program


@pytest.fixture
def budget_academy():
    return published_program(
        title="Budgets as Moral Documents",
        slug="budgets",
        summary="Read and amend your budget.",
        issue_areas=IssueArea.objects.filter(slug="budget"),
    )


def test_catalog_lists_published_programs_only(client, housing_lab):
    ProgramFactory(title="Secret Draft Lab")
    response = client.get(reverse("modules:catalog"))
    assertContains(response, "Housing Leadership Lab")
    assertNotContains(response, "Secret Draft Lab")


def test_catalog_filters_by_issue_area_with_the_filter_in_the_url(
    client, housing_lab, budget_academy
):
    response = client.get(reverse("modules:catalog"), {"area": "budget"})
    assertContains(response, "Budgets as Moral Documents")
    assertNotContains(response, "Housing Leadership Lab")
    assertContains(response, 'href="?area=budget"')


def test_catalog_filter_over_htmx_returns_only_the_results(client, housing_lab, budget_academy):
    response = client.get(
        reverse("modules:catalog"),
        {"area": "housing"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="catalog-results",
    )
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="catalog-results"')
    assert "Housing Leadership Lab" in body
    assert "Budgets as Moral Documents" not in body
    assert "HX-Request" in response.get("Vary", "")


def test_boosted_catalog_request_gets_the_whole_page(client, housing_lab):
    response = client.get(
        reverse("modules:catalog"),
        HTTP_HX_REQUEST="true",
        HTTP_HX_BOOSTED="true",
        HTTP_HX_TARGET="catalog-results",
    )
    assertContains(response, "<html")


def test_catalog_empty_state(client):
    assertContains(client.get(reverse("modules:catalog")), "No programs match")


def test_search_finds_lessons_and_their_program(client, housing_lab, budget_academy):
    response = client.get(reverse("modules:catalog"), {"q": "land trusts"})
    assertContains(response, "Community land trusts")
    assertContains(response, "Housing Leadership Lab")
    assertNotContains(response, "Budgets as Moral Documents")


def test_search_ignores_unpublished_content(client):
    draft = ProgramFactory(title="Hidden Lab")
    services.module_create(program=draft, title="Secret strategy")
    response = client.get(reverse("modules:catalog"), {"q": "secret"})
    assertNotContains(response, "Secret strategy")
    assertContains(response, "No programs match")


def test_program_page_shows_outline_and_total_time(client, housing_lab):
    response = client.get(housing_lab.get_absolute_url())
    assertContains(response, "Housing Leadership Lab")
    assertContains(response, "Module 1")
    assertContains(response, "Community land trusts")
    # 2 modules × (10 module minutes + 3 lessons × 5) + 20 = 70 minutes.
    assertContains(response, "1 h 10 min")
    assertContains(response, "No cohorts are open for enrollment right now")


def test_draft_program_page_is_404_for_everyone_but_staff(client, participant, staff):
    draft = ProgramFactory()
    url = draft.get_absolute_url()
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    client.force_login(participant)
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    client.force_login(staff)
    response = client.get(url)
    assertContains(response, "only staff can see this page")


def test_program_page_panels_hook(client, housing_lab):
    from modules import hooks

    def provider(request, program):
        return hooks.Panel(template="tests/panel.html", context={"n": 3})

    hooks.register_program_panel(provider)
    try:
        response = client.get(housing_lab.get_absolute_url())
    finally:
        hooks._program_panel_providers.remove(provider)
    assertContains(response, "3 seats left")


@pytest.mark.parametrize("size", [1, 6])
def test_catalog_and_program_queries_do_not_grow_with_content(
    client, django_assert_num_queries, size
):
    for n in range(3):
        published_program(
            modules=size,
            lessons_per_module=size,
            slug=f"p{n}",
            issue_areas=IssueArea.objects.all()[:3],
        )
    # The same counts at 1×1 and 6×6 modules×lessons per program.
    with django_assert_num_queries(3):
        client.get(reverse("modules:catalog"))
    with django_assert_num_queries(6):
        client.get(reverse("modules:catalog"), {"q": "Lesson"})
    # 4 for the outline, 1 for the open cohorts (the cohorts app's panel).
    with django_assert_num_queries(5):
        client.get(reverse("modules:program_detail", args=["p0"]))
