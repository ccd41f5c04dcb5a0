from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AcademyConfig(AppConfig):
    name = "academy"
    verbose_name = _("Academy people")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(note_sign_in, dispatch_uid="academy_note_sign_in")
        user_logged_in.connect(remember_roles, dispatch_uid="academy_remember_roles")


def note_sign_in(sender, request, user, **kwargs) -> None:
    """Start the session clocks the timeout middleware reads (login saves the session)."""
    import time

    if request is not None and hasattr(request, "session"):
        request.session["academy_started"] = request.session["academy_seen"] = time.time()


def remember_roles(sender, request, user, **kwargs) -> None:
    """Work out the navigation's roles once at sign-in, not on the first page."""
    from academy import fragments
    from academy.access import roles_for

    if fragments.enabled():
        roles_for(user)
