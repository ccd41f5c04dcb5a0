"""The certificates card on the signed-in dashboard (registered in apps.py)."""

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.translation import get_language

from academy import fragments
from academy.hooks import Panel
from certificates.models import Certificate


def holder_namespace(user_id: int) -> str:
    """Fragments namespace of one person's certificates: the services make it stale."""
    return f"certificates-of:{user_id}"


CARD = "certificates/components/dashboard.html"


def my_certificates(request: HttpRequest) -> Panel | None:
    if not request.user.is_authenticated:
        return None
    user = request.user

    def build() -> str:
        certificates = Certificate.objects.filter(enrollment__user=user).order_by("-issued_at")
        return render_to_string(f"{CARD}#card", {"panel": {"certificates": certificates[:5]}})

    # Kept rendered (the certificates' titles are their own, frozen at issue): only issuing
    # or revoking one of this person's certificates makes it stale.
    card = fragments.Fragment(holder_namespace(user.pk), f"card:{get_language()}", build)
    return Panel(template=CARD, context={}, order=30, cached={"html": card})
