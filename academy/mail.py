"""Templated emails: one subject line, a plain-text body and an HTML alternative.

A message named ``cohorts/email/approved`` is three templates:
``cohorts/email/approved_subject.txt`` (one line), ``cohorts/email/approved.txt`` and
``cohorts/email/approved.html``. The bodies extend ``emails/base.txt`` and ``emails/base.html``.

``send_to_user`` renders in the recipient's language and time zone, so dates and times in
the templates (``|date``, ``|time``) come out the way that person reads them.
"""

import re
import zoneinfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.utils import timezone, translation

_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*){2,}")


def zone_of(name: str | None) -> zoneinfo.ZoneInfo:
    """The ZoneInfo for a stored zone name, or the site's zone when it is blank or unknown."""
    try:
        return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _tidy_text(text: str) -> str:
    """Template tags leave runs of blank lines behind; keep at most one between paragraphs."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)) + "\n"


def send_templated_email(
    *,
    template: str,
    to: list[str],
    context: dict,
    reply_to: list[str] | None = None,
    mailer: BaseEmailBackend | None = None,
) -> None:
    """Render ``{template}_subject.txt``, ``{template}.txt`` and ``{template}.html`` and send
    them as one multipart message from DEFAULT_FROM_EMAIL (through `mailer`, an open one,
    when sending many: `with mailers.default as mailer: ...`)."""
    context = {**context, "site_url": settings.SITE_URL.rstrip("/")}
    subject = render_to_string(f"{template}_subject.txt", context)
    subject = " ".join(subject.split())  # one line: headers may not contain newlines
    text = _tidy_text(render_to_string(f"{template}.txt", context))
    html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        reply_to=list(reply_to) if reply_to else None,
    )
    message.attach_alternative(html, "text/html")
    if mailer is None:
        message.send()
    else:
        mailer.send_messages([message])


def send_to_user(
    *,
    template: str,
    user,
    context: dict,
    reply_to: list[str] | None = None,
    mailer: BaseEmailBackend | None = None,
) -> None:
    """Send one message to one person, in their language and time zone."""
    language = user.language or settings.LANGUAGE_CODE
    with translation.override(language), timezone.override(zone_of(user.time_zone)):
        send_templated_email(
            template=template,
            to=[user.email],
            context={**context, "user": user},
            reply_to=reply_to,
            mailer=mailer,
        )
