"""Extension points for apps downstream of academy (imports point one way). Cohorts,
progress and certificates add panels to the signed-in dashboard without academy importing them."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest

from academy import access, fragments


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict
    order: int = 50
    # Context entries kept in the fragments cache (rendered HTML, say): the dashboard reads
    # every panel's, and the navigation's roles, in one round trip and puts each value in
    # `context` under its name. So a provider must not ask for the roles itself (leave what
    # depends on them lazy, for the template).
    cached: dict[str, fragments.Fragment] = field(default_factory=dict)


PanelProvider = Callable[[HttpRequest], Panel | None]
_dashboard_providers: list[PanelProvider] = []


def register_dashboard_panel(provider: PanelProvider) -> PanelProvider:
    if provider not in _dashboard_providers:
        _dashboard_providers.append(provider)
    return provider


def dashboard_panels(request: HttpRequest) -> list[Panel]:
    panels = [p for provider in _dashboard_providers if (p := provider(request))]
    wanted = [
        (panel, name, fragment) for panel in panels for name, fragment in panel.cached.items()
    ]
    values = access.read_roles_with(request, [fragment for _, _, fragment in wanted])
    for (panel, name, _), value in zip(wanted, values, strict=True):
        panel.context[name] = value
    return sorted(panels, key=lambda p: p.order)
