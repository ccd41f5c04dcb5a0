"""Settings for running on several machines (docs/deploy.md): the media storage chosen by
environment variables, client addresses behind a load balancer, health checks over HTTP,
connection-pooler mode. Settings are imported in a fresh process with the variables set."""

import json
import os
import secrets
import subprocess
import sys
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from certificates import public_views

ROOT = Path(__file__).resolve().parents[2]

# Imports the settings, then builds the media storage and signs a URL with the network cut
# off: configuring the storage must not call anything.
PROBE = r"""
import json, socket

def _no_network(*args, **kwargs):
    raise AssertionError("network access while configuring the media storage")

socket.socket.connect = _no_network
socket.create_connection = _no_network

import django
django.setup()
from django.conf import settings
from django.core.files.storage import storages

storage = storages["default"]
database = settings.DATABASES["default"]
out = {
    "storages": settings.STORAGES,
    "img_src": [str(s) for s in settings.SECURE_CSP["img-src"]],
    "class": f"{type(storage).__module__}.{type(storage).__qualname__}",
    "trusted_proxy_count": settings.ALLAUTH_TRUSTED_PROXY_COUNT,
    "trusted_client_ip_header": settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER,
    "disable_server_side_cursors": database.get("DISABLE_SERVER_SIDE_CURSORS", False),
    "db_options": database.get("OPTIONS", {}),
}
if hasattr(storage, "bucket_name"):
    out.update(
        bucket=storage.bucket_name,
        endpoint=storage.endpoint_url,
        region=storage.region_name,
        acl=storage.default_acl,
        querystring_auth=storage.querystring_auth,
        file_overwrite=storage.file_overwrite,
        url=storage.url("certificates/ABCD-EFGH-JKLM-r1.pdf"),
    )
print(json.dumps(out, default=str))
"""

S3 = {
    "MEDIA_STORAGE_BUCKET": "academy-media",
    "AWS_S3_ENDPOINT_URL": "https://objects.example.net",
    "AWS_S3_REGION_NAME": "eu-central-1",
    "AWS_ACCESS_KEY_ID": "AKIAEXAMPLEEXAMPLE00",
    "AWS_SECRET_ACCESS_KEY": "example-secret-key-for-signing-only",
}


def clean_env(**extra: str) -> dict:
    """A production environment with none of the caller's storage or database variables."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AWS_", "MEDIA_", "DATABASE_", "TRUSTED_"))
        and k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL"}
    }
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "academy.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        **extra,
    }


def probe(**extra: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=clean_env(**extra),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def test_without_a_bucket_media_stay_on_the_local_disk():
    settings = probe()
    assert settings["storages"]["default"] == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }
    assert settings["class"] == "django.core.files.storage.filesystem.FileSystemStorage"
    assert settings["img_src"] == ["'self'", "data:"]


def test_a_bucket_switches_media_to_private_s3_storage():
    settings = probe(**S3)
    default = settings["storages"]["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    assert default["OPTIONS"] == {
        "bucket_name": "academy-media",
        "endpoint_url": "https://objects.example.net",
        "region_name": "eu-central-1",
        "addressing_style": None,
        "signature_version": "s3v4",
        "location": "",
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": 3600,
        "file_overwrite": False,
    }
    # The storage itself is built from those options (and nothing was fetched doing so).
    assert settings["class"] == "storages.backends.s3.S3Storage"
    assert settings["bucket"] == "academy-media"
    assert settings["endpoint"] == "https://objects.example.net"
    assert settings["region"] == "eu-central-1"
    assert settings["acl"] == "private"
    assert settings["querystring_auth"] is True
    assert settings["file_overwrite"] is False
    # Links to private files are signed and expire.
    url = settings["url"]
    assert url.startswith("https://objects.example.net/academy-media/certificates/")
    assert "X-Amz-Signature=" in url
    assert "X-Amz-Expires=3600" in url
    # Pages may show images from the bucket (the certificate editor's logo), nothing else.
    assert origin(url) in settings["img_src"]


def test_aws_bucket_by_its_django_storages_name_with_regional_urls():
    settings = probe(
        AWS_STORAGE_BUCKET_NAME="academy-media",
        AWS_S3_REGION_NAME="us-west-2",
        AWS_ACCESS_KEY_ID=S3["AWS_ACCESS_KEY_ID"],
        AWS_SECRET_ACCESS_KEY=S3["AWS_SECRET_ACCESS_KEY"],
        AWS_DEFAULT_ACL="",
        AWS_QUERYSTRING_EXPIRE="600",
    )
    options = settings["storages"]["default"]["OPTIONS"]
    assert options["bucket_name"] == "academy-media"
    assert options["endpoint_url"] is None
    assert options["addressing_style"] == "virtual"
    # A bucket with ACLs disabled refuses any ACL header: an empty value sends none.
    assert settings["acl"] is None
    assert settings["url"].startswith("https://academy-media.s3.us-west-2.amazonaws.com/")
    assert "X-Amz-Expires=600" in settings["url"]
    assert origin(settings["url"]) in settings["img_src"]


def test_client_address_and_connection_pooler_settings_from_the_environment():
    settings = probe(
        TRUSTED_PROXY_COUNT="1",
        TRUSTED_CLIENT_IP_HEADER="X-Real-IP",
        DATABASE_URL="postgres://academy:secret@db.internal:6432/academy",
        DATABASE_TRANSACTION_POOLING="true",
    )
    assert settings["trusted_proxy_count"] == 1
    assert settings["trusted_client_ip_header"] == "X-Real-IP"
    assert settings["disable_server_side_cursors"] is True
    assert settings["db_options"]["prepare_threshold"] is None
    default = probe(DATABASE_URL="postgres://academy:secret@db.internal:5432/academy")
    assert default["trusted_proxy_count"] == 0
    assert default["trusted_client_ip_header"] is None
    assert default["disable_server_side_cursors"] is False
    # Directly on PostgreSQL: parameters bound by the server, repeated statements prepared.
    assert default["db_options"] == {"server_side_binding": True, "prepare_threshold": 5}


def test_check_deploy_is_clean_with_a_media_bucket():
    env = clean_env(
        **S3,
        ALLOWED_HOSTS="academy.localprogress.example",
        EMAIL_URL="smtp+tls://academy:password@smtp.localprogress.example:587",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_behind_a_load_balancer_rate_limits_count_each_client(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    limit = int(public_views.RATE_LIMITS["verify"].split("/")[0])
    url = reverse("certificates:verify_lookup")
    balancer = "10.0.0.5"

    def lookup(forwarded_for: str):
        return client.get(url, REMOTE_ADDR=balancer, HTTP_X_FORWARDED_FOR=forwarded_for)

    for _ in range(limit):
        assert lookup("203.0.113.7").status_code == HTTPStatus.OK
    assert lookup("203.0.113.7").status_code == HTTPStatus.TOO_MANY_REQUESTS
    # Another visitor through the same balancer is not affected...
    assert lookup("198.51.100.2").status_code == HTTPStatus.OK
    # ...and a visitor cannot pick an address: the balancer appends the one it saw.
    assert lookup("198.51.100.99, 203.0.113.7").status_code == HTTPStatus.TOO_MANY_REQUESTS


@pytest.mark.django_db
def test_health_checks_over_plain_http_are_answered_not_redirected(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("healthz")).status_code == HTTPStatus.OK
    assert client.get(reverse("home")).status_code == HTTPStatus.MOVED_PERMANENTLY
    assert client.get(reverse("home"), HTTP_X_FORWARDED_PROTO="https").status_code != (
        HTTPStatus.MOVED_PERMANENTLY
    )
