"""Certificate issuing, rendering (real PDFs read back) and the audit trail."""

import base64
import io
import re

import pytest
import segno
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from PIL import Image
from pypdf import PdfReader

from certificates import services, tasks
from certificates.models import (
    CODE_ALPHABET,
    Certificate,
    CertificateEvent,
    CertificateRevision,
    format_code,
    new_code,
    normalise_code,
)
from certificates.rendering import LocalFilesOnly, certificate_html, qr_png, render_pdf
from cohorts import services as cohort_services
from cohorts.models import Enrollment
from modules.models import Lesson
from tests.factories import UserFactory, completed_enrollment, make_cohort, published_program

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def issued(staff, django_capture_on_commit_callbacks):
    enrollment = completed_enrollment(user=UserFactory(full_name="Nguyễn Thị Lan"))
    with django_capture_on_commit_callbacks(execute=True):
        return services.certificate_issue(enrollment=enrollment, actor=staff)


def pdf_text(certificate) -> tuple[int, str]:
    certificate.pdf.open("rb")
    reader = PdfReader(io.BytesIO(certificate.pdf.read()))
    return len(reader.pages), reader.pages[0].extract_text()


def test_codes_have_sixty_bits_and_read_back_any_way():
    code = new_code()
    assert len(code) == 12
    assert set(code) <= set(CODE_ALPHABET)
    assert len(CODE_ALPHABET) ** len(code) >= 2**60
    shown = format_code(code)
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", shown)
    assert normalise_code(shown.lower()) == code
    assert normalise_code("abcd efgh-jk mn") == "ABCDEFGHJKMN"
    assert normalise_code("O0IL-") == "0011"


def test_issue_renders_a_real_one_page_pdf_with_the_name_program_and_code(issued, mailoutbox):
    issued.refresh_from_db()
    assert issued.rendered_at is not None
    assert len(issued.pdf_sha256) == 64
    pages, text = pdf_text(issued)
    assert pages == 1
    assert "Nguyễn Thị Lan" in text
    assert issued.program_title in text
    assert issued.display_code in text
    assert issued.verify_url() in text
    # Tagged, accessible PDF (PDF/UA-1): a structure tree, marked content, the UA identifier.
    issued.pdf.open("rb")
    reader = PdfReader(io.BytesIO(issued.pdf.read()))
    root = reader.root_object
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert b"pdfuaid" in root["/Metadata"].get_object().get_data()
    # The revision keeps the hash; the recipient got an email with the link.
    assert (
        CertificateRevision.objects.get(certificate=issued, revision=1).pdf_sha256
        == issued.pdf_sha256
    )
    assert [m.to for m in mailoutbox] == [[issued.enrollment.user.email]]
    assert issued.verify_url() in mailoutbox[0].body


def test_qr_code_carries_the_verification_url():
    """The PNG's modules, read back pixel by pixel, are the QR code of that URL."""
    url = "https://academy.example/verify/ABCD-EFGH-JKMN/"
    uri = qr_png(url)
    assert uri.startswith("data:image/png;base64,")
    image = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("L")
    expected = segno.make(url, error="m").matrix
    size = len(expected)
    assert image.size == (size * 10, size * 10)
    read = [
        tuple(int(image.getpixel((x * 10 + 5, y * 10 + 5)) < 128) for x in range(size))
        for y in range(size)
    ]
    assert read == [tuple(row) for row in expected]
    assert read != [tuple(row) for row in segno.make(url + "X", error="m").matrix]


def test_certificate_html_has_the_qr_and_the_url(issued):
    html = certificate_html(certificate=issued, template=issued.template)
    assert qr_png(issued.verify_url()) in html
    assert f'alt="QR code linking to {issued.verify_url()}"' in html
    assert issued.verify_url() in html


def test_rendering_fetches_nothing_from_the_network(settings, tmp_path):
    fetcher = LocalFilesOnly(tmp_path)
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher.fetch("https://example.org/font.ttf")
    with pytest.raises(ValueError, match="Blocked"):
        fetcher.fetch("file:///etc/passwd")
    # A document asking for remote resources still renders, without them.
    pdf = render_pdf(
        '<p style="background:url(https://example.org/x.png)">Hello</p><img src="http://example.org/y.png" alt="">'
    )
    assert pdf.startswith(b"%PDF")


def test_issuing_is_idempotent(issued, staff):
    again = services.certificate_issue(enrollment=issued.enrollment, actor=staff)
    assert again.pk == issued.pk
    assert Certificate.objects.count() == 1


def test_one_active_certificate_per_enrollment_in_the_database(issued, staff):
    with pytest.raises(IntegrityError):
        Certificate.objects.create(
            enrollment=issued.enrollment,
            template=issued.template,
            issued_by=staff,
            name_as_printed="Copy",
            program_title="x",
            cohort_name="y",
            starts_on=issued.starts_on,
            ends_on=issued.ends_on,
            hours=1,
        )


def test_eligibility_and_override(staff):
    cohort = make_cohort()
    enrollment = cohort_services.enrollment_self_enroll(cohort=cohort, user=UserFactory())
    verdict = services.eligibility(enrollment)
    assert not verdict.eligible
    assert "required lessons" in verdict.reason
    with pytest.raises(ValidationError, match="override"):
        services.certificate_issue(enrollment=enrollment, actor=staff)
    certificate = services.certificate_issue(
        enrollment=enrollment, actor=staff, override_reason="Completed the 2025 pilot offline."
    )
    event = certificate.events.get(action=CertificateEvent.Action.OVERRIDE)
    assert event.note == "Completed the 2025 pilot offline."
    assert event.actor == staff
    assert certificate.override_reason


def test_withdrawn_people_get_no_certificate(staff):
    cohort = make_cohort()
    enrollment = cohort_services.enrollment_self_enroll(cohort=cohort, user=UserFactory())
    cohort_services.enrollment_withdraw(enrollment=enrollment, actor=staff)
    with pytest.raises(ValidationError):
        services.certificate_issue(
            enrollment=Enrollment.objects.get(pk=enrollment.pk), actor=staff, override_reason="x"
        )


def test_revoke_and_reinstate_keep_the_record(issued, staff):
    with pytest.raises(ValidationError):
        services.certificate_revoke(certificate=issued, actor=staff, public_reason=" ")
    services.certificate_revoke(
        certificate=issued,
        actor=staff,
        public_reason="Issued in error",
        private_note="Duplicate account",
    )
    issued.refresh_from_db()
    assert issued.status == Certificate.Status.REVOKED
    assert issued.revoked_by == staff
    # Revoked is not "active": a new certificate could now be issued, but reinstating restores this one.
    services.certificate_reinstate(certificate=issued, actor=staff)
    issued.refresh_from_db()
    assert issued.is_active
    actions = list(issued.events.values_list("action", flat=True))
    assert actions[-2:] == ["revoked", "reinstated"]
    revoked = issued.events.get(action="revoked")
    assert revoked.before == {"status": "active"}
    assert revoked.after["public_reason"] == "Issued in error"


def test_reissue_keeps_the_code_and_earlier_hashes(
    issued, staff, django_capture_on_commit_callbacks
):
    issued.refresh_from_db()
    first_hash, code = issued.pdf_sha256, issued.code
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_reissue(
            certificate=issued, actor=staff, name_as_printed="Lan Nguyễn Thị", note="Name order"
        )
    issued.refresh_from_db()
    assert issued.code == code
    assert issued.revision == 2
    assert issued.pdf_sha256
    assert issued.pdf_sha256 != first_hash
    assert list(issued.revisions.values_list("revision", "pdf_sha256")) == [
        (1, first_hash),
        (2, issued.pdf_sha256),
    ]
    assert "Lan Nguyễn Thị" in pdf_text(issued)[1]


def test_a_completion_with_a_certificate_is_not_undone(issued, staff):
    from cohorts.services import evaluate_completion
    from modules.services import lesson_create

    # New required content would un-meet the policy, but the certificate holds the completion.
    lesson_create(
        module=issued.enrollment.cohort.program.modules.first(), title="Added later", body="x"
    )
    evaluate_completion(enrollment=issued.enrollment)
    issued.enrollment.refresh_from_db()
    assert issued.enrollment.status == Enrollment.Status.COMPLETED


def test_the_sweep_re_renders_a_missing_pdf(issued):
    issued.refresh_from_db()
    issued.pdf.storage.delete(issued.pdf.name)
    assert tasks.sweep_unrendered() == 1
    issued.refresh_from_db()
    assert issued.pdf.storage.exists(issued.pdf.name)
    assert tasks.sweep_unrendered() == 0
    # Rendering twice renders once.
    renders = issued.events.filter(action="rendered").count()
    tasks.render_certificate.call(certificate_id=issued.pk)
    assert issued.events.filter(action="rendered").count() == renders


def test_templates_are_versioned_once_used(issued, staff):
    program = issued.enrollment.cohort.program
    current = services.template_current(program)
    new = services.template_save(
        program=program, data={"title": "Certificate of Achievement"}, actor=staff
    )
    assert new.version == current.version + 1
    issued.refresh_from_db()
    assert issued.template == current
    # An unused version is edited in place.
    same = services.template_save(
        program=program, data={"title": "Certificate of Achievement!"}, actor=staff
    )
    assert same.pk == new.pk


def test_bulk_preview_and_issue(staff, django_capture_on_commit_callbacks):
    first = completed_enrollment()
    cohort = first.cohort
    second = completed_enrollment(cohort=cohort)
    behind = cohort_services.enrollment_self_enroll(cohort=cohort, user=UserFactory())
    services.certificate_issue(enrollment=second, actor=staff)
    preview = services.bulk_preview(cohort)
    assert preview.eligible == [first]
    assert [e for e, _c in preview.certified] == [second]
    assert [e for e, _r in preview.not_eligible] == [behind]
    run = services.bulk_issue(cohort=cohort, actor=staff)
    assert run.certificates.count() == 1
    services.bulk_issue(cohort=cohort, actor=staff)
    assert Certificate.objects.count() == 2


def test_bulk_preview_reads_why_in_the_same_queries_for_3_or_12_behind():
    program = published_program(modules=1, lessons_per_module=3)
    cohort = make_cohort(program=program, capacity=40)
    lesson = Lesson.objects.filter(module__program=program).first()

    def behind(n):
        for _ in range(n):
            enrollment = cohort_services.enrollment_self_enroll(cohort=cohort, user=UserFactory())
            cohort_services.lesson_complete(enrollment=enrollment, lesson=lesson)

    behind(3)
    with CaptureQueriesContext(connection) as few:
        preview = services.bulk_preview(cohort)
    assert len(preview.not_eligible) == 3
    behind(9)
    with CaptureQueriesContext(connection) as many:
        preview = services.bulk_preview(cohort)
    assert len(preview.not_eligible) == 12
    assert len(many) == len(few) <= 6
    # The same reason staff see for one person at a time.
    for enrollment, reason in preview.not_eligible:
        assert reason == services.eligibility(enrollment).reason
        assert "1 of 3 done" in reason
