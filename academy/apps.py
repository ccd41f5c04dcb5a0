from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AcademyConfig(AppConfig):
    name = "academy"
    verbose_name = _("Academy people")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(note_sign_in, dispatch_uid="academy_note_sign_in")
        user_logged_in.connect(remember_roles, dispatch_uid="academy_remember_roles")

        from academy import periodic

        periodic.register("prune-task-results", prune_task_results, every=timedelta(days=1))


# Results of background tasks (PDF renders, emails to a cohort) are kept this long for whoever
# looks into a problem, failures longer; what people need later (certificate events, who was
# told what) lives in the apps' own tables.
TASK_RESULTS_KEPT_DAYS = 14
FAILED_TASK_RESULTS_KEPT_DAYS = 60


def prune_task_results() -> None:
    """Delete old finished task results, so the queue's table does not grow without end.
    Only with the database task backend (production); idempotent."""
    from django.core.management import call_command
    from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks_db.backend import DatabaseBackend

    if isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
        call_command(
            "prune_db_task_results",
            queue_name="*",
            min_age_days=TASK_RESULTS_KEPT_DAYS,
            failed_min_age_days=FAILED_TASK_RESULTS_KEPT_DAYS,
            verbosity=0,
        )


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
