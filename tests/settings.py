"""Test settings: production settings (DEBUG off) with the few changes a test run needs."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-used-anywhere-else-0123456789")

from academy.settings import *  # noqa: F403

# Plain HTTP on live_server: secure-only cookies would never reach the browser.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# Manifest storage needs collectstatic; tests serve static files from the source tree.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Hashing cost is not what the tests are about.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# Templates used only by tests (e.g. a program-page panel registered through modules.hooks).
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "tests" / "templates"]  # noqa: F405
# Query counts are asserted without the layers that only Redis turns on (sessions read from it,
# the fragments cache), whatever REDIS_URL says; tests of those turn them on (fragment_cache).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
CACHES = {
    **CACHES,  # noqa: F405
    "fragments": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}
