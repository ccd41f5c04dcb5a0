"""The enrollment state machine and the other cohort services."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from cohorts import services
from cohorts.models import Cohort, Enrollment, EnrollmentTransition, Session
from tests.factories import UserFactory, make_cohort, published_program

pytestmark = pytest.mark.django_db
S = Enrollment.Status


@pytest.fixture
def cohort():
    return make_cohort(capacity=2)


def test_self_enroll_takes_a_seat_then_waitlists(cohort):
    a, b, c = UserFactory.create_batch(3)
    assert services.enrollment_self_enroll(cohort=cohort, user=a).status == S.ENROLLED
    assert services.enrollment_self_enroll(cohort=cohort, user=b).status == S.ENROLLED
    waiting = services.enrollment_self_enroll(cohort=cohort, user=c)
    assert waiting.status == S.WAITLISTED
    assert waiting.waitlisted_at is not None


def test_enrolling_twice_is_refused(cohort, participant):
    services.enrollment_self_enroll(cohort=cohort, user=participant)
    with pytest.raises(ValidationError, match="already has a place"):
        services.enrollment_self_enroll(cohort=cohort, user=participant)
    assert Enrollment.objects.count() == 1


def test_one_enrollment_per_person_per_cohort_in_the_database(cohort, participant):
    Enrollment.objects.create(cohort=cohort, user=participant, status=S.ENROLLED)
    with pytest.raises(IntegrityError):
        Enrollment.objects.create(cohort=cohort, user=participant, status=S.APPLIED)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"status": "draft"}, "closed"),
        ({"status": "running"}, "closed"),
        (
            {
                "enrollment_closes_at": timezone.now() - datetime.timedelta(days=1),
                "enrollment_opens_at": timezone.now() - datetime.timedelta(days=9),
            },
            "closed",
        ),
        ({"enrollment_opens_at": timezone.now() + datetime.timedelta(days=1)}, "closed"),
        ({"enrollment_mode": "application"}, "application"),
        ({"enrollment_mode": "invite"}, "invitation"),
    ],
)
def test_self_enroll_only_when_open_and_in_open_mode(participant, overrides, message):
    cohort = make_cohort(**overrides)
    with pytest.raises(ValidationError, match=message):
        services.enrollment_self_enroll(cohort=cohort, user=participant)
    assert not Enrollment.objects.exists()


def test_apply_then_approve_or_decline(facilitator):
    cohort = make_cohort(enrollment_mode="application", capacity=1)
    alice, bob, cleo = UserFactory.create_batch(3)
    answers = [{"question": "Why?", "answer": "Housing."}]
    for person in (alice, bob, cleo):
        services.enrollment_apply(cohort=cohort, user=person, answers=answers)
    first = services.enrollment_approve(
        enrollment=Enrollment.objects.get(user=alice), actor=facilitator, message="Welcome"
    )
    assert first.status == S.ENROLLED
    assert first.decision_message == "Welcome"
    # Full: approval puts the next applicant on the waitlist.
    second = services.enrollment_approve(
        enrollment=Enrollment.objects.get(user=bob), actor=facilitator
    )
    assert second.status == S.WAITLISTED
    third = services.enrollment_decline(
        enrollment=Enrollment.objects.get(user=cleo), actor=facilitator, message="Next time"
    )
    assert third.status == S.DECLINED
    assert third.ended_at is not None
    with pytest.raises(ValidationError):
        services.enrollment_approve(enrollment=third, actor=facilitator)


@pytest.mark.parametrize(
    ("start", "to", "allowed"),
    [
        (S.APPLIED, S.ENROLLED, True),
        (S.APPLIED, S.WAITLISTED, True),
        (S.APPLIED, S.DECLINED, True),
        (S.APPLIED, S.WITHDRAWN, False),
        (S.APPLIED, S.COMPLETED, False),
        (S.INVITED, S.ENROLLED, True),
        (S.INVITED, S.DECLINED, True),
        (S.INVITED, S.WAITLISTED, False),
        (S.WAITLISTED, S.ENROLLED, True),
        (S.WAITLISTED, S.DECLINED, False),
        (S.ENROLLED, S.WITHDRAWN, True),
        (S.ENROLLED, S.COMPLETED, True),
        (S.ENROLLED, S.APPLIED, False),
        (S.DECLINED, S.ENROLLED, False),
        (S.WITHDRAWN, S.ENROLLED, False),
    ],
)
def test_the_state_machine(cohort, participant, start, to, allowed):
    enrollment = Enrollment.objects.create(
        cohort=cohort,
        user=participant,
        status=start,
        waitlisted_at=timezone.now() if start == S.WAITLISTED else None,
    )
    if allowed:
        services._move(enrollment, to, actor=None)
        enrollment.refresh_from_db()
        assert enrollment.status == to
        assert EnrollmentTransition.objects.filter(
            enrollment=enrollment, from_status=start, to_status=to
        ).exists()
    else:
        with pytest.raises(ValidationError):
            services._move(enrollment, to, actor=None)
        enrollment.refresh_from_db()
        assert enrollment.status == start


def test_withdrawal_promotes_the_waitlist_first_in_first_out(cohort):
    a, b, c, d = UserFactory.create_batch(4)
    for person in (a, b, c, d):
        services.enrollment_self_enroll(cohort=cohort, user=person)
    services.enrollment_withdraw(enrollment=Enrollment.objects.get(user=a), actor=a)
    statuses = dict(Enrollment.objects.values_list("user", "status"))
    assert statuses[a.pk] == S.WITHDRAWN
    assert statuses[c.pk] == S.ENROLLED  # first in line
    assert statuses[d.pk] == S.WAITLISTED
    note = EnrollmentTransition.objects.get(enrollment__user=c, to_status=S.ENROLLED).note
    assert "waitlist" in note


def test_withdraw_only_from_enrolled(cohort, participant):
    enrollment = services.enrollment_self_enroll(cohort=cohort, user=participant)
    services.enrollment_withdraw(enrollment=enrollment, actor=participant)
    with pytest.raises(ValidationError):
        services.enrollment_withdraw(enrollment=enrollment, actor=participant)


def test_raising_capacity_promotes_waiting_people(cohort):
    people = UserFactory.create_batch(4)
    for person in people:
        services.enrollment_self_enroll(cohort=cohort, user=person)
    services.cohort_update(cohort=cohort, data={"capacity": 3})
    assert cohort.enrollments.filter(status=S.ENROLLED).count() == 3


def test_invite_creates_an_account_to_claim(staff):
    cohort = make_cohort(enrollment_mode="invite")
    enrollment = services.enrollment_invite(
        cohort=cohort, email=" New.Person@Example.org ", full_name="New Person", actor=staff
    )
    assert enrollment.status == S.INVITED
    assert enrollment.user.email == "new.person@example.org"
    assert not enrollment.user.has_usable_password()
    accepted = services.enrollment_accept_invitation(enrollment=enrollment)
    assert accepted.status == S.ENROLLED


def test_invitation_to_a_full_cohort_cannot_be_accepted(staff):
    cohort = make_cohort(enrollment_mode="invite", capacity=1)
    first = services.enrollment_invite(
        cohort=cohort, email="a@example.org", full_name="A", actor=staff
    )
    second = services.enrollment_invite(
        cohort=cohort, email="b@example.org", full_name="B", actor=staff
    )
    services.enrollment_accept_invitation(enrollment=first)
    with pytest.raises(ValidationError, match="full"):
        services.enrollment_accept_invitation(enrollment=second)
    second.refresh_from_db()
    assert second.status == S.INVITED


def test_invite_rejects_a_bad_address(staff, cohort):
    with pytest.raises(ValidationError):
        services.enrollment_invite(cohort=cohort, email="not-an-email", full_name="X", actor=staff)


class TestCsvImport:
    def test_good_file_invites_everyone(self, staff, cohort):
        data = b"name,email\nAna Ruiz,ana@example.org\nBo Li,BO@example.org\n\n"
        result = services.invitations_import_csv(cohort=cohort, data=data, actor=staff)
        assert result.ok
        assert sorted(e.user.email for e in result.invited) == ["ana@example.org", "bo@example.org"]

    def test_any_bad_row_writes_nothing_and_reports_every_row(self, staff, cohort, participant):
        services.enrollment_self_enroll(cohort=cohort, user=participant)
        before = Enrollment.objects.count()
        data = (
            "Ana Ruiz,ana@example.org\n"
            ",nameless@example.org\n"
            "Bad Email,not-an-email\n"
            "Ana Again,ANA@example.org\n"
            f"Already,{participant.email}\n"
            "Only one column\n"
        ).encode()
        result = services.invitations_import_csv(cohort=cohort, data=data, actor=staff)
        assert not result.ok
        assert [row for row, _e in result.errors] == [2, 3, 4, 5, 6]
        assert Enrollment.objects.count() == before
        assert not type(participant).objects.filter(email="ana@example.org").exists()

    @pytest.mark.parametrize(
        ("data", "message"), [(b"", "no rows"), ("é".encode("latin-1"), "UTF-8")]
    )
    def test_empty_or_wrongly_encoded_files(self, staff, cohort, data, message):
        result = services.invitations_import_csv(cohort=cohort, data=data, actor=staff)
        assert message in result.errors[0][1]

    def test_too_many_rows(self, staff, cohort):
        data = "".join(f"P{i},p{i}@example.org\n" for i in range(501)).encode()
        assert (
            "At most"
            in services.invitations_import_csv(cohort=cohort, data=data, actor=staff).errors[0][1]
        )


def test_move_to_another_cohort_of_the_same_program(staff, participant):
    program = published_program()
    source = make_cohort(program=program)
    target = make_cohort(program=program)
    other_program = make_cohort()
    enrollment = services.enrollment_self_enroll(cohort=source, user=participant)
    with pytest.raises(ValidationError, match="same program"):
        services.enrollment_move(enrollment=enrollment, to_cohort=other_program, actor=staff)
    new = services.enrollment_move(enrollment=enrollment, to_cohort=target, actor=staff)
    enrollment.refresh_from_db()
    assert enrollment.status == S.WITHDRAWN
    assert enrollment.moved_to == new
    assert new.cohort == target
    assert new.status == S.ENROLLED


def test_enrollments_are_never_deleted(cohort, participant):
    from django.db.models import ProtectedError

    enrollment = services.enrollment_self_enroll(cohort=cohort, user=participant)
    with pytest.raises(ProtectedError):
        cohort.delete()
    with pytest.raises(ProtectedError):
        participant.delete()
    assert Enrollment.objects.filter(pk=enrollment.pk).exists()


def _session(cohort, **kw):
    start = timezone.now() + datetime.timedelta(days=2)
    return services.session_create(
        cohort=cohort,
        title="Budget basics",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        online_url="https://meet.example.org/x",
        **kw,
    )


def test_sessions_bump_sequence_on_change_and_cancel(cohort):
    session = _session(cohort)
    assert session.sequence == 0
    services.session_update(session=session, data={"title": "Budget basics (moved)"})
    assert session.sequence == 1
    services.session_cancel(session=session)
    assert session.is_cancelled
    assert session.sequence == 2
    with pytest.raises(ValidationError):
        services.session_update(session=session, data={"title": "x"})


def test_session_must_end_after_it_starts_and_module_belongs_to_the_program(cohort):
    start = timezone.now()
    with pytest.raises(ValidationError):
        services.session_create(
            cohort=cohort,
            title="Backwards",
            starts_at=start,
            ends_at=start - datetime.timedelta(hours=1),
        )
    foreign_module = published_program().modules.first()
    with pytest.raises(ValidationError):
        _session(cohort, module=foreign_module)
    assert not Session.objects.exists()


def test_open_for_enrollment_and_managed_by(facilitator, other_facilitator, staff, participant):
    mine = make_cohort(facilitators=[facilitator])
    theirs = make_cohort(facilitators=[other_facilitator], status="running")
    assert set(Cohort.objects.managed_by(facilitator)) == {mine}
    assert set(Cohort.objects.managed_by(staff)) == {mine, theirs}
    assert not Cohort.objects.managed_by(participant).exists()
    assert set(Cohort.objects.open_for_enrollment()) == {mine}


def test_calendar_token_reset_revokes_the_old_one(participant):
    old = services.calendar_token_for(participant).token
    new = services.calendar_token_reset(user=participant).token
    assert old != new
    assert services.calendar_token_for(participant).token == new


def test_cohort_form_explains_a_zero_capacity():
    from cohorts.forms import CohortForm

    form = CohortForm(data={"capacity": 0})
    assert not form.is_valid()
    assert form.errors["capacity"] == ["A cohort needs at least one seat."]
