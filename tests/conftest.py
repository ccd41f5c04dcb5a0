import os

import pytest
from django.core.cache import cache

from tests.factories import StaffFactory, UserFactory, ensure_issue_areas


@pytest.fixture(autouse=True)
def _clear_cache(request):
    """Rate-limit counters live in the (database) cache: start every test from zero."""
    # _django_db_marker (pytest-django) has set up the test database for marked tests.
    request.getfixturevalue("_django_db_marker")
    if request.node.get_closest_marker("django_db") or "live_server" in request.fixturenames:
        cache.clear()
        # A transactional test elsewhere may have flushed the data migrations' rows.
        ensure_issue_areas()


@pytest.fixture
def fragment_cache(settings):
    """Turn on the fragments cache (academy.fragments), which is Redis in production and off
    without it, with an empty in-memory cache."""
    from django.core.cache import caches

    settings.CACHES = {
        **settings.CACHES,
        "fragments": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "tests-fragments",
        },
    }
    caches["fragments"].clear()
    return caches["fragments"]


@pytest.fixture
def participant(db):
    return UserFactory(full_name="Ana Participant", email="participant@example.org")


@pytest.fixture
def facilitator(db):
    # Becomes a facilitator through a cohort relation once cohorts exist.
    return UserFactory(full_name="Fay Facilitator", email="facilitator@example.org")


@pytest.fixture
def other_facilitator(db):
    return UserFactory(full_name="Otto Otherfacilitator", email="other.facilitator@example.org")


@pytest.fixture
def staff(db):
    return StaffFactory(full_name="Sam Staff", email="staff@example.org")


def pytest_sessionfinish(session, exitstatus):
    """In CI nothing may be skipped: a skip there is a failure."""
    if not os.environ.get("CI"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(
            f"CI=true: {len(skipped)} test(s) skipped; skipping is not allowed in CI.", red=True
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
