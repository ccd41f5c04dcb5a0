"""Production's static files storage (academy.storage): hashed URLs from the manifest,
remembered per process."""

import json

import pytest
from django.contrib.staticfiles.storage import ManifestStaticFilesStorage

from academy.storage import StaticFilesStorage


@pytest.fixture
def location(tmp_path):
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"version": "1.1", "paths": {"css/app.css": "css/app.5e1f0c.css"}})
    )
    return tmp_path


def test_urls_are_the_manifests_and_stay_the_same(location):
    storage = StaticFilesStorage(location=location, base_url="/static/")
    plain = ManifestStaticFilesStorage(location=location, base_url="/static/")
    assert storage.url("css/app.css") == plain.url("css/app.css") == "/static/css/app.5e1f0c.css"
    assert storage.url("css/app.css") == "/static/css/app.5e1f0c.css"  # remembered
    assert storage._urls == {"css/app.css": "/static/css/app.5e1f0c.css"}


def test_a_file_missing_from_the_manifest_is_still_an_error(location):
    storage = StaticFilesStorage(location=location, base_url="/static/")
    for _ in range(2):  # and is not remembered
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("js/nowhere.js")
