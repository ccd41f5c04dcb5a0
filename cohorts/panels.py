"""Panels this app contributes to pages of upstream apps (registered in apps.py)."""

from django.http import HttpRequest

from academy.hooks import Panel
from cohorts import selectors
from modules.hooks import Panel as ProgramPanel
from modules.models import Program


def program_cohorts(request: HttpRequest, program: Program) -> ProgramPanel:
    return ProgramPanel(
        template="cohorts/components/program_cohorts.html",
        context={"cohorts": selectors.open_cohorts_for_program(program)},
    )


def my_cohorts(request: HttpRequest) -> Panel | None:
    if not request.user.is_authenticated:
        return None
    return Panel(
        template="cohorts/components/dashboard_cohorts.html",
        context={
            "enrollments": selectors.member_enrollments(user=request.user),
            "next_session": selectors.next_session_for(user=request.user),
            "facilitated": selectors.facilitated_cohorts(user=request.user),
        },
        order=10,
    )
