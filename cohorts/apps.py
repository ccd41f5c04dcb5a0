from django.apps import AppConfig


class CohortsConfig(AppConfig):
    name = "cohorts"

    def ready(self) -> None:
        from datetime import timedelta

        from django.db.models.signals import m2m_changed

        from academy import periodic
        from academy.hooks import register_dashboard_panel
        from cohorts import notifications, panels
        from cohorts.models import Cohort
        from modules.hooks import register_program_panel

        register_program_panel(panels.program_cohorts)
        register_dashboard_panel(panels.my_cohorts)
        periodic.register(
            "session-reminders", notifications.send_session_reminders, every=timedelta(minutes=10)
        )
        m2m_changed.connect(
            facilitators_changed,
            sender=Cohort.facilitators.through,
            dispatch_uid="cohorts_facilitators_changed",
        )


def facilitators_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """Whoever becomes or stops being a facilitator: the navigation's remembered role is
    stale (academy.access). Cache bookkeeping only; the rules live in the services."""
    from academy.access import facilitators_changed as forget

    if action in {"post_add", "post_remove"}:
        forget([instance.pk] if reverse else pk_set)
    elif action == "pre_clear":
        forget([instance.pk] if reverse else instance.facilitators.values_list("pk", flat=True))
