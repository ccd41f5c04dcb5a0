"""The Spanish translation: complete, placeholders intact, its .mo compiled from the .po in
the repository, and used for a person who chose Spanish."""

import gettext
import re
from datetime import datetime
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from pytest_django.asserts import assertContains

from tests.factories import UserFactory

PO = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|</?[a-z]+[^>]*>")


@pytest.fixture(scope="module")
def po():
    return polib.pofile(str(PO))


def test_every_string_is_translated(po):
    assert len(po) > 1000
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []


def test_placeholders_and_markup_survive_translation(po):
    wrong = []
    for entry in po:
        if not entry.msgid_plural:
            if set(PLACEHOLDER.findall(entry.msgstr)) != set(PLACEHOLDER.findall(entry.msgid)):
                wrong.append((entry.msgid, entry.msgstr))
            continue
        # A singular form may leave out the count ("one attempt"); nothing else may go.
        singular, plural = (set(PLACEHOLDER.findall(s)) for s in (entry.msgid, entry.msgid_plural))
        for form in entry.msgstr_plural.values():
            found = set(PLACEHOLDER.findall(form))
            if not (singular & plural) <= found <= (singular | plural):
                wrong.append((entry.msgid, form))
    assert wrong == []


def test_the_compiled_catalog_is_the_po(po):
    with open(PO.with_suffix(".mo"), "rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    for entry in po:
        if entry.msgid_plural:
            assert catalog.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0]
        elif entry.msgctxt:
            assert catalog.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr
        else:
            assert catalog.gettext(entry.msgid) == entry.msgstr, entry.msgid


@pytest.mark.django_db
def test_someone_who_chose_spanish_reads_spanish(client):
    client.force_login(UserFactory(language="es"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    response = client.get(reverse("modules:catalog"))
    assertContains(response, '<html lang="es">')
    assertContains(response, "Cerrar sesión")


@pytest.mark.parametrize(
    ("language", "time", "short", "full"),
    [
        ("en", "7:05 PM", "Nov 22, 7:05 PM", "Nov 22, 2026, 7:05 PM"),
        ("es", "19:05", "22/11/2026 19:05", "22 de noviembre de 2026 a las 19:05"),
    ],
)
def test_times_are_written_the_readers_way(language, time, short, full):
    moment = datetime(2026, 11, 22, 19, 5)
    with translation.override(language):
        assert date_format(moment, "TIME_FORMAT") == time
        assert date_format(moment, "SHORT_DATETIME_FORMAT") == short
        assert date_format(moment, "DATETIME_FORMAT") == full
