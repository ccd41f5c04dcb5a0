"""Staff certificate screens: the register, one certificate, cohort runs, overrides and the
template editor. A permission matrix covers every staff URL for every role and method."""

import io
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image
from pytest_django.asserts import assertContains, assertNotContains

from certificates import services
from certificates.models import (
    BulkRun,
    Certificate,
    CertificateEvent,
    CertificateRevision,
    CertificateTemplate,
)
from cohorts import services as cohort_services
from tests.factories import UserFactory, completed_enrollment, make_cohort, published_program

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), "#1d4e89").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def cohort(facilitator):
    cohort = make_cohort(program=published_program(modules=1, lessons_per_module=1))
    cohort.facilitators.add(facilitator)
    return cohort


def finished(cohort, name: str):
    return completed_enrollment(cohort=cohort, user=UserFactory(full_name=name))


def enrolled(cohort, name: str):
    return cohort_services.enrollment_self_enroll(cohort=cohort, user=UserFactory(full_name=name))


@pytest.fixture
def certificate(cohort, staff, django_capture_on_commit_callbacks):
    enrollment = finished(cohort, "Rosa Parks-Ortiz")
    with django_capture_on_commit_callbacks(execute=True):
        issued = services.certificate_issue(enrollment=enrollment, actor=staff)
    issued.refresh_from_db()
    return issued


# --- Permissions -------------------------------------------------------------------------

URLS = {
    # name: (kwargs builder, methods the view answers)
    "staff_list": (lambda c: {}, {"GET"}),
    "staff_detail": (lambda c: {"code": c.display_code}, {"GET", "POST"}),
    "cohort_issue": (lambda c: {"slug": c.enrollment.cohort.slug}, {"GET", "POST"}),
    "run_progress": (lambda c: {"slug": c.enrollment.cohort.slug, "pk": c.run.pk}, {"GET"}),
    "issue_one": (lambda c: {"pk": c.enrollment.pk}, {"GET", "POST"}),
    "template_edit": (lambda c: {"slug": c.enrollment.cohort.program.slug}, {"GET", "POST"}),
    "template_preview": (lambda c: {"slug": c.enrollment.cohort.program.slug}, {"GET", "POST"}),
}
REQUESTS = {"GET": ("get", {}), "HTMX GET": ("get", HX), "POST": ("post", {})}


@pytest.fixture
def world(certificate, staff):
    certificate.run = BulkRun.objects.create(cohort=certificate.enrollment.cohort, started_by=staff)
    certificate.run.certificates.add(certificate)
    return certificate


def test_every_staff_url_is_in_the_matrix():
    from certificates.urls import urlpatterns

    staff_names = {p.name for p in urlpatterns if str(p.pattern).startswith("staff/")}
    assert staff_names == set(URLS)


@pytest.mark.parametrize("name", URLS)
@pytest.mark.parametrize("request_kind", REQUESTS)
@pytest.mark.parametrize("role", ["anonymous", "participant", "facilitator", "staff"])
def test_permission_matrix(client, world, request, name, request_kind, role):
    kwargs_for, methods = URLS[name]
    url = reverse(f"certificates:{name}", kwargs=kwargs_for(world))
    method, headers = REQUESTS[request_kind]
    if role == "participant":
        client.force_login(world.enrollment.user)  # even the certificate's own recipient
    elif role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    response = getattr(client, method)(url, **headers)

    if method.upper() not in methods:
        assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    elif role == "anonymous":
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith(reverse("account_login"))
    elif role in ("participant", "facilitator"):
        assert response.status_code == HTTPStatus.NOT_FOUND
    elif method == "get":
        assert response.status_code == HTTPStatus.OK
    else:  # staff POST with an empty form: an error, a redirect or a run; never a crash
        assert response.status_code in (
            HTTPStatus.BAD_REQUEST,
            HTTPStatus.SEE_OTHER,
            HTTPStatus.UNPROCESSABLE_ENTITY,
        )


# --- The register ------------------------------------------------------------------------


def test_list_searches_by_name_or_code_and_filters_by_status(client, staff, cohort, certificate):
    other = services.certificate_issue(enrollment=finished(cohort, "Ida Wells"), actor=staff)
    services.certificate_revoke(certificate=other, actor=staff, public_reason="Issued in error")
    client.force_login(staff)
    url = reverse("certificates:staff_list")

    response = client.get(url)
    assertContains(response, "Rosa Parks-Ortiz")
    assertContains(response, "Ida Wells")
    assertContains(response, reverse("certificates:staff_detail", args=[certificate.display_code]))

    response = client.get(url, {"q": "ida"})
    assertContains(response, "Ida Wells")
    assertNotContains(response, "Rosa Parks-Ortiz")

    response = client.get(url, {"q": certificate.display_code.lower()})
    assertContains(response, "Rosa Parks-Ortiz")
    assertNotContains(response, "Ida Wells")

    response = client.get(url, {"status": "revoked"})
    assertContains(response, "Ida Wells")
    assertNotContains(response, "Rosa Parks-Ortiz")


def test_list_htmx_answers_the_results_region_only(client, staff, certificate):
    client.force_login(staff)
    response = client.get(
        reverse("certificates:staff_list"),
        {"q": "rosa"},
        HTTP_HX_TARGET="certificate-results",
        **HX,
    )
    assertContains(response, 'id="certificate-results"')
    assertNotContains(response, "<html")


def test_list_is_paginated_by_25_with_the_same_query_count(client, staff, cohort):
    client.force_login(staff)
    url = reverse("certificates:staff_list")
    for i in range(3):
        services.certificate_issue(enrollment=finished(cohort, f"Person {i:02}"), actor=staff)
    client.get(url)  # warm up (session, content types)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for i in range(3, 27):
        services.certificate_issue(enrollment=finished(cohort, f"Person {i:02}"), actor=staff)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert len(large) == len(small)
    assertContains(response, "Page 1 of 2")
    assert len(response.context["page_obj"].object_list) == 25
    assertContains(client.get(url, {"page": 2}), "Person 00")


# --- One certificate ---------------------------------------------------------------------


def test_detail_accepts_the_code_any_way_and_shows_the_record(client, staff, certificate):
    client.force_login(staff)
    sloppy = certificate.display_code.lower().replace("-", "")
    response = client.get(reverse("certificates:staff_detail", args=[sloppy]))
    assert response.status_code == HTTPStatus.OK
    assertContains(response, "Rosa Parks-Ortiz")
    assertContains(response, certificate.pdf_sha256[:12])
    assertContains(response, "Issued")
    assertContains(response, "PDF rendered")
    assertContains(response, reverse("certificates:download", args=[certificate.display_code]))
    assertContains(response, reverse("certificates:verify", args=[certificate.display_code]))


def test_detail_of_an_unknown_code_is_404(client, staff):
    client.force_login(staff)
    response = client.get(reverse("certificates:staff_detail", args=["AAAA-BBBB-CCCC"]))
    assert response.status_code == HTTPStatus.NOT_FOUND


def _post(client, certificate, action, **fields):
    data = {"action": action, **{f"{action}-{k}": v for k, v in fields.items()}}
    return client.post(reverse("certificates:staff_detail", args=[certificate.display_code]), data)


def test_revoke_needs_a_public_reason(client, staff, certificate):
    client.force_login(staff)
    response = _post(client, certificate, "revoke", public_reason="", private_note="x")
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    certificate.refresh_from_db()
    assert certificate.is_active


def test_revoke_then_reinstate(client, staff, certificate):
    client.force_login(staff)
    url = reverse("certificates:staff_detail", args=[certificate.display_code])

    response = _post(
        client, certificate, "revoke", public_reason="Issued in error", private_note="Ticket 42"
    )
    assert response.status_code == HTTPStatus.SEE_OTHER
    assert response["Location"] == url
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED
    assert certificate.revoked_public_reason == "Issued in error"
    event = certificate.events.get(action=CertificateEvent.Action.REVOKED)
    assert (event.actor, event.note) == (staff, "Ticket 42")
    page = client.get(url)
    assertContains(page, "Revoked.")  # the message
    assertContains(page, "Ticket 42")
    assertContains(page, "Reinstate")

    # Revoking twice is an error shown on the page, not a crash.
    response = _post(client, certificate, "revoke", public_reason="Again")
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY

    response = _post(client, certificate, "reinstate", note="Checked the records")
    assert response.status_code == HTTPStatus.SEE_OTHER
    certificate.refresh_from_db()
    assert certificate.is_active
    assert certificate.events.filter(action=CertificateEvent.Action.REINSTATED).exists()


def test_reissue_keeps_the_code_bumps_the_revision_and_keeps_the_old_hash(
    client, staff, certificate, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    old_hash, code = certificate.pdf_sha256, certificate.code
    assert old_hash
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, certificate, "reissue", name_as_printed="Rosa Parks Ortiz")
    assert response.status_code == HTTPStatus.SEE_OTHER
    certificate.refresh_from_db()
    assert certificate.code == code
    assert certificate.revision == 2
    assert certificate.name_as_printed == "Rosa Parks Ortiz"
    assert certificate.pdf_sha256
    assert certificate.pdf_sha256 != old_hash
    revisions = dict(
        CertificateRevision.objects.filter(certificate=certificate).values_list(
            "revision", "pdf_sha256"
        )
    )
    assert revisions == {1: old_hash, 2: certificate.pdf_sha256}
    page = client.get(reverse("certificates:staff_detail", args=[certificate.display_code]))
    assertContains(page, old_hash[:12])
    assertContains(page, "Reissued")


def test_reissue_needs_a_name(client, staff, certificate):
    client.force_login(staff)
    response = _post(client, certificate, "reissue", name_as_printed="   ")
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    certificate.refresh_from_db()
    assert certificate.revision == 1


def test_unknown_action_is_a_bad_request(client, staff, certificate):
    client.force_login(staff)
    response = client.post(
        reverse("certificates:staff_detail", args=[certificate.display_code]), {"action": "x"}
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST


# --- Issuing for a cohort ----------------------------------------------------------------


def test_preview_lists_eligible_certified_and_not_eligible_with_reason(
    client, staff, cohort, certificate
):
    finished(cohort, "Fannie Lou Hamer")
    finished(cohort, "Harvey Milk")
    waiting = enrolled(cohort, "Shirley Chisholm")
    client.force_login(staff)
    response = client.get(reverse("certificates:cohort_issue", args=[cohort.slug]))
    preview = response.context["preview"]
    assert sorted(e.user.full_name for e in preview.eligible) == ["Fannie Lou Hamer", "Harvey Milk"]
    assert [(e.user.full_name, c.code) for e, c in preview.certified] == [
        ("Rosa Parks-Ortiz", certificate.code)
    ]
    assert [e.user.full_name for e, _reason in preview.not_eligible] == ["Shirley Chisholm"]
    assertContains(response, "Issue 2 certificates")
    assertContains(response, certificate.display_code)
    assertContains(response, "Complete the required lessons")  # the reason
    assertContains(response, reverse("certificates:issue_one", args=[waiting.pk]))
    assert not Certificate.objects.filter(enrollment__cohort=cohort).exclude(pk=certificate.pk)


def test_bulk_issue_creates_one_per_eligible_enrollment_and_is_idempotent(
    client, staff, cohort, django_capture_on_commit_callbacks
):
    people = [finished(cohort, f"Finisher {i}") for i in range(3)]
    enrolled(cohort, "Not Yet")
    client.force_login(staff)
    url = reverse("certificates:cohort_issue", args=[cohort.slug])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    run = BulkRun.objects.get()
    assert response.status_code == HTTPStatus.SEE_OTHER
    assert response["Location"] == f"{url}?run={run.pk}#run"
    assert Certificate.objects.filter(enrollment__cohort=cohort).count() == 3
    assert {c.enrollment for c in run.certificates.all()} == set(people)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
        client.post(url)
    assert Certificate.objects.filter(enrollment__cohort=cohort).count() == 3

    page = client.get(f"{url}?run={run.pk}")
    assertContains(page, "All 3 PDFs ready")
    assertNotContains(page, 'hx-trigger="every 1s"')


def test_bulk_issue_over_htmx_redirects_on_the_client(client, staff, cohort):
    finished(cohort, "Finisher")
    client.force_login(staff)
    response = client.post(reverse("certificates:cohort_issue", args=[cohort.slug]), **HX)
    assert response.status_code == HTTPStatus.OK
    assert response["HX-Redirect"].startswith(
        reverse("certificates:cohort_issue", args=[cohort.slug])
    )


def test_run_progress_polls_until_every_pdf_is_rendered(client, staff, cohort):
    for i in range(2):
        finished(cohort, f"Finisher {i}")
    client.force_login(staff)
    # On-commit callbacks are not run: the certificates exist, their PDFs do not yet.
    run = services.bulk_issue(cohort=cohort, actor=staff)
    assert run.certificates.filter(rendered_at__isnull=True).count() == 2
    url = reverse("certificates:run_progress", args=[cohort.slug, run.pk])
    poll = {"HTTP_HX_TARGET": "run-progress", **HX}

    page = client.get(reverse("certificates:cohort_issue", args=[cohort.slug]), {"run": run.pk})
    assertContains(page, f'hx-get="{url}"')
    assertContains(page, 'hx-trigger="every 1s"')
    assertContains(page, 'aria-live="polite"')
    assertContains(page, "0 of 2 PDFs ready")
    assertContains(page, f'href="{url}"')  # "Refresh" without JavaScript

    response = client.get(url, **poll)
    assert response.status_code == HTTPStatus.OK
    assertContains(response, "0 of 2 PDFs ready")
    assertContains(response, '<progress id="run-bar" class="cert-run__bar" max="2" value="0"')
    assertNotContains(response, "<html")

    from certificates.tasks import render_certificate

    first, second = run.certificates.order_by("pk")
    render_certificate.call(certificate_id=first.pk)
    assertContains(client.get(url, **poll), "1 of 2 PDFs ready")

    render_certificate.call(certificate_id=second.pk)
    response = client.get(url, **poll)
    assert response.status_code == 286  # htmx stops polling
    assertContains(response, "All 2 PDFs ready", status_code=286)
    assertContains(response, first.display_code, status_code=286)

    full = client.get(url)  # the run page without JavaScript
    assert full.status_code == HTTPStatus.OK
    assertContains(full, "<html")


def test_run_of_another_cohort_is_404(client, staff, cohort):
    run = BulkRun.objects.create(cohort=cohort, started_by=staff)
    other = make_cohort()
    client.force_login(staff)
    response = client.get(reverse("certificates:run_progress", args=[other.slug, run.pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND


# --- Issuing one -------------------------------------------------------------------------


def test_issue_one_eligible_needs_no_reason(client, staff, cohort):
    enrollment = finished(cohort, "Fannie Lou Hamer")
    client.force_login(staff)
    url = reverse("certificates:issue_one", args=[enrollment.pk])
    page = client.get(url)
    assertContains(page, "Completion policy met")
    assertNotContains(page, "override_reason")
    response = client.post(url)
    certificate = Certificate.objects.get(enrollment=enrollment)
    assert response.status_code == HTTPStatus.SEE_OTHER
    assert response["Location"] == reverse(
        "certificates:staff_detail", args=[certificate.display_code]
    )
    assert certificate.override_reason == ""
    # A second click lands on the same certificate.
    again = client.post(url)
    assert again.status_code == HTTPStatus.SEE_OTHER
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1


def test_override_requires_a_reason_and_is_recorded(client, staff, cohort):
    enrollment = enrolled(cohort, "Shirley Chisholm")
    client.force_login(staff)
    url = reverse("certificates:issue_one", args=[enrollment.pk])
    page = client.get(url)
    assertContains(page, "Issue by override")
    assertContains(page, "Complete the required lessons")

    response = client.post(url, {"override_reason": "  "})
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assertContains(response, "write why", status_code=HTTPStatus.UNPROCESSABLE_ENTITY)
    assert not Certificate.objects.filter(enrollment=enrollment).exists()

    reason = "Completed the lessons on paper during a power cut."
    response = client.post(url, {"override_reason": reason})
    assert response.status_code == HTTPStatus.SEE_OTHER
    certificate = Certificate.objects.get(enrollment=enrollment)
    assert certificate.override_reason == reason
    event = certificate.events.get()
    assert (event.action, event.actor, event.note) == (
        CertificateEvent.Action.OVERRIDE,
        staff,
        reason,
    )


def test_issue_one_for_a_withdrawn_enrollment_is_refused(client, staff, cohort):
    enrollment = enrolled(cohort, "Gone Away")
    cohort_services.enrollment_withdraw(enrollment=enrollment, actor=staff)
    client.force_login(staff)
    url = reverse("certificates:issue_one", args=[enrollment.pk])
    assertContains(client.get(url), "No certificate possible")
    response = client.post(url, {"override_reason": "Please"})
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert not Certificate.objects.filter(enrollment=enrollment).exists()


# --- The template ------------------------------------------------------------------------


def _template_data(**overrides) -> dict:
    data = {
        "title": "Certificate of Completion",
        "body": "has completed {program} with the {cohort} cohort ({hours} hours).",
        "signatory_1_name": "Sarah Johnson",
        "signatory_1_title": "Executive Director, Local Progress",
        "signatory_2_name": "",
        "signatory_2_title": "",
        "page_size": "letter",
    }
    return {**data, **overrides}


def test_template_editor_shows_the_live_preview(client, staff, cohort):
    client.force_login(staff)
    response = client.get(reverse("certificates:template_edit", args=[cohort.program.slug]))
    assertContains(response, 'id="certificate-preview"')
    assertContains(response, "María José Álvarez")
    assertContains(response, 'enctype="multipart/form-data"')
    assertContains(response, reverse("certificates:template_preview", args=[cohort.program.slug]))


def test_template_edit_changes_the_unused_version_in_place(client, staff, cohort):
    client.force_login(staff)
    url = reverse("certificates:template_edit", args=[cohort.program.slug])
    response = client.post(url, _template_data(title="Certificate of Achievement"))
    assert response.status_code == HTTPStatus.SEE_OTHER
    template = services.template_current(cohort.program)
    assert (template.version, template.title) == (1, "Certificate of Achievement")


def test_template_edit_creates_a_new_version_when_the_current_one_is_used(
    client, staff, cohort, certificate
):
    client.force_login(staff)
    url = reverse("certificates:template_edit", args=[cohort.program.slug])
    assertContains(client.get(url), "so saving creates version 2")
    logo = SimpleUploadedFile("logo.png", png(), content_type="image/png")
    response = client.post(url, {**_template_data(title="New wording"), "logo": logo})
    assert response.status_code == HTTPStatus.SEE_OTHER
    versions = CertificateTemplate.objects.filter(program=cohort.program).order_by("version")
    assert [(t.version, t.title) for t in versions] == [
        (1, "Certificate of Completion"),
        (2, "New wording"),
    ]
    assert versions[1].logo.name.startswith("logos/")
    certificate.refresh_from_db()
    assert certificate.template == versions[0]
    assertContains(client.get(url), "Saved as version 2")


def test_template_edit_errors_are_422(client, staff, cohort):
    client.force_login(staff)
    url = reverse("certificates:template_edit", args=[cohort.program.slug])
    response = client.post(url, _template_data(title=""))
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert services.template_current(cohort.program).title == "Certificate of Completion"


def test_template_preview_pdf_of_the_saved_version(client, staff, cohort):
    client.force_login(staff)
    response = client.get(reverse("certificates:template_preview", args=[cohort.program.slug]))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_template_preview_pdf_of_unsaved_changes_with_a_new_image(client, staff, cohort, tmp_path):
    client.force_login(staff)
    signature = SimpleUploadedFile("sig.png", png(), content_type="image/png")
    response = client.post(
        reverse("certificates:template_preview", args=[cohort.program.slug]),
        {**_template_data(title="Draft title"), "signatory_1_signature": signature},
    )
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    # Nothing saved: not the template, not the uploaded image.
    assert services.template_current(cohort.program).title == "Certificate of Completion"
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_template_preview_panel_follows_the_form(client, staff, cohort):
    client.force_login(staff)
    response = client.post(
        reverse("certificates:template_preview", args=[cohort.program.slug]),
        _template_data(title="Certificate of Leadership", body="led {program} & more."),
        HTTP_HX_TARGET="certificate-preview",
        **HX,
    )
    assert response.status_code == HTTPStatus.OK
    assertContains(response, "Certificate of Leadership")
    assertContains(response, f"led {cohort.program.title} &amp; more.")
    assertNotContains(response, "&amp;amp;")
    assertNotContains(response, "<html")
    assert services.template_current(cohort.program).title == "Certificate of Completion"
