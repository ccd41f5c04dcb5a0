"""Emails about enrollments, sessions and announcements (implemented in a later commit)."""


def enrollment_event(*, enrollment_id: int, event: str) -> None:
    raise NotImplementedError


def session_cancelled(*, session_id: int) -> None:
    raise NotImplementedError


def announcement_posted(*, announcement_id: int) -> None:
    raise NotImplementedError
