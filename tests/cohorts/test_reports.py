"""Reports: the facilitator's roster grid (page, HTMX partial, CSV) and the staff overview.

Permissions for every role, the numbers (module %, required %, attendance % with excused
sessions left out and unmarked ones missed, the at-risk flags), sorting and filtering with
HTMX, the CSV files read back, the staff rates, and query counts that do not grow with the
number of participants, modules or sessions.
"""

import csv
import io
import itertools
import re
from dataclasses import dataclass
from datetime import date, timedelta
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from academy.choices import OfficeType
from academy.models import User
from cohorts import reports, services
from cohorts.models import Attendance, Cohort, Enrollment, LessonProgress, Session
from cohorts.report_views import safe_cell
from modules.models import Lesson, Module
from tests.factories import UserFactory, make_cohort, published_program

pytestmark = pytest.mark.django_db

S = Enrollment.Status
A = Attendance.Status
HX = {"HTTP_HX_REQUEST": "true"}
GRID = {**HX, "HTTP_HX_TARGET": "roster-grid"}
RESULTS = {**HX, "HTTP_HX_TARGET": "report-results"}
_numbers = itertools.count(1)


# --- Helpers -------------------------------------------------------------------------------


def running_cohort(*, modules=2, lessons=3, facilitators=(), days_in=60, days_left=30, **fields):
    """A cohort that started `days_in` days ago and ends in `days_left` days."""
    today = timezone.localdate()
    fields.setdefault("capacity", 50)
    return make_cohort(
        program=published_program(modules=modules, lessons_per_module=lessons),
        facilitators=facilitators,
        starts_on=today - timedelta(days=days_in),
        ends_on=today + timedelta(days=days_left),
        **fields,
    )


def join(cohort: Cohort, **user_fields) -> Enrollment:
    return services.enrollment_self_enroll(cohort=cohort, user=UserFactory(**user_fields))


def past_sessions(cohort: Cohort, n: int, *, upcoming: int = 0) -> list[Session]:
    now = timezone.now()
    starts = [now - timedelta(days=2 * (n - i)) for i in range(n)]
    starts += [now + timedelta(days=7 * (i + 1)) for i in range(upcoming)]
    return [
        services.session_create(
            cohort=cohort, title=f"Session {k + 1}", starts_at=s, ends_at=s + timedelta(hours=1)
        )
        for k, s in enumerate(starts)
    ]


def mark(marker: User, *rows: tuple[Session, Enrollment, str]) -> None:
    """Marks written directly (faster than the service), with the counts the service keeps."""
    Attendance.objects.bulk_create(
        Attendance(session=s, enrollment=e, status=st, marked_by=marker) for s, e, st in rows
    )
    services.attendance_recount(Enrollment.objects.filter(pk__in={e.pk for _, e, _ in rows}))


def complete(enrollment: Enrollment, lessons) -> None:
    now = timezone.now()
    LessonProgress.objects.bulk_create(
        LessonProgress(enrollment=enrollment, lesson=lesson, completed_at=now) for lesson in lessons
    )


def set_status(enrollment: Enrollment, status: str) -> Enrollment:
    Enrollment.objects.filter(pk=enrollment.pk).update(status=status)
    enrollment.refresh_from_db()
    return enrollment


def roster_url(cohort: Cohort, **params) -> str:
    url = reverse("cohorts:roster", args=[cohort.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff"), "a UTF-8 byte-order mark for Excel"
    return list(csv.reader(io.StringIO(body[1:])))


def names(roster: reports.Roster) -> list[str]:
    return [row.user.full_name for row in roster.rows]


# --- The example cohort used for the numbers -----------------------------------------------


@dataclass
class Example:
    cohort: Cohort
    sessions: list[Session]
    ana: Enrollment  # on track
    ben: Enrollment  # behind, missing sessions, attendance out of reach
    cleo: Enrollment  # completed
    dee: Enrollment  # waitlisted


@pytest.fixture
def example(facilitator) -> Example:
    """2 modules × 3 lessons, lesson 2.3 optional; 4 sessions held, 1 to come; 60 of 90 days gone."""
    cohort = running_cohort(facilitators=[facilitator], capacity=3, min_attendance_percent=75)
    lessons = {
        lesson.title: lesson for lesson in Lesson.objects.filter(module__program=cohort.program_id)
    }
    Lesson.objects.filter(pk=lessons["Lesson 2.3"].pk).update(required=False)
    ana = join(cohort, full_name="Ana Álvarez", state="NY", office_type=OfficeType.MAYOR)
    ben = join(cohort, full_name="Ben Brooks", state="TX")
    cleo = set_status(join(cohort, full_name="Cleo Chen", state="NC"), S.COMPLETED)
    dee = join(cohort, full_name="Dee Waiting")
    assert dee.status == S.WAITLISTED
    sessions = past_sessions(cohort, 4, upcoming=1)
    s1, s2, s3, s4, _upcoming = sessions
    mark(
        facilitator,
        (s1, ana, A.PRESENT),
        (s2, ana, A.LATE),
        (s3, ana, A.EXCUSED),
        (s4, ana, A.ABSENT),
        (s1, ben, A.PRESENT),
        (s4, ben, A.ABSENT),  # s2 and s3 unmarked: missed
        (s1, cleo, A.PRESENT),
        (s2, cleo, A.PRESENT),
    )
    complete(
        ana,
        [
            lessons[t]
            for t in ("Lesson 1.1", "Lesson 1.2", "Lesson 1.3", "Lesson 2.1", "Lesson 2.3")
        ],
    )
    complete(cleo, [lessons[t] for t in ("Lesson 1.1", "Lesson 1.2")])
    return Example(cohort, sessions, ana, ben, cleo, dee)


# --- Permissions ---------------------------------------------------------------------------


ROSTER_ENDPOINTS = ["page", "partial", "csv"]


def _get_roster(client, cohort, endpoint):
    if endpoint == "csv":
        return client.get(reverse("cohorts:roster_csv", args=[cohort.slug]))
    return client.get(roster_url(cohort), **(GRID if endpoint == "partial" else {}))


@pytest.mark.parametrize("endpoint", ROSTER_ENDPOINTS)
def test_roster_anonymous_is_sent_to_sign_in(client, example, endpoint):
    response = _get_roster(client, example.cohort, endpoint)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("endpoint", ROSTER_ENDPOINTS)
@pytest.mark.parametrize("role", ["participant", "member", "other_facilitator"])
def test_roster_is_a_404_for_everyone_else(
    client, example, other_facilitator, request, role, endpoint
):
    running_cohort(facilitators=[other_facilitator])  # a facilitator, of another cohort
    user = example.ana.user if role == "member" else request.getfixturevalue(role)
    client.force_login(user)
    assert _get_roster(client, example.cohort, endpoint).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("endpoint", ROSTER_ENDPOINTS)
@pytest.mark.parametrize("role", ["facilitator", "staff"])
def test_roster_opens_for_its_facilitators_and_staff(client, example, request, role, endpoint):
    client.force_login(request.getfixturevalue(role))
    assert _get_roster(client, example.cohort, endpoint).status_code == HTTPStatus.OK


def test_an_inactive_facilitator_gets_a_404(client, example, facilitator):
    User.objects.filter(pk=facilitator.pk).update(is_active=False)
    client.force_login(facilitator)
    # Django's ModelBackend refuses inactive users: they are signed out, hence a login redirect.
    assert _get_roster(client, example.cohort, "page").status_code in {
        HTTPStatus.FOUND,
        HTTPStatus.NOT_FOUND,
    }


@pytest.mark.parametrize("name", ["roster", "roster_csv"])
def test_roster_of_a_missing_cohort_is_a_404(client, staff, name):
    client.force_login(staff)
    response = client.get(reverse(f"cohorts:{name}", args=["no-such-cohort"]))
    assert response.status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("name", ["roster", "roster_csv", "staff_report", "staff_report_csv"])
def test_reports_refuse_post(client, staff, example, name):
    client.force_login(staff)
    args = [example.cohort.slug] if name.startswith("roster") else []
    response = client.post(reverse(f"cohorts:{name}", args=args))
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


@pytest.mark.parametrize("name", ["staff_report", "staff_report_csv"])
@pytest.mark.parametrize("htmx", [False, True])
def test_staff_report_is_for_staff_only(
    client, example, facilitator, participant, staff, name, htmx
):
    url = reverse(f"cohorts:{name}")
    headers = RESULTS if htmx else {}
    response = client.get(url, **headers)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")
    for user in (participant, facilitator, example.ana.user):
        client.force_login(user)
        assert client.get(url, **headers).status_code == HTTPStatus.NOT_FOUND
    client.force_login(staff)
    assert client.get(url, **headers).status_code == HTTPStatus.OK


# --- The numbers ---------------------------------------------------------------------------


def test_roster_numbers(example):
    roster = reports.cohort_roster(cohort=example.cohort)
    rows = {row.user.full_name: row for row in roster.rows}
    assert list(rows) == ["Ana Álvarez", "Ben Brooks", "Cleo Chen"]  # waitlist kept apart
    assert [e.user.full_name for e in roster.waitlist] == ["Dee Waiting"]
    assert [m.title for m in roster.modules] == ["Module 1", "Module 2"]
    assert len(roster.held) == 4
    assert roster.remaining == 1
    assert roster.sessions_total == 5
    assert roster.elapsed_percent == 67  # 60 of 90 days

    ana, ben, cleo = rows["Ana Álvarez"], rows["Ben Brooks"], rows["Cleo Chen"]
    # Module 2 counts its two required lessons; 2.3 (optional) is done but not counted.
    assert [cell.percent for cell in ana.modules] == [100, 50]
    assert (ana.policy.required_done, ana.policy.required_total) == (4, 5)
    assert ana.progress_percent == 80
    assert [c.status for c in ana.cells] == ["present", "late", "excused", "absent"]
    # present + late over held sessions less the excused one: 2 of 3.
    assert (ana.attendance.attended, ana.attendance.counted) == (2, 3)
    assert ana.attendance_percent == 67
    assert ana.flags == []
    assert not ana.at_risk

    assert [cell.percent for cell in ben.modules] == [0, 0]
    assert ben.progress_percent == 0
    assert [c.status for c in ben.cells] == ["present", "unmarked", "unmarked", "absent"]
    assert ben.attendance_percent == 25  # unmarked held sessions count as missed
    assert ben.attendance.missed == 3
    assert [f.code for f in ben.flags] == ["missed", "behind", "unreachable"]
    assert ben.at_risk

    assert [cell.percent for cell in cleo.modules] == [67, 0]
    assert cleo.attendance_percent == 50
    assert cleo.is_completed
    assert cleo.flags == []
    assert roster.counts == {"all": 3, "at-risk": 1, "completed": 1}


def test_excused_sessions_are_not_missed(facilitator):
    cohort = running_cohort(facilitators=[facilitator])
    e = join(cohort)
    s1, s2, s3 = past_sessions(cohort, 3)
    mark(facilitator, (s1, e, A.EXCUSED), (s2, e, A.EXCUSED), (s3, e, A.PRESENT))
    row = reports.cohort_roster(cohort=cohort).rows[0]
    assert row.attendance_percent == 100
    assert not row.missed_sessions


def test_one_missed_session_is_not_a_flag_two_are(facilitator):
    cohort = running_cohort(facilitators=[facilitator], min_attendance_percent=0, days_in=1)
    one, two = join(cohort, full_name="One"), join(cohort, full_name="Two")
    s1, s2, _s3 = past_sessions(cohort, 3)
    mark(facilitator, (s1, one, A.PRESENT), (s2, one, A.PRESENT), (s1, two, A.ABSENT))
    rows = {r.user.full_name: r for r in reports.cohort_roster(cohort=cohort).rows}
    assert [f.code for f in rows["One"].flags] == []  # s3 unmarked: one missed
    assert [f.code for f in rows["Two"].flags] == ["missed"]  # s1 absent, s2 and s3 unmarked


@pytest.mark.parametrize(
    ("days_in", "days_left", "done", "behind"),
    [
        (0, 100, 0, False),  # not started: nothing expected yet
        (50, 50, 5, False),  # 50% elapsed, 5/6 = 83% done
        (50, 50, 2, False),  # 33% done ≥ 50 − 20
        (50, 50, 1, True),  # 17% done < 30
        (100, 0, 5, False),  # ended: 83% done ≥ 100 − 20
        (100, 0, 4, True),  # ended: 67% done < 80
    ],
)
def test_behind_schedule(facilitator, days_in, days_left, done, behind):
    cohort = running_cohort(facilitators=[facilitator], days_in=days_in, days_left=days_left)
    e = join(cohort)
    complete(
        e,
        Lesson.objects.filter(module__program=cohort.program_id).order_by(
            "module__position", "position"
        )[:done],
    )
    row = reports.cohort_roster(cohort=cohort).rows[0]
    assert row.behind_schedule is behind
    assert ("behind" in [f.code for f in row.flags]) is behind


def test_elapsed_share():
    cohort = Cohort(starts_on=date(2027, 1, 1), ends_on=date(2027, 1, 11))
    assert reports.elapsed_share(cohort, date(2026, 12, 1)) == 0
    assert reports.elapsed_share(cohort, date(2027, 1, 6)) == 0.5
    assert reports.elapsed_share(cohort, date(2027, 2, 1)) == 1
    same_day = Cohort(starts_on=date(2027, 1, 1), ends_on=date(2027, 1, 1))
    assert reports.elapsed_share(same_day, date(2027, 1, 1)) == 0


def test_cancelled_sessions_and_other_cohorts_do_not_count(facilitator):
    cohort = running_cohort(facilitators=[facilitator])
    other = running_cohort()
    e = join(cohort)
    s1, s2 = past_sessions(cohort, 2)
    (_o1,) = past_sessions(other, 1)
    mark(facilitator, (s1, e, A.PRESENT), (s2, e, A.ABSENT))
    services.session_cancel(session=s2)
    roster = reports.cohort_roster(cohort=cohort)
    assert [s.pk for s in roster.held] == [s1.pk]
    assert roster.rows[0].attendance_percent == 100


def test_a_non_required_module_is_shown_but_not_in_the_required_percent(facilitator):
    cohort = running_cohort(facilitators=[facilitator], modules=2, lessons=2)
    Module.objects.filter(program=cohort.program_id, position=2).update(required=False)
    e = join(cohort)
    complete(e, Lesson.objects.filter(module__program=cohort.program_id, module__position=2))
    row = reports.cohort_roster(cohort=cohort).rows[0]
    assert [c.percent for c in row.modules] == [0, 100]
    assert (row.policy.required_done, row.policy.required_total) == (0, 2)


# --- The page, sorting and filtering with HTMX -----------------------------------------------


def test_roster_page(client, facilitator, example):
    client.force_login(facilitator)
    response = client.get(roster_url(example.cohort))
    html = response.content.decode()
    assert "<html" in html
    assert 'id="roster-grid"' in html
    assert "Ana Álvarez" in html
    assert "Dee Waiting" in html
    assert 'css/reports.css" nonce="' in html
    assert "Behind schedule" in html
    assert "Attendance no longer reachable" in html
    assert "Missed 2+ sessions" in html
    # Attendance cells carry a text alternative, not only a symbol.
    assert '<span class="visually-hidden">Not marked</span>' in html
    assert '<span class="visually-hidden">Excused</span>' in html
    assert reverse("cohorts:roster_csv", args=[example.cohort.slug]) in html
    assert "<script>" not in html
    assert " style=" not in html
    assert "hx-on" not in html


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["Ana Álvarez", "Ben Brooks", "Cleo Chen"]),
        ("-name", ["Cleo Chen", "Ben Brooks", "Ana Álvarez"]),
        ("progress", ["Ben Brooks", "Cleo Chen", "Ana Álvarez"]),
        ("-progress", ["Ana Álvarez", "Cleo Chen", "Ben Brooks"]),
        ("attendance", ["Ben Brooks", "Cleo Chen", "Ana Álvarez"]),
        ("-attendance", ["Ana Álvarez", "Cleo Chen", "Ben Brooks"]),
        ("nonsense", ["Ana Álvarez", "Ben Brooks", "Cleo Chen"]),
    ],
)
def test_roster_sorting(client, facilitator, example, sort, expected):
    client.force_login(facilitator)
    response = client.get(roster_url(example.cohort, sort=sort), **GRID)
    assert names(response.context["roster"]) == expected


@pytest.mark.parametrize(
    ("show", "expected"),
    [
        ("all", ["Ana Álvarez", "Ben Brooks", "Cleo Chen"]),
        ("at-risk", ["Ben Brooks"]),
        ("completed", ["Cleo Chen"]),
        ("bogus", ["Ana Álvarez", "Ben Brooks", "Cleo Chen"]),
    ],
)
def test_roster_filtering(client, facilitator, example, show, expected):
    client.force_login(facilitator)
    response = client.get(roster_url(example.cohort, show=show))
    assert names(response.context["roster"]) == expected


def test_htmx_target_gets_only_the_grid_with_urls_that_keep_the_state(client, facilitator, example):
    client.force_login(facilitator)
    base = roster_url(example.cohort)
    response = client.get(base, {"show": "at-risk", "sort": "-progress"}, **GRID)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="roster-grid"')
    assert "<html" not in html
    assert "Waitlist" not in html
    assert "page-title" not in html
    assert "Ben Brooks" in html
    assert "Ana Álvarez" not in html
    # Every control is a real link and an hx-get that pushes the URL of the new state.
    assert 'hx-target="#roster-grid"' in html
    assert 'hx-push-url="true"' in html
    assert (
        f'href="{base}?show=at-risk&amp;sort=-progress" hx-get="{base}?show=at-risk&amp;sort=-progress"'
        in html
    )
    assert f'href="{base}?sort=-progress"' in html  # "All" keeps the sort
    assert f'href="{base}?show=completed&amp;sort=-progress"' in html
    # Sorting by the current column again flips it; other columns sort ascending first.
    assert f'href="{base}?show=at-risk&amp;sort=progress"' in html
    assert f'href="{base}?show=at-risk&amp;sort=attendance"' in html
    assert 'aria-sort="descending"' in html
    assert 'aria-current="true"' in html


@pytest.mark.parametrize(
    "headers",
    [{}, HX, {**HX, "HTTP_HX_TARGET": "main"}, {**GRID, "HTTP_HX_BOOSTED": "true"}],
    ids=["plain", "htmx-no-target", "other-target", "boosted"],
)
def test_other_requests_get_the_whole_page(client, facilitator, example, headers):
    client.force_login(facilitator)
    response = client.get(roster_url(example.cohort), **headers)
    assert "<html" in response.content.decode()
    assert "HX-Request" in response["Vary"]


def test_roster_empty_states(client, facilitator):
    cohort = running_cohort(facilitators=[facilitator])
    client.force_login(facilitator)
    html = client.get(roster_url(cohort)).content.decode()
    assert "No one holds a seat in this cohort yet." in html
    join(cohort)
    html = client.get(roster_url(cohort)).content.decode()
    assert "No session has been held yet" in html
    html = client.get(roster_url(cohort, show="completed")).content.decode()
    assert "No participant matches this filter." in html


# --- CSV -----------------------------------------------------------------------------------


def test_roster_csv(client, facilitator, example):
    User.objects.filter(pk=example.ben.user_id).update(
        full_name='=HYPERLINK("http://evil.example","click")', jurisdiction="+1 555"
    )
    User.objects.filter(pk=example.cleo.user_id).update(full_name="@SUM(A1)", jurisdiction="-2")
    client.force_login(facilitator)
    response = client.get(reverse("cohorts:roster_csv", args=[example.cohort.slug]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="roster-{example.cohort.slug}-{today}.csv"'
    )
    assert "no-store" in response["Cache-Control"]
    rows = read_csv(response)
    header, body = rows[0], rows[1:]
    assert header[:6] == ["Name", "Email", "Office", "Jurisdiction", "State", "Status"]
    assert header[6:8] == ["Module 1: Module 1 (% done)", "Module 2: Module 2 (% done)"]
    assert header[-4:] == [
        "Attendance (%)",
        "Missed 2+ sessions",
        "Behind schedule",
        "Attendance no longer reachable",
    ]
    assert sum(h.endswith("Session 1") for h in header) == 1
    assert len(body) == 3  # one row per participant; the waitlist is not in the roster
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    ana = by_name["Ana Álvarez"]  # accents intact
    assert ana["Office"] == "Mayor"
    assert ana["State"] == "NY"
    assert ana["Status"] == "Enrolled"
    assert ana["Module 1: Module 1 (% done)"] == "100"
    assert ana["Module 2: Module 2 (% done)"] == "50"
    assert ana["Required lessons (% done)"] == "80"
    assert ana["Attendance (%)"] == "67"
    sessions = [v for k, v in ana.items() if re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d Session", k)]
    assert sessions == ["Present", "Late", "Excused", "Absent"]
    # Formula injection neutralised with a leading apostrophe.
    ben = by_name['\'=HYPERLINK("http://evil.example","click")']
    assert ben["Jurisdiction"] == "'+1 555"
    assert ben["Missed 2+ sessions"] == ben["Behind schedule"] == "yes"
    cleo = by_name["'@SUM(A1)"]
    assert cleo["Jurisdiction"] == "'-2"
    assert cleo["Status"] == "Completed"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\t=1", "'\t=1"),
        ("José", "José"),
        ("a=b", "a=b"),
        (-5, -5),
        (42, 42),
        (None, ""),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_roster_csv_of_an_empty_cohort_has_its_header(client, facilitator):
    cohort = running_cohort(facilitators=[facilitator])
    client.force_login(facilitator)
    rows = read_csv(client.get(reverse("cohorts:roster_csv", args=[cohort.slug])))
    assert len(rows) == 1
    assert rows[0][0] == "Name"


# --- Staff report ----------------------------------------------------------------------------


@pytest.fixture
def two_cohorts(facilitator):
    """Cohort A (running): 2 enrolled, 1 completed, 1 withdrawn, 1 waiting; cohort B (open)."""
    a = running_cohort(facilitators=[facilitator], capacity=4, status=Cohort.Status.OPEN)
    b = running_cohort(capacity=10)
    ny = {"state": "NY", "office_type": OfficeType.CITY_COUNCIL}
    tx = {"state": "TX", "office_type": OfficeType.SCHOOL_BOARD}
    a1 = join(a, full_name="A One", **ny)
    a2 = join(a, full_name="A Two", **tx)
    a3 = set_status(join(a, full_name="A Three", **ny), S.COMPLETED)
    a4 = set_status(join(a, full_name="A Four", **tx), S.WITHDRAWN)
    a5 = join(a, full_name="A Five", **ny)
    assert a5.status == S.ENROLLED
    waiting = join(a, full_name="A Waiting", **tx)
    assert waiting.status == S.WAITLISTED
    b1 = join(b, full_name="B One", state="", office_type="")
    s1, s2 = past_sessions(a, 2)
    mark(
        facilitator,
        (s1, a1, A.PRESENT),
        (s2, a1, A.PRESENT),  # 100%
        (s1, a2, A.PRESENT),  # s2 unmarked: 50%
        (s1, a3, A.EXCUSED),
        (s2, a3, A.LATE),  # 100%
        (s1, a4, A.ABSENT),  # withdrawn: not in the attendance average
        # a5 unmarked twice: 0%
    )
    Cohort.objects.filter(pk=a.pk).update(status=Cohort.Status.RUNNING)
    return a, b, b1


def test_staff_report_rates(two_cohorts):
    a, b, _b1 = two_cohorts
    report = reports.staff_report()
    lines = {line.cohort.pk: line for line in report.cohorts}
    la, lb = lines[a.pk], lines[b.pk]
    assert (la.cohort.seats_taken, la.cohort.capacity, la.cohort.waitlist_count) == (4, 4, 1)
    assert (la.rates.enrolled, la.rates.completed, la.rates.withdrawn) == (3, 1, 1)
    assert la.rates.completion_rate == 20  # 1 of 5
    assert la.rates.attendance_rate == 62  # (100 + 50 + 100 + 0) / 4 = 62.5
    assert (lb.cohort.seats_taken, lb.rates.completion_rate, lb.rates.attendance_rate) == (
        1,
        0,
        None,
    )
    assert report.totals.completion_rate == 17  # 1 of 6
    assert report.totals.attendance_rate == 62  # B's participant has no session counted yet
    assert (report.seats_taken, report.capacity, report.waitlist) == (5, 14, 1)

    states = {r.key: r for r in report.by_state}
    assert [r.key for r in report.by_state] == ["NY", "TX", ""]  # "not given" last
    assert states["NY"].label == "New York"
    assert (states["NY"].counted, states["NY"].completed) == (3, 1)
    assert states["NY"].attendance_rate == 67  # (100 + 100 + 0) / 3
    assert (states["TX"].counted, states["TX"].completion_rate) == (2, 0)
    assert states["TX"].attendance_rate == 50  # the withdrawn one is left out
    assert str(states[""].label) == "State not given"

    offices = {r.key: r for r in report.by_office}
    assert offices[OfficeType.CITY_COUNCIL].label == "City council"
    assert offices[OfficeType.CITY_COUNCIL].completion_rate == 33
    assert offices[OfficeType.SCHOOL_BOARD].attendance_rate == 50
    assert str(offices[""].label) == "Office not given"


def test_staff_report_attendance_ahead_and_cancelled(example, facilitator):
    """The report reads the counts kept on each enrollment: an absence excused ahead of a
    session that has not started is not counted yet, and a cancelled session stops counting."""
    ana, ben = example.ana, example.ben
    # Ana 2 of 3 (s3 excused), Ben 1 of 4, Cleo 2 of 4: (66.7 + 25 + 50) / 3
    assert reports.staff_report().totals.attendance_rate == 47
    services.attendance_mark(
        session=example.sessions[4], enrollment=ben, status=A.EXCUSED, actor=facilitator
    )
    ben.refresh_from_db()
    assert (ben.attended_count, ben.excused_count) == (1, 1)
    assert reports.staff_report().totals.attendance_rate == 47
    services.session_cancel(session=example.sessions[0])  # everyone was there
    ana.refresh_from_db()
    assert (ana.attended_count, ana.excused_count) == (1, 1)
    # Ana 1 of 2, Ben 0 of 3, Cleo 1 of 3
    assert reports.staff_report().totals.attendance_rate == 28


def test_staff_report_rates_are_kept_until_what_they_count_changes(
    example, facilitator, fragment_cache, django_assert_num_queries
):
    """With the fragments cache (Redis in production) the rates come from the cache while a
    one-statement fingerprint is unchanged; every kind of change shows at once."""
    from academy import services as people

    def totals(now=None):
        return reports.staff_report(now=now).totals

    assert totals().attendance_rate == 47
    # Programs, cohorts, the fingerprint: the rates themselves are not recomputed.
    with django_assert_num_queries(3):
        assert totals().attendance_rate == 47
    # A mark (through the service that keeps the counts).
    services.attendance_mark(
        session=example.sessions[1], enrollment=example.ben, status=A.PRESENT, actor=facilitator
    )
    assert totals().attendance_rate == 56  # Ben now 2 of 4: (66.7 + 50 + 50) / 3
    # A withdrawal.
    services.enrollment_withdraw(enrollment=example.ben, actor=facilitator)
    report = reports.staff_report()
    # Dee, first on the waitlist, takes the seat with no session marked: (66.7 + 50 + 0) / 3
    assert (report.totals.withdrawn, report.totals.attendance_rate) == (1, 39)
    # A profile edit moves a person between states.
    people.user_update_profile(user=example.ana.user, data={"state": "TX"})
    states = {r.key: r for r in reports.staff_report().by_state}
    assert "NY" not in states
    assert states["TX"].counted == 2
    # The clock: once the upcoming session has started it counts (unmarked: missed).
    later = example.sessions[4].starts_at + timedelta(minutes=1)
    assert totals().attendance_rate == 39
    assert totals(now=later).attendance_rate == 30  # Ana 2 of 4, Cleo 2 of 5, Dee 0 of 5


def test_staff_report_filters(client, staff, two_cohorts):
    a, b, _ = two_cohorts
    client.force_login(staff)
    url = reverse("cohorts:staff_report")
    response = client.get(url, {"status": "running"})
    assert [line.cohort.pk for line in response.context["report"].cohorts] == [a.pk]
    response = client.get(url, {"program": b.program.slug}, **RESULTS)
    report = response.context["report"]
    assert [line.cohort.pk for line in report.cohorts] == [b.pk]
    assert report.totals.counted == 1
    assert [r.key for r in report.by_state] == [""]
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="report-results"')
    assert "<html" not in html
    assert f"{reverse('cohorts:staff_report_csv')}?program={b.program.slug}" in html
    # Unknown values are ignored, not an error.
    response = client.get(url, {"program": "nope", "status": "nope"})
    assert len(response.context["report"].cohorts) == 2


def test_staff_report_page(client, staff, two_cohorts):
    a, _b, _ = two_cohorts
    client.force_login(staff)
    html = client.get(reverse("cohorts:staff_report")).content.decode()
    assert 'hx-target="#report-results"' in html
    assert 'hx-push-url="true"' in html
    assert reverse("cohorts:roster", args=[a.slug]) in html
    assert "New York" in html
    assert "School board" in html
    assert "20%" in html
    assert "62%" in html


def test_staff_report_empty(client, staff):
    client.force_login(staff)
    html = client.get(reverse("cohorts:staff_report")).content.decode()
    assert "No cohorts match these filters." in html


def test_staff_report_csv(client, staff, two_cohorts):
    a, b, _b1 = two_cohorts
    Cohort.objects.filter(pk=b.pk).update(name="=cmd|' /C calc'!A0 Cohorte d’été")
    client.force_login(staff)
    response = client.get(reverse("cohorts:staff_report_csv"))
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="academy-report-{today}.csv"'
    rows = read_csv(response)
    header = rows[0]
    assert header[:2] == ["Group", "Name"]
    assert header[-2:] == [
        "Completion rate (%)",
        "Average attendance (%)",
    ]
    records = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    cohorts = {r["Name"]: r for r in records if r["Group"] == "Cohort"}
    assert cohorts[a.name]["Seats taken"] == "4"
    assert cohorts[a.name]["Waitlist"] == "1"
    assert cohorts[a.name]["Completion rate (%)"] == "20"
    assert cohorts[a.name]["Average attendance (%)"] == "62"
    assert "'=cmd|' /C calc'!A0 Cohorte d’été" in cohorts  # neutralised, accents intact
    assert cohorts["'=cmd|' /C calc'!A0 Cohorte d’été"]["Average attendance (%)"] == ""
    states = {r["Name"]: r for r in records if r["Group"] == "State"}
    assert states["New York"]["Average attendance (%)"] == "67"
    offices = {r["Name"]: r for r in records if r["Group"] == "Office type"}
    assert offices["School board"]["Completion rate (%)"] == "0"
    (total,) = [r for r in records if r["Group"] == "All"]
    assert total["Completion rate (%)"] == "17"
    assert total["Capacity"] == "14"
    filtered = read_csv(client.get(reverse("cohorts:staff_report_csv"), {"status": "running"}))
    assert [r[1] for r in filtered if r[0] == "Cohort"] == [a.name]


# --- Query counts: the same at two sizes ------------------------------------------------------


def populate(facilitator, *, participants: int, modules: int, sessions: int) -> Cohort:
    """A running cohort with progress and attendance for everyone, and one person waiting."""
    n = next(_numbers)
    cohort = running_cohort(
        modules=modules, lessons=2, facilitators=[facilitator], capacity=participants
    )
    states = ["NY", "TX", "NC", "MN", "FL"]
    offices = list(OfficeType.values)
    people = [
        join(cohort, full_name=f"Person {n}.{i}", state=states[i % 5], office_type=offices[i % 6])
        for i in range(participants + 1)
    ]
    held = past_sessions(cohort, sessions, upcoming=1)[:sessions]
    seated = [e for e in people if e.status == S.ENROLLED]
    statuses = [A.PRESENT, A.LATE, A.EXCUSED, A.ABSENT]
    mark(
        facilitator,
        *[
            (s, e, statuses[(i + j) % 4])
            for i, e in enumerate(seated)
            for j, s in enumerate(held)
            if (i + j) % 5  # some left unmarked
        ],
    )
    lessons = list(Lesson.objects.filter(module__program=cohort.program_id))
    LessonProgress.objects.bulk_create(
        LessonProgress(enrollment=e, lesson=lesson, completed_at=timezone.now())
        for i, e in enumerate(seated)
        for k, lesson in enumerate(lessons)
        if k <= i % len(lessons)
    )
    set_status(seated[0], S.COMPLETED)
    set_status(seated[1], S.WITHDRAWN)
    return cohort


SIZES = [
    pytest.param({"participants": 3, "modules": 2, "sessions": 2}, id="small"),
    pytest.param({"participants": 30, "modules": 5, "sessions": 6}, id="large"),
]
# Session + user (2), the cohort (1), then the selector: cohort with its program, modules,
# sessions, progress grouped by (enrollment, module), attendance marks, people (6); the
# navigation's "is a facilitator?" (1).
ROSTER_QUERIES = 10
# The partial runs the same selector as the page, without the site navigation.
ROSTER_PARTIAL_QUERIES = 9
# Session + user (2), the cohort (1), modules, sessions, progress, marks, people (5).
ROSTER_CSV_QUERIES = 8
# Session + user (2), programs, cohorts with seats, upcoming sessions, marks made ahead on them,
# every rate in one query (5), the navigation (1).
STAFF_REPORT_QUERIES = 8
STAFF_REPORT_PARTIAL_QUERIES = 7
STAFF_REPORT_CSV_QUERIES = 7


@pytest.mark.parametrize("size", SIZES)
def test_roster_queries_do_not_grow(client, facilitator, django_assert_num_queries, size):
    cohort = populate(facilitator, **size)
    client.force_login(facilitator)
    client.get(roster_url(cohort))
    with django_assert_num_queries(ROSTER_QUERIES):
        response = client.get(roster_url(cohort))
    roster = response.context["roster"]
    assert len(roster.rows) == size["participants"] - 1  # one withdrew
    assert len(roster.modules) == size["modules"]
    assert len(roster.held) == size["sessions"]
    assert len(roster.waitlist) == 1
    with django_assert_num_queries(ROSTER_PARTIAL_QUERIES):
        client.get(roster_url(cohort, show="at-risk", sort="-attendance"), **GRID)


@pytest.mark.parametrize("size", SIZES)
def test_roster_csv_queries_do_not_grow(
    client, staff, facilitator, django_assert_num_queries, size
):
    cohort = populate(facilitator, **size)
    client.force_login(staff)
    url = reverse("cohorts:roster_csv", args=[cohort.slug])
    with django_assert_num_queries(ROSTER_CSV_QUERIES):
        rows = read_csv(client.get(url))  # the streamed body is read inside the block
    assert len(rows) == 1 + size["participants"] - 1


@pytest.mark.parametrize("size", SIZES)
def test_staff_report_queries_do_not_grow(
    client, staff, facilitator, django_assert_num_queries, size
):
    cohorts = [populate(facilitator, **size) for _ in range(2 if size["participants"] < 10 else 4)]
    client.force_login(staff)
    url = reverse("cohorts:staff_report")
    client.get(url)
    with django_assert_num_queries(STAFF_REPORT_QUERIES):
        response = client.get(url)
    assert len(response.context["report"].cohorts) == len(cohorts)
    with django_assert_num_queries(STAFF_REPORT_PARTIAL_QUERIES):
        client.get(url, {"status": "open"}, **RESULTS)
    with django_assert_num_queries(STAFF_REPORT_CSV_QUERIES):
        rows = read_csv(client.get(reverse("cohorts:staff_report_csv")))
    assert sum(r[0] == "Cohort" for r in rows) == len(cohorts)
