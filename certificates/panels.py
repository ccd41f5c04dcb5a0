"""The certificates card on the signed-in dashboard (registered in apps.py)."""

from django.http import HttpRequest

from academy.hooks import Panel
from certificates.models import Certificate


def my_certificates(request: HttpRequest) -> Panel | None:
    if not request.user.is_authenticated:
        return None
    certificates = list(
        Certificate.objects.filter(enrollment__user=request.user).order_by("-issued_at")[:5]
    )
    return Panel(
        template="certificates/components/dashboard.html",
        context={"certificates": certificates},
        order=30,
    )
