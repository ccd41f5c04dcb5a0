"""Extension points for apps downstream of the curriculum (imports point one way:
modules ← cohorts). The cohorts app registers a panel for the program page — the cohorts
open for enrollment — without modules importing it."""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

from modules.models import Program


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict


PanelProvider = Callable[[HttpRequest, Program], Panel | None]
_program_panel_providers: list[PanelProvider] = []


def register_program_panel(provider: PanelProvider) -> PanelProvider:
    if provider not in _program_panel_providers:
        _program_panel_providers.append(provider)
    return provider


def program_panels(request: HttpRequest, program: Program) -> list[Panel]:
    return [p for provider in _program_panel_providers if (p := provider(request, program))]
