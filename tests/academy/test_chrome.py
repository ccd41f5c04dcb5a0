"""The site header and footer ({% site_chrome %}): kept in each process once per kind of
visitor, with each visitor's own CSRF token and address filled in on every request."""

import re

import pytest
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.urls import reverse

from academy.templatetags.academy import _kept_chrome
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def chrome(html: str) -> str:
    """The header and the footer, tokens blanked."""
    parts = re.findall(
        r"<header class=\"site-header\">.*?</header>|<footer.*?</footer>", html, re.S
    )
    return TOKEN.sub('name="csrfmiddlewaretoken" value=""', "".join(parts))


def signed_in(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["anonymous", "participant", "staff"])
def test_the_same_html_kept_and_rendered_afresh(who, settings):
    user = {"anonymous": None, "participant": UserFactory, "staff": StaffFactory}[who]
    client = signed_in(user()) if user else Client()
    pages = [reverse("home"), reverse("modules:catalog"), reverse("profile")]
    _kept_chrome.clear()
    kept = [chrome(client.get(url).content.decode()) for url in pages for _ in range(2)]
    assert _kept_chrome
    settings.DEBUG = True  # templates may change under a DEBUG server: nothing is kept
    assert not _kept_chrome
    live = [chrome(client.get(url).content.decode()) for url in pages for _ in range(2)]
    assert not _kept_chrome
    assert kept == live
    assert 'aria-current="page"' in kept[0] or who == "anonymous"


def test_each_visitor_gets_their_own_token():
    ana, ben = signed_in(UserFactory()), signed_in(UserFactory())
    home = reverse("home")
    ana_html, ben_html = ana.get(home).content.decode(), ben.get(home).content.decode()
    ana_tokens, ben_tokens = TOKEN.findall(ana_html), TOKEN.findall(ben_html)
    assert len(ana_tokens) == 2  # sign out, language
    # Ben's page was served from the cache Ana's filled, with Ben's secret in it.
    assert {_unmask_cipher_token(t) for t in ana_tokens} == {ana.cookies["csrftoken"].value}
    assert {_unmask_cipher_token(t) for t in ben_tokens} == {ben.cookies["csrftoken"].value}
    assert ana.cookies["csrftoken"].value != ben.cookies["csrftoken"].value
    # And the token works: Ben signs out with the form he was given.
    response = ben.post(reverse("account_logout"), {"csrfmiddlewaretoken": ben_tokens[0]})
    assert response.status_code == 302
    assert "_auth_user_id" not in ben.session


def test_the_language_form_returns_to_this_address_escaped(client):
    client.get(reverse("modules:catalog"))
    response = client.get(reverse("modules:catalog"), {"q": '"><b>x'})
    html = response.content.decode()
    assert 'name="next" type="hidden" value="/programs/?q=%22%3E%3Cb%3Ex"' in html
    assert "<b>x" not in html
