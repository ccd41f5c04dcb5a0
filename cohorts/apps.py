from django.apps import AppConfig


class CohortsConfig(AppConfig):
    name = "cohorts"

    def ready(self) -> None:
        from academy.hooks import register_dashboard_panel
        from cohorts import panels
        from modules.hooks import register_program_panel

        register_program_panel(panels.program_cohorts)
        register_dashboard_panel(panels.my_cohorts)
