"""The permission matrix: every URL of our apps × every role × {page, HTMX GET, POST, HTMX POST}.

Built from Django's URL resolver: a URL of ours without an entry in EXPECTED fails the suite.
Other people's objects answer 404, exactly like missing ones (never a 403 that tells an
outsider the object exists); a refused request writes nothing. allauth's and the admin's own
URLs are checked by a few representative requests at the end.

One world per role: every request runs in a savepoint that is rolled back, so each one meets
the same world, and every mismatch is collected before the test fails.
"""

import datetime
import functools
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models, transaction
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from academy.models import User
from certificates import services as certificate_services
from certificates.models import BulkRun, Certificate
from cohorts import services as cohort_services
from cohorts.models import Cohort, Enrollment, LessonProgress, Session
from modules import services as module_services
from modules.models import Choice, Lesson, Module, Program, Question
from tests.factories import UserFactory, make_cohort

pytestmark = pytest.mark.django_db

# --- Roles, modes and answers ------------------------------------------------------------

ROLES = (
    "anonymous",
    "participant",  # signed in, not enrolled anywhere
    "member",  # enrolled in cohort A
    "other_member",  # enrolled in cohort B (same program)
    "facilitator",  # of cohort A
    "other_facilitator",  # of cohort B
    "staff",
)
# mode: (method, with HX-Request and the endpoint's HX-Target)
MODES = {
    "page": ("get", False),
    "htmx": ("get", True),
    "post": ("post", False),
    "htmx_post": ("post", True),
}

OK = HTTPStatus.OK
FOUND = HTTPStatus.FOUND
SEE = HTTPStatus.SEE_OTHER
NF = HTTPStatus.NOT_FOUND
NA = HTTPStatus.METHOD_NOT_ALLOWED
UNPROCESSABLE = HTTPStatus.UNPROCESSABLE_ENTITY
STOP_POLLING = 286  # htmx stops an `every` poll on this status
LOGIN = "redirect to sign in"
JOIN = "redirect to the cohort's public page"
HX_REDIRECT = "HX-Redirect"
# Answers that refuse: nothing may be written.
REFUSED = {LOGIN, JOIN, NF, NA}

EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
MEMBER = frozenset({"member"})
VIEWERS = frozenset({"member", "facilitator", "staff"})  # the cohort's inside pages
MANAGERS = frozenset({"facilitator", "staff"})  # Cohort.objects.managed_by
STAFF = frozenset({"staff"})
OWNER = frozenset({"member", "staff"})  # the certificate's recipient, and staff
NOBODY = frozenset()

Table = dict[str, dict[str, object]]


def rule(
    allowed: frozenset,
    get=NA,
    post=NA,
    *,
    htmx=None,
    htmx_post=None,
    outsider=NF,
    anonymous=LOGIN,
) -> Table:
    """Role → mode → expected answer. Allowed roles get `get`/`post` (the HTMX variants
    default to the same, a 303 becoming HTMX's client-side redirect); everyone else is
    refused with `outsider` (404) or, signed out, `anonymous` (to sign in). A method the view
    does not take is a 405 for everyone: the method check comes before the permission check."""
    answers = {
        "page": get,
        "htmx": get if htmx is None else htmx,
        "post": post,
        "htmx_post": (HX_REDIRECT if post == SEE else post) if htmx_post is None else htmx_post,
    }
    table = {}
    for role in ROLES:
        if role in allowed:
            table[role] = dict(answers)
        else:
            refused = anonymous if role == "anonymous" else outsider
            table[role] = {
                mode: NA if answer == NA else refused for mode, answer in answers.items()
            }
    return table


def amend(table: Table, role: str, **answers) -> Table:
    """A copy of the table with some of one role's answers changed."""
    return {**table, role: {**table[role], **answers}}


PUBLIC_PAGE = rule(EVERYONE, get=OK)
SIGNED_IN_PAGE = rule(SIGNED_IN, get=OK)
MEMBER_PAGE = rule(MEMBER, get=OK)
MANAGER_PAGE = rule(MANAGERS, get=OK)
STAFF_PAGE = rule(STAFF, get=OK)

EXPECTED: dict[str, Table] = {
    # --- academy
    "home": PUBLIC_PAGE,
    "profile": rule(SIGNED_IN, get=OK, post=SEE, htmx_post=OK),
    "healthz": PUBLIC_PAGE,
    "set_language": rule(EVERYONE, get=FOUND, post=FOUND),
    "audit_log": STAFF_PAGE,
    # --- modules: the public catalog
    "modules:catalog": PUBLIC_PAGE,
    "modules:program_detail": PUBLIC_PAGE,
    # --- modules: the studio, staff only
    "modules:studio_program_list": STAFF_PAGE,
    "modules:studio_program_create": rule(STAFF, get=OK, post=SEE),
    "modules:studio_program_edit": rule(STAFF, get=OK, post=SEE, htmx_post=OK),
    "modules:studio_program_status": rule(STAFF, post=SEE, htmx_post=OK),
    "modules:studio_program_duplicate": rule(STAFF, get=OK, post=SEE),
    # The program has cohorts: deleting it is refused with the reason.
    "modules:studio_program_delete": rule(STAFF, get=OK, post=UNPROCESSABLE),
    "modules:studio_module_create": rule(STAFF, post=SEE, htmx_post=OK),
    "modules:studio_module_edit": rule(STAFF, get=OK, post=SEE),
    "modules:studio_module_move": rule(STAFF, post=SEE, htmx_post=OK),
    "modules:studio_module_delete": rule(STAFF, get=OK, post=UNPROCESSABLE),
    "modules:studio_lesson_create": rule(STAFF, get=OK, post=SEE),
    "modules:studio_lesson_edit": rule(STAFF, get=OK, post=SEE),
    "modules:studio_lesson_move": rule(STAFF, post=SEE, htmx_post=OK),
    "modules:studio_lesson_delete": rule(STAFF, get=OK, post=UNPROCESSABLE),
    "modules:studio_lesson_preview": STAFF_PAGE,
    "modules:studio_question_create": rule(STAFF, post=SEE),
    "modules:studio_question_edit": rule(STAFF, get=OK, post=SEE),
    "modules:studio_question_delete": rule(STAFF, get=OK, post=SEE),
    # --- cohorts: participants
    "cohorts:cohort_detail": rule(VIEWERS, get=OK, outsider=JOIN),
    "cohorts:cohort_join": amend(
        rule(EVERYONE, get=OK, post=SEE), "anonymous", post=LOGIN, htmx_post=LOGIN
    ),
    "cohorts:cohort_withdraw": rule(MEMBER, get=OK, post=SEE),
    # Only the invitee answers an invitation; nobody here is invited (the invitee's own
    # answers are in tests/cohorts/test_views.py).
    "cohorts:invitation": rule(NOBODY, get=OK, post=SEE),
    # --- cohorts: facilitators of the cohort, and staff
    "cohorts:my_cohorts": SIGNED_IN_PAGE,
    "cohorts:manage": MANAGER_PAGE,
    "cohorts:application_decide": rule(MANAGERS, post=SEE, htmx_post=OK),
    "cohorts:session_create": rule(MANAGERS, post=SEE, htmx_post=OK),
    "cohorts:session_edit": rule(MANAGERS, get=OK, post=SEE),
    "cohorts:session_cancel": rule(MANAGERS, get=OK, post=SEE),
    "cohorts:announcement_create": rule(MANAGERS, post=SEE, htmx_post=OK),
    # Roster changes are for staff: the cohort's own facilitator gets a 404 too.
    "cohorts:invite": rule(STAFF, post=SEE),
    "cohorts:import_invitations": rule(STAFF, post=SEE),
    "cohorts:enrollment_withdraw": rule(STAFF, get=OK, post=SEE),
    "cohorts:enrollment_move": rule(STAFF, get=OK, post=SEE),
    # --- cohorts: staff screens
    "cohorts:staff_cohort_list": STAFF_PAGE,
    "cohorts:staff_cohort_create": rule(STAFF, get=OK, post=SEE),
    "cohorts:staff_cohort_edit": rule(STAFF, get=OK, post=SEE),
    "cohorts:staff_cohort_archive": rule(STAFF, post=SEE),
    # --- cohorts: calendars. The feeds need no sign-in: the secret token in the address is
    # the credential (member's token here), whoever presents it.
    "cohorts:session_ics": rule(VIEWERS, get=OK),
    "cohorts:personal_feed": PUBLIC_PAGE,
    "cohorts:cohort_feed": PUBLIC_PAGE,
    "cohorts:calendar_reset": rule(SIGNED_IN, post=SEE, htmx_post=SEE),
    # --- cohorts: the lesson player, for people holding a seat only
    "cohorts:learn": MEMBER_PAGE,
    "cohorts:lesson": MEMBER_PAGE,
    "cohorts:lesson_complete": rule(MEMBER, post=SEE, htmx_post=OK),
    "cohorts:lesson_check": rule(MEMBER, post=OK),
    "cohorts:lesson_reflect": rule(MEMBER, post=SEE, htmx_post=OK),
    "cohorts:progress_bars": MEMBER_PAGE,
    # --- cohorts: attendance, reflections, sign-off
    "cohorts:attendance": MANAGER_PAGE,
    "cohorts:attendance_all_present": rule(MANAGERS, post=SEE, htmx_post=OK),
    "cohorts:attendance_mark": rule(MANAGERS, post=SEE, htmx_post=OK),
    "cohorts:reflections": MANAGER_PAGE,
    "cohorts:reflection_feedback": rule(MANAGERS, post=SEE, htmx_post=OK),
    "cohorts:sign_off": rule(MANAGERS, get=OK, post=SEE, htmx_post=OK),
    # --- cohorts: reports
    "cohorts:roster": MANAGER_PAGE,
    "cohorts:roster_csv": MANAGER_PAGE,
    "cohorts:staff_report": STAFF_PAGE,
    "cohorts:staff_report_csv": STAFF_PAGE,
    # --- certificates: public verification
    "certificates:verify_lookup": PUBLIC_PAGE,
    "certificates:verify_json": PUBLIC_PAGE,
    "certificates:verify": PUBLIC_PAGE,
    # --- certificates: the recipient's own
    "certificates:mine": SIGNED_IN_PAGE,
    "certificates:download": rule(OWNER, get=OK),
    # --- certificates: staff
    "certificates:staff_list": STAFF_PAGE,
    "certificates:staff_detail": rule(STAFF, get=OK, post=SEE),
    "certificates:cohort_issue": rule(STAFF, get=OK, post=SEE),
    # Every certificate of the run is rendered: the polling partial says "stop".
    "certificates:run_progress": rule(STAFF, get=OK, htmx=STOP_POLLING),
    # Already certified: a repeated issue goes to the certificate.
    "certificates:issue_one": rule(STAFF, get=OK, post=SEE),
    "certificates:template_edit": rule(STAFF, get=OK, post=SEE),
    # GET and POST answer a PDF; the editor's live panel gets its fragment.
    "certificates:template_preview": rule(STAFF, get=OK, post=OK),
}


# --- The world ---------------------------------------------------------------------------


@dataclass
class World:
    program: Program
    module: Module
    reading: Lesson
    quiz: Lesson
    question: Question
    right_choice: Choice
    reflection: Lesson
    cohort: Cohort  # A
    other: Cohort  # B, same program
    draft: Cohort  # not published yet, facilitated by the facilitator of A
    seat: Enrollment  # the member's, in A
    other_seat: Enrollment  # the other member's, in B
    application: Enrollment  # someone's application to A
    session: Session  # A's, held an hour ago
    other_session: Session  # B's
    progress: LessonProgress  # the member's reflection in A
    other_progress: LessonProgress  # the other member's reflection in B
    certificate: Certificate  # the member's, issued and rendered
    run: BulkRun  # a run for A
    other_run: BulkRun  # a run for B
    token: str  # the member's calendar token
    alien: Program  # an unrelated program, for children of someone else's parent
    alien_module: Module
    alien_lesson: Lesson
    alien_question: Question
    users: dict[str, User | None] = field(default_factory=dict)


def build_program(title: str, slug: str) -> Program:
    program = module_services.program_create(
        title=title, slug=slug, summary="Practical training.", estimated_hours=12
    )
    module = module_services.module_create(program=program, title="Budgets", estimated_minutes=30)
    module_services.lesson_create(module=module, title="Read the budget", body="Text.")
    quiz = module_services.lesson_create(
        module=module, title="Check", kind=Lesson.Kind.KNOWLEDGE_CHECK
    )
    module_services.question_create(
        lesson=quiz, prompt="A budget is…", choices=[("A moral document", True), ("Boring", False)]
    )
    module_services.lesson_create(
        module=module,
        title="Reflect",
        kind=Lesson.Kind.REFLECTION,
        reflection_prompt="What will you change first?",
    )
    return program


@pytest.fixture
def world(
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
    participant,
    facilitator,
    other_facilitator,
    staff,
) -> World:
    settings.MEDIA_ROOT = tmp_path
    program = module_services.program_publish(
        program=build_program("Governing for the Many", "governing-for-the-many")
    )
    module = program.modules.get()
    reading, quiz, reflection = module.lessons.order_by("position")
    question = quiz.questions.get()
    alien = build_program("Another Program", "another-program")
    alien_module = alien.modules.get()

    today = timezone.localdate()
    cohort = make_cohort(
        program=program,
        slug="cohort-a",
        facilitators=[facilitator],
        starts_on=today - datetime.timedelta(days=7),
        ends_on=today + datetime.timedelta(days=60),
        requires_signoff=True,
    )
    other = make_cohort(program=program, slug="cohort-b", facilitators=[other_facilitator])
    draft = make_cohort(
        program=program, slug="cohort-draft", facilitators=[facilitator], status="draft"
    )
    member = UserFactory(full_name="Mia Member")
    other_member = UserFactory(full_name="Omar Othermember")
    seat = cohort_services.enrollment_self_enroll(cohort=cohort, user=member)
    other_seat = cohort_services.enrollment_self_enroll(cohort=other, user=other_member)
    application = Enrollment.objects.create(
        cohort=cohort,
        user=UserFactory(full_name="Abe Applicant"),
        status=Enrollment.Status.APPLIED,
        application_answers=[{"question": "Why?", "answer": "Housing."}],
    )
    now = timezone.now()
    session = cohort_services.session_create(
        cohort=cohort,
        title="Budgets as moral documents",
        starts_at=now - datetime.timedelta(hours=2),
        ends_at=now - datetime.timedelta(hours=1),
        online_url="https://meet.example.org/budget",
    )
    other_session = cohort_services.session_create(
        cohort=other,
        title="Autumn welcome",
        starts_at=now - datetime.timedelta(hours=2),
        ends_at=now - datetime.timedelta(hours=1),
        online_url="https://meet.example.org/welcome",
    )
    cohort_services.announcement_post(
        cohort=cohort, author=facilitator, title="Welcome", body="See you **Tuesday**."
    )
    progress = cohort_services.reflection_submit(
        enrollment=seat, lesson=reflection, text="Participatory budgeting."
    )
    other_progress = cohort_services.reflection_submit(
        enrollment=other_seat, lesson=reflection, text="Tenant protections."
    )
    with django_capture_on_commit_callbacks(execute=True):
        certificate = certificate_services.certificate_issue(
            enrollment=seat, actor=staff, override_reason="Attended the make-up session."
        )
    certificate.refresh_from_db()
    assert certificate.rendered_at
    assert certificate.pdf
    run = BulkRun.objects.create(cohort=cohort, started_by=staff)
    run.certificates.add(certificate)
    other_run = BulkRun.objects.create(cohort=other, started_by=staff)
    seat.refresh_from_db()
    return World(
        program=program,
        module=module,
        reading=reading,
        quiz=quiz,
        question=question,
        right_choice=question.choices.get(is_correct=True),
        reflection=reflection,
        cohort=cohort,
        other=other,
        draft=draft,
        seat=seat,
        other_seat=other_seat,
        application=application,
        session=session,
        other_session=other_session,
        progress=progress,
        other_progress=other_progress,
        certificate=certificate,
        run=run,
        other_run=other_run,
        token=cohort_services.calendar_token_for(member).token,
        alien=alien,
        alien_module=alien_module,
        alien_lesson=alien_module.lessons.order_by("position").first(),
        alien_question=Question.objects.get(lesson__module=alien_module),
        users={
            "anonymous": None,
            "participant": participant,
            "member": member,
            "other_member": other_member,
            "facilitator": facilitator,
            "other_facilitator": other_facilitator,
            "staff": staff,
        },
    )


# --- What each URL is asked ----------------------------------------------------------------


def _local(world: World, moment: datetime.datetime) -> str:
    zone = zoneinfo.ZoneInfo(world.cohort.time_zone)
    return timezone.localtime(moment, timezone=zone).strftime("%Y-%m-%dT%H:%M")


def session_data(world: World) -> dict:
    return {
        "title": "Reading the budget",
        "starts_at": "2030-03-02T19:00",
        "ends_at": "2030-03-02T20:30",
        "online_url": "https://meet.example.org/budget",
        "location": "",
        "module": "",
        "notes": "",
        "recording_url": "",
    }


def cohort_data(world: World, **overrides) -> dict:
    return {
        "program": world.program.pk,
        "name": "Academy 2030 · Spring",
        "slug": "academy-2030-spring",
        "status": Cohort.Status.DRAFT,
        "starts_on": "2030-03-01",
        "ends_on": "2030-06-30",
        "time_zone": "America/Chicago",
        "capacity": 25,
        "enrollment_mode": Cohort.EnrollmentMode.OPEN,
        "enrollment_opens_at": "",
        "enrollment_closes_at": "",
        "application_questions": "Why now?",
        "chapter": "",
        "min_attendance_percent": 75,
        "facilitator_emails": "",
        **overrides,
    }


def lesson_data(world: World) -> dict:
    return {
        "title": "Read the budget, again",
        "kind": Lesson.Kind.READING,
        "required": "on",
        "estimated_minutes": 10,
        "body": "Text.",
        "pass_mark": 80,
    }


def question_data(world: World) -> dict:
    return {
        "prompt": "A budget is…",
        "kind": "single",
        "answer_1": "A moral document",
        "correct_1": "on",
        "answer_2": "Boring",
    }


def profile_data(world: World) -> dict:
    return {
        "full_name": "Renamed Person",
        "preferred_name": "",
        "pronouns": "",
        "office_type": "",
        "jurisdiction": "",
        "state": "",
        "time_zone": "America/New_York",
        "language": "en",
    }


def template_data(world: World) -> dict:
    return {
        "title": "Certificate of Completion",
        "body": "has completed {program} with the {cohort} cohort.",
        "page_size": "letter",
        "signatory_1_name": "",
        "signatory_1_title": "",
        "signatory_2_name": "",
        "signatory_2_title": "",
    }


def csv_upload(world: World) -> dict:
    content = b"name,email\nNia New,nia.new@example.org\n"
    return {"file": SimpleUploadedFile("people.csv", content, content_type="text/csv")}


def nothing(world: World) -> dict:
    return {}


@dataclass(frozen=True)
class Endpoint:
    kwargs: Callable[[World], dict] = lambda w: {}
    data: Callable[[World], dict] = nothing
    target: Callable[[World], str] | str = ""  # the HX-Target the page's HTMX request carries

    def hx_target(self, world: World) -> str:
        return self.target(world) if callable(self.target) else self.target


def slug(w: World) -> dict:
    return {"slug": w.cohort.slug}


def program_pk(w: World) -> dict:
    return {"pk": w.program.pk}


ENDPOINTS: dict[str, Endpoint] = {
    "home": Endpoint(),
    "profile": Endpoint(data=profile_data, target="profile-form"),
    "healthz": Endpoint(),
    "set_language": Endpoint(data=lambda w: {"language": "en", "next": "/"}),
    "audit_log": Endpoint(),
    "modules:catalog": Endpoint(target="catalog-results"),
    "modules:program_detail": Endpoint(lambda w: {"slug": w.program.slug}),
    "modules:studio_program_list": Endpoint(),
    "modules:studio_program_create": Endpoint(
        data=lambda w: {
            "title": "Safety Beyond Policing",
            "slug": "safety-beyond-policing",
            "summary": "Public safety for all.",
            "estimated_hours": 10,
        }
    ),
    "modules:studio_program_edit": Endpoint(
        program_pk,
        lambda w: {
            "title": w.program.title,
            "slug": w.program.slug,
            "summary": "Updated.",
            "estimated_hours": 12,
        },
        "program-details",
    ),
    "modules:studio_program_status": Endpoint(
        program_pk, lambda w: {"action": "archive"}, "program-status"
    ),
    "modules:studio_program_duplicate": Endpoint(
        program_pk, lambda w: {"title": "A copy", "slug": "a-copy"}
    ),
    "modules:studio_program_delete": Endpoint(program_pk),
    "modules:studio_module_create": Endpoint(
        program_pk, lambda w: {"title": "Housing", "estimated_minutes": 20}, "outline"
    ),
    "modules:studio_module_edit": Endpoint(
        lambda w: {"pk": w.program.pk, "module_pk": w.module.pk},
        lambda w: {"title": "Budgets, renamed", "required": "on", "estimated_minutes": 30},
    ),
    "modules:studio_module_move": Endpoint(
        lambda w: {"pk": w.program.pk, "module_pk": w.module.pk},
        lambda w: {"direction": "down"},
        "outline",
    ),
    "modules:studio_module_delete": Endpoint(
        lambda w: {"pk": w.program.pk, "module_pk": w.module.pk}
    ),
    "modules:studio_lesson_create": Endpoint(
        lambda w: {"pk": w.program.pk, "module_pk": w.module.pk}, lesson_data
    ),
    "modules:studio_lesson_edit": Endpoint(
        lambda w: {"pk": w.program.pk, "lesson_pk": w.reading.pk}, lesson_data
    ),
    "modules:studio_lesson_move": Endpoint(
        lambda w: {"pk": w.program.pk, "lesson_pk": w.reading.pk},
        lambda w: {"direction": "down"},
        "outline",
    ),
    "modules:studio_lesson_delete": Endpoint(
        lambda w: {"pk": w.program.pk, "lesson_pk": w.reflection.pk}
    ),
    "modules:studio_lesson_preview": Endpoint(
        lambda w: {"pk": w.program.pk, "lesson_pk": w.quiz.pk}
    ),
    "modules:studio_question_create": Endpoint(
        lambda w: {"pk": w.program.pk, "lesson_pk": w.quiz.pk}, question_data, "questions"
    ),
    "modules:studio_question_edit": Endpoint(
        lambda w: {"pk": w.program.pk, "question_pk": w.question.pk}, question_data
    ),
    "modules:studio_question_delete": Endpoint(
        lambda w: {"pk": w.program.pk, "question_pk": w.question.pk}
    ),
    "cohorts:cohort_detail": Endpoint(slug),
    "cohorts:cohort_join": Endpoint(slug),
    "cohorts:cohort_withdraw": Endpoint(slug),
    "cohorts:invitation": Endpoint(slug, lambda w: {"answer": "accept"}),
    "cohorts:my_cohorts": Endpoint(),
    "cohorts:manage": Endpoint(slug),
    "cohorts:application_decide": Endpoint(
        lambda w: {"slug": w.cohort.slug, "pk": w.application.pk},
        lambda w: {"decision": "approve", "message": "Welcome!"},
        "people",
    ),
    "cohorts:session_create": Endpoint(slug, session_data, "sessions"),
    "cohorts:session_edit": Endpoint(
        lambda w: {"slug": w.cohort.slug, "pk": w.session.pk},
        lambda w: {
            **session_data(w),
            "starts_at": _local(w, w.session.starts_at),
            "ends_at": _local(w, w.session.ends_at),
        },
    ),
    "cohorts:session_cancel": Endpoint(
        lambda w: {"slug": w.cohort.slug, "pk": w.session.pk}, target="sessions"
    ),
    "cohorts:announcement_create": Endpoint(
        slug, lambda w: {"title": "Reading", "body": "Chapter **two**."}, "announcements"
    ),
    "cohorts:invite": Endpoint(
        slug, lambda w: {"full_name": "Nia New", "email": "nia.new@example.org"}, "people"
    ),
    "cohorts:import_invitations": Endpoint(slug, csv_upload, "people"),
    "cohorts:enrollment_withdraw": Endpoint(
        lambda w: {"slug": w.cohort.slug, "pk": w.seat.pk}, target="people"
    ),
    "cohorts:enrollment_move": Endpoint(
        lambda w: {"slug": w.cohort.slug, "pk": w.seat.pk},
        lambda w: {"to_cohort": w.other.pk},
        "people",
    ),
    "cohorts:staff_cohort_list": Endpoint(target="cohort-results"),
    "cohorts:staff_cohort_create": Endpoint(data=cohort_data),
    "cohorts:staff_cohort_edit": Endpoint(
        slug,
        lambda w: cohort_data(
            w,
            name="Cohort A, renamed",
            slug=w.cohort.slug,
            status=w.cohort.status,
            starts_on=w.cohort.starts_on.isoformat(),
            ends_on=w.cohort.ends_on.isoformat(),
            requires_signoff="on",
        ),
    ),
    "cohorts:staff_cohort_archive": Endpoint(slug),
    "cohorts:session_ics": Endpoint(lambda w: {"slug": w.cohort.slug, "pk": w.session.pk}),
    "cohorts:personal_feed": Endpoint(lambda w: {"token": w.token}),
    "cohorts:cohort_feed": Endpoint(lambda w: {"token": w.token, "slug": w.cohort.slug}),
    "cohorts:calendar_reset": Endpoint(data=lambda w: {"next": "/"}),
    "cohorts:learn": Endpoint(slug),
    "cohorts:lesson": Endpoint(
        lambda w: {"slug": w.cohort.slug, "lesson_pk": w.reading.pk}, target="lesson-status"
    ),
    "cohorts:lesson_complete": Endpoint(
        lambda w: {"slug": w.cohort.slug, "lesson_pk": w.reading.pk}, target="lesson-status"
    ),
    "cohorts:lesson_check": Endpoint(
        lambda w: {"slug": w.cohort.slug, "lesson_pk": w.quiz.pk},
        lambda w: {f"q{w.question.pk}": str(w.right_choice.pk)},
        "quiz",
    ),
    "cohorts:lesson_reflect": Endpoint(
        lambda w: {"slug": w.cohort.slug, "lesson_pk": w.reflection.pk},
        lambda w: {"text": "Start with the budget hearings."},
        "reflection",
    ),
    "cohorts:progress_bars": Endpoint(
        lambda w: {"slug": w.cohort.slug, "lesson_pk": w.reading.pk}, target="progress-bars"
    ),
    "cohorts:attendance": Endpoint(
        lambda w: {"slug": w.cohort.slug, "pk": w.session.pk}, target="att-summary"
    ),
    "cohorts:attendance_all_present": Endpoint(
        lambda w: {"slug": w.cohort.slug, "pk": w.session.pk}, target="att-grid"
    ),
    "cohorts:attendance_mark": Endpoint(
        lambda w: {"slug": w.cohort.slug, "pk": w.session.pk, "enrollment_pk": w.seat.pk},
        lambda w: {"status": "present"},
        lambda w: f"att-row-{w.seat.pk}",
    ),
    "cohorts:reflections": Endpoint(slug, target="reflection-list"),
    "cohorts:reflection_feedback": Endpoint(
        lambda w: {"slug": w.cohort.slug, "pk": w.progress.pk},
        lambda w: {"feedback": "Good start.", "show": "needs-feedback"},
        lambda w: f"reflection-{w.progress.pk}",
    ),
    "cohorts:sign_off": Endpoint(
        lambda w: {"slug": w.cohort.slug, "pk": w.seat.pk},
        target=lambda w: f"signoff-{w.seat.pk}",
    ),
    "cohorts:roster": Endpoint(slug, target="roster-grid"),
    "cohorts:roster_csv": Endpoint(slug),
    "cohorts:staff_report": Endpoint(target="report-results"),
    "cohorts:staff_report_csv": Endpoint(),
    "certificates:verify_lookup": Endpoint(),
    "certificates:verify_json": Endpoint(lambda w: {"code": w.certificate.display_code}),
    "certificates:verify": Endpoint(lambda w: {"code": w.certificate.display_code}),
    "certificates:mine": Endpoint(),
    "certificates:download": Endpoint(lambda w: {"code": w.certificate.display_code}),
    "certificates:staff_list": Endpoint(target="certificate-results"),
    "certificates:staff_detail": Endpoint(
        lambda w: {"code": w.certificate.display_code},
        lambda w: {"action": "revoke", "revoke-public_reason": "Issued in error."},
    ),
    "certificates:cohort_issue": Endpoint(slug),
    "certificates:run_progress": Endpoint(
        lambda w: {"slug": w.cohort.slug, "pk": w.run.pk}, target="run-progress"
    ),
    "certificates:issue_one": Endpoint(lambda w: {"pk": w.seat.pk}),
    "certificates:template_edit": Endpoint(lambda w: {"slug": w.program.slug}, template_data),
    "certificates:template_preview": Endpoint(
        lambda w: {"slug": w.program.slug}, template_data, "certificate-preview"
    ),
}


# --- Every URL has an entry --------------------------------------------------------------

# Third-party URLs, checked by representative requests below rather than enumerated.
THIRD_PARTY_MODULES = ("allauth.",)
THIRD_PARTY_NAMESPACES = ("admin",)


def _walk(patterns, namespaces=()) -> Iterator[tuple[str | None, tuple, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            yield from _walk(pattern.url_patterns, inner)
        else:
            yield pattern.name, namespaces, pattern


def our_url_names() -> set[str]:
    names, unnamed = set(), []
    for name, namespaces, pattern in _walk(get_resolver().url_patterns):
        if namespaces[:1] and namespaces[0] in THIRD_PARTY_NAMESPACES:
            continue
        if pattern.callback.__module__.startswith(THIRD_PARTY_MODULES):
            continue
        if name is None:
            unnamed.append(str(pattern.pattern))
            continue
        names.add(":".join((*namespaces, name)))
    assert not unnamed, f"name these URL patterns so the matrix can list them: {unnamed}"
    return names


def test_every_url_of_ours_has_an_entry_in_the_matrix(world):
    names = our_url_names()
    assert names == set(EXPECTED), (
        f"missing from EXPECTED: {sorted(names - set(EXPECTED))}; "
        f"no longer a URL: {sorted(set(EXPECTED) - names)}"
    )
    assert set(ENDPOINTS) == names, "add the new URL to ENDPOINTS too"
    for name, endpoint in ENDPOINTS.items():
        assert resolve(reverse(name, kwargs=endpoint.kwargs(world))).view_name == name
    for name, table in EXPECTED.items():
        assert set(table) == set(ROLES), name
        assert all(set(answers) == set(MODES) for answers in table.values()), name


def test_our_apps_never_answer_403():
    """Other people's objects are a 404 like missing ones: a 403 would confirm they exist."""
    forbidden = [
        (name, role, mode)
        for name, table in EXPECTED.items()
        for role, answers in table.items()
        for mode, answer in answers.items()
        if answer == HTTPStatus.FORBIDDEN
    ]
    assert not forbidden


# --- Asking ------------------------------------------------------------------------------

# Tables a request could write to, in the apps of the platform (new models are included).
FINGERPRINTED_APPS = ("academy", "modules", "cohorts", "certificates")


def _fingerprinted_models() -> list:
    found = [EmailAddress]
    for label in FINGERPRINTED_APPS:
        found += apps.get_app_config(label).get_models(include_auto_created=True)
    return found


def _aggregates(model) -> Iterator[str]:
    """Cheap: the row count, and per column a max (dates, times) or a sum (numbers, booleans,
    text lengths), so an insert, a delete or an edit changes the result."""
    yield "COUNT(*)"
    for f in model._meta.concrete_fields:
        column = connection.ops.quote_name(f.column)
        if f.primary_key:
            continue
        if isinstance(f, models.DateField | models.DateTimeField):
            yield f"MAX({column})"
        elif isinstance(f, models.BooleanField):
            yield f"SUM(CASE WHEN {column} THEN 1 ELSE 0 END)"
        elif isinstance(f, models.IntegerField | models.ForeignKey):
            yield f"SUM({column})"
        elif isinstance(f, models.CharField | models.TextField | models.FileField):
            yield f"SUM(LENGTH({column}))"


@functools.cache
def _fingerprint_sql() -> str:
    """One statement, one subquery per table joining its aggregates as text; built once from
    the models (nothing from elsewhere goes into it)."""
    subqueries = []
    for model in _fingerprinted_models():
        row = " || '|' || ".join(
            f"COALESCE(CAST({aggregate} AS TEXT), '')" for aggregate in _aggregates(model)
        )
        table = connection.ops.quote_name(model._meta.db_table)
        subqueries.append(f"(SELECT {row} FROM {table})")
    return "SELECT " + ", ".join(subqueries)


def fingerprint() -> tuple:
    """Counts and aggregates of every table of the platform, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(_fingerprint_sql())
        return cursor.fetchone()


def _headers(endpoint: Endpoint, world: World, htmx: bool) -> dict:
    if not htmx:
        return {}
    headers = {"HTTP_HX_REQUEST": "true"}
    if target := endpoint.hx_target(world):
        headers["HTTP_HX_TARGET"] = target
    return headers


def _mismatch(response, expected, world: World) -> str:
    """What is wrong with the answer, or "" when it is the expected one."""
    status = response.status_code
    location = response.get("Location", "")
    if expected == LOGIN:
        ok = status == FOUND and location.startswith(reverse("account_login"))
    elif expected == JOIN:
        ok = status == FOUND and location == reverse(
            "cohorts:cohort_join", args=[world.cohort.slug]
        )
    elif expected == HX_REDIRECT:
        ok = status == OK and response.has_header("HX-Redirect")
    else:
        ok = status == expected
    return "" if ok else f"expected {expected}, got {status} {location}".rstrip()


def ask(client, world: World, name: str, kwargs: dict, mode: str, expected, before: tuple):
    """One request in a savepoint that is rolled back; the problems found, if any."""
    endpoint = ENDPOINTS[name]
    url = reverse(name, kwargs=kwargs)
    method, htmx = MODES[mode]
    headers = _headers(endpoint, world, htmx)
    with transaction.atomic():
        if method == "get":
            response = client.get(url, **headers)
        else:
            response = client.post(url, endpoint.data(world), **headers)
        if response.streaming:
            # Read it all (CSV rows are queried as they stream); the client's wrapper then
            # closes the response the way a WSGI server would.
            b"".join(response.streaming_content)
        problems = [_mismatch(response, expected, world)]
        if expected in REFUSED and fingerprint() != before:
            problems.append("refused, yet wrote to the database")
        transaction.set_rollback(True)
    problems = [p for p in problems if p]
    return f"{mode:9} {url} [{name}]: {'; '.join(problems)}" if problems else ""


def _sign_in(client, world: World, role: str) -> None:
    if world.users[role] is not None:
        client.force_login(world.users[role])


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, world, role):
    _sign_in(client, world, role)
    before = fingerprint()
    problems = []
    for name, endpoint in ENDPOINTS.items():
        kwargs = endpoint.kwargs(world)
        for mode in MODES:
            expected = EXPECTED[name][role][mode]
            problems.append(ask(client, world, name, kwargs, mode, expected, before))
    problems = [p for p in problems if p]
    assert fingerprint() == before
    assert not problems, f"as {role}:\n" + "\n".join(problems)


# --- Someone else's child under one's own parent, and missing objects ---------------------

MISSING = 999_999

# url name → kwargs that put a child of someone else's parent under a parent the role may
# use (cohort A, or A's program in the studio). Each must answer exactly like a missing one.
FOREIGN: dict[str, list[Callable[[World], dict]]] = {
    "cohorts:application_decide": [lambda w: {"slug": w.cohort.slug, "pk": w.other_seat.pk}],
    "cohorts:session_edit": [lambda w: {"slug": w.cohort.slug, "pk": w.other_session.pk}],
    "cohorts:session_cancel": [lambda w: {"slug": w.cohort.slug, "pk": w.other_session.pk}],
    "cohorts:enrollment_withdraw": [lambda w: {"slug": w.cohort.slug, "pk": w.other_seat.pk}],
    "cohorts:enrollment_move": [lambda w: {"slug": w.cohort.slug, "pk": w.other_seat.pk}],
    "cohorts:session_ics": [lambda w: {"slug": w.cohort.slug, "pk": w.other_session.pk}],
    "cohorts:cohort_feed": [lambda w: {"token": w.token, "slug": w.other.slug}],
    "cohorts:lesson": [lambda w: {"slug": w.cohort.slug, "lesson_pk": w.alien_lesson.pk}],
    "cohorts:lesson_complete": [lambda w: {"slug": w.cohort.slug, "lesson_pk": w.alien_lesson.pk}],
    "cohorts:lesson_check": [lambda w: {"slug": w.cohort.slug, "lesson_pk": w.alien_lesson.pk}],
    "cohorts:lesson_reflect": [lambda w: {"slug": w.cohort.slug, "lesson_pk": w.alien_lesson.pk}],
    "cohorts:progress_bars": [lambda w: {"slug": w.cohort.slug, "lesson_pk": w.alien_lesson.pk}],
    "cohorts:attendance": [lambda w: {"slug": w.cohort.slug, "pk": w.other_session.pk}],
    "cohorts:attendance_all_present": [lambda w: {"slug": w.cohort.slug, "pk": w.other_session.pk}],
    "cohorts:attendance_mark": [
        lambda w: {"slug": w.cohort.slug, "pk": w.session.pk, "enrollment_pk": w.other_seat.pk},
        lambda w: {"slug": w.cohort.slug, "pk": w.other_session.pk, "enrollment_pk": w.seat.pk},
    ],
    "cohorts:reflection_feedback": [lambda w: {"slug": w.cohort.slug, "pk": w.other_progress.pk}],
    "cohorts:sign_off": [lambda w: {"slug": w.cohort.slug, "pk": w.other_seat.pk}],
    "certificates:run_progress": [lambda w: {"slug": w.cohort.slug, "pk": w.other_run.pk}],
    "modules:studio_module_edit": [lambda w: {"pk": w.program.pk, "module_pk": w.alien_module.pk}],
    "modules:studio_module_move": [lambda w: {"pk": w.program.pk, "module_pk": w.alien_module.pk}],
    "modules:studio_module_delete": [
        lambda w: {"pk": w.program.pk, "module_pk": w.alien_module.pk}
    ],
    "modules:studio_lesson_create": [
        lambda w: {"pk": w.program.pk, "module_pk": w.alien_module.pk}
    ],
    "modules:studio_lesson_edit": [lambda w: {"pk": w.program.pk, "lesson_pk": w.alien_lesson.pk}],
    "modules:studio_lesson_move": [lambda w: {"pk": w.program.pk, "lesson_pk": w.alien_lesson.pk}],
    "modules:studio_lesson_delete": [
        lambda w: {"pk": w.program.pk, "lesson_pk": w.alien_lesson.pk}
    ],
    "modules:studio_lesson_preview": [
        lambda w: {"pk": w.program.pk, "lesson_pk": w.alien_lesson.pk}
    ],
    "modules:studio_question_create": [
        lambda w: {"pk": w.program.pk, "lesson_pk": w.alien_lesson.pk}
    ],
    "modules:studio_question_edit": [
        lambda w: {"pk": w.program.pk, "question_pk": w.alien_question.pk}
    ],
    "modules:studio_question_delete": [
        lambda w: {"pk": w.program.pk, "question_pk": w.alien_question.pk}
    ],
}


def _missing(kwargs: dict) -> dict:
    """The same address with the last object reference pointing at nothing."""
    key = list(kwargs)[-1]
    value = MISSING if isinstance(kwargs[key], int) else "missing"
    return {**kwargs, key: value}


@pytest.mark.parametrize("role", ["facilitator", "member", "staff"])
def test_someone_elses_child_is_a_404_like_a_missing_one(client, world, role):
    """Children are reached through the parent: a valid parent does not open another
    parent's child. The answer is the one a missing object gets."""
    _sign_in(client, world, role)
    before = fingerprint()
    problems = []
    for name, variants in FOREIGN.items():
        table = EXPECTED[name][role]
        if all(answer in REFUSED for answer in table.values()):
            continue  # this role may not use the URL at all: the matrix covers it
        for build in variants:
            kwargs = build(world)
            for mode in MODES:
                expected = NA if table[mode] == NA else NF
                for variant in (kwargs, _missing(kwargs)):
                    problems.append(ask(client, world, name, variant, mode, expected, before))
    problems = [p for p in problems if p]
    assert fingerprint() == before
    assert not problems, f"as {role}:\n" + "\n".join(problems)


def test_missing_parents_are_404_for_those_who_may_use_the_url(client, world):
    """Staff may use every URL; for them an unknown cohort, program or code is a 404."""
    _sign_in(client, world, "staff")
    before = fingerprint()
    problems = []
    for name, endpoint in ENDPOINTS.items():
        kwargs = endpoint.kwargs(world)
        if not kwargs or name in {"cohorts:personal_feed", "cohorts:cohort_feed"}:
            continue
        unknown = {k: MISSING if isinstance(v, int) else "missing" for k, v in kwargs.items()}
        if "code" in unknown:
            unknown["code"] = "0000-0000-0000"
        for mode in ("page", "post"):
            answer = EXPECTED[name]["staff"][mode]
            expected = NA if answer == NA else NF
            if name == "cohorts:cohort_detail":
                expected = NF if mode == "page" else NA
            problems.append(ask(client, world, name, unknown, mode, expected, before))
    problems = [p for p in problems if p]
    assert not problems, "\n".join(problems)


def test_an_unknown_feed_token_is_a_404(client, world):
    before = fingerprint()
    for name, kwargs in [
        ("cohorts:personal_feed", {"token": "not-a-token"}),
        ("cohorts:cohort_feed", {"token": "not-a-token", "slug": world.cohort.slug}),
    ]:
        assert not ask(client, world, name, kwargs, "page", NF, before)


# url name, kwargs → the answers for what is not published yet (a draft program, a draft
# cohort): outsiders get a 404 even where the published one would be public.
UNPUBLISHED: list[tuple[str, Callable[[World], dict], Table]] = [
    ("modules:program_detail", lambda w: {"slug": w.alien.slug}, rule(STAFF, get=OK, anonymous=NF)),
    (
        "cohorts:cohort_join",
        lambda w: {"slug": w.draft.slug},
        rule(NOBODY, get=OK, post=SEE, anonymous=NF),
    ),
    ("cohorts:cohort_detail", lambda w: {"slug": w.draft.slug}, rule(MANAGERS, get=OK)),
    ("cohorts:manage", lambda w: {"slug": w.draft.slug}, MANAGER_PAGE),
]


@pytest.mark.parametrize("role", ROLES)
def test_drafts_are_404_to_everyone_else(client, world, role):
    _sign_in(client, world, role)
    before = fingerprint()
    problems = [
        ask(client, world, name, kwargs(world), mode, table[role][mode], before)
        for name, kwargs, table in UNPUBLISHED
        for mode in MODES
    ]
    problems = [p for p in problems if p]
    assert not problems, f"as {role}:\n" + "\n".join(problems)


def test_the_fingerprint_notices_writes(world):
    """The check that refused requests wrote nothing is only as good as the fingerprint."""
    writes = [
        lambda: Lesson.objects.filter(pk=world.reading.pk).update(title="Read the budget!"),
        lambda: cohort_services.enrollment_withdraw(enrollment=world.seat, actor=world.seat.user),
        lambda: world.cohort.facilitators.add(world.users["participant"]),
        lambda: cohort_services.calendar_token_reset(user=world.seat.user),
        lambda: certificate_services.certificate_revoke(
            certificate=world.certificate, actor=world.users["staff"], public_reason="Error."
        ),
        lambda: Choice.objects.filter(pk=world.right_choice.pk).update(is_correct=False),
    ]
    before = fingerprint()
    for write in writes:
        with transaction.atomic():
            write()
            assert fingerprint() != before
            transaction.set_rollback(True)
        assert fingerprint() == before


# --- allauth and the admin: representative checks ----------------------------------------

ADMIN_AND_ACCOUNTS = {
    # role: (admin index after redirects, allauth's email page)
    "anonymous": ("login page", LOGIN),
    "participant": (HTTPStatus.FORBIDDEN, OK),
    "member": (HTTPStatus.FORBIDDEN, OK),
    "facilitator": (HTTPStatus.FORBIDDEN, OK),
    "staff": (OK, OK),
}


@pytest.mark.parametrize("role", ADMIN_AND_ACCOUNTS)
def test_admin_and_accounts(client, world, role):
    """The admin signs people in through allauth and refuses everyone but staff (a 403 is
    the admin's own answer); allauth's account pages need a sign-in."""
    admin_answer, email_answer = ADMIN_AND_ACCOUNTS[role]
    _sign_in(client, world, role)
    response = client.get(reverse("admin:index"), follow=True)
    if admin_answer == "login page":
        assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
        assert response.status_code == OK
    else:
        assert response.status_code == admin_answer
    response = client.get(reverse("admin:academy_user_changelist"))
    if role == "staff":
        assert response.status_code == OK
    else:
        assert response.status_code == FOUND
    assert not _mismatch(client.get(reverse("account_email")), email_answer, world)
    assert client.get(reverse("account_login")).status_code in (OK, FOUND)
