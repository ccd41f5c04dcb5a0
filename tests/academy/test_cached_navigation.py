"""The navigation with the fragments cache on (Redis in production): whether someone
facilitates is remembered, and forgotten as soon as the cohorts' facilitators change."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from cohorts import services
from tests.factories import make_cohort

pytestmark = pytest.mark.django_db

MY_COHORTS = reverse("cohorts:my_cohorts")
PROFILE = reverse("profile")


def test_the_navigation_remembers_the_role_until_it_changes(
    client, fragment_cache, participant, django_assert_num_queries
):
    cohort = make_cohort()
    client.force_login(participant)
    assertNotContains(client.get(PROFILE), MY_COHORTS)
    with django_assert_num_queries(2):  # session and user; the role from the cache
        client.get(PROFILE)

    services.cohort_update(cohort=cohort, data={"facilitators": [participant]})
    assertContains(client.get(PROFILE), MY_COHORTS)
    services.cohort_update(cohort=cohort, data={"facilitators": []})
    assertNotContains(client.get(PROFILE), MY_COHORTS)
    cohort.facilitators.add(participant)
    assertContains(client.get(PROFILE), MY_COHORTS)
    participant.facilitated_cohorts.clear()
    assertNotContains(client.get(PROFILE), MY_COHORTS)
