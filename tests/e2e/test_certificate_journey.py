"""Certificates end to end: staff preview a cohort, issue every eligible certificate and watch
the progress partial poll until each PDF is ready; they try a template change in the live
preview; the participant downloads their PDF; a visitor verifies the code and sees "Valid"."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from certificates.models import Certificate
from certificates.tasks import render_certificate
from cohorts import services
from tests.e2e.axe import assert_accessible
from tests.e2e.helpers import sign_in, sign_out, wait_for_htmx
from tests.factories import (
    StaffFactory,
    UserFactory,
    completed_enrollment,
    make_cohort,
    published_program,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def queued_rendering(settings, tmp_path):
    """PDFs go to a temporary folder, and issuing only queues their rendering (the Dummy
    backend): the test renders them one by one while the page polls."""
    settings.MEDIA_ROOT = str(tmp_path)
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def test_issue_watch_download_and_verify(page, live_server):
    program = published_program(
        title="Governance Academy", slug="governance-academy", modules=1, lessons_per_module=1
    )
    cohort = make_cohort(program=program, name="Newly Elected · Spring 2027", slug="spring-2027")
    ana = UserFactory(email="ana@durham.example", full_name="Ana Rivera")
    completed_enrollment(cohort=cohort, user=ana)
    completed_enrollment(cohort=cohort, user=UserFactory(full_name="Luis Ortega"))
    services.enrollment_self_enroll(cohort=cohort, user=UserFactory(full_name="Mei Chen"))
    staff = StaffFactory(email="staff@academy.example", full_name="Sam Staff")

    # Staff: the dry run lists who gets one, who has one, and who does not qualify and why.
    sign_in(page, live_server, staff.email)
    page.goto(live_server.url + reverse("certificates:cohort_issue", args=[cohort.slug]))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Certificates for Newly Elected · Spring 2027"
    )
    expect(page.get_by_role("heading", name="Ready to issue (2)")).to_be_visible()
    expect(page.get_by_role("heading", name="Already certified (0)")).to_be_visible()
    expect(page.get_by_role("heading", name="Not eligible yet (1)")).to_be_visible()
    expect(page.get_by_role("row", name="Mei Chen")).to_contain_text("required lessons")
    assert not Certificate.objects.exists()
    assert_accessible(page)

    # Issue: the certificates exist at once; the progress partial polls for their PDFs.
    page.get_by_role("button", name="Issue 2 certificates").click()
    progress = page.locator("#run-progress")
    expect(progress).to_contain_text("0 of 2 PDFs ready")
    expect(page.locator("#run-bar")).to_have_attribute("value", "0")
    expect(page.get_by_role("heading", name="Already certified (2)")).to_be_visible()
    assert_accessible(page)
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))

    first, second = Certificate.objects.order_by("name_as_printed")
    render_certificate.call(certificate_id=first.pk)
    expect(progress).to_contain_text("1 of 2 PDFs ready")
    expect(page.locator("#run-bar")).to_have_attribute("value", "1")
    render_certificate.call(certificate_id=second.pk)
    expect(progress).to_contain_text("All 2 PDFs ready")
    expect(page.locator("#run-bar")).to_have_attribute("value", "2")
    wait_for_htmx(page)
    assert navigations == [], "the page reloaded instead of polling"
    assert_accessible(page)

    # The certificate's record, linked from the finished run.
    progress.get_by_role("link", name="Ana Rivera").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ana Rivera")
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()
    expect(page.get_by_role("row", name="PDF rendered")).to_be_visible()
    assert_accessible(page)

    # The template editor: the live panel follows the form without saving anything.
    page.goto(live_server.url + reverse("certificates:template_edit", args=[program.slug]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Certificate template")
    preview = page.locator("#certificate-preview")
    expect(preview).to_contain_text("María José Álvarez")
    assert_accessible(page)
    page.get_by_label("Title", exact=True).fill("Certificate of Leadership")
    expect(preview).to_contain_text("Certificate of Leadership")
    wait_for_htmx(page)
    assert_accessible(page)

    code = first.display_code
    sign_out(page)

    # The participant downloads the PDF from their certificates page.
    sign_in(page, live_server, ana.email)
    page.goto(live_server.url + reverse("certificates:mine"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My certificates")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    sign_out(page)

    # A visitor verifies the code, typed loosely.
    page.goto(live_server.url + reverse("certificates:verify_lookup"))
    assert_accessible(page)
    page.get_by_role("textbox", name="Certificate code").fill(code.lower().replace("-", " "))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Valid")
    expect(page.get_by_text("Ana Rivera")).to_be_visible()
    assert_accessible(page)
