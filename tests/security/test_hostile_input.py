"""Hostile input: property-based tests (hypothesis) over every form, the CSV import and the
public lookups; injection rendered inert wherever user text appears (certificates and emails
included); uploads limited by type and size.

The properties, for every write path:
- the answer is never a 5xx (the test client re-raises a server error, so a 500 fails loudly);
- a refused submission answers 422 (400 for an unknown action, 200 where the view documents
  it) and writes nothing: no table of ours gains or loses a row, the rows the form edits
  are unchanged, no email is sent;
- an accepted submission stores the value as typed (stripped or normalised) and every page
  that shows it renders it inert: no inline script, no event-handler attribute and no
  javascript: link came from the payload.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, timedelta
from html.parser import HTMLParser
from http import HTTPStatus
from pathlib import Path
from urllib.parse import quote

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfReader

from academy.choices import TIME_ZONES, US_STATES, OfficeType
from academy.models import User
from certificates import services as certificate_services
from certificates.forms import CertificateTemplateForm
from certificates.models import Certificate
from certificates.rendering import certificate_html, render_pdf
from cohorts import services as cohort_services
from cohorts.forms import MAX_CSV_BYTES, DecisionForm, ImportForm
from cohorts.models import CHAPTERS, Attendance, Cohort, Enrollment, LessonProgress
from modules import services as curriculum
from modules.forms import RESOURCE_MAX_BYTES, LessonForm
from modules.models import IssueArea, Lesson, Program, Question
from tests.factories import UserFactory, completed_enrollment, make_cohort, published_program

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=25,
    deadline=None,
    database=None,  # every run draws afresh; a failure prints a blob to replay it
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HX = {"HTTP_HX_REQUEST": "true"}
OK = {HTTPStatus.OK, HTTPStatus.SEE_OTHER}
UNPROCESSABLE = HTTPStatus.UNPROCESSABLE_ENTITY


def hx(target: str) -> dict:
    return {**HX, "HTTP_HX_TARGET": target}


# --- Hostile values ------------------------------------------------------------------------

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg/onload=alert(1)>",
    "javascript:alert(1)",
    "[click me](javascript:alert(1))",
    "![x](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "[a](  JaVaScRiPt:alert(1) )",
    '<iframe src="javascript:alert(1)"></iframe>',
    "<b onmouseover=alert(1)>bold</b>",
    "{{ request.user.password }}{% debug %}",
    "'; DROP TABLE academy_user; --",
    "<b>Ana</b> <script>x</script>",
]
ODD_TEXT = [
    "\x00",
    "Ana\x00Ortiz",
    "\u202eevil\u202c",  # right-to-left override
    "\u200f\u200e\u2066x\u2069",
    "\ufeffBOM",
    "\x1b[31mred",
    "tab\there\x0bvt\x0cff",
    "line\u2028sep\u2029para",
    "🏛️🗳️👩🏽‍⚖️",
    "e\u0301\u0301\u0301\u0301",  # stacked combining marks
    "مجلس المدينة",
    "市议会",
    "   ",
    "",
    "A" * 10_000,
    "é" * 10_001,
    "🏛" * 5_000,
]
NUMBERS = [
    "99999999999999999999999999999999",
    "2147483648",
    "9223372036854775808",
    "-1",
    "-0",
    "NaN",
    "nan",
    "inf",
    "-Infinity",
    "1e309",
    "1e-309",
    "3.5",
    "0x1F",
    "1_000",
    "٣",  # an Arabic-Indic digit: str.isdigit() says yes, int() says yes too
    "²",  # superscript two: str.isdigit() says yes, int() says no
    " 7 ",
    "",
]
DATES = [
    "0001-01-01",
    "9999-12-31",
    "2024-02-30",
    "10000-01-01",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "2026-03-08T02:30",  # does not exist in US time zones (spring forward)
    "2026-11-01T01:30",  # happens twice (fall back)
    "yesterday",
]
URLS = [
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    'https://example.org/"><script>alert(1)</script>',
    "https://example.org/' onerror='alert(1)",
    "https://www.youtube.com/watch?v=<script>",
    "https://exa mple.org",
    "http://[::1",
    "//evil.example",
]


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT = _Absent()  # the field is left out of the request altogether

# Text that a form would normally accept: printable, payloads and all.
printable = st.characters(exclude_categories=("Cs", "Cc"))
any_text = st.text(max_size=300)
odd = st.sampled_from(ODD_TEXT + PAYLOADS)
hostile_text = st.one_of(
    any_text,
    odd,
    st.tuples(any_text, st.sampled_from(PAYLOADS), odd).map("".join),
    # Often a control character: PostgreSQL cannot store NUL, so a form must refuse it first.
    st.tuples(st.text(printable, max_size=20), st.sampled_from(["\x00", "\x1b", "\x7f"])).map(
        "".join
    ),
)
hostile_scalar = st.one_of(
    hostile_text,
    st.sampled_from(NUMBERS + DATES + URLS),
    st.integers().map(str),
    st.floats().map(str),
    st.datetimes().map(lambda moment: moment.isoformat(timespec="minutes")),
)
# Wrong types: several values for one field (QueryDict.setlist), none, or no field at all.
hostile = st.one_of(
    hostile_scalar,
    st.lists(hostile_scalar, max_size=3),
    st.just(ABSENT),
)


def fine_text(max_size: int, min_size: int = 1):
    return st.one_of(
        st.text(printable, min_size=min_size, max_size=max_size),
        st.sampled_from(PAYLOADS),
        st.tuples(st.text(printable, min_size=1, max_size=20), st.sampled_from(PAYLOADS)).map(
            " ".join
        ),
    )


def digits(lo: int, hi: int):
    return st.integers(lo, hi).map(str)


def checkbox():
    return st.sampled_from(["on", ABSENT])


@st.composite
def form_data(draw, valid, extra: dict | None = None):
    """Values a form accepts (a dict of strategies, or a strategy of dicts), then up to three
    of its fields replaced by hostile ones (and, sometimes, fields the form does not have)."""
    if isinstance(valid, dict):
        data = {name: draw(strategy) for name, strategy in valid.items()}
    else:
        data = draw(valid)
    names = sorted(data)
    for name in draw(st.lists(st.sampled_from(names), max_size=3, unique=True)):
        data[name] = draw(hostile)
    if extra:
        for name in draw(st.lists(st.sampled_from(sorted(extra)), max_size=2, unique=True)):
            data[name] = extra[name]
    return data


def payload(data: dict) -> dict:
    return {k: v for k, v in data.items() if v is not ABSENT}


def send(client, url: str, data: dict, **headers):
    """POST the form; hypothesis' statistics show how often each answer came back."""
    response = client.post(url, payload(data), **headers)
    event(f"HTTP {response.status_code}")
    return response


def as_querydict(data: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, value in payload(data).items():
        query.setlist(name, value if isinstance(value, list) else [value])
    return query


def last(value) -> str | None:
    """What a form reads from a field: QueryDict keeps the last of several values."""
    if value is ABSENT:
        return None
    if isinstance(value, list):
        return value[-1] if value else None
    return value


# --- Database snapshots and inertness --------------------------------------------------------

OUR_APPS = {"academy", "modules", "cohorts", "certificates", "account"}


def _our_models():
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in OUR_APPS
    ]


def snapshot(*watched) -> dict:
    """The row count of every table of ours (through tables included), in one query, and
    every row of the tables a form edits in place (`watched`), in primary-key order."""
    tables = sorted({model._meta.db_table for model in _our_models()})
    quote_name = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote_name(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        counts = dict(zip(tables, cursor.fetchone(), strict=True))
    rows = {model._meta.label: list(model.objects.order_by("pk").values()) for model in watched}
    return {"counts": counts, "rows": rows, "mail": len(mail.outbox)}


def assert_unchanged(before: dict, *, emails: bool = False) -> None:
    after = snapshot(*(apps.get_model(label) for label in before["rows"]))
    grown = {
        t: (n, after["counts"][t]) for t, n in before["counts"].items() if after["counts"][t] != n
    }
    assert not grown, f"a refused submission wrote rows: {grown}"
    edited = [label for label, rows in before["rows"].items() if after["rows"][label] != rows]
    assert not edited, f"a refused submission changed {edited}"
    assert emails or after["mail"] == before["mail"], "a refused submission sent email"


SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:")
RASTER_DATA = ("data:image/png;", "data:image/jpeg;", "data:image/gif;", "data:image/webp;")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "data-embed-src"}
INJECTED_TAGS = {"iframe", "object", "embed"}  # our pages use none of them


class _Live(HTMLParser):
    """Collects what a browser would treat as live markup."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = {name for name, _value in attrs}
        if tag == "script" and "src" not in names:
            self.problems.append("inline <script>")
        if tag in INJECTED_TAGS or (tag == "img" and ("src", "x") in attrs):
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            # Browsers drop tabs and newlines inside a scheme and ignore leading spaces.
            url = re.sub(r"[\x00-\x20]", "", value or "").lower()
            if name in URL_ATTRIBUTES and url.startswith(SCRIPT_SCHEMES):
                if tag == "img" and name == "src" and url.startswith(RASTER_DATA):
                    continue  # a bitmap in an image runs nothing (the certificate's QR code)
                self.problems.append(f"<{tag} {name}={value!r}>")


def assert_inert(html: str) -> None:
    """No markup from a payload is live: no inline script (our pages have none: strict CSP),
    no event-handler attribute, no script URL in a link or source, no injected img or iframe."""
    parser = _Live()
    parser.feed(html)
    parser.close()
    assert not parser.problems, parser.problems


def text_of(response) -> str:
    return response.content.decode()


def assert_refused(response, before, *, allowed=(UNPROCESSABLE,)) -> None:
    assert response.status_code in allowed, response.status_code
    assert_unchanged(before)


# --- The world the forms work on ---------------------------------------------------------------


@dataclass
class World:
    staff: User
    facilitator: User
    participant: User
    program: Program
    quiz: Lesson
    reflection: Lesson
    cohort: Cohort  # open; participant enrolled; facilitator runs it
    enrollment: Enrollment
    applications: Cohort  # by application, with two questions

    def module(self):
        return self.program.modules.order_by("position").first()


@pytest.fixture
def world(staff, facilitator, participant, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path
    program = published_program(modules=1, lessons_per_module=1)
    module = program.modules.get()
    quiz = curriculum.lesson_create(
        module=module, title="Check", kind=Lesson.Kind.KNOWLEDGE_CHECK, pass_mark=50
    )
    curriculum.question_create(
        lesson=quiz, prompt="Who adopts the budget?", choices=[("Council", True), ("Nobody", False)]
    )
    curriculum.question_create(
        lesson=quiz,
        prompt="Revenue?",
        kind=Question.Kind.MULTIPLE,
        choices=[("Tax", True), ("Fees", True), ("Wishes", False)],
    )
    reflection = curriculum.lesson_create(
        module=module,
        title="Reflect",
        kind=Lesson.Kind.REFLECTION,
        reflection_prompt="What first?",
    )
    cohort = make_cohort(program=program, capacity=10_000)
    cohort.facilitators.add(facilitator)
    enrollment = cohort_services.enrollment_self_enroll(cohort=cohort, user=participant)
    applications = make_cohort(
        program=program,
        enrollment_mode="application",
        capacity=10_000,
        application_questions="Why do you serve?\nWhat is your first priority?",
    )
    applications.facilitators.add(facilitator)
    certificate_services.template_current(program)  # made on first use: not by a test's POST
    return World(
        staff=staff,
        facilitator=facilitator,
        participant=participant,
        program=program,
        quiz=quiz,
        reflection=reflection,
        cohort=cohort,
        enrollment=enrollment,
        applications=applications,
    )


def fresh_user(**kwargs) -> User:
    return UserFactory(**kwargs)


# --- 1. Every form, fuzzed ---------------------------------------------------------------------

PROFILE = {
    "full_name": fine_text(150),
    "preferred_name": fine_text(80, min_size=0),
    "pronouns": fine_text(40, min_size=0),
    "office_type": st.sampled_from(["", *OfficeType.values]),
    "jurisdiction": fine_text(150, min_size=0),
    "state": st.sampled_from(["", *(code for code, _name in US_STATES)]),
    "time_zone": st.sampled_from([zone for zone, _label in TIME_ZONES[:40]]),
    "language": st.sampled_from(["en", "es"]),
}
# Fields a person must not be able to set on themselves.
PROFILE_EXTRA = {"is_staff": "on", "is_superuser": "on", "email": "root@example.org"}


@FUZZ
@given(
    data=form_data(PROFILE, PROFILE_EXTRA),
    mode=st.sampled_from(["page", "htmx", "validate"]),
    field=st.sampled_from([*PROFILE, "password", "is_staff", "<script>"]),
)
def test_profile(client, participant, data, mode, field):
    client.force_login(participant)
    url, headers = reverse("profile"), {}
    if mode == "htmx":
        headers = hx("profile-form")
    elif mode == "validate":
        url, headers = f"{url}?validate={quote(field)}", hx("profile-form")
    before = snapshot(User)
    response = send(client, url, data, **headers)
    if mode == "validate" and field in PROFILE:
        # Inline validation of one field: the field's partial, never a save.
        assert response.status_code == HTTPStatus.OK
        assert_unchanged(before)
        assert_inert(text_of(response))
        return
    if response.status_code == UNPROCESSABLE:
        assert_unchanged(before)
        assert_inert(text_of(response))
        return
    assert response.status_code in OK
    participant.refresh_from_db()
    assert participant.full_name == " ".join(last(data["full_name"]).split())
    assert participant.jurisdiction == (last(data["jurisdiction"]) or "").strip()
    assert not participant.is_staff
    assert not participant.is_superuser
    assert participant.email == "participant@example.org"
    assert_inert(text_of(client.get(reverse("home"))))


@pytest.mark.parametrize("control", ["\x00", "\x1b"], ids=["NUL", "ESC"])
def test_signup_form_refuses_control_characters(client, control):
    """The name printed on certificates, typed at sign-up: allauth re-renders with 200."""
    before = snapshot(User)
    response = client.post(
        reverse("account_signup"),
        {
            "full_name": f"Ana{control}Ortiz",
            "email": "new.person@example.org",
            "password1": "correct-horse-battery-staple",
            "password2": "correct-horse-battery-staple",
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert "control characters" in text_of(response) or "Null characters" in text_of(response)
    assert_unchanged(before)


SIGNUP = {
    "full_name": fine_text(150),
    "email": st.emails().map(str.lower),
    "password1": st.just("correct-horse-battery-staple"),
    "password2": st.just("correct-horse-battery-staple"),
}


@FUZZ
@given(data=form_data(SIGNUP, {"is_staff": "on"}))
def test_signup(client, data):
    cache.clear()  # allauth's sign-up rate limit
    email = last(data["email"])
    # (The test's own lookup: PostgreSQL would refuse a NUL in it.)
    taken = (
        bool(email) and "\x00" not in email and User.objects.filter(email__iexact=email).exists()
    )
    before = snapshot(User)
    response = send(client, reverse("account_signup"), data)
    client.logout()
    if response.status_code in {HTTPStatus.OK, UNPROCESSABLE} or taken:
        # allauth re-renders an invalid form with 200; for an address that has an account it
        # answers as if it had signed up (no enumeration), writes nothing and emails the owner.
        assert_unchanged(before, emails=taken)
        assert_inert(text_of(response))
        return
    assert response.status_code in {HTTPStatus.FOUND, HTTPStatus.SEE_OTHER}
    user = User.objects.get(email__iexact=last(data["email"]).strip())
    assert user.full_name == last(data["full_name"]).strip()
    assert not user.is_staff


# Studio (staff) ---------------------------------------------------------------------------------

slugs = st.from_regex(r"[a-z0-9][a-z0-9-]{0,79}", fullmatch=True)


def program_form():
    return form_data(
        {
            "title": fine_text(200),
            "slug": st.one_of(st.just(""), slugs),
            "summary": fine_text(300),
            "description": st.one_of(fine_text(2000, min_size=0), st.sampled_from(PAYLOADS)),
            "issue_areas": st.lists(
                st.sampled_from(list(IssueArea.objects.values_list("pk", flat=True))).map(str),
                max_size=3,
            ),
            "estimated_hours": digits(0, 500),
        },
        {"status": "published", "published_at": "2020-01-01", "description_html": "<script>"},
    )


def assert_program_saved(program: Program, data: dict) -> None:
    assert program.title == last(data["title"]).strip()
    assert program.summary == last(data["summary"]).strip()
    assert program.status == Program.Status.DRAFT or program.published_at is not None
    assert_inert(program.description_html)


@FUZZ
@given(data=st.data())
def test_studio_program_create(client, world, data):
    client.force_login(world.staff)
    form = data.draw(program_form())
    before = snapshot(Program)
    response = send(client, reverse("modules:studio_program_create"), form)
    if response.status_code == UNPROCESSABLE:
        assert_unchanged(before)
        assert_inert(text_of(response))
        return
    assert response.status_code == HTTPStatus.SEE_OTHER
    program = Program.objects.latest("pk")
    assert program.status == Program.Status.DRAFT
    assert_program_saved(program, form)
    assert_inert(text_of(client.get(response.url)))


@FUZZ
@given(data=st.data(), target=st.sampled_from([None, "program-details"]))
def test_studio_program_edit(client, world, data, target):
    client.force_login(world.staff)
    form = data.draw(program_form())
    url = reverse("modules:studio_program_edit", args=[world.program.pk])
    before = snapshot(Program, Program.issue_areas.through)
    response = send(client, url, form, **(hx(target) if target else {}))
    if response.status_code == UNPROCESSABLE:
        assert_unchanged(before)
        assert_inert(text_of(response))
        return
    assert response.status_code in OK
    world.program.refresh_from_db()
    assert_program_saved(world.program, form)
    assert world.program.status == Program.Status.PUBLISHED
    assert_inert(text_of(response))
    slug = world.program.slug
    for page in (reverse("modules:program_detail", args=[slug]), reverse("modules:catalog")):
        assert_inert(text_of(client.get(page)))


@FUZZ
@given(data=form_data({"title": fine_text(200), "slug": slugs}))
def test_studio_program_duplicate(client, world, data):
    client.force_login(world.staff)
    url = reverse("modules:studio_program_duplicate", args=[world.program.pk])
    before = snapshot(Program)
    response = send(client, url, data)
    if response.status_code == UNPROCESSABLE:
        assert_unchanged(before)
        return
    assert response.status_code == HTTPStatus.SEE_OTHER
    copy = Program.objects.latest("pk")
    assert (copy.title, copy.slug) == (last(data["title"]).strip(), last(data["slug"]).strip())
    assert copy.status == Program.Status.DRAFT


MODULE = {
    "title": fine_text(200),
    "summary": fine_text(1000, min_size=0),
    "required": checkbox(),
    "estimated_minutes": digits(0, 10_000),
}


@FUZZ
@given(
    data=form_data(MODULE, {"program": "999999", "position": "-5"}),
    target=st.sampled_from([None, "outline"]),
)
def test_studio_module_create(client, world, data, target):
    client.force_login(world.staff)
    url = reverse("modules:studio_module_create", args=[world.program.pk])
    before = snapshot()
    response = send(client, url, data, **(hx(target) if target else {}))
    if response.status_code == UNPROCESSABLE:
        assert_unchanged(before)
        assert_inert(text_of(response))
        return
    assert response.status_code in OK
    module = world.program.modules.latest("pk")
    assert module.title == last(data["title"]).strip()
    assert module.position >= 1
    assert_inert(text_of(response))


@FUZZ
@given(data=form_data(MODULE))
def test_studio_module_edit(client, world, data):
    client.force_login(world.staff)
    module = world.module()
    url = reverse("modules:studio_module_edit", args=[world.program.pk, module.pk])
    before = snapshot(type(module))
    response = send(client, url, data)
    if response.status_code == UNPROCESSABLE:
        assert_unchanged(before)
        assert_inert(text_of(response))
        return
    assert response.status_code == HTTPStatus.SEE_OTHER
    module.refresh_from_db()
    assert module.title == last(data["title"]).strip()


class _RawUpload(io.BytesIO):
    """A file as a browser may send it: a name Django's own upload classes refuse ("..")."""

    def __init__(self, name: str, content: bytes):
        super().__init__(content)
        self.name = name


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    try:
        return SimpleUploadedFile(name, content, content_type=content_type)
    except SuspiciousFileOperation:
        return _RawUpload(name, content)


uploads = st.builds(
    upload,
    st.one_of(
        st.sampled_from(
            ["notes.pdf", "x.pdf.exe", "deck.PPTX", ".pdf", "a b <c>.txt", "évé.csv", "..", "/"]
        ),
        st.text(printable, min_size=1, max_size=40),
    ),
    st.binary(max_size=256),
)


def lesson_form(kind=None):
    return form_data(
        {
            "title": fine_text(200),
            "kind": st.just(kind) if kind else st.sampled_from(Lesson.Kind.values),
            "required": checkbox(),
            "estimated_minutes": digits(0, 600),
            "body": fine_text(3000),
            "video_url": st.sampled_from(
                ["https://www.youtube.com/watch?v=Qx7mT2rLp0A", "https://vimeo.com/76979871"]
            ),
            "transcript": fine_text(3000, min_size=0),
            "resource_url": st.one_of(st.just(""), st.just("https://example.org/budget.pdf")),
            "resource_file": st.one_of(
                st.just(ABSENT),
                st.builds(upload, st.just("budget.pdf"), st.just(b"%PDF-1.7")),
                uploads,
            ),
            "reflection_prompt": fine_text(1000),
            "pass_mark": digits(0, 100),
        },
        {"module": "999999", "position": "0", "body_html": "<script>alert(1)</script>"},
    )


def assert_lesson_saved(lesson: Lesson, data: dict) -> None:
    assert lesson.title == last(data["title"]).strip()
    assert lesson.kind == last(data["kind"])
    assert 0 <= lesson.pass_mark <= 100
    assert_inert(lesson.body_html)
    if lesson.resource_file:
        assert lesson.resource_file.name.lower().endswith(
            (
                ".pdf",
                ".docx",
                ".xlsx",
                ".pptx",
                ".odt",
                ".ods",
                ".csv",
                ".txt",
                ".png",
                ".jpg",
                ".jpeg",
            )
        )


@FUZZ
@given(data=st.data(), kind=st.sampled_from(Lesson.Kind.values))
def test_studio_lesson_create(client, world, kind, data):
    """Each kind of lesson (hypothesis draws the kind)."""
    event(f"kind {kind}")
    client.force_login(world.staff)
    form = data.draw(lesson_form(kind))
    module = world.module()
    url = reverse("modules:studio_lesson_create", args=[world.program.pk, module.pk])
    before = snapshot()
    response = send(client, url, form)
    if response.status_code == UNPROCESSABLE:
        assert_unchanged(before)
        assert_inert(text_of(response))
        return
    assert response.status_code == HTTPStatus.SEE_OTHER
    lesson = module.lessons.latest("pk")
    assert_lesson_saved(lesson, form)
    preview = reverse("modules:studio_lesson_preview", args=[world.program.pk, lesson.pk])
    assert_inert(text_of(client.get(preview)))


@FUZZ
@given(data=st.data())
def test_studio_lesson_edit(client, world, data):
    client.force_login(world.staff)
    form = data.draw(lesson_form())
    lesson = world.module().lessons.order_by("position").first()
    url = reverse("modules:studio_lesson_edit", args=[world.program.pk, lesson.pk])
    before = snapshot(Lesson)
    response = send(client, url, form)
    if response.status_code == UNPROCESSABLE:
        assert_unchanged(before)
        assert_inert(text_of(response))
        return
    assert response.status_code == HTTPStatus.SEE_OTHER
    lesson.refresh_from_db()
    assert_lesson_saved(lesson, form)


QUESTION = {
    "prompt": fine_text(1000),
    "kind": st.sampled_from(Question.Kind.values),
    "explanation": fine_text(1000, min_size=0),
    "answer_1": fine_text(300),
    "correct_1": st.just("on"),
    "answer_2": fine_text(300),
    **{f"answer_{i}": fine_text(300, min_size=0) for i in range(3, 6)},
    **{f"correct_{i}": checkbox() for i in range(2, 6)},
}


@FUZZ
@given(data=form_data(QUESTION, {"lesson": "999999"}), target=st.sampled_from([None, "questions"]))
def test_studio_question_create(client, world, data, target):
    client.force_login(world.staff)
    url = reverse("modules:studio_question_create", args=[world.program.pk, world.quiz.pk])
    before = snapshot()
    response = send(client, url, data, **(hx(target) if target else {}))
    if response.status_code == UNPROCESSABLE:
        assert_unchanged(before)
        assert_inert(text_of(response))
        return
    assert response.status_code in OK
    question = world.quiz.questions.latest("pk")
    assert question.prompt == last(data["prompt"]).strip()
    assert question.choices.filter(is_correct=True).exists()
    assert question.choices.count() >= 2


@FUZZ
@given(data=form_data(QUESTION))
def test_studio_question_edit(client, world, data):
    client.force_login(world.staff)
    question = world.quiz.questions.first()
    url = reverse("modules:studio_question_edit", args=[world.program.pk, question.pk])
    before = snapshot(Question, question.choices.model)
    response = send(client, url, data)
    if response.status_code == UNPROCESSABLE:
        assert_unchanged(before)
        assert_inert(text_of(response))
        return
    assert response.status_code == HTTPStatus.SEE_OTHER
    question.refresh_from_db()
    assert question.prompt == last(data["prompt"]).strip()


# Cohorts: joining, facilitating, staff ---------------------------------------------------------


@FUZZ
@given(
    data=form_data({"answer_0": fine_text(2000), "answer_1": fine_text(2000)}, {"answer_9": "x"})
)
def test_cohort_apply(client, world, data):
    applicant = fresh_user()
    client.force_login(applicant)
    url = reverse("cohorts:cohort_join", args=[world.applications.slug])
    before = snapshot()
    response = send(client, url, data)
    if response.status_code == UNPROCESSABLE:
        assert_unchanged(before)
        assert_inert(text_of(response))
        return
    assert response.status_code == HTTPStatus.SEE_OTHER
    enrollment = Enrollment.objects.get(cohort=world.applications, user=applicant)
    assert enrollment.status == Enrollment.Status.APPLIED
    answers = [a["answer"] for a in enrollment.application_answers]
    assert answers == [last(data["answer_0"]).strip(), last(data["answer_1"]).strip()]


@settings(FUZZ, max_examples=10)
@given(data=form_data({"anything": hostile_text}))
def test_cohort_join_open(client, world, data):
    """An open cohort asks nothing: whatever is posted, the person is enrolled, once."""
    person = fresh_user()
    client.force_login(person)
    url = reverse("cohorts:cohort_join", args=[world.cohort.slug])
    assert send(client, url, data).status_code == HTTPStatus.SEE_OTHER
    before = snapshot(Enrollment)
    assert send(client, url, data).status_code == HTTPStatus.SEE_OTHER
    assert_unchanged(before)
    assert Enrollment.objects.get(cohort=world.cohort, user=person).status == "enrolled"


@FUZZ
@given(
    data=form_data(
        {
            "decision": st.sampled_from(["approve", "decline"]),
            "message": fine_text(2000, min_size=0),
        }
    ),
    target=st.sampled_from([None, "people"]),
)
def test_application_decision(client, world, data, target):
    applicant = fresh_user()
    application = cohort_services.enrollment_apply(
        cohort=world.applications, user=applicant, answers=[]
    )
    client.force_login(world.facilitator)
    url = reverse("cohorts:application_decide", args=[world.applications.slug, application.pk])
    before = snapshot(Enrollment)
    response = send(client, url, data, **(hx(target) if target else {}))
    if response.status_code == HTTPStatus.BAD_REQUEST:
        # Neither approve nor decline, or a message the form refuses: a 400 that changes nothing.
        form = DecisionForm(as_querydict(data))
        assert last(data["decision"]) not in {"approve", "decline"} or not form.is_valid()
        assert_unchanged(before)
        return
    assert response.status_code in OK
    application.refresh_from_db()
    expected = "enrolled" if last(data["decision"]) == "approve" else "declined"
    assert application.status == expected
    assert application.decision_message == (last(data["message"]) or "").strip()
    assert_inert(text_of(response))


@st.composite
def session_times(draw):
    start = timezone.localtime().replace(second=0, microsecond=0) + timedelta(
        days=draw(st.integers(-30, 365)), minutes=draw(st.integers(0, 1440))
    )
    end = start + timedelta(minutes=draw(st.integers(1, 600)))
    return {
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": end.strftime("%Y-%m-%dT%H:%M"),
    }


def session_form(world):
    @st.composite
    def build(draw):
        return {
            "title": draw(fine_text(200)),
            **draw(session_times()),
            "online_url": draw(st.sampled_from(["https://meet.example.org/abc", ""])),
            "location": draw(fine_text(300)),
            "module": draw(st.sampled_from(["", str(world.module().pk)])),
            "notes": draw(fine_text(2000, min_size=0)),
            "recording_url": draw(st.sampled_from(["", "https://video.example.org/r/1"])),
        }

    return form_data(build(), {"cohort": "999999", "cancelled_at": "2020-01-01T00:00"})


@FUZZ
@given(data=st.data(), target=st.sampled_from([None, "sessions"]))
def test_session_create(client, world, data, target):
    client.force_login(world.facilitator)
    form = data.draw(session_form(world))
    url = reverse("cohorts:session_create", args=[world.cohort.slug])
    before = snapshot()
    response = send(client, url, form, **(hx(target) if target else {}))
    if response.status_code == UNPROCESSABLE:
        assert_unchanged(before)
        assert_inert(text_of(response))
        return
    assert response.status_code in OK
    session = world.cohort.sessions.latest("pk")
    assert session.title == last(form["title"]).strip()
    assert session.ends_at > session.starts_at
    assert session.cancelled_at is None
    assert_inert(text_of(response))


@FUZZ
@given(data=st.data())
def test_session_edit(client, world, data):
    client.force_login(world.facilitator)
    session = world.cohort.sessions.first() or cohort_services.session_create(
        cohort=world.cohort,
        title="Kickoff",
        starts_at=timezone.now() + timedelta(days=3),
        ends_at=timezone.now() + timedelta(days=3, hours=1),
        location="City hall",
    )
    form = data.draw(session_form(world))
    url = reverse("cohorts:session_edit", args=[world.cohort.slug, session.pk])
    before = snapshot(type(session))
    response = send(client, url, form)
    if response.status_code == UNPROCESSABLE:
        assert_unchanged(before)
        assert_inert(text_of(response))
        return
    assert response.status_code == HTTPStatus.SEE_OTHER
    session.refresh_from_db()
    assert session.title == last(form["title"]).strip()


@FUZZ
@given(
    data=form_data(
        {"title": fine_text(200), "body": fine_text(3000)},
        {"author": str(999999), "body_html": "<script>alert(1)</script>"},
    ),
    target=st.sampled_from([None, "announcements"]),
)
def test_announcement_create(client, world, data, target, django_capture_on_commit_callbacks):
    client.force_login(world.facilitator)
    url = reverse("cohorts:announcement_create", args=[world.cohort.slug])
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, url, data, **(hx(target) if target else {}))
    if response.status_code == UNPROCESSABLE:
        assert_unchanged(before)
        assert_inert(text_of(response))
        return
    assert response.status_code in OK
    announcement = world.cohort.announcements.latest("pk")
    assert announcement.title == last(data["title"]).strip()
    assert announcement.author == world.facilitator
    assert_inert(announcement.body_html)
    assert_inert(text_of(response))


def cohort_form(world, *, slug=None):
    @st.composite
    def build(draw):
        starts = date.today() + timedelta(days=draw(st.integers(-400, 400)))
        opens = timezone.localtime().replace(second=0, microsecond=0) + timedelta(
            days=draw(st.integers(-30, 30))
        )
        return {
            "program": str(world.program.pk),
            "name": draw(fine_text(200)),
            "slug": slug or draw(slugs),
            "status": draw(st.sampled_from(Cohort.Status.values)),
            "starts_on": starts.isoformat(),
            "ends_on": (starts + timedelta(days=draw(st.integers(0, 200)))).isoformat(),
            "time_zone": draw(st.sampled_from([z for z, _label in TIME_ZONES[:30]])),
            "capacity": draw(digits(1, 5000)),
            "enrollment_mode": draw(st.sampled_from(Cohort.EnrollmentMode.values)),
            "enrollment_opens_at": draw(st.sampled_from(["", opens.strftime("%Y-%m-%dT%H:%M")])),
            "enrollment_closes_at": draw(
                st.sampled_from(["", (opens + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")])
            ),
            "application_questions": draw(fine_text(2000, min_size=0)),
            "chapter": draw(st.sampled_from(["", *(code for code, _name in CHAPTERS)])),
            "min_attendance_percent": draw(digits(0, 100)),
            "requires_signoff": draw(checkbox()),
            "sequential": draw(checkbox()),
            "facilitator_emails": draw(
                st.sampled_from(["", world.facilitator.email, world.facilitator.email.upper()])
            ),
        }

    return form_data(build(), {"created_at": "2000-01-01", "facilitators": "1"})


def assert_cohort_saved(cohort: Cohort, data: dict) -> None:
    assert cohort.name == last(data["name"]).strip()
    assert cohort.capacity >= 1
    assert 0 <= cohort.min_attendance_percent <= 100
    assert cohort.ends_on >= cohort.starts_on


@FUZZ
@given(data=st.data())
def test_staff_cohort_create(client, world, data):
    client.force_login(world.staff)
    form = data.draw(cohort_form(world))
    before = snapshot()
    response = send(client, reverse("cohorts:staff_cohort_create"), form)
    if response.status_code == UNPROCESSABLE:
        assert_unchanged(before)
        assert_inert(text_of(response))
        return
    assert response.status_code == HTTPStatus.SEE_OTHER
    assert_cohort_saved(Cohort.objects.latest("pk"), form)


@FUZZ
@given(data=st.data())
def test_staff_cohort_edit(client, world, data):
    client.force_login(world.staff)
    cohort = Cohort.objects.get(pk=world.applications.pk)
    form = data.draw(cohort_form(world))
    url = reverse("cohorts:staff_cohort_edit", args=[cohort.slug])
    before = snapshot(Cohort, Cohort.facilitators.through)
    response = send(client, url, form)
    if response.status_code == UNPROCESSABLE:
        assert_unchanged(before)
        assert_inert(text_of(response))
        return
    assert response.status_code == HTTPStatus.SEE_OTHER
    cohort.refresh_from_db()
    assert_cohort_saved(cohort, form)


LONG_EMAIL = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".org"  # valid syntax, 313 characters


@FUZZ
@given(
    data=form_data(
        {
            "full_name": fine_text(150),
            "email": st.one_of(st.emails(), st.sampled_from([LONG_EMAIL, "Ana@EXAMPLE.org "])),
        },
        {"status": "enrolled", "is_staff": "on"},
    )
)
def test_invite(client, world, data):
    client.force_login(world.staff)
    url = reverse("cohorts:invite", args=[world.cohort.slug])
    before = snapshot(User)
    response = send(client, url, data)
    if response.status_code == UNPROCESSABLE:
        assert_unchanged(before)
        assert_inert(text_of(response))
        return
    assert response.status_code == HTTPStatus.SEE_OTHER
    invited = world.cohort.enrollments.latest("pk")
    assert invited.status == Enrollment.Status.INVITED
    assert invited.user.email == last(data["email"]).strip().lower()
    assert not invited.user.is_staff


@FUZZ
@given(data=form_data({"to_cohort": st.just("APPLICATIONS")}, {"status": "completed", "user": "1"}))
def test_enrollment_move(client, world, data):
    person = fresh_user()
    enrollment = cohort_services.enrollment_self_enroll(cohort=world.cohort, user=person)
    if data.get("to_cohort") == "APPLICATIONS":
        data["to_cohort"] = str(world.applications.pk)
    client.force_login(world.staff)
    url = reverse("cohorts:enrollment_move", args=[world.cohort.slug, enrollment.pk])
    before = snapshot(Enrollment)
    response = send(client, url, data)
    if response.status_code == UNPROCESSABLE:
        assert_unchanged(before)
        assert_inert(text_of(response))
        return
    assert response.status_code == HTTPStatus.SEE_OTHER
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.WITHDRAWN
    assert enrollment.moved_to.cohort_id == world.applications.pk


# The CSV import: the view and the service ------------------------------------------------------

csv_names = st.one_of(fine_text(150), st.sampled_from(ODD_TEXT), st.just("N" * 151))
csv_emails = st.one_of(
    st.emails(),
    st.sampled_from([LONG_EMAIL, "not-an-email", "", "ana@example.org", " ANA@example.org "]),
    hostile_text,
)
csv_rows = st.lists(
    st.one_of(
        st.tuples(csv_names, csv_emails).map(list),
        st.lists(hostile_text, max_size=4),
    ),
    max_size=8,
)


def to_csv(rows, header: bool) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if header:
        writer.writerow(["name", "email"])
    writer.writerows(rows)
    return buffer.getvalue().encode()


NASTY_FILES = [
    b"",
    b"\xef\xbb\xbfname,email\n",
    b"name,email\nAna,ana@example.org\n" + b"\x00" * 10,
    "Ana,ana@example.org\n".encode("utf-16"),
    b"\xff\xfe\xfd",
    b"Ana\rana@example.org\r",
    b'"Ana,ana@example.org\n',  # an unterminated quote
    b'Ana,"ana@example.org\n\n\n',
    b"A" * 200_000 + b",ana@example.org\n",  # a field longer than csv's default limit
    b"x,y@example.org\n" * 501,
    b"Ana\x00,ana@example.org\n",
    b"Ana,ana\x00@example.org\n",
    b"=cmd|' /C calc'!A0,ana@example.org\n",
    f"Ana,{LONG_EMAIL}\n".encode(),  # valid syntax, longer than an account's address may be
]
good_rows = st.lists(
    st.tuples(fine_text(150), st.emails()).map(list),
    min_size=1,
    max_size=5,
    unique_by=lambda row: row[1].lower(),
)
csv_files = st.one_of(
    st.builds(to_csv, good_rows, st.booleans()),
    st.builds(to_csv, csv_rows, st.booleans()),
    st.binary(max_size=600),
    st.sampled_from(NASTY_FILES),
)


def assert_import(result, data: bytes, before) -> None:
    if result.errors:
        assert not result.invited
        assert all(isinstance(row, int) and message for row, message in result.errors)
        assert_unchanged(before)
        return
    assert result.invited
    for enrollment in result.invited:
        assert enrollment.status == Enrollment.Status.INVITED
        assert "\x00" not in enrollment.user.full_name


@FUZZ
@given(data=csv_files)
def test_csv_import_service(world, data):
    cohort = make_cohort(program=world.program, capacity=10_000)
    before = snapshot(User, Enrollment)
    result = cohort_services.invitations_import_csv(cohort=cohort, data=data, actor=world.staff)
    event("refused" if result.errors else "imported")
    assert_import(result, data, before)


@FUZZ
@given(
    data=csv_files,
    name=st.sampled_from(["people.csv", "people.CSV", "people.txt", "people.xlsx", "x.csv.exe"]),
)
def test_csv_import_view(client, world, data, name):
    client.force_login(world.staff)
    url = reverse("cohorts:import_invitations", args=[world.cohort.slug])
    before = snapshot(User, Enrollment)
    response = send(client, url, {"file": upload(name, data, "text/csv")})
    if response.status_code == UNPROCESSABLE:
        assert_unchanged(before)
        assert_inert(text_of(response))
        return
    assert response.status_code == HTTPStatus.SEE_OTHER
    assert name.lower().endswith((".csv", ".txt"))


def test_csv_import_limits(client, world):
    client.force_login(world.staff)
    url = reverse("cohorts:import_invitations", args=[world.cohort.slug])
    before = snapshot(User, Enrollment)
    for name, content, message in [
        ("people.xlsx", b"Ana,ana@example.org\n", "Upload a .csv file."),
        ("people.csv.exe", b"Ana,ana@example.org\n", "Upload a .csv file."),
        ("people.csv", b"a" * (MAX_CSV_BYTES + 1), "The file is larger than 1 MB."),
        ("people.csv", b"", "The submitted file is empty."),
    ]:
        response = client.post(url, {"file": upload(name, content, "text/csv")})
        assert response.status_code == UNPROCESSABLE
        assert message in text_of(response)
    assert_unchanged(before)
    form = ImportForm(files={"file": upload("people.csv", b"a" * MAX_CSV_BYTES)})
    assert form.is_valid(), form.errors


# Learning: reflections and knowledge checks ------------------------------------------------------


@FUZZ
@given(data=form_data({"text": fine_text(5000)}), target=st.sampled_from([None, "reflection"]))
def test_reflection_submit(client, world, data, target):
    client.force_login(world.participant)
    url = reverse("cohorts:lesson_reflect", args=[world.cohort.slug, world.reflection.pk])
    before = snapshot(LessonProgress)
    response = send(client, url, data, **(hx(target) if target else {}))
    if response.status_code == UNPROCESSABLE:
        assert_unchanged(before)
        assert_inert(text_of(response))
        return
    assert response.status_code in OK
    progress = LessonProgress.objects.get(enrollment=world.enrollment, lesson=world.reflection)
    assert progress.reflection_text == last(data["text"]).strip()
    assert_inert(text_of(response))


@FUZZ
@given(data=form_data({"feedback": fine_text(5000)}, {"show": "<script>"}))
def test_reflection_feedback(client, world, data):
    progress = cohort_services.reflection_submit(
        enrollment=world.enrollment, lesson=world.reflection, text="I will pass a budget."
    )
    client.force_login(world.facilitator)
    url = reverse("cohorts:reflection_feedback", args=[world.cohort.slug, progress.pk])
    before = snapshot(LessonProgress)
    target = f"reflection-{progress.pk}"
    response = send(client, url, data, **hx(target))
    if response.status_code == UNPROCESSABLE:
        assert_unchanged(before)
        assert_inert(text_of(response))
        return
    assert response.status_code == HTTPStatus.OK
    progress.refresh_from_db()
    assert progress.feedback == last(data["feedback"]).strip()
    assert_inert(text_of(response))


def quiz_answers(world):
    choice_ids = [
        str(pk) for pk in world.quiz.questions.values_list("choices__pk", flat=True).order_by("pk")
    ]
    question_keys = [f"q{pk}" for pk in world.quiz.questions.values_list("pk", flat=True)]
    values = st.one_of(
        st.sampled_from(choice_ids),
        st.sampled_from(NUMBERS),
        st.integers().map(str),
        hostile_text,
    )
    keys = st.one_of(
        st.sampled_from(question_keys),
        st.sampled_from(["q", "q-1", "q٣", "q²", "q" + "9" * 40, "q1.5", "csrfmiddlewaretoken"]),
        st.text(max_size=10).map(lambda s: f"q{s}"),
    )
    return st.dictionaries(keys, st.lists(values, max_size=4), max_size=6)


@FUZZ
@given(data=st.data(), target=st.sampled_from([None, "quiz"]))
def test_knowledge_check_submit(client, world, data, target):
    client.force_login(world.participant)
    answers = data.draw(quiz_answers(world))
    url = reverse("cohorts:lesson_check", args=[world.cohort.slug, world.quiz.pk])
    before = snapshot(LessonProgress)
    response = send(client, url, answers, **(hx(target) if target else {}))
    assert response.status_code == HTTPStatus.OK  # every attempt is scored, however odd
    progress = LessonProgress.objects.get(enrollment=world.enrollment, lesson=world.quiz)
    assert 0 <= progress.score <= 100
    assert progress.attempts == 1 + next(
        (r["attempts"] for r in before["rows"]["cohorts.LessonProgress"] if r["id"] == progress.pk),
        0,
    )
    assert_inert(text_of(response))


@FUZZ
@given(
    status=st.one_of(st.sampled_from(Attendance.Status.values), hostile_scalar),
    target=st.booleans(),
)
def test_attendance_mark(client, world, status, target):
    session = world.cohort.sessions.filter(title="Held").first() or cohort_services.session_create(
        cohort=world.cohort,
        title="Held",
        starts_at=timezone.now() - timedelta(hours=2),
        ends_at=timezone.now() - timedelta(hours=1),
        location="City hall",
    )
    client.force_login(world.facilitator)
    url = reverse(
        "cohorts:attendance_mark", args=[world.cohort.slug, session.pk, world.enrollment.pk]
    )
    headers = hx(f"att-row-{world.enrollment.pk}") if target else {}
    before = snapshot(Attendance)
    response = send(client, url, {"status": status}, **headers)
    if response.status_code == UNPROCESSABLE:
        assert status not in Attendance.Status.values
        assert_unchanged(before)
        return
    assert response.status_code in OK
    assert Attendance.objects.get(session=session, enrollment=world.enrollment).status == status


# Certificates -----------------------------------------------------------------------------------


@pytest.fixture
def certificate(world, django_capture_on_commit_callbacks) -> Certificate:
    cohort = make_cohort(program=published_program(modules=1, lessons_per_module=1))
    enrollment = completed_enrollment(cohort=cohort, user=fresh_user(full_name="Rosa Ortiz"))
    return certificate_services.certificate_issue(enrollment=enrollment, actor=world.staff)


@FUZZ
@given(data=form_data({"override_reason": fine_text(3000)}, {"status": "active"}))
def test_certificate_issue_override(client, world, data):
    enrollment = cohort_services.enrollment_self_enroll(cohort=world.cohort, user=fresh_user())
    client.force_login(world.staff)
    url = reverse("certificates:issue_one", args=[enrollment.pk])
    before = snapshot(Certificate)
    response = send(client, url, data)
    if response.status_code == UNPROCESSABLE:
        assert_unchanged(before)
        assert_inert(text_of(response))
        return
    assert response.status_code == HTTPStatus.SEE_OTHER
    certificate = Certificate.objects.get(enrollment=enrollment)
    assert certificate.override_reason == last(data["override_reason"]).strip()
    assert certificate.name_as_printed == enrollment.user.full_name


ACTIONS = {
    "revoke": {"revoke-public_reason": fine_text(300), "revoke-private_note": fine_text(2000, 0)},
    "reinstate": {"reinstate-note": fine_text(2000, 0)},
    "reissue": {"reissue-name_as_printed": fine_text(150), "reissue-note": fine_text(2000, 0)},
}


@FUZZ
@given(data=st.data())
def test_certificate_actions(client, world, certificate, data):
    """Revoke, reinstate and reissue (the name as printed) with hostile values; an unknown
    action is a 400. Whatever the certificate's state, a refused action writes nothing."""
    # Draw the same shape every time (hypothesis replays draws), then fit them to the state.
    choice = data.draw(
        st.sampled_from(["fitting", "fitting", "fitting", *sorted(ACTIONS), "", "delete", "REVOKE"])
    )
    forms = {name: data.draw(form_data(fields)) for name, fields in ACTIONS.items()}
    revoke_or_reissue = data.draw(st.sampled_from(["revoke", "reissue"]))
    certificate.refresh_from_db()
    action = choice
    if choice == "fitting":
        action = "reinstate" if certificate.status == "revoked" else revoke_or_reissue
    form = forms.get(action) or {k: v for f in forms.values() for k, v in f.items()}
    client.force_login(world.staff)
    url = reverse("certificates:staff_detail", args=[certificate.display_code])
    before = snapshot(Certificate)
    response = send(client, url, {"action": action, **form})
    if action not in ACTIONS:
        assert_refused(response, before, allowed={HTTPStatus.BAD_REQUEST})
        return
    if response.status_code == UNPROCESSABLE:
        assert_unchanged(before)
        assert_inert(text_of(response))
        return
    assert response.status_code == HTTPStatus.SEE_OTHER
    certificate.refresh_from_db()
    if action == "revoke":
        assert certificate.status == Certificate.Status.REVOKED
        assert certificate.revoked_public_reason == last(form["revoke-public_reason"]).strip()
    elif action == "reinstate":
        assert certificate.status == Certificate.Status.ACTIVE
    else:
        # Normalised as printed: runs of spaces become one.
        assert certificate.name_as_printed == " ".join(
            last(form["reissue-name_as_printed"]).split()
        )
    for page in (url, reverse("certificates:verify", args=[certificate.display_code])):
        assert_inert(text_of(client.get(page)))


def png(size=(60, 20), fmt="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#1d4e89").save(buffer, fmt)
    return buffer.getvalue()


images = st.one_of(
    st.just(ABSENT),
    st.builds(upload, st.just("logo.png"), st.just(png()), st.just("image/png")),
    st.builds(upload, st.sampled_from(["logo.png", "x.svg", "a.png.exe"]), st.binary(max_size=64)),
)
TEMPLATE = {
    "title": fine_text(120),
    "body": fine_text(2000),
    "signatory_1_name": fine_text(120, 0),
    "signatory_1_title": fine_text(160, 0),
    "signatory_2_name": fine_text(120, 0),
    "signatory_2_title": fine_text(160, 0),
    "page_size": st.sampled_from(["letter", "a4"]),
    "logo": images,
    "signatory_1_signature": images,
}


@FUZZ
@given(data=form_data(TEMPLATE, {"version": "99", "program": "1"}))
def test_certificate_template_edit(client, world, data):
    client.force_login(world.staff)
    url = reverse("certificates:template_edit", args=[world.program.slug])
    before = snapshot(type(certificate_services.template_current(world.program)))
    response = send(client, url, data)
    if response.status_code == UNPROCESSABLE:
        assert_unchanged(before)
        assert_inert(text_of(response))
        return
    assert response.status_code == HTTPStatus.SEE_OTHER
    template = certificate_services.template_current(world.program)
    assert template.title == last(data["title"]).strip()
    assert_inert(text_of(client.get(url)))


codes = st.one_of(
    hostile_text,
    st.text(
        alphabet="0123456789ABCDEFGHJKMNPQRSTVWXYZabcdefghijklmnopqrstuvwxyz- oOiIlL", max_size=30
    ),
    st.sampled_from(["7K3D-9QXM-2B4F", "0000-0000-0000", "x" * 5000, "../../etc/passwd", "%00"]),
)


@FUZZ
@given(data=st.data())
def test_verify_lookup(client, certificate, data):
    code = data.draw(
        st.one_of(
            codes,
            st.sampled_from(
                [
                    certificate.display_code,
                    certificate.code.lower(),
                    certificate.code,
                    " " + certificate.display_code.replace("0", "o") + " ",
                ]
            ),
        )
    )
    sha = data.draw(
        st.one_of(
            st.just(ABSENT),
            hostile_text,
            st.text("0123456789abcdef", min_size=64, max_size=64),
            st.just(certificate.pdf_sha256 or "0" * 64),
        )
    )
    cache.clear()  # the lookup's rate limit
    before = snapshot(Certificate)
    response = client.get(reverse("certificates:verify_lookup"), {"code": code})
    event(f"lookup HTTP {response.status_code}")
    assert response.status_code in {HTTPStatus.SEE_OTHER, UNPROCESSABLE}
    assert_inert(text_of(response))
    path = "/verify/" + quote(code, safe="") + "/"
    query = {} if sha is ABSENT else {"sha256": sha}
    response = client.get(path, query)
    event(f"verify HTTP {response.status_code}")
    assert response.status_code in {
        HTTPStatus.OK,
        HTTPStatus.MOVED_PERMANENTLY,
        HTTPStatus.NOT_FOUND,
    }
    assert_inert(text_of(response))
    response = client.get("/verify/" + quote(code, safe="") + ".json")
    # An empty code is no JSON address: APPEND_SLASH redirects it (to a 404).
    assert response.status_code in {HTTPStatus.OK, HTTPStatus.NOT_FOUND} or (
        code == "" and response.status_code == HTTPStatus.MOVED_PERMANENTLY
    )
    assert_unchanged(before)


# Query strings of list and search pages -----------------------------------------------------------

QUERY_NAMES = [
    "q",
    "status",
    "area",
    "program",
    "chapter",
    "page",
    "sort",
    "show",
    "action",
    "run",
    "kind",
]
query_values = st.one_of(hostile_scalar, st.sampled_from(["published", "open", "NY", "name", "2"]))
query = st.dictionaries(
    st.sampled_from(QUERY_NAMES),
    query_values,
    max_size=4,
)


PAGES = [
    "catalog",
    "dashboard",
    "studio list",
    "staff cohorts",
    "staff report",
    "certificates",
    "cohort issue",
    "audit",
    "new lesson",
    "roster",
    "reflections",
    "roster csv",
]


def _query_pages(world):
    slug = world.cohort.slug
    new_lesson = reverse("modules:studio_lesson_create", args=[world.program.pk, world.module().pk])
    return [
        (None, reverse("modules:catalog")),
        (world.participant, reverse("home")),
        (world.staff, reverse("modules:studio_program_list")),
        (world.staff, reverse("cohorts:staff_cohort_list")),
        (world.staff, reverse("cohorts:staff_report")),
        (world.staff, reverse("certificates:staff_list")),
        (world.staff, reverse("certificates:cohort_issue", args=[slug])),
        (world.staff, reverse("audit_log")),
        (world.staff, new_lesson),
        (world.facilitator, reverse("cohorts:roster", args=[slug])),
        (world.facilitator, reverse("cohorts:reflections", args=[slug])),
        (world.facilitator, reverse("cohorts:roster_csv", args=[slug])),
    ]


def test_query_strings_with_nul(client, world):
    """Every filter of every list page, given a NUL (PostgreSQL refuses it in a query), a
    digit int() refuses, or a number too big for any column."""
    for user, url in _query_pages(world):
        client.logout()
        if user is not None:
            client.force_login(user)
        for value in ("a\x00b", "²", "9" * 30):
            response = client.get(url, dict.fromkeys(QUERY_NAMES, value))
            assert response.status_code == HTTPStatus.OK, (url, value)


@FUZZ
@given(params=query, which=st.sampled_from(range(len(PAGES))))
def test_query_strings(client, world, params, which):
    """Search boxes and filters: whatever the query string, a page (or a 404), never a 5xx."""
    cache.clear()
    user, url = _query_pages(world)[which]
    if user is None:
        client.logout()
    else:
        client.force_login(user)
    before = snapshot()
    response = client.get(url, params)
    event(f"{PAGES[which]}: HTTP {response.status_code}")
    assert response.status_code in {HTTPStatus.OK, HTTPStatus.NOT_FOUND}
    if response["Content-Type"].startswith("text/html"):
        assert_inert(text_of(response))
    assert_unchanged(before)


# NUL (and other control characters) in every text field: refused with a message -------------------


def _applicant(world):
    return cohort_services.enrollment_apply(
        cohort=world.applications, user=fresh_user(), answers=[]
    ).pk


def _reflection(world):
    return cohort_services.reflection_submit(
        enrollment=world.enrollment, lesson=world.reflection, text="A budget."
    ).pk


def _enrolled(world):
    return cohort_services.enrollment_self_enroll(cohort=world.cohort, user=fresh_user()).pk


def _future_session():
    start = (timezone.localtime() + timedelta(days=7)).replace(second=0, microsecond=0)
    return {
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
    }


# (case, role, url(world, certificate), valid data, text fields, refused status). Every text
# field refuses NUL (PostgreSQL cannot store it); names printed on certificates, and the
# texts that reach the database without a form, refuse every control character.
CONTROL_CASES = [
    (
        "profile",
        "participant",
        lambda w, c: reverse("profile"),
        {"full_name": "Ana", "time_zone": "America/New_York", "language": "en"},
        ["full_name*", "preferred_name", "pronouns", "jurisdiction"],
        UNPROCESSABLE,
    ),
    (
        "program",
        "staff",
        lambda w, c: reverse("modules:studio_program_create"),
        {"title": "Budgets", "summary": "Money.", "estimated_hours": "3"},
        ["title", "summary", "description"],
        UNPROCESSABLE,
    ),
    (
        "module",
        "staff",
        lambda w, c: reverse("modules:studio_module_create", args=[w.program.pk]),
        {"title": "Budgets", "estimated_minutes": "30"},
        ["title", "summary"],
        UNPROCESSABLE,
    ),
    (
        "lesson",
        "staff",
        lambda w, c: reverse("modules:studio_lesson_create", args=[w.program.pk, w.module().pk]),
        {
            "title": "Watch",
            "kind": "video",
            "estimated_minutes": "5",
            "video_url": "https://vimeo.com/76979871",
            "pass_mark": "80",
        },
        ["title", "body", "transcript"],
        UNPROCESSABLE,
    ),
    (
        "reflection lesson",
        "staff",
        lambda w, c: reverse("modules:studio_lesson_create", args=[w.program.pk, w.module().pk]),
        {
            "title": "Think",
            "kind": "reflection",
            "estimated_minutes": "5",
            "pass_mark": "80",
            "reflection_prompt": "What first?",
        },
        ["reflection_prompt"],
        UNPROCESSABLE,
    ),
    (
        "question",
        "staff",
        lambda w, c: reverse("modules:studio_question_create", args=[w.program.pk, w.quiz.pk]),
        {"prompt": "Who?", "kind": "single", "answer_1": "A", "correct_1": "on", "answer_2": "B"},
        ["prompt", "explanation", "answer_1"],
        UNPROCESSABLE,
    ),
    (
        "application",
        "participant",
        lambda w, c: reverse("cohorts:cohort_join", args=[w.applications.slug]),
        {"answer_0": "To serve.", "answer_1": "Housing."},
        ["answer_0", "answer_1"],
        UNPROCESSABLE,
    ),
    (
        "decision",
        "facilitator",
        lambda w, c: reverse(
            "cohorts:application_decide", args=[w.applications.slug, _applicant(w)]
        ),
        {"decision": "approve"},
        ["message"],
        HTTPStatus.BAD_REQUEST,
    ),
    (
        "session",
        "facilitator",
        lambda w, c: reverse("cohorts:session_create", args=[w.cohort.slug]),
        {"title": "Kickoff", "location": "City hall", **_future_session()},
        ["title", "location", "notes"],
        UNPROCESSABLE,
    ),
    (
        "announcement",
        "facilitator",
        lambda w, c: reverse("cohorts:announcement_create", args=[w.cohort.slug]),
        {"title": "Hello", "body": "Welcome."},
        ["title", "body"],
        UNPROCESSABLE,
    ),
    (
        "cohort",
        "staff",
        lambda w, c: reverse("cohorts:staff_cohort_create"),
        {
            "program": "PROGRAM",
            "name": "Spring",
            "slug": "spring-nul",
            "status": "open",
            "starts_on": "2030-01-01",
            "ends_on": "2030-03-01",
            "time_zone": "America/New_York",
            "capacity": "20",
            "enrollment_mode": "open",
            "min_attendance_percent": "75",
        },
        ["name", "application_questions", "facilitator_emails"],
        UNPROCESSABLE,
    ),
    (
        "invite",
        "staff",
        lambda w, c: reverse("cohorts:invite", args=[w.cohort.slug]),
        {"full_name": "Ana Ortiz", "email": "ana.nul@example.org"},
        ["full_name*", "email"],
        UNPROCESSABLE,
    ),
    (
        "reflection",
        "participant",
        lambda w, c: reverse("cohorts:lesson_reflect", args=[w.cohort.slug, w.reflection.pk]),
        {"text": "I will pass a budget."},
        ["text*"],
        UNPROCESSABLE,
    ),
    (
        "feedback",
        "facilitator",
        lambda w, c: reverse("cohorts:reflection_feedback", args=[w.cohort.slug, _reflection(w)]),
        {"feedback": "Well argued."},
        ["feedback*"],
        UNPROCESSABLE,
    ),
    (
        "override",
        "staff",
        lambda w, c: reverse("certificates:issue_one", args=[_enrolled(w)]),
        {"override_reason": "Attended in person."},
        ["override_reason"],
        UNPROCESSABLE,
    ),
    (
        "revoke",
        "staff",
        lambda w, c: reverse("certificates:staff_detail", args=[c.display_code]),
        {"action": "revoke", "revoke-public_reason": "Issued in error."},
        ["revoke-public_reason", "revoke-private_note"],
        UNPROCESSABLE,
    ),
    (
        "reissue",
        "staff",
        lambda w, c: reverse("certificates:staff_detail", args=[c.display_code]),
        {"action": "reissue", "reissue-name_as_printed": "Rosa María Ortiz"},
        ["reissue-name_as_printed*", "reissue-note"],
        UNPROCESSABLE,
    ),
    (
        "template",
        "staff",
        lambda w, c: reverse("certificates:template_edit", args=[w.program.slug]),
        {"title": "Certificate", "body": "has completed {program}.", "page_size": "letter"},
        ["title", "body", "signatory_1_name", "signatory_1_title"],
        UNPROCESSABLE,
    ),
]


@pytest.mark.parametrize(
    ("case", "role", "url", "valid", "fields", "refused"),
    CONTROL_CASES,
    ids=[case[0] for case in CONTROL_CASES],
)
def test_control_characters_refused(
    client, world, request, case, role, url, valid, fields, refused
):
    """A control character in a text field is refused with a message, on every database; the
    same submission without it is accepted (so the refusal is the character's doing)."""
    certificate = request.getfixturevalue("certificate") if case in {"revoke", "reissue"} else None
    client.force_login(getattr(world, role))
    valid = {k: str(world.program.pk) if v == "PROGRAM" else v for k, v in valid.items()}
    checked = [
        (field.rstrip("*"), control)
        for field in fields
        for control in ("\x00", "\x1b", "\x08", "\x7f")
        if control == "\x00" or field.endswith("*")
    ]
    for field, control in checked:
        address = url(world, certificate)
        before = snapshot()
        response = client.post(address, {**valid, field: f"Ana{control}Ortiz"})
        assert response.status_code == refused, (field, control, response.status_code)
        assert_unchanged(before)
        if refused == UNPROCESSABLE:
            assert any(
                message in text_of(response)
                for message in ("control characters", "Null characters", "valid")
            ), (field, control)
    response = client.post(url(world, certificate), valid)
    assert response.status_code < HTTPStatus.BAD_REQUEST, response.status_code


# --- 2. Injection rendered inert everywhere user text appears -----------------------------------

NAME = "<b>Ana</b> <script>x</script>"
XSS = (
    '"><img src=x onerror=alert(1)> <script>alert(1)</script> '
    '[click](javascript:alert(1)) <a href="javascript:alert(2)">a</a> <svg/onload=alert(3)>'
)
MARKDOWN = (
    "## Budget\n\n"
    "[a link](javascript:alert(1)) and ![img](javascript:alert(2)) and "
    '[b](  JaVaScRiPt:alert(3)) and <a href="javascript:alert(4)" onclick="x()">raw</a>\n\n'
    "<script>alert(5)</script>\n\n<img src=x onerror=alert(6)>\n\n"
    '<iframe src="https://evil.example"></iframe>\n\n'
    '[ok](https://example.org "title\\" onmouseover=\\"alert(7)")'
)
ESCAPED_NAME = "&lt;b&gt;Ana&lt;/b&gt; &lt;script&gt;x&lt;/script&gt;"


@dataclass
class Poisoned:
    world: World
    learner: User
    enrollment: Enrollment
    program: Program
    cohort: Cohort
    lessons: list
    session: object
    application: Enrollment
    certificate: Certificate


@pytest.fixture
def poisoned(world, django_capture_on_commit_callbacks) -> Poisoned:
    """Every user-provided text field holds a payload, stored through the services."""
    staff, facilitator = world.staff, world.facilitator
    learner = fresh_user(
        full_name=NAME, jurisdiction=XSS, pronouns="<script>x</script>", preferred_name=NAME
    )
    program = curriculum.program_create(
        title=f"Program {XSS}", slug="poisoned", summary=XSS, description=MARKDOWN
    )
    module = curriculum.module_create(program=program, title=XSS, summary=XSS, estimated_minutes=5)
    lessons = [
        curriculum.lesson_create(module=module, title=XSS, body=MARKDOWN, estimated_minutes=5),
        curriculum.lesson_create(
            module=module,
            title=XSS,
            kind=Lesson.Kind.VIDEO,
            video_url='https://www.youtube.com/watch?v=Qx7mT2rLp0A&x="><script>alert(1)</script>',
            transcript=XSS,
            body=MARKDOWN,
        ),
        curriculum.lesson_create(
            module=module,
            title=XSS,
            kind=Lesson.Kind.RESOURCE,
            resource_url='https://example.org/"><script>alert(1)</script>',
        ),
        curriculum.lesson_create(
            module=module, title=XSS, kind=Lesson.Kind.REFLECTION, reflection_prompt=XSS
        ),
    ]
    quiz = curriculum.lesson_create(
        module=module, title=XSS, kind=Lesson.Kind.KNOWLEDGE_CHECK, pass_mark=50
    )
    curriculum.question_create(
        lesson=quiz, prompt=XSS, explanation=XSS, choices=[(XSS, True), (NAME, False)]
    )
    lessons.append(quiz)
    curriculum.program_publish(program=program)
    cohort = make_cohort(program=program, name=f"Cohort {XSS}", capacity=100)
    cohort.facilitators.add(facilitator)
    enrollment = cohort_services.enrollment_self_enroll(cohort=cohort, user=learner)
    session = cohort_services.session_create(
        cohort=cohort,
        title=f"{XSS}\r\nATTENDEE:mailto:evil@example.org",
        starts_at=timezone.now() - timedelta(hours=2),
        ends_at=timezone.now() - timedelta(hours=1),
        location=XSS,
        notes=XSS,
        online_url='https://meet.example.org/"><script>alert(1)</script>',
    )
    cohort_services.attendance_mark(
        session=session, enrollment=enrollment, status="present", actor=facilitator
    )
    with django_capture_on_commit_callbacks(execute=True):
        cohort_services.announcement_post(
            cohort=cohort, author=facilitator, title=XSS, body=MARKDOWN
        )
        progress = cohort_services.reflection_submit(
            enrollment=enrollment, lesson=lessons[3], text=XSS
        )
        cohort_services.reflection_feedback(progress=progress, actor=facilitator, feedback=XSS)
    applications = make_cohort(
        program=program,
        enrollment_mode="application",
        application_questions=f"{XSS}\nWhy?",
        name=f"Applications {XSS}",
    )
    applications.facilitators.add(facilitator)
    application = cohort_services.enrollment_apply(
        cohort=applications,
        user=learner,
        answers=[{"question": XSS, "answer": XSS}, {"question": "Why?", "answer": NAME}],
    )
    certificate = certificate_services.certificate_issue(
        enrollment=enrollment, actor=staff, override_reason=XSS
    )
    return Poisoned(
        world=world,
        learner=learner,
        enrollment=enrollment,
        program=program,
        cohort=cohort,
        lessons=lessons,
        session=session,
        application=application,
        certificate=certificate,
    )


def _pages(p: Poisoned) -> list[tuple[str, User | None, str]]:
    w, slug, code = p.world, p.cohort.slug, p.certificate.display_code
    studio = [
        reverse("modules:studio_lesson_preview", args=[p.program.pk, lesson.pk])
        for lesson in p.lessons
    ] + [
        reverse("modules:studio_lesson_edit", args=[p.program.pk, lesson.pk])
        for lesson in p.lessons
    ]
    learn = [reverse("cohorts:lesson", args=[slug, lesson.pk]) for lesson in p.lessons]
    return [
        ("anyone", None, reverse("modules:catalog")),
        ("anyone", None, reverse("modules:program_detail", args=[p.program.slug])),
        ("anyone", None, reverse("cohorts:cohort_join", args=[slug])),
        ("anyone", None, reverse("certificates:verify", args=[code])),
        ("learner", p.learner, reverse("home")),
        ("learner", p.learner, reverse("profile")),
        ("learner", p.learner, reverse("cohorts:cohort_detail", args=[slug])),
        ("learner", p.learner, reverse("cohorts:learn", args=[slug])),
        ("learner", p.learner, reverse("certificates:mine")),
        (
            "learner",
            p.learner,
            reverse("cohorts:cohort_join", args=[p.application.cohort.slug]),
        ),
        *[("learner", p.learner, url) for url in learn],
        ("facilitator", w.facilitator, reverse("home")),
        ("facilitator", w.facilitator, reverse("cohorts:my_cohorts")),
        ("facilitator", w.facilitator, reverse("cohorts:manage", args=[slug])),
        ("facilitator", w.facilitator, reverse("cohorts:manage", args=[p.application.cohort.slug])),
        ("facilitator", w.facilitator, reverse("cohorts:roster", args=[slug])),
        ("facilitator", w.facilitator, reverse("cohorts:reflections", args=[slug]) + "?show=all"),
        ("facilitator", w.facilitator, reverse("cohorts:attendance", args=[slug, p.session.pk])),
        ("facilitator", w.facilitator, reverse("cohorts:session_edit", args=[slug, p.session.pk])),
        ("staff", w.staff, reverse("modules:studio_program_list")),
        ("staff", w.staff, reverse("modules:studio_program_edit", args=[p.program.pk])),
        *[("staff", w.staff, url) for url in studio],
        ("staff", w.staff, reverse("cohorts:staff_cohort_list")),
        ("staff", w.staff, reverse("cohorts:staff_cohort_edit", args=[slug])),
        ("staff", w.staff, reverse("cohorts:staff_report")),
        ("staff", w.staff, reverse("certificates:staff_list")),
        ("staff", w.staff, reverse("certificates:staff_list") + "?q=%3Cscript%3E"),
        ("staff", w.staff, reverse("certificates:staff_detail", args=[code])),
        ("staff", w.staff, reverse("certificates:cohort_issue", args=[slug])),
        ("staff", w.staff, reverse("certificates:issue_one", args=[p.enrollment.pk])),
        ("staff", w.staff, reverse("certificates:template_edit", args=[p.program.slug])),
        ("staff", w.staff, reverse("audit_log")),
    ]


def test_injection_is_inert_on_every_page(client, poisoned):
    seen_name = seen_text = 0
    for role, user, url in _pages(poisoned):
        cache.clear()
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, (role, url, response.status_code)
        html = text_of(response)
        try:
            assert_inert(html)
        except AssertionError as exc:
            raise AssertionError(f"{role} {url}: {exc}") from None
        seen_name += ESCAPED_NAME in html
        seen_text += "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # The payloads were shown, escaped, not silently dropped.
    assert seen_name >= 5, (seen_name, seen_text)
    assert seen_text >= 10, (seen_name, seen_text)


def test_markdown_is_sanitised(poisoned):
    for html in [poisoned.program.description_html, poisoned.lessons[0].body_html]:
        assert_inert(html)
        assert "<script" not in html
        assert "<iframe" not in html
        assert "<img" not in html
        assert 'href="https://example.org"' in html  # safe links survive


def test_calendar_file_keeps_a_title_on_one_line(client, poisoned):
    client.force_login(poisoned.learner)
    url = reverse("cohorts:session_ics", args=[poisoned.cohort.slug, poisoned.session.pk])
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    lines = response.content.decode().replace("\r\n ", "").splitlines()
    assert not any(line.startswith("ATTENDEE:mailto:evil") for line in lines)


def test_announcement_email_is_inert(poisoned):
    message = next(m for m in mail.outbox if XSS in m.subject or XSS in m.body)
    assert "\n" not in message.subject
    assert "\r" not in message.subject
    # The plain-text part shows the characters as typed (it is never parsed as HTML).
    assert XSS in message.body
    assert "&lt;" not in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert_inert(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_feedback_email_is_inert(poisoned):
    message = next(m for m in mail.outbox if "feedback" in m.subject.lower())
    assert XSS in message.body
    assert_inert(message.alternatives[0][0])


def test_certificate_pdf_prints_the_name_literally(poisoned, settings, tmp_path):
    """The name as printed is text on the certificate: escaped in its HTML, the same
    characters in the PDF."""
    settings.MEDIA_ROOT = tmp_path
    certificate = poisoned.certificate
    assert certificate.name_as_printed == NAME
    html = certificate_html(certificate=certificate, template=certificate.template)
    assert ESCAPED_NAME in html
    assert_inert(html)
    text = PdfReader(io.BytesIO(render_pdf(html))).pages[0].extract_text()
    assert "<b>Ana</b>" in text
    assert "<script>x</script>" in text


def test_certificate_issue_renders_the_pdf(
    client, world, settings, tmp_path, django_capture_on_commit_callbacks
):
    """Through the service, as staff issue it: the stored PDF says the name literally."""
    settings.MEDIA_ROOT = tmp_path
    cohort = make_cohort(program=published_program(modules=1, lessons_per_module=1))
    enrollment = completed_enrollment(cohort=cohort, user=fresh_user(full_name=NAME))
    with django_capture_on_commit_callbacks(execute=True):
        certificate = certificate_services.certificate_issue(
            enrollment=enrollment, actor=world.staff
        )
    certificate.refresh_from_db()
    assert certificate.rendered_at
    assert certificate.pdf
    with certificate.pdf.open("rb") as handle:
        text = PdfReader(handle).pages[0].extract_text()
    assert "<b>Ana</b>" in text
    assert "<script>x</script>" in text
    client.force_login(enrollment.user)
    response = client.get(reverse("certificates:download", args=[certificate.display_code]))
    assert response.status_code == HTTPStatus.OK
    response = client.get(reverse("certificates:verify", args=[certificate.display_code]))
    assert ESCAPED_NAME in text_of(response)
    assert_inert(text_of(response))
    data = client.get(reverse("certificates:verify_json", args=[certificate.display_code])).json()
    assert data["credentialSubject"]["name"] == NAME  # JSON carries the text, not markup


@pytest.mark.parametrize(
    "html",
    [
        "<p><script>alert(1)</script></p>",
        "<img src=x onerror=alert(1)>",
        "<svg/onload=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        '<a href=" JaVa\tScRiPt:alert(1)">x</a>',
        '<iframe src="https://evil.example"></iframe>',
        '<div data-embed-src="javascript:alert(1)"></div>',
    ],
)
def test_inert_check_catches_live_markup(html):
    """The checker itself: each of these is live markup and must be caught."""
    with pytest.raises(AssertionError):
        assert_inert(html)


def test_inert_check_passes_escaped_markup():
    assert_inert(
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(1)&gt;</p>"
        '<input value="&quot; onerror=alert(1)"><a href="https://example.org/?q=javascript:x">ok</a>'
        '<script src="/static/js/app.js" defer></script>'
    )


# --- 3. File uploads: limited by type and size --------------------------------------------------


def _lesson_upload_form(name: str, content: bytes):
    data = {
        "title": "Budget template",
        "kind": "resource",
        "estimated_minutes": "5",
        "pass_mark": "80",
    }
    return LessonForm(data, {"resource_file": upload(name, content)})


@pytest.mark.parametrize(
    ("name", "size", "error"),
    [
        ("x.pdf.exe", 100, "Upload a document"),
        ("budget.exe", 100, "Upload a document"),
        ("budget.html", 100, "Upload a document"),
        ("budget.svg", 100, "Upload a document"),
        ("budget", 100, "Upload a document"),
        (".pdf", 100, None),  # a dot file named ".pdf" has no suffix: refused as untyped
        ("budget.pdf", 0, "The submitted file is empty."),
        ("budget.pdf", RESOURCE_MAX_BYTES + 1, "Files can be at most 20 MB."),
    ],
)
def test_lesson_resource_refused(db, name, size, error):
    form = _lesson_upload_form(name, b"%" * size)
    assert not form.is_valid()
    assert "resource_file" in form.errors
    if error:
        assert any(error in message for message in form.errors["resource_file"]), form.errors


@pytest.mark.parametrize("name", ["budget.pdf", "Budget.PDF", "deck.pptx", "sheet.xlsx", "a.b.csv"])
def test_lesson_resource_accepted(db, name):
    form = _lesson_upload_form(name, b"%PDF-1.7")
    assert form.is_valid(), form.errors
    form = _lesson_upload_form(name, b"x" * RESOURCE_MAX_BYTES)
    assert form.is_valid(), form.errors


def test_lesson_upload_through_the_studio(client, world):
    """The view: a disguised file is refused with the form's message; nothing is stored."""
    client.force_login(world.staff)
    url = reverse("modules:studio_lesson_create", args=[world.program.pk, world.module().pk])
    data = {
        "title": "Budget template",
        "kind": "resource",
        "estimated_minutes": "5",
        "pass_mark": "80",
    }
    before = snapshot()
    for name, content in [("x.pdf.exe", b"MZ\x90\x00"), ("budget.pdf", b"")]:
        response = client.post(url, {**data, "resource_file": upload(name, content)})
        assert response.status_code == UNPROCESSABLE
    assert_unchanged(before)
    assert not any(world_path.is_file() for world_path in _media_files())
    response = client.post(url, {**data, "resource_file": upload("budget.pdf", b"%PDF-1.7")})
    assert response.status_code == HTTPStatus.SEE_OTHER
    assert [path.name for path in _media_files()] == ["budget.pdf"]


def _media_files():
    return [p for p in Path(django_settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def _template_form(**files):
    data = {"title": "Certificate", "body": "has completed {program}.", "page_size": "letter"}
    return CertificateTemplateForm(data, files)


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("logo.png", b"not an image at all", "Upload a valid image"),
        ("logo.png.exe", png(), "extension"),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "Upload a valid image",
        ),
        ("logo.gif", png(fmt="GIF"), "Upload a PNG or JPEG image."),
        ("logo.bmp", png(fmt="BMP"), "Upload a PNG or JPEG image."),
        ("logo.png", png(fmt="GIF"), "Upload a PNG or JPEG image."),  # a GIF named .png
        ("logo.png", png(size=(5001, 10)), "at most 5000 pixels"),
        ("logo.png", b"", "The submitted file is empty."),
    ],
)
@pytest.mark.parametrize("field", ["logo", "signatory_1_signature", "signatory_2_signature"])
def test_certificate_image_refused(db, field, name, content, error):
    form = _template_form(**{field: upload(name, content, "image/png")})
    assert not form.is_valid()
    assert any(error in message for message in form.errors[field]), form.errors


def test_certificate_image_size_limit(db):
    big = png(size=(1200, 1200))
    padded = big + b"\x00" * (2 * 1024 * 1024 + 1 - len(big))  # PNG readers ignore trailing bytes
    form = _template_form(logo=upload("logo.png", padded, "image/png"))
    assert not form.is_valid()
    assert form.errors["logo"] == ["Images can be at most 2 MB."]


@pytest.mark.parametrize(
    ("name", "fmt"), [("logo.png", "PNG"), ("logo.jpg", "JPEG"), ("seal.JPEG", "JPEG")]
)
def test_certificate_image_accepted(db, name, fmt):
    form = _template_form(logo=upload(name, png(fmt=fmt), "image/png"))
    assert form.is_valid(), form.errors


def test_certificate_image_through_the_view(client, world):
    client.force_login(world.staff)
    url = reverse("certificates:template_edit", args=[world.program.slug])
    data = {"title": "Certificate", "body": "has completed {program}.", "page_size": "letter"}
    template = type(certificate_services.template_current(world.program))
    before = snapshot(template)
    response = client.post(url, {**data, "logo": upload("logo.gif", png(fmt="GIF"), "image/gif")})
    assert response.status_code == UNPROCESSABLE
    assert "Upload a PNG or JPEG image." in text_of(response)
    assert_unchanged(before)
    assert not _media_files()
    response = client.post(url, {**data, "logo": upload("logo.png", png(), "image/png")})
    assert response.status_code == HTTPStatus.SEE_OTHER
    assert certificate_services.template_current(world.program).logo.name.endswith(".png")


# Dates at the ends of the calendar --------------------------------------------------------------

EDGE_TIMES = [
    ("9999-12-31T23:00", "9999-12-31T23:59"),  # in New York: the year 10000 in UTC
    ("0001-01-01T00:00", "0001-01-01T01:00"),  # east of Greenwich: before the year 1 in UTC
]


@pytest.mark.parametrize(("starts", "ends"), EDGE_TIMES)
@pytest.mark.parametrize("zone", ["America/New_York", "Pacific/Kiritimati"])
def test_session_at_the_ends_of_time(client, world, starts, ends, zone):
    """Times the database cannot hold in UTC are refused with a message; the others are kept
    and every page that shows them still renders."""
    Cohort.objects.filter(pk=world.cohort.pk).update(time_zone=zone)
    client.force_login(world.facilitator)
    url = reverse("cohorts:session_create", args=[world.cohort.slug])
    before = snapshot()
    response = client.post(
        url, {"title": "Edge", "starts_at": starts, "ends_at": ends, "location": "Hall"}
    )
    if response.status_code == UNPROCESSABLE:
        assert "between the years 1 and 9999" in text_of(response)
        assert_unchanged(before)
        return
    assert response.status_code == HTTPStatus.SEE_OTHER
    session = world.cohort.sessions.get(title="Edge")
    pages = [
        (world.facilitator, reverse("cohorts:manage", args=[world.cohort.slug])),
        (world.facilitator, reverse("cohorts:session_edit", args=[world.cohort.slug, session.pk])),
        (world.facilitator, reverse("cohorts:attendance", args=[world.cohort.slug, session.pk])),
        (world.participant, reverse("cohorts:cohort_detail", args=[world.cohort.slug])),
        (world.participant, reverse("home")),
        (world.participant, reverse("cohorts:session_ics", args=[world.cohort.slug, session.pk])),
    ]
    for user, page in pages:
        client.force_login(user)
        assert client.get(page).status_code == HTTPStatus.OK, page


@pytest.mark.parametrize(
    ("starts", "ends"), [("0001-01-01", "0001-01-02"), ("9999-12-30", "9999-12-31")]
)
def test_cohort_at_the_ends_of_time(client, world, starts, ends):
    client.force_login(world.staff)
    data = {
        "program": str(world.program.pk),
        "name": "Edge",
        "slug": "edge",
        "status": "open",
        "starts_on": starts,
        "ends_on": ends,
        "time_zone": "America/New_York",
        "capacity": "5",
        "enrollment_mode": "open",
        "min_attendance_percent": "50",
        "enrollment_opens_at": f"{starts}T00:00",
        "enrollment_closes_at": f"{ends}T23:59",
    }
    before = snapshot()
    response = client.post(reverse("cohorts:staff_cohort_create"), data)
    if response.status_code == UNPROCESSABLE:
        assert "between the years 1 and 9999" in text_of(response)
        assert_unchanged(before)
        data["enrollment_opens_at"] = data["enrollment_closes_at"] = ""
        response = client.post(reverse("cohorts:staff_cohort_create"), data)
    assert response.status_code == HTTPStatus.SEE_OTHER
    cohort = Cohort.objects.get(slug="edge")
    if cohort.is_enrollment_open():
        cohort_services.enrollment_self_enroll(cohort=cohort, user=world.participant)
    pages = [
        (None, reverse("cohorts:cohort_join", args=["edge"])),
        (None, reverse("modules:program_detail", args=[world.program.slug])),
        (world.staff, reverse("cohorts:staff_cohort_list")),
        (world.staff, reverse("cohorts:manage", args=["edge"])),
        (world.staff, reverse("cohorts:staff_cohort_edit", args=["edge"])),
        (world.staff, reverse("cohorts:roster", args=["edge"])),
        (world.staff, reverse("cohorts:staff_report")),
        (world.staff, reverse("certificates:cohort_issue", args=["edge"])),
        (world.participant, reverse("home")),
    ]
    for user, page in pages:
        client.logout()
        if user:
            client.force_login(user)
        assert client.get(page).status_code == HTTPStatus.OK, page
