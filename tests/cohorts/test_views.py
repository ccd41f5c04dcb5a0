"""Cohort pages: the participant views, the facilitator pages, the staff screens.

A permission matrix covers every URL served by cohorts.views, cohorts.facilitate and
cohorts.staff for every role and method (a new URL without an entry fails); then each view's
behaviour, HTMX answers included, and the query counts of the pages at two sizes.
"""

import itertools
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from http import HTTPStatus
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLResolver, resolve, reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from academy.models import User
from cohorts import services
from cohorts.models import (
    Announcement,
    Cohort,
    Enrollment,
    EnrollmentTransition,
    Session,
)
from modules.models import Program
from tests.factories import ModuleFactory, ProgramFactory, UserFactory, published_program

pytestmark = pytest.mark.django_db

S = Enrollment.Status
HX = {"HTTP_HX_REQUEST": "true"}
NEW_YORK = ZoneInfo("America/New_York")
_numbers = itertools.count(1)


# --- Local helpers (rows made with the ORM and the services) -------------------------------


def make_cohort(program: Program | None = None, *, facilitators=(), **fields) -> Cohort:
    n = next(_numbers)
    values = {
        "name": f"Academy 2027 · Cohort {n}",
        "slug": f"cohort-{n}",
        "starts_on": date(2027, 3, 1),
        "ends_on": date(2027, 6, 30),
        "time_zone": "America/New_York",
        "capacity": 30,
        "enrollment_mode": Cohort.EnrollmentMode.OPEN,
        "status": Cohort.Status.OPEN,
        **fields,
    }
    return services.cohort_create(
        program=program or ProgramFactory(), facilitators=facilitators, **values
    )


def enroll(cohort: Cohort, user: User | None = None, status: str = S.ENROLLED, **fields):
    if status == S.WAITLISTED:
        fields.setdefault("waitlisted_at", timezone.now())
    if status in Enrollment.SEAT_HOLDING:
        fields.setdefault("enrolled_at", timezone.now())
    return Enrollment.objects.create(
        cohort=cohort, user=user or UserFactory(), status=status, **fields
    )


def make_session(cohort: Cohort, starts_at: datetime | None = None, **fields) -> Session:
    starts_at = starts_at or datetime(2027, 3, 2, 19, 0, tzinfo=ZoneInfo(cohort.time_zone))
    values = {
        "title": "Budgets as moral documents",
        "ends_at": starts_at + timedelta(minutes=90),
        "online_url": "https://meet.example.org/budget",
        **fields,
    }
    return Session.objects.create(cohort=cohort, starts_at=starts_at, **values)


def manage_url(cohort: Cohort) -> str:
    return reverse("cohorts:manage", args=[cohort.slug])


def join_url(cohort: Cohort) -> str:
    return reverse("cohorts:cohort_join", args=[cohort.slug])


def text(response) -> str:
    return response.content.decode()


def is_whole_page(response) -> bool:
    return "<html" in text(response)


def session_data(**overrides) -> dict:
    return {
        "title": "Reading the budget",
        "starts_at": "2027-03-02T19:00",
        "ends_at": "2027-03-02T20:30",
        "online_url": "https://meet.example.org/budget",
        "location": "",
        "module": "",
        "notes": "",
        "recording_url": "",
        **overrides,
    }


def cohort_data(program: Program, **overrides) -> dict:
    return {
        "program": program.pk,
        "name": "Academy 2028 · Spring",
        "slug": "academy-2028-spring",
        "status": Cohort.Status.DRAFT,
        "starts_on": "2028-03-01",
        "ends_on": "2028-06-30",
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


def csv_upload(content: str, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode(), content_type="text/csv")


def snapshot() -> tuple:
    """Everything a cohort view may write, to prove that a refused request wrote nothing."""
    return (
        list(
            Enrollment.objects.order_by("pk").values_list(
                "pk", "cohort_id", "user_id", "status", "decision_message", "moved_to_id"
            )
        ),
        EnrollmentTransition.objects.count(),
        list(
            Session.objects.order_by("pk").values_list(
                "pk", "title", "starts_at", "sequence", "cancelled_at"
            )
        ),
        list(Announcement.objects.order_by("pk").values_list("pk", flat=True)),
        list(Cohort.objects.order_by("pk").values_list("pk", "name", "slug", "status", "capacity")),
        list(Cohort.facilitators.through.objects.order_by("pk").values_list("cohort", "user")),
        list(User.objects.order_by("pk").values_list("pk", "email", "password")),
        EmailAddress.objects.count(),
    )


@contextmanager
def rolled_back():
    """Run one request and undo what it wrote, so the next method meets the same world."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# --- The permission matrix -------------------------------------------------------------------

ROLES = [
    "anonymous",
    "participant",  # signed in, not in the cohort
    "member",  # enrolled in this cohort
    "other_member",  # enrolled in another cohort
    "invitee",  # invited to this cohort, not yet answered
    "facilitator",  # of this cohort
    "other_facilitator",  # of another cohort
    "staff",
]

LOGIN = "login redirect"
JOIN = "redirect to the join page"
CLIENT_REDIRECT = "HX-Redirect"
OK, SEE, NF, NA = HTTPStatus.OK, HTTPStatus.SEE_OTHER, HTTPStatus.NOT_FOUND, 405
REFUSED = {LOGIN, JOIN, NF, NA}


def _roles(default: tuple, **by_role: tuple) -> dict[str, tuple]:
    """(answer to GET, answer to POST) for each role."""
    assert set(by_role) <= set(ROLES)
    return {role: by_role.get(role, default) for role in ROLES}


# A GET with HX-Request answers like a plain GET; an HTMX POST like a POST, except that a 303
# becomes a client-side redirect, or the swapped partial for the views in PARTIAL_POSTS.
EXPECTED: dict[str, dict[str, tuple]] = {
    # Participants
    "cohort_detail": _roles(
        (JOIN, NA), anonymous=(LOGIN, NA), member=(OK, NA), facilitator=(OK, NA), staff=(OK, NA)
    ),
    "cohort_join": _roles((OK, SEE), anonymous=(OK, LOGIN)),
    "cohort_withdraw": _roles((NF, NF), anonymous=(LOGIN, LOGIN), member=(OK, SEE)),
    "invitation": _roles((NF, NF), anonymous=(LOGIN, LOGIN), invitee=(OK, SEE)),
    # Facilitators of the cohort, and staff
    "my_cohorts": _roles((OK, NA), anonymous=(LOGIN, NA)),
    "manage": _roles((NF, NA), anonymous=(LOGIN, NA), facilitator=(OK, NA), staff=(OK, NA)),
    "application_decide": _roles(
        (NA, NF), anonymous=(NA, LOGIN), facilitator=(NA, SEE), staff=(NA, SEE)
    ),
    "session_create": _roles(
        (NA, NF), anonymous=(NA, LOGIN), facilitator=(NA, SEE), staff=(NA, SEE)
    ),
    "session_edit": _roles(
        (NF, NF), anonymous=(LOGIN, LOGIN), facilitator=(OK, SEE), staff=(OK, SEE)
    ),
    "session_cancel": _roles(
        (NF, NF), anonymous=(LOGIN, LOGIN), facilitator=(OK, SEE), staff=(OK, SEE)
    ),
    "announcement_create": _roles(
        (NA, NF), anonymous=(NA, LOGIN), facilitator=(NA, SEE), staff=(NA, SEE)
    ),
    # Staff-only roster actions: facilitators of the cohort get a 404 too
    "invite": _roles((NA, NF), anonymous=(NA, LOGIN), staff=(NA, SEE)),
    "import_invitations": _roles((NA, NF), anonymous=(NA, LOGIN), staff=(NA, SEE)),
    "enrollment_withdraw": _roles((NF, NF), anonymous=(LOGIN, LOGIN), staff=(OK, SEE)),
    "enrollment_move": _roles((NF, NF), anonymous=(LOGIN, LOGIN), staff=(OK, SEE)),
    # Staff screens
    "staff_cohort_list": _roles((NF, NA), anonymous=(LOGIN, NA), staff=(OK, NA)),
    "staff_cohort_create": _roles((NF, NF), anonymous=(LOGIN, LOGIN), staff=(OK, SEE)),
    "staff_cohort_edit": _roles((NF, NF), anonymous=(LOGIN, LOGIN), staff=(OK, SEE)),
    "staff_cohort_archive": _roles((NA, NF), anonymous=(NA, LOGIN), staff=(NA, SEE)),
}
PARTIAL_POSTS = {"application_decide", "session_create", "announcement_create"}
# Allowed POSTs that have nothing to do: people who already have a place in the cohort.
NO_OP_POSTS = {("cohort_join", "member"), ("cohort_join", "invitee")}


@dataclass
class Endpoint:
    url: str
    data: Callable[[], dict] = dict
    target: str = ""  # the HX-Target an HTMX request of the page would carry


@dataclass
class World:
    cohort: Cohort
    other: Cohort
    target: Cohort
    application: Enrollment
    seat: Enrollment
    session: Session
    users: dict[str, User | None] = field(default_factory=dict)

    def endpoints(self) -> dict[str, Endpoint]:
        slug, c = self.cohort.slug, self.cohort

        def url(name: str, *args) -> str:
            return reverse(f"cohorts:{name}", args=[slug, *args])

        return {
            "cohort_detail": Endpoint(url("cohort_detail")),
            "cohort_join": Endpoint(url("cohort_join")),
            "cohort_withdraw": Endpoint(url("cohort_withdraw")),
            "invitation": Endpoint(url("invitation"), lambda: {"answer": "accept"}),
            "my_cohorts": Endpoint(reverse("cohorts:my_cohorts")),
            "manage": Endpoint(url("manage")),
            "application_decide": Endpoint(
                url("application_decide", self.application.pk),
                lambda: {"decision": "approve", "message": "Welcome!"},
                "people",
            ),
            "session_create": Endpoint(url("session_create"), session_data, "sessions"),
            "session_edit": Endpoint(
                url("session_edit", self.session.pk),
                lambda: session_data(title="Renamed"),
                "sessions",
            ),
            "session_cancel": Endpoint(url("session_cancel", self.session.pk), target="sessions"),
            "announcement_create": Endpoint(
                url("announcement_create"),
                lambda: {"title": "Welcome", "body": "See you **Tuesday**."},
                "announcements",
            ),
            "invite": Endpoint(
                url("invite"),
                lambda: {"full_name": "Nia New", "email": "nia.new@example.org"},
                "people",
            ),
            "import_invitations": Endpoint(
                url("import_invitations"),
                lambda: {"file": csv_upload("name,email\nNia New,nia.new@example.org\n")},
                "people",
            ),
            "enrollment_withdraw": Endpoint(
                url("enrollment_withdraw", self.seat.pk), target="people"
            ),
            "enrollment_move": Endpoint(
                url("enrollment_move", self.seat.pk),
                lambda: {"to_cohort": self.target.pk},
                "people",
            ),
            "staff_cohort_list": Endpoint(
                reverse("cohorts:staff_cohort_list"), target="cohort-results"
            ),
            "staff_cohort_create": Endpoint(
                reverse("cohorts:staff_cohort_create"), lambda: cohort_data(c.program)
            ),
            "staff_cohort_edit": Endpoint(
                url("staff_cohort_edit"),
                lambda: cohort_data(
                    c.program, name="Renamed", slug=slug, status=c.status, starts_on="2027-03-01"
                ),
            ),
            "staff_cohort_archive": Endpoint(url("staff_cohort_archive")),
        }


@pytest.fixture
def world(participant, facilitator, other_facilitator, staff) -> World:
    program = ProgramFactory()
    ModuleFactory(program=program)
    cohort = make_cohort(
        program, slug="spring", facilitators=[facilitator], time_zone="America/Chicago"
    )
    other = make_cohort(slug="autumn", facilitators=[other_facilitator])
    target = make_cohort(program, slug="summer")
    member = UserFactory(full_name="Mia Member")
    other_member = UserFactory(full_name="Omar Othermember")
    invitee = UserFactory(full_name="Ines Invitee")
    seat = enroll(cohort, member)
    enroll(other, other_member)
    enroll(cohort, invitee, S.INVITED)
    application = enroll(
        cohort,
        UserFactory(full_name="Abe Applicant"),
        S.APPLIED,
        application_answers=[{"question": "Why?", "answer": "Housing."}],
    )
    return World(
        cohort=cohort,
        other=other,
        target=target,
        application=application,
        seat=seat,
        session=make_session(cohort),
        users={
            "anonymous": None,
            "participant": participant,
            "member": member,
            "other_member": other_member,
            "invitee": invitee,
            "facilitator": facilitator,
            "other_facilitator": other_facilitator,
            "staff": staff,
        },
    )


# This matrix covers the views of cohorts.views, cohorts.facilitate and cohorts.staff. The
# URLs of these other modules are someone else's matrix; a module not listed here fails.
COVERED_MODULES = {"cohorts.views", "cohorts.facilitate", "cohorts.staff"}
TESTED_ELSEWHERE = {
    "cohorts.feeds",  # tests/cohorts/test_calendar.py
    "cohorts.learn",
    "cohorts.attendance",
    "cohorts.report_views",
}


def _views(patterns) -> dict[str, str]:
    """Every named URL of cohorts.urls, included ones too, with the module of its view."""
    views = {}
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            views |= _views(pattern.url_patterns)
        else:
            views[pattern.name] = pattern.callback.__module__
    return views


def test_every_cohort_url_has_an_entry_in_the_matrix(world):
    from cohorts.urls import urlpatterns

    views = _views(urlpatterns)
    assert set(views.values()) <= COVERED_MODULES | TESTED_ELSEWHERE
    names = {name for name, module in views.items() if module in COVERED_MODULES}
    assert names == set(EXPECTED), "add the new URL to EXPECTED (and World.endpoints)"
    endpoints = world.endpoints()
    assert set(endpoints) == names
    for name, endpoint in endpoints.items():
        assert resolve(endpoint.url).url_name == name


def _answer(name: str, role: str, method: str, htmx: bool):
    get, post = EXPECTED[name][role]
    if method == "GET":
        return get
    if htmx and post == SEE:
        return OK if name in PARTIAL_POSTS else CLIENT_REDIRECT
    return post


def _mismatch(response, expected, world: World) -> str:
    """What is wrong with the answer, or "" when it is the expected one."""
    status = response.status_code
    if expected == LOGIN:
        ok = status == HTTPStatus.FOUND and response["Location"].startswith("/accounts/login/")
    elif expected == JOIN:
        ok = status == HTTPStatus.FOUND and response["Location"] == join_url(world.cohort)
    elif expected == CLIENT_REDIRECT:
        ok = status == HTTPStatus.OK and response.has_header("HX-Redirect")
    else:
        ok = status == expected
    return "" if ok else f"expected {expected}, got {status} {response.get('Location', '')}"


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, world, role):
    """Every URL × {GET, HTMX GET, POST, HTMX POST} for one role. Each request is rolled back,
    so every one meets the same world; every mismatch is reported, not just the first."""
    if world.users[role] is not None:
        client.force_login(world.users[role])
    before = snapshot()
    problems = []
    for name, endpoint in world.endpoints().items():
        for method, htmx in [("GET", False), ("GET", True), ("POST", False), ("POST", True)]:
            expected = _answer(name, role, method, htmx)
            headers = {}
            if htmx:
                headers = {**HX, "HTTP_HX_TARGET": endpoint.target} if endpoint.target else HX
            with rolled_back():
                if method == "GET":
                    response = client.get(endpoint.url, **headers)
                else:
                    response = client.post(endpoint.url, endpoint.data(), **headers)
                found = [_mismatch(response, expected, world)]
                changed = snapshot() != before
                if changed and (method == "GET" or expected in REFUSED):
                    found.append("changed the database")
                elif not changed and method == "POST" and expected not in REFUSED:
                    found.append("" if (name, role) in NO_OP_POSTS else "did nothing")
                if htmx and method == "POST" and name in PARTIAL_POSTS and expected == OK:
                    found.append("a whole page, not the partial" if is_whole_page(response) else "")
            if any(found):
                where = f"{method}{' (htmx)' if htmx else ''} {endpoint.url} [{name}]"
                problems.append(f"{where}: {'; '.join(f for f in found if f)}")
    assert snapshot() == before
    assert not problems, f"as {role}:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("status", "page", "post"),
    [
        ("draft", NF, NF),
        ("open", OK, SEE),
        ("running", OK, HTTPStatus.UNPROCESSABLE_ENTITY),  # enrollment closed
        ("finished", OK, HTTPStatus.UNPROCESSABLE_ENTITY),
        ("archived", NF, NF),
    ],
)
def test_outsiders_see_only_public_cohorts(
    client, participant, facilitator, staff, status, page, post
):
    cohort = make_cohort(status=status, facilitators=[facilitator])
    member = enroll(cohort).user
    detail = cohort.get_absolute_url()

    assert client.get(join_url(cohort)).status_code == page
    client.force_login(participant)
    assert client.get(join_url(cohort)).status_code == page
    response = client.get(detail)
    if page == OK:
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"] == join_url(cohort)
    else:
        assert response.status_code == NF
    before = snapshot()
    assert client.post(join_url(cohort)).status_code == post
    if post != SEE:
        assert snapshot() == before
    # Members, the cohort's facilitators and staff see the cohort page whatever its status.
    for user in (member, facilitator, staff):
        client.force_login(user)
        assert client.get(detail).status_code == OK, user


def test_someone_elses_objects_are_404_through_my_cohort(client, facilitator):
    """Children are reached through the parent: another cohort's session or application is
    a 404 even in a cohort I manage."""
    mine = make_cohort(facilitators=[facilitator])
    theirs = make_cohort()
    session = make_session(theirs)
    application = enroll(theirs, status=S.APPLIED)
    seat = enroll(theirs)
    staff = UserFactory(is_staff=True)
    client.force_login(facilitator)
    before = snapshot()
    for url in (
        reverse("cohorts:session_edit", args=[mine.slug, session.pk]),
        reverse("cohorts:session_cancel", args=[mine.slug, session.pk]),
    ):
        assert client.get(url).status_code == NF
        assert client.post(url, session_data()).status_code == NF
    url = reverse("cohorts:application_decide", args=[mine.slug, application.pk])
    assert client.post(url, {"decision": "approve"}).status_code == NF
    client.force_login(staff)
    for name in ("enrollment_withdraw", "enrollment_move"):
        url = reverse(f"cohorts:{name}", args=[mine.slug, seat.pk])
        assert client.get(url).status_code == NF
        assert client.post(url).status_code == NF
    assert snapshot() == before


# --- Joining: enroll, waitlist, apply ------------------------------------------------------


def test_enrolling_in_an_open_cohort(client, participant):
    cohort = make_cohort(capacity=2)
    client.force_login(participant)
    assertContains(client.get(join_url(cohort)), "2 seats left.")

    response = client.post(join_url(cohort))

    assert response.status_code == SEE
    assert response["Location"] == cohort.get_absolute_url()
    enrollment = Enrollment.objects.get(cohort=cohort, user=participant)
    assert enrollment.status == S.ENROLLED
    assertContains(client.get(response["Location"]), "You are enrolled. Welcome to the cohort!")


def test_enrolling_in_a_full_cohort_puts_you_on_the_waitlist(client, participant):
    cohort = make_cohort(capacity=1)
    enroll(cohort)
    client.force_login(participant)
    assertContains(client.get(join_url(cohort)), "Join the waitlist")

    response = client.post(join_url(cohort), follow=True)

    assert response.redirect_chain == [(join_url(cohort), SEE)]
    assertContains(response, "you are on the waitlist")
    enrollment = Enrollment.objects.get(cohort=cohort, user=participant)
    assert enrollment.status == S.WAITLISTED
    assert enrollment.waitlisted_at is not None


def test_applying_stores_the_answers(client, participant):
    cohort = make_cohort(
        enrollment_mode=Cohort.EnrollmentMode.APPLICATION,
        application_questions="What office do you hold?\nWhat will you change?",
    )
    client.force_login(participant)
    page = client.get(join_url(cohort))
    assertContains(page, "What office do you hold?")
    assertContains(page, "Send application")

    response = client.post(
        join_url(cohort), {"answer_0": "City council", "answer_1": " Zoning reform "}
    )

    assert response.status_code == SEE
    assert response["Location"] == join_url(cohort)
    enrollment = Enrollment.objects.get(cohort=cohort, user=participant)
    assert enrollment.status == S.APPLIED
    assert enrollment.application_answers == [
        {"question": "What office do you hold?", "answer": "City council"},
        {"question": "What will you change?", "answer": "Zoning reform"},
    ]
    assertContains(client.get(join_url(cohort)), "Your application is with the facilitators")


def test_an_application_missing_an_answer_is_422_and_writes_nothing(client, participant):
    cohort = make_cohort(
        enrollment_mode=Cohort.EnrollmentMode.APPLICATION,
        application_questions="What office do you hold?\nWhat will you change?",
    )
    client.force_login(participant)

    response = client.post(join_url(cohort), {"answer_0": "City council", "answer_1": "  "})

    assertContains(response, "This field is required.", status_code=422)
    assert not Enrollment.objects.exists()
    assert not EnrollmentTransition.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"enrollment_closes_at": datetime(2026, 1, 1, tzinfo=UTC)},
        {"enrollment_opens_at": datetime(2099, 1, 1, tzinfo=UTC)},
        {"status": Cohort.Status.RUNNING},
    ],
)
def test_enrolling_when_enrollment_is_closed_is_422(client, participant, fields):
    cohort = make_cohort(**fields)
    client.force_login(participant)
    assertContains(client.get(join_url(cohort)), "Enrollment is closed")

    response = client.post(join_url(cohort))

    assertContains(response, "Enrollment in this cohort is closed.", status_code=422)
    assert not Enrollment.objects.exists()


def test_an_invitation_only_cohort_cannot_be_joined(client, participant):
    cohort = make_cohort(enrollment_mode=Cohort.EnrollmentMode.INVITE)
    client.force_login(participant)
    assertContains(client.get(join_url(cohort)), "By invitation")
    response = client.post(join_url(cohort))
    assertContains(response, "invitation only", status_code=422)
    assert not Enrollment.objects.exists()


def test_visitors_are_asked_to_sign_in_before_enrolling(client):
    cohort = make_cohort()
    page = client.get(join_url(cohort))
    assertContains(page, "Sign in or create an account to enroll.")
    response = client.post(join_url(cohort))
    assert response["Location"] == f"/accounts/login/?next={join_url(cohort)}"
    assert not Enrollment.objects.exists()


# --- Deciding applications --------------------------------------------------------------------


@pytest.fixture
def applied(facilitator):
    cohort = make_cohort(enrollment_mode=Cohort.EnrollmentMode.APPLICATION, capacity=2)
    cohort.facilitators.add(facilitator)
    return enroll(
        cohort,
        UserFactory(full_name="Abe Applicant"),
        S.APPLIED,
        application_answers=[{"question": "Why?", "answer": "Housing."}],
    )


def decide_url(enrollment: Enrollment) -> str:
    return reverse("cohorts:application_decide", args=[enrollment.cohort.slug, enrollment.pk])


PEOPLE = {**HX, "HTTP_HX_TARGET": "people"}


@pytest.mark.parametrize(
    ("decision", "status", "message"),
    [
        ("approve", S.ENROLLED, "Abe Applicant is enrolled."),
        ("decline", S.DECLINED, "Declined Abe Applicant&#x27;s application."),
    ],
)
def test_deciding_over_htmx_returns_the_people_partial(
    client, facilitator, applied, decision, status, message
):
    client.force_login(facilitator)
    assertContains(client.get(manage_url(applied.cohort)), "Housing.")

    response = client.post(
        decide_url(applied), {"decision": decision, "message": "Thanks!"}, **PEOPLE
    )

    assert response.status_code == OK
    assert text(response).lstrip().startswith('<section id="people"')
    assert not is_whole_page(response)
    assertContains(response, message)
    assertContains(response, 'id="messages"')
    assertContains(response, 'hx-swap-oob="true"')
    seats = 1 if status == S.ENROLLED else 0
    assertContains(
        response, f'<span id="seat-count" hx-swap-oob="true">{seats} of 2 seats taken</span>'
    )
    applied.refresh_from_db()
    assert applied.status == status
    assert applied.decision_message == "Thanks!"


def test_approving_without_htmx_redirects_to_the_people(client, facilitator, applied):
    client.force_login(facilitator)
    response = client.post(decide_url(applied), {"decision": "approve"})
    assert response.status_code == SEE
    assert response["Location"] == manage_url(applied.cohort) + "#people"
    applied.refresh_from_db()
    assert applied.status == S.ENROLLED


def test_boosted_requests_get_a_page_not_the_partial(client, facilitator, applied):
    client.force_login(facilitator)
    response = client.post(
        decide_url(applied), {"decision": "approve"}, HTTP_HX_BOOSTED="true", **PEOPLE
    )
    assert response.status_code == SEE


def test_approving_when_full_puts_the_applicant_on_the_waitlist(client, facilitator, applied):
    enroll(applied.cohort)
    enroll(applied.cohort)
    client.force_login(facilitator)

    response = client.post(decide_url(applied), {"decision": "approve"}, **PEOPLE)

    assertContains(response, "The cohort is full: Abe Applicant is on the waitlist.")
    applied.refresh_from_db()
    assert applied.status == S.WAITLISTED


def test_the_people_partial_shows_dates_in_cohort_time_like_the_page(client, facilitator):
    """Facilitator in New York, cohort in Honolulu: 08:00 UTC is Mar 3 in one, Mar 2 in the other."""
    cohort = make_cohort(facilitators=[facilitator], time_zone="Pacific/Honolulu", capacity=1)
    enroll(cohort)
    enroll(cohort, status=S.WAITLISTED, waitlisted_at=datetime(2027, 3, 3, 8, 0, tzinfo=UTC))
    application = enroll(cohort, UserFactory(full_name="Abe Applicant"), S.APPLIED)
    client.force_login(facilitator)
    assertContains(client.get(manage_url(cohort)), "since Mar 2")

    response = client.post(decide_url(application), {"decision": "approve"}, **PEOPLE)

    assertContains(response, "since Mar 2")
    assertNotContains(response, "since Mar 3")


def test_an_invalid_decision_is_400(client, facilitator, applied):
    client.force_login(facilitator)
    for data in ({"decision": "maybe"}, {}, {"decision": "approve", "message": "x" * 2001}):
        response = client.post(decide_url(applied), data, **PEOPLE)
        assert response.status_code == HTTPStatus.BAD_REQUEST
    applied.refresh_from_db()
    assert applied.status == S.APPLIED


def test_deciding_twice_is_422_with_the_reason(client, facilitator, applied):
    client.force_login(facilitator)
    client.post(decide_url(applied), {"decision": "approve"}, **PEOPLE)
    response = client.post(decide_url(applied), {"decision": "approve"}, **PEOPLE)
    assertContains(response, "Only applications can be approved.", status_code=422)


def test_facilitators_cannot_decline_an_invitation(client, facilitator, applied):
    """Invitations are staff business, answered by the invitee: not an application."""
    invited = enroll(applied.cohort, status=S.INVITED)
    client.force_login(facilitator)
    response = client.post(decide_url(invited), {"decision": "decline"}, **PEOPLE)
    assert response.status_code == NF
    invited.refresh_from_db()
    assert invited.status == S.INVITED


# --- Sessions -------------------------------------------------------------------------------


SESSIONS = {**HX, "HTTP_HX_TARGET": "sessions"}


@pytest.fixture
def chicago(facilitator):
    return make_cohort(facilitators=[facilitator], time_zone="America/Chicago")


def test_an_invalid_session_over_htmx_is_422_with_the_errors(client, facilitator, chicago):
    client.force_login(facilitator)
    url = reverse("cohorts:session_create", args=[chicago.slug])

    response = client.post(url, session_data(ends_at="2027-03-02T18:00", online_url=""), **SESSIONS)

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert text(response).lstrip().startswith('<section id="sessions"')
    assertContains(response, "The session must end after it starts.", status_code=422)
    assertContains(response, "Give an online meeting link or a place.", status_code=422)
    assert not Session.objects.exists()


def test_an_invalid_session_without_htmx_is_the_whole_page(client, facilitator, chicago):
    client.force_login(facilitator)
    url = reverse("cohorts:session_create", args=[chicago.slug])
    response = client.post(url, session_data(title=""))
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert is_whole_page(response)
    assert not Session.objects.exists()


def test_session_times_are_entered_in_the_cohort_time_zone(client, facilitator, chicago):
    module = ModuleFactory(program=chicago.program, title="Budgets")
    client.force_login(facilitator)  # facilitator's own zone: New York
    url = reverse("cohorts:session_create", args=[chicago.slug])

    response = client.post(url, session_data(module=module.pk), **SESSIONS)

    assert response.status_code == OK
    assert not is_whole_page(response)
    assertContains(response, "Session scheduled.")
    session = Session.objects.get()
    assert session.starts_at == datetime(2027, 3, 3, 1, 0, tzinfo=UTC)
    assert session.ends_at == datetime(2027, 3, 3, 2, 30, tzinfo=UTC)
    assert session.module == module
    # Shown back in cohort time.
    assertContains(response, "7:00 PM–8:30 PM CST")


def test_a_session_without_htmx_redirects(client, facilitator, chicago):
    client.force_login(facilitator)
    response = client.post(reverse("cohorts:session_create", args=[chicago.slug]), session_data())
    assert response.status_code == SEE
    assert response["Location"] == manage_url(chicago) + "#sessions"
    assert Session.objects.count() == 1


def test_a_module_of_another_program_is_refused(client, facilitator, chicago):
    client.force_login(facilitator)
    other = ModuleFactory()
    response = client.post(
        reverse("cohorts:session_create", args=[chicago.slug]),
        session_data(module=other.pk),
        **SESSIONS,
    )
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert not Session.objects.exists()


def test_editing_a_session_bumps_its_sequence(client, facilitator, chicago):
    session = make_session(chicago)
    client.force_login(facilitator)
    url = reverse("cohorts:session_edit", args=[chicago.slug, session.pk])
    # The form shows cohort time.
    assertContains(client.get(url), 'value="2027-03-02T19:00"')

    response = client.post(url, session_data(title="Budget night", starts_at="2027-03-02T18:00"))

    assert response.status_code == SEE
    session.refresh_from_db()
    assert session.title == "Budget night"
    assert session.starts_at == datetime(2027, 3, 3, 0, 0, tzinfo=UTC)
    assert session.sequence == 1
    invalid = client.post(url, session_data(title=""))
    assert invalid.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    session.refresh_from_db()
    assert session.sequence == 1


def test_cancelling_a_session_asks_then_emails_everyone(
    client, facilitator, chicago, django_capture_on_commit_callbacks, mailoutbox
):
    session = make_session(chicago)
    member = enroll(chicago, UserFactory(email="mia@example.org")).user
    client.force_login(facilitator)
    url = reverse("cohorts:session_cancel", args=[chicago.slug, session.pk])

    page = client.get(url)
    assertContains(page, "Cancel “Budgets as moral documents”?")
    assertContains(page, "Keep it")
    session.refresh_from_db()
    assert session.cancelled_at is None

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)

    assert response.status_code == SEE
    session.refresh_from_db()
    assert session.cancelled_at is not None
    assert session.sequence == 1
    assert sorted(m.to[0] for m in mailoutbox) == [facilitator.email, member.email]
    # A cancelled session can be neither edited nor cancelled again.
    assert client.get(url).status_code == NF
    edit = reverse("cohorts:session_edit", args=[chicago.slug, session.pk])
    assert client.get(edit).status_code == NF


# --- Announcements --------------------------------------------------------------------------


ANNOUNCEMENTS = {**HX, "HTTP_HX_TARGET": "announcements"}


def test_posting_an_announcement_over_htmx(
    client, facilitator, chicago, django_capture_on_commit_callbacks, mailoutbox
):
    enroll(chicago)
    client.force_login(facilitator)
    url = reverse("cohorts:announcement_create", args=[chicago.slug])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"title": "Homework", "body": "Read the **budget**."}, **ANNOUNCEMENTS
        )

    assert response.status_code == OK
    assert text(response).lstrip().startswith('<section id="announcements"')
    assertContains(response, "<strong>budget</strong>")
    assertContains(
        response, "Announcement posted. It is being emailed to the cohort&#x27;s participants."
    )
    assert Announcement.objects.get().author == facilitator
    assert len(mailoutbox) == 1


def test_posting_an_announcement_without_htmx(client, facilitator, chicago):
    client.force_login(facilitator)
    url = reverse("cohorts:announcement_create", args=[chicago.slug])
    response = client.post(url, {"title": "Homework", "body": "Read."})
    assert response.status_code == SEE
    assert response["Location"] == manage_url(chicago) + "#announcements"
    assert Announcement.objects.count() == 1


@pytest.mark.parametrize("headers", [ANNOUNCEMENTS, {}])
def test_an_invalid_announcement_is_422(client, facilitator, chicago, headers):
    client.force_login(facilitator)
    url = reverse("cohorts:announcement_create", args=[chicago.slug])
    response = client.post(url, {"title": "", "body": ""}, **headers)
    assertContains(response, "This field is required.", status_code=422)
    assert is_whole_page(response) == (not headers)
    assert not Announcement.objects.exists()


# --- Staff roster actions: invitations, CSV import, withdraw, move ------------------------------


@pytest.fixture
def roster():
    return make_cohort(slug="roster", capacity=2)


def test_inviting_one_person_creates_their_account(
    client, staff, roster, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(staff)
    # Only staff see the invitation tools.
    assertContains(client.get(manage_url(roster)), "Invite someone")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("cohorts:invite", args=[roster.slug]),
            {"full_name": "Nia New", "email": "Nia.New@Example.org"},
        )

    assert response.status_code == SEE
    assert response["Location"] == manage_url(roster) + "#people"
    user = User.objects.get(email="nia.new@example.org")
    assert user.full_name == "Nia New"
    assert not user.has_usable_password()
    assert Enrollment.objects.get(user=user).status == S.INVITED
    [message] = mailoutbox
    assert message.to == ["nia.new@example.org"]


def test_inviting_someone_already_in_the_cohort_is_422(client, staff, roster):
    enroll(roster, UserFactory(full_name="Mia Member", email="mia@example.org"))
    client.force_login(staff)
    before = snapshot()
    response = client.post(
        reverse("cohorts:invite", args=[roster.slug]),
        {"full_name": "Mia", "email": "MIA@example.org"},
    )
    assertContains(response, "Mia Member already has a place in this cohort.", status_code=422)
    assert snapshot() == before


def test_facilitators_do_not_see_the_staff_tools(client, facilitator, roster):
    roster.facilitators.add(facilitator)
    enroll(roster)
    client.force_login(facilitator)
    page = client.get(manage_url(roster))
    assertNotContains(page, "Invite someone")
    assertNotContains(page, "/people/")


def test_importing_a_good_csv_invites_everyone(
    client, staff, roster, django_capture_on_commit_callbacks, mailoutbox
):
    UserFactory(email="known@example.org", full_name="Known Person")
    client.force_login(staff)
    data = "name,email\nAna One,ana.one@example.org\n\nKnown Person,KNOWN@example.org\n"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("cohorts:import_invitations", args=[roster.slug]), {"file": csv_upload(data)}
        )

    assert response.status_code == SEE
    assert sorted(
        Enrollment.objects.filter(cohort=roster, status=S.INVITED).values_list(
            "user__email", flat=True
        )
    ) == ["ana.one@example.org", "known@example.org"]
    assert len(mailoutbox) == 2


def test_a_csv_with_a_bad_row_imports_nothing(client, staff, roster):
    enroll(roster, UserFactory(email="mia@example.org"))
    client.force_login(staff)
    data = (
        "name,email\n"
        "Ana One,ana.one@example.org\n"
        ",missing.name@example.org\n"
        "Bo Two,not-an-email\n"
        "Mia Member,mia@example.org\n"
        "Cy Three,cy.three@example.org\n"
    )
    before = snapshot()

    response = client.post(
        reverse("cohorts:import_invitations", args=[roster.slug]), {"file": csv_upload(data)}
    )

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assertContains(response, "Nothing was imported.", status_code=422)
    assertContains(response, "Row 3: The name is missing.", status_code=422)
    assertContains(response, "Row 4: “not-an-email” is not an email address.", status_code=422)
    assertContains(
        response, "Row 5: mia@example.org already has a place in this cohort.", status_code=422
    )
    assertNotContains(response, "Row 2:", status_code=422)
    assert snapshot() == before
    assert not User.objects.filter(email__in=["ana.one@example.org", "cy.three@example.org"])


@pytest.mark.parametrize(
    ("upload", "error"),
    [
        (SimpleUploadedFile("people.xlsx", b"PK\x03\x04"), "Upload a .csv file."),
        (SimpleUploadedFile("people.csv", b"\xff\xfe\x00bad"), "The file is not UTF-8 text."),
        (SimpleUploadedFile("people.csv", b""), "The submitted file is empty."),
    ],
)
def test_an_unusable_file_is_422(client, staff, roster, upload, error):
    client.force_login(staff)
    before = snapshot()
    response = client.post(
        reverse("cohorts:import_invitations", args=[roster.slug]), {"file": upload}
    )
    assertContains(response, error, status_code=422)
    assert snapshot() == before


def test_staff_withdraw_someone_and_the_first_waitlisted_moves_up(client, staff, roster):
    leaving = enroll(roster, UserFactory(full_name="Lee Leaving"))
    enroll(roster)
    first = enroll(roster, status=S.WAITLISTED, waitlisted_at=timezone.now() - timedelta(days=2))
    second = enroll(roster, status=S.WAITLISTED, waitlisted_at=timezone.now() - timedelta(days=1))
    client.force_login(staff)
    url = reverse("cohorts:enrollment_withdraw", args=[roster.slug, leaving.pk])

    assertContains(client.get(url), "Withdraw Lee Leaving from")
    leaving.refresh_from_db()
    assert leaving.status == S.ENROLLED

    response = client.post(url)

    assert response.status_code == SEE
    assert response["Location"] == manage_url(roster) + "#people"
    leaving.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (leaving.status, first.status, second.status) == (S.WITHDRAWN, S.ENROLLED, S.WAITLISTED)
    # Only enrolled people can be withdrawn.
    assert client.post(url).status_code == NF


def test_staff_move_someone_to_another_cohort_of_the_program(client, staff, roster):
    seat = enroll(roster, UserFactory(full_name="Mo Mover"))
    summer = make_cohort(roster.program, name="Summer", slug="summer")
    make_cohort(roster.program, name="Old Finished", slug="old", status=Cohort.Status.FINISHED)
    elsewhere = make_cohort(name="Other Program Cohort", slug="elsewhere")
    client.force_login(staff)
    url = reverse("cohorts:enrollment_move", args=[roster.slug, seat.pk])

    page = client.get(url)
    assertContains(page, "Move Mo Mover")
    choices = list(page.context["form"].fields["to_cohort"].queryset)
    assert choices == [summer]
    assertNotContains(page, "Other Program Cohort")

    before = snapshot()
    refused = client.post(url, {"to_cohort": elsewhere.pk})
    assertContains(refused, "Select a valid choice", status_code=422)
    assert snapshot() == before

    response = client.post(url, {"to_cohort": summer.pk})

    assert response.status_code == SEE
    seat.refresh_from_db()
    new = Enrollment.objects.get(cohort=summer, user=seat.user)
    assert (seat.status, seat.moved_to, new.status) == (S.WITHDRAWN, new, S.ENROLLED)


def test_the_move_page_says_when_there_is_nowhere_to_go(client, staff, roster):
    seat = enroll(roster)
    client.force_login(staff)
    page = client.get(reverse("cohorts:enrollment_move", args=[roster.slug, seat.pk]))
    assertContains(page, "There is no other current cohort of this program")


# --- The participant's own actions ---------------------------------------------------------------


def test_participants_withdraw_themselves(client, participant):
    cohort = make_cohort(capacity=1)
    seat = enroll(cohort, participant)
    waiting = enroll(cohort, status=S.WAITLISTED)
    client.force_login(participant)
    url = reverse("cohorts:cohort_withdraw", args=[cohort.slug])
    assertContains(client.get(cohort.get_absolute_url()), url)

    page = client.get(url)
    assertContains(page, f"Leave {cohort.name}?")
    seat.refresh_from_db()
    assert seat.status == S.ENROLLED

    response = client.post(url)

    assert response.status_code == SEE
    assert response["Location"] == reverse("home")
    seat.refresh_from_db()
    waiting.refresh_from_db()
    assert (seat.status, waiting.status) == (S.WITHDRAWN, S.ENROLLED)
    # Now they are outside: the cohort page sends them to the public page.
    assert client.get(cohort.get_absolute_url())["Location"] == join_url(cohort)


def test_accepting_an_invitation(client, participant):
    cohort = make_cohort(enrollment_mode=Cohort.EnrollmentMode.INVITE)
    invited = enroll(cohort, participant, S.INVITED)
    client.force_login(participant)
    url = reverse("cohorts:invitation", args=[cohort.slug])
    assertContains(client.get(join_url(cohort)), url)
    assertContains(client.get(url), f"You are invited to {cohort.name}")

    response = client.post(url, {"answer": "accept"})

    assert response.status_code == SEE
    assert response["Location"] == cohort.get_absolute_url()
    invited.refresh_from_db()
    assert invited.status == S.ENROLLED
    assert client.get(url).status_code == NF


def test_declining_an_invitation(client, participant):
    cohort = make_cohort(enrollment_mode=Cohort.EnrollmentMode.INVITE)
    invited = enroll(cohort, participant, S.INVITED)
    client.force_login(participant)
    response = client.post(reverse("cohorts:invitation", args=[cohort.slug]), {"answer": "decline"})
    assert response.status_code == SEE
    assert response["Location"] == reverse("home")
    invited.refresh_from_db()
    assert invited.status == S.DECLINED


@pytest.mark.parametrize("data", [{}, {"answer": "maybe"}])
def test_an_invitation_is_only_declined_when_the_invitee_says_so(client, participant, data):
    cohort = make_cohort(enrollment_mode=Cohort.EnrollmentMode.INVITE)
    invited = enroll(cohort, participant, S.INVITED)
    client.force_login(participant)
    response = client.post(reverse("cohorts:invitation", args=[cohort.slug]), data)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    invited.refresh_from_db()
    assert invited.status == S.INVITED


def test_accepting_an_invitation_to_a_full_cohort_is_422(client, participant):
    cohort = make_cohort(enrollment_mode=Cohort.EnrollmentMode.INVITE, capacity=1)
    enroll(cohort)
    invited = enroll(cohort, participant, S.INVITED)
    client.force_login(participant)
    response = client.post(reverse("cohorts:invitation", args=[cohort.slug]), {"answer": "accept"})
    assertContains(response, "The cohort is full.", status_code=422)
    invited.refresh_from_db()
    assert invited.status == S.INVITED


# --- Staff screens ----------------------------------------------------------------------------


RESULTS = {**HX, "HTTP_HX_TARGET": "cohort-results"}


def test_the_staff_list_filters_by_program_status_and_chapter(client, staff):
    housing = ProgramFactory(title="Housing Lab", slug="housing-lab")
    academy = ProgramFactory(title="Academy", slug="academy")
    make_cohort(housing, name="Housing Texas", chapter="TX")
    make_cohort(housing, name="Housing Draft", status=Cohort.Status.DRAFT)
    make_cohort(academy, name="Academy New York", chapter="NY", status=Cohort.Status.RUNNING)
    client.force_login(staff)
    url = reverse("cohorts:staff_cohort_list")

    def names(response) -> list[str]:
        return sorted(c.name for c in response.context["page_obj"])

    assert names(client.get(url)) == ["Academy New York", "Housing Draft", "Housing Texas"]
    assert names(client.get(url, {"program": "housing-lab"})) == ["Housing Draft", "Housing Texas"]
    assert names(client.get(url, {"status": "running"})) == ["Academy New York"]
    assert names(client.get(url, {"chapter": "TX"})) == ["Housing Texas"]
    assert names(client.get(url, {"program": "housing-lab", "status": "draft"})) == [
        "Housing Draft"
    ]
    # An unknown status is ignored rather than an error.
    assert len(names(client.get(url, {"status": "bogus"}))) == 3

    partial = client.get(url, {"chapter": "NY"}, **RESULTS)
    assert partial.status_code == OK
    assert text(partial).lstrip().startswith('<div id="cohort-results">')
    assert not is_whole_page(partial)
    assertContains(partial, "Academy New York")
    assertNotContains(partial, "Housing Texas")
    # Without the target (a boosted or history request) it is the page.
    assert is_whole_page(client.get(url, {"chapter": "NY"}, **HX))


def test_the_staff_list_paginates(client, staff):
    program = ProgramFactory(slug="big")
    for n in range(27):
        make_cohort(program, name=f"Cohort {n:02}", starts_on=date(2027, 1, 1) + timedelta(n))
    client.force_login(staff)
    url = reverse("cohorts:staff_cohort_list")

    first = client.get(url, {"program": "big"})
    assert len(first.context["page_obj"]) == 25
    assertContains(first, "Page 1 of 2")
    assertContains(first, "?program=big&amp;page=2")

    second = client.get(url, {"program": "big", "page": 2}, **RESULTS)
    assert [c.name for c in second.context["page_obj"]] == ["Cohort 01", "Cohort 00"]
    assertContains(second, "Page 2 of 2")
    assert client.get(url, {"page": "999"}).context["page_obj"].number == 2


def test_staff_create_a_cohort_with_its_facilitators(client, staff, facilitator, other_facilitator):
    program = ProgramFactory()
    client.force_login(staff)
    url = reverse("cohorts:staff_cohort_create")
    assert client.get(url, {"program": program.pk}).status_code == OK

    response = client.post(
        url,
        cohort_data(
            program, facilitator_emails="Facilitator@example.org\nother.facilitator@example.org"
        ),
    )

    cohort = Cohort.objects.get(slug="academy-2028-spring")
    assert response.status_code == SEE
    assert response["Location"] == manage_url(cohort) + "#sessions"
    assert set(cohort.facilitators.all()) == {facilitator, other_facilitator}
    assert cohort.time_zone == "America/Chicago"


def test_the_enrollment_window_is_on_the_cohorts_clock_not_the_editors(client, staff):
    # Staff in Los Angeles set up a Chicago cohort: "5 PM" means 5 PM in Chicago, as for its
    # sessions, and reads 5 PM again when anyone opens the form.
    staff.time_zone = "America/Los_Angeles"
    staff.save()
    program = ProgramFactory()
    client.force_login(staff)
    client.post(
        reverse("cohorts:staff_cohort_create"),
        cohort_data(
            program,
            enrollment_opens_at="2028-01-10T09:00",
            enrollment_closes_at="2028-02-15T17:00",
        ),
    )
    cohort = Cohort.objects.get(slug="academy-2028-spring")
    assert cohort.enrollment_opens_at == datetime(2028, 1, 10, 15, 0, tzinfo=UTC)  # CST
    assert cohort.enrollment_closes_at == datetime(2028, 2, 15, 23, 0, tzinfo=UTC)
    edit = client.get(reverse("cohorts:staff_cohort_edit", args=[cohort.slug]))
    assertContains(edit, 'value="2028-02-15T17:00"')
    assertContains(edit, "In the cohort's time zone, like its sessions.")

    # Moving the cohort to New York with the same clock time moves the instant.
    client.post(
        reverse("cohorts:staff_cohort_edit", args=[cohort.slug]),
        cohort_data(
            program,
            time_zone="America/New_York",
            enrollment_opens_at="2028-01-10T09:00",
            enrollment_closes_at="2028-02-15T17:00",
        ),
    )
    cohort.refresh_from_db()
    assert cohort.enrollment_closes_at == datetime(2028, 2, 15, 22, 0, tzinfo=UTC)


def test_an_unknown_facilitator_email_is_422(client, staff, facilitator):
    program = ProgramFactory()
    client.force_login(staff)
    response = client.post(
        reverse("cohorts:staff_cohort_create"),
        cohort_data(program, facilitator_emails="facilitator@example.org nobody@example.org"),
    )
    assertContains(response, "No account for: nobody@example.org.", status_code=422)
    assert not Cohort.objects.exists()


def test_an_invalid_cohort_is_422(client, staff):
    program = ProgramFactory()
    client.force_login(staff)
    response = client.post(
        reverse("cohorts:staff_cohort_create"),
        cohort_data(program, starts_on="2028-06-30", ends_on="2028-03-01"),
    )
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert not Cohort.objects.exists()


def test_staff_edit_a_cohort(client, staff, facilitator):
    cohort = make_cohort(slug="spring", capacity=1, facilitators=[facilitator])
    enroll(cohort)
    waiting = enroll(cohort, status=S.WAITLISTED)
    client.force_login(staff)
    url = reverse("cohorts:staff_cohort_edit", args=[cohort.slug])
    assertContains(client.get(url), "facilitator@example.org")

    response = client.post(
        url,
        cohort_data(
            cohort.program,
            name="Spring, renamed",
            slug="spring-renamed",
            status=Cohort.Status.OPEN,
            capacity=2,
        ),
    )

    assert response.status_code == SEE
    assert response["Location"] == reverse("cohorts:manage", args=["spring-renamed"])
    cohort.refresh_from_db()
    assert (cohort.name, cohort.slug, cohort.capacity) == ("Spring, renamed", "spring-renamed", 2)
    assert not cohort.facilitators.exists()
    waiting.refresh_from_db()
    assert waiting.status == S.ENROLLED  # a bigger room lets the waitlist in


def test_an_invalid_edit_keeps_links_to_the_saved_cohort(client, staff):
    cohort = make_cohort(slug="spring")
    client.force_login(staff)
    url = reverse("cohorts:staff_cohort_edit", args=[cohort.slug])
    response = client.post(
        url, cohort_data(cohort.program, slug="spring-renamed", name="Renamed", capacity=0)
    )
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assertContains(
        response, reverse("cohorts:staff_cohort_archive", args=["spring"]), status_code=422
    )
    assertContains(response, manage_url(cohort), status_code=422)
    assertNotContains(response, "/spring-renamed/", status_code=422)
    cohort.refresh_from_db()
    assert cohort.slug == "spring"


def test_staff_archive_a_cohort(client, staff):
    cohort = make_cohort()
    seat = enroll(cohort)
    client.force_login(staff)
    response = client.post(reverse("cohorts:staff_cohort_archive", args=[cohort.slug]))
    assert response.status_code == SEE
    assert response["Location"] == reverse("cohorts:staff_cohort_list")
    cohort.refresh_from_db()
    seat.refresh_from_db()
    assert cohort.status == Cohort.Status.ARCHIVED
    assert seat.status == S.ENROLLED  # records are kept


# --- Pages that show cohorts: cohort page, program page, dashboard, my cohorts --------------------


def test_the_cohort_page_shows_times_in_my_zone_and_the_cohorts(client):
    cohort = make_cohort(time_zone="America/New_York")
    make_session(cohort, datetime(2027, 3, 2, 19, 0, tzinfo=NEW_YORK), title="Budget night")
    make_session(
        cohort,
        datetime(2027, 3, 9, 19, 0, tzinfo=NEW_YORK),
        title="Called off",
        cancelled_at=timezone.now(),
    )
    far = enroll(cohort, UserFactory(time_zone="America/Los_Angeles")).user
    near = enroll(cohort, UserFactory(time_zone="America/New_York")).user

    client.force_login(far)
    response = client.get(cohort.get_absolute_url())
    assertContains(response, "Budget night")
    assertContains(response, "4:00 PM–5:30 PM PST")
    assertContains(response, "(7:00 PM EST)")
    assertContains(response, "7:00 PM EST cohort time")
    assertContains(response, "Cancelled")

    client.force_login(near)
    response = client.get(cohort.get_absolute_url())
    assertContains(response, "7:00 PM–8:30 PM EST")
    assertNotContains(response, "(7:00 PM EST)")
    assertNotContains(response, "cohort time</span>")


def test_the_cohort_page_shows_announcements_and_facilitators(client, facilitator):
    cohort = make_cohort(facilitators=[facilitator])
    member = enroll(cohort).user
    services.announcement_post(cohort=cohort, author=facilitator, title="Hello", body="**Hi**")
    client.force_login(member)
    response = client.get(cohort.get_absolute_url())
    assertContains(response, "<strong>Hi</strong>")
    assertContains(response, "Fay Facilitator")
    assertNotContains(response, manage_url(cohort))
    client.force_login(facilitator)
    assertContains(client.get(cohort.get_absolute_url()), manage_url(cohort))


def test_the_program_page_lists_open_cohorts(client):
    program = published_program()
    small = make_cohort(program, name="Spring Open", capacity=3)
    enroll(small)
    make_cohort(
        program, name="Spring Apply", enrollment_mode=Cohort.EnrollmentMode.APPLICATION, capacity=1
    )
    full = make_cohort(program, name="Spring Full", capacity=1)
    enroll(full)
    enroll(full, status=S.WAITLISTED)
    make_cohort(program, name="Hidden Draft", status=Cohort.Status.DRAFT)
    make_cohort(program, name="Hidden Invite", enrollment_mode=Cohort.EnrollmentMode.INVITE)
    make_cohort(
        program, name="Hidden Closed", enrollment_closes_at=datetime(2026, 1, 1, tzinfo=UTC)
    )

    response = client.get(reverse("modules:program_detail", args=[program.slug]))

    assertContains(response, "Spring Open")
    assertContains(response, "2 seats left")
    assertContains(response, "1 seat left")
    assertContains(response, "Full: join the waitlist")
    assertContains(response, f'href="{join_url(small)}">Enroll<')
    assertContains(response, ">Apply<")
    assertNotContains(response, "Hidden")


def test_the_dashboard_shows_my_next_session_and_programs(client, participant):
    program = ProgramFactory(title="Housing Leadership Lab")
    cohort = make_cohort(program, name="Housing · Spring")
    enroll(cohort, participant)
    make_session(cohort, title="Past session", starts_at=timezone.now() - timedelta(days=3))
    make_session(cohort, title="Budget night")
    make_session(cohort, title="Later", starts_at=datetime(2027, 4, 2, 19, 0, tzinfo=NEW_YORK))
    applied = make_cohort(ProgramFactory(title="Academy 2027"))
    enroll(applied, participant, S.APPLIED)
    client.force_login(participant)

    response = client.get(reverse("home"))

    assertContains(response, "Budget night")
    assertNotContains(response, "Past session")
    assertContains(response, "Tuesday, March 2")
    assertContains(response, "Housing Leadership Lab")
    assertContains(response, cohort.get_absolute_url())
    assertContains(response, "Academy 2027")
    assertContains(response, join_url(applied))


def test_the_dashboard_of_someone_without_cohorts(client, participant):
    client.force_login(participant)
    response = client.get(reverse("home"))
    assertContains(response, "No sessions scheduled.")
    assertContains(response, "You are not enrolled in a program yet.")


def test_my_cohorts_lists_only_my_cohorts(client, facilitator, other_facilitator):
    mine = make_cohort(name="Mine", facilitators=[facilitator])
    enroll(mine)
    make_session(mine)
    make_cohort(name="Theirs", facilitators=[other_facilitator])
    make_cohort(name="Old", facilitators=[facilitator], status=Cohort.Status.ARCHIVED)
    client.force_login(facilitator)

    response = client.get(reverse("cohorts:my_cohorts"))

    assert [c.name for c in response.context["cohorts"]] == ["Mine"]
    assertContains(response, manage_url(mine))
    assertContains(response, "1/30")
    assertContains(response, "Mar 2")
    assertNotContains(response, "Theirs")


def test_my_cohorts_of_someone_who_facilitates_nothing(client, participant):
    client.force_login(participant)
    assertContains(client.get(reverse("cohorts:my_cohorts")), "You do not facilitate a cohort yet.")


# --- Query counts: the same at 3 and at 30 people ------------------------------------------------


def populate(cohort: Cohort, size: int) -> None:
    """`size` people in every state, a few sessions and announcements."""
    users = User.objects.bulk_create(
        User(email=f"p{cohort.pk}-{n}@example.org", full_name=f"Person {n}")
        for n in range(size * 2)
    )
    states = itertools.cycle(
        [S.ENROLLED, S.ENROLLED, S.APPLIED, S.WAITLISTED, S.INVITED, S.WITHDRAWN]
    )
    Enrollment.objects.bulk_create(
        Enrollment(
            cohort=cohort,
            user=user,
            status=status,
            waitlisted_at=timezone.now() if status == S.WAITLISTED else None,
            application_answers=[{"question": "Why?", "answer": "Because."}],
        )
        for user, status in zip(users, states, strict=False)
    )
    module = ModuleFactory(program=cohort.program)
    author = cohort.facilitators.first() or UserFactory()
    for n in range(max(size // 10, 1) + 2):
        make_session(
            cohort,
            datetime(2027, 3, 2 + n, 19, 0, tzinfo=NEW_YORK),
            module=module if n % 2 else None,
        )
        services.announcement_post(cohort=cohort, author=author, title=f"News {n}", body="Hi")


@pytest.mark.parametrize("size", [3, 30])
def test_manage_page_queries_do_not_grow(client, facilitator, django_assert_num_queries, size):
    cohort = make_cohort(facilitators=[facilitator])
    populate(cohort, size)
    client.force_login(facilitator)
    client.get(manage_url(cohort))
    # session, user, cohort (scoped), enrollments, cohort + facilitators, sessions,
    # announcements, the navigation's facilitator check, the session form's modules.
    with django_assert_num_queries(10):
        response = client.get(manage_url(cohort))
    assert len(response.context["page"].roster) == size * 2 // 3


@pytest.mark.parametrize("size", [3, 30])
def test_staff_manage_page_queries_do_not_grow(client, staff, django_assert_num_queries, size):
    cohort = make_cohort()
    populate(cohort, size)
    client.force_login(staff)
    client.get(manage_url(cohort))
    with django_assert_num_queries(10):
        client.get(manage_url(cohort))


@pytest.mark.parametrize("size", [3, 30])
def test_staff_list_queries_do_not_grow(
    client, staff, facilitator, django_assert_num_queries, size
):
    program = ProgramFactory()
    for n in range(size):
        cohort = make_cohort(program, facilitators=[facilitator, UserFactory()], chapter="NY")
        if n < 3:
            populate(cohort, size)
    client.force_login(staff)
    url = reverse("cohorts:staff_cohort_list")
    client.get(url)
    # session, user, count, cohorts, facilitators, navigation, programs for the filter.
    with django_assert_num_queries(7):
        client.get(url)
    with django_assert_num_queries(5):
        client.get(url, {"chapter": "NY"}, **RESULTS)


@pytest.mark.parametrize("cohorts", [0, 3])
def test_program_page_queries_do_not_depend_on_open_cohorts(
    client, django_assert_num_queries, cohorts
):
    program = published_program()
    for _n in range(cohorts):
        cohort = make_cohort(program, facilitators=[UserFactory(), UserFactory()])
        for _m in range(3):
            enroll(cohort)
    url = reverse("modules:program_detail", args=[program.slug])
    client.get(url)
    # program, issue areas, modules, lessons, open cohorts with their seat counts.
    with django_assert_num_queries(5):
        client.get(url)


@pytest.mark.parametrize("size", [3, 30])
def test_cohort_page_queries_do_not_grow(client, facilitator, django_assert_num_queries, size):
    cohort = make_cohort(facilitators=[facilitator, UserFactory()])
    populate(cohort, size)
    member = enroll(cohort).user
    client.force_login(member)
    client.get(cohort.get_absolute_url())
    # session, user, cohort (scoped), sessions, cohort, its facilitators, announcements,
    # my enrollment, can_manage, calendar token, navigation, the lesson outline (modules,
    # lessons, my progress) and my attendance.
    with django_assert_num_queries(15):
        client.get(cohort.get_absolute_url())


@pytest.mark.parametrize("size", [3, 30])
def test_my_cohorts_and_dashboard_queries_do_not_grow(
    client, facilitator, django_assert_num_queries, size
):
    for _n in range(size // 3 + 1):
        cohort = make_cohort(facilitators=[facilitator])
        populate(cohort, 3)
        enroll(make_cohort(), facilitator)
    client.force_login(facilitator)
    client.get(reverse("home"))
    with django_assert_num_queries(4):
        client.get(reverse("cohorts:my_cohorts"))
    with django_assert_num_queries(7):
        client.get(reverse("home"))
