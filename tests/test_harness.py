"""The harness itself: the test settings are the production settings with DEBUG off."""

from django.conf import settings


def test_tests_run_with_debug_off_and_strict_csp():
    assert settings.DEBUG is False
    assert "'unsafe-inline'" not in str(settings.SECURE_CSP)
    assert "'unsafe-eval'" not in str(settings.SECURE_CSP)


def test_rate_limits_use_a_shared_cache():
    # Database cache unless REDIS_URL is set: never a per-process memory cache.
    backend = settings.CACHES["default"]["BACKEND"]
    assert backend in {
        "django.core.cache.backends.db.DatabaseCache",
        "academy.cache.RedisCache",  # Django's, with one client per connection pool
    }


def test_ci_runs_on_postgresql():
    import os

    from django.db import connection

    if os.environ.get("CI"):
        assert connection.vendor == "postgresql"
    else:
        assert connection.vendor in {"postgresql", "sqlite"}


def test_the_redis_cache_keeps_one_client_per_pool():
    from academy.cache import RedisCache

    cache = RedisCache("redis://127.0.0.1:6379/9", {})
    # redis-py connects lazily: nothing here talks to a server.
    assert cache._cache.get_client() is cache._cache.get_client(write=True)
