"""Browser tests: Playwright drives the system Chromium against pytest-django's live_server."""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls in tests are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM):
        return
    # Locally a missing browser skips these tests with the reason; in CI a skip fails the run.
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    for item in items:
        if "e2e" in item.nodeid:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-US", "timezone_id": "America/New_York"}


@pytest.fixture
def page(page, live_server):
    """A page that fails the test on any console error or CSP violation."""
    problems: list[str] = []

    def on_console(msg):
        # A form answered 422 (our "fix these errors" status) is expected, not a fault.
        if msg.type == "error" and "status of 422" not in msg.text:
            problems.append(msg.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.set_default_timeout(10_000)
    yield page
    assert problems == [], f"browser console errors: {problems}"
