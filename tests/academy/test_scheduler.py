import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from cohorts import services
from cohorts.models import SessionReminder
from tests.factories import UserFactory, make_cohort

pytestmark = pytest.mark.django_db


def test_scheduler_runs_the_reminders_once(mailoutbox, capsys):
    cohort = make_cohort()
    person = UserFactory()
    services.enrollment_self_enroll(cohort=cohort, user=person)
    start = timezone.now() + datetime.timedelta(hours=3)
    services.session_create(
        cohort=cohort,
        title="Budget basics",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        location="City Hall",
    )
    call_command("scheduler", once=True)
    call_command("scheduler", once=True)
    assert "session-reminders: ok" in capsys.readouterr().out
    assert SessionReminder.objects.count() == 1
    assert [m.to for m in mailoutbox] == [[person.email]]


def test_a_failing_job_is_logged_not_fatal(caplog):
    from academy import periodic

    def boom():
        raise RuntimeError("database away")

    periodic.register("boom", boom, every=datetime.timedelta(minutes=1))
    try:
        assert periodic.run(periodic._jobs["boom"]) is False
    finally:
        periodic._jobs.pop("boom")
    assert "boom failed" in caplog.text
