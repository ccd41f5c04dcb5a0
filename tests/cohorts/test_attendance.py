"""Attendance grid, reflections and sign-off: the facilitator pages in cohorts.attendance.

A permission matrix covers every URL of cohorts.attendance_urls for every role and method;
then marking (HTMX and not), the bulk "everyone else present", reflection feedback (and its
email after commit), sign-off, "Your attendance", and query counts at two sizes.
"""

import json
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.db import transaction
from django.urls import resolve, reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from academy.models import User
from cohorts import attendance_selectors, services
from cohorts.attendance_urls import urlpatterns
from cohorts.models import Attendance, Cohort, Enrollment, LessonProgress, Session
from modules import services as curriculum
from modules.models import Lesson
from tests.factories import UserFactory, make_cohort

pytestmark = pytest.mark.django_db

A = Attendance.Status
S = Enrollment.Status
HX = {"HTTP_HX_REQUEST": "true"}


# --- Helpers -------------------------------------------------------------------------------


def hx(target: str) -> dict:
    return {**HX, "HTTP_HX_TARGET": target}


def text(response) -> str:
    return response.content.decode()


def is_whole_page(response) -> bool:
    return "<html" in text(response)


def session_at(cohort: Cohort, starts_in: timedelta, title: str = "Budgets as moral documents"):
    """A session through the service; a negative `starts_in` is one that has started."""
    start = timezone.now() + starts_in
    return services.session_create(
        cohort=cohort, title=title, starts_at=start, ends_at=start + timedelta(minutes=90)
    )


def enroll(cohort: Cohort, full_name: str | None = None) -> Enrollment:
    user = UserFactory(full_name=full_name) if full_name else UserFactory()
    return services.enrollment_self_enroll(cohort=cohort, user=user)


def reflection_lesson(cohort: Cohort, title: str = "Your first 100 days") -> Lesson:
    module = cohort.program.modules.order_by("position").first()
    return curriculum.lesson_create(
        module=module, title=title, kind="reflection", reflection_prompt="What will you change?"
    )


def reflect(enrollment: Enrollment, lesson: Lesson, text: str, ago: timedelta) -> LessonProgress:
    at = timezone.now() - ago
    return LessonProgress.objects.create(
        enrollment=enrollment,
        lesson=lesson,
        reflection_text=text,
        reflection_submitted_at=at,
        completed_at=at,
    )


def url(name: str, cohort: Cohort, *args) -> str:
    return reverse(f"cohorts:{name}", args=[cohort.slug, *args])


@contextmanager
def rolled_back():
    """Run one request and undo what it wrote, so the next method meets the same world."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@dataclass
class World:
    cohort: Cohort
    session: Session
    ana: Enrollment
    ben: Enrollment
    progress: LessonProgress
    users: dict[str, User | None]


@pytest.fixture
def world(participant, facilitator, other_facilitator, staff) -> World:
    cohort = make_cohort(facilitators=[facilitator], requires_signoff=True)
    make_cohort(facilitators=[other_facilitator])
    session = session_at(cohort, -timedelta(hours=1))
    ana = enroll(cohort, "Ana Ruiz")
    ben = enroll(cohort, "Ben Okafor")
    services.enrollment_self_enroll(cohort=cohort, user=participant)
    progress = reflect(
        ana, reflection_lesson(cohort), "Participatory budgeting.", timedelta(days=1)
    )
    return World(
        cohort=cohort,
        session=session,
        ana=ana,
        ben=ben,
        progress=progress,
        users={
            "anonymous": None,
            "participant": participant,  # enrolled in this very cohort
            "other_facilitator": other_facilitator,
            "facilitator": facilitator,
            "staff": staff,
        },
    )


# --- The permission matrix -----------------------------------------------------------------

ROLES = ["anonymous", "participant", "other_facilitator", "facilitator", "staff"]
LOGIN = "login redirect"
OK, SEE, NF, NA = HTTPStatus.OK, HTTPStatus.SEE_OTHER, HTTPStatus.NOT_FOUND, 405
CAN = {"facilitator", "staff"}


def _expected(get: tuple, post: tuple) -> dict[str, tuple]:
    """(GET, POST) per role; `get`/`post` are (anonymous, refused roles, allowed roles)."""
    return {
        role: (
            get[0] if role == "anonymous" else get[2] if role in CAN else get[1],
            post[0] if role == "anonymous" else post[2] if role in CAN else post[1],
        )
        for role in ROLES
    }


GET_ONLY = ((LOGIN, NF, OK), (NA, NA, NA))
POST_ONLY = ((NA, NA, NA), (LOGIN, NF, SEE))
EXPECTED = {
    "attendance": _expected(*GET_ONLY),
    "attendance_mark": _expected(*POST_ONLY),
    "attendance_all_present": _expected(*POST_ONLY),
    "reflections": _expected(*GET_ONLY),
    "reflection_feedback": _expected(*POST_ONLY),
    "sign_off": _expected((LOGIN, NF, OK), (LOGIN, NF, SEE)),
}


@dataclass
class Endpoint:
    url: str
    data: dict
    target: str  # the HX-Target the page's HTMX requests carry


def endpoints(w: World) -> dict[str, Endpoint]:
    c, s = w.cohort, w.session
    return {
        "attendance": Endpoint(url("attendance", c, s.pk), {}, "att-summary"),
        "attendance_mark": Endpoint(
            url("attendance_mark", c, s.pk, w.ana.pk), {"status": A.LATE}, f"att-row-{w.ana.pk}"
        ),
        "attendance_all_present": Endpoint(url("attendance_all_present", c, s.pk), {}, "att-grid"),
        "reflections": Endpoint(url("reflections", c), {}, "reflection-list"),
        "reflection_feedback": Endpoint(
            url("reflection_feedback", c, w.progress.pk),
            {"feedback": "Start with one district."},
            f"reflection-{w.progress.pk}",
        ),
        "sign_off": Endpoint(url("sign_off", c, w.ana.pk), {}, f"signoff-{w.ana.pk}"),
    }


def test_every_attendance_url_is_in_the_matrix(world):
    names = {p.name for p in urlpatterns}
    assert names == set(EXPECTED) == set(endpoints(world))
    for name, endpoint in endpoints(world).items():
        assert resolve(endpoint.url).url_name == name


def _check(response, expected, where: str) -> None:
    if expected == LOGIN:
        assert response.status_code == HTTPStatus.FOUND, where
        assert response["Location"].startswith("/accounts/login/"), where
    else:
        assert response.status_code == expected, where


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, world, role, name):
    endpoint = endpoints(world)[name]
    if world.users[role] is not None:
        client.force_login(world.users[role])
    get, post = EXPECTED[name][role]
    before = list(Attendance.objects.values_list("pk", "status"))
    for method, htmx, expected in [
        ("GET", False, get),
        ("GET", True, get),
        ("POST", False, post),
        ("POST", True, OK if post == SEE else post),  # HTMX: the region comes back
    ]:
        headers = hx(endpoint.target) if htmx else {}
        where = f"{method}{' (htmx)' if htmx else ''} {endpoint.url} as {role}"
        with rolled_back():
            if method == "GET":
                response = client.get(endpoint.url, **headers)
            else:
                response = client.post(endpoint.url, endpoint.data, **headers)
            _check(response, expected, where)
            if htmx and expected == OK:
                assert not is_whole_page(response), where
            if expected in {LOGIN, NF, NA}:
                assert list(Attendance.objects.values_list("pk", "status")) == before, where


def test_someone_elses_session_and_enrollment_are_404(client, facilitator, world):
    other = make_cohort()
    foreign_session = session_at(other, -timedelta(hours=1))
    stranger = enroll(other)
    client.force_login(facilitator)
    c, s = world.cohort, world.session
    mark = {"status": A.PRESENT}
    for headers in ({}, hx(f"att-row-{stranger.pk}")):  # pages and fragments alike
        refused = [
            client.get(url("attendance", c, foreign_session.pk), **headers),
            client.post(url("attendance_mark", c, s.pk, stranger.pk), mark, **headers),
            client.post(
                url("attendance_mark", c, foreign_session.pk, world.ana.pk), mark, **headers
            ),
            client.post(url("attendance_all_present", c, foreign_session.pk), **headers),
            client.get(url("sign_off", c, stranger.pk), **headers),
            client.post(url("sign_off", c, stranger.pk), **headers),
        ]
        assert [r.status_code for r in refused] == [NF] * len(refused)
    foreign_progress = reflect(stranger, reflection_lesson(other), "Mine.", timedelta(hours=2))
    response = client.post(
        url("reflection_feedback", c, foreign_progress.pk),
        {"feedback": "Hi"},
        **hx(f"reflection-{foreign_progress.pk}"),
    )
    assert response.status_code == NF
    assert not Attendance.objects.exists()


# --- The grid ------------------------------------------------------------------------------


def test_grid_lists_enrolled_and_completed_people_by_name(client, facilitator):
    cohort = make_cohort(facilitators=[facilitator], capacity=3)
    session = session_at(cohort, -timedelta(hours=1))
    zoe, ana = enroll(cohort, "Zoe Zimmer"), enroll(cohort, "Ana Ruiz")
    Enrollment.objects.filter(pk=zoe.pk).update(status=S.COMPLETED)
    left = enroll(cohort, "Lea Left")
    services.enrollment_withdraw(enrollment=left, actor=left.user, note="Moved away.")
    enroll(cohort, "Will Waiting")
    enroll(cohort, "Wes Waiting")  # capacity 3: one of these two waits
    assert cohort.enrollments.filter(status=S.WAITLISTED).count() == 1
    waiting = cohort.enrollments.get(status=S.WAITLISTED)
    client.force_login(facilitator)

    response = client.get(url("attendance", cohort, session.pk))

    assert response.status_code == OK
    page = text(response)
    assert page.index("Ana Ruiz") < page.index("Zoe Zimmer")
    assert "Lea Left" not in page
    assert waiting.user.full_name not in page
    assert f'id="att-row-{ana.pk}"' in page
    assert f'role="group" aria-labelledby="att-name-{ana.pk}"' in page
    assert f'id="att-name-{ana.pk}"' in page
    for status, label in A.choices:
        assert re.search(
            rf'<button type="submit" id="att-{ana.pk}-{status}" name="status" value="{status}"'
            rf'[^>]*aria-pressed="false"[^>]*>.*?{label}</button>',
            page,
        )
    mark_url = url("attendance_mark", cohort, session.pk, ana.pk)
    assert f'action="{mark_url}"' in page
    assert f'hx-post="{mark_url}" hx-target="#att-row-{ana.pk}" hx-swap="outerHTML"' in page
    assert 'id="att-live" class="visually-hidden" role="status" aria-live="polite"' in page
    assert "Mark everyone not yet marked present" in page
    assert re.search(r'<script src="[^"]*js/attendance\.js" nonce="[^"]+" defer>', page)
    assert re.search(r'<link rel="stylesheet" href="[^"]*css/attendance\.css" nonce="[^"]+">', page)
    assert "style=" not in page
    assert "hx-on" not in page
    assert "Not marked yet" in page
    assertNotContains(response, "Facilitator sign-off")  # this cohort does not ask for it


def test_grid_shows_who_marked_and_when(client, facilitator, staff):
    cohort = make_cohort(facilitators=[facilitator])
    session = session_at(cohort, -timedelta(hours=1))
    ana = enroll(cohort, "Ana Ruiz")
    services.attendance_mark(session=session, enrollment=ana, status=A.LATE, actor=staff)
    client.force_login(facilitator)
    response = client.get(url("attendance", cohort, session.pk))
    assertContains(response, "Late · marked by Sam Staff")
    assertContains(response, f'id="att-{ana.pk}-late" name="status" value="late"')
    assert re.search(rf'id="att-{ana.pk}-late"[^>]*aria-pressed="true"', text(response))


def test_summary_partial_counts_the_marks(client, facilitator):
    cohort = make_cohort(facilitators=[facilitator])
    session = session_at(cohort, -timedelta(hours=1))
    ana, _ben, _cy = enroll(cohort, "Ana Ruiz"), enroll(cohort), enroll(cohort)
    services.attendance_mark(session=session, enrollment=ana, status=A.LATE, actor=facilitator)
    client.force_login(facilitator)
    response = client.get(url("attendance", cohort, session.pk), **hx("att-summary"))
    assert response.status_code == OK
    assert not is_whole_page(response)
    assert 'id="att-summary"' in text(response)
    assert 'hx-trigger="attendance-changed from:body"' in text(response)
    assert re.search(r"<dt>Late</dt><dd>1</dd>", text(response))
    assert re.search(r"<dt>Not marked</dt><dd>2</dd>", text(response))
    # A boosted request (or any other target) gets the whole page.
    assert is_whole_page(client.get(url("attendance", cohort, session.pk), **HX))


# --- Marking -------------------------------------------------------------------------------


@pytest.fixture
def room(facilitator):
    cohort = make_cohort(facilitators=[facilitator], requires_signoff=True)
    session = session_at(cohort, -timedelta(hours=1))
    return cohort, session, enroll(cohort, "Ana Ruiz"), enroll(cohort, "Ben Okafor")


def test_htmx_mark_returns_the_row_with_the_pressed_button(client, facilitator, room):
    cohort, session, ana, _ben = room
    client.force_login(facilitator)

    response = client.post(
        url("attendance_mark", cohort, session.pk, ana.pk),
        {"status": A.LATE},
        **hx(f"att-row-{ana.pk}"),
    )

    assert response.status_code == OK
    body = text(response)
    assert not is_whole_page(response)
    assert body.count('role="group"') == 1
    assert re.search(rf'id="att-{ana.pk}-late"[^>]*aria-pressed="true"', body)
    for other in (A.PRESENT, A.EXCUSED, A.ABSENT):
        assert re.search(rf'id="att-{ana.pk}-{other}"[^>]*aria-pressed="false"', body)
    assert "Late · marked by you" in body
    assert '<div id="att-live" hx-swap-oob="innerHTML">Marked Ana Ruiz late</div>' in body
    assert "attendance-changed" in json.loads(response["HX-Trigger"])
    attendance = Attendance.objects.get()
    assert (attendance.session, attendance.enrollment, attendance.status) == (
        session,
        ana,
        A.LATE,
    )
    assert attendance.marked_by == facilitator


def test_mark_without_htmx_redirects_back_to_the_row(client, facilitator, room):
    cohort, session, ana, _ben = room
    client.force_login(facilitator)
    response = client.post(
        url("attendance_mark", cohort, session.pk, ana.pk), {"status": A.PRESENT}
    )
    assert response.status_code == SEE
    assert response["Location"] == url("attendance", cohort, session.pk) + f"#att-row-{ana.pk}"
    assert Attendance.objects.get().status == A.PRESENT
    follow = client.get(response["Location"])
    assertContains(follow, "Marked Ana Ruiz present")


def test_correcting_a_mark_keeps_one_row_with_the_last_status(client, facilitator, staff, room):
    cohort, session, ana, _ben = room
    client.force_login(facilitator)
    for status in (A.PRESENT, A.ABSENT):
        client.post(
            url("attendance_mark", cohort, session.pk, ana.pk),
            {"status": status},
            **hx(f"att-row-{ana.pk}"),
        )
    client.force_login(staff)
    response = client.post(
        url("attendance_mark", cohort, session.pk, ana.pk),
        {"status": A.EXCUSED},
        **hx(f"att-row-{ana.pk}"),
    )
    assert response.status_code == OK
    [attendance] = Attendance.objects.all()
    assert (attendance.status, attendance.marked_by) == (A.EXCUSED, staff)
    assert re.search(rf'id="att-{ana.pk}-excused"[^>]*aria-pressed="true"', text(response))


def test_a_future_session_refuses_present_with_the_services_message(client, facilitator):
    cohort = make_cohort(facilitators=[facilitator])
    session = session_at(cohort, timedelta(days=2))
    ana = enroll(cohort, "Ana Ruiz")
    client.force_login(facilitator)
    mark = url("attendance_mark", cohort, session.pk, ana.pk)

    response = client.post(mark, {"status": A.PRESENT}, **hx(f"att-row-{ana.pk}"))

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    body = text(response)
    assert not is_whole_page(response)
    assert "Attendance is taken once the session starts" in body
    assert f'aria-describedby="att-error-{ana.pk}"' in body
    assert 'aria-pressed="true"' not in body  # the row as it was: nothing marked
    assert "HX-Trigger" not in response
    assert not Attendance.objects.exists()

    # Without JavaScript: the page, with the message on the row.
    page = client.post(mark, {"status": A.PRESENT})
    assert page.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert is_whole_page(page)
    assertContains(page, "Attendance is taken once the session starts", status_code=422)
    assertContains(page, "has not started yet", status_code=422)
    assertNotContains(page, "Mark everyone not yet marked present", status_code=422)

    # Excused may be set ahead.
    response = client.post(mark, {"status": A.EXCUSED}, **hx(f"att-row-{ana.pk}"))
    assert response.status_code == OK
    assert Attendance.objects.get().status == A.EXCUSED


def test_a_refused_correction_comes_back_with_the_previous_mark(client, facilitator, room):
    cohort, session, ana, _ben = room
    services.attendance_mark(session=session, enrollment=ana, status=A.LATE, actor=facilitator)
    client.force_login(facilitator)
    response = client.post(
        url("attendance_mark", cohort, session.pk, ana.pk),
        {"status": "asleep"},
        **hx(f"att-row-{ana.pk}"),
    )
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "Unknown attendance status." in text(response)
    assert re.search(rf'id="att-{ana.pk}-late"[^>]*aria-pressed="true"', text(response))
    assert "Ana Ruiz was not marked" in text(response)
    assert Attendance.objects.get().status == A.LATE


def test_a_withdrawn_person_cannot_be_marked(client, facilitator, room):
    cohort, session, ana, _ben = room
    services.enrollment_withdraw(enrollment=ana, actor=ana.user, note="")
    client.force_login(facilitator)
    response = client.post(
        url("attendance_mark", cohort, session.pk, ana.pk),
        {"status": A.PRESENT},
        **hx(f"att-row-{ana.pk}"),
    )
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "not enrolled" in text(response)


def test_mark_everyone_not_yet_marked_present(client, facilitator, room):
    cohort, session, ana, ben = room
    cy = enroll(cohort, "Cy Chen")
    services.attendance_mark(session=session, enrollment=ana, status=A.LATE, actor=facilitator)
    client.force_login(facilitator)

    response = client.post(url("attendance_all_present", cohort, session.pk), **hx("att-grid"))

    assert response.status_code == OK
    body = text(response)
    assert not is_whole_page(response)
    assert 'id="att-grid"' in body
    assert body.count('role="group"') == 3
    assert '<div id="att-live" hx-swap-oob="innerHTML">Marked 2 people present.</div>' in body
    assert "attendance-changed" in json.loads(response["HX-Trigger"])
    assert dict(Attendance.objects.values_list("enrollment", "status")) == {
        ana.pk: A.LATE,
        ben.pk: A.PRESENT,
        cy.pk: A.PRESENT,
    }
    # Again: nothing left to mark. Without HTMX: back to the page.
    response = client.post(url("attendance_all_present", cohort, session.pk))
    assert response.status_code == SEE
    assert response["Location"] == url("attendance", cohort, session.pk)
    assertContains(client.get(response["Location"]), "Everyone was already marked.")


def test_mark_everyone_present_is_refused_before_the_session(client, facilitator):
    cohort = make_cohort(facilitators=[facilitator])
    session = session_at(cohort, timedelta(hours=3))
    enroll(cohort, "Ana Ruiz")
    client.force_login(facilitator)
    response = client.post(url("attendance_all_present", cohort, session.pk), **hx("att-grid"))
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "Attendance is taken once the session starts" in text(response)
    assert not Attendance.objects.exists()


def test_a_cancelled_session_says_so(client, facilitator, room):
    cohort, session, ana, _ben = room
    services.session_cancel(session=session)
    client.force_login(facilitator)
    page = client.get(url("attendance", cohort, session.pk))
    assertContains(page, "This session was cancelled")
    response = client.post(
        url("attendance_mark", cohort, session.pk, ana.pk),
        {"status": A.PRESENT},
        **hx(f"att-row-{ana.pk}"),
    )
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "The session was cancelled." in text(response)


def test_previous_and_next_session_links(client, facilitator, room):
    cohort, session, _ana, _ben = room
    earlier = session_at(cohort, -timedelta(days=7), title="Welcome")
    later = session_at(cohort, timedelta(days=6), title="Home rule")
    client.force_login(facilitator)
    response = client.get(url("attendance", cohort, session.pk))
    assertContains(response, f'href="{url("attendance", cohort, earlier.pk)}"')
    assertContains(response, f'href="{url("attendance", cohort, later.pk)}"')


# --- Reflections ---------------------------------------------------------------------------


@pytest.fixture
def reflections(facilitator):
    cohort = make_cohort(facilitators=[facilitator])
    lesson = reflection_lesson(cohort)
    ana, ben, cy = (
        enroll(cohort, "Ana Ruiz"),
        enroll(cohort, "Ben Okafor"),
        enroll(cohort, "Cy Chen"),
    )
    old = reflect(ana, lesson, "Tenant protections first.", timedelta(days=3))
    new = reflect(ben, lesson, "A participatory budget.", timedelta(hours=2))
    answered = reflect(cy, lesson, "Transit to the county jobs.", timedelta(days=2))
    services.reflection_feedback(progress=answered, actor=facilitator, feedback="Good choice.")
    return cohort, lesson, old, new, answered


def test_reflections_page_lists_those_needing_feedback_newest_first(
    client, facilitator, reflections
):
    cohort, lesson, _old, new, _answered = reflections
    client.force_login(facilitator)
    response = client.get(url("reflections", cohort))
    assert response.status_code == OK
    body = text(response)
    assert lesson.title in body
    assert "What will you change?" in body
    assert body.index("A participatory budget.") < body.index("Tenant protections first.")
    assert "Transit to the county jobs." not in body
    assert re.search(r'aria-current="true">Needs feedback <span class="chip__count">\(2\)', body)
    assert 'All <span class="chip__count">(3)</span>' in body
    feedback_url = url("reflection_feedback", cohort, new.pk)
    assert f'action="{feedback_url}"' in body
    assert f'hx-post="{feedback_url}" hx-target="#reflection-{new.pk}"' in body
    assert "style=" not in body

    everything = client.get(url("reflections", cohort) + "?show=all", **hx("reflection-list"))
    assert everything.status_code == OK
    assert not is_whole_page(everything)
    assert "Transit to the county jobs." in text(everything)
    assert "Good choice." in text(everything)
    assert "Change your feedback" in text(everything)


def test_feedback_re_renders_the_reflection_and_emails_after_commit(
    client, facilitator, reflections, mailoutbox, django_capture_on_commit_callbacks
):
    cohort, _lesson, old, _new, _answered = reflections
    client.force_login(facilitator)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            url("reflection_feedback", cohort, old.pk),
            {"feedback": "Start with one district.", "show": "needs-feedback"},
            **hx(f"reflection-{old.pk}"),
        )
    assert response.status_code == OK
    assert len(callbacks) == 1
    body = text(response)
    assert not is_whole_page(response)
    assert f'id="reflection-{old.pk}"' in body
    assert "Start with one district." in body
    assert "Feedback from Fay Facilitator" in body
    assert "Feedback sent to Ana Ruiz." in body  # the out-of-band message
    old.refresh_from_db()
    assert (old.feedback, old.feedback_by) == ("Start with one district.", facilitator)
    assert [m.to for m in mailoutbox] == [[old.enrollment.user.email]]
    assert "Start with one district." in mailoutbox[0].body


def test_empty_feedback_is_422_with_the_message(client, facilitator, reflections, mailoutbox):
    cohort, _lesson, old, _new, _answered = reflections
    client.force_login(facilitator)
    response = client.post(
        url("reflection_feedback", cohort, old.pk),
        {"feedback": "   "},
        **hx(f"reflection-{old.pk}"),
    )
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "Write your feedback before sending it." in text(response)
    assert 'aria-invalid="true"' in text(response)
    old.refresh_from_db()
    assert old.feedback == ""
    assert mailoutbox == []
    page = client.post(url("reflection_feedback", cohort, old.pk), {"feedback": ""})
    assert page.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert is_whole_page(page)


def test_feedback_without_htmx_redirects(client, facilitator, reflections):
    cohort, _lesson, old, _new, _answered = reflections
    client.force_login(facilitator)
    response = client.post(
        url("reflection_feedback", cohort, old.pk), {"feedback": "Yes!", "show": "all"}
    )
    assert response.status_code == SEE
    assert response["Location"] == url("reflections", cohort) + "?show=all"


def test_a_rewritten_reflection_needs_feedback_again(client, facilitator, reflections):
    cohort, _lesson, _old, _new, answered = reflections
    LessonProgress.objects.filter(pk=answered.pk).update(
        reflection_text="Transit, and then housing.", reflection_submitted_at=timezone.now()
    )
    client.force_login(facilitator)
    assertContains(client.get(url("reflections", cohort)), "Transit, and then housing.")


# --- Sign-off ------------------------------------------------------------------------------


def test_sign_off_page_and_button(client, facilitator, room):
    cohort, _session, ana, ben = room
    client.force_login(facilitator)
    page = client.get(url("sign_off", cohort, ana.pk))
    assert page.status_code == OK
    assertContains(page, "Facilitator sign-off")
    assertContains(page, "Complete the required lessons")
    assertContains(page, 'Sign off<span class="visually-hidden"> Ana Ruiz</span>')
    assertContains(page, url("sign_off", cohort, ben.pk))

    response = client.post(url("sign_off", cohort, ana.pk))
    assert response.status_code == SEE
    assert response["Location"] == url("sign_off", cohort, ana.pk)
    ana.refresh_from_db()
    assert ana.signed_off_by == facilitator
    assert ana.signed_off_at is not None
    assertContains(client.get(response["Location"]), "Signed off")

    response = client.post(url("sign_off", cohort, ben.pk), **hx(f"signoff-{ben.pk}"))
    assert response.status_code == OK
    assert not is_whole_page(response)
    assert f'id="signoff-{ben.pk}"' in text(response)
    assert "Signed off" in text(response)
    assert "Ben Okafor is signed off." in text(response)
    assert f'href="{url("sign_off", cohort, ben.pk)}"' in text(response)  # links to their page
    ben.refresh_from_db()
    assert ben.signed_off_at is not None


def test_sign_off_listed_on_the_attendance_page_when_required(client, facilitator, room):
    cohort, session, ana, _ben = room
    client.force_login(facilitator)
    response = client.get(url("attendance", cohort, session.pk))
    assertContains(response, "Facilitator sign-off (0 of 2 signed off)")
    assertContains(response, f'hx-post="{url("sign_off", cohort, ana.pk)}"')


def test_sign_off_is_refused_for_withdrawn_people_and_cohorts_without_it(client, facilitator, room):
    cohort, _session, ana, _ben = room
    services.enrollment_withdraw(enrollment=ana, actor=ana.user, note="")
    client.force_login(facilitator)
    response = client.post(url("sign_off", cohort, ana.pk), **hx(f"signoff-{ana.pk}"))
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "Only enrolled participants can be signed off." in text(response)

    plain = make_cohort(facilitators=[facilitator])
    someone = enroll(plain)
    assert client.get(url("sign_off", plain, someone.pk)).status_code == NF
    assert client.post(url("sign_off", plain, someone.pk)).status_code == NF


# --- "Your attendance" ---------------------------------------------------------------------


def test_my_attendance_lists_held_sessions_and_excuses_ahead(facilitator):
    cohort = make_cohort(facilitators=[facilitator])
    first = session_at(cohort, -timedelta(days=7), title="Welcome")
    second = session_at(cohort, -timedelta(hours=1), title="Budgets")
    cancelled = session_at(cohort, -timedelta(days=3), title="Snow day")
    services.session_cancel(session=cancelled)
    ahead = session_at(cohort, timedelta(days=7), title="Home rule")
    session_at(cohort, timedelta(days=14), title="Later")
    ana, ben = enroll(cohort, "Ana Ruiz"), enroll(cohort)
    mark = services.attendance_mark
    mark(session=first, enrollment=ana, status=A.LATE, actor=facilitator)
    mark(session=ahead, enrollment=ana, status=A.EXCUSED, actor=facilitator)
    mark(session=second, enrollment=ben, status=A.ABSENT, actor=facilitator)

    rows = attendance_selectors.my_attendance(ana)

    assert [(r.session, r.status) for r in rows] == [
        (first, A.LATE),
        (second, ""),
        (ahead, A.EXCUSED),
    ]
    assert rows[0].status_label == "Late"


def test_my_attendance_component_renders(facilitator):
    from django.template.loader import render_to_string

    cohort = make_cohort(facilitators=[facilitator])
    session = session_at(cohort, -timedelta(hours=2), title="Budgets")
    ana = enroll(cohort, "Ana Ruiz")
    services.attendance_mark(session=session, enrollment=ana, status=A.PRESENT, actor=facilitator)
    html = render_to_string(
        "cohorts/attendance/my_attendance.html",
        {"my_attendance": attendance_selectors.my_attendance(ana)},
    )
    assert "Your attendance" in html
    assert "Budgets" in html
    assert '<span class="badge badge--success">Present</span>' in html
    empty = render_to_string("cohorts/attendance/my_attendance.html", {"my_attendance": []})
    assert "No sessions have been held yet." in empty


# --- Query counts --------------------------------------------------------------------------


def _crowd(facilitator, size: int):
    """A cohort of `size`, a started session with everyone marked (by several people), and a
    reflection from everyone, half of them answered."""
    cohort = make_cohort(facilitators=[facilitator], capacity=40, requires_signoff=True)
    session = session_at(cohort, -timedelta(hours=1))
    lesson = reflection_lesson(cohort)
    second = reflection_lesson(cohort, "Building power")
    markers = [facilitator, UserFactory(), UserFactory()]
    for i in range(size):
        enrollment = enroll(cohort)
        services.attendance_mark(
            session=session,
            enrollment=enrollment,
            status=A.values[i % 4],
            actor=markers[i % 3],
        )
        progress = reflect(enrollment, (lesson, second)[i % 2], f"Text {i}", timedelta(hours=i + 1))
        if i % 2:
            services.reflection_feedback(progress=progress, actor=markers[i % 3], feedback="Yes.")
        if i % 3 == 0:
            services.enrollment_sign_off(enrollment=enrollment, actor=markers[i % 3])
    return cohort, session


GRID_QUERIES = 8  # session, user, cohort, the session, marks, roster, session list, roles
REFLECTION_QUERIES = 6  # session, user, cohort, counts, reflections, roles


@pytest.mark.parametrize("size", [3, 30])
def test_attendance_grid_queries_do_not_grow(client, facilitator, django_assert_num_queries, size):
    cohort, session = _crowd(facilitator, size)
    client.force_login(facilitator)
    with django_assert_num_queries(GRID_QUERIES):
        response = client.get(url("attendance", cohort, session.pk))
    assert response.status_code == OK
    assert text(response).count('role="group"') == size


@pytest.mark.parametrize("size", [3, 30])
def test_reflections_page_queries_do_not_grow(client, facilitator, django_assert_num_queries, size):
    cohort, _session = _crowd(facilitator, size)
    client.force_login(facilitator)
    with django_assert_num_queries(REFLECTION_QUERIES):
        response = client.get(url("reflections", cohort) + "?show=all")
    assert response.status_code == OK
    assert text(response).count('class="card reflection-item"') == size
