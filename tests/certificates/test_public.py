"""Public verification (page, lookup, Open Badges JSON) and the recipient's own pages."""

import json
from http import HTTPStatus
from urllib.parse import parse_qs, quote, urlparse

import pytest
from django.urls import reverse

from certificates import public_views, services
from certificates.models import Certificate, CertificateRevision
from tests.factories import StaffFactory, UserFactory, completed_enrollment

pytestmark = pytest.mark.django_db

PRIVATE_NOTE = "Spoke to the facilitator on the phone: attendance sheet was forged."
PUBLIC_REASON = "Issued in error"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def issue(staff, django_capture_on_commit_callbacks):
    def _issue(user=None, *, render=True) -> Certificate:
        enrollment = completed_enrollment(user=user or UserFactory())
        if render:
            with django_capture_on_commit_callbacks(execute=True):
                certificate = services.certificate_issue(enrollment=enrollment, actor=staff)
        else:
            certificate = services.certificate_issue(enrollment=enrollment, actor=staff)
        certificate.refresh_from_db()
        return certificate

    return _issue


@pytest.fixture
def certificate(issue, participant):
    return issue(participant)


@pytest.fixture
def revoked(certificate, staff):
    return services.certificate_revoke(
        certificate=certificate, actor=staff, public_reason=PUBLIC_REASON, private_note=PRIVATE_NOTE
    )


def verify_url(code: str) -> str:
    return reverse("certificates:verify", kwargs={"code": code})


def json_url(code: str) -> str:
    return reverse("certificates:verify_json", kwargs={"code": code})


# --- The verification page ----------------------------------------------------------------


def test_valid_certificate_shows_the_status_first_and_the_snapshot(client, certificate):
    response = client.get(verify_url(certificate.display_code))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    status_at = html.index("verify-status__title")
    assert html.index(">Valid<", status_at) < html.index(certificate.name_as_printed)
    for text in (
        certificate.name_as_printed,
        certificate.program_title,
        certificate.cohort_name,
        str(certificate.hours),
        "Local Progress · Progressive Governance Academy",
        certificate.display_code,
    ):
        assert text in html
    assert "Revoked" not in html


def test_revoked_certificate_shows_date_and_public_reason_but_nothing_private(
    client, revoked, staff, participant
):
    html = client.get(verify_url(revoked.display_code)).content.decode()
    assert "Revoked on " in html
    assert PUBLIC_REASON in html
    assert ">Valid<" not in html
    for secret in (PRIVATE_NOTE, participant.email, staff.email, staff.full_name):
        assert secret not in html


def test_unknown_code_is_not_found_with_the_same_page(client, certificate):
    almost = certificate.code[:-1] + ("0" if certificate.code[-1] != "0" else "1")
    for code in (almost, "not-a-code"):
        response = client.get(verify_url(code), follow=True)
        assert response.status_code == HTTPStatus.NOT_FOUND
        html = response.content.decode()
        assert "Not found" in html
        assert "verify-status--unknown" in html
        assert certificate.name_as_printed not in html
        assert certificate.display_code not in html


@pytest.mark.parametrize("typed", ["lower", "nodash", "spaced", "letter_o"], ids=lambda name: name)
def test_any_spelling_of_the_code_redirects_to_the_canonical_url(client, certificate, typed):
    code = certificate.display_code
    spelled = {
        "lower": code.lower(),
        "nodash": certificate.code,
        "spaced": code.replace("-", " "),
        "letter_o": certificate.code.replace("0", "O") if "0" in code else code.lower(),
    }[typed]
    response = client.get(verify_url(spelled) + "?sha256=abc")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == verify_url(code) + "?sha256=abc"


def test_letter_o_for_zero(client, staff, participant):
    enrollment = completed_enrollment(user=participant)
    certificate = services.certificate_issue(enrollment=enrollment, actor=staff)
    Certificate.objects.filter(pk=certificate.pk).update(code="0000AAAA1111")
    response = client.get(verify_url("oooo-aaaa-iiii"), follow=True)
    assert response.redirect_chain == [(verify_url("0000-AAAA-1111"), 301)]
    assert response.status_code == HTTPStatus.OK
    assert "0000-AAAA-1111" in response.content.decode()


@pytest.mark.parametrize("fixture", ["certificate", "revoked"])
def test_verification_is_not_indexed(client, request, fixture):
    certificate = request.getfixturevalue(fixture)
    for url in (verify_url(certificate.display_code), verify_url("ZZZZ-ZZZZ-ZZZZ")):
        response = client.get(url)
        assert response["X-Robots-Tag"] == "noindex"
        assert '<meta name="robots" content="noindex">' in response.content.decode()
        assert "private" in response["Cache-Control"]


def test_pdf_fingerprint_of_an_older_revision_still_verifies(
    client, certificate, staff, django_capture_on_commit_callbacks
):
    first_sha = certificate.pdf_sha256
    assert len(first_sha) == 64
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_reissue(
            certificate=certificate, actor=staff, name_as_printed="Ana M. Participant"
        )
    certificate.refresh_from_db()
    assert certificate.revision == 2
    assert certificate.pdf_sha256 not in ("", first_sha)

    url = verify_url(certificate.display_code)
    old = client.get(url, {"sha256": first_sha.upper()}).content.decode()
    assert "This PDF file is an authentic copy (revision 1)." in old
    assert "current revision is 2" in old

    new = client.get(url, {"sha256": certificate.pdf_sha256}).content.decode()
    assert "This PDF file is an authentic copy (revision 2)." in new

    other = client.get(url, {"sha256": "0" * 64}).content.decode()
    assert "does not match" in other
    assert "authentic copy" not in other

    garbage = client.get(url, {"sha256": "hello"}).content.decode()
    assert "does not match" in garbage


def test_fingerprint_of_another_certificate_does_not_match(client, certificate, issue):
    other = issue()
    html = client.get(
        verify_url(certificate.display_code), {"sha256": other.pdf_sha256}
    ).content.decode()
    assert "does not match" in html


# --- Lookup form ------------------------------------------------------------------------------


def test_lookup_page_shows_an_empty_form(client):
    response = client.get(reverse("certificates:verify_lookup"))
    assert response.status_code == HTTPStatus.OK
    assert 'name="code"' in response.content.decode()


@pytest.mark.parametrize("typed", ["abcd-efgh-jkmn", "ABCDEFGHJKMN", " abcd efgh jkmn "])
def test_lookup_with_a_well_formed_code_redirects(client, typed):
    response = client.get(reverse("certificates:verify_lookup"), {"code": typed})
    assert response.status_code == HTTPStatus.SEE_OTHER
    assert response["Location"] == verify_url("ABCD-EFGH-JKMN")


@pytest.mark.parametrize(
    ("typed", "message"),
    [("", "Enter the code"), ("1234", "does not look like"), ("UUUU-UUUU-UUUU", "does not look")],
)
def test_lookup_with_a_malformed_code_is_422_with_an_error(client, typed, message):
    response = client.get(reverse("certificates:verify_lookup"), {"code": typed})
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    html = response.content.decode()
    assert message in html
    assert 'aria-invalid="true"' in html


def test_lookup_is_rate_limited_per_address(client):
    limit = int(public_views.RATE_LIMITS["verify"].split("/")[0])
    url = reverse("certificates:verify_lookup")
    for _ in range(limit):
        assert client.get(url, REMOTE_ADDR="203.0.113.7").status_code == HTTPStatus.OK
    response = client.get(url, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many attempts" in response.content.decode()
    # Another address is not affected.
    assert client.get(url, REMOTE_ADDR="198.51.100.2").status_code == HTTPStatus.OK


def test_verify_page_is_rate_limited_per_address(client, certificate):
    limit = int(public_views.RATE_LIMITS["verify"].split("/")[0])
    for n in range(limit):
        code = certificate.display_code if n % 2 else f"ZZZZ-ZZZZ-{n:04d}"
        assert client.get(verify_url(code), REMOTE_ADDR="203.0.113.9").status_code in (
            HTTPStatus.OK,
            HTTPStatus.NOT_FOUND,
        )
    response = client.get(verify_url(certificate.display_code), REMOTE_ADDR="203.0.113.9")
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert certificate.name_as_printed not in response.content.decode()


# --- Open Badges 3.0 JSON ---------------------------------------------------------------------


def test_json_is_an_open_badge_credential(client, certificate, settings):
    response = client.get(json_url(certificate.display_code))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/ld+json")
    assert response["X-Robots-Tag"] == "noindex"
    data = json.loads(response.content)
    assert data["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert data["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert data["id"] == settings.SITE_URL.rstrip("/") + json_url(certificate.display_code)
    assert data["id"].startswith("http")
    assert certificate.program_title in data["name"]
    assert data["issuer"]["type"] == ["Profile"]
    assert data["issuer"]["name"] == "Local Progress"
    assert data["issuer"]["id"].startswith("http")
    assert data["validFrom"] == certificate.issued_at.isoformat()
    subject = data["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["name"] == certificate.name_as_printed
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert achievement["name"] == certificate.program_title
    assert achievement["achievementType"] == "Certificate"
    assert achievement["criteria"]["narrative"]
    assert achievement["description"]
    assert data["credentialStatus"]["type"] == "1EdTechRevocationList"
    assert data["credentialStatus"]["revoked"] is False


def test_json_shows_the_revocation_and_nothing_private(client, revoked, participant, staff):
    response = client.get(json_url(revoked.display_code))
    body = response.content.decode()
    data = json.loads(body)
    status = data["credentialStatus"]
    assert status["type"] == "1EdTechRevocationList"
    assert status["revoked"] is True
    assert status["revocationReason"] == PUBLIC_REASON
    assert status["revokedAt"] == revoked.revoked_at.isoformat()
    for secret in (PRIVATE_NOTE, participant.email, staff.email, staff.full_name):
        assert secret not in body


def test_revocation_list_lists_the_credential_once_revoked(client, certificate, staff):
    list_url = json.loads(client.get(json_url(certificate.display_code)).content)[
        "credentialStatus"
    ]["id"]
    parsed = urlparse(list_url)
    assert parsed.path == json_url(certificate.display_code)
    before = json.loads(client.get(f"{parsed.path}?{parsed.query}").content)
    assert before["revokedCredential"] == []
    services.certificate_revoke(certificate=certificate, actor=staff, public_reason=PUBLIC_REASON)
    after = json.loads(client.get(f"{parsed.path}?{parsed.query}").content)
    credential_id = json.loads(client.get(json_url(certificate.display_code)).content)["id"]
    assert after["revokedCredential"] == [
        {"id": credential_id, "revoked": True, "revocationReason": PUBLIC_REASON}
    ]


def test_json_not_found(client):
    for code in ("ZZZZ-ZZZZ-ZZZZ", "nonsense"):
        response = client.get(json_url(code))
        assert response.status_code == HTTPStatus.NOT_FOUND
        assert json.loads(response.content) == {"error": "not found"}


def test_json_accepts_any_spelling_of_the_code(client, certificate):
    response = client.get(json_url(certificate.code.lower()))
    assert response.status_code == HTTPStatus.OK


# --- My certificates --------------------------------------------------------------------------


def test_my_certificates_needs_sign_in(client):
    response = client.get(reverse("certificates:mine"))
    assert response.status_code == HTTPStatus.FOUND
    assert reverse("account_login") in response["Location"]


def test_my_certificates_empty_state(client, participant):
    client.force_login(participant)
    response = client.get(reverse("certificates:mine"))
    assert response.status_code == HTTPStatus.OK
    assert "You have no certificates yet." in response.content.decode()


def test_my_certificates_lists_only_mine_with_links(client, certificate, issue, participant):
    someone_else = issue(UserFactory(full_name="Other Person"))
    client.force_login(participant)
    html = client.get(reverse("certificates:mine")).content.decode()
    assert certificate.display_code in html
    assert someone_else.display_code not in html
    assert "Other Person" not in html
    assert reverse("certificates:download", kwargs={"code": certificate.display_code}) in html
    assert certificate.verify_url() in html
    assert "Download PDF" in html


def test_linkedin_link_carries_the_encoded_verify_url(client, certificate, participant):
    client.force_login(participant)
    html = client.get(reverse("certificates:mine")).content.decode()
    start = html.index("https://www.linkedin.com/profile/add?")
    href = html[start : html.index('"', start)].replace("&amp;", "&")
    assert "certUrl=" + quote(certificate.verify_url(), safe="") in href
    assert "organizationName=Local%20Progress" in href
    params = parse_qs(urlparse(href).query)
    assert params["startTask"] == ["CERTIFICATION_NAME"]
    assert params["name"] == [certificate.program_title]
    assert params["certUrl"] == [certificate.verify_url()]
    assert params["certId"] == [certificate.display_code]
    assert params["issueYear"] == [str(certificate.issued_at.year)]


def test_unrendered_certificate_is_being_prepared(client, issue, participant):
    certificate = issue(participant, render=False)
    assert certificate.rendered_at is None
    client.force_login(participant)
    html = client.get(reverse("certificates:mine")).content.decode()
    assert "being prepared" in html
    assert reverse("certificates:download", kwargs={"code": certificate.display_code}) not in html


def test_revoked_certificate_is_listed_with_its_reason(client, revoked, participant):
    client.force_login(participant)
    html = client.get(reverse("certificates:mine")).content.decode()
    assert revoked.display_code in html
    assert PUBLIC_REASON in html
    assert PRIVATE_NOTE not in html
    assert "linkedin.com" not in html
    assert "Download PDF" not in html


def test_my_certificates_query_count_does_not_grow(
    client, issue, participant, django_assert_max_num_queries
):
    issue(participant)
    client.force_login(participant)
    with django_assert_max_num_queries(50) as one:
        client.get(reverse("certificates:mine"))
    for _ in range(3):
        issue(participant)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("certificates:mine"))
    assert response.content.decode().count("cert-card__title") == 4


# --- Download -----------------------------------------------------------------------------------


def download_url(certificate: Certificate) -> str:
    return reverse("certificates:download", kwargs={"code": certificate.display_code})


def test_owner_downloads_the_pdf(client, certificate, participant):
    client.force_login(participant)
    response = client.get(download_url(certificate))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    assert (
        f'filename="certificate-{certificate.display_code}.pdf"' in response["Content-Disposition"]
    )
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_staff_downloads_any_pdf_even_revoked(client, revoked):
    client.force_login(StaffFactory())
    response = client.get(download_url(revoked))
    assert response.status_code == HTTPStatus.OK
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_another_participant_gets_404(client, certificate):
    client.force_login(UserFactory())
    assert client.get(download_url(certificate)).status_code == HTTPStatus.NOT_FOUND


def test_anonymous_is_sent_to_sign_in(client, certificate):
    response = client.get(download_url(certificate))
    assert response.status_code == HTTPStatus.FOUND
    assert reverse("account_login") in response["Location"]


def test_unrendered_or_missing_pdf_is_404(client, issue, participant):
    certificate = issue(participant, render=False)
    client.force_login(participant)
    assert client.get(download_url(certificate)).status_code == HTTPStatus.NOT_FOUND
    missing = reverse("certificates:download", kwargs={"code": "ZZZZ-ZZZZ-ZZZZ"})
    assert client.get(missing).status_code == HTTPStatus.NOT_FOUND


def test_revoked_certificate_is_not_offered_to_its_holder(client, revoked, participant):
    client.force_login(participant)
    assert client.get(download_url(revoked)).status_code == HTTPStatus.NOT_FOUND


def test_revision_hashes_are_recorded(certificate):
    # The verify page relies on each revision keeping its own hash.
    assert CertificateRevision.objects.get(certificate=certificate).pdf_sha256 == (
        certificate.pdf_sha256
    )


# --- Navigation ---------------------------------------------------------------------------------


def test_navigation_links(client, participant):
    footer = client.get("/").content.decode()
    assert reverse("certificates:verify_lookup") in footer
    assert reverse("certificates:mine") not in footer
    client.force_login(participant)
    assert reverse("certificates:mine") in client.get("/").content.decode()


def test_pages_keep_the_strict_csp(client, certificate, participant):
    from tests.security.test_headers import assert_strict_csp_with_nonce

    for url in (
        verify_url(certificate.display_code),
        verify_url("ZZZZ-ZZZZ-ZZZZ"),
        reverse("certificates:verify_lookup"),
    ):
        assert_strict_csp_with_nonce(client.get(url))
    client.force_login(participant)
    assert_strict_csp_with_nonce(client.get(reverse("certificates:mine")))
