"""Emails about enrollments, sessions and announcements, and the session reminders."""

import itertools
from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.tasks import default_task_backend
from django.utils import timezone

from cohorts import notifications, services, tasks
from cohorts.models import (
    Announcement,
    Cohort,
    Enrollment,
    EnrollmentTransition,
    Session,
    SessionReminder,
)
from tests.factories import ModuleFactory, ProgramFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

SITE = "http://testserver.example"
_numbers = itertools.count(1)

# Mid-June, so Chicago is on CDT (UTC-5) and New York on EDT (UTC-4).
NOW = datetime(2027, 6, 15, 16, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


# --- Local helpers (rows created directly with the ORM) -------------------------------


def make_cohort(**fields) -> Cohort:
    n = next(_numbers)
    values = {
        "name": f"Academy 2027 · Spring {n}",
        "slug": f"spring-2027-{n}",
        "starts_on": date(2027, 3, 1),
        "ends_on": date(2027, 6, 30),
        "capacity": 30,
        "enrollment_mode": "open",
        "status": "open",
        "time_zone": "America/New_York",
        **fields,
    }
    values.setdefault("program", ProgramFactory())
    return Cohort.objects.create(**values)


def enroll(cohort: Cohort, user=None, status: str = "enrolled", **fields) -> Enrollment:
    if status == "waitlisted":
        fields.setdefault("waitlisted_at", timezone.now())
    return Enrollment.objects.create(
        cohort=cohort, user=user or UserFactory(), status=status, **fields
    )


def make_session(cohort: Cohort, starts_at: datetime, **fields) -> Session:
    values = {
        "title": "Budgets as moral documents",
        "ends_at": starts_at + timedelta(hours=1),
        "online_url": "https://meet.example.org/budget",
        **fields,
    }
    return Session.objects.create(cohort=cohort, starts_at=starts_at, **values)


def html_of(message) -> str:
    [html] = [a.content for a in message.alternatives if a.mimetype == "text/html"]
    return html


def to(message) -> str:
    [address] = message.to
    return address


# --- Enrollment events --------------------------------------------------------------------

EVENTS = [
    ("enrolled", "enrolled", "You’re enrolled in"),
    ("applied", "applied", "We received your application to"),
    ("approved", "enrolled", "was approved"),
    ("declined", "declined", "About your application to"),
    ("waitlisted", "waitlisted", "You’re on the waitlist for"),
    ("promoted", "enrolled", "is yours"),
    ("invited", "invited", "You’re invited to join"),
    ("moved", "enrolled", "You’ve been moved to"),
]


@pytest.mark.parametrize(("event", "status", "subject"), EVENTS)
def test_each_enrollment_event_sends_one_complete_email_to_the_participant(
    mailoutbox, event, status, subject
):
    cohort = make_cohort(name="Academy 2027 · Spring")
    user = UserFactory(full_name="Ana María Ruiz")
    enrollment = enroll(cohort, user, status=status)

    notifications.enrollment_event(enrollment_id=enrollment.pk, event=event)

    [message] = mailoutbox
    assert message.to == [user.email]
    assert subject in message.subject
    assert "Academy 2027 · Spring" in message.subject
    assert "\n" not in message.subject
    assert message.from_email == "Progressive Governance Academy <academy@localprogress.example>"
    assert message.body.startswith("Hello Ana,")
    assert "Academy 2027 · Spring" in message.body
    assert "Local Progress · You receive this because you take part in the Academy." in (
        message.body
    )
    html = html_of(message)
    assert '<html lang="en">' in html
    assert "Progressive Governance Academy" in html
    assert "Academy 2027 · Spring" in html
    assert "Local Progress · You receive this because you take part in the Academy." in html
    assert "<table" not in html
    url = {
        "invited": f"{SITE}/cohorts/{cohort.slug}/invitation/",
        "declined": f"{SITE}/programs/",  # no place here: other programs instead
    }.get(event, f"{SITE}/cohorts/{cohort.slug}/")
    assert url in message.body
    assert url in html


@pytest.mark.parametrize(("event", "status"), [(e, s) for e, s, _ in EVENTS])
def test_enrollment_emails_are_rendered_in_the_participants_language(mailoutbox, event, status):
    cohort = make_cohort()
    enrollment = enroll(cohort, UserFactory(language="es"), status=status)

    notifications.enrollment_event(enrollment_id=enrollment.pk, event=event)

    [message] = mailoutbox
    assert '<html lang="es">' in html_of(message)


def test_unknown_event_raises_and_sends_nothing(mailoutbox):
    enrollment = enroll(make_cohort())
    with pytest.raises(ValueError, match="reshuffled"):
        notifications.enrollment_event(enrollment_id=enrollment.pk, event="reshuffled")
    assert mailoutbox == []


def test_declined_includes_the_decision_message_escaped_in_html(mailoutbox):
    enrollment = enroll(
        make_cohort(),
        status="declined",
        decision_message="The spring cohort is for first-term officials <b>only</b>.",
    )
    notifications.enrollment_event(enrollment_id=enrollment.pk, event="declined")
    [message] = mailoutbox
    assert "The spring cohort is for first-term officials <b>only</b>." in message.body
    assert "first-term officials &lt;b&gt;only&lt;/b&gt;." in html_of(message)
    assert f"{SITE}/programs/" in message.body


def test_declined_without_message_has_no_note(mailoutbox):
    enrollment = enroll(make_cohort(), status="declined")
    notifications.enrollment_event(enrollment_id=enrollment.pk, event="declined")
    [message] = mailoutbox
    assert "A note from the facilitators" not in message.body
    assert "A note from the facilitators" not in html_of(message)


def test_a_declined_invitation_is_called_an_invitation(mailoutbox):
    cohort = make_cohort(name="Texas Chapter 2027")
    enrollment = enroll(cohort, status="declined")
    EnrollmentTransition.objects.create(
        enrollment=enrollment, from_status="invited", to_status="declined"
    )
    notifications.enrollment_event(enrollment_id=enrollment.pk, event="declined")
    [message] = mailoutbox
    assert message.subject == "About your invitation to Texas Chapter 2027"
    assert "Your invitation to Texas Chapter 2027 is closed" in message.body


def test_waitlisted_includes_the_position(mailoutbox):
    cohort = make_cohort()
    start = timezone.now() - timedelta(days=1)
    enroll(cohort, status="waitlisted", waitlisted_at=start)
    enroll(cohort, status="waitlisted", waitlisted_at=start + timedelta(hours=1))
    # Someone who left the waitlist, and a later arrival, do not count.
    enroll(cohort, status="enrolled", waitlisted_at=start - timedelta(hours=1))
    third = enroll(cohort, status="waitlisted", waitlisted_at=start + timedelta(hours=2))
    enroll(cohort, status="waitlisted", waitlisted_at=start + timedelta(hours=3))

    notifications.enrollment_event(enrollment_id=third.pk, event="waitlisted")

    [message] = mailoutbox
    assert "on its waitlist, at position 3." in message.body
    assert "at position <strong>3</strong>." in html_of(message)


def test_applied_also_tells_every_active_facilitator(mailoutbox):
    cohort = make_cohort(name="Housing Leadership Lab", enrollment_mode="application")
    fay = UserFactory(full_name="Fay Facilitator", language="es")
    sam = StaffFactory(full_name="Sam Staff")
    gone = UserFactory(is_active=False)
    cohort.facilitators.set([fay, sam, gone])
    applicant = UserFactory(full_name="Luis Ortega", jurisdiction="Austin City Council")
    enrollment = enroll(cohort, applicant, status="applied")

    notifications.enrollment_event(enrollment_id=enrollment.pk, event="applied")

    by_address = {to(m): m for m in mailoutbox}
    assert set(by_address) == {applicant.email, fay.email, sam.email}
    for facilitator in (fay, sam):
        message = by_address[facilitator.email]
        assert "Luis Ortega" in message.subject
        assert "Housing Leadership Lab" in message.subject
        assert f"{SITE}/facilitate/{cohort.slug}/" in message.body
        assert f"{SITE}/facilitate/{cohort.slug}/" in html_of(message)
        assert "Austin City Council" in message.body
    assert '<html lang="es">' in html_of(by_address[fay.email])
    assert '<html lang="en">' in html_of(by_address[sam.email])
    assert "We received your application" in by_address[applicant.email].subject


def test_invited_without_a_password_explains_how_to_set_one(mailoutbox):
    cohort = make_cohort()
    user = UserFactory(password=None)
    assert not user.has_usable_password()
    enrollment = enroll(cohort, user, status="invited")

    notifications.enrollment_event(enrollment_id=enrollment.pk, event="invited")

    [message] = mailoutbox
    assert "you will set one on your first visit" in message.body
    assert f"{SITE}/accounts/password/reset/" in message.body
    assert f"{SITE}/accounts/password/reset/" in html_of(message)
    assert f"{SITE}/cohorts/{cohort.slug}/invitation/" in message.body


def test_invited_with_a_password_just_links_the_invitation(mailoutbox):
    cohort = make_cohort()
    enrollment = enroll(cohort, UserFactory(), status="invited")
    notifications.enrollment_event(enrollment_id=enrollment.pk, event="invited")
    [message] = mailoutbox
    assert f"{SITE}/cohorts/{cohort.slug}/invitation/" in message.body
    assert "/accounts/password/reset/" not in message.body
    assert "/accounts/password/reset/" not in html_of(message)


def test_moved_names_the_previous_cohort(mailoutbox):
    program = ProgramFactory()
    spring = make_cohort(program=program, name="Spring 2027")
    fall = make_cohort(program=program, name="Fall 2027")
    user = UserFactory()
    new = enroll(fall, user)
    enroll(spring, user, status="withdrawn", moved_to=new)

    notifications.enrollment_event(enrollment_id=new.pk, event="moved")

    [message] = mailoutbox
    assert message.subject == "You’ve been moved to Fall 2027"
    assert "from Spring 2027 to Fall 2027" in message.body


def test_text_part_is_not_html_escaped(mailoutbox):
    cohort = make_cohort(name="Parks & Rec <Lab>")
    enrollment = enroll(cohort, UserFactory(full_name="D'Andre O'Neal"))
    notifications.enrollment_event(enrollment_id=enrollment.pk, event="enrolled")
    [message] = mailoutbox
    assert message.subject == "You’re enrolled in Parks & Rec <Lab>"
    assert "Hello D'Andre," in message.body
    assert "Parks & Rec <Lab>" in message.body
    assert "Parks &amp; Rec &lt;Lab&gt;" in html_of(message)
    assert "\n\n\n" not in message.body


# --- Cancelled sessions ------------------------------------------------------------------


def test_session_cancelled_reaches_enrolled_participants_and_facilitators_only(mailoutbox):
    cohort = make_cohort(name="Minnesota Chapter")
    facilitator = UserFactory(full_name="Fay Facilitator")
    cohort.facilitators.add(facilitator)
    enrolled = [enroll(cohort).user, enroll(cohort).user]
    for status in ("withdrawn", "waitlisted", "applied", "invited", "declined"):
        enroll(cohort, status=status)
    enroll(make_cohort())  # someone in another cohort
    session = make_session(
        cohort, datetime(2027, 6, 20, 18, 0, tzinfo=UTC), cancelled_at=timezone.now()
    )

    assert notifications.session_cancelled(session_id=session.pk) == 3

    by_address = {to(m): m for m in mailoutbox}
    assert set(by_address) == {facilitator.email, *(u.email for u in enrolled)}
    for message in mailoutbox:
        assert message.subject.startswith("Cancelled: Budgets as moral documents on ")
        assert "Budgets as moral documents" in html_of(message)
        assert f"{SITE}/cohorts/{cohort.slug}/" in message.body
    assert "as a facilitator" in by_address[facilitator.email].body
    assert "as a facilitator" not in by_address[enrolled[0].email].body


def test_session_cancelled_shows_the_start_in_the_recipients_zone(mailoutbox):
    cohort = make_cohort(time_zone="America/New_York")
    chicago = enroll(cohort, UserFactory(time_zone="America/Chicago")).user
    new_york = enroll(cohort, UserFactory(time_zone="America/New_York")).user
    session = make_session(
        cohort, datetime(2027, 6, 20, 18, 0, tzinfo=UTC), cancelled_at=timezone.now()
    )

    notifications.session_cancelled(session_id=session.pk)

    by_address = {to(m): m for m in mailoutbox}
    text = by_address[chicago.email].body
    assert "Sunday, June 20, 2027, 1:00 PM–2:00 PM CDT" in text
    assert "(2:00 PM–3:00 PM EDT in the cohort’s time zone)" in text
    assert "1:00 PM–2:00 PM CDT" in html_of(by_address[chicago.email])
    text = by_address[new_york.email].body
    assert "Sunday, June 20, 2027, 2:00 PM–3:00 PM EDT" in text
    assert "cohort’s time zone" not in text


def test_session_cancelled_does_nothing_for_a_session_still_on(mailoutbox):
    cohort = make_cohort()
    enroll(cohort)
    session = make_session(cohort, NOW + timedelta(days=2))
    notifications.session_cancelled(session_id=session.pk)
    assert mailoutbox == []


# --- Announcements -----------------------------------------------------------------------------


def test_announcement_reaches_enrolled_participants_with_reply_to_the_author(mailoutbox):
    cohort = make_cohort(name="Florida Chapter")
    author = UserFactory(full_name="Fay Facilitator", email="fay@example.org")
    cohort.facilitators.add(author)
    enrolled = [enroll(cohort).user, enroll(cohort, UserFactory(language="es")).user]
    enroll(cohort, status="withdrawn")
    enroll(cohort, status="waitlisted")
    announcement = Announcement.objects.create(
        cohort=cohort,
        author=author,
        title="Room change for Thursday",
        body="We meet in **Room 204** this week.",
        body_html="<p>We meet in <strong>Room 204</strong> this week.</p>",
    )

    assert notifications.announcement_posted(announcement_id=announcement.pk) == 2

    assert sorted(to(m) for m in mailoutbox) == sorted(u.email for u in enrolled)
    for message in mailoutbox:
        assert message.reply_to == ["fay@example.org"]
        assert message.subject == "Florida Chapter: Room change for Thursday"
        assert "We meet in **Room 204** this week." in message.body
        assert "<p>We meet in <strong>Room 204</strong> this week.</p>" in html_of(message)
        assert "Fay Facilitator" in message.body
    langs = sorted('<html lang="es">' in html_of(m) for m in mailoutbox)
    assert langs == [False, True]


# --- Sent by a worker, not in the facilitator's request --------------------------------------


@pytest.fixture
def queue(settings):
    """Tasks kept in a list instead of run (production: the db_worker runs them)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    return default_task_backend


def test_an_announcement_is_queued_then_sent_by_the_worker(
    queue, mailoutbox, django_capture_on_commit_callbacks
):
    cohort = make_cohort()
    people = [enroll(cohort).user for _ in range(3)]
    author = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        announcement = services.announcement_post(
            cohort=cohort, author=author, title="Homework", body="Read the budget."
        )
    assert mailoutbox == []  # the facilitator's request sent nothing
    [queued] = queue.results
    assert queued.task.name == tasks.send_announcement.name
    assert queued.kwargs == {"announcement_id": announcement.pk}

    assert queued.task.call(**queued.kwargs) == 3
    assert sorted(to(m) for m in mailoutbox) == sorted(u.email for u in people)


def test_a_cancellation_is_queued_then_sent_by_the_worker(
    queue, mailoutbox, django_capture_on_commit_callbacks
):
    cohort = make_cohort()
    person = enroll(cohort).user
    session = make_session(cohort, timezone.now() + timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        services.session_cancel(session=session)
    assert mailoutbox == []
    [queued] = queue.results
    assert queued.task.name == tasks.send_session_cancelled.name
    assert queued.task.call(**queued.kwargs) == 1
    assert [to(m) for m in mailoutbox] == [person.email]


# --- A session moved or its place changed -----------------------------------------------------


def test_a_moved_session_is_emailed_with_the_new_and_the_old_time(
    queue, mailoutbox, django_capture_on_commit_callbacks
):
    cohort = make_cohort(time_zone="America/New_York")
    facilitator = UserFactory()
    cohort.facilitators.add(facilitator)
    chicago = enroll(cohort, UserFactory(time_zone="America/Chicago")).user
    enroll(cohort, status="withdrawn")
    session = make_session(cohort, datetime(2027, 6, 20, 18, 0, tzinfo=UTC))

    with django_capture_on_commit_callbacks(execute=True):
        services.session_update(
            session=session,
            data={
                "starts_at": datetime(2027, 6, 22, 23, 0, tzinfo=UTC),
                "ends_at": datetime(2027, 6, 23, 0, 30, tzinfo=UTC),
            },
        )
    assert mailoutbox == []  # the facilitator's request sent nothing
    [queued] = queue.results
    assert queued.task.name == tasks.send_session_changed.name
    assert queued.task.call(**queued.kwargs) == 2

    by_address = {to(m): m for m in mailoutbox}
    assert set(by_address) == {chicago.email, facilitator.email}
    message = by_address[chicago.email]
    assert message.subject == "Changed: Budgets as moral documents, now Tuesday at 6:00 PM"
    assert "When: Tuesday, June 22, 2027, 6:00 PM–7:30 PM CDT" in message.body
    assert "It was: Sunday, June 20, 2027, 1:00 PM–2:00 PM CDT" in message.body
    assert "Join online: https://meet.example.org/budget" in message.body
    assert "<s>Sunday, June 20, 2027, 1:00 PM–2:00 PM CDT" in html_of(message)
    assert "as a facilitator" in by_address[facilitator.email].body


def test_a_new_place_is_emailed_without_an_old_time(
    queue, mailoutbox, django_capture_on_commit_callbacks
):
    cohort = make_cohort()
    person = enroll(cohort).user
    session = make_session(cohort, timezone.now() + timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        services.session_update(session=session, data={"location": "Room 204, City Hall"})
    [queued] = queue.results
    assert queued.task.call(**queued.kwargs) == 1
    [message] = mailoutbox
    assert to(message) == person.email
    assert "Place: Room 204, City Hall" in message.body
    assert "It was:" not in message.body


def test_notes_a_title_or_anything_about_a_past_session_email_nobody(
    queue, django_capture_on_commit_callbacks
):
    cohort = make_cohort()
    enroll(cohort)
    coming = make_session(cohort, timezone.now() + timedelta(days=2))
    past = make_session(cohort, timezone.now() - timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        services.session_update(
            session=coming, data={"title": "Budgets, part two", "notes": "Bring the budget."}
        )
        services.session_update(
            session=past,
            data={"location": "Room 9", "recording_url": "https://video.example.org/1"},
        )
    assert queue.results == []


def test_a_change_to_a_session_cancelled_since_is_not_sent(mailoutbox):
    cohort = make_cohort()
    enroll(cohort)
    when = timezone.now() + timedelta(days=2)
    session = make_session(cohort, when, cancelled_at=timezone.now())
    sent = notifications.session_changed(
        session_id=session.pk,
        previous_starts_at=(when - timedelta(days=1)).isoformat(),
        previous_ends_at=when.isoformat(),
    )
    assert sent == 0
    assert mailoutbox == []


def test_one_failed_message_does_not_stop_the_rest(mailoutbox, settings, caplog):
    cohort = make_cohort()
    people = [enroll(cohort).user for _ in range(3)]
    # An address the mail framework refuses to send to (a newline in it), in the middle.
    type(people[1]).objects.filter(pk=people[1].pk).update(email="broken\n@example.org")
    announcement = Announcement.objects.create(
        cohort=cohort, author=UserFactory(), title="T", body="B", body_html="<p>B</p>"
    )
    assert notifications.announcement_posted(announcement_id=announcement.pk) == 2
    assert sorted(to(m) for m in mailoutbox) == sorted([people[0].email, people[2].email])
    assert "Could not send the 'announcement' email" in caplog.text


# --- Session reminders -----------------------------------------------------------------------


def test_reminders_go_once_to_each_enrolled_person_of_sessions_within_24_hours(mailoutbox):
    cohort = make_cohort()
    people = [enroll(cohort).user, enroll(cohort).user]
    enroll(cohort, status="withdrawn")
    enroll(cohort, status="waitlisted")
    session = make_session(cohort, NOW + timedelta(hours=2))

    assert notifications.send_session_reminders(now=NOW) == 2

    assert sorted(to(m) for m in mailoutbox) == sorted(u.email for u in people)
    assert SessionReminder.objects.filter(session=session).count() == 2
    for message in mailoutbox:
        assert message.subject.startswith("Reminder: Budgets as moral documents, Tuesday at ")
        assert "https://meet.example.org/budget" in message.body
        assert 'href="https://meet.example.org/budget"' in html_of(message)
        assert f"{SITE}/cohorts/{cohort.slug}/" in message.body

    # Idempotent: a second run (or a later one, still inside the window) sends nothing more.
    assert notifications.send_session_reminders(now=NOW) == 0
    assert notifications.send_session_reminders(now=NOW + timedelta(hours=1)) == 0
    assert len(mailoutbox) == 2


def test_no_reminders_for_sessions_far_off_cancelled_or_past(mailoutbox):
    cohort = make_cohort()
    enroll(cohort)
    make_session(cohort, NOW + timedelta(hours=30))
    make_session(cohort, NOW + timedelta(hours=2), cancelled_at=NOW - timedelta(hours=1))
    make_session(cohort, NOW - timedelta(minutes=30))
    make_session(cohort, NOW)  # starting this very moment: too late to remind

    assert notifications.send_session_reminders(now=NOW) == 0
    assert mailoutbox == []
    assert not SessionReminder.objects.exists()


def test_a_session_exactly_24_hours_away_is_reminded(mailoutbox):
    cohort = make_cohort()
    enroll(cohort)
    make_session(cohort, NOW + timedelta(hours=24))
    assert notifications.send_session_reminders(now=NOW) == 1


def test_reminder_times_are_in_the_recipients_zone_and_the_cohorts(mailoutbox):
    cohort = make_cohort(time_zone="America/New_York")
    chicago = enroll(cohort, UserFactory(time_zone="America/Chicago")).user
    spanish = enroll(cohort, UserFactory(time_zone="America/Chicago", language="es")).user
    new_york = enroll(cohort, UserFactory(time_zone="America/New_York")).user
    make_session(cohort, datetime(2027, 6, 15, 18, 0, tzinfo=UTC))  # 2 hours after NOW

    assert notifications.send_session_reminders(now=NOW) == 3

    by_address = {to(m): m for m in mailoutbox}
    message = by_address[chicago.email]
    assert message.subject == "Reminder: Budgets as moral documents, Tuesday at 1:00 PM"
    assert "When: Tuesday, June 15, 2027, 1:00 PM–2:00 PM CDT" in message.body
    assert "(2:00 PM–3:00 PM EDT in the cohort’s time zone)" in message.body
    assert "1:00 PM–2:00 PM CDT" in html_of(message)

    message = by_address[spanish.email]
    assert "13:00–14:00 CDT" in message.body
    assert "junio" in message.body
    assert '<html lang="es">' in html_of(message)

    message = by_address[new_york.email]
    assert "When: Tuesday, June 15, 2027, 2:00 PM–3:00 PM EDT" in message.body
    assert "cohort’s time zone" not in message.body


def test_reminder_names_the_place_of_an_in_person_session(mailoutbox):
    cohort = make_cohort()
    enroll(cohort)
    make_session(
        cohort,
        NOW + timedelta(hours=3),
        online_url="",
        location="Durham City Hall, Room 2B",
        module=ModuleFactory(program=cohort.program, title="Reading a budget"),
    )
    notifications.send_session_reminders(now=NOW)
    [message] = mailoutbox
    assert "Place: Durham City Hall, Room 2B" in message.body
    assert "Module: Reading a budget" in message.body
    assert "Join online" not in message.body
    assert "Durham City Hall, Room 2B" in html_of(message)


def test_reminder_queries_do_not_grow_with_the_number_of_people(django_assert_num_queries):
    small, large = make_cohort(), make_cohort()
    for _ in range(2):
        enroll(small)
    for _ in range(6):
        enroll(large)
    make_session(small, NOW + timedelta(hours=2))
    make_session(large, NOW + timedelta(hours=5))
    notifications.send_session_reminders(now=NOW)

    # Everyone has been reminded: the sessions, their people and the sent reminders.
    with django_assert_num_queries(3):
        assert notifications.send_session_reminders(now=NOW) == 0


def test_a_failed_send_is_retried_by_the_next_run(mailoutbox, monkeypatch):
    cohort = make_cohort()
    enroll(cohort)
    make_session(cohort, NOW + timedelta(hours=2))

    def broken(**kwargs):
        raise OSError("mail server unreachable")

    with monkeypatch.context() as m:
        m.setattr(notifications, "send_to_user", broken)
        assert notifications.send_session_reminders(now=NOW) == 0
    assert not SessionReminder.objects.exists()

    assert notifications.send_session_reminders(now=NOW) == 1
    assert len(mailoutbox) == 1


def test_management_command_sends_reminders_once():
    cohort = make_cohort()
    enroll(cohort)
    enroll(cohort)
    make_session(cohort, timezone.now() + timedelta(hours=2))
    from django.core import mail

    out = StringIO()
    call_command("send_session_reminders", stdout=out)
    assert out.getvalue().strip() == "Sent 2 reminders."
    assert len(mail.outbox) == 2

    out = StringIO()
    call_command("send_session_reminders", stdout=out)
    assert out.getvalue().strip() == "Sent 0 reminders."
    assert len(mail.outbox) == 2


# --- End to end through the services (emails go out on commit) ------------------------------


def test_self_enroll_sends_the_enrolled_email_on_commit(
    mailoutbox, django_capture_on_commit_callbacks
):
    cohort = make_cohort(name="Academy 2027 · Spring")
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_self_enroll(cohort=cohort, user=user)
    [message] = mailoutbox
    assert message.to == [user.email]
    assert message.subject == "You’re enrolled in Academy 2027 · Spring"


def test_nothing_is_sent_before_commit(mailoutbox, django_capture_on_commit_callbacks):
    cohort = make_cohort()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.enrollment_self_enroll(cohort=cohort, user=UserFactory())
    assert mailoutbox == []
    assert len(callbacks) == 1


def test_full_cohort_self_enroll_sends_the_waitlist_email(
    mailoutbox, django_capture_on_commit_callbacks
):
    cohort = make_cohort(capacity=1)
    enroll(cohort)
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_self_enroll(cohort=cohort, user=UserFactory())
    [message] = mailoutbox
    assert "waitlist" in message.subject
    assert "position 1." in message.body


def test_apply_then_approve_through_the_services(mailoutbox, django_capture_on_commit_callbacks):
    cohort = make_cohort(enrollment_mode="application")
    facilitator = UserFactory()
    cohort.facilitators.add(facilitator)
    applicant = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        enrollment = services.enrollment_apply(cohort=cohort, user=applicant, answers=[])
    assert sorted(to(m) for m in mailoutbox) == sorted([applicant.email, facilitator.email])

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_approve(
            enrollment=enrollment, actor=facilitator, message="Welcome aboard!"
        )
    [message] = mailoutbox
    assert message.to == [applicant.email]
    assert "was approved" in message.subject
    assert "Welcome aboard!" in message.body


def test_withdrawing_promotes_the_waitlist_and_tells_them(
    mailoutbox, django_capture_on_commit_callbacks
):
    cohort = make_cohort(capacity=1)
    leaving = enroll(cohort)
    waiting = enroll(cohort, status="waitlisted")
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_withdraw(enrollment=leaving, actor=leaving.user)
    [message] = mailoutbox
    assert message.to == [waiting.user.email]
    assert "is yours" in message.subject


def test_inviting_a_new_person_sends_the_invitation_with_a_password_link(
    mailoutbox, django_capture_on_commit_callbacks
):
    cohort = make_cohort(enrollment_mode="invite")
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_invite(
            cohort=cohort, email="New.Member@Example.org", full_name="Nia Member", actor=None
        )
    [message] = mailoutbox
    assert message.to == ["new.member@example.org"]
    assert f"{SITE}/cohorts/{cohort.slug}/invitation/" in message.body
    assert f"{SITE}/accounts/password/reset/" in message.body


def test_cancelling_a_session_and_posting_an_announcement_send_emails(
    mailoutbox, django_capture_on_commit_callbacks
):
    cohort = make_cohort()
    participant = enroll(cohort).user
    author = UserFactory(email="author@example.org")
    session = make_session(cohort, timezone.now() + timedelta(days=3))

    with django_capture_on_commit_callbacks(execute=True):
        services.session_cancel(session=session)
        services.announcement_post(
            cohort=cohort, author=author, title="See you next week", body="Hello *all*."
        )

    cancelled, announcement = mailoutbox
    assert cancelled.to == [participant.email]
    assert cancelled.subject.startswith("Cancelled: ")
    assert announcement.to == [participant.email]
    assert announcement.reply_to == ["author@example.org"]
    assert "<em>all</em>" in html_of(announcement)
