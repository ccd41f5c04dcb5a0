"""Panels this app contributes to pages of upstream apps (registered in apps.py)."""

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from academy import fragments
from academy.access import request_roles
from academy.hooks import Panel
from cohorts import selectors
from modules.hooks import Panel as ProgramPanel
from modules.models import Program
from modules.selectors import CURRICULUM

DASHBOARD = "cohorts/components/dashboard_cohorts.html"


def program_cohorts(request: HttpRequest, program: Program) -> ProgramPanel:
    return ProgramPanel(
        template="cohorts/components/program_cohorts.html",
        context={"cohorts": selectors.open_cohorts_for_program(program)},
    )


def _member_html(user) -> fragments.Fragment:
    """The participant's part of the panel (next live session, programs and progress),
    rendered without the request and kept until anything it shows changes: the key holds
    `member_fingerprint`, the curriculum's version (titles), the language and time zone."""

    def build() -> str:
        enrollments = selectors.member_enrollments(user=user)
        context = {
            "enrollments": enrollments,
            "next_session": selectors.next_session_of(enrollments),
        }
        return render_to_string(f"{DASHBOARD}#member", {"panel": context})

    if not fragments.enabled():  # nothing kept: no fingerprint to take
        return fragments.Fragment(CURRICULUM, "", build)
    key = (
        f"member:{user.pk}:{selectors.member_digest(user)}:"
        f"{get_language()}:{timezone.get_current_timezone_name()}"
    )
    return fragments.Fragment(CURRICULUM, key, build)


def my_cohorts(request: HttpRequest) -> Panel | None:
    if not request.user.is_authenticated:
        return None
    user = request.user
    context = {
        # Seats change with other people's enrollments: read on every request. Lazy: the
        # roles are read with the panels' cached parts, after this (academy.hooks.Panel).
        "facilitated": SimpleLazyObject(
            lambda: (
                selectors.facilitated_cohorts(user=user)
                if request_roles(request).is_facilitator
                else []
            )
        ),
    }
    return Panel(
        template=DASHBOARD,
        context=context,
        order=10,
        cached={"member_html": _member_html(user)},
    )
