"""Extension points for apps downstream of academy (imports point one way). Cohorts,
progress and certificates add panels to the signed-in dashboard without academy importing them."""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict
    order: int = 50


PanelProvider = Callable[[HttpRequest], Panel | None]
_dashboard_providers: list[PanelProvider] = []


def register_dashboard_panel(provider: PanelProvider) -> PanelProvider:
    if provider not in _dashboard_providers:
        _dashboard_providers.append(provider)
    return provider


def dashboard_panels(request: HttpRequest) -> list[Panel]:
    panels = [p for provider in _dashboard_providers if (p := provider(request))]
    return sorted(panels, key=lambda p: p.order)
