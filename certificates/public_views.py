"""Public verification of a certificate (page, lookup form, Open Badges 3.0 JSON) and the
recipient's own pages (my certificates, PDF download)."""

import re
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import quote, urlencode

from allauth.core.internal import ratelimit
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from academy.htmx import HtmxHttpRequest
from certificates.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Certificate,
    CertificateRevision,
    format_code,
    normalise_code,
)

# Verification is public: limit how fast one address can try codes. allauth's public
# `consume` reads its limits from allauth.account's settings only, so we use the engine it
# wraps with our own configuration (VERIFY_RATE_LIMIT: `make bench` raises it for its load test).
RATE_LIMITS = {"verify": settings.VERIFY_RATE_LIMIT}
RATE_LIMIT_APP = "certificates"

ISSUER_NAME = "Local Progress"
ISSUER_DISPLAY = "Local Progress · Progressive Governance Academy"
OB3_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
REVOCATION_LIST_QUERY = "revocations"
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
CODE_RE = re.compile(rf"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")
PUBLIC_CACHE = {"private": True, "max_age": 60}


# --- helpers ------------------------------------------------------------------------------


def _rate_limited(request: HtmxHttpRequest) -> bool:
    """Count this request against the caller's address; True when over the limit."""
    usage = ratelimit.consume(
        request,
        app=RATE_LIMIT_APP,
        action="verify",
        config=RATE_LIMITS,
        limit_get=True,
    )
    return usage is None


def _too_many(request: HtmxHttpRequest) -> HttpResponse:
    response = render(request, "429.html", status=HTTPStatus.TOO_MANY_REQUESTS)
    response["Retry-After"] = "60"
    return response


def _noindex(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex"
    patch_cache_control(response, **PUBLIC_CACHE)
    return response


def _canonical(code: str) -> str | None:
    """The stored form of a code typed any way, or None if it cannot be a code."""
    normalised = normalise_code(code)
    return normalised if CODE_RE.match(normalised) else None


def _public_certificate(code: str) -> Certificate | None:
    return Certificate.objects.filter(code=code).first() if code else None


def _site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


# --- Lookup form ----------------------------------------------------------------------------


class LookupForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Certificate code"),
        help_text=gettext_lazy(
            "The 12-character code printed at the bottom of the certificate, "
            "for example 7K3D-9QXM-2B4F. Capitals, dashes and spaces do not matter."
        ),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "inputmode": "text",
                "class": "verify-lookup__input",
            }
        ),
        error_messages={"required": gettext_lazy("Enter the code printed on the certificate.")},
    )

    def clean_code(self) -> str:
        code = _canonical(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(
                _(
                    "That does not look like a certificate code. A code has 12 letters and "
                    "digits, like 7K3D-9QXM-2B4F."
                )
            )
        return code


@require_safe
def verify_lookup(request: HtmxHttpRequest) -> HttpResponse:
    """Type a code, go to its verification page."""
    if _rate_limited(request):
        return _too_many(request)
    submitted = "code" in request.GET
    form = LookupForm(request.GET if submitted else None)
    if submitted and form.is_valid():
        response = redirect("certificates:verify", code=format_code(form.cleaned_data["code"]))
        response.status_code = HTTPStatus.SEE_OTHER
        return response
    status = HTTPStatus.UNPROCESSABLE_ENTITY if submitted else HTTPStatus.OK
    return _noindex(
        render(request, "certificates/verify_lookup.html", {"form": form}, status=status)
    )


# --- Verification page ----------------------------------------------------------------------


@dataclass(frozen=True)
class HashCheck:
    submitted: str
    well_formed: bool
    revision: int | None  # the matching revision, if any

    @property
    def matches(self) -> bool:
        return self.revision is not None


def _hash_check(certificate: Certificate, value: str | None) -> HashCheck | None:
    if value is None:
        return None
    value = value.strip().lower()
    if not SHA256_RE.match(value):
        return HashCheck(submitted=value, well_formed=False, revision=None)
    revision = (
        CertificateRevision.objects.filter(certificate=certificate, pdf_sha256=value)
        .values_list("revision", flat=True)
        .first()
    )
    return HashCheck(submitted=value, well_formed=True, revision=revision)


@require_safe
def verify(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """Anyone: is this certificate genuine and still valid?"""
    if _rate_limited(request):
        return _too_many(request)
    normalised = _canonical(code)
    if normalised is not None and code != format_code(normalised):
        # Typed another way (lower case, no dashes, O for 0): send to the one canonical URL.
        url = reverse("certificates:verify", kwargs={"code": format_code(normalised)})
        if request.GET:
            url += "?" + request.GET.urlencode()
        return redirect(url, permanent=True)
    certificate = _public_certificate(normalised)
    if certificate is None:
        response = render(
            request,
            "certificates/verify.html",
            {"certificate": None, "form": LookupForm()},
            status=HTTPStatus.NOT_FOUND,
        )
        return _noindex(response)
    context = {
        "certificate": certificate,
        "issuer": ISSUER_DISPLAY,
        "hash_check": _hash_check(certificate, request.GET.get("sha256", "").strip() or None),
        "json_url": reverse("certificates:verify_json", kwargs={"code": certificate.display_code}),
    }
    return _noindex(render(request, "certificates/verify.html", context))


# --- Open Badges 3.0 ------------------------------------------------------------------------


def _json_url(certificate: Certificate) -> str:
    return _site_url(reverse("certificates:verify_json", kwargs={"code": certificate.display_code}))


def _revocation_list_url(certificate: Certificate) -> str:
    return f"{_json_url(certificate)}?{REVOCATION_LIST_QUERY}"


def open_badge(certificate: Certificate) -> dict:
    """The certificate as an Open Badges 3.0 OpenBadgeCredential (VC Data Model 2.0).

    Status uses the 1EdTech Revocation List Status Method that Open Badges 3.0 names for
    `credentialStatus` (type "1EdTechRevocationList"): its `id` is a URL that answers with the
    issuer's revocation list. Revocation is also written out here, in the credential itself,
    so a person reading the JSON sees it at once (VC 2.0's context maps such
    issuer-dependent terms through its @vocab)."""
    credential_id = _json_url(certificate)
    program = certificate.enrollment.cohort.program
    program_url = _site_url(reverse("modules:program_detail", kwargs={"slug": program.slug}))
    status = {"id": _revocation_list_url(certificate), "type": "1EdTechRevocationList"}
    if certificate.is_active:
        status["revoked"] = False
    else:
        status.update(
            revoked=True,
            revocationReason=certificate.revoked_public_reason,
            revokedAt=certificate.revoked_at.isoformat(),
        )
    dates = f"{certificate.starts_on:%B %-d, %Y} – {certificate.ends_on:%B %-d, %Y}"
    return {
        "@context": OB3_CONTEXT,
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{certificate.program_title} — Certificate of Completion",
        "description": (
            f"{certificate.name_as_printed} completed {certificate.program_title} with the "
            f"{certificate.cohort_name} cohort, {dates}: {certificate.hours} hours of training."
        ),
        "issuer": {
            "id": _site_url("/"),
            "type": ["Profile"],
            "name": ISSUER_NAME,
            "url": _site_url("/"),
            "description": "Progressive Governance Academy",
        },
        "validFrom": certificate.issued_at.isoformat(),
        "awardedDate": certificate.issued_at.isoformat(),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": certificate.name_as_printed,
            # OB 3.0 wants an id or an identifier: the printed name, never the email address.
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": certificate.name_as_printed,
                }
            ],
            "achievement": {
                "id": program_url,
                "type": ["Achievement"],
                "name": certificate.program_title,
                "description": program.summary or certificate.program_title,
                "criteria": {
                    "narrative": (
                        "Complete the program's required lessons with a cohort and meet the "
                        "cohort's completion policy: the minimum attendance at live sessions "
                        "and, where the cohort asks for it, a facilitator's sign-off."
                    )
                },
                "achievementType": "Certificate",
                "creator": {"id": _site_url("/"), "type": ["Profile"], "name": ISSUER_NAME},
                "fieldOfStudy": "Progressive governance",
            },
            "activityStartDate": f"{certificate.starts_on.isoformat()}T00:00:00Z",
            "activityEndDate": f"{certificate.ends_on.isoformat()}T00:00:00Z",
            "creditsEarned": certificate.hours,
        },
        "credentialStatus": status,
    }


def revocation_list(certificate: Certificate) -> dict:
    """The 1EdTech Revocation List the credential's `credentialStatus.id` points to. One list
    per certificate, so a verifier's request reveals nothing about any other certificate."""
    revoked = []
    if not certificate.is_active:
        revoked.append(
            {
                "id": _json_url(certificate),
                "revoked": True,
                "revocationReason": certificate.revoked_public_reason,
            }
        )
    return {
        "id": _revocation_list_url(certificate),
        "issuer": _site_url("/"),
        "revokedCredential": revoked,
    }


def _json(data: dict, status: int = HTTPStatus.OK) -> JsonResponse:
    response = JsonResponse(
        data,
        status=status,
        content_type="application/ld+json",
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Access-Control-Allow-Origin"] = "*"  # public data: verifiers may fetch it
    return _noindex(response)


@require_safe
def verify_json(request: HtmxHttpRequest, code: str) -> HttpResponse:
    if _rate_limited(request):
        return _json({"error": "too many requests"}, HTTPStatus.TOO_MANY_REQUESTS)
    normalised = _canonical(code)
    certificate = (
        Certificate.objects.select_related("enrollment__cohort__program")
        .filter(code=normalised)
        .first()
        if normalised
        else None
    )
    if certificate is None:
        return _json({"error": "not found"}, HTTPStatus.NOT_FOUND)
    if REVOCATION_LIST_QUERY in request.GET:
        return _json(revocation_list(certificate))
    return _json(open_badge(certificate))


# --- The recipient's own pages ------------------------------------------------------------


@dataclass(frozen=True)
class MyCertificate:
    certificate: Certificate
    verify_url: str
    linkedin_url: str
    downloadable: bool


def _linkedin_url(certificate: Certificate, verify_url: str) -> str:
    issued = timezone.localtime(certificate.issued_at)
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": certificate.program_title,
        "organizationName": ISSUER_NAME,
        "issueYear": issued.year,
        "issueMonth": issued.month,
        "certUrl": verify_url,
        "certId": certificate.display_code,
    }
    return "https://www.linkedin.com/profile/add?" + urlencode(params, quote_via=quote)


@require_safe
@login_required
def my_certificates(request: HtmxHttpRequest) -> HttpResponse:
    certificates = Certificate.objects.filter(enrollment__user=request.user).order_by(
        "-issued_at", "-pk"
    )
    rows = []
    for certificate in certificates:
        verify_url = certificate.verify_url()
        rows.append(
            MyCertificate(
                certificate=certificate,
                verify_url=verify_url,
                linkedin_url=_linkedin_url(certificate, verify_url),
                downloadable=bool(
                    certificate.is_active and certificate.rendered_at and certificate.pdf
                ),
            )
        )
    return render(request, "certificates/mine.html", {"rows": rows})


@require_safe
@login_required
def download(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """The PDF, for its recipient (while valid) and for staff. Anyone else: 404, as if
    there were no such certificate."""
    normalised = _canonical(code)
    certificates = Certificate.objects.select_related("enrollment")
    if not request.user.is_staff:
        certificates = certificates.filter(
            enrollment__user=request.user, status=Certificate.Status.ACTIVE
        )
    certificate = certificates.filter(code=normalised).first() if normalised else None
    if certificate is None or not certificate.rendered_at or not certificate.pdf:
        raise Http404
    try:
        handle = certificate.pdf.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"certificate-{certificate.display_code}.pdf",
        content_type="application/pdf",
    )
    patch_cache_control(response, private=True, no_store=True)
    return response
