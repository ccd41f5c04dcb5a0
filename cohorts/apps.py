from django.apps import AppConfig


class CohortsConfig(AppConfig):
    name = "cohorts"

    def ready(self) -> None:
        from datetime import timedelta

        from academy import periodic
        from academy.hooks import register_dashboard_panel
        from cohorts import notifications, panels
        from modules.hooks import register_program_panel

        register_program_panel(panels.program_cohorts)
        register_dashboard_panel(panels.my_cohorts)
        periodic.register(
            "session-reminders", notifications.send_session_reminders, every=timedelta(minutes=10)
        )
