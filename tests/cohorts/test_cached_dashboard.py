"""The signed-in pages with the fragments cache on (Redis in production): the dashboard's
panels and the lesson player read less, and still change as soon as what they show does.
Without the cache the same pages read everything (the other tests)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from academy.services import user_update_profile
from certificates import services as certificates
from cohorts import selectors, services
from modules import services as curriculum
from modules.models import Lesson
from tests.factories import UserFactory, make_cohort, published_program

pytestmark = pytest.mark.django_db

HOME = reverse("home")


@pytest.fixture
def world(fragment_cache, participant):
    program = published_program(title="Housing Leadership Lab", modules=1, lessons_per_module=4)
    cohort = make_cohort(program=program, name="Housing · Spring")
    enrollment = services.enrollment_self_enroll(cohort=cohort, user=participant)
    lessons = list(Lesson.objects.filter(module__program=program).order_by("position"))
    return cohort, enrollment, lessons


def start_in(days: int):
    starts = timezone.now() + timedelta(days=days)
    return {"starts_at": starts, "ends_at": starts + timedelta(hours=1)}


def test_the_dashboard_reads_a_fingerprint_and_the_user(client, world, django_assert_num_queries):
    client.force_login(world[1].user)
    client.get(HOME)
    # session (Redis in production), user, the fingerprint of what the panel shows: the
    # rest comes from the cache.
    with django_assert_num_queries(3):
        response = client.get(HOME)
    assertContains(response, "Housing Leadership Lab")
    assertContains(response, 'value="0"')


def test_the_dashboard_reads_its_panels_and_the_roles_in_one_round_trip(
    client, world, fragment_cache, monkeypatch
):
    client.force_login(world[1].user)
    client.get(HOME)
    reads, depth = [], []

    def spy(real):
        def read(*args, **kwargs):
            if not depth:  # a round trip, not the in-memory cache's get_many calling get
                reads.append(args)
            depth.append(1)
            try:
                return real(*args, **kwargs)
            finally:
                depth.pop()

        return read

    for name in ("get", "get_many"):
        monkeypatch.setattr(fragment_cache, name, spy(getattr(fragment_cache, name)))
    response = client.get(HOME)
    assertContains(response, "Housing Leadership Lab")
    assertContains(response, "No certificates yet.")
    assert len(reads) == 1  # the two panels and the navigation's role


def test_a_facilitator_sees_their_cohorts_on_the_dashboard(client, world, facilitator):
    cohort = world[0]
    client.force_login(facilitator)
    assertNotContains(client.get(HOME), "Cohorts you facilitate")
    services.cohort_update(cohort=cohort, data={"facilitators": [facilitator]})
    services.session_create(cohort=cohort, title="Budget night", **start_in(3))
    response = client.get(HOME)
    html = response.content.decode()
    assertContains(response, "Cohorts you facilitate")
    assertContains(response, reverse("cohorts:manage", args=[cohort.slug]))
    assertContains(response, reverse("cohorts:my_cohorts"))  # and the navigation says so
    # First on their dashboard, with when they next run a session.
    facilitating = html[
        html.index('id="facilitating"') : html.index("</section>", html.index('id="facilitating"'))
    ]
    assert "Next session:" in facilitating
    assert html.index('id="facilitating"') < html.index('id="next-session-title"')


def test_the_dashboard_follows_progress_sessions_and_the_curriculum(client, world):
    cohort, enrollment, lessons = world
    client.force_login(enrollment.user)
    assertContains(client.get(HOME), "No sessions scheduled.")

    services.lesson_complete(enrollment=enrollment, lesson=lessons[0])
    response = client.get(HOME)
    assertContains(response, 'value="25"')
    assertContains(response, lessons[1].title)

    session = services.session_create(cohort=cohort, title="Budget night", **start_in(3))
    assertContains(client.get(HOME), "Budget night")
    services.session_update(session=session, data={"title": "Budget night, moved"})
    assertContains(client.get(HOME), "Budget night, moved")
    services.session_cancel(session=session)
    assertContains(client.get(HOME), "No sessions scheduled.")

    services.cohort_update(cohort=cohort, data={"name": "Housing · Summer"})
    assertContains(client.get(HOME), "Housing · Summer")
    curriculum.lesson_update(lesson=lessons[1], data={"title": "Community land trusts"})
    assertContains(client.get(HOME), "Community land trusts")
    curriculum.program_update(program=cohort.program, data={"title": "Housing Justice Lab"})
    assertContains(client.get(HOME), "Housing Justice Lab")

    services.enrollment_withdraw(enrollment=enrollment, actor=enrollment.user)
    assertContains(client.get(HOME), "Withdrawn")


def test_a_session_that_ends_changes_the_fingerprint(world):
    cohort, enrollment, _lessons = world
    session = services.session_create(cohort=cohort, title="Soon", **start_in(1))
    before = selectors.member_fingerprint(
        user=enrollment.user, now=session.ends_at - timedelta(seconds=1)
    )
    after = selectors.member_fingerprint(user=enrollment.user, now=session.ends_at)
    assert before != after


def test_each_person_sees_their_own_panel_in_their_time_zone(client, world):
    cohort, enrollment, lessons = world
    services.session_create(cohort=cohort, title="Budget night", **start_in(3))
    services.lesson_complete(enrollment=enrollment, lesson=lessons[0])
    other = UserFactory(full_name="Otto Other")
    services.enrollment_self_enroll(cohort=cohort, user=other)

    client.force_login(enrollment.user)
    assertContains(client.get(HOME), 'value="25"')
    client.force_login(other)
    response = client.get(HOME)
    assertContains(response, 'value="0"')
    assertNotContains(response, 'value="25"')

    user_update_profile(user=other, data={"time_zone": "America/Los_Angeles"})
    assertContains(client.get(HOME), "PST")
    user_update_profile(user=other, data={"time_zone": "America/New_York"})
    assertContains(client.get(HOME), "EST")


def test_the_certificates_card_follows_issue_and_revoke(client, world, staff):
    _cohort, enrollment, _lessons = world
    client.force_login(enrollment.user)
    assertContains(client.get(HOME), "No certificates yet.")
    certificate = certificates.certificate_issue(
        enrollment=enrollment, actor=staff, override_reason="Finished elsewhere."
    )
    assertContains(client.get(HOME), certificate.display_code)
    certificates.certificate_revoke(certificate=certificate, actor=staff, public_reason="Error")
    assertContains(client.get(HOME), "Revoked")


def test_the_lesson_page_reads_a_fingerprint_and_the_user(client, world, django_assert_num_queries):
    cohort, enrollment, lessons = world
    url = reverse("cohorts:lesson", args=[cohort.slug, lessons[1].pk])
    client.force_login(enrollment.user)
    client.get(url)
    # session (Redis in production), user, the fingerprint; seat, progress and lesson cached.
    with django_assert_num_queries(3):
        response = client.get(url)
    assertContains(response, lessons[1].title)
    assertContains(response, "Mark complete")

    services.lesson_complete(enrollment=enrollment, lesson=lessons[1])
    assertContains(client.get(url), "✓ Completed")
    bars = reverse("cohorts:progress_bars", args=[cohort.slug, lessons[1].pk])
    assertContains(client.get(bars), 'value="25"')
    curriculum.lesson_update(lesson=lessons[1], data={"body": "Land held **in trust**."})
    assertContains(client.get(url), "<strong>in trust</strong>")
    other = make_cohort()
    assert (
        client.get(reverse("cohorts:lesson", args=[other.slug, lessons[1].pk])).status_code == 404
    )

    services.enrollment_withdraw(enrollment=enrollment, actor=enrollment.user)
    assert client.get(url).status_code == 404
