"""iCalendar data for live sessions: one-off downloads and subscription feeds.

Each session is one VEVENT whose UID never changes and whose SEQUENCE the services bump
on every change, so calendar apps update the event they already have instead of adding
a copy. Cancelled sessions stay in the feed with STATUS:CANCELLED so apps remove them.
"""

from collections.abc import Iterable
from datetime import UTC, datetime

from django.conf import settings
from django.utils.translation import gettext as _
from icalendar import STATUS, Calendar, Event

from cohorts.models import Session

PRODID = "-//Local Progress//Governance Academy//EN"


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _description(session: Session) -> str:
    cohort = session.cohort
    parts = []
    if session.notes.strip():
        parts.append(session.notes.strip())
    if session.online_url:
        parts.append(_("Join online: %(url)s") % {"url": session.online_url})
    parts.append(
        _("Cohort page: %(url)s")
        % {"url": settings.SITE_URL.rstrip("/") + cohort.get_absolute_url()}
    )
    return "\n\n".join(parts)


def session_event(session: Session) -> Event:
    """The VEVENT of one session; `session.cohort` should be loaded already."""
    return Event.new(
        uid=session.uid,
        sequence=session.sequence,
        stamp=_utc(session.updated_at),
        start=_utc(session.starts_at),
        end=_utc(session.ends_at),
        summary=f"{session.title} · {session.cohort.name}",
        description=_description(session),
        location=session.location or session.online_url or None,
        url=session.online_url or None,
        status=STATUS.CANCELLED if session.is_cancelled else STATUS.CONFIRMED,
    )


def calendar_for_sessions(sessions: Iterable[Session], *, name: str) -> bytes:
    """A VCALENDAR (METHOD:PUBLISH) with one VEVENT per session, serialised."""
    calendar = Calendar.new(
        prodid=PRODID,
        name=name,
        method="PUBLISH",
        subcomponents=[session_event(session) for session in sessions],
    )
    # Calendar.new() adds a random UID; without it the same sessions give the same bytes.
    del calendar["UID"]
    return calendar.to_ical()
