"""Staff screens for certificates: the register, one certificate's record and actions,
issuing for a cohort (dry run, then a self-polling progress partial), issuing one by
override, and the program's certificate template with a PDF preview.

Every view is staff-only through `staff_required` (visitors sign in, others get a 404),
full pages and fragments alike. Every write goes through `certificates.services`.
"""

import copy
import datetime
import re
import uuid
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import PurePath

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from academy.access import staff_required
from academy.htmx import HtmxHttpRequest, see_other, targets
from certificates import services
from certificates.forms import (
    IMAGE_FIELDS,
    CertificateSearchForm,
    CertificateTemplateForm,
    IssueForm,
    ReinstateForm,
    ReissueForm,
    RevokeForm,
)
from certificates.models import (
    BulkRun,
    Certificate,
    CertificateTemplate,
    normalise_code,
)
from certificates.rendering import certificate_html, render_pdf
from cohorts.models import Cohort, Enrollment
from modules.models import Program

UNPROCESSABLE = HTTPStatus.UNPROCESSABLE_ENTITY
STOP_POLLING = 286  # htmx stops an `every` trigger when the answer has this status
PAGE_SIZE = 25
SAMPLE_NAME = "María José Álvarez"
SAMPLE_CODE = "0000-0000-0000"


def _form_error(form, exc: ValidationError) -> None:
    """Attach a service's ValidationError to the form it came from."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _detail_url(certificate: Certificate) -> str:
    return reverse("certificates:staff_detail", kwargs={"code": certificate.display_code})


# --- The register ------------------------------------------------------------------------


@require_http_methods(["GET"])
@staff_required
def certificate_list(request: HtmxHttpRequest) -> HttpResponse:
    form = CertificateSearchForm(request.GET)
    form.is_valid()
    q = form.cleaned_data.get("q", "").strip()
    status = form.cleaned_data.get("status", "")
    certificates = Certificate.objects.select_related(
        "enrollment__user", "enrollment__cohort"
    ).order_by("-issued_at", "-pk")
    if q:
        match = (
            Q(name_as_printed__icontains=q)
            | Q(enrollment__user__full_name__icontains=q)
            | Q(enrollment__user__email__icontains=q)
        )
        code = normalise_code(q)
        if code:
            match |= Q(code__startswith=code)
        certificates = certificates.filter(match)
    if status:
        certificates = certificates.filter(status=status)
    page_obj = Paginator(certificates, PAGE_SIZE).get_page(request.GET.get("page"))
    template = (
        "certificates/staff/list.html#results"
        if targets(request, "certificate-results")
        else "certificates/staff/list.html"
    )
    return render(
        request,
        template,
        {"form": form, "page_obj": page_obj, "q": q, "status": status},
    )


# --- One certificate ---------------------------------------------------------------------


def _change_rows(before: dict, after: dict) -> list[tuple[str, str, str]]:
    """An event's before→after as (what, was, now) rows for the audit table."""
    return [
        (key, str(before.get(key, "")), str(after.get(key, "")))
        for key in dict.fromkeys([*before, *after])
    ]


def _detail_context(certificate: Certificate, **forms) -> dict:
    events = list(certificate.events.select_related("actor"))
    for event in events:
        event.changes = _change_rows(event.before or {}, event.after or {})
    return {
        "certificate": certificate,
        "revisions": certificate.revisions.all(),
        "events": events,
        "download_url": reverse("certificates:download", kwargs={"code": certificate.display_code}),
        "revoke_form": forms.get("revoke_form") or RevokeForm(prefix="revoke"),
        "reinstate_form": forms.get("reinstate_form") or ReinstateForm(prefix="reinstate"),
        "reissue_form": forms.get("reissue_form")
        or ReissueForm(prefix="reissue", initial={"name_as_printed": certificate.name_as_printed}),
    }


@require_http_methods(["GET", "POST"])
@staff_required
def certificate_detail(request: HtmxHttpRequest, code: str) -> HttpResponse:
    certificate = get_object_or_404(
        Certificate.objects.select_related(
            "enrollment__user",
            "enrollment__cohort__program",
            "template",
            "issued_by",
            "revoked_by",
        ),
        code=normalise_code(code),
    )
    if request.method == "GET":
        return render(request, "certificates/staff/detail.html", _detail_context(certificate))

    action = request.POST.get("action")
    actions = {
        "revoke": (
            "revoke_form",
            RevokeForm,
            lambda data: services.certificate_revoke(
                certificate=certificate, actor=request.user, **data
            ),
            _("Revoked. The verification page now says so, with the reason you gave."),
        ),
        "reinstate": (
            "reinstate_form",
            ReinstateForm,
            lambda data: services.certificate_reinstate(
                certificate=certificate, actor=request.user, **data
            ),
            _("Reinstated. The certificate verifies as valid again."),
        ),
        "reissue": (
            "reissue_form",
            ReissueForm,
            lambda data: services.certificate_reissue(
                certificate=certificate, actor=request.user, **data
            ),
            _("Reissued under the same code. The corrected PDF is being prepared."),
        ),
    }
    if action not in actions:
        return HttpResponse(_("Unknown action."), status=HTTPStatus.BAD_REQUEST)
    key, form_class, service, done = actions[action]
    form = form_class(request.POST, prefix=action)
    if form.is_valid():
        try:
            service(form.cleaned_data)
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, done)
            return see_other(request, _detail_url(certificate))
    certificate.refresh_from_db()
    return render(
        request,
        "certificates/staff/detail.html",
        _detail_context(certificate, **{key: form}),
        status=UNPROCESSABLE,
    )


# --- Issuing for a cohort ----------------------------------------------------------------


@dataclass(frozen=True)
class RunProgress:
    run: BulkRun
    total: int
    ready: int

    @property
    def done(self) -> bool:
        return self.ready >= self.total


def _run_progress(run: BulkRun) -> RunProgress:
    """How many of a run's (still valid) certificates have their PDF: one query."""
    counts = run.certificates.filter(status=Certificate.Status.ACTIVE).aggregate(
        total=Count("pk"), ready=Count("pk", filter=Q(rendered_at__isnull=False))
    )
    return RunProgress(run=run, total=counts["total"], ready=counts["ready"])


def _run_certificates(run: BulkRun) -> list[Certificate]:
    return list(
        run.certificates.select_related("enrollment__user").order_by("name_as_printed", "pk")
    )


@require_http_methods(["GET", "POST"])
@staff_required
def cohort_issue(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    cohort = get_object_or_404(Cohort.objects.select_related("program"), slug=slug)
    if request.method == "POST":
        run = services.bulk_issue(cohort=cohort, actor=request.user)
        count = run.certificates.count()
        if count:
            messages.success(
                request,
                _("Issued %(count)s certificates. Their PDFs are being prepared.")
                % {"count": count},
            )
        else:
            messages.info(request, _("Nobody was waiting for a certificate."))
        url = reverse("certificates:cohort_issue", kwargs={"slug": cohort.slug})
        return see_other(request, f"{url}?run={run.pk}#run")

    runs = cohort.certificate_runs.all()
    run = None
    if request.GET.get("run", "").isdecimal():  # "²" is a digit to isdigit(), not to int()
        run = runs.filter(pk=request.GET["run"]).first()
    if run is None:
        latest = runs.first()
        if latest is not None and not _run_progress(latest).done:
            run = latest
    progress = _run_progress(run) if run else None
    return render(
        request,
        "certificates/staff/cohort_issue.html",
        {
            "cohort": cohort,
            "preview": services.bulk_preview(cohort),
            "progress": progress,
            "run_certificates": _run_certificates(run) if progress and progress.done else [],
        },
    )


@require_http_methods(["GET"])
@staff_required
def run_progress(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    run = get_object_or_404(
        BulkRun.objects.select_related("cohort__program", "started_by"), cohort__slug=slug, pk=pk
    )
    progress = _run_progress(run)
    context = {
        "cohort": run.cohort,
        "progress": progress,
        "run_certificates": _run_certificates(run) if progress.done else [],
    }
    if targets(request, "run-progress"):
        return render(
            request,
            "certificates/staff/run.html#progress",
            context,
            status=STOP_POLLING if progress.done else HTTPStatus.OK,
        )
    return render(request, "certificates/staff/run.html", context)


# --- Issuing one -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_required
def issue_one(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    enrollment = get_object_or_404(
        Enrollment.objects.select_related("user", "cohort__program"), pk=pk
    )
    eligibility = services.eligibility(enrollment)
    form = IssueForm(
        request.POST if request.method == "POST" else None, override=not eligibility.eligible
    )
    status = HTTPStatus.OK
    if request.method == "POST":
        if eligibility.certificate is not None:  # a double click: it exists already
            return see_other(request, _detail_url(eligibility.certificate))
        if form.is_valid():
            try:
                certificate = services.certificate_issue(
                    enrollment=enrollment,
                    actor=request.user,
                    override_reason=form.cleaned_data.get("override_reason", ""),
                )
            except ValidationError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("Certificate issued. Its PDF is being prepared."))
                return see_other(request, _detail_url(certificate))
        status = UNPROCESSABLE
    context = {
        "enrollment": enrollment,
        "cohort": enrollment.cohort,
        "eligibility": eligibility,
        "issuable": enrollment.status in (Enrollment.Status.ENROLLED, Enrollment.Status.COMPLETED),
        "form": form,
    }
    return render(request, "certificates/staff/issue_one.html", context, status=status)


# --- The template and its preview --------------------------------------------------------


def _program(slug: str) -> Program:
    return get_object_or_404(Program, slug=slug)


def _sample(program: Program) -> dict:
    """A made-up recipient with the program's real data (its latest cohort, if any)."""
    cohort = program.cohorts.order_by("-starts_on").first()
    if cohort:
        name, starts_on, ends_on = cohort.name, cohort.starts_on, cohort.ends_on
    else:
        starts_on = datetime.date.today()
        name, ends_on = _("Sample cohort"), starts_on + datetime.timedelta(days=90)
    verify_path = reverse("certificates:verify", kwargs={"code": SAMPLE_CODE})
    return {
        "name": SAMPLE_NAME,
        "program": program.title,
        "cohort": name,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "hours": program.estimated_hours,
        "code": SAMPLE_CODE,
        "verify_url": settings.SITE_URL.rstrip("/") + verify_path,
    }


def _unsaved_template(form: CertificateTemplateForm, program: Program) -> CertificateTemplate:
    """The current template with the form's (valid) changes applied, never saved."""
    template = form.instance
    template.program = program
    return template


_BODY = re.compile(r'<p class="body">(.*?)</p>', re.S)


def _sheet(program: Program, template: CertificateTemplate) -> dict:
    """What the live panel shows: the wording filled in by the real renderer."""
    sample = _sample(program)
    html = certificate_html(certificate=None, template=template, sample=sample)
    match = _BODY.search(html)
    return {
        "template": template,
        "sample": sample,
        # Escaped already by the template engine that rendered the certificate.
        "body": mark_safe(match.group(1)) if match else "",  # noqa: S308
        "signatories": template.signatories(),
    }


def _editor_context(program: Program, form, template: CertificateTemplate, **extra) -> dict:
    current = services.template_current(program)
    return {
        "program": program,
        "form": form,
        "current": current,
        "in_use": current.certificates.count(),
        "sheet": _sheet(program, template),
        **extra,
    }


@require_http_methods(["GET", "POST"])
@staff_required
def template_edit(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    program = _program(slug)
    current = services.template_current(program)
    # The form validates a copy: a rejected edit must not leak into what the page shows.
    form = CertificateTemplateForm(
        request.POST or None, request.FILES or None, instance=_copy(current)
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = services.template_save(
                    program=program, data=form.service_data(), actor=request.user
                )
            except ValidationError as exc:
                _form_error(form, exc)
            else:
                if saved.version != current.version:
                    messages.success(
                        request,
                        _(
                            "Saved as version %(version)s. Certificates already issued keep "
                            "the version they were issued with."
                        )
                        % {"version": saved.version},
                    )
                else:
                    messages.success(request, _("Certificate template saved."))
                return see_other(
                    request, reverse("certificates:template_edit", kwargs={"slug": program.slug})
                )
        return render(
            request,
            "certificates/staff/template_edit.html",
            _editor_context(program, form, current),
            status=UNPROCESSABLE,
        )
    return render(
        request, "certificates/staff/template_edit.html", _editor_context(program, form, current)
    )


def _copy(template: CertificateTemplate) -> CertificateTemplate:
    return copy.copy(template)


def _pdf_response(pdf: bytes) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="certificate-preview.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def _render_with_uploads(
    form: CertificateTemplateForm, program: Program, template: CertificateTemplate
) -> bytes:
    """Render the PDF; images uploaded with the (unsaved) form are stored for the moment
    in the media storage (the only place the renderer reads images) and removed afterwards."""
    stored = []
    try:
        for name in IMAGE_FIELDS:
            upload = form.cleaned_data.get(name)
            if upload and hasattr(upload, "content_type"):  # a new upload
                path = f"certificate-previews/{uuid.uuid4().hex}/{PurePath(upload.name).name}"
                stored.append(default_storage.save(path, upload))
                setattr(template, name, stored[-1])
        html = certificate_html(certificate=None, template=template, sample=_sample(program))
        return render_pdf(html)
    finally:
        for path in stored:
            default_storage.delete(path)


@require_http_methods(["GET", "POST"])
@staff_required
def template_preview(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """GET: the saved template as a PDF. POST: the form's unsaved changes, as a PDF (opened
    in a new tab) or, for the editor's live panel, as the panel's HTML fragment."""
    program = _program(slug)
    current = services.template_current(program)
    if request.method == "GET":
        html = certificate_html(certificate=None, template=current, sample=_sample(program))
        return _pdf_response(render_pdf(html))

    form = CertificateTemplateForm(request.POST, request.FILES or None, instance=_copy(current))
    valid = form.is_valid()
    if targets(request, "certificate-preview"):
        template = _unsaved_template(form, program) if valid else current
        return render(
            request,
            "certificates/staff/template_edit.html#preview",
            {"program": program, "sheet": _sheet(program, template), "preview_invalid": not valid},
        )
    if not valid:
        return render(
            request,
            "certificates/staff/template_edit.html",
            _editor_context(program, form, current),
            status=UNPROCESSABLE,
        )
    template = _unsaved_template(form, program)
    return _pdf_response(_render_with_uploads(form, program, template))
