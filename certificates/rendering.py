"""Certificate PDFs with WeasyPrint: local fonts, images from the media storage, nothing
fetched by URL; one landscape page, a QR code to the verification page, tagged for
accessibility (PDF/UA-1)."""

import base64
import functools
import hashlib
import io
import mimetypes
import threading
from pathlib import Path
from urllib.parse import unquote, urlparse

import segno
from django.conf import settings
from django.core.files.storage import storages
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from certificates.models import Certificate, CertificateTemplate

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
PDF_VARIANT = "pdf/ua-1"


class LocalFilesOnly(URLFetcher):
    """Fetch fonts and images from our own folders; anything else (http, other paths) fails.

    A file under `media_root` (logos, signatures) is read through `storage`, the media
    storage: the same bytes whether uploads live in a local folder or in a shared bucket.
    """

    def __init__(self, *roots: Path, media_root: Path | None = None, storage=None):
        super().__init__(allowed_protocols={"file", "data"}, fail_on_errors=False)
        self.roots = [Path(r).resolve() for r in roots]
        self.media_root = Path(media_root).resolve() if media_root is not None else None
        self.storage = storage

    def fetch(self, url, headers=None):
        if url.startswith("file:"):
            path = Path(unquote(urlparse(url).path)).resolve()
            if self.media_root is not None and path.is_relative_to(self.media_root):
                return self._from_storage(url, path.relative_to(self.media_root).as_posix())
            if not any(path.is_relative_to(root) for root in self.roots):
                raise ValueError(f"Blocked file outside the allowed folders: {path}")
        return super().fetch(url, headers)

    def _from_storage(self, url: str, name: str) -> URLFetcherResponse:
        with self.storage.open(name, "rb") as handle:
            data = handle.read()
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, data, {"Content-Type": content_type})


def qr_png(url: str) -> str:
    """The verification URL as a QR code, a PNG data URI (no files, no network). A bitmap, not
    SVG: WeasyPrint draws an SVG path of a thousand segments in Python (~5 ms a certificate);
    ten pixels a module is ~350 dpi at the printed size, drawn without smoothing."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=10, border=0, dark="#1b2430")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def certificate_html(
    *, certificate: Certificate | None, template: CertificateTemplate, sample: dict | None = None
) -> str:
    """The certificate as HTML: for the PDF and for the staff's live preview."""
    data = sample or {
        "name": certificate.name_as_printed,
        "program": certificate.program_title,
        "cohort": certificate.cohort_name,
        "starts_on": certificate.starts_on,
        "ends_on": certificate.ends_on,
        "hours": certificate.hours,
        "code": certificate.display_code,
        "verify_url": certificate.verify_url(),
    }
    dates = f"{data['starts_on']:%B %-d} – {data['ends_on']:%B %-d, %Y}"
    body = template.body
    for key, value in {
        "name": data["name"],
        "program": data["program"],
        "cohort": data["cohort"],
        "dates": dates,
        "hours": data["hours"],
    }.items():
        body = body.replace("{" + key + "}", str(value))
    return render_to_string(
        "certificates/pdf.html",
        {
            "template": template,
            "data": data,
            "body": body,
            "dates": dates,
            "qr": qr_png(data["verify_url"]),
            "font_dir": FONT_DIR.as_uri(),
            "media_root": Path(settings.MEDIA_ROOT).resolve().as_uri(),
            "signatories": template.signatories(),
        },
    )


# Kept between renders (per thread: Pango and Fontconfig objects are not shared across threads).
# A new fetcher builds an HTTPS context it never uses (~25 ms); a new font configuration
# loads our five @font-face files again (~20 ms). `make bench` measures both.
_per_thread = threading.local()


@functools.lru_cache(maxsize=8)
def _fetcher(media_root: str, storage) -> LocalFilesOnly:
    return LocalFilesOnly(FONT_DIR, media_root=Path(media_root), storage=storage)


def _font_config() -> FontConfiguration:
    if not hasattr(_per_thread, "font_config"):
        _per_thread.font_config = FontConfiguration()
    return _per_thread.font_config


def render_pdf(html: str) -> bytes:
    fetcher = _fetcher(str(settings.MEDIA_ROOT), storages["default"])
    document = HTML(string=html, base_url=FONT_DIR.as_uri() + "/", url_fetcher=fetcher)
    return document.write_pdf(
        pdf_variant=PDF_VARIANT, uncompressed_pdf=False, font_config=_font_config()
    )


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
