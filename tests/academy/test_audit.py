"""The audit trail: staff and facilitator changes to someone's record, readable, never editable."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from academy.models import AuditEvent
from cohorts import services
from cohorts.models import Session
from tests.factories import UserFactory, make_cohort

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort_with_session(facilitator):
    cohort = make_cohort(enrollment_mode="application", facilitators=[facilitator])
    start = timezone.now() - datetime.timedelta(hours=1)
    session = Session.objects.create(
        cohort=cohort,
        title="Budget basics",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        location="City Hall",
    )
    return cohort, session


def test_decisions_and_attendance_corrections_are_recorded(cohort_with_session, facilitator):
    cohort, session = cohort_with_session
    person = UserFactory(full_name="Ana Ruiz")
    application = services.enrollment_apply(cohort=cohort, user=person, answers=[])
    assert not AuditEvent.objects.exists()  # people's own actions are their own record
    application = services.enrollment_approve(enrollment=application, actor=facilitator)
    services.attendance_mark(
        session=session, enrollment=application, status="absent", actor=facilitator
    )
    services.attendance_mark(
        session=session, enrollment=application, status="absent", actor=facilitator
    )  # no change
    services.attendance_mark(
        session=session, enrollment=application, status="present", actor=facilitator
    )
    events = list(
        AuditEvent.objects.order_by("at", "pk").values_list(
            "action", "actor", "subject", "before", "after"
        )
    )
    assert events == [
        (
            "enrollment.enrolled",
            facilitator.pk,
            person.pk,
            {"status": "applied"},
            {"status": "enrolled"},
        ),
        ("attendance.marked", facilitator.pk, person.pk, {}, {"status": "absent"}),
        (
            "attendance.corrected",
            facilitator.pk,
            person.pk,
            {"status": "absent"},
            {"status": "present"},
        ),
    ]


def test_staff_read_the_trail_and_others_cannot(
    client, staff, participant, facilitator, cohort_with_session
):
    cohort, _session = cohort_with_session
    application = services.enrollment_apply(cohort=cohort, user=participant, answers=[])
    services.enrollment_decline(enrollment=application, actor=facilitator, message="Next year")
    url = reverse("audit_log")
    assert client.get(url).status_code == HTTPStatus.FOUND
    client.force_login(facilitator)
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    client.force_login(staff)
    response = client.get(url, {"q": participant.email.split("@")[0], "action": "enrollment"})
    assertContains(response, "enrollment.declined")
    assertContains(response, "Next year")
    assertContains(client.get(url, {"action": "certificate"}), "Nothing recorded")


def test_the_trail_is_read_only_in_the_admin(
    client, staff, facilitator, cohort_with_session, participant
):
    cohort, _session = cohort_with_session
    application = services.enrollment_apply(cohort=cohort, user=participant, answers=[])
    services.enrollment_approve(enrollment=application, actor=facilitator)
    event = AuditEvent.objects.get()
    client.force_login(staff)
    assert client.get(reverse("admin:academy_auditevent_changelist")).status_code == HTTPStatus.OK
    response = client.post(
        reverse("admin:academy_auditevent_change", args=[event.pk]), {"summary": "edited"}
    )
    assert response.status_code in {HTTPStatus.FORBIDDEN, HTTPStatus.OK}
    assert (
        client.post(
            reverse("admin:academy_auditevent_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == HTTPStatus.FORBIDDEN
    )
    event.refresh_from_db()
    assert event.summary != "edited"
    assert AuditEvent.objects.count() == 1
