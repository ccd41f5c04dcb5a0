from playwright.sync_api import Page, expect

from tests.factories import PASSWORD


def sign_in(page: Page, live_server, email: str, password: str = PASSWORD) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def sign_out(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Sign out").click()


def wait_for_htmx(page: Page) -> None:
    """Wait until htmx has swapped and settled (new content is then wired up)."""
    # A locator, not wait_for_function: the strict CSP forbids the eval() that would need.
    expect(
        page.locator(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")
    ).to_have_count(0)
