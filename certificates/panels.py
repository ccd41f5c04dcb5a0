"""The certificates card on the signed-in dashboard (registered in apps.py)."""

from django.http import HttpRequest

from academy import fragments
from academy.hooks import Panel
from certificates.models import Certificate


def holder_namespace(user_id: int) -> str:
    """Fragments namespace of one person's certificates: the services make it stale."""
    return f"certificates-of:{user_id}"


def my_certificates(request: HttpRequest) -> Panel | None:
    if not request.user.is_authenticated:
        return None
    user = request.user
    certificates = fragments.cached(
        holder_namespace(user.pk),
        "latest",
        lambda: list(Certificate.objects.filter(enrollment__user=user).order_by("-issued_at")[:5]),
    )
    return Panel(
        template="certificates/components/dashboard.html",
        context={"certificates": certificates},
        order=30,
    )
