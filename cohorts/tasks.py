"""Background work: emails to a whole cohort. A facilitator who posts an announcement, or
moves or cancels a session, gets their page back at once; a worker sends the messages, over one mail
server connection (for 500 people, one connection each would outlast the request)."""

from django.tasks import task

from cohorts import notifications


@task()
def send_announcement(*, announcement_id: int) -> int:
    return notifications.announcement_posted(announcement_id=announcement_id)


@task()
def send_session_cancelled(*, session_id: int) -> int:
    return notifications.session_cancelled(session_id=session_id)


@task()
def send_session_changed(*, session_id: int, previous_starts_at: str, previous_ends_at: str) -> int:
    return notifications.session_changed(
        session_id=session_id,
        previous_starts_at=previous_starts_at,
        previous_ends_at=previous_ends_at,
    )
