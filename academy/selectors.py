"""Reads composed for the home page and dashboards."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from academy.models import User


@dataclass(frozen=True)
class Pillar:
    title: str
    text: str


def academy_pillars() -> list[Pillar]:
    return [
        Pillar(
            _("Developing a policy agenda"),
            _(
                "Turn campaign promises into a governing agenda: set priorities, "
                "read your budget as a moral document and build the coalition to pass it."
            ),
        ),
        Pillar(
            _("Tools for accomplishing your goals"),
            _(
                "Ordinances, resolutions, budget amendments, public hearings and staff "
                "direction: learn which lever moves which outcome in your jurisdiction."
            ),
        ),
        Pillar(
            _("Navigating the challenges of governing"),
            _(
                "State preemption, hostile media, burnout and the slow pace of government: "
                "practical strategies from officials who have been there."
            ),
        ),
    ]


_PROFILE_FIELDS_FOR_COMPLETENESS = ("office_type", "jurisdiction", "state", "pronouns")


def dashboard_for(user: User) -> dict:
    """The signed-in home. Later features (cohorts, progress, certificates) add their panels."""
    missing = [f for f in _PROFILE_FIELDS_FOR_COMPLETENESS if not getattr(user, f)]
    return {
        "profile_missing": [User._meta.get_field(f).verbose_name for f in missing],
    }
