"""Calendar: .ics downloads, private feeds, token reset (cohorts.calendar, cohorts.feeds)."""

import datetime as dt
from http import HTTPStatus
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from icalendar import Calendar

from cohorts import services
from cohorts.calendar import PRODID, calendar_for_sessions
from cohorts.models import CalendarToken, Cohort, Enrollment, Session
from tests.factories import ProgramFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
FIRST_START = dt.datetime(2027, 3, 2, 18, 0, tzinfo=NEW_YORK)


# --- helpers ---------------------------------------------------------------------------


def make_cohort(slug: str = "spring-2027", name: str = "Academy 2027 · Spring") -> Cohort:
    return Cohort.objects.create(
        program=ProgramFactory(),
        name=name,
        slug=slug,
        starts_on=dt.date(2027, 3, 1),
        ends_on=dt.date(2027, 6, 30),
        capacity=30,
        enrollment_mode="open",
        status="running",
    )


def make_session(cohort: Cohort, title: str = "Budget basics", week: int = 0, **fields) -> Session:
    starts_at = FIRST_START + dt.timedelta(weeks=week)
    fields.setdefault("online_url", "https://meet.example.org/abc")
    return Session.objects.create(
        cohort=cohort,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=90),
        **fields,
    )


def enroll(cohort: Cohort, user, status: str = "enrolled") -> Enrollment:
    extra = {"waitlisted_at": dt.datetime.now(dt.UTC)} if status == "waitlisted" else {}
    return Enrollment.objects.create(cohort=cohort, user=user, status=status, **extra)


def personal_url(user) -> str:
    return reverse("cohorts:personal_feed", args=[services.calendar_token_for(user).token])


def cohort_feed_url(user, cohort: Cohort) -> str:
    token = services.calendar_token_for(user).token
    return reverse("cohorts:cohort_feed", args=[token, cohort.slug])


def session_url(session: Session) -> str:
    return reverse("cohorts:session_ics", args=[session.cohort.slug, session.pk])


def parse(response) -> Calendar:
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events_by_uid(calendar: Calendar) -> dict:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


# --- the calendar data -------------------------------------------------------------------


def test_feed_parses_back_with_every_property(client, participant):
    cohort = make_cohort()
    session = make_session(cohort, notes="Bring last year's budget.", location="")
    enroll(cohort, participant)

    response = client.get(personal_url(participant))

    calendar = parse(response)
    assert "private" in response["Cache-Control"]
    assert "max-age=300" in response["Cache-Control"]
    assert str(calendar["PRODID"]) == PRODID == "-//Local Progress//Governance Academy//EN"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "Governance Academy"
    [event] = calendar.walk("VEVENT")
    session.refresh_from_db()
    assert str(event["UID"]) == session.uid
    assert event["SEQUENCE"] == 0
    assert event.start == FIRST_START
    assert event.start.utcoffset() == dt.timedelta(0)  # written in UTC
    assert event.end == FIRST_START + dt.timedelta(minutes=90)
    assert event["DTSTAMP"].dt == session.updated_at.replace(microsecond=0)
    assert str(event["SUMMARY"]) == "Budget basics · Academy 2027 · Spring"
    description = str(event["DESCRIPTION"])
    assert "Bring last year's budget." in description
    assert "https://meet.example.org/abc" in description
    assert settings.SITE_URL + cohort.get_absolute_url() in description
    # No place: the online link is where it happens.
    assert str(event["LOCATION"]) == "https://meet.example.org/abc"
    assert str(event["URL"]) == "https://meet.example.org/abc"
    assert str(event["STATUS"]) == "CONFIRMED"


def test_in_person_session_has_its_place_and_no_url():
    cohort = make_cohort()
    session = make_session(cohort, online_url="", location="City Hall, Room 2")

    calendar = Calendar.from_ical(calendar_for_sessions([session], name="Spring"))

    [event] = calendar.walk("VEVENT")
    assert str(event["LOCATION"]) == "City Hall, Room 2"
    assert "URL" not in event
    assert "Join online" not in str(event["DESCRIPTION"])


def test_uids_stay_the_same_across_requests(client, participant):
    cohort = make_cohort()
    sessions = [make_session(cohort, f"Session {n}", week=n) for n in range(3)]
    enroll(cohort, participant)
    url = personal_url(participant)

    first = client.get(url)
    second = client.get(url)

    assert set(events_by_uid(parse(first))) == {s.uid for s in sessions}
    assert set(events_by_uid(parse(second))) == {s.uid for s in sessions}
    assert first.content == second.content


def test_sequence_bumps_after_a_change(client, participant):
    cohort = make_cohort()
    session = make_session(cohort)
    enroll(cohort, participant)
    url = personal_url(participant)
    assert events_by_uid(parse(client.get(url)))[session.uid]["SEQUENCE"] == 0

    services.session_update(session=session, data={"title": "Budget basics, part 1"})

    event = events_by_uid(parse(client.get(url)))[session.uid]
    assert event["SEQUENCE"] == 1
    assert str(event["SUMMARY"]).startswith("Budget basics, part 1 · ")


def test_cancelled_session_stays_in_the_feed_marked_cancelled(
    client, participant, django_capture_on_commit_callbacks
):
    cohort = make_cohort()
    kept = make_session(cohort, "Kept", week=0)
    cancelled = make_session(cohort, "Cancelled", week=1)
    enroll(cohort, participant)

    with django_capture_on_commit_callbacks(execute=True):
        services.session_cancel(session=cancelled)

    events = events_by_uid(parse(client.get(personal_url(participant))))
    assert str(events[cancelled.uid]["STATUS"]) == "CANCELLED"
    assert events[cancelled.uid]["SEQUENCE"] == 1
    assert str(events[kept.uid]["STATUS"]) == "CONFIRMED"


# --- personal feed -----------------------------------------------------------------------


def test_personal_feed_has_enrolled_and_facilitated_cohorts_only(client, participant):
    sessions = {}
    for status in ("enrolled", "completed", "waitlisted", "withdrawn", "applied", "invited"):
        cohort = make_cohort(slug=f"cohort-{status}", name=f"Cohort {status}")
        enroll(cohort, participant, status)
        sessions[status] = make_session(cohort)
    facilitated = make_cohort(slug="facilitated", name="Facilitated")
    facilitated.facilitators.add(participant)
    sessions["facilitated"] = make_session(facilitated)
    sessions["stranger"] = make_session(make_cohort(slug="stranger", name="Stranger"))

    uids = set(events_by_uid(parse(client.get(personal_url(participant)))))

    expected = {"enrolled", "completed", "facilitated"}
    assert uids == {sessions[key].uid for key in expected}


def test_staff_personal_feed_is_their_own_cohorts_not_every_cohort(client):
    staff = StaffFactory()
    make_session(make_cohort())

    calendar = parse(client.get(personal_url(staff)))

    assert calendar.walk("VEVENT") == []


@pytest.mark.parametrize("size", [1, 10])
def test_personal_feed_queries_do_not_grow(client, participant, django_assert_num_queries, size):
    for n in range(size):
        cohort = make_cohort(slug=f"cohort-{n}", name=f"Cohort {n}")
        if n % 2:
            cohort.facilitators.add(participant)
        else:
            enroll(cohort, participant)
        for week in range(size):
            make_session(cohort, f"Session {week}", week=week)
    url = personal_url(participant)

    # One query for the token and its user, one for the sessions with their cohorts.
    with django_assert_num_queries(2):
        response = client.get(url)

    assert len(parse(response).walk("VEVENT")) == size * size


def test_unknown_token_is_404(client):
    response = client.get(reverse("cohorts:personal_feed", args=["not-a-token"]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_inactive_users_feed_is_404(client, participant):
    url = personal_url(participant)
    participant.is_active = False
    participant.save(update_fields=["is_active"])

    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_feeds_refuse_post(client, participant):
    response = client.post(personal_url(participant))

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


# --- reset ---------------------------------------------------------------------------------


def test_reset_stops_the_old_address_and_the_new_one_works(client, participant):
    cohort = make_cohort()
    make_session(cohort)
    enroll(cohort, participant)
    old_url = personal_url(participant)
    old_cohort_url = cohort_feed_url(participant, cohort)
    assert client.get(old_url).status_code == HTTPStatus.OK
    client.force_login(participant)

    response = client.post(reverse("cohorts:calendar_reset"), {"next": "/some/page/?tab=2"})

    assert response.status_code == HTTPStatus.SEE_OTHER
    assert response["Location"] == "/some/page/?tab=2"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Your calendar address has changed; subscribe again with the new one."
    ]
    client.logout()  # calendar apps have no session
    assert client.get(old_url).status_code == HTTPStatus.NOT_FOUND
    assert client.get(old_cohort_url).status_code == HTTPStatus.NOT_FOUND
    new_url = personal_url(participant)
    assert new_url != old_url
    assert len(parse(client.get(new_url)).walk("VEVENT")) == 1


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example.com/", "//evil.example.com/", "javascript:alert(1)", ""],
)
def test_reset_never_redirects_off_site(client, participant, next_url):
    client.force_login(participant)

    response = client.post(reverse("cohorts:calendar_reset"), {"next": next_url})

    assert response.status_code == HTTPStatus.SEE_OTHER
    assert response["Location"] == "/"


def test_reset_needs_login_and_post(client, participant):
    url = reverse("cohorts:calendar_reset")
    old_token = services.calendar_token_for(participant).token

    anonymous = client.post(url)
    client.force_login(participant)
    by_get = client.get(url)

    assert anonymous.status_code == HTTPStatus.FOUND
    assert anonymous["Location"].startswith(reverse("account_login"))
    assert by_get.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert CalendarToken.objects.get(user=participant).token == old_token


# --- cohort feed ---------------------------------------------------------------------------


def test_cohort_feed_has_only_that_cohorts_sessions(client, participant):
    cohort = make_cohort()
    other = make_cohort(slug="fall-2027", name="Academy 2027 · Fall")
    sessions = [make_session(cohort, f"Session {n}", week=n) for n in range(2)]
    make_session(other)
    enroll(cohort, participant)
    enroll(other, participant)

    calendar = parse(client.get(cohort_feed_url(participant, cohort)))

    assert str(calendar["X-WR-CALNAME"]) == cohort.name
    assert set(events_by_uid(calendar)) == {s.uid for s in sessions}


def test_cohort_feed_for_a_facilitator_and_for_staff(client, facilitator):
    cohort = make_cohort()
    session = make_session(cohort)
    cohort.facilitators.add(facilitator)
    staff = StaffFactory()

    for user in (facilitator, staff):
        assert set(events_by_uid(parse(client.get(cohort_feed_url(user, cohort))))) == {session.uid}


@pytest.mark.parametrize("status", ["waitlisted", "withdrawn", "applied", None])
def test_cohort_feed_404_for_a_cohort_the_user_cannot_view(client, participant, status):
    cohort = make_cohort()
    make_session(cohort)
    if status:
        enroll(cohort, participant, status)

    response = client.get(cohort_feed_url(participant, cohort))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_cohort_feed_404_for_unknown_token_or_cohort(client, participant):
    cohort = make_cohort()
    enroll(cohort, participant)
    token = services.calendar_token_for(participant).token

    unknown_token = client.get(reverse("cohorts:cohort_feed", args=["nope", cohort.slug]))
    unknown_cohort = client.get(reverse("cohorts:cohort_feed", args=[token, "no-such-cohort"]))

    assert unknown_token.status_code == HTTPStatus.NOT_FOUND
    assert unknown_cohort.status_code == HTTPStatus.NOT_FOUND


# --- single-session download ---------------------------------------------------------------


def test_session_ics_anonymous_is_sent_to_login(client):
    session = make_session(make_cohort())

    response = client.get(session_url(session))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


def test_session_ics_404_for_a_participant_of_another_cohort(client):
    session = make_session(make_cohort())
    outsider = UserFactory()
    enroll(make_cohort(slug="other", name="Other"), outsider)
    client.force_login(outsider)

    response = client.get(session_url(session))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_session_ics_404_for_a_session_of_another_cohort(client, participant):
    mine = make_cohort()
    theirs = make_cohort(slug="other", name="Other")
    enroll(mine, participant)
    foreign = make_session(theirs)
    client.force_login(participant)

    url = reverse("cohorts:session_ics", args=[mine.slug, foreign.pk])

    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_session_ics_for_an_enrolled_participant(client, participant):
    cohort = make_cohort()
    session = make_session(cohort, "Budget basics: the first 100 days")
    make_session(cohort, "Another session", week=1)
    enroll(cohort, participant)
    client.force_login(participant)

    response = client.get(session_url(session))

    calendar = parse(response)
    assert response["Content-Disposition"] == (
        'attachment; filename="budget-basics-the-first-100-days.ics"'
    )
    assert list(events_by_uid(calendar)) == [session.uid]
    assert "private" in response["Cache-Control"]


# --- the panel -----------------------------------------------------------------------------


def test_calendar_links_panel(participant):
    cohort = make_cohort()
    token = services.calendar_token_for(participant)
    request = RequestFactory().get("/cohorts/spring-2027/?tab=schedule")
    request.user = participant

    html = render_to_string(
        "cohorts/components/calendar_links.html",
        {"calendar_token": token, "cohort": cohort},
        request=request,
    )

    feed = "http://testserver" + reverse("cohorts:personal_feed", args=[token.token])
    assert f'value="{feed}"' in html
    assert "readonly" in html
    assert 'for="calendar-feed-url"' in html
    assert reverse("cohorts:cohort_feed", args=[token.token, cohort.slug]) in html
    assert f'action="{reverse("cohorts:calendar_reset")}"' in html
    assert "csrfmiddlewaretoken" in html
    assert 'name="next" value="/cohorts/spring-2027/?tab=schedule"' in html
    assert "Get a new address" in html
    assert "style=" not in html
    assert "<script" not in html


def test_calendar_links_panel_without_a_cohort(participant):
    token = services.calendar_token_for(participant)
    request = RequestFactory().get("/")
    request.user = participant

    html = render_to_string(
        "cohorts/components/calendar_links.html", {"calendar_token": token}, request=request
    )

    assert reverse("cohorts:personal_feed", args=[token.token]) in html
    assert "/feed/" + token.token + "/" not in html
